/* fakephc_probe.c: checks an emulated PHC with real ioctls; truth client. */
/*
 *   fakephc_probe check DEV SOCK NAME TOL_NS yes|no
 *	caps, EXTENDED x25 (monotonic, offsets match TRUTH within half the
 *	read window + TOL_NS), PRECISE (yes: matches TRUTH within TOL_NS;
 *	no: EOPNOTSUPP), PTP_SYS_OFFSET EOPNOTSUPP, bad requests EINVAL/ENOTTY
 *   fakephc_probe vanish DEV SOCK NAME
 *	VANISH: ENODEV on the open fd, file gone; RETURN: old fd stays dead,
 *	a new fd works
 *   fakephc_probe schedule DEV SOCK NAME TIMEOUT_S
 *	with a descriptor opened now, wait for the model's scheduled unplug
 *	(ENODEV, file gone) and return (old fd dead, a new fd works)
 *   fakephc_probe latency DEV COUNT SAMPLES
 *	round trip of PTP_SYS_OFFSET_EXTENDED through FUSE, percentiles
 *   fakephc_probe cmd SOCK WORDS...
 *	send one side-channel request, print the reply; exit 1 unless "OK"
 * Exit 0 when every check passes, 1 otherwise (with a reason on stderr).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <linux/ptp_clock.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "timeutil.h"


static int failures;

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "FAIL %s:%d: ", __func__, __LINE__);   \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			failures++;                                            \
		}                                                              \
	} while (0)

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

static int64_t ptp_ns(const struct ptp_clock_time *t)
{
	return (int64_t)t->sec * NS_PER_SEC + t->nsec;
}

/* One request on the side channel. Returns 0 and the reply, or -1. */
static int side_request(const char *sock, const char *line, char *reply,
			size_t len)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	size_t l = strlen(line);
	if (write(fd, line, l) != (ssize_t)l || write(fd, "\n", 1) != 1)
		goto fail;
	size_t used = 0;
	while (used + 1 < len) {
		ssize_t n = read(fd, reply + used, len - 1 - used);
		if (n <= 0)
			goto fail;
		used += (size_t)n;
		if (memchr(reply, '\n', used))
			break;
	}
	reply[used] = '\0';
	reply[strcspn(reply, "\n")] = '\0';
	close(fd);
	return 0;
fail:
	close(fd);
	return -1;
}

/* The true offset of NAME at @t from the side channel, in ns. */
static int truth_at(const char *sock, const char *name, int64_t t, double *off)
{
	char line[160], reply[256];
	snprintf(line, sizeof(line), "TRUTH %s %" PRId64, name, t);
	if (side_request(sock, line, reply, sizeof(reply)) < 0 ||
	    sscanf(reply, "OK %lf", off) != 1) {
		fprintf(stderr, "truth query failed: '%s'\n", line);
		return -1;
	}
	return 0;
}

static int side_ok(const char *sock, const char *line)
{
	char reply[256];
	if (side_request(sock, line, reply, sizeof(reply)) < 0)
		return -1;
	return strncmp(reply, "OK", 2) == 0 ? 0 : -1;
}

static void check_caps(int fd, bool precise)
{
	struct ptp_clock_caps caps;
	memset(&caps, 0xff, sizeof(caps));
	CHECK(ioctl(fd, PTP_CLOCK_GETCAPS, &caps) == 0, "GETCAPS: %s",
	      strerror(errno));
	CHECK(caps.n_pins == 0 && caps.n_ext_ts == 0 && caps.pps == 0,
	      "caps: pins %d extts %d pps %d", caps.n_pins, caps.n_ext_ts,
	      caps.pps);
	CHECK(caps.cross_timestamping == (precise ? 1 : 0),
	      "caps: cross_timestamping %d", caps.cross_timestamping);
	printf("caps: max_adj %d cross_timestamping %d\n", caps.max_adj,
	       caps.cross_timestamping);
	struct ptp_clock_caps caps2;
	CHECK(ioctl(fd, PTP_CLOCK_GETCAPS2, &caps2) == 0 &&
		  caps2.max_adj == caps.max_adj,
	      "GETCAPS2");
}

/* One EXTENDED x25: ordering and agreement with the truth. */
static void check_extended_once(int fd, const char *sock, const char *name,
				double tol, double *worst)
{
	struct ptp_sys_offset_extended ext;
	memset(&ext, 0, sizeof(ext));
	ext.n_samples = PTP_MAX_SAMPLES;
	int64_t before = now_ns();
	int ret = ioctl(fd, PTP_SYS_OFFSET_EXTENDED, &ext);
	int64_t after = now_ns();
	CHECK(ret == 0, "EXTENDED: %s", strerror(errno));
	if (ret != 0)
		return;
	CHECK(before <= ptp_ns(&ext.ts[0][0]) &&
		  ptp_ns(&ext.ts[PTP_MAX_SAMPLES - 1][2]) <= after,
	      "readings outside the caller's window");
	int64_t prev_after = 0, prev_phc = 0;
	for (int i = 0; i < PTP_MAX_SAMPLES; i++) {
		int64_t b = ptp_ns(&ext.ts[i][0]), p = ptp_ns(&ext.ts[i][1]);
		int64_t a = ptp_ns(&ext.ts[i][2]);
		CHECK(b <= a && b >= prev_after && p > prev_phc,
		      "reading %d not monotonic", i);
		prev_after = a;
		prev_phc = p;
		int64_t mid = b + (a - b) / 2;
		double truth, err;
		if (truth_at(sock, name, mid, &truth) < 0) {
			failures++;
			return;
		}
		err = fabs((double)(p - mid) - truth);
		/* the PHC is latched somewhere in [b, a] */
		CHECK(err <= (double)(a - b) / 2 + tol,
		      "reading %d: offset %" PRId64
		      " truth %.1f window %" PRId64,
		      i, p - mid, truth, a - b);
		if (err > *worst)
			*worst = err;
	}
}

static void check_extended(int fd, const char *sock, const char *name,
			   double tol)
{
	double worst = 0.0;
	for (int k = 0; k < 20; k++)
		check_extended_once(fd, sock, name, tol, &worst);
	printf("extended: 20 x 25 readings, worst |offset - truth| %.1f ns\n",
	       worst);
	struct ptp_sys_offset_extended ext;
	memset(&ext, 0, sizeof(ext));
	ext.n_samples = 3;
	CHECK(ioctl(fd, PTP_SYS_OFFSET_EXTENDED2, &ext) == 0 &&
		  ptp_ns(&ext.ts[2][2]) > 0 && ext.ts[3][0].sec == 0,
	      "EXTENDED2 with 3 samples");
	ext.n_samples = PTP_MAX_SAMPLES + 1;
	CHECK(ioctl(fd, PTP_SYS_OFFSET_EXTENDED, &ext) < 0 && errno == EINVAL,
	      "26 samples: want EINVAL");
	ext.n_samples = 1;
	ext.rsv[1] = 7;
	CHECK(ioctl(fd, PTP_SYS_OFFSET_EXTENDED, &ext) < 0 && errno == EINVAL,
	      "reserved word set: want EINVAL");
}

static void check_precise(int fd, const char *sock, const char *name,
			  double tol, bool precise)
{
	struct ptp_sys_offset_precise pre;
	memset(&pre, 0, sizeof(pre));
	int ret = ioctl(fd, PTP_SYS_OFFSET_PRECISE, &pre);
	if (!precise) {
		CHECK(ret < 0 && errno == EOPNOTSUPP,
		      "PRECISE: want EOPNOTSUPP, got %s",
		      ret == 0 ? "success" : strerror(errno));
		printf("precise: EOPNOTSUPP as expected\n");
		return;
	}
	CHECK(ret == 0, "PRECISE: %s", strerror(errno));
	if (ret != 0)
		return;
	double worst = 0.0, truth;
	for (int k = 0; k < 50; k++) {
		CHECK(ioctl(fd,
			    k % 2 ? PTP_SYS_OFFSET_PRECISE2
				  : PTP_SYS_OFFSET_PRECISE,
			    &pre) == 0,
		      "PRECISE: %s", strerror(errno));
		int64_t sys = ptp_ns(&pre.sys_realtime);
		if (truth_at(sock, name, sys, &truth) < 0) {
			failures++;
			return;
		}
		double err = fabs((double)(ptp_ns(&pre.device) - sys) - truth);
		CHECK(err <= tol, "precise: offset error %.1f ns", err);
		worst = err > worst ? err : worst;
		CHECK(pre.sys_monoraw.sec > 0, "precise: no sys_monoraw");
	}
	printf("precise: 50 cross-timestamps, worst |offset - truth| %.1f ns\n",
	       worst);
}

static void check_other_ioctls(int fd)
{
	struct ptp_sys_offset basic;
	memset(&basic, 0, sizeof(basic));
	basic.n_samples = 5;
	int ret = ioctl(fd, PTP_SYS_OFFSET, &basic);
	CHECK(ret < 0 && errno == EOPNOTSUPP,
	      "SYS_OFFSET: want EOPNOTSUPP, got %s",
	      ret == 0 ? "success" : strerror(errno));
	struct ptp_pin_desc pd;
	memset(&pd, 0, sizeof(pd));
	CHECK(ioctl(fd, PTP_PIN_GETFUNC, &pd) < 0 && errno == EINVAL,
	      "PIN_GETFUNC: want EINVAL");
	int dummy = 0;
	CHECK(ioctl(fd, _IOR(PTP_CLK_MAGIC, 99, int), &dummy) < 0 &&
		  errno == ENOTTY,
	      "unknown ioctl: want ENOTTY, got %s", strerror(errno));
}

static int cmd_check(char **argv)
{
	const char *dev = argv[0], *sock = argv[1], *name = argv[2];
	double tol = atof(argv[3]);
	bool precise = strcmp(argv[4], "yes") == 0;
	int fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "open %s: %s\n", dev, strerror(errno));
		return 1;
	}
	check_caps(fd, precise);
	check_extended(fd, sock, name, tol);
	check_precise(fd, sock, name, tol, precise);
	check_other_ioctls(fd);
	close(fd);
	return failures ? 1 : 0;
}

static int read_once(int fd)
{
	struct ptp_sys_offset_extended ext;
	memset(&ext, 0, sizeof(ext));
	ext.n_samples = 1;
	return ioctl(fd, PTP_SYS_OFFSET_EXTENDED, &ext) == 0 ? 0 : -errno;
}

static bool listed(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;
	if (!d)
		return false;
	while ((e = readdir(d)) != NULL)
		found = found || strcmp(e->d_name, name) == 0;
	closedir(d);
	return found;
}

static int cmd_vanish(char **argv)
{
	const char *dev = argv[0], *sock = argv[1], *name = argv[2];
	char dircopy[4096], line[128];
	snprintf(dircopy, sizeof(dircopy), "%s", dev);
	const char *dir = dirname(dircopy);
	struct stat st;
	int fd = open(dev, O_RDWR | O_CLOEXEC);
	CHECK(fd >= 0 && read_once(fd) == 0, "read before vanish");
	snprintf(line, sizeof(line), "VANISH %s", name);
	CHECK(side_ok(sock, line) == 0, "VANISH refused");
	CHECK(read_once(fd) == -ENODEV, "open fd while gone: want ENODEV");
	CHECK(stat(dev, &st) < 0 && errno == ENOENT, "stat while gone");
	CHECK(!listed(dir, name), "listed while gone");
	CHECK(open(dev, O_RDWR) < 0 && errno == ENOENT, "open while gone");
	snprintf(line, sizeof(line), "RETURN %s", name);
	CHECK(side_ok(sock, line) == 0, "RETURN refused");
	CHECK(stat(dev, &st) == 0 && listed(dir, name), "back in directory");
	CHECK(read_once(fd) == -ENODEV,
	      "fd from before the unplug: want ENODEV");
	int fd2 = open(dev, O_RDWR | O_CLOEXEC);
	CHECK(fd2 >= 0 && read_once(fd2) == 0, "new fd after return");
	printf("vanish: ENODEV while gone, file hidden, old fd dead, new fd "
	       "works\n");
	close(fd);
	close(fd2);
	return failures ? 1 : 0;
}

/* Poll STATUS until NAME is (or is not) present. Returns 0, -1 on timeout. */
static int wait_presence(const char *sock, const char *name, bool present,
			 int64_t deadline)
{
	char line[128], reply[256];
	snprintf(line, sizeof(line), "STATUS %s", name);
	while (now_ns() < deadline) {
		if (side_request(sock, line, reply, sizeof(reply)) == 0 &&
		    strncmp(reply + 3, present ? "present" : "gone",
			    present ? 7 : 4) == 0)
			return 0;
		usleep(20000);
	}
	return -1;
}

static int cmd_schedule(char **argv)
{
	const char *dev = argv[0], *sock = argv[1], *name = argv[2];
	int64_t deadline = now_ns() + (int64_t)atoi(argv[3]) * NS_PER_SEC;
	struct stat st;
	int fd = open(dev, O_RDWR | O_CLOEXEC);
	CHECK(fd >= 0 && read_once(fd) == 0, "read before the unplug");
	CHECK(wait_presence(sock, name, false, deadline) == 0,
	      "never vanished");
	CHECK(read_once(fd) == -ENODEV, "while gone: want ENODEV");
	CHECK(stat(dev, &st) < 0 && errno == ENOENT, "stat while gone");
	CHECK(wait_presence(sock, name, true, deadline) == 0,
	      "never came back");
	CHECK(read_once(fd) == -ENODEV,
	      "fd from before the unplug: want ENODEV");
	int fd2 = open(dev, O_RDWR | O_CLOEXEC);
	CHECK(fd2 >= 0 && read_once(fd2) == 0, "new fd after return");
	printf("schedule: vanished and returned on time, old fd dead, new fd "
	       "works\n");
	close(fd);
	close(fd2);
	return failures ? 1 : 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static void print_pct(const char *what, int64_t *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_i64);
	printf(
	    "%-8s min %6.1f  p50 %6.1f  p90 %6.1f  p99 %6.1f  max %8.1f us\n",
	    what, v[0] / 1e3, v[n / 2] / 1e3, v[n * 9 / 10] / 1e3,
	    v[n * 99 / 100] / 1e3, v[n - 1] / 1e3);
}

/*
 * Round trip = caller's clock around ioctl(); inbound = caller's before
 * to the server's first sys_before; outbound = the server's last
 * sys_after to the caller's after.
 */
static int cmd_latency(char **argv)
{
	int n = atoi(argv[1]), samples = atoi(argv[2]);
	if (n < 10 || samples < 1 || samples > PTP_MAX_SAMPLES)
		return 2;
	int fd = open(argv[0], O_RDWR | O_CLOEXEC);
	int64_t *rt = calloc((size_t)n, sizeof(*rt));
	int64_t *in = calloc((size_t)n, sizeof(*in));
	int64_t *out = calloc((size_t)n, sizeof(*out));
	if (fd < 0 || !rt || !in || !out)
		return 1;
	struct ptp_sys_offset_extended ext;
	for (int i = 0; i < n; i++) {
		memset(&ext, 0, sizeof(ext));
		ext.n_samples = (unsigned)samples;
		int64_t b = now_ns();
		if (ioctl(fd, PTP_SYS_OFFSET_EXTENDED, &ext) < 0)
			return 1;
		int64_t a = now_ns();
		rt[i] = a - b;
		in[i] = ptp_ns(&ext.ts[0][0]) - b;
		out[i] = a - ptp_ns(&ext.ts[samples - 1][2]);
	}
	printf("%d x PTP_SYS_OFFSET_EXTENDED(n_samples=%d):\n", n, samples);
	print_pct("roundtrip", rt, n);
	print_pct("inbound", in, n);
	print_pct("outbound", out, n);
	close(fd);
	free(rt);
	free(in);
	free(out);
	return 0;
}

static int cmd_side(int argc, char **argv)
{
	char line[512] = "", reply[512];
	for (int i = 1; i < argc; i++) {
		strncat(line, argv[i], sizeof(line) - strlen(line) - 2);
		if (i + 1 < argc)
			strcat(line, " ");
	}
	if (side_request(argv[0], line, reply, sizeof(reply)) < 0) {
		fprintf(stderr, "%s: no answer\n", argv[0]);
		return 1;
	}
	printf("%s\n", reply);
	return strncmp(reply, "OK", 2) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 7 && strcmp(argv[1], "check") == 0)
		return cmd_check(argv + 2);
	if (argc == 5 && strcmp(argv[1], "vanish") == 0)
		return cmd_vanish(argv + 2);
	if (argc == 6 && strcmp(argv[1], "schedule") == 0)
		return cmd_schedule(argv + 2);
	if (argc == 5 && strcmp(argv[1], "latency") == 0)
		return cmd_latency(argv + 2);
	if (argc >= 4 && strcmp(argv[1], "cmd") == 0)
		return cmd_side(argc - 2, argv + 2);
	fprintf(stderr,
		"usage: fakephc_probe check DEV SOCK NAME TOL_NS yes|no\n"
		"       fakephc_probe vanish DEV SOCK NAME\n"
		"       fakephc_probe schedule DEV SOCK NAME TIMEOUT_S\n"
		"       fakephc_probe latency DEV COUNT SAMPLES\n"
		"       fakephc_probe cmd SOCK WORDS...\n");
	return 2;
}
