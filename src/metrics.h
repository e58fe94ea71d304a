/* metrics.h: the daemon's state as Prometheus metrics (text format). */
#ifndef PHCB_METRICS_H
#define PHCB_METRICS_H

#include <event2/buffer.h>
#include <stdint.h>
#include <sys/timex.h>

struct daemon;

/* What the daemon knows about serving its metrics, for the metrics too. */
struct metrics_self {
	unsigned long scrapes;	   /* /metrics requests answered */
	unsigned long reloads_ok;  /* SIGHUP reloads applied */
	unsigned long reloads_bad; /* and refused */
};

/**
 * metrics_render - every metric of doc/observability.md into @out.
 * @d:    the running daemon
 * @self: the counters the daemon keeps about itself
 */
void metrics_render(struct daemon *d, const struct metrics_self *self,
		    struct evbuffer *out);

/** metrics_render_ptp4l - the phcbroker_ptp4l_* families (metrics_peers.c). */
void metrics_render_ptp4l(struct daemon *d, struct evbuffer *out);

/** metrics_render_chronyd - the phcbroker_chronyd_* families. */
void metrics_render_chronyd(struct daemon *d, struct evbuffer *out);

/**
 * metrics_render_kernel - the phcbroker_kernel_* families from one
 * adjtimex() reading @tx and its return value @state (metrics_kernel.c;
 * tests pass their own).
 */
void metrics_render_kernel(const struct timex *tx, int state,
			   struct evbuffer *out);

#endif
