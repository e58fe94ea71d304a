/* pipeline.c: one poll's readings through estimator, tracker and smoother. */
#include "pipeline.h"

void pipeline_init(struct pipeline *p)
{
	est_init(&p->est);
	trk_init(&p->trk);
	smo_init(&p->smo);
}

void pipeline_config_from(const struct filter_config *f,
			  struct pipeline_config *out)
{
	out->est.filter = f->enabled;
	out->est.delay_quantile = f->delay_quantile;
	out->trk.enabled = f->enabled;
	out->trk.outlier_threshold = f->outlier_threshold;
	out->trk.step_threshold_ns = f->step_threshold_ns;
	out->smoothing = f->enabled && f->smoothing;
}

/*
 * The offset to feed: smoothed across polls once the tracker has a model
 * (its frequency carries the estimate forward), restarted at a step or a
 * resync; the estimate itself with smoothing off.
 */
static double smooth(struct pipeline *p, const struct pipeline_config *cfg,
		     const struct est_sample *e, enum trk_verdict v)
{
	if (!cfg->smoothing)
		return e->offset_ns;
	if (v != TRK_ACCEPT || !trk_has_model(&p->trk))
		return smo_rebase(&p->smo, e->sys_ns, e->offset_ns, e->err_ns);
	return smo_add(&p->smo, e->sys_ns, e->offset_ns, e->err_ns,
		       p->trk.freq_ppm);
}

int pipeline_poll(struct pipeline *p, const struct pipeline_config *cfg,
		  const struct taiutc *tai, const struct phc_reading *r, int n,
		  struct pipeline_result *out)
{
	struct est_sample *e = &out->estimate;
	int ret = est_from_readings(&p->est, &cfg->est, r, n, e);

	if (ret < 0)
		return ret;
	out->tai_utc_s = tai ? taiutc_offset_at(tai, e->sys_ns +
							 (int64_t)e->offset_ns)
			     : 0;
	e->offset_ns -= (double)out->tai_utc_s * 1e9;
	out->verdict = trk_add(&p->trk, &cfg->trk, &out->estimate);
	out->offset_ns = out->verdict == TRK_REJECT
				 ? out->estimate.offset_ns
				 : smooth(p, cfg, &out->estimate, out->verdict);
	return 0;
}
