/* discover.h: find PHC devices and their names through /dev and sysfs. */
#ifndef PHCB_DISCOVER_H
#define PHCB_DISCOVER_H

#include <stddef.h>

/* Roots of the device and sysfs trees; tests point them at fixtures. */
struct discover_roots {
	const char *dev;   /* normally "/dev" */
	const char *sysfs; /* normally "/sys" */
};

/**
 * discover_ptp_index - N of a name "ptpN", or -1 if @name is not of that
 * form (N at most 65535).
 */
int discover_ptp_index(const char *name);

/**
 * discover_read_attr - a one-line sysfs attribute at @path without its
 * newline; @buf is "" when it cannot be read.
 * Returns 0 or a negative errno.
 */
int discover_read_attr(const char *path, char *buf, size_t len);

/**
 * discover_vmclock_index - N of a VMClock PHC's clock_name "vmclockN" (its
 * page is /dev/vmclockN), or -1 for any other name.
 */
int discover_vmclock_index(const char *clock_name);

/**
 * discover_clock_name - the clock_name sysfs attribute of the PHC at
 * @devpath (which may be a symlink such as /dev/ptp_hyperv).
 * @name: filled with the name, "" if unknown
 * Returns 0 or a negative errno.
 */
int discover_clock_name(const struct discover_roots *roots,
			const char *devpath, char *name, size_t len);

/**
 * discover_index - N of the PHC at @devpath: its name, or the name a
 * symlink such as /dev/ptp_hyperv points to, is "ptpN".
 * Returns N, or -ENOENT when the name is not of that form.
 */
int discover_index(const char *devpath);

/**
 * discover_by_interface - the PHC of network interface @ifname, from
 * <sysfs>/class/net/IFNAME/device/ptp/ptpN.
 * @out: "<dev>/ptpN"
 * Returns 0, -ENOENT (no such interface or no PHC) or another -errno.
 */
int discover_by_interface(const struct discover_roots *roots,
			  const char *ifname, char *out, size_t len);

/**
 * discover_auto - pick the best PHC of this host: a hypervisor clock first
 * (Hyper-V "hyperv", KVM "KVM virtual PTP", VMware "ptp_vmw"), else the
 * lowest-numbered /dev/ptpN.
 * @out: "<dev>/ptpN"
 * Returns 0 or -ENOENT when the host has no PHC.
 */
int discover_auto(const struct discover_roots *roots, char *out, size_t len);

/**
 * discover_resolve - the path of a configured PHC: the PHC of @interface
 * when it is not "", else the best one for @device "auto", else @device.
 * Returns 0 or a negative errno (see discover_by_interface, _auto).
 */
int discover_resolve(const struct discover_roots *roots, const char *device,
		     const char *interface, char *out, size_t len);

#endif
