/* chrony_view.h: chronyd's view taken from decoded replies (pure). */
#ifndef PHCB_CHRONYVIEW_H
#define PHCB_CHRONYVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chrony_codec.h"

#define CHRONYWATCH_SOURCES_MAX 32
#define CHRONYWATCH_MISSING_MAX 16

/* Actions queued for chronyd, done before the next report cycle. */
enum chronywatch_action {
	CHRONYWATCH_RESET_SOURCES = 1 << 0, /* forget all measurements */
	CHRONYWATCH_BURST = 1 << 1,	    /* burst on every NTP source */
	CHRONYWATCH_ONLINE = 1 << 2,	    /* NTP sources online */
	CHRONYWATCH_OFFLINE = 1 << 3,	    /* NTP sources offline */
	CHRONYWATCH_RESELECT = 1 << 4,	    /* select now: last, after SELECTOPTS */
};

/* The last reports chronyd gave. */
struct chronywatch_view {
	bool have_tracking;
	struct candm_tracking tracking;
	int64_t tracking_at_ns; /* CLOCK_MONOTONIC of the report, 0 never */
	int n_sources;		/* 0 .. CHRONYWATCH_SOURCES_MAX */
	struct candm_source_data sources[CHRONYWATCH_SOURCES_MAX];
	int64_t sources_at_ns;
	int last_error;		/* errno of the last failed exchange, 0 ok */
	int selectopts;		/* chronyd has SELECTOPTS (4.4+): 1, 0, -1 unknown */
	unsigned long replies, timeouts, errors;
	unsigned long actions_done; /* selections and actions acknowledged */
	unsigned long selects_done; /* of them SELECTOPTS (chronyd 4.4+) */
	unsigned long resets_done;  /* of them RESET_SOURCES (before 4.4) */
	/* refids a SELECTOPTS named that this chronyd has no source for */
	uint32_t missing[CHRONYWATCH_MISSING_MAX];
	int n_missing;
};

/* What the outstanding request is for. */
enum chronyview_step {
	CHRONYVIEW_IDLE,
	CHRONYVIEW_ACTION,
	CHRONYVIEW_PROBE,  /* does chronyd know SELECTOPTS? */
	CHRONYVIEW_SELECT, /* a queued SELECTOPTS */
	CHRONYVIEW_TRACKING,
	CHRONYVIEW_N_SOURCES,
	CHRONYVIEW_SOURCE_DATA,
};

/* A report cycle's sources, read one SOURCE_DATA exchange at a time. */
struct chronyview_cycle {
	uint32_t index; /* sources read so far, <= total */
	uint32_t total; /* chronyd's count, clamped to the table */
	struct candm_source_data scratch[CHRONYWATCH_SOURCES_MAX];
};

/**
 * chronyview_take - take a reply that decoded without error into the view.
 * @v: the view; @c: the report cycle in progress.
 * @step: what the request was for; @rep: the decoded reply.
 * @now_ns: CLOCK_MONOTONIC now, stamped on a TRACKING report.
 * A source count is clamped to CHRONYWATCH_SOURCES_MAX whatever chronyd
 * says; a source beyond the count is dropped. Returns the step after it:
 * CHRONYVIEW_IDLE when the exchange ends there (probe, select, action),
 * else @step (the report cycle goes on).
 */
enum chronyview_step chronyview_take(struct chronywatch_view *v,
				     struct chronyview_cycle *c,
				     enum chronyview_step step,
				     const struct candm_reply *rep,
				     int64_t now_ns);

/**
 * chronyview_probe_refused - the SELECTOPTS probe was answered with an
 * error status: @err -EOPNOTSUPP (INVALID: chronyd before 4.4) or -EPROTO
 * (another status: chronyd knows the command).
 * @v: the view.
 */
/**
 * chronyview_note_missing - chronyd answered a SELECTOPTS for @ref_id with
 * "no such source". Returns true the first time for that refid (the
 * caller warns then), false when it is already noted or the list is full.
 */
bool chronyview_note_missing(struct chronywatch_view *v, uint32_t ref_id);

/**
 * chronyview_found - chronyd accepted a SELECTOPTS for @ref_id: it is no
 * longer missing.
 */
void chronyview_found(struct chronywatch_view *v, uint32_t ref_id);

void chronyview_probe_refused(struct chronywatch_view *v, int err);

/**
 * chronyview_next_source - the SOURCE_DATA index to ask for next.
 * @c: the report cycle.
 * Returns 0 .. total - 1, or -ENOENT once every source was read.
 */
int chronyview_next_source(const struct chronyview_cycle *c);

/**
 * chronyview_publish - the cycle read all its sources: they become the
 * view's, stamped @now_ns.
 * @v: the view; @c: the finished cycle.
 */
void chronyview_publish(struct chronywatch_view *v,
			const struct chronyview_cycle *c, int64_t now_ns);

/**
 * chronyview_reference_name - chronyd's reference as text into @buf: its
 * refid for a refclock, the refid in hex for a server, "none" without one.
 */
void chronyview_reference_name(const struct chronywatch_view *v, char *buf,
			       size_t len);

#endif
