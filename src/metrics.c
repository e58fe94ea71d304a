/* metrics.c: the daemon, its sources and their gates as Prometheus metrics. */
#include <math.h>
#include <stdio.h>

#include "control.h"
#include "daemon.h"
#include "audit.h"
#include "hostenv.h"
#include "source_gate.h"
#include "vmclock.h"
#include "metrics.h"
#include "metrics_text.h"
#include "source.h"
#include "timeutil.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

#define LABELS(...) ((const char *[]){__VA_ARGS__, NULL})

/* A per-source value; NaN: nothing to show yet (the sample is left out). */
typedef double (*source_value_fn)(const struct source *s, int64_t now_mono);

/* One per-source family, one sample per source. */
struct source_family {
	const char *name, *type, *help;
	source_value_fn value;
};

static double src_up(const struct source *s, int64_t now)
{
	return s->state == SOURCE_RUNNING;
}

static double src_offset(const struct source *s, int64_t now)
{
	return s->fed || s->last.sys_ns ? s->last_fed_offset_ns / 1e9 : NAN;
}

static double src_error(const struct source *s, int64_t now)
{
	return s->last.sys_ns ? s->last.err_ns / 1e9 : NAN;
}

static double src_age(const struct source *s, int64_t now)
{
	return s->last_poll_mono_ns ? (double)(now - s->last_poll_mono_ns) / 1e9
				    : NAN;
}

static double src_sigma(const struct source *s, int64_t now)
{
	return trk_has_model(&s->pipe.trk) ? s->pipe.trk.sigma_ns / 1e9 : NAN;
}

static double src_freq(const struct source *s, int64_t now)
{
	return trk_has_model(&s->pipe.trk) ? s->pipe.trk.freq_ppm : NAN;
}

static double src_smo_gain(const struct source *s, int64_t now)
{
	return s->last.sys_ns ? smo_gain(&s->pipe.smo) : NAN;
}

static double src_smo_error(const struct source *s, int64_t now)
{
	return s->last.sys_ns ? smo_error(&s->pipe.smo) / 1e9 : NAN;
}

static double src_feeding(const struct source *s, int64_t now)
{
	return s->feeding;
}

static double src_receiving(const struct source *s, int64_t now)
{
	return s->feed.up;
}

static double src_opens(const struct source *s, int64_t now)
{
	return (double)s->opens;
}

static double src_polls(const struct source *s, int64_t now)
{
	return (double)s->polls;
}

static double src_reads(const struct source *s, int64_t now)
{
	return (double)s->reads;
}

static double src_read_errors(const struct source *s, int64_t now)
{
	return (double)s->read_errors;
}

static double src_steps(const struct source *s, int64_t now)
{
	return (double)s->pipe.trk.steps;
}

static double src_sent(const struct source *s, int64_t now)
{
	return (double)s->feed.sent;
}

static double src_send_errors(const struct source *s, int64_t now)
{
	return (double)s->feed.failed;
}

static double src_reconnects(const struct source *s, int64_t now)
{
	return (double)s->feed.reconnects;
}

static double gate_seconds(const struct source *s, int64_t now)
{
	return (double)(now - gate_state_since(&s->gate)) / 1e9;
}

static double gate_fallbacks(const struct source *s, int64_t now)
{
	return (double)gate_counts(&s->gate).fallbacks;
}

static double gate_flaps(const struct source *s, int64_t now)
{
	return (double)gate_counts(&s->gate).flaps;
}

/* clang-format off */
static const struct source_family source_families[] = {
	{ "phcbroker_source_up", "gauge",
	  "1 when the source's device is open and read", src_up },
	{ "phcbroker_source_device_opens_total", "counter",
	  "Times the device was opened", src_opens },
	{ "phcbroker_source_polls_total", "counter",
	  "Polls of the device (timer wake-ups)", src_polls },
	{ "phcbroker_source_reads_total", "counter",
	  "Read calls on the device (one ioctl each)", src_reads },
	{ "phcbroker_source_read_errors_total", "counter",
	  "Reads that failed or gave no valid reading", src_read_errors },
	{ "phcbroker_source_steps_total", "counter",
	  "Confirmed phase steps of PHC - system", src_steps },
	{ "phcbroker_source_offset_seconds", "gauge",
	  "Last estimate of PHC - system, as fed to chronyd", src_offset },
	{ "phcbroker_source_error_bound_seconds", "gauge",
	  "Error bound of the last estimate", src_error },
	{ "phcbroker_source_sample_age_seconds", "gauge",
	  "Time since the last poll", src_age },
	{ "phcbroker_source_model_sigma_seconds", "gauge",
	  "Residual sigma of the tracker's model", src_sigma },
	{ "phcbroker_source_model_frequency_ppm", "gauge",
	  "Frequency of PHC - system in the tracker's model", src_freq },
	{ "phcbroker_source_smoother_gain", "gauge",
	  "Weight the smoother gave the last sample (1: none)", src_smo_gain },
	{ "phcbroker_source_smoother_error_seconds", "gauge",
	  "Standard error of the last smoothed offset", src_smo_error },
	{ "phcbroker_source_feeding", "gauge",
	  "1 when the gate lets samples go to chronyd", src_feeding },
	{ "phcbroker_sock_receiving", "gauge",
	  "1 when chronyd's SOCK socket took the last sample", src_receiving },
	{ "phcbroker_sock_samples_sent_total", "counter",
	  "SOCK samples chronyd received", src_sent },
	{ "phcbroker_sock_send_errors_total", "counter",
	  "SOCK samples that did not reach chronyd", src_send_errors },
	{ "phcbroker_sock_reconnects_total", "counter",
	  "Times chronyd's SOCK socket came back after failures",
	  src_reconnects },
	{ "phcbroker_gate_state_seconds", "gauge",
	  "Time in the gate's current state", gate_seconds },
	{ "phcbroker_gate_fallbacks_total", "counter",
	  "Gate changes that stopped feeding chronyd", gate_fallbacks },
	{ "phcbroker_gate_flaps_total", "counter",
	  "Gate re-locks soon after an unlock", gate_flaps },
};
/* clang-format on */

static void render_source_family(struct daemon *d,
				 const struct source_family *f, int64_t now,
				 struct evbuffer *out)
{
	mtx_family(out, f->name, f->type, f->help);
	for (int i = 0; i < daemon_n_sources(d); i++) {
		const struct source *s = daemon_source(d, i);
		double v;
		if (!s || isnan(v = f->value(s, now)))
			continue;
		mtx_gauge(out, f->name, LABELS("source", s->cfg.name), v);
	}
}

/* phcbroker_source_info: what is read, and how. */
static void render_source_info(struct daemon *d, struct evbuffer *out)
{
	mtx_family(out, "phcbroker_source_info", "gauge",
		   "1; the device, its clock name, driver and read method");
	for (int i = 0; i < daemon_n_sources(d); i++) {
		struct source *s = daemon_source(d, i);
		struct phc_info info = {.driver = "none"};
		if (!s)
			continue;
		if (s->drv)
			info.driver = s->drv->name;
		if (s->dev)
			s->drv->info(s->dev, &info);
		mtx_gauge(out, "phcbroker_source_info",
			  LABELS("source", s->cfg.name, "device",
				 s->path[0] ? s->path : s->cfg.device,
				 "clock_name", s->clock_name, "driver",
				 info.driver, "method",
				 phc_method_name(info.method)),
			  1);
	}
}

/* Readings by what the estimator did with them; polls by verdict. */
static void render_source_verdicts(struct daemon *d, struct evbuffer *out)
{
	mtx_family(out, "phcbroker_source_readings_total", "counter",
		   "Readings taken, by what the estimator did with them");
	for (int i = 0; i < daemon_n_sources(d); i++) {
		const struct source *s = daemon_source(d, i);
		if (!s)
			continue;
		mtx_counter(out, "phcbroker_source_readings_total",
			    LABELS("source", s->cfg.name, "result", "used"),
			    s->readings_used);
		mtx_counter(
		    out, "phcbroker_source_readings_total",
		    LABELS("source", s->cfg.name, "result", "delay_filtered"),
		    s->readings_valid - s->readings_used);
		mtx_counter(out, "phcbroker_source_readings_total",
			    LABELS("source", s->cfg.name, "result", "invalid"),
			    s->readings_taken - s->readings_valid);
	}
	mtx_family(out, "phcbroker_source_samples_total", "counter",
		   "Per-poll estimates by the tracker's verdict");
	for (int i = 0; i < daemon_n_sources(d); i++) {
		const struct source *s = daemon_source(d, i);
		if (!s)
			continue;
		for (int v = TRK_ACCEPT; v <= TRK_RESYNC; v++)
			mtx_counter(out, "phcbroker_source_samples_total",
				    LABELS("source", s->cfg.name, "verdict",
					   trk_verdict_name(v)),
				    s->verdicts[v]);
	}
	mtx_family(out, "phcbroker_source_read_delay_seconds", "histogram",
		   "Read delay of every valid reading");
	for (int i = 0; i < daemon_n_sources(d); i++) {
		const struct source *s = daemon_source(d, i);
		if (s)
			mtx_histogram(
			    out, "phcbroker_source_read_delay_seconds",
			    LABELS("source", s->cfg.name), &s->read_delay);
	}
}

static void render_gate(struct daemon *d, struct evbuffer *out)
{
	mtx_family(out, "phcbroker_gate_state", "gauge",
		   "1 for the gate's current state, 0 for the others");
	for (int i = 0; i < daemon_n_sources(d); i++) {
		const struct source *s = daemon_source(d, i);
		if (!s)
			continue;
		for (int st = 0; st < GATE_STATE_COUNT; st++)
			mtx_gauge(out, "phcbroker_gate_state",
				  LABELS("source", s->cfg.name, "state",
					 gate_state_name(st)),
				  gate_state(&s->gate) == (enum gate_state)st);
	}
	mtx_family(out, "phcbroker_gate_transitions_total", "counter",
		   "Gate state changes by from, to and cause");
	for (int i = 0; i < daemon_n_sources(d); i++) {
		const struct source *s = daemon_source(d, i);
		if (!s)
			continue;
		for (int a = 0; a < GATE_STATE_COUNT; a++)
			for (int b = 0; b < GATE_STATE_COUNT; b++)
				for (int c = 0; c < GATE_CAUSE_COUNT; c++) {
					unsigned long n = gate_transitions_by(
					    &s->gate, a, b, c);
					if (n)
						mtx_counter(
						    out,
						    "phcbroker_gate_"
						    "transitions_total",
						    LABELS("source",
							   s->cfg.name, "from",
							   gate_state_name(a),
							   "to",
							   gate_state_name(b),
							   "cause",
							   gate_cause_name(c)),
						    n);
				}
	}
	mtx_family(out, "phcbroker_gate_info", "gauge",
		   "1; the gate's mode, the conditions it applies and the "
		   "operator override");
	for (int i = 0; i < daemon_n_sources(d); i++) {
		const struct source *s = daemon_source(d, i);
		if (!s)
			continue;
		mtx_gauge(out, "phcbroker_gate_info",
			  LABELS("source", s->cfg.name, "mode",
				 gate_mode_name(s->gate.cfg.mode), "conditions",
				 !s->cfg.ptp4l_socket[0]  ? "device"
				 : gate_gm_mode(&s->gate) ? "grandmaster"
							  : "slave",
				 "override",
				 gate_override_name(gate_override(&s->gate))),
			  1);
	}
}

/* The last audit of competing clock disciplines (GET AUDIT). */
static void render_audit(struct daemon *d, struct evbuffer *out)
{
	const struct audit_report *r = daemon_audit_last(d);
	int warnings = r ? audit_warnings(r) : 0;

	mtx_family(out, "phcbroker_audit_findings", "gauge",
		   "Competing clock disciplines found by the last audit, by "
		   "severity");
	mtx_gauge(out, "phcbroker_audit_findings",
		  LABELS("severity", "warning"), warnings);
	mtx_gauge(out, "phcbroker_audit_findings", LABELS("severity", "info"),
		  r ? r->n - warnings : 0);
}

/* Each source's VMClock page, where it has one mapped. */
static void render_vmclock(struct daemon *d, struct evbuffer *out)
{
	mtx_family(out, "phcbroker_vmclock_synchronized", "gauge",
		   "1 while the VMClock page says the hypervisor's clock is "
		   "synchronized");
	for (int i = 0; i < daemon_n_sources(d); i++) {
		const struct source_gate *g = daemon_source_gate(d, i);
		if (g && g->vm.page && g->vm_have && !g->vm_error)
			mtx_gauge(out, "phcbroker_vmclock_synchronized",
				  LABELS("source", daemon_source(d, i)->cfg.name),
				  vmclock_usable(&g->vm_last));
	}
	mtx_family(out, "phcbroker_vmclock_disruptions_total", "counter",
		   "Disruptions (live migrations, restores) the VMClock page "
		   "announced");
	for (int i = 0; i < daemon_n_sources(d); i++) {
		const struct source_gate *g = daemon_source_gate(d, i);
		if (g && g->vm.page)
			mtx_counter(out, "phcbroker_vmclock_disruptions_total",
				    LABELS("source",
					   daemon_source(d, i)->cfg.name),
				    g->vm_disruptions);
	}
}

/* The host as GET ENVIRONMENT shows it (hostenv.c). */
static void render_host(struct daemon *d, struct evbuffer *out)
{
	const struct hostenv *e = daemon_hostenv(d);

	mtx_family(out, "phcbroker_host_info", "gauge",
		   "1; the hypervisor (systemd's name), how it was found, the "
		   "cloud");
	mtx_gauge(out, "phcbroker_host_info",
		  LABELS("hypervisor", e->hypervisor, "detected_by",
			 e->detected_by, "cloud", e->cloud),
		  1);
	mtx_family(out, "phcbroker_host_hypervisor_phc_missing", "gauge",
		   "1 when the hypervisor offers a PHC this host lacks");
	mtx_gauge(out, "phcbroker_host_hypervisor_phc_missing", NULL,
		  e->expected_clock[0] && !e->expected_present);
}

static void render_daemon(struct daemon *d, const struct metrics_self *self,
			  struct evbuffer *out)
{
	int64_t mono = clock_now_ns(CLOCK_MONOTONIC);
	int64_t rt = clock_now_ns(CLOCK_REALTIME);
	const struct control *c = daemon_control(d);

	mtx_family(out, "phcbroker_build_info", "gauge", "1; the version");
	mtx_gauge(out, "phcbroker_build_info",
		  LABELS("version", PACKAGE_VERSION), 1);
	render_host(d, out);
	render_audit(d, out);
	mtx_family(out, "phcbroker_start_time_seconds", "gauge",
		   "Start of the daemon, Unix time");
	mtx_gauge(out, "phcbroker_start_time_seconds", NULL,
		  (double)(rt - (mono - daemon_started_mono_ns(d))) / 1e9);
	mtx_family(out, "phcbroker_config_reloads_total", "counter",
		   "Configuration reloads (SIGHUP) by result");
	mtx_counter(out, "phcbroker_config_reloads_total",
		    LABELS("result", "applied"), self->reloads_ok);
	mtx_counter(out, "phcbroker_config_reloads_total",
		    LABELS("result", "refused"), self->reloads_bad);
	mtx_family(out, "phcbroker_control_clients", "gauge",
		   "Open phcbrokerctl connections");
	mtx_gauge(out, "phcbroker_control_clients", NULL,
		  c ? control_clients(c) : 0);
	mtx_family(out, "phcbroker_control_refused_total", "counter",
		   "Control connections refused");
	mtx_counter(out, "phcbroker_control_refused_total", NULL,
		    c ? control_refused(c) : 0);
	mtx_family(out, "phcbroker_metrics_scrapes_total", "counter",
		   "Metrics requests answered, this one included");
	mtx_counter(out, "phcbroker_metrics_scrapes_total", NULL,
		    self->scrapes);
}

void metrics_render(struct daemon *d, const struct metrics_self *self,
		    struct evbuffer *out)
{
	int64_t now = clock_now_ns(CLOCK_MONOTONIC);
	size_t n = sizeof(source_families) / sizeof(source_families[0]);
	struct timex tx = {0};
	int state;

	render_daemon(d, self, out);
	render_source_info(d, out);
	for (size_t i = 0; i < n; i++)
		render_source_family(d, &source_families[i], now, out);
	render_source_verdicts(d, out);
	render_gate(d, out);
	render_vmclock(d, out);
	metrics_render_ptp4l(d, out);
	metrics_render_chronyd(d, out);
	state = adjtimex(&tx);
	if (state >= 0)
		metrics_render_kernel(&tx, state, out);
}
