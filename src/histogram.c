/* histogram.c: counts of values in fixed buckets, for Prometheus histograms. */
#include <math.h>
#include <string.h>

#include "histogram.h"

/* 1-2-5 steps from 100 ns to 10 ms: PRECISE cross-timestamps sit in the
 * first, EXTENDED reads of a NIC in the microseconds, emulated and
 * overloaded clocks above. */
static const double delay_bounds[] = {
    100e-9, 200e-9, 500e-9, 1e-6,   2e-6, 5e-6, 10e-6, 20e-6,
    50e-6,  100e-6, 200e-6, 500e-6, 1e-3, 2e-3, 5e-3,  10e-3,
};

const double *hist_delay_bounds(int *n)
{
	*n = (int)(sizeof(delay_bounds) / sizeof(delay_bounds[0]));
	return delay_bounds;
}

void hist_init(struct histogram *h, const double *bounds, int n)
{
	memset(h, 0, sizeof(*h));
	h->bounds = bounds;
	h->n = n < HIST_MAX_BUCKETS ? n : HIST_MAX_BUCKETS;
}

void hist_add(struct histogram *h, double v)
{
	int lo = 0, hi = h->n;

	if (isnan(v))
		return;
	/* the first bound >= v, by bisection; n if none */
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (h->bounds[mid] >= v)
			hi = mid;
		else
			lo = mid + 1;
	}
	h->counts[lo]++;
	h->count++;
	h->sum += v;
}

unsigned long hist_cumulative(const struct histogram *h, int i)
{
	unsigned long c = 0;

	if (i > h->n)
		i = h->n;
	for (int k = 0; k <= i; k++)
		c += h->counts[k];
	return c;
}
