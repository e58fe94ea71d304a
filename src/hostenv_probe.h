/* hostenv_probe.h: the probes behind hostenv (systemd over D-Bus, CPUID)
 * and the daemon's use of them. */
#ifndef PHCB_HOSTENV_PROBE_H
#define PHCB_HOSTENV_PROBE_H

#include <stddef.h>

#include "config.h"
#include "hostenv.h"

/**
 * hostenv_probe_systemd - systemd's own answer: the Virtualization property
 * of org.freedesktop.systemd1.Manager on the system bus ("" on bare metal).
 * Returns 0, or a negative errno when there is no bus or no systemd.
 */
int hostenv_probe_systemd(char *out, size_t len);

/**
 * hostenv_probe_cpuid - the hypervisor vendor signatures of CPUID leaves
 * 0x40000000 and 0x40000100 (the second "" unless present).
 * Returns 0, -ENOENT when the CPU says no hypervisor, -ENOTSUP off x86.
 */
int hostenv_probe_cpuid(char vendor[13], char vendor2[13]);

/**
 * hostenv_probe - describe this host: the hypervisor key of @g if it is
 * not auto, else systemd's answer, else CPUID's, else DMI's, under @g's
 * sysfs_root; then hostenv_probe_methods().
 */
void hostenv_probe(const struct global_config *g, struct hostenv *out);

/**
 * hostenv_probe_methods - open each PHC of @env under @dev_root (as
 * <dev_root>/ptpN) with the ptp driver, note the method it probes and
 * whether the clock cross-timestamps, close it again.
 */
void hostenv_probe_methods(const char *dev_root, struct hostenv *env);

/**
 * hostenv_log - log @env once: its summary, and a warning when the
 * hypervisor's own PHC is missing. Nothing when @before (the last one
 * logged, or NULL) describes the same host.
 */
void hostenv_log(const struct hostenv *env, const struct hostenv *before);

#endif
