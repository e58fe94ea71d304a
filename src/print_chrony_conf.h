/* print_chrony_conf.h: phcbrokerd --print-chrony-conf. */
#ifndef PHCB_PRINT_CHRONY_CONF_H
#define PHCB_PRINT_CHRONY_CONF_H

#include <stdio.h>

#include "chrony_conf.h"
#include "config.h"

/**
 * chronyconf_read - scan chrony's configuration into @scan: @chrony_conf,
 * or NULL for the first of /etc/chrony/chrony.conf and /etc/chrony.conf
 * that can be read, and the files it includes (include, confdir).
 * @read_path: set to the file tried last.
 * Returns 0, or the negative errno of the failed open.
 */
int chronyconf_read(const char *chrony_conf, struct chronyconf_scan *scan,
		    const char **read_path);

/**
 * chronyconf_indexes - the PHC index of each refclock PHC entry's device
 * in @scan (discover_index of its path), -1 for other entries.
 * @entry_index: CHRONYCONF_MAX_ENTRIES of them.
 */
void chronyconf_indexes(const struct chronyconf_scan *scan, int *entry_index);

/**
 * chronyconf_source_indexes - the PHC index each source of @cfg reads as
 * configured now, -1 where there is none (sim, not found).
 * @phc_index: CONFIG_MAX_SOURCES of them.
 */
void chronyconf_source_indexes(const struct config *cfg, int *phc_index);

/**
 * print_chrony_conf - print to @out the chrony.conf lines for @cfg's
 * sources on this host (chronyconf_render), checked against the host's
 * chrony.conf: @chrony_conf, or NULL for the first of
 * /etc/chrony/chrony.conf and /etc/chrony.conf that exists; the files it
 * includes (include, confdir) are read too.
 * Returns 0, or a negative errno when @chrony_conf was given and could
 * not be read (the lines are printed all the same).
 */
int print_chrony_conf(const struct config *cfg, const char *chrony_conf,
		      FILE *out);

#endif
