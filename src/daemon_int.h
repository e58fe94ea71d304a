/* daemon_int.h: the daemon's state, shared by the loop and its reports. */
#ifndef PHCB_DAEMON_INT_H
#define PHCB_DAEMON_INT_H

#include <event2/event.h>

#include "chronywatch.h"
#include "config.h"
#include "control.h"
#include "ptpwatch.h"
#include "source.h"

struct daemon;

/* A running source, its poll timer, its ptp4l, and what the gate needs. */
struct slot {
	struct source *src;
	struct event *timer;
	struct daemon *d;
	struct ptpwatch *ptp;	       /* NULL without ptp4l_socket */
	int64_t last_accept_mono_ns;   /* last sample the tracker accepted */
	int64_t last_step_mono_ns;     /* last phase step, 0 none */
	double reject_fraction;	       /* recent, exponentially weighted */
};

struct daemon {
	struct event_base *base;
	const char *cfg_path;
	struct config cfg;
	struct slot slots[CONFIG_MAX_SOURCES];
	int n_slots;
	struct event *ev_term, *ev_int, *ev_hup;
	struct event *ev_watchdog, *ev_status, *ev_summary;
	struct control *control;	 /* NULL if the socket failed */
	struct chronywatch *chrony;	 /* NULL if chronyd is not watched */
	int chrony_open_error;		 /* last failure to start watching */
	unsigned ptp_clients;		 /* ptp4l client sockets made so far */
	int lock_fd;			 /* the instance lock in run_dir */
	int64_t started_mono_ns;
	int exit_code;
};

/**
 * status_handle - answer a control request (a control_handler_fn; @ctx is
 * the struct daemon).
 */
void status_handle(void *ctx, const struct control_peer *peer,
		   const char *action, const char *item, const char *arg,
		   struct evbuffer *out);

#endif
