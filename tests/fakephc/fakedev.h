/* fakedev.h: one emulated PHC: clock model, presence and steps, thread-safe. */
#ifndef PHCB_FAKEDEV_H
#define PHCB_FAKEDEV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "clockmodel.h"
#include "reading.h"

#define FAKEDEV_NAME_MAX 64
#define FAKEDEV_MAX_STEPS 256

/* A phase step added by command: from t_ns on, the PHC is ns further. */
struct fakedev_step {
	int64_t t_ns;
	double ns;
	double ppm; /* frequency change from t_ns on (a live migration) */
};

/* Read and error counts, for STATUS. */
struct fakedev_counts {
	unsigned long opens;
	unsigned long extended; /* EXTENDED ioctls answered */
	unsigned long precise;	/* PRECISE ioctls answered */
	unsigned long enodev;	/* ioctls refused because the device is gone */
};

/*
 * One emulated device. Everything below lock is protected by it; the
 * fields above it are set once by fakedev_init and then only read.
 */
struct fakedev {
	char name[FAKEDEV_NAME_MAX];
	const char *profile; /* profile name, for STATUS */
	struct clockmodel_params params;
	int max_adj_ppb;      /* PTP_CLOCK_GETCAPS max_adj */
	bool extended;	      /* answers PTP_SYS_OFFSET_EXTENDED */
	int64_t epoch_ns;     /* model time zero */
	int64_t (*now)(void); /* CLOCK_REALTIME in ns; tests may replace */
	bool raw_clock;	      /* the PHC runs on CLOCK_MONOTONIC_RAW: a step
				 of the system clock shows in PHC - system */
	int64_t raw_base;     /* REALTIME - MONOTONIC_RAW when it started */

	pthread_mutex_t lock;
	struct clockmodel model;
	int64_t busy_until; /* end of the last read: reads never overlap */
	bool forced_gone;   /* VANISH command in force */
	unsigned gen;	    /* bumped by VANISH: older descriptors die */
	int n_steps;
	struct fakedev_step steps[FAKEDEV_MAX_STEPS];
	struct fakedev_counts counts;
};

/* What an open descriptor remembers, to die like a real unplugged one. */
struct fakedev_ticket {
	unsigned gen;	 /* device generation at open */
	int64_t open_ns; /* when it was opened */
};

/**
 * fakedev_now_realtime - CLOCK_REALTIME in nanoseconds (the default now).
 */
int64_t fakedev_now_realtime(void);

/**
 * fakedev_init - set up @d.
 * @name:     file name in the mount, at most FAKEDEV_NAME_MAX - 1 chars
 * @profile:  profile name (kept by pointer, must outlive @d)
 * @p:        model parameters, copied
 * @max_adj:  max_adj for PTP_CLOCK_GETCAPS
 * @extended: whether EXTENDED is answered (else EOPNOTSUPP)
 * @epoch_ns: model time zero (CLOCK_REALTIME ns)
 * Returns 0, -ENAMETOOLONG or another negative errno.
 */
int fakedev_init(struct fakedev *d, const char *name, const char *profile,
		 const struct clockmodel_params *p, int max_adj, bool extended,
		 int64_t epoch_ns);

/**
 * fakedev_use_raw_clock - make @d's PHC independent of CLOCK_REALTIME from
 * now on: it keeps running on CLOCK_MONOTONIC_RAW, so a step (or slew) of
 * the system clock shows in PHC - system as it does with real hardware.
 * TRUTH then answers with the system clock's current departure.
 */
void fakedev_use_raw_clock(struct fakedev *d);

/** fakedev_destroy - release what fakedev_init took. */
void fakedev_destroy(struct fakedev *d);

/**
 * fakedev_present - whether the device is plugged in now (not vanished by
 * the model's schedule nor by command).
 */
bool fakedev_present(struct fakedev *d);

/**
 * fakedev_open - open the device now: fill @tk.
 * Returns 0 or -ENOENT when the device is gone.
 */
int fakedev_open(struct fakedev *d, struct fakedev_ticket *tk);

/**
 * fakedev_check - whether a descriptor opened as @tk still works now.
 * Returns 0, or -ENODEV when the device is gone or was gone since @tk
 * was opened (a hot-unplugged PHC's descriptors stay dead).
 */
int fakedev_check(struct fakedev *d, const struct fakedev_ticket *tk);

/**
 * fakedev_read_extended - @n readings as PTP_SYS_OFFSET_EXTENDED gives
 * them, starting now (or when the previous read ends, if later).
 * @out: n readings
 * Returns 0, -ENODEV, -EOPNOTSUPP (profile without EXTENDED) or -EINVAL.
 */
int fakedev_read_extended(struct fakedev *d, const struct fakedev_ticket *tk,
			  struct phc_reading *out, int n);

/**
 * fakedev_read_precise - one cross-timestamp now into @out.
 * Returns 0, -ENODEV or -EOPNOTSUPP (profile without PRECISE).
 */
int fakedev_read_precise(struct fakedev *d, const struct fakedev_ticket *tk,
			 struct phc_reading *out);

/**
 * fakedev_truth - the true PHC minus system offset at @t_ns, in ns,
 * including commanded steps.
 */
double fakedev_truth(struct fakedev *d, int64_t t_ns);

/**
 * fakedev_true_freq - the true frequency error of the PHC against the
 * system clock at @t_ns, in ppm (commanded steps do not change it).
 */
double fakedev_true_freq(struct fakedev *d, int64_t t_ns);

/** fakedev_vanish - unplug by command. Returns 0 or -EALREADY. */
int fakedev_vanish(struct fakedev *d);

/** fakedev_return - plug back in by command. Returns 0 or -EALREADY. */
int fakedev_return(struct fakedev *d);

/**
 * fakedev_step - step the PHC by @ns and change its frequency by @ppm
 * from now on (or from the end of a read in progress), as a live
 * migration to another host does. @t_ns gets the time it takes effect.
 * Returns 0 or -ENOSPC when too many steps were commanded.
 */
int fakedev_step(struct fakedev *d, double ns, double ppm, int64_t *t_ns);

/** fakedev_counts - a consistent copy of the counters. */
void fakedev_get_counts(struct fakedev *d, struct fakedev_counts *c,
			unsigned *gen);

#endif
