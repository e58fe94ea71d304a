/* cpu_plan.c: the benchmark's CPU windows (pure: times and flags only). */
#include "cpu_plan.h"

static int add_window(struct cpu_plan *p, int64_t *t, double len_s, int runs,
		      bool counts)
{
	if (p->n == CPU_PLAN_MAX_WINDOWS)
		return -1;
	*t += (int64_t)(len_s * 1e9);
	p->end_ns[p->n] = *t;
	p->runs[p->n] = runs;
	p->counts[p->n] = counts;
	p->n++;
	return 0;
}

int cpu_plan_build(struct cpu_plan *p, double window_s, int n_track,
		   int n_quiet, int rounds, int n_profiles, double settle_s)
{
	int64_t t = 0;

	p->n = 0;
	p->n_track = n_track;
	for (int i = 0; i < n_track; i++)
		if (add_window(p, &t, window_s, CPU_PLAN_ALL, true) < 0)
			return -1;
	if (rounds <= 0) {
		for (int i = 0; i < n_quiet; i++)
			if (add_window(p, &t, window_s, CPU_PLAN_ALL, true) < 0)
				return -1;
		return 0;
	}
	for (int r = 0; r < rounds; r++)
		for (int prof = 0; prof < n_profiles; prof++)
			if (add_window(p, &t, settle_s, prof, false) < 0 ||
			    add_window(p, &t, window_s, prof, true) < 0)
				return -1;
	return 0;
}

bool cpu_plan_counts_for(const struct cpu_plan *p, int w, int prof)
{
	if (w < 1 || w > p->n || !p->counts[w - 1])
		return false;
	return p->runs[w - 1] == CPU_PLAN_ALL || p->runs[w - 1] == prof;
}

double cpu_plan_quiet_seconds(const struct cpu_plan *p)
{
	int64_t start = p->n_track > 0 ? p->end_ns[p->n_track - 1] : 0;

	return p->n > p->n_track ? (double)(p->end_ns[p->n - 1] - start) / 1e9
				 : 0.0;
}
