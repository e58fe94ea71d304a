/* tracker.h: across polls: drift-aware outlier rejection, step detection. */
#ifndef PHCB_TRACKER_H
#define PHCB_TRACKER_H

#include <stdbool.h>
#include <stdint.h>

#include "estimator.h"

#define TRK_WINDOW 32	  /* recent samples: the model and its spread */
#define TRK_MIN_POINTS 4  /* points before outliers are judged */
#define TRK_STEP_CONFIRM 3 /* consistent outliers that make a step */
#define TRK_MERGE_NS 10000000 /* samples closer than this are one point */

struct trk_config {
	bool enabled;		  /* false: accept everything */
	double outlier_threshold; /* reject beyond this many sigma (sigma:
				   * the residuals' robust spread, at least
				   * the sample's err_ns) */
	double step_threshold_ns; /* a jump at least this big is a step */
};

/* What became of a sample. */
enum trk_verdict {
	TRK_ACCEPT, /* consistent with the model: feed it */
	TRK_REJECT, /* outlier: drop it */
	TRK_STEP,   /* confirmed phase step: model restarted, feed it */
	TRK_RESYNC, /* model no longer fit (frequency change): restarted */
};

struct trk_point {
	int64_t t_ns;
	double offset_ns;
	bool good; /* accepted: part of the fit (outliers only widen sigma) */
	int merged; /* samples averaged into this point (re-reads), >= 1 */
};

/* State of one source's tracker. */
struct trk_state {
	struct trk_point pts[TRK_WINDOW];
	int n, head;
	struct trk_point pending[TRK_STEP_CONFIRM];
	int n_pending;
	int consecutive_rejects;
	/* slope of the last full model, kept across a step (a step moves the
	 * phase, not the frequency) to judge samples while the model is young */
	double prior_slope;
	bool have_prior;
	/* statistics */
	unsigned long accepted, rejected, steps, resyncs;
	double last_residual_ns; /* of the newest sample against the model */
	double sigma_ns;	 /* robust spread of residuals */
	double freq_ppm;	 /* slope of the model */
	double last_step_ns;	 /* size of the last step */
};

/** trk_init - empty tracker. */
void trk_init(struct trk_state *st);

/**
 * trk_add - judge one estimate against the model of recent ones.
 * @st:  tracker state
 * @cfg: thresholds
 * @s:   the estimate
 * With TRK_MIN_POINTS accepted points or more, a sample further from the
 * least-squares line than outlier_threshold times the residuals' robust
 * spread (at least its own err_ns) is an outlier. A younger model (after a
 * start, a step or a resync) catches steps only: it extrapolates the slope
 * of the last full model, kept across a step, or a line through two
 * points. TRK_STEP_CONFIRM consistent outliers make a step (a resync when
 * the jump is below step_threshold); samples within TRK_MERGE_NS of each
 * other (re-reads) count as one point of the model.
 * Returns what became of it (enum trk_verdict).
 */
enum trk_verdict trk_add(struct trk_state *st, const struct trk_config *cfg,
			 const struct est_sample *s);

/**
 * trk_has_model - there are enough accepted points (TRK_MIN_POINTS) for a
 * model: freq_ppm and sigma_ns are current.
 */
bool trk_has_model(const struct trk_state *st);

/**
 * trk_predict - the model's offset at @t_ns.
 * Returns 0, or -EAGAIN with fewer than TRK_MIN_POINTS points.
 */
int trk_predict(const struct trk_state *st, int64_t t_ns, double *offset_ns);

/**
 * trk_confirming - whether outliers await confirmation as a step: reading
 * again now settles it sooner than waiting for the next poll.
 */
bool trk_confirming(const struct trk_state *st);

/** trk_verdict_name - "accept", "reject", "step" or "resync". */
const char *trk_verdict_name(enum trk_verdict v);

#endif
