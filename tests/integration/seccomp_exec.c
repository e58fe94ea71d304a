/* seccomp_exec.c: run a command under a system call allow-list, as systemd
 * runs a unit with SystemCallFilter= (test tool).
 *
 *   seccomp_exec [--errno] [--families AF_X,...] LIST -- CMD [ARG...]
 *
 * LIST names the allowed system calls, one per line (tests/integration/
 * lib.sh expands the unit's SystemCallFilter= groups into it with
 * systemd-analyze). Names this architecture does not have are skipped, as
 * systemd skips them. Any other call kills the whole process with SIGSYS
 * (the tests are stricter than the unit, whose SystemCallErrorNumber=EPERM
 * makes it fail instead, so that a call missing from the list is seen), or
 * fails with EPERM under --errno. Sets PR_SET_NO_NEW_PRIVS (the unit has
 * NoNewPrivileges=yes) and execs CMD; the filter stays across the exec.
 * --families restricts socket() as RestrictAddressFamilies= does: the
 * families named are allowed, any other fails with EAFNOSUPPORT.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: seccomp_exec [--errno] [--families AF_X,...] "
			"LIST -- CMD [ARG...]\n");
}

/* The address families --families may name. */
static const struct {
	const char *name;
	int af;
} families[] = {
	{"AF_UNIX", AF_UNIX},	    {"AF_INET", AF_INET},
	{"AF_INET6", AF_INET6},	    {"AF_NETLINK", AF_NETLINK},
	{"AF_PACKET", AF_PACKET},
};

/* The families of the comma-separated @list as a bit set; 0 when one is
 * unknown. */
static unsigned long long family_set(const char *list)
{
	unsigned long long set = 0;
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *t = strtok_r(buf, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		size_t k = 0;

		while (k < sizeof(families) / sizeof(families[0]) &&
		       strcmp(families[k].name, t) != 0)
			k++;
		if (k == sizeof(families) / sizeof(families[0])) {
			fprintf(stderr, "seccomp_exec: unknown family %s\n",
				t);
			return 0;
		}
		set |= 1ULL << families[k].af;
	}
	return set;
}

/* socket() for the families in @set only, EAFNOSUPPORT for any other (as
 * systemd's RestrictAddressFamilies=). 0 or a negative errno. */
static int restrict_families(scmp_filter_ctx ctx, unsigned long long set)
{
	/* spelled out: SCMP_A0() leaves datum_b to the compiler */
	struct scmp_arg_cmp c = {.arg = 0, .op = SCMP_CMP_EQ, .datum_b = 0};
	int r = 0;

	for (int af = 0; af < AF_MAX && r == 0; af++) {
		c.datum_a = (scmp_datum_t)af;
		r = seccomp_rule_add(ctx,
				     set & (1ULL << af)
					 ? SCMP_ACT_ALLOW
					 : SCMP_ACT_ERRNO(EAFNOSUPPORT),
				     SCMP_SYS(socket), 1, c);
	}
	c.op = SCMP_CMP_GE;
	c.datum_a = AF_MAX;
	return r ? r
		 : seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT),
				    SCMP_SYS(socket), 1, c);
}

/* Add every call named in @path to @ctx; returns the count, or -1. */
static int allow_listed(scmp_filter_ctx ctx, const char *path,
			bool skip_socket)
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
		if (skip_socket && nr == SCMP_SYS(socket))
			continue; /* restrict_families() has its rules */
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
	unsigned long long fams = 0;
	scmp_filter_ctx ctx;
	int i = 1, r;

	if (i < argc && strcmp(argv[i], "--errno") == 0) {
		deny = SCMP_ACT_ERRNO(EPERM);
		i++;
	}
	if (i + 1 < argc && strcmp(argv[i], "--families") == 0) {
		if (!(fams = family_set(argv[i + 1])))
			return 2;
		i += 2;
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
	if (r == 0 && fams)
		r = restrict_families(ctx, fams);
	if (r < 0 || allow_listed(ctx, argv[i], fams != 0) <= 0) {
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
