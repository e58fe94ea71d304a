/* log.h: logging to the systemd journal (structured) or to stderr. */
#ifndef PHCB_LOG_H
#define PHCB_LOG_H

#include "log_events.h"
#include "loglevel.h"
#include <stdbool.h>
#include <syslog.h>

/* Where log lines go. */
enum log_target {
	LOG_TARGET_STDERR,  /* "phcbrokerd[pid]: level: message" lines */
	LOG_TARGET_JOURNAL, /* sd_journal_send with MESSAGE, PRIORITY, fields */
};

/**
 * log_init - set where logs go and the most verbose priority kept.
 * @target:   LOG_TARGET_STDERR or LOG_TARGET_JOURNAL
 * @max_prio: syslog priority (LOG_ERR .. LOG_DEBUG); lines above it drop
 * The logger is the one process-wide piece of state outside main().
 */
void log_init(enum log_target target, int max_prio);

/** log_set_level - change the most verbose priority kept. */
void log_set_level(int max_prio);

/** log_get_level - the most verbose priority kept. */
int log_get_level(void);

/**
 * log_stderr_is_journal - whether stderr is connected to journald (the
 * JOURNAL_STREAM protocol systemd documents), i.e. structured logging
 * should be used.
 */
bool log_stderr_is_journal(void);

/**
 * log_msg - log a line at @prio.
 * @source: name of the clock source it concerns, or NULL; sent to the
 *          journal as the field PHCB_SOURCE
 */
void log_msg(int prio, const char *source, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * log_event - log one event of a known kind (see log_events.h).
 * @prio:   syslog priority; the event is dropped like a line above the
 *          level kept (log_set_level())
 * @kind:   what happened: its MESSAGE_ID and PHCB_EVENT go to the journal
 * @source: name of the clock source it concerns, or NULL (PHCB_SOURCE)
 * @fields: the event's own PHCB_* fields (log_fields_add()), or NULL
 * @fmt:    the human text, as log_msg() writes it
 * To stderr the line is exactly what log_msg() writes; to the journal the
 * entry carries MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, MESSAGE_ID,
 * PHCB_EVENT, PHCB_SOURCE and @fields (log_event_compose()).
 */
void log_event(int prio, enum log_event_kind kind, const char *source,
	       const struct log_fields *fields, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#define log_err(src, ...) log_msg(LOG_ERR, src, __VA_ARGS__)
#define log_warn(src, ...) log_msg(LOG_WARNING, src, __VA_ARGS__)
#define log_notice(src, ...) log_msg(LOG_NOTICE, src, __VA_ARGS__)
#define log_info(src, ...) log_msg(LOG_INFO, src, __VA_ARGS__)
#define log_debug(src, ...) log_msg(LOG_DEBUG, src, __VA_ARGS__)

#endif
