/* chrony_client.h: client of chronyd's command socket (reports, control). */
#ifndef PHCB_CHRONYCMD_H
#define PHCB_CHRONYCMD_H

#include <stddef.h>
#include <stdint.h>

#include "chrony_codec.h"

/*
 * One connection to chronyd's Unix command socket (`bindcmdaddress`).
 *
 * chronyd answers a datagram with sendto() to the sender's own path, so the
 * client binds a socket of its own. chronyd runs as its own user (Debian:
 * _chrony) and needs write permission on that socket: the client makes it
 * 0600 when chronyd's socket belongs to us, else 0660 in the group of
 * chronyd's socket (never world-writable; giving it that group needs
 * CAP_CHOWN unless we are a member). The client socket lives in a
 * directory of our own (uds_bind() refuses one another user can write),
 * which chronyd's user must be able to search. It is connected to
 * chronyd's, so the kernel delivers only chronyd's datagrams to it. When
 * chronyd restarts, its socket is a new one: the client reconnects by
 * itself on the next send (and rebinds if its own path vanished or
 * chronyd's owner changed, which changes chronycmd_fd()).
 *
 * All functions return negative errno values on failure.
 */
struct chronycmd;

/* The daemon's client socket, in its run_dir. */
#define CHRONYCMD_CLIENT_NAME "chronyd-client.sock"

/* Default time a blocking caller waits for a reply, retries included. */
#define CHRONYCMD_DEFAULT_TIMEOUT_MS 1000

/*
 * chronycmd_open - create a client for chronyd's command socket.
 * @server_path: chronyd's socket, e.g. /run/chrony/chronyd.sock.
 * @client_dir_or_path: an existing directory of ours to create a uniquely
 *     named socket in, or the full path of the client socket (a stale
 *     socket there is unlinked if nobody holds it).
 * @out: the new client.
 * Succeeds even if chronyd is not running yet (calls then fail with
 * -ENOENT or -ECONNREFUSED until it is, or -EACCES while chronyd's
 * directory is closed to us). Returns 0, -EINVAL for a NULL client path,
 * -ENAMETOOLONG if a path does not fit a sockaddr_un, -EEXIST if the
 * client path exists and is not a socket, -EADDRINUSE if a live socket is
 * there, -EPERM if its directory is writable by others, -ENOMEM, or
 * another socket/bind error.
 */
int chronycmd_open(const char *server_path, const char *client_dir_or_path,
		   struct chronycmd **out);

/*
 * chronycmd_connect_new - what the privileged parent does for its worker
 * (OPEN_CHRONY): a datagram socket bound at @client_path with the mode and
 * group chronyd's socket calls for (as chronycmd_open()), connected to
 * @server_path. Under privilege separation chronycmd_open() and the
 * reconnects ask the parent for this instead of binding themselves.
 * Returns the descriptor, or -errno with nothing left at @client_path.
 */
int chronycmd_connect_new(const char *server_path, const char *client_path);

/*
 * chronycmd_close - close the socket, unlink its path, free the client.
 * @cmd: the client, or NULL.
 */
void chronycmd_close(struct chronycmd *cmd);

/*
 * chronycmd_fd - the descriptor to watch for readability.
 * @cmd: the client.
 * Returns the descriptor. It changes only when a send had to rebind the
 * client socket (its path was removed); event loops re-read it after each
 * chronycmd_send()/chronycmd_resend().
 */
int chronycmd_fd(const struct chronycmd *cmd);

/*
 * chronycmd_client_path - the path the client socket is bound to.
 * @cmd: the client.
 */
const char *chronycmd_client_path(const struct chronycmd *cmd);

/*
 * chronycmd_set_timeout - set the time a blocking caller waits per call.
 * @cmd: the client.
 * @timeout_ms: milliseconds (> 0), retries included.
 */
void chronycmd_set_timeout(struct chronycmd *cmd, int timeout_ms);

/*
 * chronycmd_last_status - chronyd's status of the last decoded reply.
 * @cmd: the client.
 * Returns an enum candm_status value (meaningful after -EPROTO).
 */
uint16_t chronycmd_last_status(const struct chronycmd *cmd);

/*
 * chronycmd_reconnects - how many times the client reconnected or rebound.
 * @cmd: the client.
 */
unsigned chronycmd_reconnects(const struct chronycmd *cmd);

/*
 * chronycmd_send - send a request without waiting (asynchronous API).
 * @cmd: the client; one request is outstanding at a time, a new one
 *       replaces the old.
 * @req: the request; its sequence and attempt are ignored: the client
 *       numbers requests itself.
 * Returns 0, -EAGAIN if chronyd's queue is full, -ENOENT/-ECONNREFUSED if
 * chronyd is not running (the client reconnects on the next send), or
 * -EOPNOTSUPP for a command the codec does not know.
 */
int chronycmd_send(struct chronycmd *cmd, const struct candm_request *req);

/*
 * chronycmd_resend - send the outstanding request again (same sequence,
 * next attempt number), as chronyc does after a timeout.
 * @cmd: the client.
 * Returns as chronycmd_send(), or -EINVAL if nothing is outstanding.
 */
int chronycmd_resend(struct chronycmd *cmd);

/*
 * chronycmd_recv - read the reply to the outstanding request, if any.
 * @cmd: the client.
 * @reply: filled on return 0, and with header fields on -EPROTO.
 * Never blocks. Replies to other requests are discarded. Returns 0,
 * -EAGAIN if no reply is there yet (or nothing is outstanding), else the
 * candm_decode_reply() error (-EBADMSG, -EPROTO, -EOPNOTSUPP), which also
 * ends the outstanding request.
 */
int chronycmd_recv(struct chronycmd *cmd, struct candm_reply *reply);

/*
 * chronycmd_timeout - the time a blocking caller waits per call (set with
 * chronycmd_set_timeout(); CHRONYCMD_DEFAULT_TIMEOUT_MS by default). The
 * daemon itself never blocks: the blocking calls live with the tests
 * (tests/common/chrony_blocking.h).
 */
int chronycmd_timeout(const struct chronycmd *cmd);

/*
 * chronycmd_abandon - forget the outstanding request (a late reply to it
 * is then dropped).
 */
void chronycmd_abandon(struct chronycmd *cmd);

#endif /* PHCB_CHRONYCMD_H */
