/* truthsock.h: fakephc's side channel: truth queries and unplug/step commands.
 */
#ifndef PHCB_TRUTHSOCK_H
#define PHCB_TRUTHSOCK_H

#include <stddef.h>
#include <stdio.h>

#include "fakedev.h"

/* The devices the side channel speaks about, and where events are logged. */
struct truthsock_ctx {
	struct fakedev *devs;
	int n_devs;
	FILE *log; /* truth log, or NULL */
};

struct truthsock; /* opaque: a running side-channel server */

/**
 * truthsock_handle - answer one request line (without its newline).
 * @ctx:   devices and log
 * @line:  e.g. "TRUTH ptp0 1700000000000000000"
 * @reply: the one-line answer, without newline ("OK ..." or "ERR ...")
 * Pure apart from the device state it reads or changes; no socket I/O.
 */
void truthsock_handle(const struct truthsock_ctx *ctx, const char *line,
		      char *reply, size_t len);

/**
 * truthsock_start - listen on the Unix stream socket @path (replacing a
 * stale socket file) and serve requests from a thread of its own.
 * @ctx is copied; the devices must outlive the server.
 * Returns 0 and sets *@ts, or a negative errno.
 */
int truthsock_start(struct truthsock **ts, const char *path,
		    const struct truthsock_ctx *ctx);

/** truthsock_stop - stop the thread, close and unlink the socket. */
void truthsock_stop(struct truthsock *ts);

/**
 * truthsock_log - append "T_NS NAME EVENT TRUTH_NS" to @log (if not NULL),
 * with the device's true offset at @t_ns.
 */
void truthsock_log(FILE *log, struct fakedev *d, const char *event,
		   int64_t t_ns);

#endif
