/* source.h: one configured clock: device, filter, and its chrony feed. */
#ifndef PHCB_SOURCE_H
#define PHCB_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sock_feed.h"
#include "config.h"
#include "histogram.h"
#include "discover.h"
#include "driver.h"
#include "gate.h"
#include "pipeline.h"
#include "taiutc.h"

enum source_state {
	SOURCE_OPENING, /* not opened yet */
	SOURCE_RUNNING, /* device open and read */
	SOURCE_MISSING, /* device absent or failing; retried every second */
};

struct source {
	struct source_config cfg;
	int index; /* in the configuration, for the parent's opens */
	char dev_root[CONFIG_PATH_MAX];
	char sysfs_root[CONFIG_PATH_MAX];
	const struct phc_driver_ops *drv;
	struct phc_dev *dev;
	char path[CONFIG_PATH_MAX]; /* resolved device path */
	char clock_name[64];	    /* sysfs clock_name, "" if unknown */
	int64_t sim_epoch_ns;	    /* sim: model time zero, kept across reopen */
	int64_t next_open_mono_ns;  /* when to try opening again */
	enum source_state state;
	int last_error;		    /* errno of the last device failure */
	int consecutive_errors;
	struct pipeline_config pipe_cfg;
	struct pipeline pipe; /* estimator, tracker, smoother */
	struct chronyfeed feed;
	struct gate gate; /* PTP versus NTP: whether to feed chronyd */
	bool feeding;	  /* false: samples are computed but not sent */
	int leap;     /* enum sockmsg_leap sent with samples */
	double vm_maxerror_ns; /* VMClock's maximum error, 0 without */
	struct taiutc tai; /* TAI - UTC, for timescale tai */
	int tai_utc_fed_s; /* the TAI - UTC of the last sample fed */
	/* last poll */
	struct est_sample last;
	enum trk_verdict last_verdict;
	double smoothed_offset_ns; /* PHC - system at last.sys_ns, as fed */
	int64_t last_poll_mono_ns; /* CLOCK_MONOTONIC */
	double last_fed_offset_ns; /* as sent to chronyd (after corrections) */
	/* counters */
	unsigned long polls, read_errors, reads, fed, opens;
	unsigned long readings_taken, readings_valid, readings_used;
	unsigned long verdicts[TRK_RESYNC + 1]; /* polls by tracker verdict */
	struct histogram read_delay;		/* of every valid reading, s */
	/* regularity of polling, on the monotonic clock */
	int64_t prev_poll_mono_ns;
	int64_t poll_gap_max_ns;
	int64_t poll_gap_sum_ns;
	unsigned long poll_gaps;
};

/*
 * What one poll did: the one record the rest of the daemon (the gate, the
 * status items) learns a poll's outcome from, as chrony's refclock drivers
 * report through one call.
 */
struct source_event {
	int readings;		     /* readings taken (all reads), 0 none */
	int error;		     /* errno of a failed open or read, 0 none */
	bool opened;		     /* the device was opened this poll */
	bool lost;		     /* and closed: vanished or failing */
	unsigned accepted, rejected; /* the tracker's verdicts this poll */
	bool step;		     /* a phase step was confirmed */
	bool have_sample;	     /* @last holds this poll's last sample */
	struct pipeline_result last;
	bool fed;		     /* a sample was sent to chronyd */
};

/**
 * source_init - set up a source from its configuration; the device is
 * opened at the first poll.
 * @now_rt_ns: the system time (CLOCK_REALTIME): a simulated device's
 *             epoch when the configuration gives none
 * Returns 0 or -errno (the feed socket could not be created).
 */
int source_init(struct source *s, const struct source_config *cfg,
		const struct global_config *g, int64_t now_rt_ns);

/**
 * source_set_index - @s is source @index of the configuration now (set at
 * start and after a reload moved it): in a worker, the number its opens
 * through the parent name (the PHC, the feed's socket).
 */
void source_set_index(struct source *s, int index);

/**
 * source_poll - one poll: (re)open the device if due, read it, run the
 * pipeline, send the sample to chronyd if feeding.
 * @mono_ns: CLOCK_MONOTONIC now (retry scheduling, ages, poll intervals);
 *           samples carry the system time their readings were taken at
 * @ev:      filled with what happened
 */
void source_poll(struct source *s, int64_t mono_ns, struct source_event *ev);

/** source_fini - close the device and the feed. */
void source_fini(struct source *s);

/**
 * source_true_offset - for a simulated device, the true PHC - system
 * offset at @t_ns. Returns 0 or -EOPNOTSUPP (not simulated or not open).
 */
int source_true_offset(struct source *s, int64_t t_ns, double *offset_ns);

/**
 * source_summary - one line describing the source's state and counters
 * (for a simulated device, with its true offset at @now_rt_ns).
 * Returns the length written (as snprintf).
 */
int source_summary(struct source *s, int64_t now_rt_ns, char *buf,
		   size_t len);

/** source_state_name - "opening", "running" or "missing". */
const char *source_state_name(enum source_state st);

#endif
