/* daemon.c: the event loop: one timer per source, signals, systemd. */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "daemon.h"
#include "audit_scan.h"
#include "chrony_client.h"
#include "chrony_watch.h"
#include "clockset.h"
#include "control.h"
#include "discover.h"
#include "ctl_items.h"
#include "hostenv_probe.h"
#include "log.h"
#include "metrics.h"
#include "metrics_http.h"
#include "metrics_socket.h"
#include "notify.h"
#include "privsep_client.h"
#include "resume.h"
#include "rundir.h"
#include "source.h"
#include "source_gate.h"
#include "timeutil.h"

#define STATUS_INTERVAL_S 5
#define TEXTFILE_INTERVAL_S 60 /* metrics_textfile without summaries */
/* Event priorities: polls first; sockets (control, metrics, chronyd,
 * ptp4l) after, at most LOW_BATCH callbacks or LOW_BATCH_US between two
 * looks at the timers, so that no burst of clients delays a poll. */
#define PRIO_POLL 0
#define PRIO_COUNT 2
#define LOW_BATCH 8
#define LOW_BATCH_US 1000
/* A step of the system clock smaller than this is not judged. */
#define FOREIGN_STEP_MIN_NS 1e6
/* A foreign step stays a finding for this many audit intervals (at
 * least FOREIGN_STEP_KEEP_MIN_S). */
#define FOREIGN_STEP_KEEP_AUDITS 10
#define FOREIGN_STEP_KEEP_MIN_S 10.0
/* GET AUDIT audits again only when the last audit is older than this. */
#define AUDIT_FRESH_NS (2 * NS_PER_SEC)

/* A step of the system clock waiting for the source's next sample. */
struct step_check {
	bool pending;
	bool synced;	   /* chronyd followed this source when it came */
	int64_t before_sys_ns; /* the sample before it */
	double before_ns;  /* its PHC - system */
};

/* A running source, its poll timer and its gate's surroundings. */
struct slot {
	struct source *src;
	struct event *timer;
	struct daemon *d;
	struct source_gate gate;
	struct step_check step;
};

/* The last step of the system clock judged not chronyd's. */
struct foreign_step {
	int64_t at_mono_ns; /* 0: none */
	double step_ns;	    /* what it did to PHC - system, negated */
	double before_ns, after_ns;
	char source[CONFIG_NAME_MAX];
};

/* The daemon: private to this file; its parts get what they need through
 * the functions of daemon.h. */
struct daemon {
	struct event_base *base;
	const char *cfg_path;
	struct config cfg;
	struct slot slots[CONFIG_MAX_SOURCES];
	int n_slots;
	struct event *ev_term, *ev_int, *ev_hup;
	struct event *ev_watchdog, *ev_status, *ev_summary, *ev_textfile;
	struct control *control;	 /* NULL if the socket failed */
	struct chronywatch *chrony;	 /* NULL if chronyd is not watched */
	int chrony_open_error;		 /* last failure to start watching */
	struct metrics_http *metrics;	 /* NULL: off, or it could not bind */
	int metrics_open_error;		 /* last failure to listen */
	struct metrics_self mself;	 /* counters about ourselves */
	struct hostenv env;		 /* the host, as of start or reload */
	struct audit_report *audit;	 /* the last audit, NULL before one */
	struct event *ev_audit;		 /* every audit_interval, or NULL */
	struct clockset_watch *clockset; /* steps of the system clock */
	int64_t audit_mono_ns;		 /* when the last audit ran */
	struct foreign_step foreign;	 /* the last foreign step */
	int textfile_error;		 /* last failure to write it */
	unsigned ptp_clients;		 /* ptp4l client sockets made so far */
	int lock_fd;			 /* the instance lock in run_dir */
	int64_t started_mono_ns;
	int exit_code;
};

static struct timeval tv_from_s(double s)
{
	struct timeval tv;
	tv.tv_sec = (time_t)s;
	tv.tv_usec = (suseconds_t)((s - (double)tv.tv_sec) * 1e6);
	return tv;
}

static void run_audit(struct daemon *d);

static void on_audit_now(evutil_socket_t fd, short what, void *arg)
{
	run_audit(arg);
}

/* The first sample after a step of the system clock: a step that took
 * the clock away from the PHC chronyd followed is someone else's. */
static void judge_step(struct slot *slot)
{
	struct step_check *c = &slot->step;
	const struct source *s = slot->src;
	struct foreign_step *f = &slot->d->foreign;

	if (!c->pending || s->last.sys_ns == c->before_sys_ns)
		return;
	c->pending = false;
	log_info(s->cfg.name, "system clock set: PHC - system %+.0f -> %+.0f "
		 "ns%s", c->before_ns, s->last.offset_ns,
		 c->synced ? ", chronyd following this source" : "");
	/* chronyd steers the clock to PHC + correction */
	if (!c->synced ||
	    audit_judge_step(c->before_ns + s->cfg.correction_ns,
			     s->last.offset_ns + s->cfg.correction_ns,
			     FOREIGN_STEP_MIN_NS) != AUDIT_STEP_AWAY)
		return;
	f->at_mono_ns = clock_now_ns(CLOCK_MONOTONIC);
	f->before_ns = c->before_ns;
	f->after_ns = s->last.offset_ns;
	f->step_ns = c->before_ns - s->last.offset_ns;
	snprintf(f->source, sizeof(f->source), "%s", s->cfg.name);
	/* a new step is news even while the last one's finding stands */
	if (slot->d->audit)
		audit_remove(slot->d->audit, "step", "system clock");
	event_base_once(slot->d->base, -1, EV_TIMEOUT, on_audit_now, slot->d,
			NULL);
}

static void hand_on_gates(struct daemon *d);

static void on_poll(evutil_socket_t fd, short what, void *arg)
{
	struct slot *slot = arg;
	struct source_event ev;
	int64_t mono = clock_now_ns(CLOCK_MONOTONIC);
	unsigned long before = slot->src->gate.transitions;

	source_gate_before_poll(&slot->gate, slot->src, mono);
	source_poll(slot->src, mono, &ev);
	judge_step(slot);
	source_gate_poll(&slot->gate, slot->src, slot->d->chrony, mono, &ev);
	if (slot->src->gate.transitions != before)
		hand_on_gates(slot->d);
}

/* --resume: the gates' states from the worker before this one */
static const char *resume_text;

void daemon_set_resume(const char *text)
{
	resume_text = text;
}

/* Under --privsep, hand the parent the gates' states after any change,
 * for the worker it would start should this one die. */
static void hand_on_gates(struct daemon *d)
{
	char text[RESUME_TEXT_MAX] = "";

	for (int i = 0; i < d->n_slots; i++) {
		const struct source *s = d->slots[i].src;
		if (s)
			resume_append(text, sizeof(text), s->cfg.name,
				      gate_state(&s->gate),
				      gate_override(&s->gate));
	}
	notify_resume_state(text);
}

/* The system clock was set: each source judges it at its next sample. */
static void on_clock_set(void *arg)
{
	struct daemon *d = arg;

	for (int i = 0; i < d->n_slots; i++) {
		struct slot *slot = &d->slots[i];
		if (!slot->src || !slot->src->last.sys_ns)
			continue;
		slot->step = (struct step_check){
			.pending = true,
			.synced = d->chrony &&
				  chronywatch_selected(d->chrony,
						       slot->src->cfg.name),
			.before_sys_ns = slot->src->last.sys_ns,
			.before_ns = slot->src->last.offset_ns,
		};
	}
}

/* Start a source from its configuration; -errno on failure (logged). */
static int slot_start(struct daemon *d, struct slot *slot,
		      const struct source_config *sc)
{
	struct timeval tv = tv_from_s(1.0 / sc->rate_hz);
	int r;

	slot->d = d;
	slot->src = calloc(1, sizeof(*slot->src));
	if (!slot->src)
		return -ENOMEM;
	r = source_init(slot->src, sc, &d->cfg.global,
			clock_now_ns(CLOCK_REALTIME));
	if (r < 0) {
		log_err(sc->name, "cannot create the feed socket for %s: %s",
			sc->sock, strerror(-r));
		free(slot->src);
		slot->src = NULL;
		return r;
	}
	source_set_index(slot->src, (int)(slot - d->slots));
	slot->timer = event_new(d->base, -1, EV_PERSIST, on_poll, slot);
	if (slot->timer)
		event_priority_set(slot->timer, PRIO_POLL);
	if (!slot->timer || event_add(slot->timer, &tv) < 0) {
		log_err(sc->name, "cannot schedule its polls in the event "
			"loop; not started");
		if (slot->timer)
			event_free(slot->timer);
		slot->timer = NULL;
		source_fini(slot->src);
		free(slot->src);
		slot->src = NULL;
		return -ENOMEM;
	}
	source_gate_open(&slot->gate, d->base, sc, slot->src->index,
			 d->cfg.global.run_dir, ++d->ptp_clients);
	if (resume_text)
		source_gate_resume(slot->src, resume_text,
				   clock_now_ns(CLOCK_MONOTONIC));
	/* open and take the first sample now, not one interval later */
	on_poll(-1, 0, slot);
	return 0;
}

static void slot_stop(struct slot *slot)
{
	if (slot->timer)
		event_free(slot->timer);
	source_gate_close(&slot->gate);
	if (slot->src) {
		source_fini(slot->src);
		free(slot->src);
	}
	memset(slot, 0, sizeof(*slot));
}

static void log_summaries(struct daemon *d, int prio)
{
	char buf[512];
	int64_t now = clock_now_ns(CLOCK_REALTIME);

	for (int i = 0; i < d->n_slots; i++) {
		if (!d->slots[i].src)
			continue;
		source_summary(d->slots[i].src, now, buf, sizeof(buf));
		log_msg(prio, d->slots[i].src->cfg.name, "summary: %s", buf);
	}
}

/* Append to @buf (of @len, holding *@n bytes), truncating safely. */
static void append(char *buf, size_t len, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t len, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*n + 1 >= len)
		return;
	va_start(ap, fmt);
	w = vsnprintf(buf + *n, len - *n, fmt, ap);
	va_end(ap);
	if (w > 0)
		*n = *n + (size_t)w < len ? *n + (size_t)w : len - 1;
}

/* One STATUS= line: each source's state, gate and last offset. */
static void status_line(struct daemon *d, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < d->n_slots; i++) {
		struct source *s = d->slots[i].src;
		if (!s)
			continue;
		append(buf, len, &n, "%s%s: %s, gate %s", n ? "; " : "",
		       s->cfg.name, source_state_name(s->state),
		       gate_state_name(gate_state(&s->gate)));
		if (s->state == SOURCE_RUNNING && s->fed && s->feeding)
			append(buf, len, &n, ", offset %+.3fus, %s",
			       s->last_fed_offset_ns / 1e3,
			       s->feed.up ? "chronyd receiving"
					  : "chronyd not receiving");
	}
}

static void open_chrony_watch(struct daemon *d)
{
	const char *path = d->cfg.global.chronyd_socket;
	char client[CONFIG_PATH_MAX + 32];
	int r;

	if (d->chrony || !path[0])
		return;
	snprintf(client, sizeof(client), "%s/%s", d->cfg.global.run_dir,
		 CHRONYCMD_CLIENT_NAME);
	r = chronywatch_open(d->base, path, client,
			     (int)(d->cfg.global.chronyd_interval_s * 1000),
			     &d->chrony);
	if (r < 0 && r != d->chrony_open_error)
		log_err(NULL, "cannot watch chronyd at %s (client socket %s): "
			"%s; the gate cannot switch chronyd's sources", path,
			client, strerror(-r));
	d->chrony_open_error = r;
}

/* A scrape of /metrics. */
static void render_scrape(void *ctx, struct evbuffer *out)
{
	struct daemon *d = ctx;

	/* this one included */
	d->mself.scrapes = metrics_http_requests(d->metrics) + 1;
	metrics_render(d, &d->mself, out);
}

/* The listening socket of /metrics: from the parent under privilege
 * separation, else bound here or systemd's. A descriptor or -errno. */
static int metrics_listener(const char *listen)
{
	int fd, r;

	if (!privsep_client_active())
		return metrics_socket_open(listen);
	r = privsep_open_metrics(&fd);
	return r < 0 ? r : fd;
}

/* Serve /metrics if configured and not served yet; failures are logged
 * once each and tried again by the status timer. */
static void open_metrics(struct daemon *d)
{
	const char *listen = d->cfg.global.metrics_listen;
	int r;

	if (d->metrics || !listen[0])
		return;
	r = metrics_listener(listen);
	if (r >= 0)
		r = metrics_http_open(d->base, r, render_scrape, d,
				      &d->metrics);
	if (r < 0 && r != d->metrics_open_error)
		log_err(NULL, "cannot serve metrics on %s: %s%s; trying "
			"again every %d s", listen, strerror(-r),
			metrics_socket_hint(r), STATUS_INTERVAL_S);
	else if (r == 0)
		log_info(NULL, "metrics on http://%s/metrics", listen);
	if (r == 0 && d->metrics_open_error)
		log_notice(NULL, "serving metrics on %s now", listen);
	d->metrics_open_error = r;
}

/* Whether the status timer has work: STATUS= for a service manager, or
 * chronyd's socket or the metrics listener to try again. */
static bool status_wanted(const struct daemon *d)
{
	return notify_enabled() ||
	       (!d->chrony && d->cfg.global.chronyd_socket[0]) ||
	       (!d->metrics && d->cfg.global.metrics_listen[0]);
}

static void on_status(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	char buf[512];

	open_chrony_watch(d);
	open_metrics(d);
	if (notify_enabled()) {
		status_line(d, buf, sizeof(buf));
		notify_status(buf);
	}
	/* nothing left to do: no idle wake-ups every 5 s */
	if (!status_wanted(d))
		event_del(d->ev_status);
}

/* Resolve a group name; false (and a log line) if it does not exist. */
static bool group_id(const char *name, gid_t *gid)
{
	struct group *g;
	if (!name[0])
		return false;
	g = getgrnam(name);
	if (!g) {
		log_err(NULL, "control: no group '%s'; only root has access",
			name);
		return false;
	}
	*gid = g->gr_gid;
	return true;
}

static void open_control(struct daemon *d)
{
	const struct global_config *g = &d->cfg.global;
	struct control_access acc = { 0 };
	int r;

	if (!g->control_socket[0])
		return;
	acc.have_read_group = group_id(g->control_group, &acc.read_group);
	acc.have_admin_group = group_id(g->control_admin_group, &acc.admin_group);
	r = control_open(d->base, g->control_socket, &acc, ctl_items_handle, d,
			 &d->control);
	if (r == -EPERM && acc.have_read_group)
		log_err(NULL, "cannot give the control socket %s to group %s: "
			"%s (needs CAP_CHOWN, or a directory writable only by "
			"uid %u); phcbrokerctl will not work", g->control_socket,
			g->control_group, strerror(-r), (unsigned)geteuid());
	else if (r == -EADDRINUSE)
		log_err(NULL, "cannot open the control socket %s: another "
			"process listens there; phcbrokerctl will not work",
			g->control_socket);
	else if (r < 0)
		log_err(NULL, "cannot open the control socket %s: %s; "
			"phcbrokerctl will not work", g->control_socket,
			strerror(-r));
}

static struct event *add_timer(struct daemon *d, double interval_s,
			       event_callback_fn cb);

static void on_summary(evutil_socket_t fd, short what, void *arg)
{
	log_summaries(arg, LOG_INFO);
}

/* metrics_textfile: the metrics, replaced atomically. */
static void on_textfile(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	const char *path = d->cfg.global.metrics_textfile;
	struct evbuffer *text;
	int r;

	if (!path[0] || !(text = evbuffer_new()))
		return;
	metrics_render(d, &d->mself, text);
	r = metrics_write_textfile(path, text);
	evbuffer_free(text);
	if (r < 0 && r != d->textfile_error)
		log_err(NULL, "cannot write metrics_textfile %s: %s", path,
			strerror(-r));
	d->textfile_error = r;
}

static void on_watchdog(evutil_socket_t fd, short what, void *arg)
{
	notify_watchdog();
}

static void on_stop(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;
	log_notice(NULL, "stopping on signal %d", (int)sig);
	notify_stopping();
	event_base_loopbreak(d->base);
}

/* Keep sources whose section did not change; restart the others. */
static void apply_config(struct daemon *d, const struct config *nc)
{
	struct slot old[CONFIG_MAX_SOURCES];
	int n_old = d->n_slots;

	memcpy(old, d->slots, sizeof(old));
	memset(d->slots, 0, sizeof(d->slots));
	d->cfg = *nc;
	d->n_slots = nc->n_sources;
	for (int i = 0; i < nc->n_sources; i++) {
		const struct source_config *sc = &nc->sources[i];
		int keep = -1;
		for (int j = 0; j < n_old && keep < 0; j++)
			if (old[j].src &&
			    config_source_equal(&old[j].src->cfg, sc))
				keep = j;
		if (keep >= 0) {
			d->slots[i] = old[keep];
			d->slots[i].src->cfg = *sc; /* new line numbers */
			source_set_index(d->slots[i].src, i);
			memset(&old[keep], 0, sizeof(old[keep]));
			/* the timer's argument is the slot, which moved */
			event_del(d->slots[i].timer);
			event_assign(d->slots[i].timer, d->base, -1,
				     EV_PERSIST, on_poll, &d->slots[i]);
			event_priority_set(d->slots[i].timer, PRIO_POLL);
			struct timeval tv = tv_from_s(1.0 / sc->rate_hz);
			event_add(d->slots[i].timer, &tv);
			continue;
		}
		log_notice(sc->name, "starting");
		slot_start(d, &d->slots[i], sc);
	}
	for (int j = 0; j < n_old; j++) {
		if (old[j].src) {
			log_notice(old[j].src->cfg.name, "stopping (removed or "
				   "changed in the configuration)");
			slot_stop(&old[j]);
		}
	}
}

/*
 * Re-arm the summary timer after a reload changed summary_interval from
 * @old_s: a new period from now, or none for 0. Unchanged, it keeps its
 * phase.
 */
static void rearm_summary(struct daemon *d, double old_s)
{
	double s = d->cfg.global.summary_interval_s;
	struct timeval tv = tv_from_s(s);

	if (s == old_s)
		return;
	if (d->ev_summary)
		event_free(d->ev_summary);
	d->ev_summary = NULL;
	if (s <= 0) {
		log_notice(NULL, "summary_interval now 0: no summaries");
		return;
	}
	d->ev_summary = event_new(d->base, -1, EV_PERSIST, on_summary, d);
	if (!d->ev_summary || event_add(d->ev_summary, &tv) < 0) {
		log_err(NULL, "reload: cannot re-arm the summary timer; no "
			"summaries until a restart");
		if (d->ev_summary)
			event_free(d->ev_summary);
		d->ev_summary = NULL;
		return;
	}
	log_notice(NULL, "summary_interval now %gs", s);
}

/*
 * (Re)start the metrics_textfile timer: every summary_interval, or every
 * TEXTFILE_INTERVAL_S without summaries; none without a textfile.
 */
static void arm_textfile(struct daemon *d)
{
	double s = d->cfg.global.summary_interval_s;
	struct timeval tv = tv_from_s(s > 0 ? s : TEXTFILE_INTERVAL_S);

	if (d->ev_textfile)
		event_free(d->ev_textfile);
	d->ev_textfile = NULL;
	if (!d->cfg.global.metrics_textfile[0])
		return;
	d->ev_textfile = event_new(d->base, -1, EV_PERSIST, on_textfile, d);
	if (!d->ev_textfile || event_add(d->ev_textfile, &tv) < 0) {
		log_err(NULL, "cannot schedule metrics_textfile writes");
		if (d->ev_textfile)
			event_free(d->ev_textfile);
		d->ev_textfile = NULL;
	}
}

/* ---- the audit of competing clock disciplines ---- */

/* What the broker reads, for the audit's chrony checks. */
static void audit_broker_of(const struct daemon *d, struct audit_broker *b)
{
	b->n = 0;
	for (int i = 0; i < d->n_slots; i++) {
		const struct source *s = d->slots[i].src;
		if (!s)
			continue;
		b->name[b->n] = s->cfg.name;
		b->sock[b->n] = s->cfg.sock;
		b->phc_index[b->n] = s->path[0] ? discover_index(s->path) : -1;
		b->n++;
	}
}

/* One finding appeared or cleared: logged once, as an event. */
static void log_finding(const struct audit_finding *f, bool appeared,
			void *ctx)
{
	struct log_fields lf;
	int prio = f->severity == AUDIT_WARNING ? LOG_WARNING : LOG_NOTICE;

	log_fields_init(&lf);
	log_fields_add(&lf, "PHCB_AUDIT_KIND", "%s", f->kind);
	log_fields_add(&lf, "PHCB_AUDIT_SUBJECT", "%s", f->subject);
	log_fields_add(&lf, "PHCB_AUDIT_SEVERITY", "%s",
		       audit_severity_name(f->severity));
	if (appeared)
		log_event(prio, LOG_EVENT_AUDIT_FOUND, NULL, &lf,
			  "audit: %s %s: %s", f->kind, f->subject, f->detail);
	else
		log_event(LOG_NOTICE, LOG_EVENT_AUDIT_CLEARED, NULL, &lf,
			  "audit: %s %s cleared", f->kind, f->subject);
}

/* The last foreign step, while it is recent. */
static void add_foreign_step(const struct daemon *d, struct audit_report *r)
{
	const struct foreign_step *f = &d->foreign;
	double keep_s = d->cfg.global.audit_interval_s * FOREIGN_STEP_KEEP_AUDITS;
	int64_t age = clock_now_ns(CLOCK_MONOTONIC) - f->at_mono_ns;

	if (keep_s < FOREIGN_STEP_KEEP_MIN_S)
		keep_s = FOREIGN_STEP_KEEP_MIN_S;
	if (!f->at_mono_ns || (double)age > keep_s * 1e9)
		return;
	audit_add(r, "step", "system clock", AUDIT_WARNING,
		  "the system clock was stepped by %+.3f ms, away from source "
		  "%s (PHC - system %+.3f -> %+.3f ms) while chronyd followed "
		  "it: not chronyd's doing (%.0f s ago)",
		  f->step_ns / 1e6, f->source, f->before_ns / 1e6,
		  f->after_ns / 1e6, (double)age / 1e9);
}

/* Audit now; log what appeared and what cleared since the last one. */
static void run_audit(struct daemon *d)
{
	struct audit_report *r = malloc(sizeof(*r));
	struct audit_broker b;
	struct audit_scan_input in = {
		.g = &d->cfg.global,
		.proc_root = "/proc",
		.broker = &b,
		.chrony = d->chrony ? chronywatch_view(d->chrony) : NULL,
	};
	static const struct audit_report none = { 0 };
	struct audit_host *h = malloc(sizeof(*h));
	int err = 0;

	if (!r || !h) {
		free(r);
		free(h);
		return;
	}
	/* the host's part: read by the parent under privilege separation */
	if (privsep_client_active())
		err = privsep_audit_gather(h, sizeof(*h));
	else
		audit_scan_host(in.g, in.proc_root, h);
	if (err < 0) {
		log_warn(NULL, "audit: the parent did not gather the host's "
			 "part: %s; keeping the last audit", strerror(-err));
		free(r);
		free(h);
		return;
	}
	audit_broker_of(d, &b);
	audit_judge(&in, h, r);
	free(h);
	add_foreign_step(d, r);
	audit_diff(d->audit ? d->audit : &none, r, log_finding, NULL);
	free(d->audit);
	d->audit = r;
	d->audit_mono_ns = clock_now_ns(CLOCK_MONOTONIC);
}

static void on_audit(evutil_socket_t fd, short what, void *arg)
{
	run_audit(arg);
}

/* (Re)start the audit timer for audit_interval; none for 0. */
static void arm_audit(struct daemon *d)
{
	double s = d->cfg.global.audit_interval_s;

	if (d->ev_audit)
		event_free(d->ev_audit);
	d->ev_audit = NULL;
	if (s > 0 && !(d->ev_audit = add_timer(d, s, on_audit)))
		log_err(NULL, "no periodic audit until a restart");
}

/*
 * A reload refused, the running configuration kept: LOG_EVENT_RELOAD_REFUSED
 * with @reason, the line @fmt formats.
 */
static void log_refused(const struct daemon *d, const char *reason,
			const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void log_refused(const struct daemon *d, const char *reason,
			const char *fmt, ...)
{
	struct log_fields f;
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_fields_init(&f);
	log_fields_add(&f, "PHCB_CONFIG", "%s", d->cfg_path);
	log_fields_add(&f, "PHCB_REASON", "%s", reason);
	log_event(LOG_ERR, LOG_EVENT_RELOAD_REFUSED, NULL, &f, "%s", line);
}

/* The host described: by the parent under privilege separation (D-Bus,
 * sysfs and the PHCs are its to read); unknown ("none", no PHCs) when it
 * does not answer. */
static void describe_host(struct daemon *d)
{
	int r;

	if (!privsep_client_active()) {
		hostenv_probe(&d->cfg.global, &d->env);
		return;
	}
	r = privsep_probe_host(&d->env, sizeof(d->env));
	if (r < 0) {
		log_warn(NULL, "host: the parent did not describe it: %s",
			 strerror(-r));
		memset(&d->env, 0, sizeof(d->env));
		snprintf(d->env.hypervisor, sizeof(d->env.hypervisor), "none");
		snprintf(d->env.detected_by, sizeof(d->env.detected_by),
			 "none");
	}
}

/* Describe the host again (a reload may follow a module load); log it
 * only if it changed. */
static void redetect_host(struct daemon *d)
{
	struct hostenv *before = malloc(sizeof(*before));

	if (before)
		*before = d->env;
	describe_host(d);
	hostenv_log(&d->env, before);
	free(before);
}

/* The file again: read by the parent under privilege separation (the
 * worker opens no file), by this process otherwise. */
static int reload_config(struct daemon *d, struct config *nc, char *err,
			 size_t errlen)
{
	char path[CONFIG_PATH_MAX], *text;
	int r;

	if (!privsep_client_active())
		return config_load(d->cfg_path, nc, err, errlen);
	r = privsep_config(true, path, sizeof(path), &text, err, errlen);
	if (r == 0)
		r = config_parse(text, path, nc, err, errlen);
	free(text);
	return r;
}

static void on_reload(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;
	struct config *nc = malloc(sizeof(*nc));
	const char *key;
	double old_summary_s = d->cfg.global.summary_interval_s;
	struct log_fields f;
	char err[512];

	if (!nc) {
		log_refused(d, "out of memory", "reload: out of memory; keeping "
			    "the running configuration");
		return;
	}
	if (reload_config(d, nc, err, sizeof(err)) < 0) {
		log_refused(d, err, "reload refused: %s; keeping the running "
			    "configuration", err);
		d->mself.reloads_bad++;
		free(nc);
		return;
	}
	/* all or nothing: a key that a reload cannot apply refuses it all */
	key = config_reload_check(&d->cfg, nc);
	if (key) {
		snprintf(err, sizeof(err), "%s: changing it needs a restart",
			 key);
		log_refused(d, err, "reload refused: %s; keeping the running "
			    "configuration", err);
		d->mself.reloads_bad++;
		free(nc);
		return;
	}
	notify_reloading();
	log_set_level(nc->global.log_level);
	apply_config(d, nc);
	redetect_host(d);
	rearm_summary(d, old_summary_s);
	arm_textfile(d);
	arm_audit(d);
	run_audit(d);
	d->mself.reloads_ok++;
	free(nc);
	log_fields_init(&f);
	log_fields_add(&f, "PHCB_CONFIG", "%s", d->cfg_path);
	log_fields_add(&f, "PHCB_SOURCES", "%d", d->n_slots);
	log_event(LOG_NOTICE, LOG_EVENT_RELOAD_APPLIED, NULL, &f,
		  "configuration reloaded from %s: %d sources", d->cfg_path,
		  d->n_slots);
	notify_ready("reloaded");
	hand_on_gates(d);
}

static struct event *add_timer(struct daemon *d, double interval_s,
			       event_callback_fn cb)
{
	struct timeval tv = tv_from_s(interval_s);
	struct event *ev = event_new(d->base, -1, EV_PERSIST, cb, d);

	if (ev && event_add(ev, &tv) == 0)
		return ev;
	if (ev)
		event_free(ev);
	log_err(NULL, "cannot add a %.3g s timer to the event loop",
		interval_s);
	return NULL;
}

static int setup_events(struct daemon *d)
{
	uint64_t wd = notify_watchdog_usec();

	d->ev_term = evsignal_new(d->base, SIGTERM, on_stop, d);
	d->ev_int = evsignal_new(d->base, SIGINT, on_stop, d);
	d->ev_hup = evsignal_new(d->base, SIGHUP, on_reload, d);
	if (!d->ev_term || !d->ev_int || !d->ev_hup ||
	    evsignal_add(d->ev_term, NULL) < 0 ||
	    evsignal_add(d->ev_int, NULL) < 0 ||
	    evsignal_add(d->ev_hup, NULL) < 0)
		return -ENOMEM;
	/* without its watchdog pings systemd would kill us later: fail now */
	if (wd > 0 && !(d->ev_watchdog = add_timer(d, (double)wd / 2e6,
						   on_watchdog)))
		return -ENOMEM;
	d->ev_status = add_timer(d, STATUS_INTERVAL_S, on_status);
	if (!d->ev_status)
		return -ENOMEM;
	if (d->cfg.global.summary_interval_s > 0 &&
	    !(d->ev_summary = add_timer(d, d->cfg.global.summary_interval_s,
					on_summary)))
		return -ENOMEM;
	return 0;
}

static void teardown(struct daemon *d)
{
	struct event *evs[] = { d->ev_term,	 d->ev_int,	d->ev_hup,
				d->ev_watchdog,	 d->ev_status,	d->ev_summary,
				d->ev_textfile,	 d->ev_audit };

	for (int i = 0; i < d->n_slots; i++)
		slot_stop(&d->slots[i]);
	metrics_http_close(d->metrics);
	clockset_close(d->clockset);
	control_close(d->control);
	chronywatch_close(d->chrony);
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		if (evs[i])
			event_free(evs[i]);
	if (d->base)
		event_base_free(d->base);
	free(d->audit);
}

/* The runtime directory, ours alone, and the lock that makes us the only
 * instance using it. */
static int take_run_dir(struct daemon *d)
{
	const char *dir = d->cfg.global.run_dir;
	char err[512];
	pid_t holder;
	int r = rundir_prepare(dir, err, sizeof(err));

	if (r < 0) {
		log_err(NULL, "run_dir: %s", err);
		return r;
	}
	r = rundir_lock(dir, notify_main_pid(), &d->lock_fd, &holder);
	if (r == -EBUSY)
		log_err(NULL, "another phcbrokerd (pid %ld) is running with "
			"run_dir %s (it holds %s/%s); not starting a second",
			(long)holder, dir, dir, RUNDIR_LOCK_NAME);
	else if (r < 0)
		log_err(NULL, "cannot lock %s/%s: %s", dir, RUNDIR_LOCK_NAME,
			strerror(-r));
	return r;
}

/* The event loop, with the priorities above; NULL on failure. */
static struct event_base *new_event_base(void)
{
	struct event_config *ec = event_config_new();
	struct timeval batch = { 0, LOW_BATCH_US };
	struct event_base *b;

	if (!ec)
		return NULL;
	event_config_set_max_dispatch_interval(ec, &batch, LOW_BATCH,
					       PRIO_POLL + 1);
	b = event_base_new_with_config(ec);
	event_config_free(ec);
	if (b && event_base_priority_init(b, PRIO_COUNT) < 0) {
		event_base_free(b);
		b = NULL;
	}
	return b;
}

int daemon_run(const char *cfg_path, const struct config *cfg,
	       int (*lock_down)(void))
{
	struct daemon *d = calloc(1, sizeof(*d));
	char status[512];
	int code, started = 0;

	if (!d)
		return 2;
	d->cfg = *cfg;
	d->lock_fd = -1;
	if (take_run_dir(d) < 0) {
		free(d);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	d->cfg_path = cfg_path;
	d->started_mono_ns = clock_now_ns(CLOCK_MONOTONIC);
	d->base = new_event_base();
	if (!d->base || setup_events(d) < 0) {
		log_err(NULL, "cannot set up the event loop");
		teardown(d);
		close(d->lock_fd);
		free(d);
		return 2;
	}
	describe_host(d);
	hostenv_log(&d->env, NULL);
	d->n_slots = cfg->n_sources;
	for (int i = 0; i < cfg->n_sources; i++)
		started += slot_start(d, &d->slots[i], &cfg->sources[i]) == 0;
	if (started < cfg->n_sources)
		log_err(NULL, "%d of %d sources started (see above)", started,
			cfg->n_sources);
	open_control(d);
	open_chrony_watch(d);
	if (clockset_open(d->base, PRIO_POLL, on_clock_set, d,
			  &d->clockset) < 0)
		log_warn(NULL, "cannot watch for steps of the system clock: "
			 "foreign steps will not be audited");
	open_metrics(d);
	arm_textfile(d);
	on_textfile(-1, 0, d);
	arm_audit(d);
	run_audit(d);
	if (lock_down && (code = lock_down()) != 0) {
		teardown(d);
		close(d->lock_fd);
		free(d);
		return code;
	}
	/* sources are open or their failure is logged: never hold chronyd */
	status_line(d, status, sizeof(status));
	notify_ready(status);
	hand_on_gates(d);
	resume_text = NULL; /* a reload starts new sources afresh */
	log_notice(NULL, "running with %d sources from %s", d->n_slots,
		   cfg_path);
	event_base_dispatch(d->base);
	log_summaries(d, LOG_NOTICE);
	code = d->exit_code;
	teardown(d);
	close(d->lock_fd);
	free(d);
	return code;
}

/* ---- what the control items read (daemon.h) ---- */

const struct audit_report *daemon_audit(struct daemon *d)
{
	/* one audit serves the requests of AUDIT_FRESH_NS */
	if (!d->audit ||
	    clock_now_ns(CLOCK_MONOTONIC) - d->audit_mono_ns > AUDIT_FRESH_NS)
		run_audit(d);
	return d->audit;
}

const struct audit_report *daemon_audit_last(const struct daemon *d)
{
	return d->audit;
}

const struct hostenv *daemon_hostenv(const struct daemon *d)
{
	return &d->env;
}

int daemon_n_sources(const struct daemon *d)
{
	return d->n_slots;
}

struct source *daemon_source(const struct daemon *d, int i)
{
	return i >= 0 && i < d->n_slots ? d->slots[i].src : NULL;
}

const struct ptpwatch *daemon_source_ptp(const struct daemon *d, int i)
{
	return daemon_source(d, i) ? d->slots[i].gate.ptp : NULL;
}

const struct source_gate *daemon_source_gate(const struct daemon *d, int i)
{
	return daemon_source(d, i) ? &d->slots[i].gate : NULL;
}

const struct config *daemon_config(const struct daemon *d)
{
	return &d->cfg;
}

const char *daemon_config_path(const struct daemon *d)
{
	return d->cfg_path;
}

int64_t daemon_started_mono_ns(const struct daemon *d)
{
	return d->started_mono_ns;
}

const struct control *daemon_control(const struct daemon *d)
{
	return d->control;
}

struct chronywatch *daemon_chrony(const struct daemon *d)
{
	return d->chrony;
}

int daemon_chrony_open_error(const struct daemon *d)
{
	return d->chrony_open_error;
}

bool daemon_chrony_synced_to_us(const struct daemon *d)
{
	if (!d->chrony)
		return false;
	for (int i = 0; i < d->n_slots; i++)
		if (d->slots[i].src &&
		    chronywatch_selected(d->chrony, d->slots[i].src->cfg.name))
			return true;
	return false;
}
