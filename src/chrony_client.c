/* chrony_client.c: client of chronyd's command socket (reports, control). */
#include "chrony_client.h"
#include "privsep_client.h"
#include "uds.h"

#include <errno.h>
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

/*
 * Under privilege separation the parent binds and connects (OPEN_CHRONY:
 * it reaches chronyd's directory and gives our socket chronyd's group) at
 * the same path. Our file goes first, so that the parent can bind the
 * path again; our old descriptor last, so that the new one has another
 * number for the event loop.
 */
static int connect_via_parent(struct chronycmd *cmd)
{
	int fd, r;

	if (cmd->bound)
		uds_unlink_own(cmd->client_path, &cmd->client_st);
	cmd->bound = 0;
	cmd->connected = 0;
	r = privsep_open_chrony(&fd);
	if (cmd->fd >= 0)
		close(cmd->fd);
	cmd->fd = r < 0 ? -1 : fd;
	if (r < 0)
		return r;
	/* the file's identity, for ensure_bound() and our unlink */
	cmd->bound = lstat(cmd->client_path, &cmd->client_st) == 0;
	cmd->connected = 1;
	return 0;
}

static int connect_server(struct chronycmd *cmd)
{
	struct sockaddr_un sa;
	mode_t mode = 0600;
	gid_t gid = (gid_t)-1;
	int ret;

	if (privsep_client_active())
		return connect_via_parent(cmd);
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
	return 0;
}

/* Rebind if our socket file was removed or replaced under us. */
static int ensure_bound(struct chronycmd *cmd)
{
	struct stat st;

	if (cmd->bound && lstat(cmd->client_path, &st) == 0 &&
	    uds_same_file(&st, &cmd->client_st))
		return 0;
	cmd->reconnects++;
	if (privsep_client_active())
		return connect_via_parent(cmd);
	unbind_client(cmd);
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
	cmd->next_sequence = random_u32();
	ret = copy_path(cmd->server_path, server_path);
	if (ret == 0)
		ret = choose_client_path(cmd, client_dir_or_path);
	if (ret == 0 && privsep_client_active()) {
		/* the parent binds and connects, now or on the first send */
		(void)connect_server(cmd);
		*out = cmd;
		return 0;
	}
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

int chronycmd_connect_new(const char *server_path, const char *client_path)
{
	struct chronycmd cmd = {.fd = -1};
	int ret = copy_path(cmd.server_path, server_path);

	if (ret == 0)
		ret = copy_path(cmd.client_path, client_path);
	if (ret == 0)
		ret = connect_server(&cmd);
	if (ret < 0) {
		unbind_client(&cmd);
		return ret;
	}
	return cmd.fd;
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

int chronycmd_timeout(const struct chronycmd *cmd)
{
	return cmd->timeout_ms;
}

void chronycmd_abandon(struct chronycmd *cmd)
{
	cmd->have_pending = 0;
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
