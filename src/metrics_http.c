/* metrics_http.c: /metrics over HTTP (libevent's evhttp) and the
 * textfile-collector file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "log.h"
#include "metrics_http.h"
#include "privsep_client.h"
#include "textfile.h"

#define METRICS_MAX_HEADERS 8192
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct metrics_http {
	struct evhttp *http;
	struct evbuffer *cache;		 /* the last text rendered */
	int64_t cache_mono_ns;		 /* when, 0 never */
	unsigned long requests;		 /* scrapes answered */
	struct evconnlistener *listener; /* owned by http once bound */
	metrics_render_fn render;
	void *ctx;
};

/*
 * The metrics text into @body: rendered again unless the last rendering is
 * younger than METRICS_REUSE_MS, so that a flood of scrapes costs copies,
 * not renderings.
 */
static void fill_body(struct metrics_http *m, struct evbuffer *body)
{
	struct timespec ts;
	int64_t now;
	size_t n;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
	if (!m->cache_mono_ns ||
	    now - m->cache_mono_ns >= METRICS_REUSE_MS * 1000000LL) {
		evbuffer_drain(m->cache, evbuffer_get_length(m->cache));
		m->render(m->ctx, m->cache);
		m->cache_mono_ns = now;
	}
	n = evbuffer_get_length(m->cache);
	evbuffer_add(body, evbuffer_pullup(m->cache, (ev_ssize_t)n), n);
}

/* 405 with the Allow header (evhttp_send_error() would drop it). */
static void reply_bad_method(struct evhttp_request *req)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	struct evbuffer *body = evbuffer_new();

	evhttp_add_header(h, "Allow", "GET, HEAD");
	evhttp_add_header(h, "Content-Type", "text/plain; charset=utf-8");
	evhttp_add_header(h, "Connection", "close");
	if (body)
		evbuffer_add_printf(body, "only GET and HEAD of /metrics\n");
	evhttp_send_reply(req, HTTP_BADMETHOD, "Method Not Allowed", body);
	if (body)
		evbuffer_free(body);
}

static void on_request(struct evhttp_request *req, void *arg)
{
	struct metrics_http *m = arg;
	const char *path =
	    evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	struct evbuffer *body;

	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		reply_bad_method(req);
		return;
	}
	if (!path || strcmp(path, "/metrics") != 0) {
		evhttp_send_error(req, HTTP_NOTFOUND, "only /metrics is here");
		return;
	}
	body = evbuffer_new();
	if (!body) {
		evhttp_send_error(req, HTTP_SERVUNAVAIL, NULL);
		return;
	}
	fill_body(m, body);
	m->requests++;
	evhttp_add_header(evhttp_request_get_output_headers(req),
			  "Content-Type", METRICS_CONTENT_TYPE);
	evhttp_send_reply(req, HTTP_OK, "OK", body);
	evbuffer_free(body);
}

static void on_resume(evutil_socket_t fd, short what, void *arg)
{
	evconnlistener_enable(arg);
}

/*
 * accept() failed: out of descriptors (a flood), so pause instead of
 * spinning on a listening socket that stays readable. The timer is a
 * one-shot of the loop: the listener lives as long as the loop runs.
 */
static void on_accept_error(struct evconnlistener *l, void *arg)
{
	int err = EVUTIL_SOCKET_ERROR();
	struct timeval tv = {0, METRICS_ACCEPT_PAUSE_MS * 1000};

	if (err != EMFILE && err != ENFILE && err != ENOBUFS && err != ENOMEM)
		return;
	evconnlistener_disable(l);
	if (event_base_once(evconnlistener_get_base(l), -1, EV_TIMEOUT,
			    on_resume, l, &tv) < 0)
		evconnlistener_enable(l);
}

/* evhttp on the bound socket @fd, bounded requests; on_request answers
 * other methods than GET and HEAD with 405. */
static int start_http(struct metrics_http *m, struct event_base *base, int fd)
{
	m->http = evhttp_new(base);
	/* backlog 0: listening already (metrics_socket.c, systemd, the
	 * parent), so libevent does not call listen(), which the worker's
	 * filter forbids */
	m->listener = evconnlistener_new(
	    base, NULL, NULL, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0,
	    fd);
	if (!m->http || !m->listener) {
		if (!m->listener)
			close(fd);
		return -ENOMEM;
	}
	evhttp_set_allowed_methods(
	    m->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
			 EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE);
	evhttp_set_timeout(m->http, METRICS_HTTP_TIMEOUT_S);
	evhttp_set_max_headers_size(m->http, METRICS_MAX_HEADERS);
	evhttp_set_max_body_size(m->http, 0);
	evhttp_set_gencb(m->http, on_request, m);
	if (!evhttp_bind_listener(m->http, m->listener)) {
		evconnlistener_free(m->listener);
		m->listener = NULL;
		return -ENOMEM;
	}
	/* evhttp took the listener; errors still come to us */
	evconnlistener_set_error_cb(m->listener, on_accept_error);
	return 0;
}

int metrics_http_open(struct event_base *base, int fd,
		      metrics_render_fn render, void *ctx,
		      struct metrics_http **out)
{
	struct metrics_http *m;
	int r;

	*out = NULL;
	m = calloc(1, sizeof(*m));
	if (!m) {
		close(fd);
		return -ENOMEM;
	}
	m->render = render;
	m->ctx = ctx;
	m->cache = evbuffer_new();
	r = m->cache ? start_http(m, base, fd) : -ENOMEM;
	if (r < 0) {
		if (!m->cache)
			close(fd);
		metrics_http_close(m);
		return r;
	}
	*out = m;
	return 0;
}

void metrics_http_close(struct metrics_http *m)
{
	if (!m)
		return;
	/* evhttp_free frees the bound listener too */
	if (m->http)
		evhttp_free(m->http);
	else if (m->listener)
		evconnlistener_free(m->listener);
	if (m->cache)
		evbuffer_free(m->cache);
	free(m);
}

unsigned long metrics_http_requests(const struct metrics_http *m)
{
	return m ? m->requests : 0;
}

int metrics_write_textfile(const char *path, struct evbuffer *text)
{
	char tmp[4096];
	int fd, c, r = 0;

	/* under privilege separation the parent creates and renames */
	fd = privsep_client_active() ? privsep_open_textfile()
				     : textfile_create(path, tmp, sizeof(tmp));
	if (fd < 0)
		return fd;
	while (evbuffer_get_length(text) > 0) {
		int n = evbuffer_write(text, fd);
		if (n < 0) {
			r = -errno;
			break;
		}
	}
	if (close(fd) < 0 && r == 0)
		r = -errno;
	c = privsep_client_active() ? privsep_commit_textfile(r == 0)
				    : textfile_commit(tmp, path, r == 0);
	return r < 0 ? r : c;
}
