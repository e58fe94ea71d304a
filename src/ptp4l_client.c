/* ptp4l_client.c: non-blocking client for ptp4l's management Unix socket. */
#include "privsep_client.h"
#include "ptp4l_client.h"
#include "uds.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* One request awaiting responses. */
struct ptpmgmt_pending {
	bool used;
	uint16_t sequence_id;
	uint16_t management_id;
	unsigned int responses;
	int64_t sent_ns;
};

struct ptpmgmt_client {
	int fd;
	uint8_t domain;
	uint16_t next_sequence_id;
	struct ptpmgmt_port_identity source;
	struct sockaddr_un server;
	socklen_t server_len;
	char client_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat client_st; /* identity of our socket file */
	int parent_src;	       /* >= 0: the parent connects us to ptp4l */
	bool connected;	       /* by the parent */
	struct ptpmgmt_pending pending[PTPMGMT_CLIENT_MAX_PENDING];
};

/* Our own socket, 0600: ptp4l answers as root. */
static int ptpmgmt_bind_client(struct ptpmgmt_client *c, const char *path)
{
	int fd = uds_bind(SOCK_DGRAM, path, 0600, (gid_t)-1, &c->client_st);

	if (fd < 0)
		return fd;
	c->fd = fd;
	memcpy(c->client_path, path, strlen(path) + 1);
	return 0;
}

/* A socket bound at @path by the parent, taken as ours: its file's
 * identity, for the unlink at close. */
static int ptpmgmt_adopt_client(struct ptpmgmt_client *c, const char *path,
				int fd)
{
	if (strlen(path) >= sizeof(c->client_path))
		return -ENAMETOOLONG;
	c->fd = fd;
	if (lstat(path, &c->client_st) < 0)
		return -errno;
	memcpy(c->client_path, path, strlen(path) + 1);
	return 0;
}

void ptpmgmt_client_path(char *buf, size_t len, const char *dir,
			 const char *name, unsigned generation)
{
	snprintf(buf, len, "%s/ptp4l.%s.%u.sock", dir, name, generation);
}

/* A client for @server_path: bound at @client_path here (@fd -1), or the
 * socket @fd the parent bound there (closed on failure). */
static int client_new(const char *server_path, const char *client_path,
		      int domain, int fd, struct ptpmgmt_client **out)
{
	struct ptpmgmt_client *c;
	int err;

	if (!server_path || !client_path || !out || domain < 0 ||
	    domain > 255) {
		if (fd >= 0)
			close(fd);
		return -EINVAL;
	}
	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c) {
		if (fd >= 0)
			close(fd);
		return -ENOMEM;
	}
	c->fd = -1;
	c->parent_src = -1;
	c->domain = (uint8_t)domain;
	c->source.port = (uint16_t)getpid();
	err = uds_addr(&c->server, &c->server_len, server_path);
	if (!err)
		err = fd < 0 ? ptpmgmt_bind_client(c, client_path)
			     : ptpmgmt_adopt_client(c, client_path, fd);
	if (err) {
		if (fd >= 0 && c->fd != fd) /* not taken yet */
			close(fd);
		ptpmgmt_client_close(c);
		return err;
	}
	*out = c;
	return 0;
}

int ptpmgmt_client_open(const char *server_path, const char *client_path,
			int domain, struct ptpmgmt_client **out)
{
	return client_new(server_path, client_path, domain, -1, out);
}

int ptpmgmt_client_adopt(const char *server_path, const char *client_path,
			 int domain, int fd, struct ptpmgmt_client **out)
{
	if (fd < 0)
		return -EBADF;
	return client_new(server_path, client_path, domain, fd, out);
}

void ptpmgmt_client_close(struct ptpmgmt_client *client)
{
	if (!client)
		return;
	if (client->fd >= 0)
		close(client->fd);
	/* only our own file: a successor may have bound that path anew */
	if (client->client_path[0])
		uds_unlink_own(client->client_path, &client->client_st);
	free(client);
}

void ptpmgmt_client_via_parent(struct ptpmgmt_client *client, unsigned src)
{
	client->parent_src = (int)src;
	client->connected = false;
}

/* Send @len bytes of @buf to ptp4l: addressed to its path, or on our
 * socket the parent connected (again, once, when ptp4l's socket is a new
 * one: ptp4l restarted). 0 or -errno. */
static int send_to_ptp4l(struct ptpmgmt_client *c, const uint8_t *buf,
			 size_t len)
{
	int r = -ENOTCONN;

	if (c->parent_src < 0)
		return sendto(c->fd, buf, len, MSG_NOSIGNAL,
			      (const struct sockaddr *)&c->server,
			      c->server_len) < 0
			   ? -errno
			   : 0;
	for (int tries = 0; tries < 2; tries++) {
		if (!c->connected) {
			r = privsep_connect_ptp4l((unsigned)c->parent_src,
						  c->fd);
			if (r < 0)
				return r;
			c->connected = true;
		}
		if (send(c->fd, buf, len, MSG_NOSIGNAL) >= 0)
			return 0;
		r = -errno;
		if (r != -ECONNREFUSED && r != -ENOTCONN)
			return r;
		c->connected = false;
	}
	return r;
}

int ptpmgmt_client_fd(const struct ptpmgmt_client *client)
{
	return client->fd;
}

const struct ptpmgmt_port_identity *
ptpmgmt_client_source(const struct ptpmgmt_client *client)
{
	return &client->source;
}

/* A free slot, else the oldest answered one; NULL when all are unanswered. */
static struct ptpmgmt_pending *ptpmgmt_pending_slot(struct ptpmgmt_client *c)
{
	struct ptpmgmt_pending *oldest = NULL;
	size_t i;

	for (i = 0; i < PTPMGMT_CLIENT_MAX_PENDING; i++) {
		struct ptpmgmt_pending *p = &c->pending[i];

		if (!p->used)
			return p;
		if (p->responses && (!oldest || p->sent_ns < oldest->sent_ns))
			oldest = p;
	}
	return oldest;
}

static struct ptpmgmt_pending *ptpmgmt_pending_find(struct ptpmgmt_client *c,
						    uint16_t sequence_id,
						    uint16_t management_id)
{
	size_t i;

	for (i = 0; i < PTPMGMT_CLIENT_MAX_PENDING; i++) {
		struct ptpmgmt_pending *p = &c->pending[i];

		if (p->used && p->sequence_id == sequence_id &&
		    p->management_id == management_id)
			return p;
	}
	return NULL;
}

int ptpmgmt_client_send(struct ptpmgmt_client *client,
			enum ptpmgmt_action action, uint16_t management_id,
			const uint8_t *data, size_t len, int64_t now_ns)
{
	uint8_t buf[PTPMGMT_MSG_MAX];
	struct ptpmgmt_addr addr;
	struct ptpmgmt_pending *slot;
	uint16_t seq;
	int n, r;

	if (!client)
		return -EINVAL;
	slot = ptpmgmt_pending_slot(client);
	if (!slot)
		return -ENOBUFS;
	seq = client->next_sequence_id;
	ptpmgmt_addr_init(&addr, client->domain, &client->source, seq);
	n = ptpmgmt_encode(&addr, action, management_id, data, len, buf,
			   sizeof(buf));
	if (n < 0)
		return n;
	r = send_to_ptp4l(client, buf, (size_t)n);
	if (r < 0)
		return r == -EWOULDBLOCK ? -EAGAIN : r;
	client->next_sequence_id++;
	*slot = (struct ptpmgmt_pending){
		.used = true,
		.sequence_id = seq,
		.management_id = management_id,
		.sent_ns = now_ns,
	};
	return seq;
}

int ptpmgmt_client_send_get(struct ptpmgmt_client *client,
			    uint16_t management_id, int64_t now_ns)
{
	return ptpmgmt_client_send(client, PTPMGMT_GET, management_id, NULL, 0,
				   now_ns);
}

int ptpmgmt_client_subscribe(struct ptpmgmt_client *client,
			     uint16_t duration_s, int64_t now_ns)
{
	uint8_t data[2 + PTPMGMT_EVENT_BITMASK_LEN] = { 0 };

	data[0] = (uint8_t)(duration_s >> 8);
	data[1] = (uint8_t)duration_s;
	data[2 + PTPMGMT_NOTIFY_PORT_STATE / 8] |=
		(uint8_t)(1u << (PTPMGMT_NOTIFY_PORT_STATE % 8));
	return ptpmgmt_client_send(client, PTPMGMT_SET,
				   PTPMGMT_ID_SUBSCRIBE_EVENTS_NP, data,
				   sizeof(data), now_ns);
}

static bool ptpmgmt_is_wildcard(const struct ptpmgmt_port_identity *id)
{
	static const struct ptpmgmt_port_identity all = {
		.clock = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
		.port = PTPMGMT_PORT_ALL,
	};

	return ptpmgmt_port_identity_equal(id, &all);
}

/*
 * ptp4l 3.1.1 sends its pushes as RESPONSE with boundary hops 1/1 while
 * replies echo ours (0/0); an unmatched PORT_DATA_SET is a push as well.
 */
static bool ptpmgmt_is_push(const struct ptpmgmt_msg *m, bool matched)
{
	if (m->action != PTPMGMT_RESPONSE ||
	    m->tlv_type != PTPMGMT_TLV_MANAGEMENT)
		return false;
	if (m->starting_boundary_hops || m->boundary_hops)
		return true;
	return !matched && m->management_id == PTPMGMT_ID_PORT_DATA_SET;
}

/* Classify a decoded message; returns 0 or -ENOMSG to drop it. */
static int ptpmgmt_classify(struct ptpmgmt_client *c,
			    struct ptpmgmt_response *out)
{
	const struct ptpmgmt_msg *m = &out->msg;
	struct ptpmgmt_pending *p = NULL;

	if (!ptpmgmt_port_identity_equal(&m->target, &c->source) &&
	    !ptpmgmt_is_wildcard(&m->target))
		return -ENOMSG;
	if (m->action == PTPMGMT_RESPONSE || m->action == PTPMGMT_ACKNOWLEDGE)
		p = ptpmgmt_pending_find(c, m->sequence_id, m->management_id);
	if (ptpmgmt_is_push(m, p != NULL)) {
		out->kind = PTPMGMT_NOTIFICATION;
		return 0;
	}
	if (!p)
		return -ENOMSG;
	out->kind = PTPMGMT_REPLY;
	out->sent_ns = p->sent_ns;
	out->final = m->source.port == 0;
	p->responses++;
	if (out->final)
		p->used = false;
	return 0;
}

int ptpmgmt_client_recv(struct ptpmgmt_client *client,
			struct ptpmgmt_response *out)
{
	uint8_t buf[PTPMGMT_MSG_MAX];
	ssize_t n;
	int err;

	if (!client || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	do {
		n = recv(client->fd, buf, sizeof(buf), MSG_TRUNC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if ((size_t)n > sizeof(buf))
		return -EBADMSG;
	err = ptpmgmt_decode(buf, (size_t)n, client->domain, &out->msg);
	if (err != 0 && err != -EPROTO && err != -ENOTSUP)
		return err;
	out->status = err;
	return ptpmgmt_classify(client, out);
}

int ptpmgmt_client_expire(struct ptpmgmt_client *client, int64_t now_ns,
			  int64_t timeout_ns)
{
	int timed_out = 0;
	size_t i;

	for (i = 0; i < PTPMGMT_CLIENT_MAX_PENDING; i++) {
		struct ptpmgmt_pending *p = &client->pending[i];

		if (!p->used || now_ns - p->sent_ns < timeout_ns)
			continue;
		if (!p->responses)
			timed_out++;
		p->used = false;
	}
	return timed_out;
}

int ptpmgmt_client_pending(const struct ptpmgmt_client *client)
{
	int n = 0;
	size_t i;

	for (i = 0; i < PTPMGMT_CLIENT_MAX_PENDING; i++)
		n += client->pending[i].used;
	return n;
}
