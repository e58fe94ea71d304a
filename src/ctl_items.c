/* ctl_items.c: the daemon's answers to phcbrokerctl's GET and SET requests. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "chrony_codec.h"
#include "ptp4l_codec.h"
#include "chrony_watch.h"
#include "ctl_items.h"
#include "daemon.h"
#include "discover.h"
#include "hostenv.h"
#include "ptp4l_watch.h"
#include "source.h"
#include "source_gate.h"
#include "vmclock.h"
#include "log.h"
#include "notify.h"
#include "privsep_client.h"
#include "timeutil.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

typedef void (*item_fn)(struct daemon *d, struct evbuffer *out);

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static double age_s(int64_t then_ns, int64_t now_ns)
{
	return then_ns ? (double)(now_ns - then_ns) / 1e9 : -1.0;
}

/* The source chronyd should be using: the first running one. */
static struct source *primary(struct daemon *d)
{
	for (int i = 0; i < daemon_n_sources(d); i++)
		if (daemon_source(d, i) && daemon_source(d, i)->state == SOURCE_RUNNING)
			return daemon_source(d, i);
	return daemon_n_sources(d) && daemon_source(d, 0) ? daemon_source(d, 0) : NULL;
}

/*
 * What keeps the daemon from acting on chronyd and will not pass by itself
 * (a missing privilege, a socket it could not create): the reason and the
 * fix, or false when there is none.
 */
static bool chrony_problem(const struct daemon *d, char *buf, size_t len)
{
	if (!daemon_config(d)->global.chronyd_socket[0])
		return false;
	if (!daemon_chrony(d)) {
		if (!daemon_chrony_open_error(d))
			return false;
		snprintf(buf, len, "cannot create the chronyd client socket "
			 "in %s: %s", daemon_config(d)->global.run_dir,
			 strerror(-daemon_chrony_open_error(d)));
		return true;
	}
	return chronywatch_explain(chronywatch_view(daemon_chrony(d))->last_error,
				   buf, len);
}

static void get_status(struct daemon *d, struct evbuffer *out)
{
	char problem[512];
	bool has_problem = chrony_problem(d, problem, sizeof(problem));
	int64_t now = clock_now_ns(CLOCK_MONOTONIC);
	struct source *p = primary(d);
	const struct audit_report *audit;
	int running = 0, receiving = 0, warnings;
	char sel[32];

	for (int i = 0; i < daemon_n_sources(d); i++) {
		struct source *s = daemon_source(d, i);
		if (!s)
			continue;
		running += s->state == SOURCE_RUNNING;
		receiving += s->feeding && s->feed.up;
	}
	control_begin(out, "STATUS", NULL);
	control_field(out, "version", "%s", PACKAGE_VERSION);
	/* the one to signal: the parent under privilege separation */
	control_field(out, "pid", "%d", (int)notify_main_pid());
	if (privsep_client_active())
		control_field(out, "worker_pid", "%d", (int)getpid());
	control_field(out, "uptime_s", "%.0f", age_s(daemon_started_mono_ns(d), now));
	control_field(out, "config", "%s", daemon_config_path(d));
	control_field(out, "control_clients", "%d", control_clients(daemon_control(d)));
	control_field(out, "control_refused", "%lu", control_refused(daemon_control(d)));
	control_field(out, "sources", "%d", daemon_n_sources(d));
	control_field(out, "sources_running", "%d", running);
	control_field(out, "sources_fed_to_chronyd", "%d", receiving);
	if (p) {
		control_field(out, "primary_source", "%s", p->cfg.name);
		control_field(out, "primary_state", "%s", source_state_name(p->state));
		control_field(out, "offset_ns", "%.1f", p->last_fed_offset_ns);
		control_field(out, "error_bound_ns", "%.1f",
			      p->last.err_ns + p->vm_maxerror_ns);
		control_field(out, "last_sample_age_s", "%.3f",
			      age_s(p->last_poll_mono_ns, now));
		control_field(out, "gate_state", "%s",
			      gate_state_name(gate_state(&p->gate)));
		control_field(out, "gate_reason", "%s", gate_condition(&p->gate));
		control_field(out, "feeding", "%s", yes_no(p->feeding));
	}
	if (daemon_chrony(d)) {
		const struct chronywatch_view *v = chronywatch_view(daemon_chrony(d));
		chronyview_reference_name(v, sel, sizeof(sel));
		control_field(out, "chronyd_reachable", "%s",
			      yes_no(v->last_error == 0 && v->have_tracking));
		control_field(out, "chronyd_selected", "%s", sel);
		control_field(out, "chronyd_synced_to_broker", "%s",
			      yes_no(daemon_chrony_synced_to_us(d)));
		if (v->have_tracking)
			control_field(out, "chronyd_offset_ns", "%.1f",
				      v->tracking.current_correction * 1e9);
	} else if (daemon_config(d)->global.chronyd_socket[0]) {
		control_field(out, "chronyd_reachable", "no");
	}
	if (has_problem)
		control_field(out, "chronyd_problem", "%s", problem);
	audit = daemon_audit_last(d);
	warnings = audit ? audit_warnings(audit) : 0;
	control_field(out, "audit_warnings", "%d", warnings);
	control_field(out, "healthy", "%s",
		      yes_no(daemon_n_sources(d) > 0 && running == daemon_n_sources(d) &&
			     receiving == daemon_n_sources(d) && !has_problem &&
			     warnings == 0));
}

/* A source's VMClock page: what it says, or why it is not read. */
static void vmclock_fields(const struct source_gate *g, struct evbuffer *out)
{
	const struct vmclock_state *st = &g->vm_last;

	if (!g->vm_path[0]) {
		control_field(out, "vmclock", "-");
		return;
	}
	control_field(out, "vmclock", "%s", g->vm_path);
	if (!g->vm.page || !g->vm_have) {
		control_field(out, "vmclock_error", "%s",
			      g->vm_error ? strerror(-g->vm_error) : "-");
		return;
	}
	control_field(out, "vmclock_status", "%s",
		      vmclock_status_name(st->clock_status));
	control_field(out, "vmclock_disruption_marker", "%llu",
		      (unsigned long long)st->disruption_marker);
	control_field(out, "vmclock_disruptions", "%lu", g->vm_disruptions);
	if (st->time_maxerror_valid)
		control_field(out, "vmclock_max_error_ns", "%llu",
			      (unsigned long long)st->time_maxerror_ns);
	else
		control_field(out, "vmclock_max_error_ns", "-");
	control_field(out, "vmclock_leap", "%d", st->leap_indicator);
	control_field(out, "vmclock_error", "%s",
		      g->vm_error ? strerror(-g->vm_error) : "-");
}

static void get_devices(struct daemon *d, struct evbuffer *out)
{
	for (int i = 0; i < daemon_n_sources(d); i++) {
		struct source *s = daemon_source(d, i);
		struct phc_info info = { .driver = s && s->drv ? s->drv->name : "none" };
		if (!s)
			continue;
		if (s->dev)
			s->drv->info(s->dev, &info);
		control_begin(out, "DEVICES", s->cfg.name);
		control_field(out, "configured", "%s%s%s", s->cfg.device,
			      s->cfg.interface[0] ? " interface " : "",
			      s->cfg.interface);
		control_field(out, "path", "%s", s->path[0] ? s->path : "-");
		control_field(out, "clock_name", "%s",
			      s->clock_name[0] ? s->clock_name : "-");
		control_field(out, "driver", "%s", info.driver);
		control_field(out, "state", "%s", source_state_name(s->state));
		control_field(out, "last_error", "%s",
			      s->last_error ? strerror(s->last_error) : "-");
		control_field(out, "method", "%s", phc_method_name(info.method));
		control_field(out, "cross_timestamping", "%s",
			      yes_no(info.cross_timestamping));
		control_field(out, "max_adj_ppb", "%d", info.max_adj_ppb);
		control_field(out, "method_probes", "%lu", info.probes);
		control_field(out, "rate_hz", "%.4g", s->cfg.rate_hz);
		control_field(out, "readings_per_poll", "%d", s->cfg.readings);
		control_field(out, "opens", "%lu", s->opens);
		control_field(out, "polls", "%lu", s->polls);
		control_field(out, "reads", "%lu", s->reads);
		control_field(out, "read_errors", "%lu", s->read_errors);
		control_field(out, "delay_last_ns", "%.1f", s->last.delay_ns);
		control_field(out, "delay_median_ns", "%.1f",
			      est_delay_quantile(&s->pipe.est, 0.5));
		control_field(out, "delay_p90_ns", "%.1f",
			      est_delay_quantile(&s->pipe.est, 0.9));
		control_field(out, "samples_accepted", "%lu", s->pipe.trk.accepted);
		control_field(out, "samples_rejected", "%lu", s->pipe.trk.rejected);
		control_field(out, "poll_interval_mean_ms", "%.3f",
			      s->poll_gaps ? (double)s->poll_gap_sum_ns / (double)s->poll_gaps / 1e6 : 0.0);
		control_field(out, "poll_interval_max_ms", "%.3f",
			      (double)s->poll_gap_max_ns / 1e6);
		vmclock_fields(daemon_source_gate(d, i), out);
	}
}

static void get_sources(struct daemon *d, struct evbuffer *out)
{
	int64_t now = clock_now_ns(CLOCK_MONOTONIC);

	for (int i = 0; i < daemon_n_sources(d); i++) {
		struct source *s = daemon_source(d, i);
		if (!s)
			continue;
		control_begin(out, "SOURCES", s->cfg.name);
		control_field(out, "sock", "%s", s->cfg.sock);
		control_field(out, "feeding", "%s", yes_no(s->feeding));
		control_field(out, "chronyd_receiving", "%s", yes_no(s->feed.up));
		control_field(out, "samples_sent", "%lu", s->feed.sent);
		control_field(out, "send_errors", "%lu", s->feed.failed);
		control_field(out, "last_send_error", "%s",
			      s->feed.last_error ? strerror(s->feed.last_error) : "-");
		control_field(out, "chronyd_returns", "%lu", s->feed.reconnects);
		control_field(out, "last_offset_ns", "%.1f", s->last_fed_offset_ns);
		control_field(out, "last_sample_age_s", "%.3f",
			      age_s(s->last_poll_mono_ns, now));
		control_field(out, "leap", "%d", s->leap);
		control_field(out, "timescale", "%s",
			      s->cfg.timescale == TIMESCALE_TAI ? "tai" : "utc");
		if (s->cfg.timescale == TIMESCALE_TAI) {
			control_field(out, "tai_utc_s", "%d", s->tai_utc_fed_s);
			control_field(out, "tai_utc_from", "%s",
				      s->tai.ptp_valid ? "ptp4l" : "utc_offset");
		}
		if (daemon_chrony(d)) {
			int st = chronywatch_source_state(daemon_chrony(d), s->cfg.name);
			control_field(out, "chronyd_state", "%s",
				      st < 0 ? "not-configured" : candm_src_state_name(st));
		}
	}
}

static void get_filter(struct daemon *d, struct evbuffer *out)
{
	for (int i = 0; i < daemon_n_sources(d); i++) {
		struct source *s = daemon_source(d, i);
		if (!s)
			continue;
		control_begin(out, "FILTER", s->cfg.name);
		control_field(out, "filter", "%s", yes_no(s->cfg.filter.enabled));
		control_field(out, "delay_quantile", "%.3g", s->cfg.filter.delay_quantile);
		control_field(out, "delay_threshold_ns", "%.1f", s->last.threshold_ns);
		control_field(out, "readings_used", "%d", s->last.used);
		control_field(out, "readings_valid", "%d", s->last.total);
		control_field(out, "degraded_poll", "%s", yes_no(s->last.degraded));
		control_field(out, "estimate_offset_ns", "%.1f", s->last.offset_ns);
		control_field(out, "estimate_error_ns", "%.1f", s->last.err_ns);
		control_field(out, "last_verdict", "%s", trk_verdict_name(s->last_verdict));
		control_field(out, "model_sigma_ns", "%.1f", s->pipe.trk.sigma_ns);
		control_field(out, "model_freq_ppm", "%.4f", s->pipe.trk.freq_ppm);
		control_field(out, "last_residual_ns", "%.1f", s->pipe.trk.last_residual_ns);
		control_field(out, "accepted", "%lu", s->pipe.trk.accepted);
		control_field(out, "rejected", "%lu", s->pipe.trk.rejected);
		control_field(out, "steps", "%lu", s->pipe.trk.steps);
		control_field(out, "last_step_ns", "%.1f", s->pipe.trk.last_step_ns);
		control_field(out, "resyncs", "%lu", s->pipe.trk.resyncs);
		control_field(out, "smoothing", "%s", yes_no(s->cfg.filter.enabled && s->cfg.filter.smoothing));
		control_field(out, "smoothing_gain", "%.3f", smo_gain(&s->pipe.smo));
		control_field(out, "smoothing_wander_ns_per_sqrt_s", "%.3g", smo_wander(&s->pipe.smo));
		control_field(out, "smoothed_offset_ns", "%.1f", s->smoothed_offset_ns);
		control_field(out, "smoothed_error_ns", "%.1f", smo_error(&s->pipe.smo));
		control_field(out, "outlier_threshold", "%.3g", s->cfg.filter.outlier_threshold);
		control_field(out, "step_threshold_ns", "%.1f", s->cfg.filter.step_threshold_ns);
	}
}

static void get_gate(struct daemon *d, struct evbuffer *out)
{
	int64_t mono = clock_now_ns(CLOCK_MONOTONIC);

	for (int i = 0; i < daemon_n_sources(d); i++) {
		struct source *s = daemon_source(d, i);
		const struct gate *g;
		struct gate_counts counts;
		if (!s)
			continue;
		g = &s->gate;
		counts = gate_counts(g);
		control_begin(out, "GATE", s->cfg.name);
		control_field(out, "state", "%s", gate_state_name(gate_state(g)));
		control_field(out, "feeding", "%s", yes_no(gate_feeding(g)));
		control_field(out, "override", "%s", gate_override_name(gate_override(g)));
		control_field(out, "mode", "%s", gate_mode_name(g->cfg.mode));
		control_field(out, "conditions", "%s",
			      !s->cfg.ptp4l_socket[0] ? "device"
			      : gate_gm_mode(g)	     ? "grandmaster"
						     : "slave");
		control_field(out, "since_s", "%.1f",
			      (double)(mono - gate_state_since(g)) / 1e9);
		control_field(out, "condition", "%s", gate_condition(g));
		control_field(out, "leap", "%d", (int)gate_leap(g));
		control_field(out, "ptp4l", "%s", s->cfg.ptp4l_socket[0] ?
			      s->cfg.ptp4l_socket : "none");
		control_field(out, "transitions", "%lu", counts.transitions);
		control_field(out, "fallbacks_to_ntp", "%lu", counts.fallbacks);
		control_field(out, "flaps", "%lu", counts.flaps);
		for (int k = 0; k < GATE_HISTORY; k++) {
			const struct gate_transition *t = gate_history(g, k);
			char key[24];
			if (!t)
				break;
			snprintf(key, sizeof(key), "transition_%d", k);
			control_field(out, key, "%.1fs ago %s -> %s: %s",
				      (double)(mono - t->t_ns) / 1e9,
				      gate_state_name(t->from),
				      gate_state_name(t->to), t->reason);
		}
	}
}

/* What the socket allows, as its answer to the subscription showed. */
static void ptp_subscription_fields(const struct ptpwatch_view *v,
				    struct evbuffer *out)
{
	control_field(out, "access", "%s",
		      v->sub == PTPWATCH_SUB_READ_ONLY ? "read-only" :
		      v->sub == PTPWATCH_SUB_PENDING   ? "unknown" :
							 "read-write");
	control_field(out, "subscription", "%s", ptpwatch_sub_name(v->sub));
	if (v->sub == PTPWATCH_SUB_READ_ONLY)
		control_field(out, "note", "read-only socket (ptp4l's "
			      "uds_ro_address): GET works, polled every %d ms; "
			      "the port state subscription and any SET need "
			      "ptp4l's read-write uds_address", PTP_POLL_MS);
	else if (v->sub == PTPWATCH_SUB_REFUSED)
		control_field(out, "note", "ptp4l refused the port state "
			      "subscription (%s): polled every %d ms",
			      ptpmgmt_error_name(v->sub_error), PTP_POLL_MS);
}

static void get_ptp(struct daemon *d, struct evbuffer *out)
{
	int64_t now = clock_now_ns(CLOCK_MONOTONIC);
	int shown = 0;

	for (int i = 0; i < daemon_n_sources(d); i++) {
		struct source *src = daemon_source(d, i);
		const struct ptpwatch *ptp = daemon_source_ptp(d, i);
		const struct ptpwatch_view *v;
		char id[32];
		if (!src || !ptp)
			continue;
		v = ptpwatch_view(ptp);
		shown++;
		control_begin(out, "PTP", src->cfg.name);
		control_field(out, "ptp4l_socket", "%s", src->cfg.ptp4l_socket);
		control_field(out, "domain", "%d", src->cfg.domain);
		control_field(out, "reachable", "%s",
			      yes_no(v->last_response_ns && now - v->last_response_ns < 3 * NS_PER_SEC));
		control_field(out, "response_age_s", "%.3f", age_s(v->last_response_ns, now));
		ptp_subscription_fields(v, out);
		control_field(out, "port_state", "%s", v->port_state ?
			      ptpmgmt_port_state_name(v->port_state) : "unknown");
		for (int k = 0; k < v->n_ports; k++) {
			char key[24];
			snprintf(key, sizeof(key), "port_%u", v->ports[k].port_identity.port);
			control_field(out, key, "%s", ptpmgmt_port_state_name(v->ports[k].port_state));
		}
		if (v->have_time_status) {
			control_field(out, "master_offset_ns", "%lld",
				      (long long)v->time_status.master_offset_ns);
			control_field(out, "sync_age_s", "%.3f", age_s(v->ingress_changed_ns, now));
			control_field(out, "gm_present", "%s", yes_no(v->time_status.gm_present));
			control_field(out, "gm_identity", "%s",
				      ptpmgmt_clock_identity_str(&v->time_status.gm_identity, id));
		}
		if (v->have_parent)
			control_field(out, "gm_clock_class", "%u",
				      v->parent.grandmaster_clock_quality.clock_class);
		if (v->have_current) {
			control_field(out, "steps_removed", "%u", v->current.steps_removed);
			control_field(out, "mean_path_delay_ns", "%.1f",
				      v->current.mean_path_delay_ns);
		}
		if (v->have_time_properties) {
			const struct ptpmgmt_time_properties_ds *t = &v->time_properties;
			control_field(out, "current_utc_offset", "%d", t->current_utc_offset);
			control_field(out, "utc_offset_valid", "%s", yes_no(t->utc_offset_valid));
			control_field(out, "leap61", "%s", yes_no(t->leap61));
			control_field(out, "leap59", "%s", yes_no(t->leap59));
			control_field(out, "ptp_timescale", "%s", yes_no(t->ptp_timescale));
			control_field(out, "time_traceable", "%s", yes_no(t->time_traceable));
		}
		control_field(out, "requests", "%lu", v->requests);
		control_field(out, "responses", "%lu", v->responses);
		control_field(out, "notifications", "%lu", v->notifications);
		control_field(out, "ignored", "%lu", v->ignored);
		control_field(out, "timeouts", "%lu", v->timeouts);
		control_field(out, "last_error", "%s", v->last_error ? strerror(v->last_error) : "-");
	}
	if (!shown)
		control_error(out, "PTP", "no source has a ptp4l_socket");
}

/* The refids chronyd said it has no source for, "-" when none. */
static const char *missing_list(const struct chronywatch_view *v, char *buf,
				size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < v->n_missing && used + 6 <= size; i++) {
		char name[5];
		candm_refid_str(v->missing[i], name);
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
					 i ? "," : "", name);
	}
	return used ? buf : "-";
}

static void get_chrony(struct daemon *d, struct evbuffer *out)
{
	int64_t now = clock_now_ns(CLOCK_MONOTONIC);
	const struct chronywatch_view *v;
	char sel[32], miss[CHRONYWATCH_MISSING_MAX * 5 + 2];

	if (!daemon_chrony(d)) {
		control_error(out, "CHRONY", "chronyd is not watched (no chronyd_socket)");
		return;
	}
	v = chronywatch_view(daemon_chrony(d));
	control_begin(out, "CHRONY", NULL);
	control_field(out, "socket", "%s", daemon_config(d)->global.chronyd_socket);
	control_field(out, "reachable", "%s", yes_no(v->last_error == 0 && v->have_tracking));
	control_field(out, "last_error", "%s", v->last_error ? strerror(v->last_error) : "-");
	control_field(out, "report_age_s", "%.3f", age_s(v->tracking_at_ns, now));
	control_field(out, "selectopts", "%s", v->selectopts < 0 ? "unknown" :
		      v->selectopts ? "yes (chronyd 4.4+)" : "no (chronyd before 4.4)");
	control_field(out, "actions_done", "%lu", v->actions_done);
	control_field(out, "selects_done", "%lu", v->selects_done);
	control_field(out, "resets_done", "%lu", v->resets_done);
	control_field(out, "missing_refclocks", "%s", missing_list(v, miss, sizeof(miss)));
	if (v->have_tracking) {
		const struct candm_tracking *t = &v->tracking;
		chronyview_reference_name(v, sel, sizeof(sel));
		control_field(out, "selected", "%s", sel);
		control_field(out, "synced_to_broker", "%s", yes_no(daemon_chrony_synced_to_us(d)));
		control_field(out, "stratum", "%u", t->stratum);
		control_field(out, "leap_status", "%u", t->leap_status);
		control_field(out, "system_time_offset_ns", "%.1f", t->current_correction * 1e9);
		control_field(out, "last_offset_ns", "%.1f", t->last_offset * 1e9);
		control_field(out, "rms_offset_ns", "%.1f", t->rms_offset * 1e9);
		control_field(out, "frequency_ppm", "%.3f", t->freq_ppm);
		control_field(out, "skew_ppm", "%.3f", t->skew_ppm);
		control_field(out, "root_dispersion_ns", "%.1f", t->root_dispersion * 1e9);
	}
	control_field(out, "sources", "%d", v->n_sources);
	for (int i = 0; i < v->n_sources; i++) {
		const struct candm_source_data *s = &v->sources[i];
		char name[5];
		if (s->mode != CANDM_MODE_REFCLOCK)
			continue;
		char key[32];
		candm_refid_str(s->ref_id, name);
		snprintf(key, sizeof(key), "refclock_%s", name);
		control_field(out, key, "%s reach=%03o offset_ns=%.1f",
			      candm_src_state_name(s->state),
			      s->reachability, s->orig_latest_meas * -1e9);
	}
}

static const char *or_dash(const char *s)
{
	return s && s[0] ? s : "-";
}

/* The sources reading PHC @index, comma-separated, "-" for none. */
static void users_of_phc(struct daemon *d, int index, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < daemon_n_sources(d); i++) {
		struct source *s = daemon_source(d, i);
		if (!s || !s->path[0] || discover_index(s->path) != index)
			continue;
		int n = snprintf(buf + used, len - used, "%s%s",
				 used ? "," : "", s->cfg.name);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	if (!used)
		snprintf(buf, len, "-");
}

/* GET ENVIRONMENT: the host, then one record per PHC. */
static void get_environment(struct daemon *d, struct evbuffer *out)
{
	const struct hostenv *e = daemon_hostenv(d);
	char name[16], users[128];

	control_begin(out, "ENVIRONMENT", NULL);
	control_field(out, "hypervisor", "%s", e->hypervisor);
	control_field(out, "detected_by", "%s", e->detected_by);
	control_field(out, "cloud", "%s", or_dash(e->cloud));
	control_field(out, "sys_vendor", "%s", or_dash(e->sys_vendor));
	control_field(out, "product_name", "%s", or_dash(e->product_name));
	control_field(out, "phcs", "%d", e->n_phcs);
	control_field(out, "hypervisor_phc", "%s", or_dash(e->expected_clock));
	if (e->expected_clock[0]) {
		control_field(out, "hypervisor_phc_present", "%s",
			      yes_no(e->expected_present));
		control_field(out, "hypervisor_phc_module", "%s",
			      e->expected_module);
		control_field(out, "hypervisor_phc_module_loaded", "%s",
			      yes_no(e->module_loaded));
		if (!e->expected_present)
			control_field(out, "hint", "%s", e->hint);
	}
	for (int i = 0; i < e->n_phcs; i++) {
		const struct hostenv_phc *p = &e->phcs[i];
		snprintf(name, sizeof(name), "ptp%d", p->index);
		users_of_phc(d, p->index, users, sizeof(users));
		control_begin(out, "ENVIRONMENT", name);
		control_field(out, "clock_name", "%s", or_dash(p->clock_name));
		control_field(out, "kind", "%s", hostenv_phc_kind_name(p->kind));
		control_field(out, "of_hypervisor", "%s",
			      p->kind == HOSTENV_PHC_HYPERVISOR
				      ? or_dash(p->of_hypervisor[0] ? p->of_hypervisor : "any")
				      : "-");
		control_field(out, "driver", "%s", or_dash(p->driver));
		control_field(out, "interfaces", "%s", or_dash(p->interfaces));
		control_field(out, "method", "%s", or_dash(p->method));
		control_field(out, "cross_timestamping", "%s",
			      p->method[0] ? yes_no(p->cross_timestamping) : "-");
		control_field(out, "open_error", "%s",
			      p->open_error ? strerror(p->open_error) : "-");
		control_field(out, "used_by", "%s", users);
	}
}

/* GET AUDIT: audit now; a summary, then one record per finding. */
static void get_audit(struct daemon *d, struct evbuffer *out)
{
	const struct audit_report *r = daemon_audit(d);
	char name[16];

	if (!r) {
		control_error(out, "AUDIT", "out of memory");
		return;
	}
	control_begin(out, "AUDIT", NULL);
	control_field(out, "findings", "%d", r->n);
	control_field(out, "warnings", "%d", audit_warnings(r));
	if (r->dropped)
		control_field(out, "dropped", "%d", r->dropped);
	for (int i = 0; i < r->n; i++) {
		const struct audit_finding *f = &r->f[i];
		snprintf(name, sizeof(name), "finding%d", (i + 1) % 100);
		control_begin(out, "AUDIT", name);
		control_field(out, "kind", "%s", f->kind);
		control_field(out, "subject", "%s", f->subject);
		control_field(out, "severity", "%s",
			      audit_severity_name(f->severity));
		control_field(out, "detail", "%s", f->detail);
	}
}

/* SET GATE AUTO|PTP|NTP [SOURCE]: an audited maintenance override. */
static void set_gate(struct daemon *d, const struct control_peer *peer,
		     const char *arg, struct evbuffer *out)
{
	char mode[16] = "", name[16] = "";
	enum gate_override ov;
	int n = 0;

	if (sscanf(arg, "%15s %15s", mode, name) < 1 ||
	    gate_override_parse(mode, &ov) < 0) {
		control_error(out, "GATE", "expected SET GATE AUTO|PTP|NTP [SOURCE]");
		return;
	}
	for (int i = 0; i < daemon_n_sources(d); i++) {
		struct source *s = daemon_source(d, i);
		if (!s || (name[0] && strcmp(name, s->cfg.name) != 0))
			continue;
		gate_set_override(&s->gate, ov);
		log_notice(s->cfg.name, "gate override %s set by uid %u (pid %d)",
			   gate_override_name(ov), (unsigned)peer->uid,
			   (int)peer->pid);
		control_begin(out, "GATE", s->cfg.name);
		control_field(out, "override", "%s", gate_override_name(ov));
		control_field(out, "applied", "at the next poll");
		n++;
	}
	if (!n)
		control_error(out, "GATE", "no source named '%s'", name);
}

static void set_log_level(struct daemon *d, const struct control_peer *peer,
			  const char *arg, struct evbuffer *out)
{
	int lvl = log_level_from_name(arg);
	if (lvl < 0) {
		control_error(out, "LOG_LEVEL", "'%s' is not one of err, warning, "
			      "notice, info, debug", arg);
		return;
	}
	log_set_level(lvl);
	log_notice(NULL, "log level set to %s by uid %u (pid %d)", arg,
		   (unsigned)peer->uid, (int)peer->pid);
	control_begin(out, "LOG_LEVEL", NULL);
	control_field(out, "log_level", "%s", log_level_name(lvl));
}

#ifdef PHCB_TEST_HOOKS
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>

#include "worker_filter.h" /* WORKER_FILTER_SANITIZER_BUILD */

/*
 * SET CRASH, in the test build only (tests/phcbrokerd-hooks, never
 * installed): a fault in the process that serves the control socket (the
 * worker under privilege separation), as a bug in a parser would cause
 * one: a write through a null pointer (SIGSEGV). A sanitizer build would
 * turn that into a report, so there it aborts (SIGABRT) as an assertion
 * would.
 */
#ifndef WORKER_FILTER_SANITIZER_BUILD
static int *volatile nowhere;
#endif

static void set_crash(const struct control_peer *peer)
{
#ifdef WORKER_FILTER_SANITIZER_BUILD
	log_warn(NULL, "SET CRASH by uid %u: crashing on purpose (SIGABRT, "
		 "an abort)", (unsigned)peer->uid);
	abort();
#else
	log_warn(NULL, "SET CRASH by uid %u: crashing on purpose (SIGSEGV, a "
		 "write through a null pointer)", (unsigned)peer->uid);
	*nowhere = 1;
#endif
}

/*
 * SET OPEN PATH, in the test build only: try to open PATH for reading and
 * answer with what happened ("ok", or the error): the worker's filter
 * refuses every open (EACCES), whatever the file's mode.
 */
static void set_open(const char *path, struct evbuffer *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	int err = fd < 0 ? errno : 0;

	if (fd >= 0)
		close(fd);
	control_begin(out, "OPEN", NULL);
	control_field(out, "path", "%s", path);
	control_field(out, "open", "%s", err ? strerror(err) : "ok");
#ifdef WORKER_FILTER_SANITIZER_BUILD
	control_field(out, "sanitizer_build", "yes"); /* no allow-list */
#else
	control_field(out, "sanitizer_build", "no");
#endif
}
#endif

static const struct {
	const char *name;
	item_fn fn;
} get_items[] = {
	{ "STATUS", get_status },   { "DEVICES", get_devices },
	{ "SOURCES", get_sources }, { "FILTER", get_filter },
	{ "CHRONY", get_chrony },   { "GATE", get_gate },
	{ "PTP", get_ptp },	    { "ENVIRONMENT", get_environment },
	{ "AUDIT", get_audit },
};

void ctl_items_handle(void *ctx, const struct control_peer *peer,
		   const char *action, const char *item, const char *arg,
		   struct evbuffer *out)
{
	struct daemon *d = ctx;

	if (strcmp(action, "SET") == 0) {
		if (strcmp(item, "LOG_LEVEL") == 0)
			set_log_level(d, peer, arg, out);
		else if (strcmp(item, "GATE") == 0)
			set_gate(d, peer, arg, out);
#ifdef PHCB_TEST_HOOKS
		else if (strcmp(item, "CRASH") == 0)
			set_crash(peer);
		else if (strcmp(item, "OPEN") == 0)
			set_open(arg, out);
#endif
		else
			control_error(out, item, "unknown item for SET; "
				      "expected GATE or LOG_LEVEL");
		return;
	}
	if (*arg) {
		control_error(out, item, "GET takes no argument");
		return;
	}
	for (size_t i = 0; i < sizeof(get_items) / sizeof(get_items[0]); i++) {
		if (strcmp(item, get_items[i].name) == 0) {
			get_items[i].fn(d, out);
			return;
		}
	}
	control_error(out, item, "unknown item; expected STATUS, DEVICES, "
		      "SOURCES, FILTER, GATE, PTP, CHRONY, ENVIRONMENT or "
		      "AUDIT");
}
