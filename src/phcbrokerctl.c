/* phcbrokerctl.c: pmc-style status and control CLI of phcbrokerd. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "ctlfmt.h"
#include "timeutil.h"
#include "uds.h"

#define REPLY_MAX (1 << 20)

enum { EXIT_OK = 0, EXIT_DEGRADED = 1, EXIT_ERROR = 2 };

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: phcbrokerctl [-s SOCKET] [-f CONFIG] [-j] [-t TIMEOUT] "
		"[REQUEST]...\n"
		"       phcbrokerctl [-s SOCKET] [-f CONFIG] waitsync [-t SECONDS]\n"
		"Ask phcbrokerd, pmc style. A REQUEST is one argument:\n"
		"  'GET STATUS'   summary: sources, offset, error bound, chronyd\n"
		"  'GET DEVICES'  each PHC: path, clock name, method, delays\n"
		"  'GET SOURCES'  each chrony refclock fed: samples, errors\n"
		"  'GET FILTER'   estimator and tracker state\n"
		"  'GET CHRONY'   chronyd's tracking and selected source\n"
		"  'GET GATE'     each source's PTP/NTP gate: state, reasons\n"
		"  'GET PTP'      each source's ptp4l: port state, offset, GM\n"
		"  'GET ENVIRONMENT'  the hypervisor, the cloud, every PHC\n"
		"  'GET AUDIT'    competing clock disciplines (audits now)\n"
		"  'SET LOG_LEVEL err|warning|notice|info|debug'  (admin)\n"
		"  'SET GATE AUTO|PTP|NTP [SOURCE]'  override the gate (admin)\n"
		"Default request: 'GET STATUS'.\n"
		"\n"
		"  -s SOCKET   control socket (default %s)\n"
		"  -f CONFIG   take the control socket from phcbrokerd.conf\n"
		"  -j          print JSON, one object per request\n"
		"  -t TIMEOUT  seconds to wait for answers (default 5;\n"
		"              for waitsync, the wait for sync, default 60)\n"
		"  -h          this help\n"
		"\n"
		"waitsync exits 0 once chronyd is synchronised to one of the\n"
		"broker's sources, 1 on timeout.\n"
		"Exit status: 0 ok, 1 degraded or not synchronised, 2 error.\n",
		CONFIG_DEFAULT_CONTROL_SOCKET);
}

static double mono_s(void)
{
	return (double)clock_now_ns(CLOCK_MONOTONIC) / (double)NS_PER_SEC;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa;
	socklen_t len;
	int fd, r = uds_addr(&sa, &len, path);

	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, len) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

/* Read up to and excluding a line "END"; -ETIMEDOUT at @deadline. */
static int read_reply(int fd, char *buf, size_t len, size_t *have,
		      double deadline, char **reply, size_t *reply_len)
{
	for (;;) {
		buf[*have] = '\0';
		char *end = strstr(buf, "END\n");
		while (end && end != buf && end[-1] != '\n')
			end = strstr(end + 1, "END\n");
		if (end) {
			*reply = buf;
			*reply_len = (size_t)(end - buf);
			return 0;
		}
		double left = deadline - mono_s();
		if (left <= 0)
			return -ETIMEDOUT;
		struct pollfd p = { fd, POLLIN, 0 };
		int r = poll(&p, 1, (int)(left * 1000) + 1);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r <= 0)
			continue;
		if (*have + 1 >= len)
			return -EMSGSIZE;
		ssize_t n = read(fd, buf + *have, len - *have - 1);
		if (n == 0)
			return -ECONNRESET;
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0)
			*have += (size_t)n;
	}
}

/* Send one request and parse its answer. */
static int exchange(int fd, const char *request, double deadline,
		    struct ctl_reply *reply, char *buf)
{
	size_t have = 0, rlen = 0;
	char *text = NULL;
	int r;

	if (strchr(request, '\n'))
		return -EINVAL;
	if (dprintf(fd, "%s\n", request) < 0)
		return -errno;
	r = read_reply(fd, buf, REPLY_MAX, &have, deadline, &text, &rlen);
	if (r < 0)
		return r;
	text[rlen] = '\0';
	return ctlfmt_parse(text, reply);
}

/* The answer says the daemon is degraded (exit status 1). */
static bool degraded(const struct ctl_reply *r)
{
	for (int i = 0; i < r->n; i++) {
		const char *h = ctlfmt_get(&r->recs[i], "healthy");
		if (h && strcmp(h, "no") == 0)
			return true;
	}
	return false;
}

static bool has_error(const struct ctl_reply *r)
{
	for (int i = 0; i < r->n; i++)
		if (r->recs[i].error)
			return true;
	return false;
}

static int run_requests(const char *path, char **reqs, int n, bool json,
			double timeout)
{
	struct ctl_reply *reply = malloc(sizeof(*reply));
	char *buf = malloc(REPLY_MAX);
	double deadline = mono_s() + timeout;
	int code = EXIT_OK, fd = -1;

	if (!reply || !buf) {
		fprintf(stderr, "phcbrokerctl: out of memory\n");
		code = EXIT_ERROR;
		goto out;
	}
	fd = connect_to(path);
	if (fd < 0) {
		fprintf(stderr, "phcbrokerctl: cannot connect to %s: %s "
			"(is phcbrokerd running? see -s and -f)\n", path,
			strerror(-fd));
		code = EXIT_ERROR;
		goto out;
	}
	if (json)
		fputs(n > 1 ? "[" : "", stdout);
	for (int i = 0; i < n; i++) {
		int r = exchange(fd, reqs[i], deadline, reply, buf);
		if (r < 0) {
			fprintf(stderr, "phcbrokerctl: %s: %s\n", reqs[i],
				r == -EBADMSG ? "malformed answer" : strerror(-r));
			code = EXIT_ERROR;
			break;
		}
		if (json) {
			fputs(i ? ",\n" : "", stdout);
			ctlfmt_print_json(stdout, reqs[i], reply);
		} else {
			ctlfmt_print_pmc(stdout, reqs[i], reply);
		}
		if (has_error(reply))
			code = EXIT_ERROR;
		else if (degraded(reply) && code == EXIT_OK)
			code = EXIT_DEGRADED;
	}
	if (json)
		fputs(n > 1 ? "]\n" : "\n", stdout);
out:
	if (fd >= 0)
		close(fd);
	free(reply);
	free(buf);
	return code;
}

/* Poll GET STATUS until chronyd is synchronised to the broker. */
static int waitsync(const char *path, double timeout)
{
	struct ctl_reply *reply = malloc(sizeof(*reply));
	char *buf = malloc(REPLY_MAX);
	double deadline = mono_s() + timeout;
	const char *why = "phcbrokerd not reachable";
	int code = EXIT_DEGRADED;

	if (!reply || !buf) {
		free(reply);
		free(buf);
		return EXIT_ERROR;
	}
	while (mono_s() < deadline) {
		int fd = connect_to(path);
		if (fd >= 0) {
			double d = mono_s() + 2.0;
			int r = exchange(fd, "GET STATUS", d < deadline ? d : deadline,
					 reply, buf);
			close(fd);
			const char *v = r == 0 && reply->n ? ctlfmt_get(&reply->recs[0], "chronyd_synced_to_broker") : NULL;
			if (v && strcmp(v, "yes") == 0) {
				printf("synchronised: chronyd selected %s\n",
				       ctlfmt_get(&reply->recs[0], "chronyd_selected"));
				code = EXIT_OK;
				break;
			}
			why = v ? "chronyd not synchronised to the broker" :
			      "no chronyd status from phcbrokerd";
		}
		usleep(250000);
	}
	if (code != EXIT_OK)
		fprintf(stderr, "phcbrokerctl: waitsync: timed out after %.1fs: %s\n",
			timeout, why);
	free(reply);
	free(buf);
	return code;
}

static int socket_from_config(const char *file, char *path, size_t len)
{
	struct config *cfg = malloc(sizeof(*cfg));
	char err[512];

	if (!cfg)
		return -ENOMEM;
	if (config_load(file, cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "phcbrokerctl: %s\n", err);
		free(cfg);
		return -EINVAL;
	}
	snprintf(path, len, "%s", cfg->global.control_socket);
	free(cfg);
	return 0;
}

int main(int argc, char **argv)
{
	const char *sock = CONFIG_DEFAULT_CONTROL_SOCKET;
	char from_config[CONFIG_SOCK_MAX];
	double timeout = -1;
	bool json = false;
	char *def[] = { "GET STATUS" };
	int c;

	while ((c = getopt(argc, argv, "+s:f:jt:h")) != -1) {
		switch (c) {
		case 's':
			sock = optarg;
			break;
		case 'f':
			if (socket_from_config(optarg, from_config,
					       sizeof(from_config)) < 0)
				return EXIT_ERROR;
			sock = from_config;
			break;
		case 'j':
			json = true;
			break;
		case 't':
			timeout = atof(optarg);
			if (timeout <= 0) {
				fprintf(stderr, "phcbrokerctl: bad timeout '%s'\n", optarg);
				return EXIT_ERROR;
			}
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_ERROR;
		}
	}
	if (!sock[0]) {
		fprintf(stderr, "phcbrokerctl: the control socket is disabled\n");
		return EXIT_ERROR;
	}
	if (optind < argc && strcmp(argv[optind], "waitsync") == 0) {
		optind++;
		while ((c = getopt(argc, argv, "t:")) != -1) {
			if (c != 't' || (timeout = atof(optarg)) <= 0) {
				usage(stderr);
				return EXIT_ERROR;
			}
		}
		if (optind < argc) {
			usage(stderr);
			return EXIT_ERROR;
		}
		return waitsync(sock, timeout > 0 ? timeout : 60.0);
	}
	if (optind == argc)
		return run_requests(sock, def, 1, json, timeout > 0 ? timeout : 5.0);
	return run_requests(sock, argv + optind, argc - optind, json,
			    timeout > 0 ? timeout : 5.0);
}
