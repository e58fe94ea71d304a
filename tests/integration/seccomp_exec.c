/* seccomp_exec.c: run a command under a system call allow-list, as systemd
 * runs a unit with SystemCallFilter= (test tool).
 *
 *   seccomp_exec [--errno] LIST -- CMD [ARG...]
 *
 * LIST names the allowed system calls, one per line (tests/integration/
 * lib.sh expands the unit's SystemCallFilter= groups into it with
 * systemd-analyze). Names this architecture does not have are skipped, as
 * systemd skips them. Any other call kills the whole process with SIGSYS
 * (the tests are stricter than the unit, whose SystemCallErrorNumber=EPERM
 * makes it fail instead, so that a call missing from the list is seen), or
 * fails with EPERM under --errno. Sets PR_SET_NO_NEW_PRIVS (the unit has
 * NoNewPrivileges=yes) and execs CMD; the filter stays across the exec.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: seccomp_exec [--errno] LIST -- CMD [ARG...]\n");
}

/* Add every call named in @path to @ctx; returns the count, or -1. */
static int allow_listed(scmp_filter_ctx ctx, const char *path)
{
	char line[128];
	int n = 0, lineno = 0;
	FILE *f = fopen(path, "re");

	if (!f) {
		fprintf(stderr, "seccomp_exec: %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		int nr, r;

		lineno++;
		line[strcspn(line, " \t\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		nr = seccomp_syscall_resolve_name(line);
		if (nr == __NR_SCMP_ERROR)
			continue; /* not a call of this architecture */
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
		if (r < 0) {
			fprintf(stderr, "seccomp_exec: %s:%d: %s: %s\n", path,
				lineno, line, strerror(-r));
			fclose(f);
			return -1;
		}
		n++;
	}
	fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	uint32_t deny = SCMP_ACT_KILL_PROCESS;
	scmp_filter_ctx ctx;
	int i = 1, r;

	if (i < argc && strcmp(argv[i], "--errno") == 0) {
		deny = SCMP_ACT_ERRNO(EPERM);
		i++;
	}
	if (argc - i < 3 || strcmp(argv[i + 1], "--") != 0) {
		usage();
		return 2;
	}
	ctx = seccomp_init(deny);
	if (!ctx) {
		fprintf(stderr, "seccomp_exec: seccomp_init failed\n");
		return 1;
	}
	/* systemd allows these whatever the list says (execve: the service's
	 * own exec happens under the filter) */
	r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(execve), 0);
	r = r ? r
	      : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(exit_group), 0);
	r = r ? r : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(exit), 0);
	r = r ? r
	      : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(rt_sigreturn),
				 0);
	if (r < 0 || allow_listed(ctx, argv[i]) <= 0) {
		fprintf(stderr, "seccomp_exec: no usable allow-list in %s\n",
			argv[i]);
		seccomp_release(ctx);
		return 1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    (r = seccomp_load(ctx)) < 0) {
		fprintf(stderr, "seccomp_exec: cannot load the filter: %s\n",
			strerror(r < 0 ? -r : errno));
		seccomp_release(ctx);
		return 1;
	}
	seccomp_release(ctx);
	execvp(argv[i + 2], argv + i + 2);
	fprintf(stderr, "seccomp_exec: %s: %s\n", argv[i + 2], strerror(errno));
	return 127;
}
