/* main.c: phcbrokerd: options, configuration, logging, then the loop. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "config.h"
#include "daemon.h"
#include "log.h"
#include "notify.h"
#include "print_chrony_conf.h"
#include "metrics_socket.h"
#include "privsep_client.h"
#include "worker_filter.h"
#include "supervise.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: phcbrokerd [OPTION]...\n"
		"Read PTP hardware clocks, filter the readings and feed them to\n"
		"chronyd through refclock SOCK.\n"
		"\n"
		"  -f, --config FILE   configuration file (default %s)\n"
		"  -n, --foreground    do not detach; log to stderr\n"
		"  -d, --debug         foreground with debug logging\n"
		"      --check-config  parse the configuration, report, exit\n"
		"      --print-chrony-conf\n"
		"                      print the chrony.conf lines for the\n"
		"                      configured sources on this host, exit\n"
		"      --chrony-conf FILE\n"
		"                      the chrony.conf to check them against\n"
		"                      (default /etc/chrony/chrony.conf, else\n"
		"                      /etc/chrony.conf)\n"
		"      --privsep       run as a parent that opens what the\n"
		"                      daemon needs and does its work in a\n"
		"                      child without capabilities, started\n"
		"                      again if it dies (the default)\n"
		"      --no-privsep    one process with all the privileges:\n"
		"                      for development and debugging only\n"
		"  -V, --version       print the version and exit\n"
		"  -h, --help          print this help and exit\n"
		"\n"
		"Signals: SIGTERM/SIGINT stop, SIGHUP reloads the configuration\n"
		"(an invalid file is refused and the running one kept).\n"
		"Exit status: 0 clean stop, 1 bad configuration or usage,\n"
		"2 runtime failure.\n",
		CONFIG_DEFAULT_PATH);
}

/* Detach from the terminal: fork, new session, stdio to /dev/null. */
static int detach(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -errno;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -errno;
	if (chdir("/") < 0)
		return -errno;
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
}

enum {
	OPT_CHECK_CONFIG = 256,
	OPT_PRINT_CHRONY_CONF,
	OPT_CHRONY_CONF,
	OPT_PRIVSEP,
	OPT_NO_PRIVSEP,
	OPT_WORKER_FD,
	OPT_WORKER_STATUS,
	OPT_RESUME,
};

/* --worker-fd's argument: a descriptor this process has, a socket. */
static int worker_fd(const char *arg)
{
	char *end;
	long fd = strtol(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || fd < 3 || fd > INT_MAX ||
	    fcntl((int)fd, F_GETFD) < 0) {
		fprintf(stderr, "phcbrokerd: --worker-fd %s: not an open "
			"descriptor (internal option of --privsep)\n", arg);
		return -1;
	}
	return (int)fd;
}

/* In the worker, once its start is done (daemon_run's lock_down): its own
 * system call filter, or exit status 2 (a security fence that cannot be
 * set up is not skipped). */
static int load_worker_filter(void)
{
	int r;

#ifdef PHCB_TEST_HOOKS
	/* the test build only: valgrind cannot run a process that loads a
	 * seccomp filter (it does not know the call) */
	if (getenv("PHCB_TEST_NO_WORKER_FILTER")) {
		log_notice(NULL, "test build, PHCB_TEST_NO_WORKER_FILTER set: "
			   "the worker runs without its own system call filter");
		return 0;
	}
#endif
	r = worker_filter_load();

	if (r == -EOPNOTSUPP) {
		log_notice(NULL, "built without libseccomp: the worker has no "
			   "system call filter of its own");
		return 0;
	}
	if (r < 0) {
		log_err(NULL, "cannot load the worker's system call filter: %s",
			strerror(-r));
		return 2;
	}
	return 0;
}

/*
 * The configuration into @cfg, its text into *@text (freed by the caller):
 * a worker's from its parent (it opens no file; *@path becomes the file
 * the parent read), anyone else's from the file *@path. Returns 0, or a
 * negative errno with @err set ("FILE:LINE: what is wrong").
 */
static int read_config(bool from_parent, const char **path, char **text,
		       struct config *cfg, char *err, size_t errlen)
{
	static char parent_path[PATH_MAX];
	int r;

	if (from_parent) {
		r = privsep_config(false, parent_path, sizeof(parent_path),
				   text, err, errlen);
		if (r == 0)
			*path = parent_path;
	} else {
		r = config_read_text(*path, text, err, errlen);
	}
	return r < 0 ? r : config_parse(*text, *path, cfg, err, errlen);
}

/* Run as the parent: the worker is this program again, in the foreground
 * (the parent detached already), on the same file. */
static int run_parent(const char *path, const struct config *cfg,
		      const char *text, bool foreground, bool debug)
{
	const char *notify = getenv("NOTIFY_SOCKET");
	char *argv[9];
	int n = 0;

	argv[n++] = "phcbrokerd";
	if (debug)
		argv[n++] = "-d";
	else if (foreground)
		argv[n++] = "-n";
	argv[n++] = "-f";
	argv[n++] = (char *)path;
	argv[n++] = "--worker-fd";
	argv[n++] = "FD";
	/* its STATUS= lines only when there is a service manager to pass
	 * them on to: else they would wake both processes for nothing */
	if (notify && notify[0])
		argv[n++] = "--worker-status";
	argv[n] = NULL;
	return supervise_run(argv, path, cfg, text);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "foreground", no_argument, NULL, 'n' },
		{ "debug", no_argument, NULL, 'd' },
		{ "check-config", no_argument, NULL, OPT_CHECK_CONFIG },
		{ "print-chrony-conf", no_argument, NULL,
		  OPT_PRINT_CHRONY_CONF },
		{ "chrony-conf", required_argument, NULL, OPT_CHRONY_CONF },
		{ "privsep", no_argument, NULL, OPT_PRIVSEP },
		{ "no-privsep", no_argument, NULL, OPT_NO_PRIVSEP },
		{ "worker-fd", required_argument, NULL, OPT_WORKER_FD },
		{ "worker-status", no_argument, NULL, OPT_WORKER_STATUS },
		{ "resume", required_argument, NULL, OPT_RESUME },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = CONFIG_DEFAULT_PATH, *chrony_conf = NULL;
	bool foreground = false, debug = false, check = false;
	bool print_chrony = false, privsep = true;
	struct config *cfg;
	char err[512], abs_path[PATH_MAX], *text = NULL;
	int c, code, wfd = -1;
	bool worker_status = false;

	while ((c = getopt_long(argc, argv, "f:ndVh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			path = optarg;
			break;
		case 'n':
			foreground = true;
			break;
		case 'd':
			foreground = debug = true;
			break;
		case OPT_CHECK_CONFIG:
			check = true;
			break;
		case OPT_PRINT_CHRONY_CONF:
			print_chrony = true;
			break;
		case OPT_CHRONY_CONF:
			chrony_conf = optarg;
			break;
		case OPT_PRIVSEP:
			privsep = true;
			break;
		case OPT_NO_PRIVSEP:
			privsep = false;
			break;
		case OPT_WORKER_FD:
			if ((wfd = worker_fd(optarg)) < 0)
				return 1;
			break;
		case OPT_WORKER_STATUS: /* internal: its parent has systemd */
			worker_status = true;
			break;
		case OPT_RESUME: /* internal: from the parent, to a worker */
			daemon_set_resume(optarg);
			break;
		case 'V':
			printf("phcbrokerd %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "phcbrokerd: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return 1;
	}
	cfg = malloc(sizeof(*cfg));
	if (!cfg) {
		fprintf(stderr, "phcbrokerd: out of memory\n");
		return 2;
	}
	if (wfd >= 0) {
		/* exec'd by descriptor: its number in ps and pgrep otherwise */
		prctl(PR_SET_NAME, "phcbrokerd", 0, 0, 0);
		notify_use_parent(wfd, worker_status);
		privsep_client_init(wfd);
	}
	if (read_config(wfd >= 0, &path, &text, cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "phcbrokerd: %s\n", err);
		free(text);
		free(cfg);
		return 1;
	}
	/* absolute, so that SIGHUP finds it after detach() changed to / */
	if (wfd < 0 && realpath(path, abs_path))
		path = abs_path;
	if (print_chrony) {
		int r = print_chrony_conf(cfg, chrony_conf, stdout);
		if (r < 0)
			fprintf(stderr, "phcbrokerd: %s: %s\n", chrony_conf,
				strerror(-r));
		free(text);
		free(cfg);
		return r < 0 ? 1 : 0;
	}
	if (check) {
		printf("%s: configuration OK, %d source%s\n", path,
		       cfg->n_sources, cfg->n_sources == 1 ? "" : "s");
		free(text);
		free(cfg);
		return 0;
	}
	/* systemd's sockets (LISTEN_PID is this process: before detach) */
	if (wfd < 0 && metrics_socket_take_systemd() > 0 &&
	    strcmp(cfg->global.metrics_listen, METRICS_LISTEN_SYSTEMD) != 0)
		log_notice(NULL, "systemd passed a socket for /metrics, but "
			   "metrics_listen is not 'systemd': it is not served "
			   "(mask phcbrokerd-metrics.socket for none)");
	/* a worker is in the foreground of its detached parent */
	if (!foreground && wfd < 0 && detach() < 0) {
		fprintf(stderr, "phcbrokerd: cannot detach: %s\n",
			strerror(errno));
		free(text);
		free(cfg);
		return 2;
	}
	log_init(foreground && !log_stderr_is_journal() ? LOG_TARGET_STDERR
							: LOG_TARGET_JOURNAL,
		 debug ? LOG_DEBUG : cfg->global.log_level);
	if (!privsep)
		log_notice(NULL, "one process (--no-privsep): for development and "
			   "debugging only; every parser runs with the daemon's "
			   "privileges");
	if (privsep && wfd < 0)
		code = run_parent(path, cfg, text, foreground, debug);
	else
		code = daemon_run(path, cfg, wfd >= 0 ? load_worker_filter : NULL);
	free(text);
	free(cfg);
	return code;
}
