/* reading.h: one PHC reading as every driver returns it. */
#ifndef PHCB_READING_H
#define PHCB_READING_H

#include <stdint.h>

/*
 * One PHC reading: the system clock (CLOCK_REALTIME) just before and just
 * after the PHC was read, and the PHC time. All nanoseconds since the epoch.
 * A hardware cross-timestamp has sys_before == sys_after.
 */
struct phc_reading {
	int64_t sys_before;
	int64_t phc;
	int64_t sys_after;
};

#define PHC_MAX_READINGS 25 /* PTP_MAX_SAMPLES in <linux/ptp_clock.h> */

#endif
