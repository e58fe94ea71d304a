/* stats.h: small statistics shared by the filters: sort, median, quantile. */
#ifndef PHCB_STATS_H
#define PHCB_STATS_H

/** stats_sort - sort @v[0..n-1] ascending, in place. */
void stats_sort(double *v, int n);

/**
 * stats_median - the median of @v[0..n-1] (sorted in place; the mean of
 * the middle two for even @n). @n must be at least 1.
 */
double stats_median(double *v, int n);

/**
 * stats_quantile_sorted - the @q quantile of sorted @v[0..n-1]: the
 * smallest value with at least a fraction @q of the values at or below it
 * (0 for an empty set).
 */
double stats_quantile_sorted(const double *v, int n, double q);

#endif
