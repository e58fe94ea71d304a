/* chrony_watch.c: asynchronous view of chronyd (tracking, sources), actions. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chrony_client.h"
#include "chrony_watch.h"
#include "log.h"
#include "timeutil.h"

#define RESEND_MS 500
#define BURST_GOOD 4
#define BURST_TOTAL 8
#define SELECT_QUEUE 16

struct chronywatch {
	struct event_base *base;
	const char *server_path; /* for messages */
	struct chronycmd *cmd;
	struct event *ev_read, *ev_cycle, *ev_resend;
	int read_fd;
	enum chronyview_step step;
	unsigned pending;  /* queued actions */
	unsigned current;  /* the action outstanding */
	bool resent;
	struct chronywatch_view view;
	struct chronyview_cycle cycle;
	struct {
		uint32_t ref_id;
		bool selectable;
	} selects[SELECT_QUEUE];
	int n_selects;
};

static void on_readable(evutil_socket_t fd, short what, void *arg);
static void advance(struct chronywatch *w);

/* Watch the client's descriptor (it may change after a send). */
static int watch_fd(struct chronywatch *w)
{
	int fd = chronycmd_fd(w->cmd);
	if (fd == w->read_fd && w->ev_read)
		return 0;
	if (w->ev_read)
		event_free(w->ev_read);
	w->read_fd = fd;
	w->ev_read = event_new(w->base, fd, EV_READ | EV_PERSIST, on_readable, w);
	if (w->ev_read && event_add(w->ev_read, NULL) == 0)
		return 0;
	/* no way to hear chronyd: the next exchange tries again */
	if (w->ev_read)
		event_free(w->ev_read);
	w->ev_read = NULL;
	log_err(NULL, "chronyd command socket: cannot watch descriptor %d "
		"in the event loop", fd);
	return -ENOMEM;
}

/* Wait for the answer, with one resend after RESEND_MS. */
static int arm_resend(struct chronywatch *w)
{
	struct timeval tv = { 0, RESEND_MS * 1000 };
	int r = watch_fd(w);

	if (r == 0 && event_add(w->ev_resend, &tv) < 0) {
		log_err(NULL, "chronyd command socket: cannot arm the resend "
			"timer");
		r = -ENOMEM;
	}
	return r;
}

/*
 * An exchange failed. @lost: chronyd did not answer at all (not running,
 * restarting, timed out), so what it said before no longer holds; else it
 * answered with an error status.
 */
static void fail_exchange(struct chronywatch *w, int err, bool lost)
{
	char why[256];

	if (w->view.last_error != -err) {
		if (chronywatch_explain(-err, why, sizeof(why)))
			log_err(NULL, "cannot reach chronyd's command socket "
				"%s: %s", w->server_path, why);
		else
			log_info(NULL, "chronyd command socket: %s",
				 strerror(-err));
	}
	w->view.last_error = -err;
	w->view.errors++;
	if (lost) {
		w->view.have_tracking = false;
		w->view.n_sources = 0;
		w->view.selectopts = -1; /* maybe another chronyd answers next */
		w->view.n_missing = 0;	 /* with another configuration */
	}
	w->step = CHRONYVIEW_IDLE;
	event_del(w->ev_resend);
}

static void send_req(struct chronywatch *w, struct candm_request *req,
		     enum chronyview_step step)
{
	int r = chronycmd_send(w->cmd, req);

	if (r < 0) {
		fail_exchange(w, r, true);
		return;
	}
	w->step = step;
	w->resent = false;
	r = arm_resend(w);
	if (r < 0)
		fail_exchange(w, r, true); /* never wait without a timeout */
}

static void build_action(struct candm_request *req, unsigned action)
{
	switch (action) {
	case CHRONYWATCH_RESET_SOURCES:
		candm_req_init(req, CANDM_CMD_RESET_SOURCES);
		break;
	case CHRONYWATCH_BURST:
		candm_req_burst(req, NULL, BURST_GOOD, BURST_TOTAL);
		break;
	case CHRONYWATCH_ONLINE:
		candm_req_onoffline(req, 1, NULL);
		break;
	case CHRONYWATCH_RESELECT:
		candm_req_init(req, CANDM_CMD_RESELECT);
		break;
	default:
		candm_req_onoffline(req, 0, NULL);
		break;
	}
}

/* Send the next request: probe, selections and actions first, then the
 * report cycle. */
static void advance(struct chronywatch *w)
{
	struct candm_request req;
	int index;

	if (w->view.selectopts < 0) {
		/* an empty mask changes nothing where SELECTOPTS exists */
		candm_req_selectopts(&req, NULL, 0, 0, 0);
		send_req(w, &req, CHRONYVIEW_PROBE);
		return;
	}
	if (w->n_selects && w->view.selectopts == 1) {
		candm_req_selectopts(&req, NULL, w->selects[0].ref_id,
				     CANDM_SELECT_NOSELECT,
				     w->selects[0].selectable ? 0 : CANDM_SELECT_NOSELECT);
		send_req(w, &req, CHRONYVIEW_SELECT);
		return;
	}
	if (w->pending) {
		/* lowest bit first: reset before burst, online before offline */
		w->current = w->pending & -w->pending;
		w->pending &= ~w->current;
		build_action(&req, w->current);
		send_req(w, &req, CHRONYVIEW_ACTION);
		return;
	}
	switch (w->step) {
	case CHRONYVIEW_TRACKING:
		candm_req_init(&req, CANDM_CMD_N_SOURCES);
		send_req(w, &req, CHRONYVIEW_N_SOURCES);
		return;
	case CHRONYVIEW_N_SOURCES:
	case CHRONYVIEW_SOURCE_DATA:
		index = chronyview_next_source(&w->cycle);
		if (index >= 0) {
			candm_req_source_data(&req, index);
			send_req(w, &req, CHRONYVIEW_SOURCE_DATA);
			return;
		}
		chronyview_publish(&w->view, &w->cycle,
				   clock_now_ns(CLOCK_MONOTONIC));
		w->step = CHRONYVIEW_IDLE;
		return;
	default:
		w->step = CHRONYVIEW_IDLE;
		return;
	}
}

/* Drop the first queued SELECTOPTS: it was answered. */
static void pop_select(struct chronywatch *w)
{
	if (w->n_selects <= 0)
		return;
	w->n_selects--;
	memmove(&w->selects[0], &w->selects[1],
		sizeof(w->selects[0]) * (size_t)w->n_selects);
}

static void take_reply(struct chronywatch *w, const struct candm_reply *rep)
{
	if (w->step == CHRONYVIEW_SELECT && w->n_selects > 0) {
		chronyview_found(&w->view, w->selects[0].ref_id);
		pop_select(w);
	}
	if (w->step == CHRONYVIEW_ACTION &&
	    w->current == CHRONYWATCH_RESET_SOURCES)
		w->view.resets_done++;
	w->step = chronyview_take(&w->view, &w->cycle, w->step, rep,
				  clock_now_ns(CLOCK_MONOTONIC));
}

/* chronyd has no source with the refid of the SELECTOPTS just answered:
 * a configuration error on one side, said once per refid and chronyd. */
static void take_missing(struct chronywatch *w)
{
	char name[5];

	w->step = CHRONYVIEW_IDLE;
	if (w->n_selects <= 0)
		return;
	candm_refid_str(w->selects[0].ref_id, name);
	if (chronyview_note_missing(&w->view, w->selects[0].ref_id))
		log_warn(name, "chronyd (%s) has no refclock with refid %s, so the "
			 "gate cannot select it or set it aside: chronyd's "
			 "configuration needs `refclock SOCK <sock> refid %s`",
			 w->server_path, name, name);
	pop_select(w);
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct chronywatch *w = arg;
	struct candm_reply rep;
	int r = chronycmd_recv(w->cmd, &rep);

	if (r == -EAGAIN)
		return;
	event_del(w->ev_resend);
	if (w->step == CHRONYVIEW_PROBE && (r == -EOPNOTSUPP || r == -EPROTO)) {
		/* INVALID: no SELECTOPTS (chrony < 4.4); another error
		 * status means chronyd knows the command */
		chronyview_probe_refused(&w->view, r);
		w->step = CHRONYVIEW_IDLE;
	} else if (r == -EPROTO && w->step == CHRONYVIEW_SELECT &&
		   chronycmd_last_status(w->cmd) == CANDM_STT_NOSUCHSOURCE) {
		take_missing(w);
	} else if (r < 0) {
		if (w->step == CHRONYVIEW_SELECT && r != -ESTALE)
			pop_select(w);
		fail_exchange(w, r, false);
	} else {
		take_reply(w, &rep);
		if (w->step == CHRONYVIEW_IDLE && !w->pending && !w->n_selects)
			return;
	}
	advance(w);
}

static void on_resend(evutil_socket_t fd, short what, void *arg)
{
	struct chronywatch *w = arg;

	if (!w->resent && chronycmd_resend(w->cmd) == 0) {
		w->resent = true;
		if (arm_resend(w) == 0)
			return;
	}
	w->view.timeouts++;
	fail_exchange(w, -ETIMEDOUT, true);
	if (w->current)
		w->pending |= w->current; /* try the action again */
	w->current = 0;
}

static void on_cycle(evutil_socket_t fd, short what, void *arg)
{
	struct chronywatch *w = arg;
	struct candm_request req;

	if (w->step != CHRONYVIEW_IDLE)
		return;
	if (w->pending || w->n_selects || w->view.selectopts < 0) {
		advance(w);
		return;
	}
	candm_req_init(&req, CANDM_CMD_TRACKING);
	send_req(w, &req, CHRONYVIEW_TRACKING);
}

bool chronywatch_explain(int err, char *buf, size_t len)
{
	if (err != EACCES && err != EPERM)
		return false;
	snprintf(buf, len, "%s: phcbrokerd needs CAP_DAC_OVERRIDE to write "
		 "to the socket of a chronyd running as another user, and "
		 "CAP_CHOWN to let it answer (the shipped unit's "
		 "CapabilityBoundingSet= grants both; membership of chronyd's "
		 "group is not enough)", strerror(err));
	return true;
}

int chronywatch_open(struct event_base *base, const char *server_path,
		     const char *client_path, int interval_ms,
		     struct chronywatch **out)
{
	struct chronywatch *w = calloc(1, sizeof(*w));
	struct timeval tv = { interval_ms / 1000, (interval_ms % 1000) * 1000 };
	int r;

	if (!w)
		return -ENOMEM;
	r = chronycmd_open(server_path, client_path, &w->cmd);
	if (r < 0) {
		free(w);
		return r;
	}
	w->base = base;
	w->server_path = server_path;
	w->read_fd = -1;
	w->view.selectopts = -1;
	w->ev_cycle = event_new(base, -1, EV_PERSIST, on_cycle, w);
	w->ev_resend = event_new(base, -1, 0, on_resend, w);
	if (!w->ev_cycle || !w->ev_resend || event_add(w->ev_cycle, &tv) < 0) {
		chronywatch_close(w);
		return -ENOMEM;
	}
	on_cycle(-1, 0, w);
	*out = w;
	return 0;
}

void chronywatch_close(struct chronywatch *w)
{
	if (!w)
		return;
	if (w->ev_read)
		event_free(w->ev_read);
	if (w->ev_cycle)
		event_free(w->ev_cycle);
	if (w->ev_resend)
		event_free(w->ev_resend);
	chronycmd_close(w->cmd);
	free(w);
}

const struct chronywatch_view *chronywatch_view(const struct chronywatch *w)
{
	return &w->view;
}

void chronywatch_request(struct chronywatch *w, unsigned actions)
{
	w->pending |= actions;
	if (w->step == CHRONYVIEW_IDLE)
		advance(w);
}

void chronywatch_select(struct chronywatch *w, const char *refid,
			bool selectable)
{
	uint32_t id = candm_refid_from_str(refid);

	for (int i = 0; i < w->n_selects; i++) {
		if (w->selects[i].ref_id == id) {
			w->selects[i].selectable = selectable;
			return;
		}
	}
	if (w->n_selects == SELECT_QUEUE)
		return;
	w->selects[w->n_selects].ref_id = id;
	w->selects[w->n_selects++].selectable = selectable;
	if (w->step == CHRONYVIEW_IDLE)
		advance(w);
}

int chronywatch_source_state(const struct chronywatch *w, const char *refid)
{
	uint32_t id = candm_refid_from_str(refid);
	for (int i = 0; i < w->view.n_sources; i++) {
		const struct candm_source_data *s = &w->view.sources[i];
		if (s->mode == CANDM_MODE_REFCLOCK && s->ref_id == id)
			return s->state;
	}
	return -ENOENT;
}

bool chronywatch_selected(const struct chronywatch *w, const char *refid)
{
	return w->view.have_tracking &&
	       w->view.tracking.ref_id == candm_refid_from_str(refid);
}
