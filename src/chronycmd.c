/* chronycmd.c: client of chronyd's command socket (reports, control). */
#include "chronycmd.h"
#include "uds.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define SUN_PATH_MAX (sizeof(((struct sockaddr_un *)0)->sun_path))
#define FIRST_RETRY_MS 250
#define RECV_BUF_LEN 2048

struct chronycmd {
	int fd;
	int connected;
	char server_path[SUN_PATH_MAX];
	char client_path[SUN_PATH_MAX];
	dev_t client_dev; /* identity of our bound socket file */
	ino_t client_ino;
	mode_t client_mode;
	uint32_t next_sequence;
	struct candm_request pending;
	int have_pending;
	int timeout_ms;
	uint16_t last_status;
	int selectopts; /* -1 unknown, 0 no, 1 yes */
	unsigned reconnects;
};

/* ---- paths and socket setup ---- */

static int copy_path(char *dst, const char *src)
{
	size_t n = strlen(src);

	if (n == 0)
		return -EINVAL;
	if (n >= SUN_PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(dst, src, n + 1);
	return 0;
}

static uint32_t random_u32(void)
{
	uint32_t v;
	struct timespec ts;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) == (ssize_t)sizeof(v))
		return v;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)ts.tv_nsec ^ ((uint32_t)ts.tv_sec << 20) ^
	       (uint32_t)getpid();
}

/* The directory of the server socket, where chronyc puts its own. */
static int server_dir(const struct chronycmd *cmd, char *dir, size_t len)
{
	const char *slash = strrchr(cmd->server_path, '/');
	int n;

	if (!slash)
		n = snprintf(dir, len, ".");
	else if (slash == cmd->server_path)
		n = snprintf(dir, len, "/");
	else
		n = snprintf(dir, len, "%.*s", (int)(slash - cmd->server_path),
			     cmd->server_path);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* The client path: a unique name in a directory, or the path as given. */
static int choose_client_path(struct chronycmd *cmd, const char *dir_or_path)
{
	char dir[SUN_PATH_MAX];
	struct stat st;
	int n, ret;

	if (dir_or_path && (stat(dir_or_path, &st) < 0 || !S_ISDIR(st.st_mode)))
		return copy_path(cmd->client_path, dir_or_path);
	if (dir_or_path)
		ret = copy_path(dir, dir_or_path);
	else
		ret = server_dir(cmd, dir, sizeof(dir));
	if (ret < 0)
		return ret;
	n = snprintf(cmd->client_path, sizeof(cmd->client_path),
		     "%s/phcb-chronycmd.%ld.%08x.sock", dir, (long)getpid(),
		     random_u32());
	if (n < 0 || (size_t)n >= sizeof(cmd->client_path))
		return -ENAMETOOLONG;
	return 0;
}

/* chronyd must be able to write to our socket to answer. */
static mode_t wanted_client_mode(const struct chronycmd *cmd)
{
	struct stat st;

	if (stat(cmd->server_path, &st) == 0 &&
	    (st.st_uid == 0 || st.st_uid == geteuid()))
		return 0600;
	return 0666;
}

static void adjust_client_mode(struct chronycmd *cmd)
{
	mode_t mode = wanted_client_mode(cmd);

	if (mode != cmd->client_mode && chmod(cmd->client_path, mode) == 0)
		cmd->client_mode = mode;
}

static int bind_client(struct chronycmd *cmd)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, ret;

	ret = uds_addr(&sa, NULL, cmd->client_path);
	if (ret < 0)
		return ret;
	ret = uds_unlink_stale(cmd->client_path);
	if (ret < 0)
		return ret;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    stat(cmd->client_path, &st) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	cmd->fd = fd;
	cmd->client_dev = st.st_dev;
	cmd->client_ino = st.st_ino;
	cmd->client_mode = 0;
	cmd->connected = 0;
	adjust_client_mode(cmd);
	return 0;
}

static int connect_server(struct chronycmd *cmd)
{
	struct sockaddr_un sa;
	int ret;

	ret = uds_addr(&sa, NULL, cmd->server_path);
	if (ret < 0)
		return ret;
	if (connect(cmd->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	cmd->connected = 1;
	/* A new chronyd may be another version or run as another user. */
	cmd->selectopts = -1;
	adjust_client_mode(cmd);
	return 0;
}

/* Rebind if our socket file was removed or replaced under us. */
static int ensure_bound(struct chronycmd *cmd)
{
	struct stat st;
	int old_fd = cmd->fd;
	int ret;

	if (lstat(cmd->client_path, &st) == 0 && st.st_dev == cmd->client_dev &&
	    st.st_ino == cmd->client_ino)
		return 0;
	ret = bind_client(cmd);
	if (ret < 0)
		return ret;
	close(old_fd);
	cmd->reconnects++;
	return 0;
}

int chronycmd_open(const char *server_path, const char *client_dir_or_path,
		   struct chronycmd **out)
{
	struct chronycmd *cmd;
	int ret;

	*out = NULL;
	cmd = calloc(1, sizeof(*cmd));
	if (!cmd)
		return -ENOMEM;
	cmd->fd = -1;
	cmd->timeout_ms = CHRONYCMD_DEFAULT_TIMEOUT_MS;
	cmd->selectopts = -1;
	cmd->next_sequence = random_u32();
	ret = copy_path(cmd->server_path, server_path);
	if (ret == 0)
		ret = choose_client_path(cmd, client_dir_or_path);
	if (ret == 0)
		ret = bind_client(cmd);
	if (ret < 0) {
		free(cmd);
		return ret;
	}
	/* chronyd may not be running yet: the first send connects then. */
	(void)connect_server(cmd);
	*out = cmd;
	return 0;
}

void chronycmd_close(struct chronycmd *cmd)
{
	struct stat st;

	if (!cmd)
		return;
	/* Unlink only our own socket, not one a successor bound there. */
	if (lstat(cmd->client_path, &st) == 0 && st.st_dev == cmd->client_dev &&
	    st.st_ino == cmd->client_ino)
		unlink(cmd->client_path);
	if (cmd->fd >= 0)
		close(cmd->fd);
	free(cmd);
}

int chronycmd_fd(const struct chronycmd *cmd)
{
	return cmd->fd;
}

const char *chronycmd_client_path(const struct chronycmd *cmd)
{
	return cmd->client_path;
}

void chronycmd_set_timeout(struct chronycmd *cmd, int timeout_ms)
{
	if (timeout_ms > 0)
		cmd->timeout_ms = timeout_ms;
}

uint16_t chronycmd_last_status(const struct chronycmd *cmd)
{
	return cmd->last_status;
}

unsigned chronycmd_reconnects(const struct chronycmd *cmd)
{
	return cmd->reconnects;
}

/* ---- asynchronous API ---- */

static int is_disconnect_error(int err)
{
	return err == ECONNREFUSED || err == ENOTCONN || err == ENOENT ||
	       err == EDESTADDRREQ || err == ECONNRESET || err == EPIPE;
}

static int send_once(struct chronycmd *cmd, const uint8_t *buf, size_t len)
{
	ssize_t n = send(cmd->fd, buf, len, MSG_NOSIGNAL);

	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return (size_t)n == len ? 0 : -EIO;
}

static int reconnect(struct chronycmd *cmd)
{
	int ret;

	cmd->connected = 0;
	ret = connect_server(cmd);
	if (ret == 0)
		cmd->reconnects++;
	return ret;
}

/* Send the outstanding request, reconnecting once if chronyd restarted. */
static int transmit(struct chronycmd *cmd)
{
	uint8_t buf[CANDM_MAX_MSG_LEN];
	int len, ret;

	len = candm_encode_request(&cmd->pending, buf, sizeof(buf));
	if (len < 0)
		return len;
	ret = ensure_bound(cmd);
	if (ret < 0)
		return ret;
	if (!cmd->connected) {
		ret = reconnect(cmd);
		if (ret < 0)
			return ret;
	}
	ret = send_once(cmd, buf, (size_t)len);
	if (ret < 0 && is_disconnect_error(-ret)) {
		ret = reconnect(cmd);
		if (ret == 0)
			ret = send_once(cmd, buf, (size_t)len);
	}
	return ret;
}

int chronycmd_send(struct chronycmd *cmd, const struct candm_request *req)
{
	int ret = candm_request_length(req->command);

	if (ret < 0)
		return ret;
	cmd->pending = *req;
	cmd->pending.sequence = cmd->next_sequence++;
	cmd->pending.attempt = 0;
	cmd->have_pending = 1;
	ret = transmit(cmd);
	if (ret < 0)
		cmd->have_pending = 0;
	return ret;
}

int chronycmd_resend(struct chronycmd *cmd)
{
	if (!cmd->have_pending)
		return -EINVAL;
	cmd->pending.attempt++;
	return transmit(cmd);
}

int chronycmd_recv(struct chronycmd *cmd, struct candm_reply *reply)
{
	uint8_t buf[RECV_BUF_LEN];
	ssize_t n;
	int ret;

	for (;;) {
		n = recv(cmd->fd, buf, sizeof(buf), MSG_TRUNC);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EWOULDBLOCK ? -EAGAIN : -errno;
		}
		if (!cmd->have_pending)
			continue; /* late duplicate of an answered request */
		if ((size_t)n > sizeof(buf))
			n = 0; /* truncated: treat as malformed */
		ret = candm_decode_reply(buf, (size_t)n, &cmd->pending, reply);
		if (ret == -ESTALE)
			continue;
		cmd->last_status = reply->status;
		cmd->have_pending = 0;
		return ret;
	}
}

/* ---- blocking API ---- */

static int64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int wait_readable(int fd, int timeout_ms)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	int n;

	do
		n = poll(&pfd, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

int chronycmd_call(struct chronycmd *cmd, const struct candm_request *req,
		   struct candm_reply *reply, int timeout_ms)
{
	int64_t deadline = monotonic_ms() + timeout_ms;
	int64_t next_retry;
	int interval = FIRST_RETRY_MS;
	int ret;

	ret = chronycmd_send(cmd, req);
	if (ret < 0)
		return ret;
	next_retry = monotonic_ms() + interval;
	for (;;) {
		int64_t now = monotonic_ms();
		int64_t until = next_retry < deadline ? next_retry : deadline;

		ret = wait_readable(cmd->fd,
				    until > now ? (int)(until - now) : 0);
		if (ret < 0)
			break;
		if (ret > 0) {
			ret = chronycmd_recv(cmd, reply);
			if (ret != -EAGAIN)
				return ret;
			continue;
		}
		now = monotonic_ms();
		if (now >= deadline) {
			ret = -ETIMEDOUT;
			break;
		}
		if (now >= next_retry) {
			ret = chronycmd_resend(cmd);
			if (ret < 0 && ret != -EAGAIN)
				break;
			interval *= 2;
			next_retry = now + interval;
		}
	}
	cmd->have_pending = 0;
	return ret;
}

/* ---- helpers ---- */

static int call_simple(struct chronycmd *cmd, const struct candm_request *req,
		       struct candm_reply *reply)
{
	return chronycmd_call(cmd, req, reply, cmd->timeout_ms);
}

static int call_command(struct chronycmd *cmd, uint16_t command,
			struct candm_reply *reply)
{
	struct candm_request req;

	candm_req_init(&req, command);
	return call_simple(cmd, &req, reply);
}

int chronycmd_tracking(struct chronycmd *cmd, struct candm_tracking *out)
{
	struct candm_reply reply;
	int ret = call_command(cmd, CANDM_CMD_TRACKING, &reply);

	if (ret == 0)
		*out = reply.u.tracking;
	return ret;
}

int chronycmd_sources(struct chronycmd *cmd, struct candm_source_data *out,
		      size_t max)
{
	struct candm_request req;
	struct candm_reply reply;
	uint32_t n;
	int ret = call_command(cmd, CANDM_CMD_N_SOURCES, &reply);

	if (ret < 0)
		return ret;
	n = reply.u.n_sources;
	if (n > CANDM_MAX_SOURCES)
		return -EBADMSG;
	for (uint32_t i = 0; i < n && i < max; i++) {
		candm_req_source_data(&req, (int32_t)i);
		ret = call_simple(cmd, &req, &reply);
		if (ret < 0)
			return ret;
		out[i] = reply.u.source;
	}
	return (int)n;
}

int chronycmd_sourcestats(struct chronycmd *cmd, int index,
			  struct candm_sourcestats *out)
{
	struct candm_request req;
	struct candm_reply reply;
	int ret;

	candm_req_sourcestats(&req, index);
	ret = call_simple(cmd, &req, &reply);
	if (ret == 0)
		*out = reply.u.sourcestats;
	return ret;
}

int chronycmd_activity(struct chronycmd *cmd, struct candm_activity *out)
{
	struct candm_reply reply;
	int ret = call_command(cmd, CANDM_CMD_ACTIVITY, &reply);

	if (ret == 0)
		*out = reply.u.activity;
	return ret;
}

int chronycmd_reset_sources(struct chronycmd *cmd)
{
	struct candm_reply reply;

	return call_command(cmd, CANDM_CMD_RESET_SOURCES, &reply);
}

int chronycmd_burst(struct chronycmd *cmd, const struct candm_req_select *sel,
		    int n_good, int n_total)
{
	struct candm_request req;
	struct candm_reply reply;

	candm_req_burst(&req, sel, n_good, n_total);
	return call_simple(cmd, &req, &reply);
}

static int onoffline_all(struct chronycmd *cmd, int online)
{
	struct candm_request req;
	struct candm_reply reply;

	candm_req_onoffline(&req, online, NULL);
	return call_simple(cmd, &req, &reply);
}

int chronycmd_online_all(struct chronycmd *cmd)
{
	return onoffline_all(cmd, 1);
}

int chronycmd_offline_all(struct chronycmd *cmd)
{
	return onoffline_all(cmd, 0);
}

int chronycmd_supports_selectopts(struct chronycmd *cmd)
{
	struct candm_request req;
	struct candm_reply reply;
	int ret;

	if (cmd->selectopts >= 0)
		return cmd->selectopts;
	/* An empty mask changes nothing on chronyd versions that know it. */
	candm_req_selectopts(&req, NULL, 0, 0, 0);
	ret = call_simple(cmd, &req, &reply);
	if (ret == -EOPNOTSUPP)
		cmd->selectopts = 0;
	else if (ret == 0 || ret == -EPROTO)
		cmd->selectopts = 1;
	else
		return ret;
	return cmd->selectopts;
}

int chronycmd_selectopts(struct chronycmd *cmd, const struct candm_ip *address,
			 uint32_t ref_id, uint32_t mask, uint32_t options)
{
	struct candm_request req;
	struct candm_reply reply;
	int ret;

	if (cmd->selectopts == 0)
		return -EOPNOTSUPP;
	candm_req_selectopts(&req, address, ref_id, mask, options);
	ret = call_simple(cmd, &req, &reply);
	if (ret == -EOPNOTSUPP)
		cmd->selectopts = 0;
	else if (ret == 0)
		cmd->selectopts = 1;
	return ret;
}
