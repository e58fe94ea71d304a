/* estimator.c: one poll's PHC readings -> one offset estimate (pure). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "estimator.h"
#include "stats.h"

/* Timestamps are whole ns: widen each read window by this on each side. */
#define EST_WINDOW_SLACK_NS 0.5
/* Cross-timestamps further than this many sigma from the median are dropped */
#define EST_CROSS_REJECT 5.0
#define EST_CROSS_FLOOR_NS 10.0

void est_init(struct est_state *st)
{
	memset(st, 0, sizeof(*st));
}

static void remember_delay(struct est_state *st, double d)
{
	st->delays[st->head] = d;
	st->head = (st->head + 1) % EST_HISTORY;
	if (st->count < EST_HISTORY)
		st->count++;
}

double est_delay_quantile(const struct est_state *st, double q)
{
	double copy[EST_HISTORY];

	memcpy(copy, st->delays, sizeof(double) * (size_t)st->count);
	return stats_quantile(copy, st->count, q);
}

static double reading_delay(const struct phc_reading *r)
{
	return (double)(r->sys_after - r->sys_before);
}

/* Whether every chosen reading is a hardware cross-timestamp. */
static bool all_cross_timestamps(const struct phc_reading *r, const bool *use,
				 int n)
{
	for (int i = 0; i < n; i++)
		if (use[i] && r[i].sys_after != r[i].sys_before)
			return false;
	return true;
}

/* PHC - midpoint of the read window, exact in integers before halving. */
static double reading_offset(const struct phc_reading *r)
{
	int64_t twice = 2 * (r->phc - r->sys_before) -
			(r->sys_after - r->sys_before);
	return (double)twice / 2.0;
}

/* Average the chosen readings into @out (times relative to the first). */
static void average(const struct phc_reading *r, const bool *use, int n,
		    struct est_sample *out)
{
	int64_t base = 0;
	double sum_off = 0.0, sum_mid = 0.0, sum_delay = 0.0;
	int k = 0;

	for (int i = 0; i < n; i++) {
		if (!use[i])
			continue;
		if (k == 0)
			base = r[i].sys_before;
		double d = reading_delay(&r[i]);
		sum_off += reading_offset(&r[i]);
		sum_mid += (double)(r[i].sys_before - base) + d / 2.0;
		sum_delay += d;
		k++;
	}
	out->used = k;
	out->offset_ns = sum_off / k;
	out->sys_ns = base + (int64_t)llround(sum_mid / k);
	out->delay_ns = sum_delay / k;
	/* each offset lies within +-delay/2 of the truth; 1 ns resolution */
	out->err_ns = out->delay_ns / 2.0 + 1.0;
}

/*
 * The PHC was latched inside each read window, so the true offset lies in
 * [phc - sys_after, phc - sys_before] for every reading. Find the offsets
 * covered by the most windows (Marzullo's sweep over the window ends,
 * opening ends sorted apart from closing ones; at equal offsets a window
 * opens before another closes, the windows being closed) and narrow @use
 * to the readings whose windows cover them. Returns that count; *@lo,
 * *@hi bound the region.
 */
static int agreeing_windows(const struct phc_reading *r, bool *use, int n,
			    double *lo, double *hi)
{
	double opens[EST_MAX_READINGS], closes[EST_MAX_READINGS];
	int m = 0, o = 0, c = 0, best = 0;

	for (int i = 0; i < n; i++) {
		if (!use[i])
			continue;
		double off = reading_offset(&r[i]), half = reading_delay(&r[i]) / 2.0;
		opens[m] = off - half - EST_WINDOW_SLACK_NS;
		closes[m++] = off + half + EST_WINDOW_SLACK_NS;
	}
	stats_sort(opens, m);
	stats_sort(closes, m);
	/* every window closes at or after it opens: closes outlast opens */
	while (o < m) {
		if (opens[o] > closes[c]) {
			c++;
			continue;
		}
		if (++o - c > best) {
			best = o - c;
			*lo = opens[o - 1];
			/* the next end, opening or closing, ends the region */
			*hi = o < m && opens[o] <= closes[c] ? opens[o] : closes[c];
		}
	}
	for (int i = 0; i < n; i++) {
		if (!use[i])
			continue;
		double off = reading_offset(&r[i]), half = reading_delay(&r[i]) / 2.0;
		use[i] = off - half - EST_WINDOW_SLACK_NS <= *lo &&
			 off + half + EST_WINDOW_SLACK_NS >= *hi;
	}
	return best;
}

/*
 * Estimate from read windows: the middle of the offsets every agreeing
 * window allows. Its error shrinks like 1/n with n readings (an average's
 * like 1/sqrt(n)), and slow readings cost nothing: a wide window rarely
 * narrows the region. Falls back to the fastest reading when fewer than
 * half of the windows agree (a reading is broken, or the clock moved).
 */
static void intersect(const struct phc_reading *r, bool *use, int n,
		      int min_i, struct est_sample *out)
{
	double lo = 0.0, hi = 0.0;
	int offered = 0;

	for (int i = 0; i < n; i++)
		offered += use[i];
	int agree = agreeing_windows(r, use, n, &lo, &hi);
	if (2 * agree < offered + 1) {
		memset(use, 0, sizeof(bool) * (size_t)n);
		use[min_i] = true;
		out->degraded = true;
		average(r, use, n, out);
		return;
	}
	average(r, use, n, out); /* time, delay and count of the agreeing */
	out->offset_ns = (lo + hi) / 2.0;
	/* half the region the unwidened windows allow, 1 ns resolution */
	out->err_ns = fmax((hi - lo) / 2.0 - EST_WINDOW_SLACK_NS, 0.0) + 1.0;
}

/* Zero-width windows (hardware cross-timestamps): mean without far ones. */
static void cross_timestamps(const struct phc_reading *r, bool *use, int n,
			     struct est_sample *out)
{
	double off[EST_MAX_READINGS], dev[EST_MAX_READINGS];
	int k = 0;

	for (int i = 0; i < n; i++)
		if (use[i])
			off[k++] = reading_offset(&r[i]);
	double med = stats_median(off, k);
	for (int j = 0; j < k; j++)
		dev[j] = fabs(off[j] - med);
	double limit = EST_CROSS_REJECT * 1.4826 * stats_select(dev, k, k / 2);
	if (limit < EST_CROSS_FLOOR_NS)
		limit = EST_CROSS_FLOOR_NS;
	for (int i = 0; i < n; i++)
		if (use[i] && fabs(reading_offset(&r[i]) - med) > limit)
			use[i] = false;
	average(r, use, n, out);
	double ss = 0.0;
	for (int i = 0; i < n; i++)
		if (use[i])
			ss += pow(reading_offset(&r[i]) - out->offset_ns, 2);
	out->err_ns = sqrt(ss / out->used) / sqrt((double)out->used) + 1.0;
}

int est_from_readings(struct est_state *st, const struct est_config *cfg,
		      const struct phc_reading *r, int n,
		      struct est_sample *out)
{
	bool use[EST_MAX_READINGS] = { false };
	double min_delay = INFINITY, threshold;
	int valid = 0, min_i = -1;

	if (n > EST_MAX_READINGS)
		n = EST_MAX_READINGS;
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < n; i++) {
		double d = reading_delay(&r[i]);
		if (d < 0.0)
			continue;
		use[i] = true;
		valid++;
		if (d < min_delay) {
			min_delay = d;
			min_i = i;
		}
	}
	if (valid == 0)
		return -EINVAL;
	out->total = valid;
	if (!cfg->filter) {
		average(r, use, n, out);
		out->threshold_ns = INFINITY;
		return 0;
	}
	for (int i = 0; i < n; i++)
		if (use[i])
			remember_delay(st, reading_delay(&r[i]));
	threshold = est_delay_quantile(st, cfg->delay_quantile);
	int kept = 0;
	for (int i = 0; i < n; i++) {
		if (use[i] && reading_delay(&r[i]) > threshold)
			use[i] = false;
		kept += use[i];
	}
	if (kept == 0) {
		use[min_i] = true;
		out->degraded = true;
	}
	out->threshold_ns = threshold;
	if (out->degraded)
		average(r, use, n, out);
	else if (all_cross_timestamps(r, use, n))
		cross_timestamps(r, use, n, out);
	else
		intersect(r, use, n, min_i, out);
	return 0;
}
