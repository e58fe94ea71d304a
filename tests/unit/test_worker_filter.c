/* test_worker_filter.c: the worker's own system call filter, loaded in a
 * child each time: the calls a worker never makes kill it with SIGSYS,
 * sockets other than AF_UNIX fail with EAFNOSUPPORT, the rest works, and
 * the filter outlives a fork. */
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
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "worker_filter.h"

enum attempt { EXEC, LISTEN, SETUID, INET, INET6, UNIX_SOCK, PLAIN, FORKED };

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
	case PLAIN:
		fd = open("/dev/null", O_WRONLY);
		return fd >= 0 && write(fd, "x", 1) == 1 ? 0 : 18;
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
#ifndef WORKER_FILTER_SANITIZER_BUILD /* there exec and ptrace stay allowed */
	assert_killed(run(EXEC));
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
}

static void test_rest_works(void **state)
{
	(void)state;
	assert_exit(run(PLAIN), 0);
	assert_exit(run(FORKED), 0);
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
