/* worker_filter.h: the worker's own system call filter (privilege
 * separation, doc/design-notes.md). */
#ifndef PHCB_WORKER_FILTER_H
#define PHCB_WORKER_FILTER_H

#include <stdbool.h>

/* Defined in a build with AddressSanitizer (gcc's and clang's ways of
 * saying so), where the filter leaves ptrace and exec allowed. */
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
 * worker_filter_load - in the worker, once its parent passed what it
 * opens: kill the process on the calls a worker never makes (starting a
 * program, tracing or reading another process's memory, listening,
 * changing its identity or capabilities, mounting, namespaces), and fail
 * socket() for any family but AF_UNIX with EAFNOSUPPORT (a library that
 * tries is refused, not killed). It narrows the unit's
 * SystemCallFilter=, which both processes have, for the worker alone;
 * it stays across exec and fork, and cannot be undone.
 * Returns 0, -EOPNOTSUPP without libseccomp, or a negative errno.
 */
int worker_filter_load(void);

#endif
