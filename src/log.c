/* log.c: logging to the systemd journal (structured) or to stderr. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

void log_msg(int prio, const char *source, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (prio > logger.max_prio)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	if (logger.target == LOG_TARGET_JOURNAL) {
		if (source)
			sd_journal_send("MESSAGE=%s: %s", source, msg,
					"PRIORITY=%d", prio, "PHCB_SOURCE=%s",
					source, "SYSLOG_IDENTIFIER=phcbrokerd",
					NULL);
		else
			sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", prio,
					"SYSLOG_IDENTIFIER=phcbrokerd", NULL);
		return;
	}
	if (source)
		fprintf(stderr, "phcbrokerd[%d]: %s: %s: %s\n", (int)getpid(),
			log_level_name(prio), source, msg);
	else
		fprintf(stderr, "phcbrokerd[%d]: %s: %s\n", (int)getpid(),
			log_level_name(prio), msg);
}
