/* privsep_chan.c: one message, with at most one descriptor, over the
 * parent/worker socketpair (SOCK_SEQPACKET, SCM_RIGHTS). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "privsep_chan.h"

#define FDS_MAX 4 /* room to notice (and close) a peer's extra descriptors */

int privsep_pair(int fds[2])
{
	return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0
		       ? -errno
		       : 0;
}

int privsep_send(int sock, const struct privsep_msg *m, int fd)
{
	static uint8_t buf[PRIVSEP_MSG_MAX];
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	int n = privsep_encode(m, buf, sizeof(buf));

	if (n < 0)
		return n;
	if (fd >= 0 && !privsep_carries_fd(m->type))
		return -EINVAL;
	iov.iov_base = buf;
	iov.iov_len = (size_t)n;
	if (fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.space;
		mh.msg_controllen = sizeof(ctl.space);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	while (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

/* The descriptors of @mh into @fds; returns how many. */
static int take_fds(struct msghdr *mh, int *fds, int max)
{
	int n = 0;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c;
	     c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k && n < max; i++)
			memcpy(&fds[n++], CMSG_DATA(c) + i * sizeof(int),
			       sizeof(int));
	}
	return n;
}

static void close_all(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		close(fds[i]);
}

int privsep_recv(int sock, uint8_t *buf, size_t cap, struct privsep_msg *m,
		 int *fd)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(FDS_MAX * sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = cap - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl.space,
			     .msg_controllen = sizeof(ctl.space) };
	int fds[FDS_MAX], nfd, r;
	ssize_t n;

	*fd = -1;
	if (cap < 2)
		return -EINVAL;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	nfd = take_fds(&mh, fds, FDS_MAX);
	if (n == 0 && nfd == 0)
		return -ECONNRESET;
	if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
		close_all(fds, nfd);
		return mh.msg_flags & MSG_TRUNC ? -EMSGSIZE : -EBADMSG;
	}
	r = privsep_decode(buf, (size_t)n, cap, m);
	if (r == 0 && (nfd > 1 || (nfd == 1 && !privsep_carries_fd(m->type))))
		r = -EBADMSG;
	if (r < 0) {
		close_all(fds, nfd);
		return r;
	}
	if (nfd == 1)
		*fd = fds[0];
	return 0;
}
