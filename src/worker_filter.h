/* worker_filter.h: the worker's own system call filter (privilege
 * separation, doc/design-notes.md). */
#ifndef PHCB_WORKER_FILTER_H
#define PHCB_WORKER_FILTER_H

#include <stdbool.h>

/* Defined in a build with AddressSanitizer (gcc's and clang's ways of
 * saying so), where the filter is a list of killed calls instead. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WORKER_FILTER_SANITIZER_BUILD 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define WORKER_FILTER_SANITIZER_BUILD 1
#endif

/**
 * worker_filter_available - whether this build has the filter (it needs
 * libseccomp at build time).
 */
bool worker_filter_available(void);

/**
 * worker_filter_load - in the worker, once it has its configuration: an
 * allow-list of the calls it makes, any other killing the process (it
 * starts no program, forks nothing, traces nothing, listens on nothing,
 * keeps its identity and capabilities, mounts nothing); socket() of any
 * family but AF_UNIX fails with EAFNOSUPPORT (a library that tries is
 * refused, not killed). In a sanitizer build, whose runtime needs far
 * more, a list of killed calls instead, exec and ptrace allowed. It
 * narrows the unit's SystemCallFilter=, which both processes have, for
 * the worker alone; it cannot be undone.
 * Returns 0, -EOPNOTSUPP without libseccomp, or a negative errno.
 */
int worker_filter_load(void);

#endif
