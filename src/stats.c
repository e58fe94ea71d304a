/* stats.c: small statistics shared by the filters: sort, select, median,
 * quantile. */
#include <math.h>
#include <stddef.h>

#include "stats.h"

void stats_sort(double *v, int n)
{
	/* Shell sort with Ciura's gaps: no comparison callback, and fast for
	 * the few hundred values a poll has */
	static const int gaps[] = { 132, 57, 23, 10, 4, 1 };

	for (size_t g = 0; g < sizeof(gaps) / sizeof(gaps[0]); g++) {
		int gap = gaps[g];
		for (int i = gap; i < n; i++) {
			double x = v[i];
			int j = i;
			for (; j >= gap && v[j - gap] > x; j -= gap)
				v[j] = v[j - gap];
			v[j] = x;
		}
	}
}

static void swap(double *v, int i, int j)
{
	double t = v[i];

	v[i] = v[j];
	v[j] = t;
}

/* Order v[lo], v[mid], v[hi] ascending; v[mid] is then a fair pivot. */
static void order3(double *v, int lo, int mid, int hi)
{
	if (v[mid] < v[lo])
		swap(v, lo, mid);
	if (v[hi] < v[lo])
		swap(v, lo, hi);
	if (v[hi] < v[mid])
		swap(v, mid, hi);
}

double stats_select(double *v, int n, int k)
{
	int lo = 0, hi = n - 1;

	while (lo < hi) {
		int i = lo, j = hi;
		order3(v, lo, lo + (hi - lo) / 2, hi);
		double pivot = v[lo + (hi - lo) / 2];
		/* split: v[lo..j] <= pivot <= v[i..hi] */
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j)
				swap(v, i++, j--);
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break; /* between the two parts: equal to the pivot */
	}
	return v[k];
}

double stats_median(double *v, int n)
{
	double upper = stats_select(v, n, n / 2), lower;

	if (n % 2)
		return upper;
	/* the lower middle is the largest of the half below */
	lower = v[0];
	for (int i = 1; i < n / 2; i++)
		lower = fmax(lower, v[i]);
	return (lower + upper) / 2.0;
}

/* Index of the @q quantile of @n sorted values (see stats.h). */
static int quantile_index(int n, double q)
{
	int idx = (int)ceil(q * n) - 1;

	if (idx < 0)
		idx = 0;
	if (idx >= n)
		idx = n - 1;
	return idx;
}

double stats_quantile_sorted(const double *v, int n, double q)
{
	return n <= 0 ? 0.0 : v[quantile_index(n, q)];
}

double stats_quantile(double *v, int n, double q)
{
	double max;
	int k;

	if (n <= 0)
		return 0.0;
	k = quantile_index(n, q);
	if (k < n - 1)
		return stats_select(v, n, k);
	max = v[0]; /* the default quantile 1: no need to partition */
	for (int i = 1; i < n; i++)
		max = fmax(max, v[i]);
	return max;
}
