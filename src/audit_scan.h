/* audit_scan.h: run one audit of competing clock disciplines on this host:
 * systemd's units over D-Bus, the processes, Hyper-V's TimeSync, chronyd's
 * configuration and live sources. */
#ifndef PHCB_AUDIT_SCAN_H
#define PHCB_AUDIT_SCAN_H

#include "audit.h"
#include "chrony_view.h"
#include "config.h"

/* What one audit looks at. */
struct audit_scan_input {
	const struct global_config *g;	   /* sysfs_root, chrony_conf */
	const char *proc_root;		   /* "/proc" */
	const struct audit_broker *broker; /* the sources and their PHCs */
	const struct chronywatch_view *chrony; /* NULL: not watched */
};

/**
 * audit_scan_units - the competitors' units systemd has active or
 * activating (ListUnitsByPatterns on the system bus) into @r.
 * Returns the number of units seen, or a negative errno when systemd
 * could not be asked (no bus: the processes are all there is).
 */
int audit_scan_units(struct audit_report *r);

/**
 * audit_scan_processes - competitors running under @proc_root (their
 * comm), after the units. Returns the number of processes read or a
 * negative errno.
 */
int audit_scan_processes(struct audit_report *r, const char *proc_root);

/**
 * audit_scan_hyperv - Hyper-V's TimeSync: a VMBus device of its class
 * under @sysfs_root/bus/vmbus/devices and hv_utils' timesync_implicit.
 */
void audit_scan_hyperv(struct audit_report *r, const char *sysfs_root);

/**
 * audit_scan - one whole audit into @r (initialised here).
 */
void audit_scan(const struct audit_scan_input *in, struct audit_report *r);

#endif
