/* metrics_socket.c: the listening socket of /metrics, bound to an address
 * or passed by systemd (socket activation). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "listen_addr.h"
#include "log.h"
#include "metrics_socket.h"

#define METRICS_BACKLOG 16

static int systemd_fd = -1; /* the "metrics" socket systemd passed */

/* Keep passed descriptor @fd named @name if it is the metrics socket. */
static int take_one(int fd, const char *name)
{
	if (strcmp(name, METRICS_FDNAME) != 0 || systemd_fd >= 0) {
		log_warn(NULL,
			 "socket activation: descriptor %d named '%s' is "
			 "not ours (only '%s'); closed",
			 fd, name, METRICS_FDNAME);
		close(fd);
		return 0;
	}
	if (sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, 1) <= 0) {
		log_err(NULL,
			"socket activation: '%s' (descriptor %d) is not a "
			"listening stream socket; closed",
			name, fd);
		close(fd);
		return -ENOTSOCK;
	}
	systemd_fd = fd;
	return 1;
}

int metrics_socket_take_systemd(void)
{
	char **names = NULL;
	int n = sd_listen_fds_with_names(1, &names), r = 0;

	if (n < 0) {
		log_err(NULL, "socket activation: %s", strerror(-n));
		return n;
	}
	for (int i = 0; i < n; i++) {
		int t = take_one(SD_LISTEN_FDS_START + i,
				 names && names[i] ? names[i] : "unknown");
		if (t != 0)
			r = t;
	}
	if (names)
		for (int i = 0; i < n; i++)
			free(names[i]);
	free(names);
	return systemd_fd >= 0 ? 1 : r;
}

/* A new socket bound to @a, listening; -errno. */
static int bind_address(const struct listen_addr *a)
{
	struct sockaddr_storage ss = {0};
	socklen_t len;
	int one = 1, fd;

	if (a->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)a->port);
		inet_pton(AF_INET6, a->host, &s6->sin6_addr);
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)a->port);
		inet_pton(AF_INET, a->host, &s4->sin_addr);
		len = sizeof(*s4);
	}
	fd = socket(a->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (a->family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    listen(fd, METRICS_BACKLOG) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

int metrics_socket_open(const char *listen)
{
	struct listen_addr a;
	char why[128];
	int fd;

	if (strcmp(listen, METRICS_LISTEN_SYSTEMD) == 0) {
		if (systemd_fd < 0)
			return -ENOENT;
		fd = fcntl(systemd_fd, F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			return -errno;
		/* a file status flag: systemd's socket and its duplicates
		 * share it */
		if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
			int e = errno;
			close(fd);
			return -e;
		}
		return fd;
	}
	if (listen_addr_parse(listen, &a, why, sizeof(why)) < 0)
		return -EINVAL;
	return bind_address(&a);
}

const char *metrics_socket_hint(int err)
{
	switch (err) {
	case -ENOENT:
		return " (metrics_listen systemd: systemd passed no socket "
		       "named 'metrics'; is phcbrokerd-metrics.socket "
		       "enabled?)";
	case -EAFNOSUPPORT:
	case -EPERM:
		return " (the unit's RestrictAddressFamilies= allows only "
		       "AF_UNIX: use metrics_listen systemd and set the "
		       "address in phcbrokerd-metrics.socket)";
	default:
		return "";
	}
}
