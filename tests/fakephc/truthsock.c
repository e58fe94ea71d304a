/* truthsock.c: fakephc's side channel: truth queries and unplug/step commands.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* accept4, pipe2 */
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "fakeopt.h"
#include "truthsock.h"

#define MAX_CLIENTS 32
#define LINE_MAX_LEN 512
#define MAX_ARGS 4

struct client {
	int fd;
	size_t used;
	char buf[LINE_MAX_LEN];
};

struct truthsock {
	struct truthsock_ctx ctx;
	int listen_fd;
	int stop_pipe[2];
	pthread_t thread;
	struct sockaddr_un addr;
	struct client clients[MAX_CLIENTS];
};

void truthsock_log(FILE *log, struct fakedev *d, const char *event,
		   int64_t t_ns)
{
	if (!log)
		return;
	/* one fprintf per line: stdio locks the stream, lines never mix */
	fprintf(log, "%" PRId64 " %s %s %.3f\n", t_ns, d->name, event,
		fakedev_truth(d, t_ns));
}

static void reply_fmt(char *reply, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void reply_fmt(char *reply, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reply, len, fmt, ap);
	va_end(ap);
}

static struct fakedev *find_dev(const struct truthsock_ctx *ctx,
				const char *name)
{
	for (int i = 0; i < ctx->n_devs; i++)
		if (strcmp(ctx->devs[i].name, name) == 0)
			return &ctx->devs[i];
	return NULL;
}

/* Split @s in place into at most MAX_ARGS words. Returns the count. */
static int split_words(char *s, char *argv[MAX_ARGS + 1])
{
	int n = 0;
	char *save = NULL;
	for (char *w = strtok_r(s, " \t\r", &save); w;
	     w = strtok_r(NULL, " \t\r", &save)) {
		if (n == MAX_ARGS + 1)
			return -1;
		argv[n++] = w;
	}
	return n;
}

/* The time a TRUTH or FREQ request asks about: argv[2], or now. */
static int request_time(struct fakedev *d, int argc, char **argv,
			int64_t *t, char *reply, size_t len)
{
	*t = d->now();
	if (argc == 3) {
		char *end;
		errno = 0;
		long long v = strtoll(argv[2], &end, 10);
		if (*end != '\0' || end == argv[2] || errno) {
			reply_fmt(reply, len, "ERR bad time '%s'", argv[2]);
			return -EINVAL;
		}
		*t = v;
	}
	return 0;
}

static void do_truth(struct fakedev *d, int argc, char **argv, char *reply,
		     size_t len)
{
	int64_t t;
	if (request_time(d, argc, argv, &t, reply, len) == 0)
		reply_fmt(reply, len, "OK %.3f %" PRId64, fakedev_truth(d, t),
			  t);
}

static void do_freq(struct fakedev *d, int argc, char **argv, char *reply,
		    size_t len)
{
	int64_t t;
	if (request_time(d, argc, argv, &t, reply, len) == 0)
		reply_fmt(reply, len, "OK %.6f %" PRId64,
			  fakedev_true_freq(d, t) * 1e3, t);
}

static void do_vanish(const struct truthsock_ctx *ctx, struct fakedev *d,
		      bool vanish, char *reply, size_t len)
{
	int ret = vanish ? fakedev_vanish(d) : fakedev_return(d);
	if (ret == -EALREADY) {
		reply_fmt(reply, len, "ERR %s already %s", d->name,
			  vanish ? "vanished" : "back");
		return;
	}
	int64_t t = d->now();
	truthsock_log(ctx->log, d, vanish ? "vanish" : "return", t);
	reply_fmt(reply, len, "OK %" PRId64, t);
}

static void do_step(const struct truthsock_ctx *ctx, struct fakedev *d,
		    const char *amount, const char *freq, char *reply,
		    size_t len)
{
	double ns, ppm = 0.0;
	int64_t t;
	if (fakeopt_parse_value("step", amount, &ns) != 0) {
		reply_fmt(reply, len, "ERR bad step '%s'", amount);
		return;
	}
	if (freq && fakeopt_parse_value("freq", freq, &ppm) != 0) {
		reply_fmt(reply, len, "ERR bad frequency change '%s'", freq);
		return;
	}
	if (fakedev_step(d, ns, ppm, &t) != 0) {
		reply_fmt(reply, len, "ERR too many steps");
		return;
	}
	truthsock_log(ctx->log, d, "step", t);
	reply_fmt(reply, len, "OK %" PRId64, t);
}

static void do_status(struct fakedev *d, char *reply, size_t len)
{
	struct fakedev_counts c;
	unsigned gen;
	bool present = fakedev_present(d);
	fakedev_get_counts(d, &c, &gen);
	reply_fmt(reply, len,
		  "OK %s profile=%s gen=%u opens=%lu extended=%lu precise=%lu "
		  "enodev=%lu epoch=%" PRId64,
		  present ? "present" : "gone", d->profile, gen, c.opens,
		  c.extended, c.precise, c.enodev, d->epoch_ns);
}

static void do_list(const struct truthsock_ctx *ctx, char *reply, size_t len)
{
	size_t off = (size_t)snprintf(reply, len, "OK");
	for (int i = 0; i < ctx->n_devs && off < len; i++)
		off += (size_t)snprintf(reply + off, len - off, " %s",
					ctx->devs[i].name);
}

/* A command that names a device: find it, then dispatch. */
static void do_device_cmd(const struct truthsock_ctx *ctx, int argc,
			  char **argv, char *reply, size_t len)
{
	const char *cmd = argv[0];
	struct fakedev *d = find_dev(ctx, argv[1]);
	if (!d) {
		reply_fmt(reply, len, "ERR no device '%s'", argv[1]);
	} else if (strcmp(cmd, "TRUTH") == 0 && argc <= 3) {
		do_truth(d, argc, argv, reply, len);
	} else if (strcmp(cmd, "FREQ") == 0 && argc <= 3) {
		do_freq(d, argc, argv, reply, len);
	} else if (strcmp(cmd, "VANISH") == 0 && argc == 2) {
		do_vanish(ctx, d, true, reply, len);
	} else if (strcmp(cmd, "RETURN") == 0 && argc == 2) {
		do_vanish(ctx, d, false, reply, len);
	} else if (strcmp(cmd, "STEP") == 0 && (argc == 3 || argc == 4)) {
		do_step(ctx, d, argv[2], argc == 4 ? argv[3] : NULL, reply, len);
	} else if (strcmp(cmd, "STATUS") == 0 && argc == 2) {
		do_status(d, reply, len);
	} else {
		reply_fmt(reply, len, "ERR bad request");
	}
}

void truthsock_handle(const struct truthsock_ctx *ctx, const char *line,
		      char *reply, size_t len)
{
	char copy[LINE_MAX_LEN];
	char *argv[MAX_ARGS + 1];
	snprintf(copy, sizeof(copy), "%s", line);
	int argc = split_words(copy, argv);
	if (argc <= 0)
		reply_fmt(reply, len, "ERR bad request");
	else if (strcmp(argv[0], "PING") == 0 && argc == 1)
		reply_fmt(reply, len, "OK");
	else if (strcmp(argv[0], "LIST") == 0 && argc == 1)
		do_list(ctx, reply, len);
	else if (argc >= 2)
		do_device_cmd(ctx, argc, argv, reply, len);
	else
		reply_fmt(reply, len, "ERR bad request");
}

static void client_close(struct client *c)
{
	close(c->fd);
	c->fd = -1;
	c->used = 0;
}

/* Answer every complete line in @c's buffer. Returns -1 to drop it. */
static int client_lines(struct truthsock *ts, struct client *c)
{
	char *nl;
	while ((nl = memchr(c->buf, '\n', c->used)) != NULL) {
		char reply[LINE_MAX_LEN];
		*nl = '\0';
		truthsock_handle(&ts->ctx, c->buf, reply, sizeof(reply) - 1);
		strcat(reply, "\n");
		size_t rlen = strlen(reply);
		if (send(c->fd, reply, rlen, MSG_NOSIGNAL) != (ssize_t)rlen)
			return -1;
		size_t consumed = (size_t)(nl - c->buf) + 1;
		memmove(c->buf, nl + 1, c->used - consumed);
		c->used -= consumed;
	}
	return c->used == sizeof(c->buf) ? -1 : 0; /* line too long */
}

static void client_read(struct truthsock *ts, struct client *c)
{
	ssize_t n = recv(c->fd, c->buf + c->used, sizeof(c->buf) - c->used, 0);
	if (n <= 0) {
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return;
		client_close(c);
		return;
	}
	c->used += (size_t)n;
	if (client_lines(ts, c) < 0)
		client_close(c);
}

static void accept_client(struct truthsock *ts)
{
	int fd = accept4(ts->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	for (int i = 0; i < MAX_CLIENTS; i++) {
		if (ts->clients[i].fd < 0) {
			ts->clients[i].fd = fd;
			ts->clients[i].used = 0;
			return;
		}
	}
	close(fd); /* full */
}

/* Poll set: [0] stop pipe, [1] listener, then clients (fd -1 = unused). */
static void *serve(void *arg)
{
	struct truthsock *ts = arg;
	struct pollfd pfd[2 + MAX_CLIENTS];
	for (;;) {
		pfd[0] =
		    (struct pollfd){.fd = ts->stop_pipe[0], .events = POLLIN};
		pfd[1] = (struct pollfd){.fd = ts->listen_fd, .events = POLLIN};
		for (int i = 0; i < MAX_CLIENTS; i++)
			pfd[2 + i] = (struct pollfd){.fd = ts->clients[i].fd,
						     .events = POLLIN};
		if (poll(pfd, 2 + MAX_CLIENTS, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents)
			break;
		if (pfd[1].revents & POLLIN)
			accept_client(ts);
		for (int i = 0; i < MAX_CLIENTS; i++)
			if (ts->clients[i].fd >= 0 && pfd[2 + i].revents)
				client_read(ts, &ts->clients[i]);
	}
	return NULL;
}

static int listen_unix(struct truthsock *ts, const char *path)
{
	if (strlen(path) >= sizeof(ts->addr.sun_path))
		return -ENAMETOOLONG;
	ts->addr.sun_family = AF_UNIX;
	strcpy(ts->addr.sun_path, path);
	ts->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ts->listen_fd < 0)
		return -errno;
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	if (bind(ts->listen_fd, (struct sockaddr *)&ts->addr,
		 sizeof(ts->addr)) < 0 ||
	    listen(ts->listen_fd, 16) < 0)
		return -errno;
	return 0;
}

static void truthsock_free(struct truthsock *ts)
{
	if (ts->listen_fd >= 0)
		close(ts->listen_fd);
	for (int i = 0; i < 2; i++)
		if (ts->stop_pipe[i] >= 0)
			close(ts->stop_pipe[i]);
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (ts->clients[i].fd >= 0)
			close(ts->clients[i].fd);
	free(ts);
}

int truthsock_start(struct truthsock **out, const char *path,
		    const struct truthsock_ctx *ctx)
{
	struct truthsock *ts = calloc(1, sizeof(*ts));
	if (!ts)
		return -ENOMEM;
	ts->ctx = *ctx;
	ts->listen_fd = ts->stop_pipe[0] = ts->stop_pipe[1] = -1;
	for (int i = 0; i < MAX_CLIENTS; i++)
		ts->clients[i].fd = -1;
	int ret = listen_unix(ts, path);
	if (ret == 0 && pipe2(ts->stop_pipe, O_CLOEXEC) < 0)
		ret = -errno;
	if (ret == 0)
		ret = -pthread_create(&ts->thread, NULL, serve, ts);
	if (ret < 0) {
		truthsock_free(ts);
		return ret;
	}
	*out = ts;
	return 0;
}

void truthsock_stop(struct truthsock *ts)
{
	if (!ts)
		return;
	char c = 'q';
	if (write(ts->stop_pipe[1], &c, 1) == 1)
		pthread_join(ts->thread, NULL);
	unlink(ts->addr.sun_path);
	truthsock_free(ts);
}
