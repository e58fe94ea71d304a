/* notify.h: tell systemd about readiness, status and liveness. */
#ifndef PHCB_NOTIFY_H
#define PHCB_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

/**
 * notify_watchdog_usec - the watchdog interval systemd asked for
 * (WatchdogSec=), or 0 when there is none.
 */
uint64_t notify_watchdog_usec(void);

/**
 * notify_enabled - whether a service manager listens (NOTIFY_SOCKET is
 * set): without one the STATUS= lines go nowhere and need not be made.
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
