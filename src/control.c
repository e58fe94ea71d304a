/* control.c: the control socket phcbrokerctl talks to (server side). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/bufferevent.h>

#include "control.h"
#include "privsep_client.h"
#include "ctlfmt.h"
#include "log.h"
#include "uds.h"

struct client {
	struct control *ctl;
	struct bufferevent *bev;
	struct control_peer peer;
	bool closing; /* close once the output has drained */
	bool eof;     /* the client sent all it will send */
	bool paused;  /* not reading requests until the output drains */
	struct client *next;
};

struct control {
	struct event_base *base;
	int listen_fd;
	struct event *ev_accept;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat st; /* identity of our socket file */
	struct control_access acc;
	control_handler_fn fn;
	void *ctx;
	struct client *clients;
	int n_clients;
	unsigned long accepted, refused;
};

void control_begin(struct evbuffer *out, const char *item, const char *source)
{
	if (source)
		evbuffer_add_printf(out, "RESPONSE %s %s\n", item, source);
	else
		evbuffer_add_printf(out, "RESPONSE %s\n", item);
}

void control_field(struct evbuffer *out, const char *key, const char *fmt, ...)
{
	va_list ap;

	evbuffer_add_printf(out, "%s ", key);
	va_start(ap, fmt);
	evbuffer_add_vprintf(out, fmt, ap);
	va_end(ap);
	evbuffer_add(out, "\n", 1);
}

void control_error(struct evbuffer *out, const char *item, const char *fmt, ...)
{
	va_list ap;

	evbuffer_add_printf(out, "ERROR %s ", item);
	va_start(ap, fmt);
	evbuffer_add_vprintf(out, fmt, ap);
	va_end(ap);
	evbuffer_add(out, "\n", 1);
}

static bool in_group(int fd, gid_t primary, gid_t want)
{
	gid_t groups[64];
	socklen_t len = sizeof(groups);

	if (primary == want)
		return true;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) < 0)
		return false;
	for (size_t k = 0; k < len / sizeof(gid_t); k++)
		if (groups[k] == want)
			return true;
	return false;
}

static int identify_peer(struct control *c, int fd, struct control_peer *p)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -errno;
	p->pid = cred.pid;
	p->uid = cred.uid;
	p->gid = cred.gid;
	p->may_set = cred.uid == 0 ||
		     (c->acc.have_admin_group &&
		      in_group(fd, cred.gid, c->acc.admin_group));
	p->may_get = p->may_set || cred.uid == 0 ||
		     (c->acc.have_read_group &&
		      in_group(fd, cred.gid, c->acc.read_group));
	return 0;
}

static void client_free(struct client *cl)
{
	struct control *c = cl->ctl;
	for (struct client **pp = &c->clients; *pp; pp = &(*pp)->next) {
		if (*pp == cl) {
			*pp = cl->next;
			break;
		}
	}
	c->n_clients--;
	/* deferred callbacks may still be queued: they must not reach @cl */
	bufferevent_setcb(cl->bev, NULL, NULL, NULL, NULL);
	bufferevent_free(cl->bev);
	free(cl);
}

/*
 * Say no more: once the answer is out, shut down our side, then discard
 * whatever the client still sends until it hangs up (or a short timeout),
 * so that it reads our error instead of a connection reset.
 */
static void client_close_after_flush(struct client *cl)
{
	struct timeval linger = { CONTROL_LINGER_S, 0 };

	cl->closing = true;
	bufferevent_set_timeouts(cl->bev, &linger, &linger);
	if (evbuffer_get_length(bufferevent_get_output(cl->bev)) == 0)
		shutdown(bufferevent_getfd(cl->bev), SHUT_WR);
}

static void serve_line(struct client *cl, char *line, size_t n,
		       struct evbuffer *out)
{
	const char *action, *item, *arg;
	struct control *c = cl->ctl;

	if (n && line[n - 1] == '\r')
		line[--n] = '\0';
	if (strlen(line) != n || control_parse(line, &action, &item, &arg) < 0) {
		control_error(out, "-", "malformed request; expected GET ITEM or SET ITEM VALUE");
	} else if (strcmp(action, "GET") == 0 && !cl->peer.may_get) {
		control_error(out, item, "permission denied for uid %u",
			      (unsigned)cl->peer.uid);
	} else if (strcmp(action, "SET") == 0 && !cl->peer.may_set) {
		control_error(out, item, "permission denied: SET needs root "
			      "or the admin group (uid %u)",
			      (unsigned)cl->peer.uid);
		log_notice(NULL, "control: refused SET %s from pid %d uid %u",
			   item, (int)cl->peer.pid, (unsigned)cl->peer.uid);
	} else if (strcmp(action, "GET") != 0 && strcmp(action, "SET") != 0) {
		control_error(out, item, "unknown action %s; expected GET or SET",
			      action);
	} else {
		c->fn(c->ctx, &cl->peer, action, item, arg, out);
	}
	evbuffer_add(out, "END\n", 4);
}

/*
 * Backpressure: with many answers queued, stop reading this client's
 * requests (they wait in the socket) until it has read most of them; the
 * write timeout drops a client whose answers do not drain at all.
 */
static void client_pause(struct client *cl)
{
	cl->paused = true;
	bufferevent_disable(cl->bev, EV_READ);
	bufferevent_setwatermark(cl->bev, EV_WRITE, CONTROL_OUTPUT_LOW, 0);
}

static void client_resume(struct client *cl)
{
	cl->paused = false;
	bufferevent_setwatermark(cl->bev, EV_WRITE, 0, 0);
	if (bufferevent_enable(cl->bev, EV_READ) < 0)
		log_err(NULL, "control: cannot resume pid %d; its idle "
			"timeout will drop it", (int)cl->peer.pid);
	/* lines already buffered bring no read event: serve them after this */
	bufferevent_trigger(cl->bev, EV_READ, BEV_TRIG_DEFER_CALLBACKS);
}

static bool output_full(struct client *cl)
{
	return evbuffer_get_length(bufferevent_get_output(cl->bev)) >
	       CONTROL_OUTPUT_HIGH;
}

static void on_read(struct bufferevent *bev, void *arg)
{
	struct client *cl = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer *out = bufferevent_get_output(bev);
	size_t n;
	char *line;

	if (cl->closing) {
		evbuffer_drain(in, evbuffer_get_length(in));
		return;
	}
	if (cl->paused)
		return;
	for (int k = 0; k < CONTROL_REQUESTS_PER_READ; k++) {
		if (output_full(cl))
			break;
		line = evbuffer_readln(in, &n, EVBUFFER_EOL_LF);
		if (!line)
			break;
		if (n > CONTROL_LINE_MAX) {
			free(line);
			goto too_long;
		}
		serve_line(cl, line, n, out);
		free(line);
	}
	if (output_full(cl)) {
		client_pause(cl);
		return;
	}
	bool more = evbuffer_search_eol(in, NULL, NULL, EVBUFFER_EOL_LF).pos >= 0;
	if (!more && evbuffer_get_length(in) > CONTROL_LINE_MAX)
		goto too_long;
	/* more complete lines wait: come back after other events ran */
	if (more)
		bufferevent_trigger(bev, EV_READ, BEV_TRIG_DEFER_CALLBACKS);
	return;
too_long:
	control_error(out, "-", "request longer than %d bytes",
		      CONTROL_LINE_MAX);
	evbuffer_add(out, "END\n", 4);
	client_close_after_flush(cl);
}

static void on_write(struct bufferevent *bev, void *arg)
{
	struct client *cl = arg;
	if (cl->paused) {
		client_resume(cl);
	} else if (cl->closing) {
		shutdown(bufferevent_getfd(bev), SHUT_WR);
		if (cl->eof)
			client_free(cl); /* it sent all; it has all its answers */
	}
}

/*
 * The client closed its sending side (shutdown(SHUT_WR), as nc -N does):
 * answer every complete line it sent, then close once the answers are out.
 * The input is bounded by the read watermark, so this is bounded too.
 */
static void finish_after_eof(struct client *cl)
{
	struct evbuffer *in = bufferevent_get_input(cl->bev);
	struct evbuffer *out = bufferevent_get_output(cl->bev);
	size_t n;
	char *line;

	cl->eof = true;
	while ((line = evbuffer_readln(in, &n, EVBUFFER_EOL_LF))) {
		if (n > CONTROL_LINE_MAX) {
			free(line);
			control_error(out, "-", "request longer than %d bytes",
				      CONTROL_LINE_MAX);
			evbuffer_add(out, "END\n", 4);
			break;
		}
		serve_line(cl, line, n, out);
		free(line);
	}
	client_close_after_flush(cl);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct client *cl = arg;
	if ((what & BEV_EVENT_EOF) && !cl->closing && !cl->paused) {
		finish_after_eof(cl);
		if (evbuffer_get_length(bufferevent_get_output(bev)) > 0)
			return; /* on_write closes once they are out */
	}
	if ((what & BEV_EVENT_TIMEOUT) && (what & BEV_EVENT_WRITING))
		log_info(NULL, "control: dropping pid %d: not reading its "
			 "answers", (int)cl->peer.pid);
	else if (what & BEV_EVENT_TIMEOUT)
		log_debug(NULL, "control: pid %d idle, dropped",
			  (int)cl->peer.pid);
	client_free(cl);
}

static void refuse(struct control *c, int fd, const char *why)
{
	char msg[128];
	int n = snprintf(msg, sizeof(msg), "ERROR - %s\nEND\n", why);
	c->refused++;
	(void)!send(fd, msg, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
	close(fd);
}

/* Connections from @uid now. */
static int clients_of(const struct control *c, uid_t uid)
{
	int n = 0;
	for (const struct client *cl = c->clients; cl; cl = cl->next)
		n += cl->peer.uid == uid;
	return n;
}

/*
 * Why @p gets no slot now (written to @buf if need be), or NULL. One uid
 * may not take every slot, and the last few are kept for root.
 */
static const char *no_slot(const struct control *c,
			   const struct control_peer *p, char *buf, size_t len)
{
	if (!p->may_get)
		return "permission denied";
	if (c->n_clients >= CONTROL_CLIENTS_MAX)
		return "too many clients, try again";
	if (p->uid == 0)
		return NULL;
	if (c->n_clients >= CONTROL_CLIENTS_MAX - CONTROL_ROOT_RESERVED)
		return "too many clients (the last are kept for root), try again";
	if (clients_of(c, p->uid) >= CONTROL_CLIENTS_PER_UID) {
		snprintf(buf, len, "too many connections from uid %u "
			 "(at most %d), try again", (unsigned)p->uid,
			 CONTROL_CLIENTS_PER_UID);
		return buf;
	}
	return NULL;
}

static void add_client(struct control *c, int fd,
		       const struct control_peer *peer)
{
	struct timeval idle = { CONTROL_IDLE_S, 0 };
	struct client *cl = calloc(1, sizeof(*cl));

	if (!cl) {
		close(fd);
		return;
	}
	cl->ctl = c;
	cl->peer = *peer;
	cl->bev = bufferevent_socket_new(c->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!cl->bev) {
		log_err(NULL, "control: cannot serve pid %d: out of memory",
			(int)peer->pid);
		close(fd);
		free(cl);
		return;
	}
	bufferevent_setcb(cl->bev, on_read, on_write, on_event, cl);
	/* the write timeout drops a client whose answers do not drain */
	bufferevent_set_timeouts(cl->bev, &idle, &idle);
	/* never buffer much more than one line of input */
	bufferevent_setwatermark(cl->bev, EV_READ, 0, 4 * CONTROL_LINE_MAX);
	if (bufferevent_enable(cl->bev, EV_READ) < 0) {
		log_err(NULL, "control: cannot serve pid %d: event loop "
			"refused it", (int)peer->pid);
		bufferevent_free(cl->bev); /* closes fd */
		free(cl);
		return;
	}
	cl->next = c->clients;
	c->clients = cl;
	c->n_clients++;
	c->accepted++;
}

static void take_client(struct control *c, int fd)
{
	struct control_peer peer;
	const char *why;
	char buf[96];

	if (identify_peer(c, fd, &peer) < 0) {
		refuse(c, fd, "permission denied");
		return;
	}
	why = no_slot(c, &peer, buf, sizeof(buf));
	if (why) {
		refuse(c, fd, why);
		return;
	}
	add_client(c, fd, &peer);
}

/* Accept a bounded number per turn so a flood cannot hold the loop. */
static void on_accept(evutil_socket_t lfd, short what, void *arg)
{
	struct control *c = arg;

	for (int k = 0; k < CONTROL_ACCEPTS_PER_TURN; k++) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		take_client(c, fd);
	}
}

/* 0600, or 0660 in the read group: created so, never chmod'ed by name. */
static int bind_socket(const char *path, const struct control_access *acc,
		       struct stat *st)
{
	int fd, r;

	if (privsep_client_active()) {
		/* the parent binds it: the group needs CAP_CHOWN */
		r = privsep_open_control(&fd);
		if (r < 0)
			return r;
		if (lstat(path, st) < 0) { /* for our unlink at the end */
			r = -errno;
			close(fd);
			return r;
		}
		return fd;
	}
	return control_bind(path, acc, st);
}

int control_bind(const char *path, const struct control_access *acc,
		 struct stat *st)
{
	int fd = uds_bind(SOCK_STREAM, path, acc->have_read_group ? 0660 : 0600,
			  acc->have_read_group ? acc->read_group : (gid_t)-1,
			  st);

	if (fd >= 0 && listen(fd, 16) < 0) {
		int r = -errno;
		close(fd);
		unlink(path);
		return r;
	}
	return fd;
}

int control_open(struct event_base *base, const char *path,
		 const struct control_access *acc, control_handler_fn fn,
		 void *ctx, struct control **out)
{
	struct control *c = calloc(1, sizeof(*c));
	int fd;

	if (!c)
		return -ENOMEM;
	fd = bind_socket(path, acc, &c->st);
	if (fd < 0) {
		free(c);
		return fd;
	}
	c->base = base;
	c->acc = *acc;
	c->fn = fn;
	c->ctx = ctx;
	snprintf(c->path, sizeof(c->path), "%s", path);
	c->listen_fd = fd;
	c->ev_accept = event_new(base, fd, EV_READ | EV_PERSIST, on_accept, c);
	if (!c->ev_accept || event_add(c->ev_accept, NULL) < 0) {
		if (c->ev_accept)
			event_free(c->ev_accept);
		close(fd);
		uds_unlink_own(path, &c->st);
		free(c);
		return -ENOMEM;
	}
	*out = c;
	return 0;
}

void control_close(struct control *c)
{
	if (!c)
		return;
	while (c->clients)
		client_free(c->clients);
	event_free(c->ev_accept);
	close(c->listen_fd);
	uds_unlink_own(c->path, &c->st); /* not a successor's socket */
	free(c);
}

int control_clients(const struct control *c)
{
	return c ? c->n_clients : 0;
}

unsigned long control_refused(const struct control *c)
{
	return c ? c->refused : 0;
}
