/* taiutc.h: TAI - UTC for a PHC on TAI: ptp4l's offset, leaps at their instant. */
#ifndef PHCB_TAIUTC_H
#define PHCB_TAIUTC_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A NIC PHC disciplined by ptp4l keeps TAI; chronyd wants UTC. The offset
 * is ptp4l's currentUtcOffset while ptp4l marks it valid
 * (TIME_PROPERTIES_DATA_SET), else the configured utc_offset. A leap second
 * that ptp4l announces (leap61 or leap59) takes effect at its own instant,
 * the end of the UTC day, judged by the PHC time of each sample: ptp4l is
 * asked once a second and may report the new offset a little late, but
 * samples must change exactly at the leap, not before and not after.
 */
struct taiutc {
	int configured_s;	/* utc_offset: used while ptp4l gives none */
	bool ptp_valid;		/* ptp4l's offset is known and valid */
	int ptp_s;		/* ptp4l's currentUtcOffset */
	int leap;		/* announced: +1 (leap61), -1 (leap59), 0 */
	int64_t leap_at_tai_ns; /* PHC (TAI) time the leap takes effect */
};

/** taiutc_init - no word from ptp4l yet: the configured offset. */
void taiutc_init(struct taiutc *t, int configured_s);

/**
 * taiutc_update - what ptp4l's TIME_PROPERTIES_DATA_SET says now.
 * @valid:      UTC_OFF_VALID (false also when ptp4l is not heard)
 * @offset_s:   currentUtcOffset
 * @leap61:     a second is inserted at the end of this UTC day
 * @leap59:     a second is deleted then
 * @phc_tai_ns: the PHC's time now (places an announced leap's instant)
 */
void taiutc_update(struct taiutc *t, bool valid, int offset_s, bool leap61,
		   bool leap59, int64_t phc_tai_ns);

/**
 * taiutc_offset_at - TAI - UTC in seconds for a sample whose PHC read
 * @phc_tai_ns.
 */
int taiutc_offset_at(const struct taiutc *t, int64_t phc_tai_ns);

/**
 * taiutc_leap_instant - the PHC (TAI) time at which a leap announced at
 * @phc_tai_ns with TAI - UTC @offset_s takes effect: the end of that UTC
 * day (start of 23:59:60 for an inserted second, of 23:59:59 for a deleted
 * one).
 */
int64_t taiutc_leap_instant(int64_t phc_tai_ns, int offset_s, int leap);

#endif
