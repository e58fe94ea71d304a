/* taiutc.c: TAI - UTC for a PHC on TAI: ptp4l's offset, leaps at their instant. */
#include "taiutc.h"
#include "timeutil.h"

#define NS_PER_DAY (86400 * NS_PER_SEC)

void taiutc_init(struct taiutc *t, int configured_s)
{
	*t = (struct taiutc){ .configured_s = configured_s };
}

int64_t taiutc_leap_instant(int64_t phc_tai_ns, int offset_s, int leap)
{
	int64_t utc = phc_tai_ns - offset_s * NS_PER_SEC;
	int64_t day_end = (utc / NS_PER_DAY + 1) * NS_PER_DAY;

	if (utc < 0 && utc % NS_PER_DAY)
		day_end -= NS_PER_DAY; /* floor for times before 1970 */
	/* UTC day_end is TAI day_end + offset; a deleted second starts at
	 * 23:59:59, one second earlier */
	return day_end + (offset_s - (leap < 0 ? 1 : 0)) * NS_PER_SEC;
}

void taiutc_update(struct taiutc *t, bool valid, int offset_s, bool leap61,
		   bool leap59, int64_t phc_tai_ns)
{
	int leap = leap61 ? 1 : leap59 ? -1 : 0;

	if (!valid) {
		t->ptp_valid = false;
		t->leap = 0;
		t->leap_at_tai_ns = 0;
		return;
	}
	/* a new announcement, or the same one from another offset: place
	 * its instant from this offset; a withdrawn one is forgotten */
	if (leap != t->leap || !t->ptp_valid || offset_s != t->ptp_s)
		t->leap_at_tai_ns = leap ? taiutc_leap_instant(phc_tai_ns,
							       offset_s, leap)
					 : 0;
	/* ptp4l late with the new offset, the flag still up: keep the
	 * instant already passed rather than move it a day on */
	t->ptp_valid = true;
	t->ptp_s = offset_s;
	t->leap = leap;
}

int taiutc_offset_at(const struct taiutc *t, int64_t phc_tai_ns)
{
	if (!t->ptp_valid)
		return t->configured_s;
	if (t->leap && phc_tai_ns >= t->leap_at_tai_ns)
		return t->ptp_s + t->leap;
	return t->ptp_s;
}
