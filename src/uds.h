/* uds.h: Unix domain socket paths: addresses, stale sockets, safe binding. */
#ifndef PHCB_UDS_H
#define PHCB_UDS_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>

/**
 * uds_addr - fill @sa with @path.
 * @len: set to the address length to pass to bind/connect/sendto (may be
 *       NULL)
 * Returns 0, -EINVAL for an empty path or -ENAMETOOLONG.
 */
int uds_addr(struct sockaddr_un *sa, socklen_t *len, const char *path);

/**
 * uds_in_use - whether a process still holds the socket at @path: a stream
 * connect is tried, then a datagram one.
 * Returns 1 (someone answers or the socket cannot be probed safely),
 * 0 (refused: nobody holds it) or -ENOENT (nothing there).
 */
int uds_in_use(const char *path);

/**
 * uds_unlink_stale - remove a socket left at @path by a dead process.
 * Returns 0 (removed, or nothing there), -EEXIST (not a socket),
 * -EADDRINUSE (a live process still holds it) or -errno.
 */
int uds_unlink_stale(const char *path);

/**
 * uds_dir_check - open the directory that holds @path and check that only
 * we can change its entries: owned by the effective uid, writable by
 * neither group nor others.
 * @base: set to the last component of @path (points into @path)
 * Returns the directory descriptor (O_CLOEXEC), -EPERM for a directory
 * that others can write or that another user owns, or -errno.
 */
int uds_dir_check(const char *path, const char **base);

/**
 * uds_bind - create a socket of @type bound at @path, without ever setting
 * permissions by name in a directory someone else controls: the directory
 * must pass uds_dir_check(), a stale socket there is removed only when
 * nobody holds it, the file is created with @mode (through the umask, no
 * chmod afterwards) and, when @gid is not (gid_t)-1, given to group @gid
 * with fchownat() relative to the checked directory (this needs CAP_CHOWN
 * unless we are a member of @gid). On failure nothing is left at @path.
 * @type: SOCK_STREAM or SOCK_DGRAM (made non-blocking and close-on-exec)
 * @st:   if not NULL, the identity of the socket file (see uds_unlink_own)
 * Returns the descriptor (not yet listening), or -errno: -EPERM for an
 * unsafe directory, -EADDRINUSE when a live socket is at @path, -EEXIST
 * when something else is.
 */
int uds_bind(int type, const char *path, mode_t mode, gid_t gid,
	     struct stat *st);

/**
 * uds_same_file - whether @a and @b describe the same file: device, inode
 * and change time (an inode number freed by unlink is soon reused).
 */
bool uds_same_file(const struct stat *a, const struct stat *b);

/**
 * uds_unlink_own - remove @path only if it is still the socket file
 * described by @st (a successor may have bound a new one there).
 */
void uds_unlink_own(const char *path, const struct stat *st);

#endif
