/* stats.h: small statistics shared by the filters: sort, select, median,
 * quantile. */
#ifndef PHCB_STATS_H
#define PHCB_STATS_H

/** stats_sort - sort @v[0..n-1] ascending, in place. */
void stats_sort(double *v, int n);

/**
 * stats_select - the @k-th smallest of @v[0..n-1] (0-based, 0 <= k < n),
 * in linear time on average: @v is reordered in place so that v[k] holds
 * it, nothing before it is larger and nothing after it smaller. Calls
 * once per poll need no full sort.
 */
double stats_select(double *v, int n, int k);

/**
 * stats_median - the median of @v[0..n-1] (reordered in place; the mean
 * of the middle two for even @n). @n must be at least 1.
 */
double stats_median(double *v, int n);

/**
 * stats_quantile_sorted - the @q quantile of sorted @v[0..n-1]: the
 * smallest value with at least a fraction @q of the values at or below it
 * (0 for an empty set).
 */
double stats_quantile_sorted(const double *v, int n, double q);

/**
 * stats_quantile - as stats_quantile_sorted, of unsorted @v[0..n-1]
 * (reordered in place).
 */
double stats_quantile(double *v, int n, double q);

#endif
