/* cpu_plan.h: the benchmark's CPU windows: when each ends, which profile's
 * processes run in it, and whether it counts. */
#ifndef PHCB_BENCH_CPU_PLAN_H
#define PHCB_BENCH_CPU_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#define CPU_PLAN_MAX_WINDOWS 64

/* Which profile's processes run in a window: all of them, or one. */
#define CPU_PLAN_ALL (-1)

struct cpu_plan {
	int n;	       /* windows; snapshots are taken at 0 and each end */
	int n_track;   /* the first n_track windows are the measured time */
	int64_t end_ns[CPU_PLAN_MAX_WINDOWS];  /* from the warm-up's end */
	int runs[CPU_PLAN_MAX_WINDOWS];	       /* CPU_PLAN_ALL or a profile */
	bool counts[CPU_PLAN_MAX_WINDOWS];     /* false: a settling window */
};

/**
 * cpu_plan_build - the windows of a run: @n_track of @window_s seconds over
 * the measured time (all processes run), then the quiet phase. Without
 * isolation (@rounds 0) that is @n_quiet windows of @window_s, all running;
 * with isolation, @rounds rounds in which each of @n_profiles profiles in
 * turn runs alone (the others stopped) for @settle_s, not counted, then
 * @window_s, counted.
 * Returns 0, or -1 if the windows do not fit CPU_PLAN_MAX_WINDOWS.
 */
int cpu_plan_build(struct cpu_plan *p, double window_s, int n_track,
		   int n_quiet, int rounds, int n_profiles, double settle_s);

/** cpu_plan_counts_for - window @w (1-based: between snapshots w-1 and w)
 * counts for profile @prof: it was measured while that profile ran. */
bool cpu_plan_counts_for(const struct cpu_plan *p, int w, int prof);

/** cpu_plan_quiet_seconds - length of the quiet phase. */
double cpu_plan_quiet_seconds(const struct cpu_plan *p);

#endif
