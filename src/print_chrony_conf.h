/* print_chrony_conf.h: phcbrokerd --print-chrony-conf. */
#ifndef PHCB_PRINT_CHRONY_CONF_H
#define PHCB_PRINT_CHRONY_CONF_H

#include <stdio.h>

#include "config.h"

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
