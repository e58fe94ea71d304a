/* worker_filter.c: the worker's own system call filter. The unit's
 * SystemCallFilter= (an allow-list) covers the parent and the worker
 * alike; the parent needs bind, listen, connect and the like to open what
 * the worker asks for. The worker gets everything it listens on or sends
 * to from the parent, so on top of the unit's list it loses what it never
 * needs: the intersection is its allow-list. */
#include <errno.h>
#include <stdbool.h>

#include "worker_filter.h"

#ifdef HAVE_LIBSECCOMP
#include <seccomp.h>
#include <sys/socket.h>

/* Calls that kill the worker. In a sanitizer build ptrace and exec stay
 * allowed: LeakSanitizer traces the process at exit, and a report runs
 * the symbolizer. */
static const int killed[] = {
#ifndef WORKER_FILTER_SANITIZER_BUILD
    SCMP_SYS(ptrace),
    SCMP_SYS(execve),
    SCMP_SYS(execveat),
#endif
    SCMP_SYS(process_vm_readv),
    SCMP_SYS(process_vm_writev),
    SCMP_SYS(listen),
    SCMP_SYS(setuid),
    SCMP_SYS(setgid),
    SCMP_SYS(setreuid),
    SCMP_SYS(setregid),
    SCMP_SYS(setresuid),
    SCMP_SYS(setresgid),
    SCMP_SYS(setgroups),
    SCMP_SYS(setfsuid),
    SCMP_SYS(setfsgid),
    SCMP_SYS(capset),
    SCMP_SYS(mount),
    SCMP_SYS(umount2),
    SCMP_SYS(pivot_root),
    SCMP_SYS(chroot),
    SCMP_SYS(unshare),
    SCMP_SYS(setns),
};

bool worker_filter_available(void)
{
	return true;
}

int worker_filter_load(void)
{
	const struct scmp_arg_cmp not_unix = {
	    .arg = 0, .op = SCMP_CMP_NE, .datum_a = AF_UNIX, .datum_b = 0};
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r = ctx ? 0 : -ENOMEM;

	for (unsigned i = 0; r == 0 && i < sizeof(killed) / sizeof(killed[0]);
	     i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, killed[i], 0);
	/* sockets of Unix domain only: the journal, D-Bus (spelled out:
	 * SCMP_A0() leaves datum_b to the compiler) */
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT),
				     SCMP_SYS(socket), 1, not_unix);
	if (r == 0)
		r = seccomp_load(ctx); /* NO_NEW_PRIVS: set by the parent */
	if (ctx)
		seccomp_release(ctx);
	return r;
}

#else

bool worker_filter_available(void)
{
	return false;
}

int worker_filter_load(void)
{
	return -EOPNOTSUPP;
}

#endif
