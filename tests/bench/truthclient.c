/* truthclient.c: client of fakephc's side channel (truth, unplug, step). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "truthclient.h"

int truth_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	return fd;
}

/* Read one line (the reply) into @buf without its newline. */
static int read_line(int fd, char *buf, size_t len)
{
	size_t n = 0;

	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -EIO;
		if (c == '\n')
			break;
		if (n + 1 < len)
			buf[n++] = c;
	}
	buf[n] = '\0';
	return 0;
}

int truth_request(int fd, const char *req, char *reply, size_t len)
{
	char line[256];
	int n = snprintf(line, sizeof(line), "%s\n", req);

	if (n < 0 || (size_t)n >= sizeof(line))
		return -EINVAL;
	if (write(fd, line, (size_t)n) != n || read_line(fd, reply, len) < 0)
		return -EIO;
	return strncmp(reply, "OK", 2) == 0 ? 0 : -EPROTO;
}

int truth_offset(int fd, const char *dev, int64_t t_ns, double *off_ns)
{
	char req[128], reply[128];
	int r;

	snprintf(req, sizeof(req), "TRUTH %s %" PRId64, dev, t_ns);
	r = truth_request(fd, req, reply, sizeof(reply));
	if (r < 0)
		return r;
	return sscanf(reply, "OK %lf", off_ns) == 1 ? 0 : -EPROTO;
}
