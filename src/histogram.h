/* histogram.h: counts of values in fixed buckets, for Prometheus histograms. */
#ifndef PHCB_HISTOGRAM_H
#define PHCB_HISTOGRAM_H

#define HIST_MAX_BUCKETS 24

/* Values by bucket: bucket i counts values <= bounds[i] and > bounds[i-1];
 * one more bucket counts those above the last bound. */
struct histogram {
	const double *bounds; /* ascending upper bounds, n of them */
	int n;
	unsigned long counts[HIST_MAX_BUCKETS + 1];
	unsigned long count;
	double sum;
};

/**
 * hist_init - an empty histogram over @n ascending @bounds (kept, not
 * copied; at most HIST_MAX_BUCKETS: more are ignored).
 */
void hist_init(struct histogram *h, const double *bounds, int n);

/** hist_add - count @v (NaN is ignored). */
void hist_add(struct histogram *h, double v);

/**
 * hist_cumulative - how many values are <= bounds[@i] (@i = n: all of
 * them), as Prometheus's `le` buckets count.
 */
unsigned long hist_cumulative(const struct histogram *h, int i);

/** hist_delay_bounds - the read-delay buckets, 100 ns .. 10 ms (seconds). */
const double *hist_delay_bounds(int *n);

#endif
