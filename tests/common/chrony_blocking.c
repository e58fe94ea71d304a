/* chrony_blocking.c: blocking calls on chronyd's command socket (tests). */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <time.h>

#include "chrony_blocking.h"

#define FIRST_RETRY_MS 250


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

		ret = wait_readable(chronycmd_fd(cmd),
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
	chronycmd_abandon(cmd);
	return ret;
}

/* ---- helpers ---- */

static int call_simple(struct chronycmd *cmd, const struct candm_request *req,
		       struct candm_reply *reply)
{
	return chronycmd_call(cmd, req, reply, chronycmd_timeout(cmd));
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

	/* An empty mask changes nothing on chronyd versions that know it. */
	candm_req_selectopts(&req, NULL, 0, 0, 0);
	ret = call_simple(cmd, &req, &reply);
	if (ret == -EOPNOTSUPP)
		return 0;
	if (ret == 0 || ret == -EPROTO)
		return 1; /* another error: chronyd knows the command */
	return ret;
}

int chronycmd_selectopts(struct chronycmd *cmd, const struct candm_ip *address,
			 uint32_t ref_id, uint32_t mask, uint32_t options)
{
	struct candm_request req;
	struct candm_reply reply;

	candm_req_selectopts(&req, address, ref_id, mask, options);
	return call_simple(cmd, &req, &reply);
}
