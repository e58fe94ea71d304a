/* ptp4l_watch.h: asynchronous view of one ptp4l over its management socket. */
#ifndef PHCB_PTPWATCH_H
#define PHCB_PTPWATCH_H

#include <stdbool.h>
#include <stdint.h>

#include <event2/event.h>

#include "ptp4l_codec.h"

#define PTPWATCH_PORTS_MAX 8

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
	unsigned long requests, responses, timeouts, notifications, errors;
	int last_error; /* errno of the last failure, 0 ok */
};

struct ptpwatch;

/**
 * ptpwatch_open - watch the ptp4l at @server_path (domain @domain), binding
 * the client socket at @client_path. Every @interval_ms it asks for
 * PORT_DATA_SET, TIME_STATUS_NP, PARENT_DATA_SET, TIME_PROPERTIES_DATA_SET
 * and CURRENT_DATA_SET, and it keeps a port-state subscription renewed.
 * ptp4l need not be running: it is found when it starts.
 * Returns 0 and sets *@out, or a negative errno.
 */
int ptpwatch_open(struct event_base *base, const char *server_path,
		  const char *client_path, int domain, int interval_ms,
		  struct ptpwatch **out);

/** ptpwatch_close - stop, remove the client socket, free. */
void ptpwatch_close(struct ptpwatch *w);

/** ptpwatch_view - what ptp4l last told. */
const struct ptpwatch_view *ptpwatch_view(const struct ptpwatch *w);

#endif
