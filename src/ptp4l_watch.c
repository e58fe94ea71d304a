/* ptp4l_watch.c: asynchronous view of one ptp4l over its management socket. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "ptp4l_client.h"
#include "privsep_client.h"
#include "ptp4l_watch.h"
#include "timeutil.h"

#define SUBSCRIBE_DURATION_S 60
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
	char *server_path;  /* for the logs */
	char name[32];	    /* the source's, for the logs */
	int interval_ms;
	bool warned_refusal; /* the refused subscription was logged */
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

static void update_port(struct ptpwatch_view *v,
			const struct ptpmgmt_port_ds *p, int64_t now)
{
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

/* A decoded dataset into the view; false for one the view does not keep. */
static bool take_data(struct ptpwatch_view *v, const struct ptpmgmt_msg *m,
		      int64_t now)
{
	switch (m->management_id) {
	case PTPMGMT_ID_PORT_DATA_SET:
		update_port(v, &m->u.port_ds, now);
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
		return false;
	}
	return true;
}

/* ptp4l answered: it is there, whatever it said. */
static void note_answer(struct ptpwatch_view *v,
			const struct ptpmgmt_response *r, int64_t now)
{
	v->responses++;
	v->last_response_ns = now;
	v->last_error = 0;
	if (r->kind == PTPMGMT_NOTIFICATION)
		v->notifications++;
}

static enum ptpwatch_took take_subscription(struct ptpwatch_view *v,
					    enum ptpmgmt_sub_answer a,
					    const struct ptpmgmt_msg *m)
{
	switch (a) {
	case PTPMGMT_SUB_ACCEPTED:
		v->sub = PTPWATCH_SUB_ACTIVE;
		v->sub_error = 0;
		break;
	case PTPMGMT_SUB_READ_ONLY:
		v->sub = PTPWATCH_SUB_READ_ONLY;
		v->sub_error = m->error_id;
		break;
	default:
		v->sub = PTPWATCH_SUB_REFUSED;
		v->sub_error = m->error_id;
		break;
	}
	return PTPWATCH_TOOK_SUBSCRIPTION;
}

enum ptpwatch_took ptpwatch_take(struct ptpwatch_view *v,
				 const struct ptpmgmt_response *r,
				 int64_t now_ns)
{
	enum ptpmgmt_sub_answer a;

	a = ptpmgmt_subscribe_answer(r->status, &r->msg);
	if (a != PTPMGMT_SUB_NOT_ANSWER) {
		note_answer(v, r, now_ns);
		return take_subscription(v, a, &r->msg);
	}
	if (r->status == -EPROTO) {
		v->errors++;
		return PTPWATCH_TOOK_ERROR;
	}
	if (r->status < 0 || !r->msg.has_data ||
	    !take_data(v, &r->msg, now_ns)) {
		v->ignored++;
		return PTPWATCH_TOOK_IGNORED;
	}
	note_answer(v, r, now_ns);
	return PTPWATCH_TOOK_DATA;
}

bool ptpwatch_subscribe_due(const struct ptpwatch_view *v, int64_t now_ns)
{
	bool refused = v->sub == PTPWATCH_SUB_READ_ONLY ||
		       v->sub == PTPWATCH_SUB_REFUSED;

	if (!v->sub_sent_ns)
		return true;
	return now_ns - v->sub_sent_ns >=
	       (refused ? PTPWATCH_SUB_RETRY_NS : PTPWATCH_SUB_RENEW_NS);
}

const char *ptpwatch_sub_name(enum ptpwatch_sub sub)
{
	switch (sub) {
	case PTPWATCH_SUB_ACTIVE:
		return "active";
	case PTPWATCH_SUB_READ_ONLY:
		return "read-only";
	case PTPWATCH_SUB_REFUSED:
		return "refused";
	default:
		return "pending";
	}
}

/* Log a change of the subscription: a refusal once, at warning level. */
static void note_subscription(struct ptpwatch *w, enum ptpwatch_sub was)
{
	const struct ptpwatch_view *v = &w->view;

	if (v->sub == was)
		return;
	if (v->sub == PTPWATCH_SUB_ACTIVE) {
		if (w->warned_refusal)
			log_info(w->name, "ptp4l at %s now accepts the port state "
				 "subscription", w->server_path);
		return;
	}
	if (w->warned_refusal)
		return;
	w->warned_refusal = true;
	if (v->sub == PTPWATCH_SUB_READ_ONLY)
		log_warn(w->name, "ptp4l at %s is a read-only management socket "
			 "(ptp4l's uds_ro_address): GET works, but the port "
			 "state subscription (and any SET) needs ptp4l's "
			 "read-write uds_address; polling every %d ms instead",
			 w->server_path, w->interval_ms);
	else
		log_warn(w->name, "ptp4l at %s refused the port state "
			 "subscription (%s); polling every %d ms instead",
			 w->server_path, ptpmgmt_error_name(v->sub_error),
			 w->interval_ms);
}

/* ptp4l answers after sends to it failed (a ptp4l restart, typically). */
static void log_back(const struct ptpwatch *w)
{
	struct log_fields f;

	log_fields_init(&f);
	log_fields_add(&f, "PHCB_PTP4L_SOCKET", "%s", w->server_path);
	log_event(LOG_NOTICE, LOG_EVENT_PTP4L_BACK, w->name, &f,
		  "ptp4l at %s answers again", w->server_path);
}

/* Sends to ptp4l fail: it is not running, or restarting. */
static void log_lost(const struct ptpwatch *w, int err)
{
	struct log_fields f;

	log_fields_init(&f);
	log_fields_add(&f, "PHCB_PTP4L_SOCKET", "%s", w->server_path);
	log_fields_add(&f, "PHCB_ERRNO", "%d", err);
	log_event(LOG_WARNING, LOG_EVENT_PTP4L_LOST, w->name, &f,
		  "cannot reach ptp4l at %s: %s", w->server_path,
		  strerror(err));
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct ptpwatch *w = arg;
	struct ptpmgmt_response r;
	int64_t now = clock_now_ns(CLOCK_MONOTONIC);

	for (int k = 0; k < 64; k++) {
		enum ptpwatch_sub was = w->view.sub;
		int failed = w->view.last_error;
		int rc = ptpmgmt_client_recv(w->client, &r);

		if (rc == -EAGAIN)
			return;
		if (rc < 0) {
			w->view.errors++;
			continue;
		}
		if (ptpwatch_take(&w->view, &r, now) ==
		    PTPWATCH_TOOK_SUBSCRIPTION)
			note_subscription(w, was);
		if (failed && !w->view.last_error)
			log_back(w);
	}
}

static void note_send_error(struct ptpwatch *w, int err)
{
	if (w->view.last_error != -err)
		log_lost(w, -err);
	w->view.last_error = -err;
	w->view.errors++;
	w->view.sub_sent_ns = 0; /* a restarted ptp4l forgot us */
}

static void on_poll(evutil_socket_t fd, short what, void *arg)
{
	struct ptpwatch *w = arg;
	int64_t mono = clock_now_ns(CLOCK_MONOTONIC);
	int r;

	w->view.timeouts += (unsigned long)ptpmgmt_client_expire(w->client, mono,
								 REQUEST_TIMEOUT_NS);
	if (ptpwatch_subscribe_due(&w->view, mono)) {
		r = ptpmgmt_client_subscribe(w->client, SUBSCRIBE_DURATION_S, mono);
		if (r < 0) {
			note_send_error(w, r);
			return;
		}
		w->view.sub_sent_ns = mono;
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

/* The client: bound here, or under privilege separation by the parent
 * (which also connects it to ptp4l when it is first used). */
static int open_client(const char *server_path, const char *client_path,
		       int domain, int parent_src, unsigned generation,
		       struct ptpmgmt_client **out)
{
	int fd, r;

	if (parent_src < 0 || !privsep_client_active())
		return ptpmgmt_client_open(server_path, client_path, domain,
					   out);
	r = privsep_open_ptp4l((unsigned)parent_src, generation, &fd);
	if (r == 0)
		r = ptpmgmt_client_adopt(server_path, client_path, domain, fd,
					 out);
	if (r == 0)
		ptpmgmt_client_via_parent(*out, (unsigned)parent_src);
	return r;
}

int ptpwatch_open(struct event_base *base, const char *name,
		  const char *server_path,
		  const char *client_path, int domain, int interval_ms,
		  int parent_src, unsigned generation, struct ptpwatch **out)
{
	struct timeval tv = { interval_ms / 1000, (interval_ms % 1000) * 1000 };
	struct ptpwatch *w = calloc(1, sizeof(*w));
	int r;

	if (!w)
		return -ENOMEM;
	w->interval_ms = interval_ms;
	snprintf(w->name, sizeof(w->name), "%s", name ? name : "");
	w->server_path = strdup(server_path ? server_path : "");
	if (!w->server_path) {
		free(w);
		return -ENOMEM;
	}
	r = open_client(server_path, client_path, domain, parent_src,
			generation, &w->client);
	if (r < 0) {
		free(w->server_path);
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
	free(w->server_path);
	free(w);
}

const struct ptpwatch_view *ptpwatch_view(const struct ptpwatch *w)
{
	return &w->view;
}
