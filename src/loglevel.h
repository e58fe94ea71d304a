/* loglevel.h: names of the syslog priorities the configuration uses (pure). */
#ifndef PHCB_LOGLEVEL_H
#define PHCB_LOGLEVEL_H

#include <syslog.h>

/**
 * log_level_from_name - parse "err", "warning", "notice", "info", "debug".
 * Returns the syslog priority or -1 for an unknown name.
 */
int log_level_from_name(const char *name);

/** log_level_name - name of a syslog priority ("info", ...). */
const char *log_level_name(int prio);

#endif
