/* gating.h: feed the gate each poll, and act on chronyd when it decides. */
#ifndef PHCB_GATING_H
#define PHCB_GATING_H

#include <stdint.h>

#define PTP_POLL_MS 1000 /* how often ptp4l is asked for its state */

struct daemon;
struct slot;
struct source_event;

/**
 * gating_poll - after a poll of @slot's source: give the gate the device's
 * health and ptp4l's state, log a transition with its reason, and when
 * feeding stops or resumes, act on chronyd (reset sources and burst, or
 * NTP sources online/offline as configured).
 * @mono: CLOCK_MONOTONIC now, ns
 * @ev:   what the poll did (source_poll())
 */
void gating_poll(struct daemon *d, struct slot *slot, int64_t mono,
		 const struct source_event *ev);

/**
 * gating_open_ptp - start watching the source's ptp4l, if it has one.
 * Returns 0 or a negative errno (logged; the source then gates on its
 * device alone).
 */
int gating_open_ptp(struct daemon *d, struct slot *slot);

#endif
