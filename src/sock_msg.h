/* sock_msg.h: the sample chronyd's refclock SOCK driver reads (pure). */
#ifndef PHCB_SOCKMSG_H
#define PHCB_SOCKMSG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#define SOCKMSG_MAGIC 0x534f434b /* "SOCK" */

/* Leap second warnings, as chronyd's SOCK driver takes them. */
enum sockmsg_leap {
	SOCKMSG_LEAP_NONE = 0,
	SOCKMSG_LEAP_INSERT = 1,
	SOCKMSG_LEAP_DELETE = 2,
};

/*
 * The datagram: chronyd takes the reference time to be tv + offset, and the
 * measured offset of its clock to be the offset field itself.
 */
struct sockmsg {
	struct timeval tv; /* system time of the sample, microseconds */
	double offset;	   /* reference - system, seconds */
	int pulse;	   /* 0: a time sample, not a bare pulse */
	int leap;	   /* enum sockmsg_leap */
	int _pad;
	int magic;	   /* SOCKMSG_MAGIC */
};

#if defined(__x86_64__) || defined(__aarch64__)
_Static_assert(sizeof(struct sockmsg) == 40, "chrony SOCK sample is 40 bytes");
#endif

/**
 * sockmsg_encode - a sample saying that at system time @sys_ns the
 * reference (PHC) was @offset_ns ahead of the system clock.
 *
 * tv carries @sys_ns truncated to the microsecond. The offset field is
 * @offset_ns unchanged: chronyd pairs tv with tv + offset, and the PHC runs
 * at the system clock's rate to within ppm, so the offset at the truncated
 * instant equals the offset at @sys_ns to far below a nanosecond. (Adding
 * the truncated nanoseconds to the offset would bias every sample by them:
 * measured +0.5 us mean on chronyd 4.3, see doc/design-notes.md.)
 * @leap: enum sockmsg_leap
 */
void sockmsg_encode(int64_t sys_ns, double offset_ns, int leap,
		    struct sockmsg *out);

/**
 * sockmsg_decode - check a received datagram as chronyd does.
 * Returns 0, or -EBADMSG (wrong length or magic) or -EINVAL (bad leap).
 */
int sockmsg_decode(const void *buf, size_t len, struct sockmsg *out);

#endif
