/* metrics_http.h: /metrics over HTTP (libevent's evhttp) and the
 * textfile-collector file. */
#ifndef PHCB_METRICS_HTTP_H
#define PHCB_METRICS_HTTP_H

#include <event2/buffer.h>
#include <event2/event.h>

#define METRICS_HTTP_TIMEOUT_S 5     /* a connection idle this long is closed */
#define METRICS_ACCEPT_PAUSE_MS 1000 /* no accepting this long on EMFILE */
#define METRICS_REUSE_MS 100 /* scrapes this close share one rendering */

/* Fills @out with the metrics text: the daemon's renderer. */
typedef void (*metrics_render_fn)(void *ctx, struct evbuffer *out);

struct metrics_http;

/**
 * metrics_http_open - serve GET /metrics on the listening socket @fd
 * (metrics_socket.h), which it takes, from the event loop @base.
 * @render: called for each scrape with @ctx
 * @out:    the server, for metrics_http_close()
 * Scrapes within METRICS_REUSE_MS of a rendering get its text again.
 * Other paths get 404, other methods 405. Returns 0 or -ENOMEM (@fd
 * closed).
 */
int metrics_http_open(struct event_base *base, int fd,
		      metrics_render_fn render, void *ctx,
		      struct metrics_http **out);

/** metrics_http_requests - scrapes answered so far (0 for NULL). */
unsigned long metrics_http_requests(const struct metrics_http *m);

/** metrics_http_close - stop serving; NULL is accepted. */
void metrics_http_close(struct metrics_http *m);

/**
 * metrics_write_textfile - write @text to @path atomically: a temporary
 * file beside it (mode 0644), then rename(2) over it, as node_exporter's
 * textfile collector expects (src/textfile.c; under privilege separation
 * the parent creates and renames, this process writes). Returns 0 or a
 * negative errno.
 */
int metrics_write_textfile(const char *path, struct evbuffer *text);

#endif
