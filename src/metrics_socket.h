/* metrics_socket.h: the listening socket of /metrics: bound here to the
 * configured address, or taken from systemd (`metrics_listen systemd`,
 * phcbrokerd-metrics.socket), so that the unit can forbid the daemon
 * internet sockets (RestrictAddressFamilies=AF_UNIX). */
#ifndef PHCB_METRICS_SOCKET_H
#define PHCB_METRICS_SOCKET_H

/* metrics_listen's value for the socket systemd passes. */
#define METRICS_LISTEN_SYSTEMD "systemd"
/* The socket's name in LISTEN_FDNAMES (the socket unit's
 * FileDescriptorName=). */
#define METRICS_FDNAME "metrics"

/**
 * metrics_socket_take_systemd - at start: keep the listening stream
 * socket systemd passed under the name "metrics" (LISTEN_FDS,
 * LISTEN_FDNAMES), close any other descriptor it passed (logged), and
 * unset the variables so that no child takes them.
 * Returns 1 when one was kept, 0 when none was passed, or -errno (a
 * "metrics" descriptor that is not a listening stream socket: -ENOTSOCK).
 */
int metrics_socket_take_systemd(void);

/**
 * metrics_socket_open - a listening socket for metrics_listen @listen,
 * non-blocking and close-on-exec: a duplicate of systemd's for "systemd",
 * else a new one bound to the address.
 * Returns the descriptor, or -EINVAL (not a listen value), -ENOENT (no
 * socket from systemd), or the -errno of socket(), bind() or listen()
 * (-EAFNOSUPPORT: the unit's RestrictAddressFamilies=).
 */
int metrics_socket_open(const char *listen);

/**
 * metrics_socket_hint - what to do about @err from metrics_socket_open,
 * "" when there is nothing to add to strerror().
 */
const char *metrics_socket_hint(int err);

#endif
