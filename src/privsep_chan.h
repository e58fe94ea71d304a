/* privsep_chan.h: one message, with at most one descriptor, over the
 * parent/worker socketpair (SOCK_SEQPACKET, SCM_RIGHTS). */
#ifndef PHCB_PRIVSEP_CHAN_H
#define PHCB_PRIVSEP_CHAN_H

#include "privsep_msg.h"

/**
 * privsep_pair - a connected SOCK_SEQPACKET pair, close-on-exec, into
 * @fds (the parent keeps one end, the worker gets the other).
 * Returns 0 or a negative errno.
 */
int privsep_pair(int fds[2]);

/**
 * privsep_send - send @m and, where its type allows one, the descriptor
 * @fd (-1: none) on @sock. Returns 0, a negative errno of encoding or of
 * sendmsg(), or -EINVAL for a descriptor on a type that carries none.
 */
int privsep_send(int sock, const struct privsep_msg *m, int fd);

/**
 * privsep_recv - receive one message from @sock into @buf (@cap bytes, at
 * least PRIVSEP_MSG_MAX + 1) and decode it into @m; its descriptor, if
 * any, into @fd (-1 otherwise). A descriptor on a type that carries none,
 * or more than one, is closed and the message refused (-EBADMSG), as is
 * a message cut short (-EMSGSIZE) or with cut control data.
 * Returns 0, -ECONNRESET when the other end closed, or a negative errno.
 */
int privsep_recv(int sock, uint8_t *buf, size_t cap, struct privsep_msg *m,
		 int *fd);

#endif
