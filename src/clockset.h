/* clockset.h: notice when someone sets the system clock (a timerfd that
 * the kernel cancels when CLOCK_REALTIME is set). */
#ifndef PHCB_CLOCKSET_H
#define PHCB_CLOCKSET_H

struct event_base;
struct clockset_watch;

/**
 * clockset_open - call @cb(@ctx) from the loop @base each time the system
 * clock is set (clock_settime, settimeofday, adjtimex ADJ_SETOFFSET: a
 * step, whoever made it; not a slew), at event @priority: that of the
 * polls, so that a poll due at the same time runs after it.
 * Returns 0 or a negative errno (no timerfd: steps go unnoticed).
 */
int clockset_open(struct event_base *base, int priority,
		  void (*cb)(void *ctx), void *ctx, struct clockset_watch **out);

/** clockset_close - stop watching (NULL is fine). */
void clockset_close(struct clockset_watch *w);

#endif
