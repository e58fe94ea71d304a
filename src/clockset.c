/* clockset.c: notice when someone sets the system clock (a timerfd that
 * the kernel cancels when CLOCK_REALTIME is set). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "clockset.h"

#define AHEAD_S (365LL * 86400) /* the timer expires, is re-armed, yearly */

struct clockset_watch {
	int fd;
	struct event *ev;
	void (*cb)(void *ctx);
	void *ctx;
};

/* An absolute timer a year ahead, cancelled by the kernel on a clock
 * set. */
static int arm(int fd)
{
	struct itimerspec its = { 0 };
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	its.it_value.tv_sec = now.tv_sec + (time_t)AHEAD_S;
	return timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
			       &its, NULL) < 0 ? -errno : 0;
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct clockset_watch *w = arg;
	uint64_t n;

	/* ECANCELED: the clock was set; re-arming acknowledges it. A read
	 * of an expiry (a year without a set) just re-arms. */
	if (read(fd, &n, sizeof(n)) < 0) {
		if (errno != ECANCELED)
			return;
		arm(fd);
		w->cb(w->ctx);
		return;
	}
	arm(fd);
}

int clockset_open(struct event_base *base, int priority,
		  void (*cb)(void *ctx), void *ctx, struct clockset_watch **out)
{
	struct clockset_watch *w = calloc(1, sizeof(*w));
	int r;

	*out = NULL;
	if (!w)
		return -ENOMEM;
	w->cb = cb;
	w->ctx = ctx;
	w->fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
	r = w->fd < 0 ? -errno : arm(w->fd);
	if (r == 0) {
		w->ev = event_new(base, w->fd, EV_READ | EV_PERSIST,
				  on_readable, w);
		r = w->ev && event_priority_set(w->ev, priority) == 0 &&
				    event_add(w->ev, NULL) == 0
			    ? 0
			    : -ENOMEM;
	}
	if (r < 0) {
		clockset_close(w);
		return r;
	}
	*out = w;
	return 0;
}

void clockset_close(struct clockset_watch *w)
{
	if (!w)
		return;
	if (w->ev)
		event_free(w->ev);
	if (w->fd >= 0)
		close(w->fd);
	free(w);
}
