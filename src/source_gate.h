/* source_gate.h: feed the gate each poll, and act on chronyd when it decides. */
#ifndef PHCB_SOURCE_GATE_H
#define PHCB_SOURCE_GATE_H

#include <stdint.h>

#include "ptp4l_watch.h"
#include "vmclock_map.h"

#define PTP_POLL_MS 1000 /* how often ptp4l is asked for its state */

struct chronywatch;
struct event_base;
struct source;
struct source_config;
struct source_event;

/* What the gate of one source needs besides its source: ptp4l's view and
 * the device's recent health. */
struct source_gate {
	struct ptpwatch *ptp;	     /* NULL without ptp4l_socket */
	int64_t last_accept_mono_ns; /* last sample the tracker accepted */
	int64_t last_step_mono_ns;   /* last phase step, 0 none */
	double reject_fraction;	     /* recent, exponentially weighted */
	/* VMClock, when the source has a page (vmclock key) */
	struct vmclock_map vm;	       /* vm.page NULL: not mapped */
	char vm_path[CONFIG_PATH_MAX]; /* the page mapped or tried */
	int vm_error;		       /* last failure to map or read */
	int64_t vm_next_try_mono_ns;   /* when to try mapping again */
	bool vm_have;		       /* vm_last is a consistent copy */
	struct vmclock_state vm_last;  /* the last consistent copy */
	int64_t vm_disrupted_mono_ns;  /* last disruption seen, 0 none */
	unsigned long vm_disruptions;  /* disruptions seen */
	bool vm_held; /* a disruption stopped feeding before the gate knew */
};

/**
 * source_gate_open - start watching the source's ptp4l, if it has one.
 * @index:      the source's index in the configuration (privilege
 *              separation: the parent connects to ptp4l)
 * @run_dir:    where the ptp4l client socket goes
 * @generation: makes the socket's name unique among this daemon's starts
 * Returns 0 or a negative errno (logged; the source then gates on its
 * device alone, and the gate is still usable).
 */
int source_gate_open(struct source_gate *g, struct event_base *base,
		     const struct source_config *sc, int index,
		     const char *run_dir, unsigned generation);

/** source_gate_close - stop watching ptp4l, unmap the VMClock page. */
void source_gate_close(struct source_gate *g);

/**
 * source_gate_before_poll - before a poll of @s: read its VMClock page, if
 * it has one; on a disruption stop feeding at once, so that the poll
 * sends nothing read across the migration (source_gate_poll() then tells
 * the gate and chronyd).
 */
void source_gate_before_poll(struct source_gate *g, struct source *s,
			     int64_t mono);

/**
 * source_gate_poll - after a poll of @s: give its gate the device's health
 * and ptp4l's state, log a transition with its reason, and when feeding
 * stops or resumes, act on @chrony (NULL: chronyd not watched) as
 * chrony_plan_for() says.
 * @mono: CLOCK_MONOTONIC now, ns
 * @ev:   what the poll did (source_poll())
 */
void source_gate_poll(struct source_gate *g, struct source *s,
		      struct chronywatch *chrony, int64_t mono,
		      const struct source_event *ev);

/**
 * source_gate_resume - start source @s's gate in the state the worker
 * before this one left it in (@text: --resume's NAME=STATE:OVERRIDE list),
 * logged as a transition; nothing when @text does not name the source or
 * names it badly (logged).
 */
void source_gate_resume(struct source *s, const char *text, int64_t mono);

#endif
