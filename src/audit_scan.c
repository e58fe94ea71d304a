/* audit_scan.c: one audit of competing clock disciplines on this host:
 * gathering systemd's units over D-Bus, the processes, Hyper-V's TimeSync
 * and chronyd's configuration; judging them with chronyd's live sources. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>

#include "audit_scan.h"
#include "discover.h"
#include "print_chrony_conf.h"

#define BUS_TIMEOUT_US 1000000 /* an audit must not hold the loop long */
#define PATTERNS_MAX 32

/* Hyper-V's Time Synchronization integration service on the VMBus. */
#define HV_TIMESYNC_CLASS "{9527e630-d0ae-497b-adce-e80ab0175caf}"

static int list_units_call(sd_bus *bus, sd_bus_message **reply)
{
	static const char *const states[] = { "active", "activating",
					      "reloading", NULL };
	const char *patterns[PATTERNS_MAX + 1];
	sd_bus_error err = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL;
	size_t n = audit_unit_patterns(patterns, PATTERNS_MAX);
	int r;

	patterns[n] = NULL;
	r = sd_bus_message_new_method_call(bus, &m, "org.freedesktop.systemd1",
					   "/org/freedesktop/systemd1",
					   "org.freedesktop.systemd1.Manager",
					   "ListUnitsByPatterns");
	if (r >= 0)
		r = sd_bus_message_append_strv(m, (char **)states);
	if (r >= 0)
		r = sd_bus_message_append_strv(m, (char **)patterns);
	if (r >= 0)
		r = sd_bus_call(bus, m, BUS_TIMEOUT_US, &err, reply);
	sd_bus_error_free(&err);
	sd_bus_message_unref(m);
	return r;
}

/* The units of a ListUnits reply: a(ssssssouso), the name first. */
static int take_units(sd_bus_message *reply, struct audit_report *r)
{
	const char *name, *desc, *load, *active, *sub;
	int n = 0, k;

	k = sd_bus_message_enter_container(reply, 'a', "(ssssssouso)");
	while (k > 0) {
		k = sd_bus_message_read(reply, "(ssssssouso)", &name, &desc,
					&load, &active, &sub, NULL, NULL,
					NULL, NULL, NULL);
		if (k > 0) {
			audit_add_unit(r, name);
			n++;
		}
	}
	return k < 0 ? k : n;
}

int audit_scan_units(struct audit_report *r)
{
	sd_bus_message *reply = NULL;
	sd_bus *bus = NULL;
	int k = sd_bus_open_system(&bus);

	if (k >= 0)
		k = list_units_call(bus, &reply);
	if (k >= 0)
		k = take_units(reply, r);
	sd_bus_message_unref(reply);
	sd_bus_flush_close_unref(bus);
	return k;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

int audit_scan_processes(struct audit_report *r, const char *proc_root)
{
	char path[512], comm[32];
	struct dirent *de;
	DIR *dir = opendir(proc_root);
	int n = 0;

	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (!all_digits(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s/comm", proc_root,
			 de->d_name);
		if (discover_read_attr(path, comm, sizeof(comm)) < 0)
			continue; /* gone meanwhile, or hidden */
		audit_add_process(r, comm, strtol(de->d_name, NULL, 10));
		n++;
	}
	closedir(dir);
	return n;
}

/* A VMBus device of Hyper-V's TimeSync class exists. */
static bool vmbus_timesync(const char *sysfs_root)
{
	char path[512], cls[64];
	struct dirent *de;
	bool found = false;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/bus/vmbus/devices", sysfs_root);
	dir = opendir(path);
	if (!dir)
		return false;
	while (!found && (de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/bus/vmbus/devices/%s/class_id",
			 sysfs_root, de->d_name);
		found = discover_read_attr(path, cls, sizeof(cls)) == 0 &&
			strcasecmp(cls, HV_TIMESYNC_CLASS) == 0;
	}
	closedir(dir);
	return found;
}

void audit_scan_hyperv(struct audit_report *r, const char *sysfs_root)
{
	char path[512], v[8];
	int implicit = -1;

	if (!vmbus_timesync(sysfs_root))
		return;
	snprintf(path, sizeof(path),
		 "%s/module/hv_utils/parameters/timesync_implicit", sysfs_root);
	if (discover_read_attr(path, v, sizeof(v)) == 0)
		implicit = v[0] == 'Y' || v[0] == 'y' || v[0] == '1';
	audit_check_hyperv(r, true, implicit);
}

/* chrony's configuration into @h: the file chrony_conf names, or the
 * default places ("" in chrony_conf: none). */
static void scan_chrony_conf(const struct global_config *g,
			     struct audit_host *h)
{
	const char *conf = g->chrony_conf, *read_path = NULL;

	h->conf_named = 0;
	if (conf[0]) {
		/* the default falls back to Red Hat's place */
		h->conf_named = strcmp(conf, CONFIG_DEFAULT_CHRONY_CONF) != 0;
		h->conf_err = chronyconf_read(h->conf_named ? conf : NULL,
					      &h->conf, &read_path);
		if (read_path)
			snprintf(h->conf_path, sizeof(h->conf_path), "%s",
				 read_path);
	}
	chronyconf_indexes(&h->conf, h->conf_index);
}

void audit_scan_host(const struct global_config *g, const char *proc_root,
		     struct audit_host *h)
{
	memset(h, 0, sizeof(*h));
	audit_init(&h->found);
	(void)audit_scan_units(&h->found);
	(void)audit_scan_processes(&h->found, proc_root);
	audit_scan_hyperv(&h->found, g->sysfs_root);
	scan_chrony_conf(g, h);
}

void audit_judge(const struct audit_scan_input *in, const struct audit_host *h,
		 struct audit_report *r)
{
	*r = h->found;
	/* said, not skipped: a file that cannot be read leaves chronyd's
	 * refclocks unexplained; no chrony.conf in the default places is no
	 * chrony */
	if (h->conf_err < 0 && h->conf_path[0] &&
	    (h->conf_named || h->conf_err != -ENOENT))
		audit_add(r, "chrony_conf", h->conf_path, AUDIT_WARNING,
			  "cannot read %s: %s; chronyd's sources are not "
			  "checked against it",
			  h->conf_path, strerror(-h->conf_err));
	audit_check_chrony(r, &h->conf, h->conf_index, in->broker, in->chrony);
}
