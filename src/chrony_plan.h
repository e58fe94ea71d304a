/* chrony_plan.h: what to ask of chronyd when a source's gate changes (pure). */
#ifndef PHCB_CHRONYPLAN_H
#define PHCB_CHRONYPLAN_H

#include <stdbool.h>

/* The requests for one change of feeding. */
struct chrony_plan {
	unsigned actions; /* enum chronywatch_action bits, queued for all */
	int select;	  /* SELECTOPTS for the source's refclock: 1 make it
			   * selectable, 0 noselect, -1 none */
};

/**
 * chrony_plan_for - the requests when a source's feeding of chronyd starts
 * (@feeding) or stops, for a chronyd with SELECTOPTS (@selectopts: 1, 4.4
 * and later), without it (0) or not known yet (-1: planned as without).
 * @ntp_offline_while_locked: the source's ntp_while_locked is offline
 *
 * With SELECTOPTS just that refclock is dropped or restored, every other
 * source keeping its measurements, and a RESELECT follows (chronyd 4.8
 * otherwise applies the options only at its next source update, up to a
 * poll later: measured 2.7 s). Dropping it also bursts the NTP servers:
 * chronyd switches only to a source with a sample newer than its last
 * reference update, which the PHC's refclock made a moment ago, so without
 * a fresh NTP sample the switch waits up to a whole NTP poll (64 s at
 * chrony's default minpoll). Without SELECTOPTS (chrony 4.3 keeps a silent
 * refclock selected for minutes), stopping resets all sources and bursts
 * the NTP servers so that selection moves at once.
 */
struct chrony_plan chrony_plan_for(bool feeding, int selectopts,
				   bool ntp_offline_while_locked);

#endif
