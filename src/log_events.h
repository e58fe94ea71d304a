/* log_events.h: kinds of journal event, their MESSAGE_IDs and fields (pure). */
#ifndef PHCB_LOG_EVENTS_H
#define PHCB_LOG_EVENTS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * MESSAGE_IDs of the events, one random sd-id128 (32 lowercase hex digits)
 * per kind. They are public names: `journalctl MESSAGE_ID=...`, the message
 * catalog (systemd/phcbroker.catalog), log pipelines and alert rules key on
 * them. NEVER change or reuse one: a changed meaning is a new kind with a
 * new random ID (python3 -c 'import uuid; print(uuid.uuid4().hex)'), and a
 * retired ID stays retired. doc/observability.md lists them with their
 * fields; tests/observability/check-journal-fields.py checks the lists.
 */
#define LOG_EVENT_ID_GATE_TRANSITION "97239f474b294ee8847c27f6a73dc8bd"
#define LOG_EVENT_ID_PHASE_STEP "59a5c3466edb4faeab7988a969fcdbac"
#define LOG_EVENT_ID_DEVICE_OPENED "f2ed9b3c7c014b3c8d15ff76bd77fdfb"
#define LOG_EVENT_ID_DEVICE_LOST "4bd36e4b584d482287726a9ba52bdd1e"
#define LOG_EVENT_ID_CHRONYD_LOST "8a979f6b60f346b599a3e06582ca9077"
#define LOG_EVENT_ID_CHRONYD_BACK "becf1b70475840de8e679efb335cb92f"
#define LOG_EVENT_ID_PTP4L_LOST "5b1e7c1e24df48acb26ce3091e39f878"
#define LOG_EVENT_ID_PTP4L_BACK "b8d3290926a6478c9e3bbbd6616504ce"
#define LOG_EVENT_ID_RELOAD_APPLIED "22a4c30b49b74fbf8294cb3411b1e127"
#define LOG_EVENT_ID_RELOAD_REFUSED "6242e97b08ad4100ad20e9bb280fa758"
#define LOG_EVENT_ID_AUDIT_FOUND "3ef156c29ede4df59dbc5060c9043585"
#define LOG_EVENT_ID_AUDIT_CLEARED "2087cf7d3b3d4407875cded31c47817c"

/* What happened; each kind has its MESSAGE_ID and its set of fields. */
enum log_event_kind {
	LOG_EVENT_NONE = -1,	   /* a plain log line: no MESSAGE_ID */
	LOG_EVENT_GATE_TRANSITION, /* GATE_FROM, GATE_TO, GATE_CAUSE, ... */
	LOG_EVENT_PHASE_STEP,	   /* OFFSET_NS */
	LOG_EVENT_DEVICE_OPENED,   /* DEVICE, METHOD, CLOCK_NAME */
	LOG_EVENT_DEVICE_LOST,	   /* DEVICE, ERRNO, REASON */
	LOG_EVENT_CHRONYD_LOST,	   /* SOCK, ERRNO */
	LOG_EVENT_CHRONYD_BACK,	   /* SOCK, RECONNECTS */
	LOG_EVENT_PTP4L_LOST,	   /* PTP4L_SOCKET, ERRNO */
	LOG_EVENT_PTP4L_BACK,	   /* PTP4L_SOCKET */
	LOG_EVENT_RELOAD_APPLIED,  /* CONFIG, SOURCES */
	LOG_EVENT_RELOAD_REFUSED,  /* CONFIG, REASON */
	LOG_EVENT_AUDIT_FOUND,	   /* AUDIT_KIND, AUDIT_SUBJECT, AUDIT_SEVERITY */
	LOG_EVENT_AUDIT_CLEARED,   /* AUDIT_KIND, AUDIT_SUBJECT, AUDIT_SEVERITY */
	LOG_EVENT_KIND_COUNT
};

/*
 * log_event_id - the MESSAGE_ID of @kind, 32 lowercase hex digits.
 * Returns NULL for LOG_EVENT_NONE and values out of range.
 */
const char *log_event_id(enum log_event_kind kind);

/*
 * log_event_name - the short name of @kind, sent as PHCB_EVENT, e.g.
 * "gate_transition". Returns NULL for LOG_EVENT_NONE and out of range.
 */
const char *log_event_name(enum log_event_kind kind);

/*
 * log_field_name_ok - whether @key may name a field an event carries: the
 * journal's rules (A-Z, 0-9 and '_', not starting with a digit or '_', at
 * most 64 characters) and ours: it starts with "PHCB_" and is not one that
 * log_event_compose() sets itself (PHCB_EVENT, PHCB_SOURCE).
 */
bool log_field_name_ok(const char *key);

#define LOG_FIELDS_MAX 16   /* fields of one entry, the standard ones too */
#define LOG_FIELDS_BUF 4096 /* their text, "KEY=value" NUL-terminated */

/* Fields of one journal entry, each "KEY=value", their text in buf. */
struct log_fields {
	const char *field[LOG_FIELDS_MAX];
	size_t len[LOG_FIELDS_MAX]; /* strlen(field[i]) */
	int n;
	size_t used; /* of buf */
	int dropped; /* fields refused: a bad name or no room */
	char buf[LOG_FIELDS_BUF];
};

/* log_fields_init - an empty set of fields. */
void log_fields_init(struct log_fields *f);

/*
 * log_fields_add - add the field @key with the value @fmt formats.
 * @f: the fields of one event.
 * @key: its name, PHCB_ and capitals (log_field_name_ok()).
 * @fmt: printf format of the value; a value too long is cut.
 * Returns 0, -EINVAL for a name log_field_name_ok() refuses, -ENOSPC when
 * @f is full; a refused field is counted in @f->dropped, never sent.
 */
int log_fields_add(struct log_fields *f, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * log_event_compose - every field of one journal entry, in this order:
 * MESSAGE ("SOURCE: text" with a source, else the text), PRIORITY,
 * SYSLOG_IDENTIFIER=phcbrokerd, then for an event MESSAGE_ID and
 * PHCB_EVENT, then PHCB_SOURCE when @source is set, then @extra's fields.
 * @out: receives the fields (initialised here).
 * @prio: syslog priority, LOG_EMERG .. LOG_DEBUG.
 * @kind: the event, or LOG_EVENT_NONE for a plain log line.
 * @source: the clock source it concerns, or NULL.
 * @message: the human text.
 * @extra: the event's own fields, or NULL.
 * Returns the number of fields, or -EINVAL for a @kind out of range.
 */
int log_event_compose(struct log_fields *out, int prio,
		      enum log_event_kind kind, const char *source,
		      const char *message, const struct log_fields *extra);

#endif
