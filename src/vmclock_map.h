/* vmclock_map.h: the VMClock page of a source, mapped read-only, and
 * which page a source's configuration names. */
#ifndef PHCB_VMCLOCK_MAP_H
#define PHCB_VMCLOCK_MAP_H

#include <stdbool.h>
#include <stddef.h>

#include "vmclock.h"

#define VMCLOCK_READ_TRIES 8 /* seqcount retries before a read fails */

/* A mapped page. */
struct vmclock_map {
	const volatile void *page; /* NULL: not mapped */
	size_t len;		   /* bytes that may be read */
	size_t mapped;		   /* bytes mapped (a page) */
	bool regular;		   /* a regular file (tests), not a device */
	int fd;			   /* a regular file's, to check its size */
};

/**
 * vmclock_map_path - the page @cfg_value (a source's vmclock key) names
 * for a source whose PHC has the sysfs clock_name @clock_name: the path
 * itself, or for "auto" <@dev_root>/vmclockN when @clock_name is
 * "vmclockN". Returns 0, or -ENOENT when there is none (none, or auto on
 * another clock), -ENAMETOOLONG.
 */
int vmclock_map_path(const char *cfg_value, const char *dev_root,
		     const char *clock_name, char *out, size_t len);

/**
 * vmclock_map_open - map the page at @path read-only (one page, as the
 * kernel's vmclock device allows) and check it decodes (a page caught
 * mid-update is accepted). Only a character device or a regular file (a
 * test's page) is mapped; anything else is -EINVAL.
 * Returns 0, a negative errno of open/mmap, or vmclock_parse()'s error
 * for a page that is not VMClock's (-EINVAL, -ENOTSUP).
 */
int vmclock_map_open(const char *path, struct vmclock_map *m);

/**
 * vmclock_map_fd - as vmclock_map_open(), from the page opened read-only
 * at @fd (privilege separation: the parent opens it), which it takes.
 */
int vmclock_map_fd(int fd, struct vmclock_map *m);

/**
 * vmclock_map_read - a consistent decoded copy of the page now.
 * Returns 0 or vmclock_read()'s error.
 */
int vmclock_map_read(const struct vmclock_map *m, struct vmclock_state *st);

/** vmclock_map_close - unmap it (a closed map may be closed again). */
void vmclock_map_close(struct vmclock_map *m);

#endif
