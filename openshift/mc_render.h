/* mc_render.h: the MachineConfig generator's texts, built from its options. */
#ifndef PHCB_MC_RENDER_H
#define PHCB_MC_RENDER_H

#include <stddef.h>

#include "strbuf.h"

/* Where the files go on the node, and the default ptp4l. */
#define MC_CHRONY_CONF "/etc/chrony.conf"
#define MC_BROKER_CONF "/etc/phcbroker/phcbrokerd.conf"
#define MC_DEFAULT_PTP4L_SOCKET "/var/run/ptp/ptp4l.0.socket"
#define MC_DEFAULT_REFID "PHC0"

/* How chrony.conf names one fallback time source. */
enum mc_server_kind {
	MC_SERVER,     /* server HOST iburst */
	MC_POOL,       /* pool HOST iburst */
	MC_NTS_SERVER, /* server HOST iburst nts */
};

struct mc_server {
	enum mc_server_kind kind;
	const char *host;
};

/*
 * Everything the texts are made of, checked by mc_options_check(). The
 * strings are borrowed, not copied.
 */
struct mc_options {
	const char *role;      /* machine config pool, required */
	const char *name;      /* MachineConfig name; NULL: 99-ROLE-phcbroker */
	const char *interface; /* the NIC whose PHC to use, or NULL ... */
	const char *device;    /* ... a PHC device path or "auto" */
	const char *ptp4l_socket; /* ptp4l to gate on; NULL: none */
	int domain;	       /* that ptp4l's domainNumber; -1: key omitted */
	const char *gate_mode; /* auto, slave, grandmaster; NULL: omitted */
	const char *timescale; /* utc or tai; NULL: tai with ptp4l, else utc */
	const char *refid;     /* source name and chrony refid; NULL: PHC0 */
	const struct mc_server *servers; /* the NTP fallback, in order */
	size_t n_servers;
	const char *const *chrony_lines; /* appended to chrony.conf */
	size_t n_chrony_lines;
	const char *version;	 /* the generator's, for the headers */
	const char *const *argv; /* the options as given, for the YAML's */
	int argc;		 /*   header comment (argv[0] not included) */
	const char *output;	 /* where the YAML goes, for the instructions;
				    NULL: standard output */
};

/**
 * mc_options_check - whether @o describes a valid MachineConfig: a role,
 * exactly one of interface and device, at least one fallback server, and
 * every value acceptable to mc_check.h's checks.
 * @err: on failure, one line naming the option and what is wrong.
 * Returns 0 or -EINVAL.
 */
int mc_options_check(const struct mc_options *o, char *err, size_t errlen);

/**
 * mc_name - the MachineConfig's name, @o->name or else 99-ROLE-phcbroker,
 * written into @buf of @len bytes (300 hold any valid name). Returns @buf.
 */
const char *mc_name(const struct mc_options *o, char *buf, size_t len);

/**
 * mc_refclock_line - append chronyd's refclock line for source @refid
 * (without a line break): the line of the shipped drop-in
 * conf.d/phcbroker.conf with its refid PHC0, in the socket path and as the
 * refid, replaced by @refid.
 */
void mc_refclock_line(const char *refid, struct strbuf *out);

/*
 * The texts. Each appends to @out and returns 0, or -ENOMEM when the
 * buffer could not grow. @o must have passed mc_options_check().
 */

/**
 * mc_render_chrony_conf - the complete /etc/chrony.conf: a header, the
 * refclock line, the fallback servers, RHCOS's defaults (driftfile,
 * makestep, rtcsync, keyfile, ntsdumpdir, leapsectz, logdir), the extra
 * lines.
 */
int mc_render_chrony_conf(const struct mc_options *o, struct strbuf *out);

/**
 * mc_render_broker_conf - /etc/phcbroker/phcbrokerd.conf: [global] as
 * shipped, one [source REFID] for the PHC.
 */
int mc_render_broker_conf(const struct mc_options *o, struct strbuf *out);

/**
 * mc_render_yaml - the MachineConfig: a header comment, then
 * apiVersion, kind, metadata and spec.config, an Ignition 3.2.0 config
 * that writes both files (mode 0644, as data URLs) and enables
 * phcbrokerd.service and chronyd.service.
 */
int mc_render_yaml(const struct mc_options *o, struct strbuf *out);

/**
 * mc_render_instructions - what the user must change outside the
 * MachineConfig (PtpConfig, Tuned, conflicting MachineConfigs, the RPM)
 * and how to apply it.
 */
int mc_render_instructions(const struct mc_options *o, struct strbuf *out);

#endif
