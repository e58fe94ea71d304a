/* log_events.c: kinds of journal event, their MESSAGE_IDs and fields (pure). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log_events.h"

#define FIELD_NAME_MAX 64 /* the journal's limit on a field name */

static const struct {
	const char *name;
	const char *id;
} kinds[LOG_EVENT_KIND_COUNT] = {
	[LOG_EVENT_GATE_TRANSITION] = { "gate_transition",
					LOG_EVENT_ID_GATE_TRANSITION },
	[LOG_EVENT_PHASE_STEP] = { "phase_step", LOG_EVENT_ID_PHASE_STEP },
	[LOG_EVENT_DEVICE_OPENED] = { "device_opened",
				      LOG_EVENT_ID_DEVICE_OPENED },
	[LOG_EVENT_DEVICE_LOST] = { "device_lost", LOG_EVENT_ID_DEVICE_LOST },
	[LOG_EVENT_CHRONYD_LOST] = { "chronyd_lost",
				     LOG_EVENT_ID_CHRONYD_LOST },
	[LOG_EVENT_CHRONYD_BACK] = { "chronyd_back",
				     LOG_EVENT_ID_CHRONYD_BACK },
	[LOG_EVENT_PTP4L_LOST] = { "ptp4l_lost", LOG_EVENT_ID_PTP4L_LOST },
	[LOG_EVENT_PTP4L_BACK] = { "ptp4l_back", LOG_EVENT_ID_PTP4L_BACK },
	[LOG_EVENT_RELOAD_APPLIED] = { "reload_applied",
				       LOG_EVENT_ID_RELOAD_APPLIED },
	[LOG_EVENT_RELOAD_REFUSED] = { "reload_refused",
				       LOG_EVENT_ID_RELOAD_REFUSED },
	[LOG_EVENT_AUDIT_FOUND] = { "audit_found", LOG_EVENT_ID_AUDIT_FOUND },
	[LOG_EVENT_AUDIT_CLEARED] = { "audit_cleared",
				      LOG_EVENT_ID_AUDIT_CLEARED },
};

static bool kind_valid(enum log_event_kind kind)
{
	return kind >= 0 && kind < LOG_EVENT_KIND_COUNT;
}

const char *log_event_id(enum log_event_kind kind)
{
	return kind_valid(kind) ? kinds[kind].id : NULL;
}

const char *log_event_name(enum log_event_kind kind)
{
	return kind_valid(kind) ? kinds[kind].name : NULL;
}

/* The journal's rules for a field name a client may send. */
static bool journal_name_ok(const char *key)
{
	size_t n = strlen(key);

	if (n == 0 || n > FIELD_NAME_MAX || key[0] == '_' ||
	    (key[0] >= '0' && key[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = key[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return false;
	}
	return true;
}

bool log_field_name_ok(const char *key)
{
	return key && journal_name_ok(key) && strncmp(key, "PHCB_", 5) == 0 &&
	       strlen(key) > 5 && strcmp(key, "PHCB_EVENT") != 0 &&
	       strcmp(key, "PHCB_SOURCE") != 0;
}

void log_fields_init(struct log_fields *f)
{
	f->n = 0;
	f->used = 0;
	f->dropped = 0;
	f->buf[0] = '\0';
}

/* Append "KEY=value" with no check of the name; the value may be cut. */
static int add_field(struct log_fields *f, const char *key, const char *fmt,
		     va_list ap) __attribute__((format(printf, 3, 0)));
static int add_field(struct log_fields *f, const char *key, const char *fmt,
		     va_list ap)
{
	size_t room = sizeof(f->buf) - f->used;
	size_t klen = strlen(key);
	char *p = f->buf + f->used;
	int n;

	if (f->n == LOG_FIELDS_MAX || room < klen + 2) {
		f->dropped++;
		return -ENOSPC;
	}
	memcpy(p, key, klen);
	p[klen] = '=';
	n = vsnprintf(p + klen + 1, room - klen - 1, fmt, ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= room - klen - 1)
		n = (int)(room - klen - 2); /* cut */
	p[klen + 1 + (size_t)n] = '\0';
	f->field[f->n] = p;
	f->len[f->n] = klen + 1 + (size_t)n;
	f->n++;
	f->used += klen + 1 + (size_t)n + 1;
	return 0;
}

/* add_field() with its arguments inline. */
static int add(struct log_fields *f, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int add(struct log_fields *f, const char *key, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = add_field(f, key, fmt, ap);
	va_end(ap);
	return r;
}

/* Append a field another set already holds, "KEY=value" of @len bytes. */
static void add_copy(struct log_fields *f, const char *kv, size_t len)
{
	if (f->n == LOG_FIELDS_MAX || sizeof(f->buf) - f->used < len + 1) {
		f->dropped++;
		return;
	}
	memcpy(f->buf + f->used, kv, len);
	f->buf[f->used + len] = '\0';
	f->field[f->n] = f->buf + f->used;
	f->len[f->n] = len;
	f->n++;
	f->used += len + 1;
}

int log_fields_add(struct log_fields *f, const char *key, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (!log_field_name_ok(key)) {
		f->dropped++;
		return -EINVAL;
	}
	va_start(ap, fmt);
	r = add_field(f, key, fmt, ap);
	va_end(ap);
	return r;
}

int log_event_compose(struct log_fields *out, int prio,
		      enum log_event_kind kind, const char *source,
		      const char *message, const struct log_fields *extra)
{
	if (kind != LOG_EVENT_NONE && !kind_valid(kind))
		return -EINVAL;
	log_fields_init(out);
	if (source)
		add(out, "MESSAGE", "%s: %s", source, message);
	else
		add(out, "MESSAGE", "%s", message);
	add(out, "PRIORITY", "%d", prio);
	add(out, "SYSLOG_IDENTIFIER", "phcbrokerd");
	if (kind != LOG_EVENT_NONE) {
		add(out, "MESSAGE_ID", "%s", kinds[kind].id);
		add(out, "PHCB_EVENT", "%s", kinds[kind].name);
	}
	if (source)
		add(out, "PHCB_SOURCE", "%s", source);
	for (int i = 0; extra && i < extra->n; i++)
		add_copy(out, extra->field[i], extra->len[i]);
	return out->n;
}
