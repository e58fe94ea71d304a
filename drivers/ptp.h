/* ptp.h: the kernel PTP clock driver's layout parsing, exposed for tests. */
#ifndef PHCB_PTP_H
#define PHCB_PTP_H

#include <linux/ptp_clock.h>

#include "reading.h"

/**
 * ptp_parse_precise - one reading from a PTP_SYS_OFFSET_PRECISE result
 * (device time and CLOCK_REALTIME latched together by hardware).
 */
void ptp_parse_precise(const struct ptp_sys_offset_precise *p,
		       struct phc_reading *out);

/**
 * ptp_parse_extended - readings from a PTP_SYS_OFFSET_EXTENDED result:
 * ts[i][0] system before, ts[i][1] PHC, ts[i][2] system after.
 * Returns the number of readings (n_samples, at most @max).
 */
int ptp_parse_extended(const struct ptp_sys_offset_extended *p,
		       struct phc_reading *out, int max);

/**
 * ptp_parse_basic - readings from a PTP_SYS_OFFSET result, whose ts[]
 * interleaves sys, phc, sys, phc, ..., sys (2 * n_samples + 1 entries);
 * reading i is (ts[2i], ts[2i+1], ts[2i+2]).
 * Returns the number of readings (n_samples, at most @max).
 */
int ptp_parse_basic(const struct ptp_sys_offset *p, struct phc_reading *out,
		    int max);

#endif
