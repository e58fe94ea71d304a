/* textfile.c: a file replaced atomically (temporary file, rename). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "textfile.h"

#define TMP_FLAGS (O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW)

int textfile_create(const char *path, char *tmp, size_t len)
{
	int fd;

	if ((size_t)snprintf(tmp, len, "%s.tmp.%ld", path, (long)getpid()) >=
	    len)
		return -ENAMETOOLONG;
	/* a new file, never one already there (a link someone planted) */
	fd = open(tmp, TMP_FLAGS, 0644);
	if (fd < 0 && errno == EEXIST && unlink(tmp) == 0)
		fd = open(tmp, TMP_FLAGS, 0644);
	if (fd < 0)
		return -errno;
	fchmod(fd, 0644); /* whatever the umask */
	return fd;
}

int textfile_commit(const char *tmp, const char *path, bool ok)
{
	int r = 0;

	if (ok && rename(tmp, path) < 0)
		r = -errno;
	if (!ok || r < 0)
		unlink(tmp);
	return r;
}
