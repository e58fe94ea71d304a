/* sock_feed.c: send samples to chronyd's SOCK refclock, never blocking;
 * in a worker, on a socket the parent connected. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "privsep_client.h"
#include "sock_feed.h"
#include "timeutil.h"
#include "uds.h"

#define RECONNECT_INTERVAL_NS NS_PER_SEC

int chronyfeed_open(struct chronyfeed *f, const char *path)
{
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->via_parent = -1;
	int r = uds_addr(&f->addr, &f->addr_len, path);
	if (r < 0)
		return r;
	if (privsep_client_active())
		return 0; /* the parent connects it: chronyfeed_via_parent */
	f->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (f->fd < 0)
		return -errno;
	return 0;
}

void chronyfeed_via_parent(struct chronyfeed *f, int index)
{
	f->via_parent = index;
}

/* A failure of a connected send after which only a new socket helps:
 * chronyd closed (restarted) or removed the socket. */
static bool peer_gone(int err)
{
	return err == ECONNREFUSED || err == ENOTCONN || err == ENOENT ||
	       err == ECONNRESET;
}

/* In a worker: the connected socket, asked for when there is none. */
static int connected(struct chronyfeed *f)
{
	int64_t now = clock_now_ns(CLOCK_MONOTONIC);
	int r;

	if (f->fd >= 0)
		return 0;
	if (f->connect_mono_ns &&
	    now - f->connect_mono_ns < RECONNECT_INTERVAL_NS)
		return f->last_error ? -f->last_error : -ENOTCONN;
	f->connect_mono_ns = now;
	r = privsep_connect_feed((unsigned)f->via_parent, &f->fd);
	return r;
}

/* Count one datagram sent (@n its length) or failed (-1, errno). */
static int account(struct chronyfeed *f, ssize_t n, int err)
{
	if (n == (ssize_t)sizeof(struct sockmsg)) {
		if (!f->up && f->failed > 0)
			f->reconnects++;
		f->up = true;
		f->sent++;
		f->last_error = 0;
		return 0;
	}
	f->last_error = n < 0 ? err : EMSGSIZE;
	f->up = false;
	f->failed++;
	return -f->last_error;
}

int chronyfeed_send(struct chronyfeed *f, const struct sockmsg *m)
{
	ssize_t n;
	int r;

	if (f->via_parent < 0) {
		n = sendto(f->fd, m, sizeof(*m), MSG_DONTWAIT | MSG_NOSIGNAL,
			   (const struct sockaddr *)&f->addr, f->addr_len);
		return account(f, n, errno);
	}
	if ((r = connected(f)) < 0)
		return account(f, -1, -r);
	n = send(f->fd, m, sizeof(*m), MSG_DONTWAIT | MSG_NOSIGNAL);
	r = errno;
	if (n < 0 && peer_gone(r)) {
		close(f->fd);
		f->fd = -1;
		f->connect_mono_ns = 0; /* a new chronyd: ask at once */
		if (connected(f) == 0) {
			n = send(f->fd, m, sizeof(*m),
				 MSG_DONTWAIT | MSG_NOSIGNAL);
			r = errno;
		}
	}
	return account(f, n, r);
}

void chronyfeed_close(struct chronyfeed *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}
