/* timeshift.c: LD_PRELOAD test seam: one process's wall clock, stepped. */
/*
 * Loaded into a process with LD_PRELOAD, it adds to every reading of
 * CLOCK_REALTIME (clock_gettime, gettimeofday, time) the number of seconds
 * written in the file named by $PHCB_TIMESHIFT_FILE (re-read at most every
 * 50 ms of CLOCK_MONOTONIC; a missing or empty file is 0). A test steps the
 * wall clock the daemon sees, as chronyd's makestep would, without touching
 * the host's clock. Other clocks pass through unchanged.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

typedef int (*clock_gettime_fn)(clockid_t, struct timespec *);

static clock_gettime_fn real_clock_gettime(void)
{
	static clock_gettime_fn fn;

	if (!fn)
		fn = (clock_gettime_fn)dlsym(RTLD_NEXT, "clock_gettime");
	return fn;
}

/* The shift in ns, from the file; cached for 50 ms. */
static int64_t shift_ns(void)
{
	static int64_t cached, read_at;
	struct timespec now;
	const char *path = getenv("PHCB_TIMESHIFT_FILE");
	char buf[64];
	int64_t mono;
	ssize_t n;
	int fd;

	if (!path || real_clock_gettime()(CLOCK_MONOTONIC, &now) < 0)
		return 0;
	mono = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
	if (read_at && mono - read_at < 50000000)
		return cached;
	read_at = mono;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cached = 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	cached = (int64_t)(strtod(buf, NULL) * 1e9);
	return cached;
}

static void shift(struct timespec *ts)
{
	int64_t t = (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec + shift_ns();

	ts->tv_sec = (time_t)(t / 1000000000);
	ts->tv_nsec = (long)(t % 1000000000);
	if (ts->tv_nsec < 0) {
		ts->tv_nsec += 1000000000;
		ts->tv_sec--;
	}
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
	int r = real_clock_gettime()(id, ts);

	if (r == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE))
		shift(ts);
	return r;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	struct timespec ts;

	(void)tz;
	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		return -1;
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
	return 0;
}

time_t time(time_t *out)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (out)
		*out = ts.tv_sec;
	return ts.tv_sec;
}
