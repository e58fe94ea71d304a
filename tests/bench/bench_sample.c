/* bench_sample.c: samples chronyd tracking against fakephc's truth, reports. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dirfd, openat */
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chrony_blocking.h"
#include "cpu_plan.h"
#include "truthclient.h"

/* Where our chronyd client socket goes: a directory of ours that chronyd's
 * user can search (PHCB_CLIENT_DIR, else /run). */
static const char *client_dir(void)
{
	const char *dir = getenv("PHCB_CLIENT_DIR");

	return dir && dir[0] ? dir : "/run";
}

#define BENCH_MAX_TARGETS 24
#define BENCH_MAX_PIDS 4
#define BENCH_NAME_MAX 32
#define BENCH_MAX_WINDOWS CPU_PLAN_MAX_WINDOWS

/* Roles of a chronyd in the comparison, in table order. */
enum bench_role { ROLE_ANCHOR, ROLE_BROKER, ROLE_NAIVE, ROLE_ALT, ROLE_COUNT };
static const char *const role_names[ROLE_COUNT] = { "anchor", "broker",
						    "naive", "alt" };

/* The kernel's CPU counters of a set of processes at one instant. */
struct bench_cpu {
	double stat_s;			 /* utime + stime of /proc/PID/stat */
	double sched_s[BENCH_MAX_PIDS];	 /* schedstat run time of every thread */
	unsigned long runs[BENCH_MAX_PIDS]; /* schedstat: times put on a CPU */
	unsigned long majflt[BENCH_MAX_PIDS]; /* /proc/PID/stat page faults */
	unsigned long minflt[BENCH_MAX_PIDS]; /* that needed I/O, and not */
	bool ok;			 /* every process was still there */
};

/* One chronyd whose tracking is sampled, and the processes of its pipeline. */
struct bench_target {
	char profile[BENCH_NAME_MAX]; /* fakephc device name = profile */
	int prof;		      /* index of the profile, in target order */
	bool stopped;		      /* SIGSTOPped by an isolated window */
	enum bench_role role;
	char sock[108];		      /* chronyd's command socket */
	int pids[BENCH_MAX_PIDS];     /* processes whose CPU counts */
	char names[BENCH_MAX_PIDS][16]; /* their command names */
	int n_pids;
	struct chronycmd *cmd;
	double *err_ns;		      /* measured samples (after warm-up) */
	int n_err, cap_err;
	int unsync, failed;	      /* samples without a usable estimate */
	/* CPU at the warm-up's end and at the end of every window */
	struct bench_cpu cpu[BENCH_MAX_WINDOWS + 1];
	int n_cpu;
	long peak_rss_kib[BENCH_MAX_PIDS]; /* VmHWM at the end, -1 if gone */
};

struct bench_opts {
	const char *truth_sock;
	const char *raw_path;
	double warmup_s, duration_s, interval_s;
	double window_s; /* CPU window; 0: the whole measured time */
	double quiet_s;	 /* then CPU alone, chronyd not queried */
	bool track;	 /* query chronyd's tracking (false: CPU only) */
	int n_track_win, n_quiet_win; /* windows of each phase */
	int isolate_rounds; /* quiet phase: rounds of one profile at a time */
	double settle_s;    /* before each isolated window, not counted */
	int pin_cpu;	    /* isolated windows on this CPU; -1: anywhere */
	int device_pid;	    /* the device emulator, pinned with them; 0: none */
	struct cpu_plan plan;
};

/*
 * The CPU snapshots the figures come from: those of the quiet phase when
 * there is one (the pipelines' own CPU, without the benchmark's queries),
 * else those of the measured time. Of the windows between them only those
 * that count for a target's profile are summed (an isolated quiet phase
 * measures each profile alone, in its own windows).
 */
struct cpu_span {
	int lo, hi; /* first and last snapshot */
	const struct cpu_plan *plan;
};

static struct cpu_span span_of(const struct bench_opts *o, bool quiet)
{
	struct cpu_span sp = { 0, o->plan.n_track, &o->plan };

	if (quiet && o->plan.n > o->plan.n_track)
		sp = (struct cpu_span){ o->plan.n_track, o->plan.n, &o->plan };
	return sp;
}

/* Seconds of the windows of @sp that count for profile @prof. */
static double span_seconds(struct cpu_span sp, int prof)
{
	double s = 0.0;

	for (int w = sp.lo + 1; w <= sp.hi; w++)
		if (cpu_plan_counts_for(sp.plan, w, prof))
			s += (double)(sp.plan->end_ns[w - 1] -
				      (w > 1 ? sp.plan->end_ns[w - 2] : 0)) / 1e9;
	return s;
}

static int64_t bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * utime + stime of one process in seconds, or -1; its minor and major
 * page faults into @minflt and @majflt.
 */
static double cpu_stat_s(int pid, unsigned long *minflt, unsigned long *majflt)
{
	char path[64], buf[1024];
	unsigned long ut, st;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1.0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* fields after the command name, which may contain spaces */
	char *p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %lu %*u %lu %*u "
			 "%lu %lu", minflt, majflt, &ut, &st) != 4)
		return -1.0;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/*
 * Run time (ns resolution) and run count of every thread of one process
 * from schedstat: "run_ns wait_ns timeslices". Returns 0 or -1.
 */
static int cpu_sched(int pid, double *run_s, unsigned long *runs)
{
	char path[64];
	struct dirent *e;
	DIR *d;

	*run_s = 0.0;
	*runs = 0;
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		char p2[sizeof(path) + sizeof(e->d_name) + 16];
		unsigned long long run, wait, slices;
		if (e->d_name[0] == '.')
			continue;
		snprintf(p2, sizeof(p2), "%s/%s/schedstat", path, e->d_name);
		FILE *f = fopen(p2, "r");
		if (!f)
			continue;
		if (fscanf(f, "%llu %llu %llu", &run, &wait, &slices) == 3) {
			*run_s += (double)run / 1e9;
			*runs += (unsigned long)slices;
		}
		fclose(f);
	}
	closedir(d);
	return 0;
}

static struct bench_cpu cpu_of(const struct bench_target *t)
{
	struct bench_cpu c = { .ok = true };
	for (int i = 0; i < t->n_pids; i++) {
		double s = cpu_stat_s(t->pids[i], &c.minflt[i], &c.majflt[i]);
		if (s < 0.0 || cpu_sched(t->pids[i], &c.sched_s[i],
					 &c.runs[i]) < 0)
			c.ok = false;
		c.stat_s += s;
	}
	return c;
}

/* The command name of @pid into @buf ("?" if gone). */
static void comm_of(int pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	snprintf(buf, len, "?");
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* Peak resident set size (VmHWM) of one process in KiB, or -1. */
static long peak_rss_kib(int pid)
{
	char path[64], line[128];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static void push_err(struct bench_target *t, double e)
{
	if (t->n_err == t->cap_err) {
		int cap = t->cap_err ? 2 * t->cap_err : 256;
		double *p = realloc(t->err_ns, sizeof(double) * (size_t)cap);
		if (!p) {
			t->failed++;
			return;
		}
		t->err_ns = p;
		t->cap_err = cap;
	}
	t->err_ns[t->n_err++] = e;
}

/* One tracking sample of @t against the truth; @measure: keep it. */
static void sample_one(struct bench_target *t, int truth_fd, bool measure,
		       double rel_s, FILE *raw)
{
	struct candm_tracking tr;
	double truth;
	int64_t before = bench_now_ns();
	int r = chronycmd_tracking(t->cmd, &tr);
	int64_t after = bench_now_ns();

	if (r < 0) {
		if (measure)
			t->failed++;
		if (raw)
			fprintf(raw, "%.3f %s %s fail %d\n", rel_s, t->profile,
				role_names[t->role], r);
		return;
	}
	if (truth_offset(truth_fd, t->profile, before + (after - before) / 2,
			 &truth) < 0) {
		fprintf(stderr, "bench_sample: no truth for %s\n", t->profile);
		exit(1);
	}
	bool sync = tr.leap_status != CANDM_LEAP_UNSYNC && tr.ref_id != 0;
	double err = tr.current_correction * 1e9 - truth;
	if (raw)
		fprintf(raw, "%.3f %s %s %s %.3f\n", rel_s, t->profile,
			role_names[t->role], sync ? "ok" : "unsync", err);
	if (!measure)
		return;
	if (sync)
		push_err(t, err);
	else
		t->unsync++;
}

/* Parse PROFILE:ROLE:SOCK:PID[,PID...]. Returns 0 or -EINVAL. */
static int parse_target(char *spec, struct bench_target *t)
{
	char *save = NULL;
	char *prof = strtok_r(spec, ":", &save);
	char *role = strtok_r(NULL, ":", &save);
	char *sock = strtok_r(NULL, ":", &save);
	char *pids = strtok_r(NULL, ":", &save);

	memset(t, 0, sizeof(*t));
	if (!prof || !role || !sock || !pids ||
	    strlen(prof) >= sizeof(t->profile) || strlen(sock) >= sizeof(t->sock))
		return -EINVAL;
	strcpy(t->profile, prof);
	strcpy(t->sock, sock);
	t->role = ROLE_COUNT;
	for (int i = 0; i < ROLE_COUNT; i++)
		if (strcmp(role, role_names[i]) == 0)
			t->role = (enum bench_role)i;
	if (t->role == ROLE_COUNT)
		return -EINVAL;
	for (char *p = strtok_r(pids, ",", &save); p;
	     p = strtok_r(NULL, ",", &save)) {
		if (t->n_pids == BENCH_MAX_PIDS)
			return -EINVAL;
		t->pids[t->n_pids] = atoi(p);
		comm_of(t->pids[t->n_pids], t->names[t->n_pids],
			sizeof(t->names[0]));
		t->n_pids++;
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Summary of one target's measured errors. */
struct bench_stats {
	double rms, p99, mean, max;
	int n;
};

static struct bench_stats stats_of(const struct bench_target *t)
{
	struct bench_stats s = { NAN, NAN, NAN, NAN, t ? t->n_err : 0 };
	double sum2 = 0.0, sum = 0.0;
	double *a;

	if (!t || t->n_err == 0)
		return s;
	a = malloc(sizeof(double) * (size_t)t->n_err);
	if (!a)
		return s;
	for (int i = 0; i < t->n_err; i++) {
		sum += t->err_ns[i];
		sum2 += t->err_ns[i] * t->err_ns[i];
		a[i] = fabs(t->err_ns[i]);
	}
	qsort(a, (size_t)t->n_err, sizeof(double), cmp_double);
	/* nearest-rank 99th percentile */
	int k = (int)ceil(0.99 * t->n_err) - 1;
	s.p99 = a[k < 0 ? 0 : k];
	s.max = a[t->n_err - 1];
	s.rms = sqrt(sum2 / t->n_err);
	s.mean = sum / t->n_err;
	free(a);
	return s;
}

static const struct bench_target *find_target(const struct bench_target *ts,
					      int n, const char *profile,
					      enum bench_role role)
{
	for (int i = 0; i < n; i++)
		if (ts[i].role == role && strcmp(ts[i].profile, profile) == 0)
			return &ts[i];
	return NULL;
}

/* Run time of process @k of @t (all of them for -1) between snapshots. */
static double cpu_between(const struct bench_target *t, int from, int to,
			  int k)
{
	double s = 0.0;

	if (!t || t->n_cpu < 2 || to >= t->n_cpu || !t->cpu[from].ok ||
	    !t->cpu[to].ok)
		return NAN;
	for (int i = 0; i < t->n_pids; i++)
		if (k < 0 || k == i)
			s += t->cpu[to].sched_s[i] - t->cpu[from].sched_s[i];
	return s;
}

/* Run time of process @k (-1: all) of @t in the windows of @sp that count
 * for its profile, seconds. */
static double cpu_in_span(const struct bench_target *t, struct cpu_span sp,
			  int k)
{
	double s = 0.0;

	if (!t)
		return NAN;
	for (int w = sp.lo + 1; w <= sp.hi; w++)
		if (cpu_plan_counts_for(sp.plan, w, t->prof))
			s += cpu_between(t, w - 1, w, k);
	return s;
}

/* Run time of the whole pipeline over @sp, seconds. */
static double cpu_used(const struct bench_target *t, struct cpu_span sp)
{
	return cpu_in_span(t, sp, -1);
}

/* The same from /proc/PID/stat (clock ticks), as a cross-check. */
static double cpu_used_stat(const struct bench_target *t, struct cpu_span sp)
{
	double s = 0.0;

	for (int w = sp.lo + 1; w <= sp.hi; w++) {
		if (!cpu_plan_counts_for(sp.plan, w, t->prof))
			continue;
		if (w >= t->n_cpu || !t->cpu[w - 1].ok || !t->cpu[w].ok)
			return NAN;
		s += t->cpu[w].stat_s - t->cpu[w - 1].stat_s;
	}
	return s;
}

/* Times process @k of @t was put on a CPU in the counted windows of @sp. */
static double runs_in_span(const struct bench_target *t, struct cpu_span sp,
			   int k)
{
	double n = 0.0;

	for (int w = sp.lo + 1; w <= sp.hi && w < t->n_cpu; w++)
		if (cpu_plan_counts_for(sp.plan, w, t->prof))
			n += (double)(t->cpu[w].runs[k] - t->cpu[w - 1].runs[k]);
	return n;
}

/* The b/a CPU ratio of every window of @sp into @r; returns how many. */
static int window_ratios(const struct bench_target *a,
			 const struct bench_target *b, struct cpu_span sp,
			 double *r)
{
	int n = 0;

	if (!a || !b)
		return 0;
	for (int w = sp.lo + 1; w <= sp.hi && w < a->n_cpu && w < b->n_cpu;
	     w++) {
		if (!cpu_plan_counts_for(sp.plan, w, a->prof))
			continue;
		double x = cpu_between(b, w - 1, w, -1) /
			   cpu_between(a, w - 1, w, -1);
		if (!isnan(x))
			r[n++] = x;
	}
	return n;
}

/* Median, minimum and maximum of @n values (sorted in place). */
struct spread {
	double median, min, max;
};

static struct spread spread_of(double *v, int n)
{
	struct spread s = { NAN, NAN, NAN };

	if (n == 0)
		return s;
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
	s.min = v[0];
	s.max = v[n - 1];
	return s;
}

/* Format nanoseconds compactly: "57", "1.85k" style is avoided: ns. */
static void fmt_ns(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else if (v >= 9999.5)
		snprintf(buf, len, "%.1fus", v / 1e3);
	else
		snprintf(buf, len, "%.0f", v);
}

static double worse(double worst, double v)
{
	if (isnan(v))
		return INFINITY;
	return v > worst ? v : worst;
}

/* One profile's row of the table; its ratios into the worst ones. */
static bool report_profile(const struct bench_target *ts, int n,
			   const struct bench_target *a,
			   const struct bench_opts *o, double *w_rms,
			   double *w_p99, double *w_cpu)
{
	const struct bench_target *b = find_target(ts, n, a->profile,
						   ROLE_BROKER);
	const struct bench_target *v = find_target(ts, n, a->profile,
						   ROLE_NAIVE);
	struct bench_stats sa = stats_of(a), sb = stats_of(b), sv = stats_of(v);
	double r_rms = sb.rms / sa.rms, r_p99 = sb.p99 / sa.p99;
	struct cpu_span sp = span_of(o, true);
	double per_min = 60e3 / span_seconds(sp, a->prof); /* s -> ms/min */
	double win[BENCH_MAX_WINDOWS];
	struct spread c = spread_of(win, window_ratios(a, b, sp, win));
	char f[6][16];

	fmt_ns(f[0], 16, sa.rms);
	fmt_ns(f[1], 16, sa.p99);
	fmt_ns(f[2], 16, sb.rms);
	fmt_ns(f[3], 16, sb.p99);
	fmt_ns(f[4], 16, sv.rms);
	fmt_ns(f[5], 16, sv.p99);
	printf("%-7s | %8s %8s | %8s %8s | %8s %8s | %5.2f %5.2f | %6.1f "
	       "%6.1f | %5.2f %4.2f..%-4.2f\n", a->profile, f[0], f[1], f[2],
	       f[3], f[4], f[5], r_rms, r_p99, cpu_used(a, sp) * per_min,
	       cpu_used(b, sp) * per_min, c.median, c.min, c.max);
	*w_rms = worse(*w_rms, r_rms);
	*w_p99 = worse(*w_p99, r_p99);
	*w_cpu = worse(*w_cpu, c.median);
	return !isnan(c.median) &&
	       (!o->track || !(isnan(r_rms) || isnan(r_p99)));
}

/* With a quiet phase: the CPU ratio while chronyd was queried too. */
static void report_sampled_cpu(const struct bench_target *ts, int n,
			       const struct bench_opts *o)
{
	struct cpu_span sp = span_of(o, false);

	if (!o->track || o->plan.n == o->plan.n_track)
		return;
	printf("CPU ratio while the benchmark queried every chronyd once a "
	       "second (not counted above):");
	for (int i = 0; i < n; i++) {
		double win[BENCH_MAX_WINDOWS];
		const struct bench_target *b;
		if (ts[i].role != ROLE_ANCHOR ||
		    !(b = find_target(ts, n, ts[i].profile, ROLE_BROKER)))
			continue;
		struct spread c = spread_of(win, window_ratios(&ts[i], b, sp,
								win));
		printf(" %s %.2f", ts[i].profile, c.median);
	}
	printf("\n");
}

/* One line per profile and comparison for the accuracy script's --repeat
 * summary: "data: PROFILE KIND RMS_RATIO P99_RATIO windows CPU_RATIO...",
 * KIND broker (broker / anchor) or alt (alt / broker). */
static void report_data(const struct bench_target *ts, int n,
			const struct bench_opts *o)
{
	for (int i = 0; i < n; i++) {
		const struct bench_target *a = &ts[i], *b;
		double win[BENCH_MAX_WINDOWS];
		if (a->role != ROLE_ANCHOR && a->role != ROLE_BROKER)
			continue;
		b = find_target(ts, n, a->profile,
				a->role == ROLE_ANCHOR ? ROLE_BROKER : ROLE_ALT);
		if (!b)
			continue;
		struct bench_stats sa = stats_of(a), sb = stats_of(b);
		int n_win = window_ratios(a, b, span_of(o, true), win);
		printf("data: %s %s %.4f %.4f windows", a->profile,
		       a->role == ROLE_ANCHOR ? "broker" : "alt",
		       sb.rms / sa.rms, sb.p99 / sa.p99);
		for (int w = 0; w < n_win; w++)
			printf(" %.4f", win[w]);
		printf("\n");
	}
}

/* With alternative broker pipelines: each against the broker. */
static void report_alt(const struct bench_target *ts, int n,
		       const struct bench_opts *o)
{
	struct cpu_span sp = span_of(o, true);
	bool header = false;

	for (int i = 0; i < n; i++) {
		const struct bench_target *b = &ts[i], *x;
		double win[BENCH_MAX_WINDOWS];
		char f[2][16];
		if (b->role != ROLE_BROKER ||
		    !(x = find_target(ts, n, b->profile, ROLE_ALT)))
			continue;
		if (!header)
			printf("\nalt against broker (same device, same time): "
			       "ratio = alt / broker\n%-7s | %8s %8s | %5s "
			       "%5s | %6s %6s | %5s %-10s\n", "profile",
			       "rms ns", "p99 ns", "rms", "p99", "alt", "broker",
			       "CPU", "min..max");
		header = true;
		struct bench_stats sb = stats_of(b), sx = stats_of(x);
		struct spread c = spread_of(win, window_ratios(b, x, sp, win));
		double per_min = 60e3 / span_seconds(sp, b->prof);
		fmt_ns(f[0], 16, sx.rms);
		fmt_ns(f[1], 16, sx.p99);
		printf("%-7s | %8s %8s | %5.2f %5.2f | %6.1f %6.1f | %5.2f "
		       "%4.2f..%-4.2f\n", b->profile, f[0], f[1],
		       sx.rms / sb.rms, sx.p99 / sb.p99, cpu_used(x, sp) * per_min,
		       cpu_used(b, sp) * per_min, c.median, c.min, c.max);
	}
}

/* Per target: its errors, and each process's CPU and wake-ups. */
static void report_details(const struct bench_target *ts, int n,
			   const struct bench_opts *o)
{
	struct cpu_span sp = span_of(o, true);

	printf("\ndetails (n = samples used; unsync/failed samples are not "
	       "counted; cpu = the pipeline's CPU over the %.0f s the CPU\n"
	       "figures come from, schedstat, /proc/PID/stat in brackets; per "
	       "process: ms of CPU per minute, runs/s =\ntimes put on a CPU "
	       "per second (wake-ups, and returns from blocking reads), peak "
	       "resident set)\n", span_seconds(sp, ts[0].prof));
	for (int i = 0; i < n; i++) {
		const struct bench_target *t = &ts[i];
		struct bench_stats s = stats_of(t);
		double secs = span_seconds(sp, t->prof);
		double per_min = 60e3 / secs;
		printf("  %-7s %-6s n=%d unsync=%d failed=%d mean=%+.1fns "
		       "max=%.1fns cpu=%.3fs [%.2fs]\n", t->profile,
		       role_names[t->role], s.n, t->unsync, t->failed, s.mean,
		       s.max, cpu_used(t, sp), cpu_used_stat(t, sp));
		if (sp.hi >= t->n_cpu)
			continue;
		for (int k = 0; k < t->n_pids; k++)
			printf("      %-10s %6.2f ms/min %6.2f runs/s rss=%ldKiB\n",
			       t->names[k],
			       cpu_in_span(t, sp, k) * per_min,
			       runs_in_span(t, sp, k) / secs,
			       t->peak_rss_kib[k]);
	}
}

/*
 * Per target and counted window: each process's CPU (ms), times put on a
 * CPU and page faults (major/minor), to tell an odd window's cause.
 */
static void report_windows(const struct bench_target *ts, int n,
			   const struct bench_opts *o)
{
	struct cpu_span sp = span_of(o, true);

	printf("\nwindows (per process: ms of CPU, runs, major/minor page "
	       "faults)\n");
	for (int i = 0; i < n; i++) {
		const struct bench_target *t = &ts[i];
		for (int w = sp.lo + 1; w <= sp.hi && w < t->n_cpu; w++) {
			const struct bench_cpu *c0 = &t->cpu[w - 1], *c1 = &t->cpu[w];
			if (!cpu_plan_counts_for(sp.plan, w, t->prof) ||
			    !c0->ok || !c1->ok)
				continue;
			printf("  %-7s %-6s w%-3d", t->profile,
			       role_names[t->role], w);
			for (int k = 0; k < t->n_pids; k++)
				printf(" | %s %.2fms %lu runs %lu/%lu flt",
				       t->names[k],
				       (c1->sched_s[k] - c0->sched_s[k]) * 1e3,
				       c1->runs[k] - c0->runs[k],
				       c1->majflt[k] - c0->majflt[k],
				       c1->minflt[k] - c0->minflt[k]);
			printf("\n");
		}
	}
}

/* Print the table and the final accuracy line. Returns 0, 1 if incomplete. */
static int report(const struct bench_target *ts, int n,
		  const struct bench_opts *o)
{
	double w_rms = 0.0, w_p99 = 0.0, w_cpu = 0.0;
	bool complete = true;
	struct cpu_span sp = span_of(o, true);
	bool quiet = o->plan.n > o->plan.n_track;
	int n_win = 0;

	for (int w = sp.lo + 1; w <= sp.hi; w++)
		n_win += cpu_plan_counts_for(sp.plan, w, ts[0].prof);
	if (o->track)
		printf("\nerror = chronyd's estimate of PHC - system minus the "
		       "true offset, sampled every %.0f s for %.0f s after "
		       "%.0f s of warm-up\n", o->interval_s, o->duration_s,
		       o->warmup_s);
	else
		printf("\nCPU only (chronyd not queried) for %.0f s after %.0f s"
		       " of warm-up\n", o->duration_s, o->warmup_s);
	if (quiet && o->isolate_rounds > 0)
		printf("CPU: ms per minute (anchor: its chronyd; broker: "
		       "phcbrokerd + its chronyd) over %.0f s after that,\n"
		       "each profile's processes alone (the others stopped), "
		       "chronyd not queried, after %.0f s to settle;\n",
		       span_seconds(sp, ts[0].prof), o->settle_s);
	else
		printf("CPU: ms per minute (anchor: its chronyd; broker: "
		       "phcbrokerd + its chronyd) over %.0f s %s;\n",
		       span_seconds(sp, ts[0].prof),
		       o->track && quiet ? "after that, chronyd not queried"
					 : "of the measured time");
	printf("ratio = broker / anchor, the median and range over %d "
	       "window%s of %.0f s\n", n_win, n_win == 1 ? "" : "s",
	       o->window_s);
	printf("%-7s | %-17s | %-17s | %-17s | %-11s | %-13s | %-15s\n", "",
	       "anchor (chronyd)", "broker", "naive feeder", "broker/anchor",
	       "CPU ms/min", "CPU ratio");
	printf("%-7s | %8s %8s | %8s %8s | %8s %8s | %5s %5s | %6s %6s | "
	       "%5s %-10s\n", "profile", "rms ns", "p99 ns", "rms ns",
	       "p99 ns", "rms ns", "p99 ns", "rms", "p99", "anchor", "broker",
	       "med", "min..max");
	for (int i = 0; i < n; i++)
		if (ts[i].role == ROLE_ANCHOR &&
		    !report_profile(ts, n, &ts[i], o, &w_rms, &w_p99, &w_cpu))
			complete = false;
	report_sampled_cpu(ts, n, o);
	report_alt(ts, n, o);
	report_details(ts, n, o);
	report_windows(ts, n, o);
	printf("\n");
	report_data(ts, n, o);
	if (!o->track)
		w_rms = w_p99 = NAN;
	printf("\naccuracy: worst_rms_ratio=%.2f worst_p99_ratio=%.2f "
	       "cpu_ratio=%.2f\n", w_rms, w_p99, w_cpu);
	return complete ? 0 : 1;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: bench_sample --truth SOCK [--warmup S] [--duration S]\n"
		"       [--interval S] [--cpu-window S] [--cpu-quiet S] [--no-track]\n"
		"       [--cpu-isolate ROUNDS] [--cpu-settle S] [--cpu-pin CPU]\n"
		"       [--device-pid PID] [--raw FILE]\n"
		"       PROFILE:ROLE:CHRONYD_SOCK:PID[,PID...] ...\n"
		"ROLE is anchor, broker, naive or alt; PROFILE is the fakephc device "
		"name; the PIDs\nare the processes whose CPU time counts for that "
		"pipeline. --cpu-window: the\nCPU ratio's median and range are "
		"taken over windows of that length (default:\nthe whole "
		"measured time). --cpu-quiet: the CPU figures come from that "
		"long after\nthe measured time, without querying chronyd. "
		"--cpu-isolate: instead, ROUNDS rounds in\nwhich each profile "
		"runs alone (the other profiles' processes SIGSTOPped) for\n"
		"--cpu-settle seconds (default 8), then one counted window. "
		"--no-track: CPU\nonly, chronyd is not queried. --device-pid: "
		"the device emulator (fakephc),\nnot measured, on the --cpu-pin "
		"CPU with each isolated profile.\n");
}

static int parse_args(int argc, char **argv, struct bench_opts *o)
{
	static const struct option longopts[] = {
		{ "truth", required_argument, NULL, 't' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "duration", required_argument, NULL, 'd' },
		{ "interval", required_argument, NULL, 'i' },
		{ "cpu-window", required_argument, NULL, 'c' },
		{ "cpu-quiet", required_argument, NULL, 'q' },
		{ "no-track", no_argument, NULL, 'n' },
		{ "cpu-isolate", required_argument, NULL, 'I' },
		{ "cpu-settle", required_argument, NULL, 'S' },
		{ "cpu-pin", required_argument, NULL, 'P' },
		{ "device-pid", required_argument, NULL, 'D' },
		{ "raw", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct bench_opts){ .warmup_s = 30.0, .duration_s = 60.0,
				  .interval_s = 1.0, .track = true,
				  .settle_s = 8.0, .pin_cpu = -1 };
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 't': o->truth_sock = optarg; break;
		case 'w': o->warmup_s = atof(optarg); break;
		case 'd': o->duration_s = atof(optarg); break;
		case 'i': o->interval_s = atof(optarg); break;
		case 'c': o->window_s = atof(optarg); break;
		case 'q': o->quiet_s = atof(optarg); break;
		case 'n': o->track = false; break;
		case 'r': o->raw_path = optarg; break;
		case 'I': o->isolate_rounds = atoi(optarg); break;
		case 'S': o->settle_s = atof(optarg); break;
		case 'P': o->pin_cpu = atoi(optarg); break;
		case 'D': o->device_pid = atoi(optarg); break;
		default: return -EINVAL;
		}
	}
	if (o->window_s <= 0.0 || o->window_s > o->duration_s)
		o->window_s = o->duration_s;
	o->n_track_win = (int)(o->duration_s / o->window_s + 0.5);
	o->n_quiet_win = (int)(o->quiet_s / o->window_s + 0.5);
	if (!o->truth_sock || o->interval_s <= 0.0 || o->duration_s <= 0.0 ||
	    o->warmup_s < 0.0 || o->quiet_s < 0.0 || optind >= argc ||
	    o->isolate_rounds < 0 || o->settle_s < 0.0 || o->device_pid < 0 ||
	    o->n_track_win + o->n_quiet_win > BENCH_MAX_WINDOWS)
		return -EINVAL;
	return optind;
}

static void sleep_until(int64_t t_ns)
{
	struct timespec ts = { (time_t)(t_ns / 1000000000LL),
			       (long)(t_ns % 1000000000LL) };
	while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

static void snapshot(struct bench_target *ts, int n)
{
	for (int i = 0; i < n; i++)
		if (ts[i].n_cpu <= BENCH_MAX_WINDOWS)
			ts[i].cpu[ts[i].n_cpu++] = cpu_of(&ts[i]);
}

/* Let the processes of profile @prof run and stop every other target's
 * (CPU_PLAN_ALL: all run). Only changes are signalled. */
/* Every thread of @pid on CPU @cpu, or on every CPU for -1. */
static void pin_process(int pid, int cpu)
{
	char path[64];
	struct dirent *e;
	cpu_set_t set;
	DIR *d;

	CPU_ZERO(&set);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (cpu < 0 ? c < sysconf(_SC_NPROCESSORS_ONLN) : c == cpu)
			CPU_SET(c, &set);
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			sched_setaffinity(atoi(e->d_name), sizeof(set), &set);
	closedir(d);
}

/*
 * With --cpu-pin: the processes of profile @prof (every target's: the
 * anchor's and the pipeline's) on one CPU, so that whatever makes one CPU
 * slower for a while (another guest on the host) weighs on both sides of
 * the ratio; CPU_PLAN_ALL: everyone anywhere again. The device emulator
 * (@device_pid, 0: none) goes with them: a real PHC's ioctl runs on the
 * caller's CPU, while an emulated one's answer woken on another CPU costs
 * the caller a cross-CPU wake-up per read (BENCHMARKS.md, issue 11).
 */
static void pin_profile(struct bench_target *ts, int n, int prof, int cpu,
			int device_pid)
{
	if (device_pid > 0)
		pin_process(device_pid, prof == CPU_PLAN_ALL ? -1 : cpu);
	for (int i = 0; i < n; i++)
		if (prof == CPU_PLAN_ALL || ts[i].prof == prof)
			for (int k = 0; k < ts[i].n_pids; k++)
				pin_process(ts[i].pids[k],
					    prof == CPU_PLAN_ALL ? -1 : cpu);
}

static void let_run(struct bench_target *ts, int n, int prof)
{
	for (int i = 0; i < n; i++) {
		bool stop = prof != CPU_PLAN_ALL && ts[i].prof != prof;
		if (stop == ts[i].stopped)
			continue;
		for (int k = 0; k < ts[i].n_pids; k++)
			kill(ts[i].pids[k], stop ? SIGSTOP : SIGCONT);
		ts[i].stopped = stop;
	}
}

/*
 * Sample every target each interval (unless CPU only) until the measured
 * time ends, then leave chronyd alone for the quiet phase; take the CPU
 * at the warm-up's end and at the end of every CPU window of both. The
 * CPU is read before the chronyds are queried at the same tick, so a
 * window holds whole intervals of queries.
 */
static void run(struct bench_target *ts, int n, const struct bench_opts *o,
		int truth_fd, FILE *raw)
{
	const struct cpu_plan *p = &o->plan;
	int64_t start = bench_now_ns();
	int64_t step = (int64_t)(o->interval_s * 1e9);
	int64_t warm_end = start + (int64_t)(o->warmup_s * 1e9);
	int64_t end_track = warm_end + p->end_ns[p->n_track - 1];
	int64_t next_cpu = warm_end, next_sample = start;
	int w = 0; /* windows done */

	while (w <= p->n) {
		int64_t t = next_sample < next_cpu && o->track ? next_sample
							       : next_cpu;
		sleep_until(t);
		if (t == next_cpu) {
			snapshot(ts, n);
			if (w < p->n) {
				let_run(ts, n, p->runs[w]);
				if (o->pin_cpu >= 0)
					pin_profile(ts, n, p->runs[w],
						    o->pin_cpu, o->device_pid);
				next_cpu = warm_end + p->end_ns[w];
			}
			w++;
		}
		if (t != next_sample || !o->track)
			continue;
		for (int i = 0; i < n; i++)
			sample_one(&ts[i], truth_fd, t >= warm_end,
				   (double)(t - start) / 1e9, raw);
		if (raw)
			fflush(raw);
		next_sample += step;
		if (next_sample > end_track)
			next_sample = INT64_MAX;
	}
	let_run(ts, n, CPU_PLAN_ALL);
	for (int i = 0; i < n; i++)
		for (int k = 0; k < ts[i].n_pids; k++)
			ts[i].peak_rss_kib[k] = peak_rss_kib(ts[i].pids[k]);
}

/* Give each target its profile's index and build the CPU windows. */
static int number_profiles(struct bench_target *ts, int n,
			   struct bench_opts *o)
{
	int n_prof = 0;

	for (int i = 0; i < n; i++) {
		ts[i].prof = n_prof;
		for (int j = 0; j < i; j++)
			if (strcmp(ts[j].profile, ts[i].profile) == 0) {
				ts[i].prof = ts[j].prof;
				break;
			}
		if (ts[i].prof == n_prof)
			n_prof++;
	}
	return cpu_plan_build(&o->plan, o->window_s, o->n_track_win,
			      o->n_quiet_win, o->isolate_rounds, n_prof,
			      o->settle_s);
}

/* A stopped pipeline must not outlive the sampler: on SIGTERM or SIGINT
 * every target is continued before the sampler dies. */
static struct bench_target *resume_ts;
static int resume_n;

static void resume_and_die(int sig)
{
	for (int i = 0; i < resume_n; i++)
		for (int k = 0; k < resume_ts[i].n_pids; k++)
			kill(resume_ts[i].pids[k], SIGCONT);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void resume_on_signal(struct bench_target *ts, int n)
{
	resume_ts = ts;
	resume_n = n;
	signal(SIGTERM, resume_and_die);
	signal(SIGINT, resume_and_die);
}

int main(int argc, char **argv)
{
	static struct bench_target ts[BENCH_MAX_TARGETS];
	struct bench_opts o;
	FILE *raw = NULL;
	int first = parse_args(argc, argv, &o), n = 0, truth_fd;

	if (first < 0) {
		usage();
		return 2;
	}
	for (int i = first; i < argc; i++) {
		if (n == BENCH_MAX_TARGETS || parse_target(argv[i], &ts[n]) < 0) {
			fprintf(stderr, "bench_sample: bad target '%s'\n", argv[i]);
			return 2;
		}
		int r = chronycmd_open(ts[n].sock, client_dir(), &ts[n].cmd);
		if (r < 0) {
			fprintf(stderr, "bench_sample: %s: %s\n", ts[n].sock,
				strerror(-r));
			return 1;
		}
		chronycmd_set_timeout(ts[n].cmd, 500);
		n++;
	}
	if (number_profiles(ts, n, &o) < 0) {
		fprintf(stderr, "bench_sample: too many CPU windows (at most "
			"%d)\n", CPU_PLAN_MAX_WINDOWS);
		return 2;
	}
	truth_fd = truth_connect(o.truth_sock);
	if (truth_fd < 0) {
		fprintf(stderr, "bench_sample: truth socket %s: %s\n",
			o.truth_sock, strerror(-truth_fd));
		return 1;
	}
	if (o.raw_path && !(raw = fopen(o.raw_path, "w"))) {
		fprintf(stderr, "bench_sample: %s: %s\n", o.raw_path,
			strerror(errno));
		return 1;
	}
	resume_on_signal(ts, n);
	run(ts, n, &o, truth_fd, raw);
	int rc = report(ts, n, &o);
	for (int i = 0; i < n; i++) {
		chronycmd_close(ts[i].cmd);
		free(ts[i].err_ns);
	}
	if (raw)
		fclose(raw);
	close(truth_fd);
	return rc;
}
