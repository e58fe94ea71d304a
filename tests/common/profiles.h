/* profiles.h: named clock model parameter sets imitating real PHC hardware. */
#ifndef PHCB_PROFILES_H
#define PHCB_PROFILES_H

#include <stdbool.h>
#include <stddef.h>

#include "clockmodel.h"

/*
 * A named set of clock model parameters plus what the imitated device
 * reports about itself. Shared by the simulated driver and the FUSE
 * emulated device (tests/fakephc), so both imitate the same hardware.
 */
struct clockmodel_profile {
	const char *name;     /* "kvm", "nic", "hyperv", "vmw", "steps"... */
	const char *imitates; /* one line: the hardware it stands for */
	int max_adj_ppb; /* max_adj that hardware's PTP_CLOCK_GETCAPS gives */
	/*
	 * Whether the real kernel driver implements gettimex64, i.e. answers
	 * PTP_SYS_OFFSET_EXTENDED. ptp_kvm, ptp_vmw and hv_utils' "hyperv"
	 * clock do not: there only PTP_SYS_OFFSET (and PRECISE on KVM) work.
	 */
	bool real_extended;
	struct clockmodel_params params;
};

/**
 * clockmodel_profile - the model parameters of profile @name.
 * Returns a pointer into a static table, or NULL for an unknown name.
 */
const struct clockmodel_params *clockmodel_profile(const char *name);

/**
 * clockmodel_profile_find - the whole profile entry called @name.
 * Returns a pointer into a static table, or NULL for an unknown name.
 */
const struct clockmodel_profile *clockmodel_profile_find(const char *name);

/**
 * clockmodel_profile_at - the @i-th profile, for listing them all.
 * Returns NULL once @i is past the end of the table.
 */
const struct clockmodel_profile *clockmodel_profile_at(size_t i);

#endif
