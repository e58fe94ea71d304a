/* tracker.c: across polls: drift-aware outlier rejection, step detection. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "tracker.h"

#define SIGMA_FLOOR_NS 1.0 /* timestamps are whole nanoseconds */

/* A least-squares line offset = a + b * (t - t_ref) over the window. */
struct line {
	double a, b; /* ns at t_ref, ns per ns */
	int64_t t_ref;
};

void trk_init(struct trk_state *st)
{
	memset(st, 0, sizeof(*st));
}

const char *trk_verdict_name(enum trk_verdict v)
{
	switch (v) {
	case TRK_ACCEPT:
		return "accept";
	case TRK_REJECT:
		return "reject";
	case TRK_STEP:
		return "step";
	case TRK_RESYNC:
		return "resync";
	}
	return "?";
}

static const struct trk_point *point(const struct trk_state *st, int i)
{
	return &st->pts[(st->head - st->n + i + TRK_WINDOW) % TRK_WINDOW];
}

/*
 * Add a point to the window. Samples taken within TRK_MERGE_NS of the
 * newest point with the same verdict (re-reads of one poll) are averaged
 * into it: a cluster of points would fix the slope by noise alone.
 */
static void push_point(struct trk_state *st, int64_t t, double off, bool good)
{
	if (st->n > 0) {
		struct trk_point *p =
			&st->pts[(st->head - 1 + TRK_WINDOW) % TRK_WINDOW];
		if (p->good == good && t >= p->t_ns &&
		    t - p->t_ns < TRK_MERGE_NS) {
			double w = p->merged;
			p->t_ns += (int64_t)llround((double)(t - p->t_ns) /
						    (w + 1.0));
			p->offset_ns = (p->offset_ns * w + off) / (w + 1.0);
			p->merged++;
			return;
		}
	}
	st->pts[st->head] = (struct trk_point){ t, off, good, 1 };
	st->head = (st->head + 1) % TRK_WINDOW;
	if (st->n < TRK_WINDOW)
		st->n++;
}

static void fit_line(const struct trk_state *st, int64_t t_ref,
		     struct line *l)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0;
	int n = 0;

	for (int i = 0; i < st->n; i++) {
		const struct trk_point *p = point(st, i);
		if (!p->good)
			continue;
		n++;
		double x = (double)(p->t_ns - t_ref);
		sx += x;
		sy += p->offset_ns;
		sxx += x * x;
		sxy += x * p->offset_ns;
	}
	double den = n * sxx - sx * sx;
	l->t_ref = t_ref;
	l->b = n > 1 && den != 0.0 ? (n * sxy - sx * sy) / den : 0.0;
	l->a = n > 0 ? (sy - l->b * sx) / n : 0.0;
}

static double line_at(const struct line *l, int64_t t)
{
	return l->a + l->b * (double)(t - l->t_ref);
}

/* 1.4826 * median of @r[0..n-1] (reordered in place), widened for the two
 * fitted parameters; at least SIGMA_FLOOR_NS. */
static double spread_of(double *r, int n)
{
	if (n < 3)
		return SIGMA_FLOOR_NS;
	double s = 1.4826 * stats_median(r, n) * sqrt((double)n / (n - 2));
	return s > SIGMA_FLOOR_NS ? s : SIGMA_FLOOR_NS;
}

/*
 * Robust spread of the residuals over every recent sample, rejected ones
 * included so that rejecting cannot shrink it; a rejected sample counts
 * at most @clip_k times the accepted samples' own spread, so that a run
 * of outliers (steps in a cluster) cannot widen it until anything passes.
 */
static double robust_sigma(const struct trk_state *st, const struct line *l,
			   double clip_k)
{
	double r[TRK_WINDOW];
	int n = 0;

	for (int i = 0; i < st->n; i++) {
		const struct trk_point *p = point(st, i);
		if (p->good)
			r[n++] = fabs(p->offset_ns - line_at(l, p->t_ns));
	}
	double cap = clip_k * spread_of(r, n);
	n = 0;
	for (int i = 0; i < st->n; i++) {
		const struct trk_point *p = point(st, i);
		r[n++] = fmin(fabs(p->offset_ns - line_at(l, p->t_ns)),
			      p->good ? INFINITY : cap);
	}
	return spread_of(r, n);
}

static int good_points(const struct trk_state *st)
{
	int n = 0;
	for (int i = 0; i < st->n; i++)
		n += point(st, i)->good;
	return n;
}

int trk_predict(const struct trk_state *st, int64_t t_ns, double *offset_ns)
{
	struct line l;
	if (good_points(st) < TRK_MIN_POINTS)
		return -EAGAIN;
	fit_line(st, t_ns, &l);
	*offset_ns = l.a;
	return 0;
}

bool trk_has_model(const struct trk_state *st)
{
	return good_points(st) >= TRK_MIN_POINTS;
}

bool trk_confirming(const struct trk_state *st)
{
	return st->n_pending > 0;
}

/* Restart the model from the pending points (and the newest sample). */
static void restart_from_pending(struct trk_state *st)
{
	st->n = 0;
	st->head = 0;
	for (int i = 0; i < st->n_pending; i++)
		push_point(st, st->pending[i].t_ns, st->pending[i].offset_ns,
			   true);
	st->n_pending = 0;
	st->consecutive_rejects = 0;
}

/*
 * The pending outliers agree with each other: a line through them (they may
 * follow a new frequency) leaves residuals within the outlier limit.
 */
static bool pending_consistent(const struct trk_state *st, double limit)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0;
	int n = st->n_pending;
	int64_t t0 = st->pending[0].t_ns;

	for (int i = 0; i < n; i++) {
		double x = (double)(st->pending[i].t_ns - t0);
		sx += x;
		sy += st->pending[i].offset_ns;
		sxx += x * x;
		sxy += x * st->pending[i].offset_ns;
	}
	double den = n * sxx - sx * sx;
	double b = den != 0.0 ? (n * sxy - sx * sy) / den : 0.0;
	double a = (sy - b * sx) / n;
	for (int i = 0; i < n; i++) {
		double x = (double)(st->pending[i].t_ns - t0);
		if (fabs(st->pending[i].offset_ns - (a + b * x)) > limit)
			return false;
	}
	return true;
}

static double pending_mean_residual(const struct trk_state *st,
				    const struct line *l)
{
	double sum = 0.0;
	for (int i = 0; i < st->n_pending; i++)
		sum += st->pending[i].offset_ns - line_at(l, st->pending[i].t_ns);
	return sum / st->n_pending;
}

static void add_pending(struct trk_state *st, const struct est_sample *s)
{
	if (st->n_pending == TRK_STEP_CONFIRM) {
		memmove(&st->pending[0], &st->pending[1],
			sizeof(st->pending[0]) * (TRK_STEP_CONFIRM - 1));
		st->n_pending--;
	}
	st->pending[st->n_pending++] =
		(struct trk_point){ s->sys_ns, s->offset_ns, true, 1 };
}

/*
 * An outlier: maybe the start of a step, maybe the model went stale.
 * @full: @l is a full model (TRK_MIN_POINTS or more accepted points).
 */
static enum trk_verdict judge_outlier(struct trk_state *st,
				      const struct trk_config *cfg,
				      const struct line *l, double limit,
				      const struct est_sample *s, bool full)
{
	add_pending(st, s);
	st->consecutive_rejects++;
	if (st->n_pending == TRK_STEP_CONFIRM && pending_consistent(st, limit)) {
		/* a step jumps at once; a new frequency starts where we were */
		double first = st->pending[0].offset_ns -
			       line_at(l, st->pending[0].t_ns);
		double jump = pending_mean_residual(st, l);
		restart_from_pending(st);
		if (fabs(first) >= cfg->step_threshold_ns &&
		    fabs(jump) >= cfg->step_threshold_ns) {
			if (full) {
				st->prior_slope = l->b;
				st->have_prior = true;
			}
			st->steps++;
			st->last_step_ns = jump;
			return TRK_STEP;
		}
		st->have_prior = false;
		st->resyncs++;
		return TRK_RESYNC;
	}
	if (st->consecutive_rejects >= 2 * TRK_WINDOW) {
		/* nothing fits for a long time: start over */
		st->n = 0;
		st->head = 0;
		st->n_pending = 0;
		st->consecutive_rejects = 0;
		st->have_prior = false;
		push_point(st, s->sys_ns, s->offset_ns, true);
		st->resyncs++;
		return TRK_RESYNC;
	}
	push_point(st, s->sys_ns, s->offset_ns, false);
	st->rejected++;
	return TRK_REJECT;
}

/*
 * A young model (fewer than TRK_MIN_POINTS accepted points: after a start,
 * a step or a resync): the slope of the last full model through the points
 * there are, or without one a line through at least two points. Returns
 * false when nothing can be predicted yet.
 */
static bool young_line(const struct trk_state *st, int64_t t, struct line *l)
{
	double sum = 0.0;
	int n = 0;

	if (!st->have_prior) {
		if (good_points(st) < 2)
			return false;
		fit_line(st, t, l);
		return true;
	}
	for (int i = 0; i < st->n; i++) {
		const struct trk_point *p = point(st, i);
		if (!p->good)
			continue;
		sum += p->offset_ns - st->prior_slope * (double)(p->t_ns - t);
		n++;
	}
	if (n == 0)
		return false;
	*l = (struct line){ sum / n, st->prior_slope, t };
	return true;
}

static enum trk_verdict accept_unjudged(struct trk_state *st,
					const struct est_sample *s)
{
	push_point(st, s->sys_ns, s->offset_ns, true);
	st->accepted++;
	st->last_residual_ns = 0.0;
	return TRK_ACCEPT;
}

enum trk_verdict trk_add(struct trk_state *st, const struct trk_config *cfg,
			 const struct est_sample *s)
{
	struct line l;
	enum trk_verdict v;
	double limit;
	bool full = good_points(st) >= TRK_MIN_POINTS;

	if (!cfg->enabled)
		return accept_unjudged(st, s);
	if (full) {
		fit_line(st, s->sys_ns, &l);
		st->sigma_ns = robust_sigma(st, &l, cfg->outlier_threshold);
		st->freq_ppm = l.b * 1e6;
		/* the sample's own error bound is a floor: a window's spread
		 * can be far smaller than the noise */
		limit = cfg->outlier_threshold * fmax(st->sigma_ns, s->err_ns);
	} else if (young_line(st, s->sys_ns, &l)) {
		/* too few points for a spread: catch steps only */
		limit = fmax(cfg->step_threshold_ns,
			     cfg->outlier_threshold * s->err_ns);
	} else {
		return accept_unjudged(st, s);
	}
	st->last_residual_ns = s->offset_ns - l.a;
	if (fabs(st->last_residual_ns) <= limit) {
		push_point(st, s->sys_ns, s->offset_ns, true);
		st->n_pending = 0;
		st->consecutive_rejects = 0;
		st->accepted++;
		return TRK_ACCEPT;
	}
	v = judge_outlier(st, cfg, &l, limit, s, full);
	if (v != TRK_REJECT)
		st->accepted++;
	return v;
}
