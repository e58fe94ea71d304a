/* rundir.h: the daemon's runtime directory and its single-instance lock. */
#ifndef PHCB_RUNDIR_H
#define PHCB_RUNDIR_H

#include <stddef.h>
#include <sys/types.h>

/* The lock file in the runtime directory; it holds the owner's PID. */
#define RUNDIR_LOCK_NAME "phcbrokerd.pid"

/**
 * rundir_prepare - create @path (mode 0755) if it is missing and check
 * that it is a directory owned by the effective uid that neither group nor
 * others may write: the daemon's client sockets live there.
 * @err: on failure, a sentence saying what is wrong and what to do
 * Returns 0, -EPERM (wrong owner or mode, or a symlink) or -errno.
 */
int rundir_prepare(const char *path, char *err, size_t errlen);

/**
 * rundir_lock - take the instance lock in @dir (flock on RUNDIR_LOCK_NAME,
 * which then holds @pid: ours, or under --privsep the parent's, the one to
 * signal) and keep it until the process exits.
 * @fd_out: the lock's descriptor (close it, or exit, to release)
 * @holder: when another process holds the lock, its PID (0 if unknown)
 * Returns 0, -EBUSY (held by @holder) or -errno.
 */
int rundir_lock(const char *dir, pid_t pid, int *fd_out, pid_t *holder);

#endif
