/* eventfail.c: LD_PRELOAD fault seam: the Nth event_add() of a process fails. */
/*
 * With PHCB_EVENTFAIL_AT=N in the environment, the Nth call of libevent's
 * event_add() (counting from 1, calls from inside libevent included)
 * returns -1 without adding anything; every other call goes through. The
 * error-path test starts the daemon once for each N and checks that every
 * failure is logged and handled: no silent dead source, no crash.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/time.h>

struct event;
typedef int (*event_add_fn)(struct event *, const struct timeval *);
int event_add(struct event *ev, const struct timeval *tv);

int event_add(struct event *ev, const struct timeval *tv)
{
	static event_add_fn real;
	static long calls, fail_at = -1;

	if (!real)
		real = (event_add_fn)dlsym(RTLD_NEXT, "event_add");
	if (fail_at < 0) {
		const char *s = getenv("PHCB_EVENTFAIL_AT");
		fail_at = s ? strtol(s, NULL, 10) : 0;
	}
	if (++calls == fail_at)
		return -1;
	return real(ev, tv);
}
