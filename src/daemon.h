/* daemon.h: the event loop: one timer per source, signals, systemd. */
#ifndef PHCB_DAEMON_H
#define PHCB_DAEMON_H

#include "config.h"

/**
 * daemon_run - run until SIGTERM or SIGINT.
 * @cfg_path: file re-read on SIGHUP
 * @cfg:      the configuration already loaded from it
 * Returns the process exit code (0 on a clean stop).
 */
int daemon_run(const char *cfg_path, const struct config *cfg);

#endif
