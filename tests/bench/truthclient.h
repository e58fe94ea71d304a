/* truthclient.h: client of fakephc's side channel (truth, unplug, step). */
#ifndef PHCB_TRUTHCLIENT_H
#define PHCB_TRUTHCLIENT_H

#include <stddef.h>
#include <stdint.h>

/**
 * truth_connect - connect to fakephc's --truth-socket.
 * @path: the socket's path
 * Returns a stream socket descriptor, or -errno.
 */
int truth_connect(const char *path);

/**
 * truth_request - send one request line, read the one-line reply.
 * @fd:    from truth_connect()
 * @req:   the request without newline, e.g. "VANISH ptp0"
 * @reply: the reply without newline; @len: its size
 * Returns 0 when the reply starts with "OK", -EPROTO for any other reply,
 * -EIO when the connection failed.
 */
int truth_request(int fd, const char *req, char *reply, size_t len);

/**
 * truth_offset - the true PHC minus system offset of a device.
 * @fd:     from truth_connect()
 * @dev:    device name (fakephc's NAME)
 * @t_ns:   CLOCK_REALTIME instant, ns
 * @off_ns: the offset, ns
 * Returns 0 or a truth_request() error.
 */
int truth_offset(int fd, const char *dev, int64_t t_ns, double *off_ns);

#endif
