/* rundir.c: the daemon's runtime directory and its single-instance lock. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rundir.h"

int rundir_prepare(const char *path, char *err, size_t errlen)
{
	mode_t old = umask(022);
	struct stat st;
	int r = mkdir(path, 0755) < 0 && errno != EEXIST ? -errno : 0;

	umask(old);
	if (r < 0) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(-r));
		return r;
	}
	if (lstat(path, &st) < 0) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-r));
		return r;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is not a directory (a symlink or "
			 "file is refused); remove it or set run_dir", path);
		return -EPERM;
	}
	if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(err, errlen, "%s is owned by uid %u with mode %04o; "
			 "it must be owned by uid %u and writable by no one "
			 "else (remove it, or set run_dir)", path,
			 (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777),
			 (unsigned)geteuid());
		return -EPERM;
	}
	return 0;
}

/* The PID written in the lock file, 0 if none can be read. */
static pid_t read_holder(int fd)
{
	char buf[24];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	long pid;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	pid = strtol(buf, NULL, 10);
	return pid > 0 && pid <= 0x3fffffff ? (pid_t)pid : 0;
}

static int write_pid(int fd, pid_t pid)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)pid);

	ssize_t w;

	if (ftruncate(fd, 0) < 0)
		return -errno;
	w = pwrite(fd, buf, (size_t)n, 0);
	if (w < 0)
		return -errno;
	return w == n ? 0 : -EIO;
}

int rundir_lock(const char *dir, pid_t pid, int *fd_out, pid_t *holder)
{
	int dirfd, fd, r;

	*holder = 0;
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	fd = openat(dirfd, RUNDIR_LOCK_NAME,
		    O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
	r = fd < 0 ? -errno : 0;
	close(dirfd);
	if (r < 0)
		return r;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		r = errno == EWOULDBLOCK ? -EBUSY : -errno;
		if (r == -EBUSY)
			*holder = read_holder(fd);
		close(fd);
		return r;
	}
	r = write_pid(fd, pid);
	if (r < 0) {
		close(fd);
		return r;
	}
	*fd_out = fd;
	return 0;
}
