/* privsep_client.c: the worker's requests to the privileged parent. A
 * request blocks the worker's event loop until the answer comes; the
 * parent does nothing else that takes time, so it costs one round trip
 * (and the open itself). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "privsep_chan.h"
#include "privsep_client.h"
#include "timeutil.h"

static int chan = -1;
static uint32_t next_seq = 1;

void privsep_client_init(int fd)
{
	chan = fd;
}

bool privsep_client_active(void)
{
	return chan >= 0;
}

/* Send @req (with the descriptor @give, -1: none) and wait for the
 * answer with its seq into @ans (text, if any, is not kept) and its
 * descriptor into @fd. */
static int request_with(struct privsep_msg *req, int give,
			struct privsep_msg *ans, int *fd)
{
	static uint8_t buf[PRIVSEP_MSG_MAX + 1];
	int64_t deadline = clock_now_ns(CLOCK_MONOTONIC) +
			   (int64_t)PRIVSEP_ANSWER_MS * NS_PER_MS;
	int r;

	*fd = -1;
	if (chan < 0)
		return -ECONNRESET;
	req->seq = next_seq++;
	if ((r = privsep_send(chan, req, give)) < 0)
		return r;
	for (;;) {
		int64_t left = deadline - clock_now_ns(CLOCK_MONOTONIC);
		struct pollfd p = {.fd = chan, .events = POLLIN};

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&p, 1, (int)(left / NS_PER_MS) + 1);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r <= 0)
			continue;
		r = privsep_recv(chan, buf, sizeof(buf), ans, fd);
		if (r == -EAGAIN)
			continue;
		if (r < 0)
			return r;
		if (ans->seq == req->seq)
			return 0;
		if (*fd >= 0) /* an answer to a request given up on */
			close(*fd);
		*fd = -1;
	}
}

static int request(struct privsep_msg *req, struct privsep_msg *ans, int *fd)
{
	return request_with(req, -1, ans, fd);
}

/* The answer's verdict: 0 for @want, the parent's -errno for ERR. */
static int verdict(const struct privsep_msg *ans, enum privsep_type want,
		   int *fd)
{
	if (ans->type == want && *fd >= 0)
		return 0;
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	return ans->type == PRIVSEP_ERR ? -ans->error : -EPROTO;
}

/* The verdict of an answer that brings no descriptor: 0 for OK. */
static int plain_verdict(const struct privsep_msg *ans, int fd)
{
	if (fd >= 0) /* none is due */
		close(fd);
	return ans->type == PRIVSEP_OK	  ? 0
	       : ans->type == PRIVSEP_ERR ? -ans->error
					  : -EPROTO;
}

/* @req, whose answer is OK with a descriptor, into @fd. */
static int ask_fd_for(struct privsep_msg *req, int *fd)
{
	struct privsep_msg ans;
	int r = request(req, &ans, fd);

	return r < 0 ? r : verdict(&ans, PRIVSEP_OK, fd);
}

/* A request of type @t (naming source @src where it names one) whose
 * answer is OK with a descriptor, into @fd. */
static int ask_fd(enum privsep_type t, unsigned src, int *fd)
{
	struct privsep_msg req = {.type = t, .source = src};

	return ask_fd_for(&req, fd);
}

int privsep_open_phc(unsigned src, char *path, size_t path_len, char *name,
		     size_t name_len, int *fd)
{
	struct privsep_msg req = {.type = PRIVSEP_OPEN_PHC, .source = src};
	struct privsep_msg ans;
	int r = request(&req, &ans, fd);

	if (r == 0)
		r = verdict(&ans, PRIVSEP_PHC, fd);
	if (r < 0)
		return r;
	snprintf(path, path_len, "%s", ans.path);
	snprintf(name, name_len, "%s", ans.name);
	return 0;
}

int privsep_connect_feed(unsigned src, int *fd)
{
	return ask_fd(PRIVSEP_CONNECT_FEED, src, fd);
}

int privsep_open_metrics(int *fd)
{
	return ask_fd(PRIVSEP_OPEN_METRICS, 0, fd);
}

int privsep_open_chrony(int *fd)
{
	return ask_fd(PRIVSEP_OPEN_CHRONY, 0, fd);
}

int privsep_connect_ptp4l(unsigned src, int sock)
{
	struct privsep_msg req = {.type = PRIVSEP_CONNECT_PTP4L, .source = src};
	struct privsep_msg ans;
	int fd, r = request_with(&req, sock, &ans, &fd);

	return r < 0 ? r : plain_verdict(&ans, fd);
}

int privsep_open_ptp4l(unsigned src, unsigned generation, int *fd)
{
	struct privsep_msg req = {.type = PRIVSEP_OPEN_PTP4L,
				  .source = src,
				  .generation = generation};

	return ask_fd_for(&req, fd);
}

int privsep_open_control(int *fd)
{
	return ask_fd(PRIVSEP_OPEN_CONTROL, 0, fd);
}

int privsep_open_vmclock(unsigned src, int *fd)
{
	return ask_fd(PRIVSEP_OPEN_VMCLOCK, src, fd);
}

int privsep_open_textfile(void)
{
	int fd, r = ask_fd(PRIVSEP_OPEN_TEXTFILE, 0, &fd);

	return r < 0 ? r : fd;
}

int privsep_commit_textfile(bool ok)
{
	struct privsep_msg req = {.type = PRIVSEP_COMMIT_TEXTFILE,
				  .commit = ok};
	struct privsep_msg ans;
	int fd, r = request(&req, &ans, &fd);

	return r < 0 ? r : plain_verdict(&ans, fd);
}

/* The CONFIG answer's path and a copy of its text, or REFUSED's line into
 * @err. */
static int take_config(const struct privsep_msg *ans, char *path,
		       size_t path_len, char **text, char *err, size_t errlen)
{
	if (ans->type == PRIVSEP_REFUSED) {
		snprintf(err, errlen, "%s", ans->text);
		return -EINVAL;
	}
	if (ans->type != PRIVSEP_CONFIG) {
		snprintf(err, errlen, "the parent answered %s, not CONFIG",
			 privsep_type_name(ans->type));
		return -EPROTO;
	}
	*text = strdup(ans->text);
	if (!*text) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	snprintf(path, path_len, "%s", ans->path);
	return 0;
}

int privsep_config(bool reload, char *path, size_t path_len, char **text,
		   char *err, size_t errlen)
{
	struct privsep_msg req = {
		.type = reload ? PRIVSEP_RELOAD : PRIVSEP_HELLO,
		.version = PRIVSEP_VERSION,
	};
	struct privsep_msg ans;
	int fd, r = request(&req, &ans, &fd);

	*text = NULL;
	if (fd >= 0)
		close(fd);
	if (r < 0) {
		snprintf(err, errlen, "no configuration from the parent: %s",
			 strerror(-r));
		return r;
	}
	if (ans.type == PRIVSEP_ERR) {
		snprintf(err, errlen, "the parent refused %s: %s",
			 privsep_type_name(req.type), strerror(ans.error));
		return -ans.error;
	}
	return take_config(&ans, path, path_len, text, err, errlen);
}

/* A request of type @t answered with @want: a struct of this program,
 * @len bytes, into @out. */
static int ask_bytes(enum privsep_type t, enum privsep_type want, void *out,
		     size_t len)
{
	struct privsep_msg req = {.type = t};
	struct privsep_msg ans;
	int fd, r = request(&req, &ans, &fd);

	if (fd >= 0)
		close(fd);
	if (r < 0)
		return r;
	if (ans.type == PRIVSEP_ERR)
		return -ans.error;
	if (ans.type != want || ans.text_len != len)
		return -EPROTO;
	memcpy(out, ans.text, len);
	return 0;
}

int privsep_audit_gather(void *host, size_t len)
{
	return ask_bytes(PRIVSEP_AUDIT_GATHER, PRIVSEP_AUDIT_HOST, host, len);
}

int privsep_probe_host(void *env, size_t len)
{
	return ask_bytes(PRIVSEP_PROBE_HOST, PRIVSEP_HOST, env, len);
}
