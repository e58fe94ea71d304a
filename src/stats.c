/* stats.c: small statistics shared by the filters: sort, median, quantile. */
#include <math.h>
#include <stdlib.h>

#include "stats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void stats_sort(double *v, int n)
{
	if (n > 1)
		qsort(v, (size_t)n, sizeof(double), cmp_double);
}

double stats_median(double *v, int n)
{
	stats_sort(v, n);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

double stats_quantile_sorted(const double *v, int n, double q)
{
	int idx;

	if (n <= 0)
		return 0.0;
	idx = (int)ceil(q * n) - 1;
	if (idx < 0)
		idx = 0;
	if (idx >= n)
		idx = n - 1;
	return v[idx];
}
