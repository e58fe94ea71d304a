/* metrics_peers.c: ptp4l and chronyd as the daemon sees them, as
 * Prometheus metrics. */
#include <math.h>
#include <stdio.h>

#include "chrony_watch.h"
#include "daemon.h"
#include "metrics.h"
#include "metrics_text.h"
#include "ptp4l_watch.h"
#include "source.h"
#include "timeutil.h"

#define LABELS(...) ((const char *[]){__VA_ARGS__, NULL})
#define PTP4L_REACHABLE_NS (3 * NS_PER_SEC) /* as GET PTP says */

/* A per-ptp4l value; NaN: not known (left out). */
typedef double (*ptp_value_fn)(const struct ptpwatch_view *v, int64_t now);

struct ptp_family {
	const char *name, *type, *help;
	ptp_value_fn value;
};

static double ptp_reachable(const struct ptpwatch_view *v, int64_t now)
{
	return v->last_response_ns &&
	       now - v->last_response_ns < PTP4L_REACHABLE_NS;
}

static double ptp_response_age(const struct ptpwatch_view *v, int64_t now)
{
	return v->last_response_ns ? (double)(now - v->last_response_ns) / 1e9
				   : NAN;
}

static double ptp_master_offset(const struct ptpwatch_view *v, int64_t now)
{
	return v->have_time_status
		   ? (double)v->time_status.master_offset_ns / 1e9
		   : NAN;
}

static double ptp_sync_age(const struct ptpwatch_view *v, int64_t now)
{
	return v->have_time_status && v->ingress_changed_ns
		   ? (double)(now - v->ingress_changed_ns) / 1e9
		   : NAN;
}

static double ptp_gm_present(const struct ptpwatch_view *v, int64_t now)
{
	return v->have_time_status ? v->time_status.gm_present : NAN;
}

static double ptp_clock_class(const struct ptpwatch_view *v, int64_t now)
{
	return v->have_parent ? v->parent.grandmaster_clock_quality.clock_class
			      : NAN;
}

static double ptp_steps_removed(const struct ptpwatch_view *v, int64_t now)
{
	return v->have_current ? v->current.steps_removed : NAN;
}

static double ptp_path_delay(const struct ptpwatch_view *v, int64_t now)
{
	return v->have_current ? v->current.mean_path_delay_ns / 1e9 : NAN;
}

static double ptp_utc_offset(const struct ptpwatch_view *v, int64_t now)
{
	return v->have_time_properties ? v->time_properties.current_utc_offset
				       : NAN;
}

static double ptp_timeouts(const struct ptpwatch_view *v, int64_t now)
{
	return (double)v->timeouts;
}

/* clang-format off */
static const struct ptp_family ptp_families[] = {
	{ "phcbroker_ptp4l_reachable", "gauge",
	  "1 when ptp4l answered in the last 3 s", ptp_reachable },
	{ "phcbroker_ptp4l_response_age_seconds", "gauge",
	  "Time since ptp4l's last answer", ptp_response_age },
	{ "phcbroker_ptp4l_master_offset_seconds", "gauge",
	  "ptp4l's offset from its master", ptp_master_offset },
	{ "phcbroker_ptp4l_sync_age_seconds", "gauge",
	  "Time since ptp4l's ingress time last changed", ptp_sync_age },
	{ "phcbroker_ptp4l_gm_present", "gauge",
	  "1 when ptp4l sees a grandmaster", ptp_gm_present },
	{ "phcbroker_ptp4l_clock_class", "gauge",
	  "The grandmaster's clockClass", ptp_clock_class },
	{ "phcbroker_ptp4l_steps_removed", "gauge",
	  "Hops to the grandmaster", ptp_steps_removed },
	{ "phcbroker_ptp4l_mean_path_delay_seconds", "gauge",
	  "ptp4l's mean path delay", ptp_path_delay },
	{ "phcbroker_ptp4l_utc_offset_seconds", "gauge",
	  "currentUtcOffset (TAI - UTC) of the time properties",
	  ptp_utc_offset },
	{ "phcbroker_ptp4l_timeouts_total", "counter",
	  "Management requests ptp4l did not answer", ptp_timeouts },
};
/* clang-format on */

static void render_ptp_family(struct daemon *d, const struct ptp_family *f,
			      int64_t now, struct evbuffer *out)
{
	mtx_family(out, f->name, f->type, f->help);
	for (int i = 0; i < daemon_n_sources(d); i++) {
		const struct ptpwatch *w = daemon_source_ptp(d, i);
		double v;
		if (!w || isnan(v = f->value(ptpwatch_view(w), now)))
			continue;
		mtx_gauge(out, f->name,
			  LABELS("source", daemon_source(d, i)->cfg.name), v);
	}
}

static void render_port_state(struct daemon *d, struct evbuffer *out)
{
	mtx_family(out, "phcbroker_ptp4l_port_state", "gauge",
		   "1 for the state of ptp4l's port (the best of its ports), "
		   "0 for the others");
	for (int i = 0; i < daemon_n_sources(d); i++) {
		const struct ptpwatch *w = daemon_source_ptp(d, i);
		if (!w)
			continue;
		for (int st = PTPMGMT_PS_INITIALIZING; st <= PTPMGMT_PS_SLAVE;
		     st++)
			mtx_gauge(out, "phcbroker_ptp4l_port_state",
				  LABELS("source",
					 daemon_source(d, i)->cfg.name, "state",
					 ptpmgmt_port_state_name(st)),
				  ptpwatch_view(w)->port_state == st);
	}
}

void metrics_render_ptp4l(struct daemon *d, struct evbuffer *out)
{
	int64_t now = clock_now_ns(CLOCK_MONOTONIC);

	for (size_t i = 0; i < sizeof(ptp_families) / sizeof(ptp_families[0]);
	     i++)
		render_ptp_family(d, &ptp_families[i], now, out);
	render_port_state(d, out);
}

static void render_tracking(const struct chronywatch_view *v,
			    struct evbuffer *out)
{
	const struct candm_tracking *t = &v->tracking;
	bool h = v->have_tracking;
	char ref[32];

	chronyview_reference_name(v, ref, sizeof(ref));
	mtx_family(out, "phcbroker_chronyd_selected_info", "gauge",
		   "1; the refid or address chronyd follows");
	if (h)
		mtx_gauge(out, "phcbroker_chronyd_selected_info",
			  LABELS("reference", ref), 1);
	mtx_single(out, "phcbroker_chronyd_stratum", "chronyd's stratum",
		   h ? t->stratum : NAN);
	mtx_single(out, "phcbroker_chronyd_leap_status",
		   "chronyd's leap status: 0 normal, 1 insert, 2 delete, "
		   "3 unsynchronised",
		   h ? t->leap_status : NAN);
	mtx_single(out, "phcbroker_chronyd_tracking_offset_seconds",
		   "System time - true time, chronyd's estimate now",
		   h ? t->current_correction : NAN);
	mtx_single(out, "phcbroker_chronyd_last_offset_seconds",
		   "chronyd's offset at its last clock update",
		   h ? t->last_offset : NAN);
	mtx_single(out, "phcbroker_chronyd_rms_offset_seconds",
		   "chronyd's long-term average offset",
		   h ? t->rms_offset : NAN);
	mtx_single(out, "phcbroker_chronyd_frequency_ppm",
		   "chronyd's frequency correction", h ? t->freq_ppm : NAN);
	mtx_single(out, "phcbroker_chronyd_skew_ppm",
		   "chronyd's estimated frequency error bound",
		   h ? t->skew_ppm : NAN);
	mtx_single(out, "phcbroker_chronyd_root_delay_seconds",
		   "chronyd's root delay", h ? t->root_delay : NAN);
	mtx_single(out, "phcbroker_chronyd_root_dispersion_seconds",
		   "chronyd's root dispersion", h ? t->root_dispersion : NAN);
}

static void render_refclocks(const struct chronywatch_view *v,
			     struct evbuffer *out)
{
	char name[5];

	mtx_family(out, "phcbroker_chronyd_refclock_reach", "gauge",
		   "Reachability register (0..255) of each chronyd refclock");
	for (int i = 0; i < v->n_sources; i++)
		if (v->sources[i].mode == CANDM_MODE_REFCLOCK)
			mtx_gauge(
			    out, "phcbroker_chronyd_refclock_reach",
			    LABELS("refid",
				   candm_refid_str(v->sources[i].ref_id, name)),
			    v->sources[i].reachability);
	mtx_family(out, "phcbroker_chronyd_refclock_selected", "gauge",
		   "1 for the refclock chronyd selected");
	for (int i = 0; i < v->n_sources; i++)
		if (v->sources[i].mode == CANDM_MODE_REFCLOCK)
			mtx_gauge(
			    out, "phcbroker_chronyd_refclock_selected",
			    LABELS("refid",
				   candm_refid_str(v->sources[i].ref_id, name)),
			    v->sources[i].state == CANDM_SRC_SELECTED);
}

void metrics_render_chronyd(struct daemon *d, struct evbuffer *out)
{
	struct chronywatch *w = daemon_chrony(d);
	const struct chronywatch_view *v = w ? chronywatch_view(w) : NULL;

	mtx_single(out, "phcbroker_chronyd_reachable",
		   "1 when chronyd answers on its command socket",
		   v ? v->last_error == 0 && v->have_tracking : 0);
	mtx_single(out, "phcbroker_chronyd_synced_to_broker",
		   "1 when chronyd's reference is one of the broker's sources",
		   daemon_chrony_synced_to_us(d));
	if (!v)
		return;
	render_tracking(v, out);
	render_refclocks(v, out);
	mtx_family(out, "phcbroker_chronyd_actions_total", "counter",
		   "Source switches the gate made in chronyd");
	mtx_counter(out, "phcbroker_chronyd_actions_total",
		    LABELS("action", "select"), v->selects_done);
	mtx_counter(out, "phcbroker_chronyd_actions_total",
		    LABELS("action", "reset"), v->resets_done);
}
