/* timeutil.h: nanosecond time helpers shared by the daemon's modules. */
#ifndef PHCB_TIMEUTIL_H
#define PHCB_TIMEUTIL_H

#include <stdint.h>
#include <time.h>

#define NS_PER_US 1000LL
#define NS_PER_MS 1000000LL
#define NS_PER_SEC 1000000000LL

/* Nanoseconds since the epoch of @ts. */
static inline int64_t ts_to_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * NS_PER_SEC + ts->tv_nsec;
}

/* Current time of @clock in nanoseconds (0 if the clock cannot be read). */
static inline int64_t clock_now_ns(clockid_t clock)
{
	struct timespec ts;
	if (clock_gettime(clock, &ts) != 0)
		return 0;
	return ts_to_ns(&ts);
}

#endif
