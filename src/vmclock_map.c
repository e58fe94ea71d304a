/* vmclock_map.c: the VMClock page of a source, mapped read-only, and
 * which page a source's configuration names. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "discover.h"
#include "vmclock_map.h"

int vmclock_map_path(const char *cfg_value, const char *dev_root,
		     const char *clock_name, char *out, size_t len)
{
	int n;

	if (!cfg_value[0])
		return -ENOENT;
	if (strcmp(cfg_value, "auto") != 0)
		n = snprintf(out, len, "%s", cfg_value);
	else if ((n = discover_vmclock_index(clock_name)) >= 0)
		n = snprintf(out, len, "%s/vmclock%d", dev_root, n);
	else
		return -ENOENT;
	return (size_t)n < len ? 0 : -ENAMETOOLONG;
}

/* How much of the file at @fd can be read: a device's page, a regular
 * file's size up to a page; 0 for anything else (a FIFO, a directory). */
static size_t readable_len(int fd, size_t page, bool *regular)
{
	struct stat st;

	*regular = false;
	if (fstat(fd, &st) < 0)
		return 0;
	if (S_ISCHR(st.st_mode))
		return page;
	if (!S_ISREG(st.st_mode))
		return 0;
	*regular = true;
	return (size_t)st.st_size < page ? (size_t)st.st_size : page;
}

int vmclock_map_open(const char *path, struct vmclock_map *m)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	m->page = NULL;
	return fd < 0 ? -errno : vmclock_map_fd(fd, m);
}

int vmclock_map_fd(int fd, struct vmclock_map *m)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct vmclock_state st;
	void *p;
	int r;

	m->page = NULL;
	m->regular = false;
	m->len = readable_len(fd, page, &m->regular);
	if (m->len == 0) {
		close(fd);
		return -EINVAL;
	}
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	r = p == MAP_FAILED ? -errno : 0;
	if (r < 0 || !m->regular)
		close(fd);
	else
		m->fd = fd; /* a file may shrink: checked before each read */
	if (r < 0)
		return r;
	m->page = p;
	m->mapped = page;
	r = vmclock_map_read(m, &st);
	if (r < 0 && r != -EAGAIN) {
		vmclock_map_close(m);
		return r;
	}
	return 0;
}

int vmclock_map_read(const struct vmclock_map *m, struct vmclock_state *st)
{
	struct stat sb;

	if (!m->page)
		return -EBADF;
	/* a regular file cut short would fault the read (SIGBUS) */
	if (m->regular && (fstat(m->fd, &sb) < 0 || (size_t)sb.st_size < m->len))
		return -EIO;
	return vmclock_read(m->page, m->len, st, VMCLOCK_READ_TRIES);
}

void vmclock_map_close(struct vmclock_map *m)
{
	if (m->page)
		munmap((void *)m->page, m->mapped);
	if (m->page && m->regular)
		close(m->fd);
	m->page = NULL;
}
