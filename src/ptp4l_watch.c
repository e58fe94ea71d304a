/* ptp4l_watch.c: asynchronous view of one ptp4l over its management socket. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "ptp4l_client.h"
#include "ptp4l_watch.h"
#include "timeutil.h"

#define SUBSCRIBE_DURATION_S 60
#define SUBSCRIBE_RENEW_NS (30 * NS_PER_SEC)
#define REQUEST_TIMEOUT_NS (900 * NS_PER_MS)

static const uint16_t polled_ids[] = {
	PTPMGMT_ID_PORT_DATA_SET,
	PTPMGMT_ID_TIME_STATUS_NP,
	PTPMGMT_ID_PARENT_DATA_SET,
	PTPMGMT_ID_TIME_PROPERTIES_DATA_SET,
	PTPMGMT_ID_CURRENT_DATA_SET,
};

struct ptpwatch {
	struct ptpmgmt_client *client;
	struct event *ev_read, *ev_poll;
	int64_t subscribed_mono_ns; /* 0: not subscribed */
	struct ptpwatch_view view;
};

/* Rank port states for "best": SLAVE, then UNCALIBRATED, then the rest. */
static int rank(int state)
{
	switch (state) {
	case PTPMGMT_PS_SLAVE:
		return 0;
	case PTPMGMT_PS_UNCALIBRATED:
		return 1;
	case PTPMGMT_PS_MASTER:
	case PTPMGMT_PS_PASSIVE:
		return 2;
	case PTPMGMT_PS_LISTENING:
	case PTPMGMT_PS_PRE_MASTER:
		return 3;
	default:
		return 4;
	}
}

static void update_port(struct ptpwatch *w, const struct ptpmgmt_port_ds *p,
			int64_t now)
{
	struct ptpwatch_view *v = &w->view;
	int i, best = 0;

	for (i = 0; i < v->n_ports; i++)
		if (v->ports[i].port_identity.port == p->port_identity.port)
			break;
	if (i == v->n_ports) {
		if (v->n_ports == PTPWATCH_PORTS_MAX)
			return;
		v->n_ports++;
	}
	v->ports[i] = *p;
	for (i = 0; i < v->n_ports; i++)
		if (!best || rank(v->ports[i].port_state) < rank(best))
			best = v->ports[i].port_state;
	if (best != v->port_state) {
		v->port_state = best;
		v->port_state_since_ns = now;
	}
}

static void take(struct ptpwatch *w, const struct ptpmgmt_msg *m, int64_t now)
{
	struct ptpwatch_view *v = &w->view;

	switch (m->management_id) {
	case PTPMGMT_ID_PORT_DATA_SET:
		update_port(w, &m->u.port_ds, now);
		break;
	case PTPMGMT_ID_TIME_STATUS_NP:
		if (!v->have_time_status ||
		    v->time_status.ingress_time_ns != m->u.time_status_np.ingress_time_ns)
			v->ingress_changed_ns = now;
		v->time_status = m->u.time_status_np;
		v->have_time_status = true;
		break;
	case PTPMGMT_ID_PARENT_DATA_SET:
		v->parent = m->u.parent_ds;
		v->have_parent = true;
		break;
	case PTPMGMT_ID_TIME_PROPERTIES_DATA_SET:
		v->time_properties = m->u.time_properties_ds;
		v->have_time_properties = true;
		break;
	case PTPMGMT_ID_CURRENT_DATA_SET:
		v->current = m->u.current_ds;
		v->have_current = true;
		break;
	default:
		break;
	}
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct ptpwatch *w = arg;
	struct ptpmgmt_response r;
	int64_t now = clock_now_ns(CLOCK_MONOTONIC);

	for (int k = 0; k < 64; k++) {
		int rc = ptpmgmt_client_recv(w->client, &r);
		if (rc == -EAGAIN)
			return;
		if (rc < 0 || r.status < 0 || !r.msg.has_data) {
			w->view.errors++;
			continue;
		}
		w->view.responses++;
		w->view.last_response_ns = now;
		w->view.last_error = 0;
		if (r.kind == PTPMGMT_NOTIFICATION)
			w->view.notifications++;
		take(w, &r.msg, now);
	}
}

static void note_send_error(struct ptpwatch *w, int err)
{
	if (w->view.last_error != -err)
		log_info(NULL, "ptp4l management: %s", strerror(-err));
	w->view.last_error = -err;
	w->view.errors++;
	w->subscribed_mono_ns = 0; /* a restarted ptp4l forgot us */
}

static void on_poll(evutil_socket_t fd, short what, void *arg)
{
	struct ptpwatch *w = arg;
	int64_t mono = clock_now_ns(CLOCK_MONOTONIC);
	int r;

	w->view.timeouts += (unsigned long)ptpmgmt_client_expire(w->client, mono,
								 REQUEST_TIMEOUT_NS);
	if (!w->subscribed_mono_ns ||
	    mono - w->subscribed_mono_ns >= SUBSCRIBE_RENEW_NS) {
		r = ptpmgmt_client_subscribe(w->client, SUBSCRIBE_DURATION_S, mono);
		if (r < 0) {
			note_send_error(w, r);
			return;
		}
		w->subscribed_mono_ns = mono;
	}
	for (size_t i = 0; i < sizeof(polled_ids) / sizeof(polled_ids[0]); i++) {
		r = ptpmgmt_client_send_get(w->client, polled_ids[i], mono);
		if (r < 0) {
			note_send_error(w, r);
			return;
		}
		w->view.requests++;
	}
}

int ptpwatch_open(struct event_base *base, const char *server_path,
		  const char *client_path, int domain, int interval_ms,
		  struct ptpwatch **out)
{
	struct timeval tv = { interval_ms / 1000, (interval_ms % 1000) * 1000 };
	struct ptpwatch *w = calloc(1, sizeof(*w));
	int r;

	if (!w)
		return -ENOMEM;
	r = ptpmgmt_client_open(server_path, client_path, domain, &w->client);
	if (r < 0) {
		free(w);
		return r;
	}
	w->ev_read = event_new(base, ptpmgmt_client_fd(w->client),
			       EV_READ | EV_PERSIST, on_readable, w);
	w->ev_poll = event_new(base, -1, EV_PERSIST, on_poll, w);
	if (!w->ev_read || !w->ev_poll || event_add(w->ev_read, NULL) < 0 ||
	    event_add(w->ev_poll, &tv) < 0) {
		ptpwatch_close(w);
		return -ENOMEM;
	}
	on_poll(-1, 0, w);
	*out = w;
	return 0;
}

void ptpwatch_close(struct ptpwatch *w)
{
	if (!w)
		return;
	if (w->ev_read)
		event_free(w->ev_read);
	if (w->ev_poll)
		event_free(w->ev_poll);
	ptpmgmt_client_close(w->client);
	free(w);
}

const struct ptpwatch_view *ptpwatch_view(const struct ptpwatch *w)
{
	return &w->view;
}
