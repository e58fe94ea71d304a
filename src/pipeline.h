/* pipeline.h: one poll's readings through estimator, tracker and smoother. */
#ifndef PHCB_PIPELINE_H
#define PHCB_PIPELINE_H

#include <stdbool.h>

#include "config.h"
#include "estimator.h"
#include "smoother.h"
#include "taiutc.h"
#include "tracker.h"

/* How one source filters: the three stages' settings. */
struct pipeline_config {
	struct est_config est;
	struct trk_config trk;
	bool smoothing; /* smooth across polls (with est.filter only) */
};

/* The state the three stages keep across polls. */
struct pipeline {
	struct est_state est;
	struct trk_state trk;
	struct smo_state smo;
};

/* What became of one poll's readings. */
struct pipeline_result {
	struct est_sample estimate; /* the estimator's offset (moved to UTC
				     * for a PHC on TAI), delay, bound */
	int tai_utc_s;		    /* TAI - UTC taken off, 0 for UTC */
	enum trk_verdict verdict;   /* the tracker's verdict on it */
	double offset_ns;	    /* PHC - system at estimate.sys_ns, to feed
				     * (valid unless verdict is TRK_REJECT) */
};

/** pipeline_init - empty state: no delay history, no model. */
void pipeline_init(struct pipeline *p);

/**
 * pipeline_poll - estimate one offset from @n readings, move it to UTC for
 * a PHC on TAI, let the tracker judge it and, if kept, smooth it
 * (smoothing restarts from the sample at a step or while the tracker has
 * no model).
 * @tai: for a PHC keeping TAI, TAI - UTC at the PHC's time (a leap second
 *       takes effect on the very sample it applies to, so the series stays
 *       continuous as the system clock takes the leap); NULL for UTC
 * Returns 0 with @out filled, or the estimator's -errno (no usable
 * reading: nothing changes).
 */
int pipeline_poll(struct pipeline *p, const struct pipeline_config *cfg,
		  const struct taiutc *tai, const struct phc_reading *r, int n,
		  struct pipeline_result *out);

/** pipeline_config_from - the settings of a source's [source] section. */
void pipeline_config_from(const struct filter_config *f,
			  struct pipeline_config *out);

#endif
