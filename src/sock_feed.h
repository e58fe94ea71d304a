/* sock_feed.h: send samples to chronyd's SOCK refclock, never blocking. */
#ifndef PHCB_CHRONYFEED_H
#define PHCB_CHRONYFEED_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "sock_msg.h"

/* A sender to one refclock socket. */
struct chronyfeed {
	int fd;
	struct sockaddr_un addr;
	socklen_t addr_len;
	bool up;		  /* the last send reached chronyd */
	unsigned long sent;	  /* samples chronyd received */
	unsigned long failed;	  /* samples that did not reach it */
	unsigned long reconnects; /* times chronyd came back after failures */
	int last_error;		  /* errno of the last failure, 0 none */
	/* in a worker: a socket connected by the parent (CONNECT_FEED) */
	int via_parent;		  /* the source's index, -1: send by path */
	int64_t connect_mono_ns;  /* the last request for one */
};

/**
 * chronyfeed_open - prepare to send to the socket chronyd binds at @path.
 * chronyd need not be running yet.
 * Returns 0, -ENAMETOOLONG or -errno from socket(2).
 */
int chronyfeed_open(struct chronyfeed *f, const char *path);

/**
 * chronyfeed_send - send one sample without blocking.
 *
 * Every datagram is addressed by path, so a restarted chronyd (which
 * unlinks and binds the path anew) is reached by the next sample without
 * any reconnect logic; a missing socket (-ENOENT), a dead one
 * (-ECONNREFUSED) or a full queue (-EAGAIN) costs only this sample.
 * Returns 0 or -errno.
 */
int chronyfeed_send(struct chronyfeed *f, const struct sockmsg *m);

/**
 * chronyfeed_via_parent - in a worker: send on a socket the parent
 * connected to source @index's path instead of addressing each datagram
 * (the worker may not reach the path itself). The socket is asked for at
 * the first send and again, at most once a second, after a send found
 * chronyd gone (it restarted: the path is a new socket).
 */
void chronyfeed_via_parent(struct chronyfeed *f, int index);

/** chronyfeed_close - release the socket. */
void chronyfeed_close(struct chronyfeed *f);

#endif
