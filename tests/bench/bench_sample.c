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
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chrony_blocking.h"
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

/* Roles of a chronyd in the comparison, in table order. */
enum bench_role { ROLE_ANCHOR, ROLE_BROKER, ROLE_NAIVE, ROLE_COUNT };
static const char *const role_names[ROLE_COUNT] = { "anchor", "broker",
						    "naive" };

/* CPU time of a set of processes: both kernel counters. */
struct bench_cpu {
	double stat_s;	/* utime + stime of /proc/PID/stat */
	double sched_s; /* sum of /proc/PID/task/TID/schedstat run time */
	double first_s; /* sched_s of the first process alone */
	bool ok;	/* every process was still there */
};

/* One chronyd whose tracking is sampled, and the processes of its pipeline. */
struct bench_target {
	char profile[BENCH_NAME_MAX]; /* fakephc device name = profile */
	enum bench_role role;
	char sock[108];		      /* chronyd's command socket */
	int pids[BENCH_MAX_PIDS];     /* processes whose CPU counts */
	int n_pids;
	struct chronycmd *cmd;
	double *err_ns;		      /* measured samples (after warm-up) */
	int n_err, cap_err;
	int unsync, failed;	      /* samples without a usable estimate */
	struct bench_cpu cpu0, cpu1;
	long peak_rss_kib[BENCH_MAX_PIDS]; /* VmHWM at the end, -1 if gone */
};

struct bench_opts {
	const char *truth_sock;
	const char *raw_path;
	double warmup_s, duration_s, interval_s;
};

static int64_t bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* utime + stime of one process in seconds, or -1. */
static double cpu_stat_s(int pid)
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
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
			 "%lu %lu", &ut, &st) != 2)
		return -1.0;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* Run time of every thread of one process (schedstat, ns), or -1. */
static double cpu_sched_s(int pid)
{
	char path[64];
	double sum = 0.0;
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return -1.0;
	while ((e = readdir(d)) != NULL) {
		char p2[sizeof(path) + sizeof(e->d_name) + 16];
		unsigned long long run;
		if (e->d_name[0] == '.')
			continue;
		snprintf(p2, sizeof(p2), "%s/%s/schedstat", path, e->d_name);
		FILE *f = fopen(p2, "r");
		if (!f)
			continue;
		if (fscanf(f, "%llu", &run) == 1)
			sum += (double)run / 1e9;
		fclose(f);
	}
	closedir(d);
	return sum;
}

static struct bench_cpu cpu_of(const struct bench_target *t)
{
	struct bench_cpu c = { 0.0, 0.0, 0.0, true };
	for (int i = 0; i < t->n_pids; i++) {
		double s = cpu_stat_s(t->pids[i]), r = cpu_sched_s(t->pids[i]);
		if (s < 0.0 || r < 0.0)
			c.ok = false;
		c.stat_s += s;
		c.sched_s += r;
		if (i == 0)
			c.first_s = r;
	}
	return c;
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
		t->pids[t->n_pids++] = atoi(p);
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
	struct bench_stats s = { NAN, NAN, NAN, NAN, t->n_err };
	double sum2 = 0.0, sum = 0.0;
	double *a;

	if (t->n_err == 0)
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

static double cpu_used(const struct bench_target *t)
{
	if (!t || !t->cpu0.ok || !t->cpu1.ok)
		return NAN;
	return t->cpu1.sched_s - t->cpu0.sched_s;
}

static double cpu_used_stat(const struct bench_target *t)
{
	if (!t || !t->cpu0.ok || !t->cpu1.ok)
		return NAN;
	return t->cpu1.stat_s - t->cpu0.stat_s;
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

/* Print the table and the final accuracy line. Returns 0, 1 if incomplete. */
static int report(const struct bench_target *ts, int n,
		  const struct bench_opts *o)
{
	double w_rms = 0.0, w_p99 = 0.0, w_cpu = 0.0;
	bool complete = true;

	printf("\nerror = chronyd's estimate of PHC - system minus the true "
	       "offset, sampled every %.0f s for %.0f s after %.0f s of "
	       "warm-up\n", o->interval_s, o->duration_s, o->warmup_s);
	printf("%-7s | %-17s | %-17s | %-17s | %-11s | %-21s\n", "",
	       "anchor (chronyd)", "broker", "naive feeder", "broker/anchor",
	       "CPU s (ratio)");
	printf("%-7s | %8s %8s | %8s %8s | %8s %8s | %5s %5s | %6s %6s %6s\n",
	       "profile", "rms ns", "p99 ns", "rms ns", "p99 ns", "rms ns",
	       "p99 ns", "rms", "p99", "anchor", "broker", "ratio");
	for (int i = 0; i < n; i++) {
		const struct bench_target *a, *b, *v;
		if (ts[i].role != ROLE_ANCHOR)
			continue;
		a = &ts[i];
		b = find_target(ts, n, a->profile, ROLE_BROKER);
		v = find_target(ts, n, a->profile, ROLE_NAIVE);
		struct bench_stats sa = stats_of(a);
		struct bench_stats sb = b ? stats_of(b) : (struct bench_stats){ NAN, NAN, NAN, NAN, 0 };
		struct bench_stats sv = v ? stats_of(v) : (struct bench_stats){ NAN, NAN, NAN, NAN, 0 };
		double r_rms = sb.rms / sa.rms, r_p99 = sb.p99 / sa.p99;
		double ca = cpu_used(a), cb = cpu_used(b);
		double r_cpu = cb / ca;
		char f[6][16];
		fmt_ns(f[0], 16, sa.rms);
		fmt_ns(f[1], 16, sa.p99);
		fmt_ns(f[2], 16, sb.rms);
		fmt_ns(f[3], 16, sb.p99);
		fmt_ns(f[4], 16, sv.rms);
		fmt_ns(f[5], 16, sv.p99);
		printf("%-7s | %8s %8s | %8s %8s | %8s %8s | %5.2f %5.2f | "
		       "%6.3f %6.3f %6.2f\n", a->profile, f[0], f[1], f[2],
		       f[3], f[4], f[5], r_rms, r_p99, ca, cb, r_cpu);
		w_rms = worse(w_rms, r_rms);
		w_p99 = worse(w_p99, r_p99);
		w_cpu = worse(w_cpu, r_cpu);
		if (isnan(r_rms) || isnan(r_p99) || isnan(r_cpu))
			complete = false;
	}
	printf("\ndetails (n = samples used; unsync/failed samples are not "
	       "counted; cpu from schedstat, /proc/PID/stat in brackets;\n"
	       "rss = chronyd's peak resident set, phcbrokerd's in parentheses)\n");
	for (int i = 0; i < n; i++) {
		struct bench_stats s = stats_of(&ts[i]);
		printf("  %-7s %-6s n=%d unsync=%d failed=%d mean=%+.1fns "
		       "max=%.1fns cpu=%.3fs [%.2fs]", ts[i].profile,
		       role_names[ts[i].role], s.n, ts[i].unsync,
		       ts[i].failed, s.mean, s.max, cpu_used(&ts[i]),
		       cpu_used_stat(&ts[i]));
		printf(" rss=%ldKiB", ts[i].peak_rss_kib[ts[i].n_pids - 1]);
		if (ts[i].n_pids > 1)
			printf(" (phcbrokerd %.3fs, rss=%ldKiB)",
			       ts[i].cpu1.first_s - ts[i].cpu0.first_s,
			       ts[i].peak_rss_kib[0]);
		printf("\n");
	}
	printf("\naccuracy: worst_rms_ratio=%.2f worst_p99_ratio=%.2f "
	       "cpu_ratio=%.2f\n", w_rms, w_p99, w_cpu);
	return complete ? 0 : 1;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: bench_sample --truth SOCK [--warmup S] [--duration S]\n"
		"       [--interval S] [--raw FILE] PROFILE:ROLE:CHRONYD_SOCK:"
		"PID[,PID...] ...\n"
		"ROLE is anchor, broker or naive; PROFILE is the fakephc device "
		"name; the PIDs\nare the processes whose CPU time counts for that "
		"pipeline.\n");
}

static int parse_args(int argc, char **argv, struct bench_opts *o)
{
	static const struct option longopts[] = {
		{ "truth", required_argument, NULL, 't' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "duration", required_argument, NULL, 'd' },
		{ "interval", required_argument, NULL, 'i' },
		{ "raw", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct bench_opts){ NULL, NULL, 30.0, 60.0, 1.0 };
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 't': o->truth_sock = optarg; break;
		case 'w': o->warmup_s = atof(optarg); break;
		case 'd': o->duration_s = atof(optarg); break;
		case 'i': o->interval_s = atof(optarg); break;
		case 'r': o->raw_path = optarg; break;
		default: return -EINVAL;
		}
	}
	if (!o->truth_sock || o->interval_s <= 0.0 || o->duration_s <= 0.0 ||
	    o->warmup_s < 0.0 || optind >= argc)
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

/* Sample every target each interval; take CPU at warm-up end and at end. */
static void run(struct bench_target *ts, int n, const struct bench_opts *o,
		int truth_fd, FILE *raw)
{
	int64_t start = bench_now_ns();
	int64_t step = (int64_t)(o->interval_s * 1e9);
	int64_t warm_end = start + (int64_t)(o->warmup_s * 1e9);
	int64_t end = warm_end + (int64_t)(o->duration_s * 1e9);
	bool measuring = false;

	for (int64_t t = start; t <= end; t += step) {
		sleep_until(t);
		if (!measuring && t >= warm_end) {
			for (int i = 0; i < n; i++)
				ts[i].cpu0 = cpu_of(&ts[i]);
			measuring = true;
		}
		for (int i = 0; i < n; i++)
			sample_one(&ts[i], truth_fd, measuring,
				   (double)(t - start) / 1e9, raw);
		if (raw)
			fflush(raw);
	}
	for (int i = 0; i < n; i++) {
		ts[i].cpu1 = cpu_of(&ts[i]);
		for (int k = 0; k < ts[i].n_pids; k++)
			ts[i].peak_rss_kib[k] = peak_rss_kib(ts[i].pids[k]);
	}
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
