/* estimator.h: one poll's PHC readings -> one offset estimate (pure). */
#ifndef PHCB_ESTIMATOR_H
#define PHCB_ESTIMATOR_H

#include <stdbool.h>
#include <stdint.h>

#include "reading.h"

#define EST_HISTORY 256 /* read delays remembered across polls */
#define EST_MAX_READINGS 200 /* readings of one poll, several reads */

/* How readings are chosen. */
struct est_config {
	bool filter;	       /* false: plain mean of every reading */
	double delay_quantile; /* keep readings up to this quantile of delay */
};

/* Running read-delay distribution of one device. */
struct est_state {
	double delays[EST_HISTORY];
	int count; /* valid entries */
	int head;  /* next slot to write */
};

/* One poll's estimate. */
struct est_sample {
	int64_t sys_ns;	  /* system time the offset applies to */
	double offset_ns; /* PHC - system at sys_ns */
	double delay_ns;  /* mean read delay of the readings used */
	double err_ns;	  /* bound on the error of offset_ns */
	int used;	  /* readings used */
	int total;	  /* valid readings offered */
	bool degraded;	  /* no reading was within the usual delay */
	double threshold_ns; /* delay limit applied this poll */
};

/** est_init - empty delay history. */
void est_init(struct est_state *st);

/**
 * est_from_readings - estimate PHC - system from one poll's readings.
 * @st:  the device's delay history, updated with this poll's delays
 * @cfg: filtering settings
 * @r:   readings; a reading with sys_after < sys_before is ignored
 * @n:   number of readings (at most EST_MAX_READINGS are used)
 * @out: the estimate
 * Keeps the readings whose delay is at most the configured quantile of the
 * recent delay distribution (the minimum-delay reading at least). The PHC
 * was latched inside each read window, so the offset lies within
 * [phc - sys_after, phc - sys_before] of every reading: the estimate is the
 * middle of the offsets allowed by the most windows (Marzullo's sweep), its
 * error bound half their width; readings outside that agreement are not
 * used. If fewer than half agree, the minimum-delay reading is used and the
 * sample is marked degraded. Cross-timestamps (zero-width windows) are
 * averaged, far ones (beyond 5 robust sigma of the median) dropped. With
 * filtering off, every reading's offset is averaged.
 * Returns 0, or -EINVAL when no reading is valid.
 */
int est_from_readings(struct est_state *st, const struct est_config *cfg,
		      const struct phc_reading *r, int n,
		      struct est_sample *out);

/**
 * est_delay_quantile - the @q quantile of the delay history (0 if empty).
 */
double est_delay_quantile(const struct est_state *st, double q);

#endif
