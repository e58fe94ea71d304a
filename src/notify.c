/* notify.c: tell systemd about readiness, status and liveness; in a
 * worker, tell the parent, which tells systemd (supervise.c). */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "notify.h"
#include "privsep_chan.h"
#include "resume.h"
#include "supervise.h"

static int parent_fd = -1;
static bool parent_forwards; /* the parent has a NOTIFY_SOCKET */

void notify_use_parent(int fd, bool forwarded)
{
	parent_fd = fd;
	parent_forwards = forwarded;
	/* a parent that does not read must not stop the event loop: a
	 * notification that does not fit is dropped */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static int to_parent(enum privsep_type type, const char *text)
{
	struct privsep_msg m = { .type = type, .text = text,
				 .text_len = text ? strlen(text) : 0 };

	return privsep_send(parent_fd, &m, -1);
}

static void send_text(const char *text)
{
	if (parent_fd >= 0)
		to_parent(PRIVSEP_NOTIFY, text);
	else
		sd_notify(0, text);
}

void notify_resume_state(const char *text)
{
	static char last[RESUME_TEXT_MAX];

	if (parent_fd < 0 || !strcmp(last, text))
		return;
	if (to_parent(PRIVSEP_RESUME, text) == 0) /* else: again next time */
		snprintf(last, sizeof(last), "%s", text);
}

pid_t notify_main_pid(void)
{
	return parent_fd >= 0 ? getppid() : getpid();
}

uint64_t notify_watchdog_usec(void)
{
	uint64_t usec = 0;

	if (parent_fd >= 0)
		return 2 * PRIVSEP_HEARTBEAT_MS * 1000ULL; /* pinged at half */
	if (sd_watchdog_enabled(0, &usec) <= 0)
		return 0;
	return usec;
}

bool notify_enabled(void)
{
	const char *e = getenv("NOTIFY_SOCKET");

	if (parent_fd >= 0)
		return parent_forwards;
	return e && e[0];
}

void notify_ready(const char *status)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "READY=1\nSTATUS=%s", status);
	send_text(buf);
}

void notify_status(const char *status)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "STATUS=%s", status);
	send_text(buf);
}

void notify_watchdog(void)
{
	if (parent_fd >= 0)
		to_parent(PRIVSEP_HEARTBEAT, NULL);
	else
		sd_notify(0, "WATCHDOG=1");
}

void notify_reloading(void)
{
	send_text("RELOADING=1");
}

void notify_stopping(void)
{
	send_text("STOPPING=1");
}
