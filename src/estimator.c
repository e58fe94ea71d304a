/* estimator.c: one poll's PHC readings -> one offset estimate (pure). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "estimator.h"

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

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double est_delay_quantile(const struct est_state *st, double q)
{
	double sorted[EST_HISTORY];
	int idx;

	if (st->count == 0)
		return 0.0;
	memcpy(sorted, st->delays, sizeof(double) * (size_t)st->count);
	qsort(sorted, (size_t)st->count, sizeof(double), cmp_double);
	idx = (int)ceil(q * st->count) - 1;
	if (idx < 0)
		idx = 0;
	if (idx >= st->count)
		idx = st->count - 1;
	return sorted[idx];
}

static double reading_delay(const struct phc_reading *r)
{
	return (double)(r->sys_after - r->sys_before);
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

int est_from_readings(struct est_state *st, const struct est_config *cfg,
		      const struct phc_reading *r, int n,
		      struct est_sample *out)
{
	bool use[PHC_MAX_READINGS] = { false };
	double min_delay = INFINITY, threshold;
	int valid = 0, min_i = -1;

	if (n > PHC_MAX_READINGS)
		n = PHC_MAX_READINGS;
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
	average(r, use, n, out);
	return 0;
}
