/* test_worker_filter.c: the worker's own system call filter, loaded in a
 * child each time: calls outside its allow-list (exec, fork, listen,
 * setuid, one it never makes) kill it with SIGSYS, sockets other than
 * AF_UNIX fail with EAFNOSUPPORT, what it uses works. In a sanitizer build
 * (a list of killed calls instead, exec and fork allowed) the filter
 * outlives a fork. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/timex.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "worker_filter.h"

enum attempt {
	EXEC, FORK, LISTEN, SETUID, UNLISTED, SIGNAL_PARENT, INET, INET6,
	UNIX_SOCK, OPEN, CONNECT, PLAIN, CLOCKS, RAISE, FORKED
};

/* In the child, under the filter: the exit status says what happened. */
static int attempt(enum attempt what)
{
	char *argv[] = {"true", NULL};
	int fd, st;
	pid_t p;

	switch (what) {
	case EXEC:
		execv("/bin/true", argv);
		return 10;
	case FORK:
		p = fork();
		if (p == 0)
			_exit(0);
		return 20;
	case SIGNAL_PARENT: /* its parent, the same user: not to be touched */
		return kill(getppid(), 0) == 0 ? 24 : 25;
	case RAISE: /* a signal to itself goes through: it ends it */
		signal(SIGUSR1, SIG_DFL);
		raise(SIGUSR1);
		return 26;
	case UNLISTED: /* a call the worker never makes */
		return syscall(SYS_getpriority, 0, 0) >= 0 ? 21 : 22;
	case LISTEN:
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		return listen(fd, 1) == 0 ? 11 : 12;
	case SETUID:
		return setuid(getuid()) == 0 ? 13 : 14;
	case INET:
		return socket(AF_INET, SOCK_STREAM, 0) < 0 &&
			       errno == EAFNOSUPPORT
			   ? 0
			   : 15;
	case INET6:
		return socket(AF_INET6, SOCK_DGRAM, 0) < 0 &&
			       errno == EAFNOSUPPORT
			   ? 0
			   : 16;
	case UNIX_SOCK:
		return socket(AF_UNIX, SOCK_DGRAM, 0) >= 0 ? 0 : 17;
	case OPEN: /* any file, even one every user may read */
		return open("/dev/null", O_RDONLY) < 0 && errno == EACCES ? 0 : 27;
	case CONNECT: { /* the parent connects for it */
		struct sockaddr_un sa = {.sun_family = AF_UNIX,
					 .sun_path = "/run/nothing.sock"};

		fd = socket(AF_UNIX, SOCK_DGRAM, 0);
		return fd >= 0 &&
			       connect(fd, (struct sockaddr *)&sa, sizeof(sa)) <
				   0 &&
			       errno == EACCES &&
			       bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 &&
			       errno == EACCES
			   ? 0
			   : 28;
	}
	case PLAIN: { /* descriptors it has */
		int pp[2];
		char c;

		return pipe2(pp, 0) == 0 && write(pp[1], "x", 1) == 1 &&
			       read(pp[0], &c, 1) == 1
			   ? 0
			   : 18;
	}
	case CLOCKS: { /* what sampling and the kernel's metrics call */
		struct timespec now, pause = {0, 1000};
		struct timex tx = {0};

		return clock_gettime(CLOCK_REALTIME, &now) == 0 &&
			       nanosleep(&pause, NULL) == 0 && adjtimex(&tx) >= 0
			   ? 0
			   : 23;
	}
	case FORKED: /* a grandchild is under it too */
		p = fork();
		if (p == 0)
			_exit(attempt(LISTEN));
		return waitpid(p, &st, 0) == p && WIFSIGNALED(st) &&
			       WTERMSIG(st) == SIGSYS
			   ? 0
			   : 19;
	}
	return 99;
}

/* The wait status of a child that loads the filter and tries @what. */
static int run(enum attempt what)
{
	pid_t p = fork();
	int st;

	assert_true(p >= 0);
	if (p == 0) {
		/* the parent of privilege separation sets it first */
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    worker_filter_load() < 0)
			_exit(98);
		_exit(attempt(what));
	}
	assert_int_equal(waitpid(p, &st, 0), p);
	return st;
}

static void assert_killed(int st)
{
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSYS);
}

static void assert_exit(int st, int code)
{
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), code);
}

static void test_killed(void **state)
{
	(void)state;
#ifndef WORKER_FILTER_SANITIZER_BUILD /* there exec and fork stay allowed */
	assert_killed(run(EXEC));
	assert_killed(run(FORK));
	assert_killed(run(UNLISTED));
	assert_killed(run(SIGNAL_PARENT));
#endif
	assert_killed(run(LISTEN));
	assert_killed(run(SETUID));
}

static void test_families(void **state)
{
	(void)state;
	assert_exit(run(INET), 0);
	assert_exit(run(INET6), 0);
	assert_exit(run(UNIX_SOCK), 0);
#ifndef WORKER_FILTER_SANITIZER_BUILD
	assert_exit(run(OPEN), 0);
	assert_exit(run(CONNECT), 0);
#endif
}

static void test_rest_works(void **state)
{
	int st;

	(void)state;
	assert_exit(run(PLAIN), 0);
	assert_exit(run(CLOCKS), 0);
	st = run(RAISE);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGUSR1);
#ifdef WORKER_FILTER_SANITIZER_BUILD
	assert_exit(run(FORKED), 0);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_killed),
	    cmocka_unit_test(test_families),
	    cmocka_unit_test(test_rest_works),
	};

	if (!worker_filter_available()) {
		printf("SKIP: built without libseccomp: no worker filter\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
