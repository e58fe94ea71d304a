/* fakefs.h: FUSE low-level operations: a directory of emulated PHC files. */
#ifndef PHCB_FAKEFS_H
#define PHCB_FAKEFS_H

#define FUSE_USE_VERSION 35

#include <fuse_lowlevel.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "fakedev.h"

#define FAKEFS_MAX_DEVS 64

/*
 * What the file system serves; the session's user data. Set up before the
 * session starts, then only the devices (each behind its own lock) change.
 */
struct fakefs {
	struct fakedev devs[FAKEFS_MAX_DEVS];
	int n_devs;
	FILE *log;
	bool wait;	  /* hold replies until the read window has passed */
	int64_t start_ns; /* for file times */
};

/*
 * The operations: lookup, getattr, readdir, open, release and ioctl. The
 * root directory lists the present devices (inode 2 + index); ioctls are
 * answered as a PHC character device would (see fakephc.c).
 */
extern const struct fuse_lowlevel_ops fakefs_ops;

#endif
