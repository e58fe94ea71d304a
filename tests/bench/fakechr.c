/* fakechr.c: LD_PRELOAD bench seam: fakephc's files pass for PHC devices. */
/*
 * fakephc serves its emulated clocks as regular files of a FUSE mount
 * (CUSE, which makes character devices, needs /dev/cuse). chronyd 4.8's
 * refclock PHC refuses a device that fstat() does not call a character
 * device (it takes the PHC index from st_rdev); 4.3 does not look. Loaded
 * into chronyd with LD_PRELOAD, this reports every regular file under the
 * directory $PHCB_FAKECHR_DIR as a character device (major 0, minor 0),
 * and changes nothing else: reads and ioctls still go to fakephc. The
 * accuracy benchmark loads it into every chronyd, anchor and broker alike.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Whether @fd is a file under $PHCB_FAKECHR_DIR. */
static bool is_fake(int fd)
{
	const char *dir = getenv("PHCB_FAKECHR_DIR");
	char link[64], path[PATH_MAX];
	size_t len;
	ssize_t n;

	if (!dir || !dir[0])
		return false;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		return false;
	path[n] = '\0';
	len = strlen(dir);
	return strncmp(path, dir, len) == 0 && path[len] == '/';
}

/* A regular file of the mount, made a character device. */
static void as_chr(int fd, mode_t *mode, dev_t *rdev)
{
	if (S_ISREG(*mode) && is_fake(fd)) {
		*mode = (*mode & ~(mode_t)S_IFMT) | S_IFCHR;
		*rdev = makedev(0, 0);
	}
}

typedef int (*fstat_fn)(int, struct stat *);
typedef int (*fstat64_fn)(int, struct stat64 *);

int fstat(int fd, struct stat *st)
{
	static fstat_fn real;
	int r;

	if (!real)
		real = (fstat_fn)dlsym(RTLD_NEXT, "fstat");
	r = real(fd, st);
	if (r == 0)
		as_chr(fd, &st->st_mode, &st->st_rdev);
	return r;
}

int fstat64(int fd, struct stat64 *st)
{
	static fstat64_fn real;
	int r;

	if (!real)
		real = (fstat64_fn)dlsym(RTLD_NEXT, "fstat64");
	r = real(fd, st);
	if (r == 0)
		as_chr(fd, &st->st_mode, &st->st_rdev);
	return r;
}
