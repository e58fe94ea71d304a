/* source.c: one configured clock: device, filter, and its chrony feed. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "privsep_client.h"
#include "source.h"
#include "timeutil.h"

#define REOPEN_INTERVAL_NS NS_PER_SEC
#define MAX_CONSECUTIVE_ERRORS 25 /* then close and reopen the device */

const char *source_state_name(enum source_state st)
{
	switch (st) {
	case SOURCE_OPENING:
		return "opening";
	case SOURCE_RUNNING:
		return "running";
	case SOURCE_MISSING:
		return "missing";
	}
	return "?";
}

int source_init(struct source *s, const struct source_config *cfg,
		const struct global_config *g, int64_t now_rt_ns)
{
	const double *bounds;
	int n_bounds;

	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	snprintf(s->dev_root, sizeof(s->dev_root), "%s", g->dev_root);
	snprintf(s->sysfs_root, sizeof(s->sysfs_root), "%s", g->sysfs_root);
	pipeline_config_from(&cfg->filter, &s->pipe_cfg);
	pipeline_init(&s->pipe);
	taiutc_init(&s->tai, cfg->utc_offset_s);
	s->tai_utc_fed_s = cfg->utc_offset_s;
	s->sim_epoch_ns = cfg->sim_epoch_ns ? cfg->sim_epoch_ns : now_rt_ns;
	s->state = SOURCE_OPENING; /* opened at the first poll */
	bounds = hist_delay_bounds(&n_bounds);
	hist_init(&s->read_delay, bounds, n_bounds);
	gate_init(&s->gate, &cfg->gate);
	s->feeding = gate_feeding(&s->gate);
	return chronyfeed_open(&s->feed, cfg->sock);
}

void source_set_index(struct source *s, int index)
{
	s->index = index;
	if (privsep_client_active())
		chronyfeed_via_parent(&s->feed, index);
}

/* Turn the configured device into a driver and a path. */
static int resolve_device(struct source *s)
{
	struct discover_roots roots = { s->dev_root, s->sysfs_root };
	int r = 0;

	if (strcmp(s->cfg.device, "sim") == 0) {
		s->drv = &phc_driver_sim;
		snprintf(s->path, sizeof(s->path), "sim");
		snprintf(s->clock_name, sizeof(s->clock_name), "simulated");
		return 0;
	}
	s->drv = &phc_driver_ptp;
	r = discover_resolve(&roots, s->cfg.device, s->cfg.interface, s->path,
			     sizeof(s->path));
	if (r == 0 && discover_clock_name(&roots, s->path, s->clock_name,
					  sizeof(s->clock_name)) < 0)
		s->clock_name[0] = '\0';
	return r;
}

/* Why a device is not being read. */
enum device_loss {
	LOSS_OPEN,     /* it could not be opened */
	LOSS_VANISHED, /* reads said it is gone (ENODEV, ENXIO) */
	LOSS_READS,    /* too many reads in a row failed */
};

/* The loss in words: the log line's (as tests grep it) and PHCB_REASON's. */
static const struct {
	const char *line, *reason;
} loss_words[] = {
	[LOSS_OPEN] = { "cannot open", "cannot open" },
	[LOSS_VANISHED] = { "device vanished:", "device vanished" },
	[LOSS_READS] = { "giving up on reads of", "giving up on reads" },
};

/* The device is closed or never opened: say so once, retry every second. */
static void device_failed(struct source *s, int err, int64_t mono_ns,
			  enum device_loss loss)
{
	int prio = (s->state != SOURCE_MISSING || err != s->last_error)
			   ? LOG_WARNING
			   : LOG_DEBUG;
	const char *dev = s->path[0] ? s->path : s->cfg.device;
	struct log_fields f;

	log_fields_init(&f);
	log_fields_add(&f, "PHCB_DEVICE", "%s", dev);
	log_fields_add(&f, "PHCB_ERRNO", "%d", err);
	log_fields_add(&f, "PHCB_REASON", "%s: %s", loss_words[loss].reason,
		       strerror(err));
	log_event(prio, LOG_EVENT_DEVICE_LOST, s->cfg.name, &f,
		  "%s %s: %s; retrying every second", loss_words[loss].line,
		  dev, strerror(err));
	s->state = SOURCE_MISSING;
	s->last_error = err;
	s->next_open_mono_ns = mono_ns + REOPEN_INTERVAL_NS;
}

/* The device is open: LOG_EVENT_DEVICE_OPENED. */
static void log_opened(const struct source *s, const struct phc_info *info)
{
	struct log_fields f;

	log_fields_init(&f);
	log_fields_add(&f, "PHCB_DEVICE", "%s", s->path);
	log_fields_add(&f, "PHCB_METHOD", "%s", phc_method_name(info->method));
	if (s->clock_name[0])
		log_fields_add(&f, "PHCB_CLOCK_NAME", "%s", s->clock_name);
	log_event(LOG_NOTICE, LOG_EVENT_DEVICE_OPENED, s->cfg.name, &f,
		  "opened %s%s%s%s, method %s, %d reads of %d readings per "
		  "poll at %.4gHz, feeding %s",
		  s->path, s->clock_name[0] ? " (" : "", s->clock_name,
		  s->clock_name[0] ? ")" : "", phc_method_name(info->method),
		  s->cfg.reads, s->cfg.readings, s->cfg.rate_hz, s->cfg.sock);
}

static void try_open(struct source *s, int64_t mono_ns)
{
	struct phc_open_args args = {
		.path = s->path,
		.readings = s->cfg.readings,
		.fd = -1,
		.sim = &s->cfg.sim,
		.sim_epoch_ns = s->sim_epoch_ns,
	};
	struct phc_info info;
	int r;

	s->path[0] = '\0';
	if (strcmp(s->cfg.device, "sim") != 0 && privsep_client_active()) {
		/* the parent resolves it (sysfs) and opens it */
		s->drv = &phc_driver_ptp;
		r = privsep_open_phc((unsigned)s->index, s->path,
				     sizeof(s->path), s->clock_name,
				     sizeof(s->clock_name), &args.fd);
	} else {
		r = resolve_device(s);
	}
	if (r == 0)
		r = s->drv->open(&args, &s->dev);
	if (r < 0) {
		s->dev = NULL;
		device_failed(s, -r, mono_ns, LOSS_OPEN);
		return;
	}
	s->drv->info(s->dev, &info);
	s->opens++;
	s->state = SOURCE_RUNNING;
	s->last_error = 0;
	s->consecutive_errors = 0;
	log_opened(s, &info);
}

static void close_device(struct source *s)
{
	if (s->dev)
		s->drv->close(s->dev);
	s->dev = NULL;
}

/* A PHC - system offset at @sys_ns moved to UTC (for timescale tai). */
static double to_utc(const struct source *s, int64_t sys_ns, double offset_ns)
{
	if (s->cfg.timescale != TIMESCALE_TAI)
		return offset_ns;
	return offset_ns - (double)taiutc_offset_at(&s->tai, sys_ns +
				     (int64_t)offset_ns) * 1e9;
}

/* The offset chronyd gets: the (UTC) PHC's, corrected. */
static double fed_offset(const struct source *s, double offset_ns)
{
	return offset_ns + s->cfg.correction_ns;
}

/* Say when TAI - UTC changes (a leap second, or ptp4l's word replacing
 * the configured offset). */
static void note_tai_utc(struct source *s, int now_s)
{
	if (s->cfg.timescale != TIMESCALE_TAI || now_s == s->tai_utc_fed_s)
		return;
	log_notice(s->cfg.name, "TAI - UTC is now %d s (was %d s; %s)", now_s,
		   s->tai_utc_fed_s, s->tai.ptp_valid ? "from ptp4l"
						      : "utc_offset");
	s->tai_utc_fed_s = now_s;
}

/* chronyd's SOCK socket takes samples again (a chronyd restart seen). */
static void log_chronyd_back(const struct source *s)
{
	struct log_fields f;

	log_fields_init(&f);
	log_fields_add(&f, "PHCB_SOCK", "%s", s->cfg.sock);
	log_fields_add(&f, "PHCB_RECONNECTS", "%lu", s->feed.reconnects);
	log_event(LOG_NOTICE, LOG_EVENT_CHRONYD_BACK, s->cfg.name, &f,
		  "chronyd is receiving samples on %s again", s->cfg.sock);
}

/* chronyd's SOCK socket stopped taking samples, or never took one. */
static void log_chronyd_lost(const struct source *s, int err)
{
	struct log_fields f;

	log_fields_init(&f);
	log_fields_add(&f, "PHCB_SOCK", "%s", s->cfg.sock);
	log_fields_add(&f, "PHCB_ERRNO", "%d", err);
	log_event(LOG_WARNING, LOG_EVENT_CHRONYD_LOST, s->cfg.name, &f,
		  "cannot send to chronyd at %s: %s (chronyd not running or "
		  "no matching refclock SOCK line); will keep trying",
		  s->cfg.sock, strerror(err));
}

static bool feed(struct source *s)
{
	struct sockmsg m;
	bool was_up = s->feed.up;
	bool first = s->feed.sent == 0 && s->feed.failed == 0;
	int r;

	s->last_fed_offset_ns = fed_offset(s, s->smoothed_offset_ns);
	sockmsg_encode(s->last.sys_ns, s->last_fed_offset_ns, s->leap, &m);
	r = chronyfeed_send(&s->feed, &m);
	if (r == 0) {
		s->fed++;
		if (s->feed.reconnects && !was_up)
			log_chronyd_back(s);
		return true;
	}
	if (was_up || first)
		log_chronyd_lost(s, -r);
	return false;
}

/* Readings taken, and the read delay of each valid one (seconds). */
static void count_readings(struct source *s, const struct phc_reading *r,
			   int n)
{
	s->readings_taken += (unsigned long)n;
	for (int i = 0; i < n; i++)
		if (r[i].sys_after >= r[i].sys_before)
			hist_add(&s->read_delay,
				 (double)(r[i].sys_after - r[i].sys_before) /
					 1e9);
}

/* The tracker confirmed a phase step: LOG_EVENT_PHASE_STEP. */
static void log_step(const struct source *s)
{
	struct log_fields f;

	log_fields_init(&f);
	log_fields_add(&f, "PHCB_OFFSET_NS", "%.0f", s->pipe.trk.last_step_ns);
	log_event(LOG_NOTICE, LOG_EVENT_PHASE_STEP, s->cfg.name, &f,
		  "phase step of %+.3fus detected",
		  s->pipe.trk.last_step_ns / 1e3);
}

/* One read's readings through the pipeline; the outcome into @ev. */
static void process(struct source *s, const struct phc_reading *r, int n,
		    struct source_event *ev)
{
	struct pipeline_result res;

	count_readings(s, r, n);
	if (pipeline_poll(&s->pipe, &s->pipe_cfg,
			  s->cfg.timescale == TIMESCALE_TAI ? &s->tai : NULL,
			  r, n, &res) < 0) {
		s->read_errors++;
		return;
	}
	note_tai_utc(s, res.tai_utc_s);
	s->last = res.estimate;
	s->last_verdict = res.verdict;
	s->readings_valid += (unsigned long)res.estimate.total;
	s->readings_used += (unsigned long)res.estimate.used;
	if ((unsigned)res.verdict <= TRK_RESYNC)
		s->verdicts[res.verdict]++;
	ev->have_sample = true;
	ev->last = res;
	if (res.verdict == TRK_REJECT) {
		ev->rejected++;
		return;
	}
	ev->accepted++;
	if (res.verdict == TRK_STEP) {
		ev->step = true;
		log_step(s);
	}
	s->smoothed_offset_ns = res.offset_ns;
	if (s->feeding && feed(s))
		ev->fed = true;
}

_Static_assert(CONFIG_MAX_READS * PHC_MAX_READINGS <= EST_MAX_READINGS,
	       "a poll's readings must fit the estimator");

/*
 * One poll's readings: `reads` reads back to back, filtered together (one
 * wake-up however many). Returns the readings taken, or the first read's
 * error.
 */
static int read_poll(struct source *s, struct phc_reading *r)
{
	int n = s->drv->read(s->dev, r, s->cfg.readings);

	for (int i = 1; n > 0 && i < s->cfg.reads; i++) {
		int m = s->drv->read(s->dev, r + n, s->cfg.readings);
		if (m <= 0)
			break;
		n += m;
	}
	return n;
}

/*
 * Whether the last sample was an outlier that may start a phase step: one
 * off the model by less than step_threshold can only end in a resync (the
 * model went stale, e.g. the frequency wandered), which can wait for the
 * next polls instead of costing reads now.
 */
static bool step_suspected(const struct source *s)
{
	return s->last_verdict == TRK_REJECT &&
	       trk_confirming(&s->pipe.trk) &&
	       fabs(s->pipe.trk.last_residual_ns) >=
		       s->cfg.filter.step_threshold_ns;
}

/*
 * An outlier may be the start of a phase step: read again at once so the
 * tracker confirms or dismisses it within this poll, not polls later.
 */
static void settle_outlier(struct source *s, struct source_event *ev)
{
	struct phc_reading r[EST_MAX_READINGS];

	for (int i = 1; i < TRK_STEP_CONFIRM && step_suspected(s); i++) {
		int n = read_poll(s, r);
		if (n <= 0)
			return;
		s->reads++;
		ev->readings += n;
		process(s, r, n, ev);
	}
}

/* Poll intervals on the monotonic clock, for phcbrokerctl. */
static void note_poll_time(struct source *s, int64_t mono_ns)
{
	if (s->prev_poll_mono_ns) {
		int64_t gap = mono_ns - s->prev_poll_mono_ns;
		if (gap > s->poll_gap_max_ns)
			s->poll_gap_max_ns = gap;
		s->poll_gap_sum_ns += gap;
		s->poll_gaps++;
	}
	s->prev_poll_mono_ns = mono_ns;
	s->last_poll_mono_ns = mono_ns;
}

void source_poll(struct source *s, int64_t mono_ns, struct source_event *ev)
{
	struct phc_reading r[EST_MAX_READINGS];
	int n;

	memset(ev, 0, sizeof(*ev));
	note_poll_time(s, mono_ns);
	s->polls++;
	if (!s->dev) {
		if (s->next_open_mono_ns && mono_ns < s->next_open_mono_ns)
			return;
		try_open(s, mono_ns);
		if (!s->dev) {
			ev->error = s->last_error;
			return;
		}
		ev->opened = true;
	}
	n = read_poll(s, r);
	if (n > 0) {
		s->reads++;
		s->consecutive_errors = 0;
		ev->readings = n;
		process(s, r, n, ev);
		settle_outlier(s, ev);
		return;
	}
	s->read_errors++;
	ev->error = -n;
	if (n == -ENODEV || n == -ENXIO ||
	    ++s->consecutive_errors >= MAX_CONSECUTIVE_ERRORS) {
		close_device(s);
		ev->lost = true;
		device_failed(s, -n, mono_ns, n == -ENODEV || n == -ENXIO
						 ? LOSS_VANISHED
						 : LOSS_READS);
	}
}

void source_fini(struct source *s)
{
	close_device(s);
	chronyfeed_close(&s->feed);
}

int source_true_offset(struct source *s, int64_t t_ns, double *offset_ns)
{
	if (!s->dev || !s->drv->truth)
		return -EOPNOTSUPP;
	return s->drv->truth(s->dev, t_ns, offset_ns);
}

int source_summary(struct source *s, int64_t now_rt_ns, char *buf,
		   size_t len)
{
	struct phc_info info = { .driver = s->drv ? s->drv->name : "none" };
	double truth;
	int n;

	if (s->dev)
		s->drv->info(s->dev, &info);
	n = snprintf(buf, len,
		     "state=%s gate=%s device=%s method=%s polls=%lu fed=%lu "
		     "rejected=%lu steps=%lu read_errors=%lu send_errors=%lu "
		     "offset=%+.3fus delay=%.3fus err=%.3fus freq=%+.3fppm",
		     source_state_name(s->state),
		     gate_state_name(gate_state(&s->gate)),
		     s->path[0] ? s->path : "-",
		     phc_method_name(info.method), s->polls, s->fed,
		     s->pipe.trk.rejected, s->pipe.trk.steps, s->read_errors,
		     s->feed.failed, s->last_fed_offset_ns / 1e3,
		     s->last.delay_ns / 1e3, s->last.err_ns / 1e3,
		     s->pipe.trk.freq_ppm);
	if (n >= 0 && (size_t)n < len &&
	    source_true_offset(s, now_rt_ns, &truth) == 0)
		n += snprintf(buf + n, len - (size_t)n, " true_offset=%+.3fus",
			      fed_offset(s, to_utc(s, now_rt_ns, truth)) / 1e3);
	return n;
}
