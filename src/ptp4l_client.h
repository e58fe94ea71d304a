/* ptp4l_client.h: non-blocking client for ptp4l's management Unix socket. */
#ifndef PHCB_PTPMGMT_H
#define PHCB_PTPMGMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ptp4l_codec.h"

/* Requests awaiting responses at the same time. */
#define PTPMGMT_CLIENT_MAX_PENDING 32

/* An opaque client: one bound socket, its pending requests. */
struct ptpmgmt_client;

/* What a received message is. */
enum ptpmgmt_response_kind {
	PTPMGMT_REPLY = 1,        /* answers one of our pending requests */
	PTPMGMT_NOTIFICATION = 2, /* pushed by ptp4l after a subscription */
};

/* One message received by ptpmgmt_client_recv(). */
struct ptpmgmt_response {
	enum ptpmgmt_response_kind kind;
	/*
	 * Decode status: 0 (msg.has_data tells whether a dataset is in msg.u),
	 * -EPROTO (ptp4l answered with an error: msg.error_id) or -ENOTSUP
	 * (an answer whose managementId the codec does not decode).
	 */
	int status;
	/*
	 * REPLY only: true when no more responses to this request are
	 * expected (the clock itself, port 0, answered); a GET of a port
	 * dataset with the wildcard target gets one response per port and
	 * stays pending until ptpmgmt_client_expire() retires it.
	 */
	bool final;
	int64_t sent_ns;  /* REPLY only: now_ns given when it was sent */
	struct ptpmgmt_msg msg;
};

/*
 * ptpmgmt_client_open - create a client socket for one ptp4l.
 * @server_path: ptp4l's uds_address, e.g. "/var/run/ptp4l".
 * @client_path: path to bind this client to, in a directory of ours
 *               (see uds_bind()); a stale socket there is removed first,
 *               a live one or any other kind of file is an error. The
 *               socket is created mode 0600; ptp4l answers to this path.
 * @domain: PTP domainNumber (0..255) of ptp4l; other domains are ignored.
 * @out: set to the new client on success.
 * Does not contact ptp4l, so it succeeds while ptp4l is not running.
 * Returns 0, -EINVAL for bad arguments, -ENAMETOOLONG for a path too long
 * for sockaddr_un, -EEXIST when @client_path is a file that is not a
 * socket, -EADDRINUSE when a live socket is there, -EPERM when its
 * directory is writable by others, or another negative errno.
 */
int ptpmgmt_client_open(const char *server_path, const char *client_path,
			int domain, struct ptpmgmt_client **out);

/*
 * ptpmgmt_client_adopt - as ptpmgmt_client_open(), with @fd a datagram
 * socket already bound at @client_path (by the parent of privilege
 * separation, OPEN_PTP4L); the client owns it from here on (closed on
 * failure too) and removes @client_path at close if the file is still it.
 */
int ptpmgmt_client_adopt(const char *server_path, const char *client_path,
			 int domain, int fd, struct ptpmgmt_client **out);

/*
 * ptpmgmt_client_path - the client socket of the source @name started as
 * @generation, in @dir (run_dir): "DIR/ptp4l.NAME.GEN.sock", a name of its
 * own per start (on reload the old watcher still holds its socket while
 * the new one binds).
 */
void ptpmgmt_client_path(char *buf, size_t len, const char *dir,
			 const char *name, unsigned generation);

/*
 * ptpmgmt_client_via_parent - under privilege separation: reach ptp4l on
 * the client's own socket, which the parent connects to source @src's
 * ptp4l_socket (privsep_connect_ptp4l(): ptp4l's socket is root's) before
 * the first send and again when ptp4l restarted, instead of addressing
 * each message to the path.
 */
void ptpmgmt_client_via_parent(struct ptpmgmt_client *client, unsigned src);

/*
 * ptpmgmt_client_close - close the socket, unlink the client path, free.
 * @client: client to close; NULL is ignored.
 */
void ptpmgmt_client_close(struct ptpmgmt_client *client);

/*
 * ptpmgmt_client_fd - the socket to watch for readability (EV_READ).
 * Returns the non-blocking file descriptor; it stays owned by @client.
 */
int ptpmgmt_client_fd(const struct ptpmgmt_client *client);

/*
 * ptpmgmt_client_source - the sourcePortIdentity this client sends with.
 * Returns a pointer valid as long as @client.
 */
const struct ptpmgmt_port_identity *
ptpmgmt_client_source(const struct ptpmgmt_client *client);

/*
 * ptpmgmt_client_send - send one management message to all ports.
 * @client: the client.
 * @action: PTPMGMT_GET, PTPMGMT_SET or PTPMGMT_COMMAND.
 * @management_id: managementId.
 * @data: dataField (NULL when @len is 0).
 * @len: length of @data.
 * @now_ns: caller's monotonic time, kept to expire the request.
 * Returns the sequenceId used (0..65535), or a negative errno: -ENOENT or
 * -ECONNREFUSED when ptp4l is not running (retry later), -EAGAIN when its
 * queue is full, -ENOBUFS when PTPMGMT_CLIENT_MAX_PENDING unanswered
 * requests are pending, -EINVAL, -EMSGSIZE, or another sendto(2) error.
 */
int ptpmgmt_client_send(struct ptpmgmt_client *client,
			enum ptpmgmt_action action, uint16_t management_id,
			const uint8_t *data, size_t len, int64_t now_ns);

/*
 * ptpmgmt_client_send_get - send a GET of @management_id to all ports.
 * Parameters and return value as for ptpmgmt_client_send().
 */
int ptpmgmt_client_send_get(struct ptpmgmt_client *client,
			    uint16_t management_id, int64_t now_ns);

/*
 * ptpmgmt_client_subscribe - SET SUBSCRIBE_EVENTS_NP with NOTIFY_PORT_STATE.
 * @client: the client.
 * @duration_s: subscription lifetime in seconds (0 cancels); ptp4l drops
 *              the subscription afterwards, so renew it before then.
 * @now_ns: caller's monotonic time.
 * ptp4l answers with a RESPONSE echoing the subscription, then pushes a
 * PORT_DATA_SET notification to @client at each port state change.
 * Returns the sequenceId or a negative errno as ptpmgmt_client_send().
 */
int ptpmgmt_client_subscribe(struct ptpmgmt_client *client,
			     uint16_t duration_s, int64_t now_ns);

/*
 * ptpmgmt_client_recv - read and decode one datagram, without blocking.
 * @client: the client.
 * @out: filled when 0 is returned.
 * Call it until it returns -EAGAIN each time the socket is readable.
 * Returns 0 with @out filled (a reply or a notification; see
 * struct ptpmgmt_response), -EAGAIN when nothing is queued, -EBADMSG when
 * a malformed (or other-domain) datagram was read and dropped, -ENOMSG when
 * a well-formed message that matches no pending request was dropped, or
 * another negative errno from recv(2).
 */
int ptpmgmt_client_recv(struct ptpmgmt_client *client,
			struct ptpmgmt_response *out);

/*
 * ptpmgmt_client_expire - retire requests sent @timeout_ns or more ago.
 * @client: the client.
 * @now_ns: caller's monotonic time, same clock as given to send.
 * @timeout_ns: how long a request may wait for responses.
 * Requests that got at least one response are retired silently.
 * Returns how many retired requests got no response at all (timed out).
 */
int ptpmgmt_client_expire(struct ptpmgmt_client *client, int64_t now_ns,
			  int64_t timeout_ns);

/*
 * ptpmgmt_client_pending - number of requests still pending.
 */
int ptpmgmt_client_pending(const struct ptpmgmt_client *client);

#endif /* PHCB_PTPMGMT_H */
