/* hostenv.h: what host phcbrokerd runs on: the hypervisor, the cloud, the
 * PHCs and which of them belongs to the hypervisor. */
#ifndef PHCB_HOSTENV_H
#define PHCB_HOSTENV_H

#include <stdbool.h>
#include <stddef.h>

#include "discover.h"

#define HOSTENV_MAX_PHCS 24 /* + the host: within CTL_MAX_RECORDS */

/* What a PHC is. */
enum hostenv_phc_kind {
	HOSTENV_PHC_OTHER = 0,	 /* neither of the two below */
	HOSTENV_PHC_HYPERVISOR,	 /* the hypervisor's clock (ptp_kvm, ...) */
	HOSTENV_PHC_NIC,	 /* a network card's clock */
};

/* One /dev/ptpN as sysfs describes it. */
struct hostenv_phc {
	int index;		       /* N of ptpN */
	char clock_name[64];	       /* sysfs clock_name */
	char driver[32];	       /* driver bound to its parent device */
	char interfaces[64];	       /* a NIC's interfaces, comma-separated */
	enum hostenv_phc_kind kind;
	char of_hypervisor[16];	       /* whose clock, for hypervisor clocks;
					  "": any (VMClock) */
	/* filled by hostenv_probe_methods(): how it reads, from opening it */
	char method[16];	       /* "precise", ..., "": not probed */
	bool cross_timestamping;       /* PTP_CLOCK_GETCAPS says so */
	int open_error;		       /* errno of a failed open, 0 */
};

/* What the probes outside sysfs found; NULL where a probe had no answer. */
struct hostenv_probes {
	const char *configured;	  /* the hypervisor key, unless "auto" */
	const char *systemd_virt; /* systemd's Virtualization ("" = none) */
	const char *cpuid_vendor; /* CPUID leaf 0x40000000's 12 characters */
	const char *cpuid_vendor2; /* leaf 0x40000100's (KVM behind Hyper-V
				      enlightenments), or NULL */
};

/* The host. */
struct hostenv {
	char hypervisor[24];  /* systemd's names: "none", "kvm", "microsoft" */
	char detected_by[8];  /* "config", "systemd", "cpuid", "dmi" or
				 "none" */
	char cloud[16];	      /* "aws", "azure", "gcp", ... or "" */
	char sys_vendor[64];  /* DMI, "" if unreadable */
	char product_name[64];
	int n_phcs;
	struct hostenv_phc phcs[HOSTENV_MAX_PHCS];
	/* the hypervisor's own PHC, where this hypervisor has one */
	char expected_clock[32];  /* its clock_name, "": none expected */
	char expected_module[32]; /* the kernel module that provides it */
	bool expected_present;	     /* a PHC with that clock_name exists */
	bool module_loaded;	     /* <sysfs>/module/<module> exists */
	char hint[160];		     /* what to do when it is missing */
};

/**
 * hostenv_detect - describe the host from @probes and the DMI and PTP
 * class trees under @roots->sysfs. The hypervisor is the configured one,
 * else systemd's answer, else CPUID's, else DMI's; DMI refines a KVM
 * answer into "amazon" or "google" as systemd does, and names the cloud.
 * Never fails: what cannot be read stays empty.
 */
void hostenv_detect(const struct discover_roots *roots,
		    const struct hostenv_probes *probes, struct hostenv *out);

/**
 * hostenv_hypervisor_of_cpuid - systemd's name for a CPUID hypervisor
 * vendor signature (12 characters, NUL-padded), NULL if unknown.
 */
const char *hostenv_hypervisor_of_cpuid(const char *vendor);

/**
 * hostenv_phc_kind_name - "hypervisor", "nic" or "other".
 */
const char *hostenv_phc_kind_name(enum hostenv_phc_kind k);

/**
 * hostenv_find_phc - the PHC whose index is @index, or NULL.
 */
const struct hostenv_phc *hostenv_find_phc(const struct hostenv *env,
					   int index);

/**
 * hostenv_summary - one line for the log: hypervisor, how it was found,
 * the cloud, the PHCs by name and kind.
 */
void hostenv_summary(const struct hostenv *env, char *buf, size_t len);

/**
 * hostenv_same - @a and @b describe the same host (for logging a change
 * on reload only).
 */
bool hostenv_same(const struct hostenv *a, const struct hostenv *b);

#endif
