/* worker_filter.c: the worker's own system call filter, an allow-list.
 * The unit's SystemCallFilter= covers the parent and the worker alike,
 * and the parent needs listen, fork and exec to open what the worker asks
 * for and to start it. The worker gets everything it listens on or sends
 * to from the parent, so on top of the unit's list it keeps only the calls
 * it makes: the intersection is what it may do. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "worker_filter.h"

#ifdef HAVE_LIBSECCOMP
#include <seccomp.h>
#include <sys/socket.h>
#include <unistd.h>

/* What a call outside the list does: kill the worker (the parent logs
 * SIGSYS as its filter's doing). SCMP_ACT_LOG instead only logs it to the
 * kernel's audit log: how the list was checked. */
#ifndef WORKER_FILTER_DEFAULT_ACTION
#define WORKER_FILTER_DEFAULT_ACTION SCMP_ACT_KILL_PROCESS
#endif

#ifndef WORKER_FILTER_SANITIZER_BUILD
/*
 * What the worker calls, glibc, libevent and libsystemd included, by
 * families; checked with a filter that logged instead of killing under the
 * whole test suite (doc/design-notes.md). Anything else kills it:
 * no exec, fork or clone, ptrace, process_vm_*, listen, set*id, capset,
 * mount, namespaces, kernel modules, bpf, keyrings, the clocks' setters,
 * no signal to another process.
 */
static const int allowed[] = {
    /* descriptors and memory */
    SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
    SCMP_SYS(pread64), SCMP_SYS(pwrite64), SCMP_SYS(close),
    SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(statx),
    SCMP_SYS(lseek), SCMP_SYS(fcntl), SCMP_SYS(dup), SCMP_SYS(dup2),
    SCMP_SYS(dup3), SCMP_SYS(pipe2), SCMP_SYS(ioctl), SCMP_SYS(mmap),
    SCMP_SYS(munmap), SCMP_SYS(mprotect), SCMP_SYS(mremap), SCMP_SYS(brk),
    SCMP_SYS(madvise),
    /* files: no opening (below); what it holds, a PHC's symlink read for
     * its number, and its own sockets in run_dir removed at close */
    SCMP_SYS(readlink), SCMP_SYS(readlinkat), SCMP_SYS(unlink),
    SCMP_SYS(unlinkat),
    /* the event loop */
    SCMP_SYS(epoll_create1), SCMP_SYS(epoll_ctl), SCMP_SYS(epoll_wait),
    SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_pwait2), SCMP_SYS(poll),
    SCMP_SYS(ppoll), SCMP_SYS(select), SCMP_SYS(pselect6),
    SCMP_SYS(eventfd2), SCMP_SYS(timerfd_create), SCMP_SYS(timerfd_settime),
    SCMP_SYS(timerfd_gettime), SCMP_SYS(signalfd4),
    /* sockets (socket() itself: below, AF_UNIX only; no bind, no
     * connect: below) */
    SCMP_SYS(socketpair), SCMP_SYS(accept), SCMP_SYS(accept4), SCMP_SYS(getsockname),
    SCMP_SYS(getpeername), SCMP_SYS(getsockopt), SCMP_SYS(setsockopt),
    SCMP_SYS(sendto), SCMP_SYS(sendmsg), SCMP_SYS(sendmmsg),
    SCMP_SYS(recvfrom), SCMP_SYS(recvmsg), SCMP_SYS(recvmmsg),
    SCMP_SYS(shutdown),
    /* time: reading the clocks, the PHCs (as dynamic clocks), the
     * kernel's state (adjtimex with modes 0: the unit has no CAP_SYS_TIME
     * to set anything) */
    SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres),
    SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep), SCMP_SYS(gettimeofday),
    SCMP_SYS(time), SCMP_SYS(adjtimex), SCMP_SYS(clock_adjtime),
    /* signals and the process itself */
    SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
    SCMP_SYS(sigaltstack),
    SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(getppid), SCMP_SYS(getuid),
    SCMP_SYS(geteuid), SCMP_SYS(getgid), SCMP_SYS(getegid),
    SCMP_SYS(getgroups), SCMP_SYS(getresuid), SCMP_SYS(getresgid),
    SCMP_SYS(uname), SCMP_SYS(sysinfo), SCMP_SYS(getrlimit),
    SCMP_SYS(prlimit64), SCMP_SYS(getrusage), SCMP_SYS(sched_getaffinity),
    SCMP_SYS(sched_yield), SCMP_SYS(futex), SCMP_SYS(set_robust_list),
    SCMP_SYS(rseq), SCMP_SYS(getrandom), SCMP_SYS(prctl),
    SCMP_SYS(restart_syscall), SCMP_SYS(exit), SCMP_SYS(exit_group),
};

/* What fails with EACCES rather than killing: opening a file, binding or
 * connecting a socket. The worker does none of it once started (its
 * parent opens, binds and connects for it); a library that tries anyway
 * is refused, as its user would be without the rights. */
static const int refused[] = {
    SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(openat2), SCMP_SYS(creat),
    SCMP_SYS(bind), SCMP_SYS(connect),
};
#else
/* A sanitizer build: its runtime needs far more (LeakSanitizer traces the
 * process at exit, a report runs the symbolizer), so what is killed is
 * listed instead, and ptrace and exec stay allowed. */
static const int killed[] = {
    SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev),
    SCMP_SYS(listen), SCMP_SYS(setuid), SCMP_SYS(setgid),
    SCMP_SYS(setreuid), SCMP_SYS(setregid), SCMP_SYS(setresuid),
    SCMP_SYS(setresgid), SCMP_SYS(setgroups), SCMP_SYS(setfsuid),
    SCMP_SYS(setfsgid), SCMP_SYS(capset), SCMP_SYS(mount),
    SCMP_SYS(umount2), SCMP_SYS(pivot_root), SCMP_SYS(chroot),
    SCMP_SYS(unshare), SCMP_SYS(setns),
};
#endif

bool worker_filter_available(void)
{
	return true;
}

/* socket(): AF_UNIX, the only family the worker uses (the journal,
 * D-Bus, its ptp4l client sockets); any other fails with EAFNOSUPPORT, so
 * that a library that tries is refused, not killed. The comparisons are
 * spelled out: SCMP_A0() leaves datum_b to the compiler. */
static int add_socket_rules(scmp_filter_ctx ctx)
{
	const struct scmp_arg_cmp unix_only = {
	    .arg = 0, .op = SCMP_CMP_EQ, .datum_a = AF_UNIX, .datum_b = 0};
	const struct scmp_arg_cmp not_unix = {
	    .arg = 0, .op = SCMP_CMP_NE, .datum_a = AF_UNIX, .datum_b = 0};
	int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT),
				 SCMP_SYS(socket), 1, not_unix);

#ifndef WORKER_FILTER_SANITIZER_BUILD
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
				     unix_only);
#else
	(void)unix_only;
#endif
	return r;
}

#ifndef WORKER_FILTER_SANITIZER_BUILD
/* kill() and tgkill() to itself only (raise, abort): the parent is the
 * same user, and the worker must not signal it or anyone else. */
static int add_signal_rules(scmp_filter_ctx ctx)
{
	const struct scmp_arg_cmp self = {.arg = 0,
					  .op = SCMP_CMP_EQ,
					  .datum_a = (scmp_datum_t)getpid(),
					  .datum_b = 0};
	int r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1, self);

	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
				     self);
	return r;
}
#else
static int add_signal_rules(scmp_filter_ctx ctx)
{
	(void)ctx;
	return 0;
}
#endif

int worker_filter_load(void)
{
#ifndef WORKER_FILTER_SANITIZER_BUILD
	scmp_filter_ctx ctx = seccomp_init(WORKER_FILTER_DEFAULT_ACTION);
	const int *list = allowed;
	size_t n = sizeof(allowed) / sizeof(allowed[0]);
	uint32_t action = SCMP_ACT_ALLOW;
#else
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	const int *list = killed;
	size_t n = sizeof(killed) / sizeof(killed[0]);
	uint32_t action = SCMP_ACT_KILL_PROCESS;
#endif
	int r = ctx ? 0 : -ENOMEM;

	for (size_t i = 0; r == 0 && i < n; i++)
		r = seccomp_rule_add(ctx, action, list[i], 0);
	if (r == 0)
		r = add_socket_rules(ctx);
	if (r == 0)
		r = add_signal_rules(ctx);
#ifndef WORKER_FILTER_SANITIZER_BUILD
	for (size_t i = 0; r == 0 && i < sizeof(refused) / sizeof(refused[0]);
	     i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), refused[i], 0);
#endif
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
