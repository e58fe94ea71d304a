/* textfile.h: a file replaced atomically, as node_exporter's textfile
 * collector reads it: a new temporary file beside it, then rename(2). The
 * two halves are apart so that under privilege separation the parent
 * creates and renames (the directory may need its privilege) while the
 * worker writes. */
#ifndef PHCB_TEXTFILE_H
#define PHCB_TEXTFILE_H

#include <stdbool.h>
#include <stddef.h>

/**
 * textfile_create - a new temporary file for @path: "@path.tmp.PID",
 * created exclusively (never a file or link already there; a stale one
 * of this PID is removed first), mode 0644 whatever the umask, opened
 * write-only. Its name goes into @tmp (@len bytes).
 * Returns the descriptor, -ENAMETOOLONG or -errno.
 */
int textfile_create(const char *path, char *tmp, size_t len);

/**
 * textfile_commit - put the written @tmp in place of @path (@ok), or
 * remove it (!@ok, or the rename failed). Returns 0 or -errno.
 */
int textfile_commit(const char *tmp, const char *path, bool ok);

#endif
