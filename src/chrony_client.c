/* chrony_client.c: client of chronyd's command socket (reports, control). */
#include "chrony_client.h"
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
	int bound;		/* client_path is our socket file */
	struct stat client_st;	/* identity of that file */
	mode_t client_mode;	/* its permissions, chosen for chronyd */
	gid_t client_gid;	/* and its group, (gid_t)-1 for ours */
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

/* The client path: a unique name in a directory, or the path as given. */
static int choose_client_path(struct chronycmd *cmd, const char *dir_or_path)
{
	struct stat st;
	int n;

	if (!dir_or_path || !dir_or_path[0])
		return -EINVAL;
	if (stat(dir_or_path, &st) < 0 || !S_ISDIR(st.st_mode))
		return copy_path(cmd->client_path, dir_or_path);
	n = snprintf(cmd->client_path, sizeof(cmd->client_path),
		     "%s/phcb-chronycmd.%ld.%08x.sock", dir_or_path,
		     (long)getpid(), random_u32());
	if (n < 0 || (size_t)n >= sizeof(cmd->client_path))
		return -ENAMETOOLONG;
	return 0;
}

/*
 * chronyd answers with sendto() to our socket, as whichever user it runs
 * as: our socket must be writable by the owner of chronyd's socket and by
 * nobody else. Same owner: 0600; else 0660 in the group of chronyd's
 * socket. Fails with -errno when chronyd's socket cannot be reached (not
 * there yet, or -EACCES: its directory is closed to us).
 */
static int wanted_access(const struct chronycmd *cmd, mode_t *mode, gid_t *gid)
{
	struct stat st;

	if (stat(cmd->server_path, &st) < 0)
		return -errno;
	if (st.st_uid == geteuid()) {
		*mode = 0600;
		*gid = (gid_t)-1;
	} else {
		*mode = 0660;
		*gid = st.st_gid;
	}
	return 0;
}

static int bind_client(struct chronycmd *cmd, mode_t mode, gid_t gid)
{
	int fd = uds_bind(SOCK_DGRAM, cmd->client_path, mode, gid,
			  &cmd->client_st);

	if (fd < 0)
		return fd;
	cmd->fd = fd;
	cmd->bound = 1;
	cmd->client_mode = mode;
	cmd->client_gid = gid;
	cmd->connected = 0;
	return 0;
}

/* Drop our socket file and descriptor (before binding anew). */
static void unbind_client(struct chronycmd *cmd)
{
	if (cmd->bound)
		uds_unlink_own(cmd->client_path, &cmd->client_st);
	if (cmd->fd >= 0)
		close(cmd->fd);
	cmd->fd = -1;
	cmd->bound = 0;
	cmd->connected = 0;
}

/* Rebind when chronyd's owner calls for other permissions on our file. */
static int rebind_for(struct chronycmd *cmd, mode_t mode, gid_t gid)
{
	if (cmd->bound && mode == cmd->client_mode && gid == cmd->client_gid)
		return 0;
	unbind_client(cmd);
	cmd->reconnects++;
	return bind_client(cmd, mode, gid);
}

static int connect_server(struct chronycmd *cmd)
{
	struct sockaddr_un sa;
	mode_t mode = 0600;
	gid_t gid = (gid_t)-1;
	int ret;

	ret = uds_addr(&sa, NULL, cmd->server_path);
	if (ret == 0)
		ret = wanted_access(cmd, &mode, &gid);
	if (ret == 0)
		ret = rebind_for(cmd, mode, gid);
	if (ret < 0)
		return ret;
	if (connect(cmd->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	cmd->connected = 1;
	/* A new chronyd may be another version or run as another user. */
	cmd->selectopts = -1;
	return 0;
}

/* Rebind if our socket file was removed or replaced under us. */
static int ensure_bound(struct chronycmd *cmd)
{
	struct stat st;

	if (cmd->bound && lstat(cmd->client_path, &st) == 0 &&
	    uds_same_file(&st, &cmd->client_st))
		return 0;
	unbind_client(cmd);
	cmd->reconnects++;
	return bind_client(cmd, cmd->client_mode, cmd->client_gid);
}

int chronycmd_open(const char *server_path, const char *client_dir_or_path,
		   struct chronycmd **out)
{
	struct chronycmd *cmd;
	mode_t mode = 0600;
	gid_t gid = (gid_t)-1;
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
	if (ret == 0 && wanted_access(cmd, &mode, &gid) < 0) {
		mode = 0600; /* chronyd not there yet: fixed on connecting */
		gid = (gid_t)-1;
	}
	if (ret == 0)
		ret = bind_client(cmd, mode, gid);
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
	if (!cmd)
		return;
	/* Unlink only our own socket, not one a successor bound there. */
	unbind_client(cmd);
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
		if (!cmd->have_pending || !cmd->connected)
			continue; /* late duplicate, or not from chronyd */
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
