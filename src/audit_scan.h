/* audit_scan.h: one audit of competing clock disciplines on this host in
 * two halves: what is read from the host (systemd's units over D-Bus, the
 * processes, Hyper-V's TimeSync, chronyd's configuration: the parent's
 * part under privilege separation) and the judgement against the daemon's
 * sources and chronyd's live ones (the worker's). */
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

/*
 * What an audit reads from the host, apart from the daemon's own state:
 * the part the parent gathers under privilege separation (AUDIT_GATHER)
 * and hands the worker whole, as bytes (no pointers in it).
 */
struct audit_host {
	struct audit_report found;	/* units, processes, Hyper-V */
	struct chronyconf_scan conf;	/* chrony's configuration */
	int conf_index[CHRONYCONF_MAX_ENTRIES]; /* each entry's PHC, -1 */
	int conf_err;			/* 0, or -errno of reading it */
	int conf_named;			/* chrony_conf names a file (1), or
					   the default places were tried (0) */
	char conf_path[CONFIG_PATH_MAX];	/* read, or failed; "": none */
};

/**
 * audit_scan_host - gather @h: the units over D-Bus, the processes under
 * @proc_root, Hyper-V's TimeSync under @g's sysfs_root, and chrony's
 * configuration (@g's chrony_conf, with its includes; none for "").
 */
void audit_scan_host(const struct global_config *g, const char *proc_root,
		     struct audit_host *h);

/**
 * audit_judge - the audit from what was gathered (@h) and the daemon's
 * own state (@in's broker and chronyd view) into @r (initialised here).
 * It reads nothing from the host.
 */
void audit_judge(const struct audit_scan_input *in, const struct audit_host *h,
		 struct audit_report *r);

#endif
