/* uds.c: Unix domain socket paths: addresses, stale sockets, safe binding. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "uds.h"

#define SUN_PATH_MAX (sizeof(((struct sockaddr_un *)0)->sun_path))

int uds_addr(struct sockaddr_un *sa, socklen_t *len, const char *path)
{
	size_t n = strlen(path);

	if (n == 0)
		return -EINVAL;
	if (n >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, path, n + 1);
	if (len)
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	return 0;
}

/* Try to connect a socket of @type: 0 connected, else -errno. */
static int try_connect(const struct sockaddr_un *sa, socklen_t len, int type)
{
	int fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int r;

	if (fd < 0)
		return -errno;
	r = connect(fd, (const struct sockaddr *)sa, len) < 0 ? -errno : 0;
	close(fd);
	return r;
}

int uds_in_use(const char *path)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
	struct sockaddr_un sa;
	socklen_t len;
	int r;

	if (uds_addr(&sa, &len, path) < 0)
		return 1;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		r = try_connect(&sa, len, types[i]);
		if (r == -EPROTOTYPE)
			continue; /* another kind of socket: try the next */
		if (r == -ENOENT)
			return -ENOENT;
		/* refused: bound but nobody holds it; anything else (answered,
		 * backlog full, permission denied) counts as in use */
		return r == -ECONNREFUSED ? 0 : 1;
	}
	return 1;
}

int uds_unlink_stale(const char *path)
{
	struct stat st;
	int r;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	r = uds_in_use(path);
	if (r > 0)
		return -EADDRINUSE;
	if (r == 0 && unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int uds_dir_check(const char *path, const char **base)
{
	char dir[SUN_PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(dir))
		return -ENAMETOOLONG;
	if (!slash) {
		strcpy(dir, ".");
		*base = path;
	} else {
		size_t n = slash == path ? 1 : (size_t)(slash - path);
		memcpy(dir, path, n);
		dir[n] = '\0';
		*base = slash + 1;
	}
	if (**base == '\0')
		return -EINVAL;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid() ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

/* bind() with the file created at @mode: the umask does it, atomically. */
static int bind_with_mode(int fd, const struct sockaddr_un *sa, socklen_t len,
			  mode_t mode)
{
	mode_t old = umask((mode_t)(~mode & 0777));
	int r = bind(fd, (const struct sockaddr *)sa, len);

	umask(old);
	return r < 0 ? -errno : 0;
}

/* The file just bound must be our socket; hand it to @gid if asked. */
static int settle_file(int dirfd, const char *base, gid_t gid,
		       struct stat *st)
{
	if (gid != (gid_t)-1 &&
	    fchownat(dirfd, base, (uid_t)-1, gid, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (fstatat(dirfd, base, st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	return S_ISSOCK(st->st_mode) && st->st_uid == geteuid() ? 0 : -EEXIST;
}

int uds_bind(int type, const char *path, mode_t mode, gid_t gid,
	     struct stat *st)
{
	struct sockaddr_un sa;
	struct stat tmp;
	const char *base;
	socklen_t len;
	int dirfd, fd, r;

	r = uds_addr(&sa, &len, path);
	if (r < 0)
		return r;
	dirfd = uds_dir_check(path, &base);
	if (dirfd < 0)
		return dirfd;
	r = uds_unlink_stale(path);
	fd = r < 0 ? r : socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (r == 0 && fd < 0)
		r = -errno;
	if (r == 0)
		r = bind_with_mode(fd, &sa, len, mode);
	if (r == 0) {
		r = settle_file(dirfd, base, gid, st ? st : &tmp);
		if (r < 0)
			unlinkat(dirfd, base, 0);
	}
	if (r < 0 && fd >= 0)
		close(fd);
	close(dirfd);
	return r < 0 ? r : fd;
}

bool uds_same_file(const struct stat *a, const struct stat *b)
{
	/* inode numbers are reused at once: the change time tells a new
	 * file at the same inode from ours */
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	       a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

void uds_unlink_own(const char *path, const struct stat *st)
{
	struct stat now;

	if (lstat(path, &now) == 0 && uds_same_file(&now, st))
		unlink(path);
}
