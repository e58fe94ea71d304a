/* uds.h: small helpers for Unix domain socket paths. */
#ifndef PHCB_UDS_H
#define PHCB_UDS_H

#include <sys/socket.h>
#include <sys/un.h>

/**
 * uds_addr - fill @sa with @path.
 * @len: set to the address length to pass to bind/connect/sendto (may be
 *       NULL)
 * Returns 0, -EINVAL for an empty path or -ENAMETOOLONG.
 */
int uds_addr(struct sockaddr_un *sa, socklen_t *len, const char *path);

/**
 * uds_unlink_stale - remove a socket left at @path by a dead process;
 * anything else at @path is left alone.
 * Returns 0 (removed, or nothing there), -EEXIST (not a socket) or -errno.
 */
int uds_unlink_stale(const char *path);

#endif
