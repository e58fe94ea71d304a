/* notify.h: tell systemd about readiness, status and liveness. */
#ifndef PHCB_NOTIFY_H
#define PHCB_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/**
 * notify_use_parent - in a worker: send everything below to the parent on
 * the channel @fd (made non-blocking) instead of to systemd; the watchdog
 * pings become heartbeats, one every PRIVSEP_HEARTBEAT_MS. @forwarded:
 * the parent has a service manager to pass STATUS= lines on to (else
 * notify_enabled() says no, and they are not made).
 */
void notify_use_parent(int fd, bool forwarded);

/**
 * notify_resume_state - in a worker: hand the parent @text, the gates'
 * states (daemon.c), for the worker it would start after this one dies;
 * sent only when it changed. Nothing without a parent.
 */
void notify_resume_state(const char *text);

/**
 * notify_main_pid - the service's main PID, the one to signal: ours, or
 * in a worker the parent's.
 */
pid_t notify_main_pid(void);

/**
 * notify_watchdog_usec - the watchdog interval systemd asked for
 * (WatchdogSec=), or 0 when there is none.
 */
uint64_t notify_watchdog_usec(void);

/**
 * notify_enabled - whether a service manager listens (NOTIFY_SOCKET is
 * set; in a worker, the parent's): without one the STATUS= lines go
 * nowhere and need not be made. READY=1 and the heartbeats are sent to a
 * parent either way.
 */
bool notify_enabled(void);

/** notify_ready - READY=1 with a STATUS= line. */
void notify_ready(const char *status);

/** notify_status - a new STATUS= line. */
void notify_status(const char *status);

/** notify_watchdog - WATCHDOG=1: the event loop is alive. */
void notify_watchdog(void);

/** notify_reloading - RELOADING=1 while a new configuration is applied. */
void notify_reloading(void);

/** notify_stopping - STOPPING=1 on the way out. */
void notify_stopping(void);

#endif
