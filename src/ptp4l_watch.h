/* ptp4l_watch.h: asynchronous view of one ptp4l over its management socket. */
#ifndef PHCB_PTPWATCH_H
#define PHCB_PTPWATCH_H

#include <stdbool.h>
#include <stdint.h>

#include <event2/event.h>

#include "ptp4l_client.h"
#include "ptp4l_codec.h"

#define PTPWATCH_PORTS_MAX 8

/*
 * The port state subscription. ptp4l's read-write socket (uds_address)
 * accepts it; linuxptp 4.x's read-only one (uds_ro_address) answers GET
 * alike but refuses SET, so the watch then relies on polling alone.
 */
enum ptpwatch_sub {
	PTPWATCH_SUB_PENDING = 0, /* not answered yet */
	PTPWATCH_SUB_ACTIVE,      /* ptp4l pushes port state changes */
	PTPWATCH_SUB_READ_ONLY,   /* refused: a read-only socket; polling */
	PTPWATCH_SUB_REFUSED,     /* refused otherwise (sub_error); polling */
};

#define PTPWATCH_SUB_RENEW_NS (30 * 1000000000LL)  /* while not refused */
#define PTPWATCH_SUB_RETRY_NS (600 * 1000000000LL) /* after a refusal */

/* What ptp4l last told, with when (CLOCK_MONOTONIC ns; 0 = never). */
struct ptpwatch_view {
	int64_t last_response_ns;
	int n_ports;
	struct ptpmgmt_port_ds ports[PTPWATCH_PORTS_MAX];
	int port_state; /* best of the ports: SLAVE if any is */
	int64_t port_state_since_ns;
	bool have_time_status;
	struct ptpmgmt_time_status_np time_status;
	int64_t ingress_changed_ns; /* when ingress_time last moved */
	bool have_parent;
	struct ptpmgmt_parent_ds parent;
	bool have_time_properties;
	struct ptpmgmt_time_properties_ds time_properties;
	bool have_current;
	struct ptpmgmt_current_ds current;
	enum ptpwatch_sub sub;
	uint16_t sub_error;  /* managementErrorId of a refusal */
	int64_t sub_sent_ns; /* last SUBSCRIBE_EVENTS_NP sent; 0: send now */
	unsigned long requests, responses, timeouts, notifications, errors;
	unsigned long ignored; /* well-formed, nothing the view keeps */
	int last_error; /* errno of the last failure, 0 ok */
};

/* What ptpwatch_take() made of one message. */
enum ptpwatch_took {
	PTPWATCH_TOOK_DATA,         /* a dataset, now in the view */
	PTPWATCH_TOOK_SUBSCRIPTION, /* an answer to SUBSCRIBE_EVENTS_NP */
	PTPWATCH_TOOK_IGNORED,      /* e.g. a 4.x-only dataset: skipped */
	PTPWATCH_TOOK_ERROR,        /* ptp4l answered with an error */
};

struct ptpwatch;

/**
 * ptpwatch_open - watch the ptp4l at @server_path (domain @domain), binding
 * the client socket at @client_path, for the source @name (its logs). Every @interval_ms it asks for
 * PORT_DATA_SET, TIME_STATUS_NP, PARENT_DATA_SET, TIME_PROPERTIES_DATA_SET
 * and CURRENT_DATA_SET, and it keeps a port-state subscription renewed
 * where ptp4l allows one: a read-only socket refuses it, which is logged
 * once at warning level and shown in the view (sub); polling goes on.
 * ptp4l need not be running: it is found when it starts. @parent_src: the
 * source's index in the configuration, for a worker under privilege
 * separation (its parent binds the socket at @client_path, the one
 * ptpmgmt_client_path() names for @generation, and connects it to ptp4l),
 * or -1.
 * Returns 0 and sets *@out, or a negative errno.
 */
int ptpwatch_open(struct event_base *base, const char *name,
		  const char *server_path,
		  const char *client_path, int domain, int interval_ms,
		  int parent_src, unsigned generation, struct ptpwatch **out);

/** ptpwatch_close - stop, remove the client socket, free. */
void ptpwatch_close(struct ptpwatch *w);

/** ptpwatch_view - what ptp4l last told. */
const struct ptpwatch_view *ptpwatch_view(const struct ptpwatch *w);

/**
 * ptpwatch_take - apply one received message to @v (pure; the watch
 * calls it for each message its client reads).
 * @v:      the view to update
 * @r:      a message ptpmgmt_client_recv() returned 0 for
 * @now_ns: CLOCK_MONOTONIC ns
 * A dataset (reply or push) updates the view and last_response_ns; an
 * answer to SUBSCRIBE_EVENTS_NP sets @v->sub (and sub_error) as
 * ptpmgmt_subscribe_answer() classifies it; a message the codec does not
 * decode (-ENOTSUP: another TLV type or a managementId such as 4.x's
 * PORT_HWCLOCK_NP) only counts as ignored, and an error answer only as an
 * error: neither touches last_error.
 * Returns what the message was.
 */
enum ptpwatch_took ptpwatch_take(struct ptpwatch_view *v,
				 const struct ptpmgmt_response *r,
				 int64_t now_ns);

/**
 * ptpwatch_subscribe_due - whether to send SUBSCRIBE_EVENTS_NP now: when
 * @v->sub_sent_ns is 0, every PTPWATCH_SUB_RENEW_NS while pending or
 * active (ptp4l drops a subscription that is not renewed), and only every
 * PTPWATCH_SUB_RETRY_NS once refused, to notice a ptp4l restarted with
 * another configuration without spinning on a read-only socket.
 */
bool ptpwatch_subscribe_due(const struct ptpwatch_view *v, int64_t now_ns);

/** ptpwatch_sub_name - "pending", "active", "read-only" or "refused". */
const char *ptpwatch_sub_name(enum ptpwatch_sub sub);

#endif
