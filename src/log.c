/* log.c: logging to the systemd journal (structured) or to stderr. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

/* CODE_FILE, CODE_LINE and CODE_FUNC would all name to_journal() below */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include "log.h"

static struct {
	enum log_target target;
	int max_prio;
} logger = { LOG_TARGET_STDERR, LOG_NOTICE };


void log_init(enum log_target target, int max_prio)
{
	logger.target = target;
	logger.max_prio = max_prio;
}

void log_set_level(int max_prio)
{
	logger.max_prio = max_prio;
}

int log_get_level(void)
{
	return logger.max_prio;
}

bool log_stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) != 0)
		return false;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

/* One entry to the journal: the fields of log_event_compose(). */
static void to_journal(int prio, enum log_event_kind kind, const char *source,
		       const struct log_fields *extra, const char *msg)
{
	struct log_fields all;
	struct iovec iov[LOG_FIELDS_MAX];
	int n = log_event_compose(&all, prio, kind, source, msg, extra);

	for (int i = 0; i < n; i++) {
		iov[i].iov_base = (void *)all.field[i];
		iov[i].iov_len = all.len[i];
	}
	if (n > 0)
		sd_journal_sendv(iov, n);
}

/* One line to stderr, the format the tests and operators read. */
static void to_stderr(int prio, const char *source, const char *msg)
{
	if (source)
		fprintf(stderr, "phcbrokerd[%d]: %s: %s: %s\n", (int)getpid(),
			log_level_name(prio), source, msg);
	else
		fprintf(stderr, "phcbrokerd[%d]: %s: %s\n", (int)getpid(),
			log_level_name(prio), msg);
}

static void emit(int prio, enum log_event_kind kind, const char *source,
		 const struct log_fields *fields, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));
static void emit(int prio, enum log_event_kind kind, const char *source,
		 const struct log_fields *fields, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (logger.target == LOG_TARGET_JOURNAL)
		to_journal(prio, kind, source, fields, msg);
	else
		to_stderr(prio, source, msg);
}

void log_msg(int prio, const char *source, const char *fmt, ...)
{
	va_list ap;

	if (prio > logger.max_prio)
		return;
	va_start(ap, fmt);
	emit(prio, LOG_EVENT_NONE, source, NULL, fmt, ap);
	va_end(ap);
}

void log_event(int prio, enum log_event_kind kind, const char *source,
	       const struct log_fields *fields, const char *fmt, ...)
{
	va_list ap;

	if (prio > logger.max_prio)
		return;
	va_start(ap, fmt);
	emit(prio, kind, source, fields, fmt, ap);
	va_end(ap);
}
