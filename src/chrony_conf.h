/* chrony_conf.h: the chrony.conf lines phcbrokerd's sources need, and a
 * scan of the host's chrony.conf for lines that compete with them (pure). */
#ifndef PHCB_CHRONY_CONF_H
#define PHCB_CHRONY_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

#define CHRONYCONF_MAX_ENTRIES 64
#define CHRONYCONF_ARG_MAX 256

/* What a chrony.conf line that matters here is. */
enum chronyconf_kind {
	CHRONYCONF_REFCLOCK_PHC,  /* refclock PHC <device>[:options] */
	CHRONYCONF_REFCLOCK_SOCK, /* refclock SOCK <path> */
	CHRONYCONF_REFCLOCK_OTHER, /* refclock SHM, PPS, RTC, ... */
	CHRONYCONF_MAKESTEP,	  /* makestep <threshold> <limit> */
	CHRONYCONF_INCLUDE,	  /* include <pattern> */
	CHRONYCONF_CONFDIR,	  /* confdir <dir>... (the first dir) */
};

/* One such line. */
struct chronyconf_entry {
	enum chronyconf_kind kind;
	char file[CONFIG_PATH_MAX];
	int line;
	char arg[CHRONYCONF_ARG_MAX]; /* the device, path, pattern or dir;
					 makestep: its two numbers */
	char refid[5]; /* refclocks: the refid option, else chronyd's default:
			  the driver's first three letters and the refclock's
			  number in the configuration ("PHC0") */
};

/* The lines found in one or more files. */
struct chronyconf_scan {
	struct chronyconf_entry e[CHRONYCONF_MAX_ENTRIES];
	int n;
	int dropped; /* lines past CHRONYCONF_MAX_ENTRIES */
	int refclocks; /* refclock lines seen, for the default refids */
};

/**
 * chronyconf_scan_text - add the lines of @text (the file @file) that
 * matter here to @scan. Comments (!, ;, # and % at the line's start) and
 * other directives are skipped; a PHC device has its :options cut off.
 */
void chronyconf_scan_text(const char *text, const char *file,
			  struct chronyconf_scan *scan);

/**
 * chronyconf_poll_of_rate - the refclock poll that takes one of the
 * source's samples per poll: 0 at 1 Hz and above, else log2(1/rate)
 * rounded, at most 6.
 */
int chronyconf_poll_of_rate(double rate_hz);

/* What the generator is told about the host. */
struct chronyconf_host {
	const char *hypervisor;	  /* "none" on bare metal */
	const char *detected_by;
	const char *cloud;	  /* "" if none */
	/* the PHC index each source reads, -1 when unknown (sim, missing) */
	int phc_index[CONFIG_MAX_SOURCES];
	/* the PHC index a refclock PHC entry's device is, by entry; -1 */
	int entry_index[CHRONYCONF_MAX_ENTRIES];
};

/**
 * chronyconf_render - the chrony.conf lines for @cfg's sources on @host,
 * with comments: one refclock SOCK per source (poll from its rate; the
 * first source prefer trust), makestep on a virtual machine unless
 * @scan has one, and a WARNING comment for each refclock PHC of @scan
 * that reads a source's PHC and each SOCK line that is already there.
 * Returns the length written (snprintf's rule: >= @len means cut).
 */
size_t chronyconf_render(const struct config *cfg,
			 const struct chronyconf_host *host,
			 const struct chronyconf_scan *scan, char *buf,
			 size_t len);

#endif
