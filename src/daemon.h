/* daemon.h: the event loop: one timer per source, signals, systemd. */
#ifndef PHCB_DAEMON_H
#define PHCB_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

/**
 * daemon_run - run until SIGTERM or SIGINT.
 * @cfg_path:   file re-read on SIGHUP
 * @cfg:        the configuration already loaded from it
 * @lock_down:  called once the start is done (run_dir taken, sources,
 *              sockets and the first audit set up), before READY=1: the
 *              worker's system call filter; a non-zero return is the exit
 *              code. NULL: none.
 * Returns the process exit code (0 on a clean stop).
 */
int daemon_run(const char *cfg_path, const struct config *cfg,
	       int (*lock_down)(void));

/**
 * daemon_set_resume - before daemon_run(): the gates' states the worker
 * before this one handed on (--resume, from the --privsep parent); each
 * source it names starts in that state (source_gate_resume()).
 */
void daemon_set_resume(const char *text);

/*
 * What the running daemon shows its control items (ctl_items.c): the
 * daemon itself stays private to daemon.c.
 */
struct daemon;
struct hostenv;
struct audit_report;
struct chronywatch;
struct control;
struct ptpwatch;
struct source_gate;
struct source;

/** daemon_n_sources - the configured sources, started or not. */
int daemon_n_sources(const struct daemon *d);

/** daemon_source - source @i, NULL if it could not be started. */
struct source *daemon_source(const struct daemon *d, int i);

/** daemon_source_ptp - the ptp4l watcher of source @i, NULL if none. */
const struct ptpwatch *daemon_source_ptp(const struct daemon *d, int i);

/** daemon_source_gate - what surrounds source @i's gate (ptp4l, VMClock),
 * NULL when it is not running. */
const struct source_gate *daemon_source_gate(const struct daemon *d, int i);

/** daemon_config - the configuration in force. */
const struct config *daemon_config(const struct daemon *d);

/** daemon_hostenv - the host as detected at start or the last reload. */
const struct hostenv *daemon_hostenv(const struct daemon *d);

/** daemon_audit - the findings of an audit at most 2 s old: audit now
 * (logging what changed) unless one just ran. NULL only when no audit
 * could ever be kept (no memory). */
const struct audit_report *daemon_audit(struct daemon *d);

/** daemon_audit_last - the last audit's findings without a new one, NULL
 * before the first. */
const struct audit_report *daemon_audit_last(const struct daemon *d);

/** daemon_config_path - the file it came from (read again on SIGHUP). */
const char *daemon_config_path(const struct daemon *d);

/** daemon_started_mono_ns - CLOCK_MONOTONIC when the daemon started. */
int64_t daemon_started_mono_ns(const struct daemon *d);

/** daemon_control - the control socket, NULL if it could not be opened. */
const struct control *daemon_control(const struct daemon *d);

/** daemon_chrony - the watcher of chronyd, NULL if chronyd is not
 * watched (chronyd_socket none, or it could not be started). */
struct chronywatch *daemon_chrony(const struct daemon *d);

/** daemon_chrony_open_error - why the watcher of chronyd could not start
 * (negative errno), 0 if it did. */
int daemon_chrony_open_error(const struct daemon *d);

/** daemon_chrony_synced_to_us - chronyd's reference is one of our sources. */
bool daemon_chrony_synced_to_us(const struct daemon *d);

#endif
