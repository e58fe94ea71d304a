/* sock_feed.c: send samples to chronyd's SOCK refclock, never blocking. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "sock_feed.h"
#include "uds.h"

int chronyfeed_open(struct chronyfeed *f, const char *path)
{
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	int r = uds_addr(&f->addr, &f->addr_len, path);
	if (r < 0)
		return r;
	f->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (f->fd < 0)
		return -errno;
	return 0;
}

int chronyfeed_send(struct chronyfeed *f, const struct sockmsg *m)
{
	ssize_t n = sendto(f->fd, m, sizeof(*m), MSG_DONTWAIT | MSG_NOSIGNAL,
			   (const struct sockaddr *)&f->addr, f->addr_len);
	if (n == (ssize_t)sizeof(*m)) {
		if (!f->up && f->failed > 0)
			f->reconnects++;
		f->up = true;
		f->sent++;
		f->last_error = 0;
		return 0;
	}
	f->last_error = n < 0 ? errno : EMSGSIZE;
	f->up = false;
	f->failed++;
	return -f->last_error;
}

void chronyfeed_close(struct chronyfeed *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}
