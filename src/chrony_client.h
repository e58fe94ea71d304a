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

/* Default time chronycmd's helpers wait for a reply, retries included. */
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
 * chronycmd_set_timeout - set the time the helpers below wait per call.
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
 * chronycmd_call - send a request and wait for its reply (blocking).
 * @cmd: the client.
 * @req: the request.
 * @reply: the reply.
 * @timeout_ms: total wait; the request is resent with the same sequence
 *     after 250 ms, then after doubling intervals, until then.
 * Returns as chronycmd_recv(), -ETIMEDOUT, or a chronycmd_send() error.
 */
int chronycmd_call(struct chronycmd *cmd, const struct candm_request *req,
		   struct candm_reply *reply, int timeout_ms);

/*
 * chronycmd_tracking - read chronyd's tracking report (chronyc tracking).
 * @cmd: the client.
 * @out: the report.
 * Returns 0 or a chronycmd_call() error.
 */
int chronycmd_tracking(struct chronycmd *cmd, struct candm_tracking *out);

/*
 * chronycmd_sources - read all sources (chronyc sources): N_SOURCES, then
 * SOURCE_DATA for each index.
 * @cmd: the client.
 * @out: array for the reports; @max: its length (0 to count only).
 * Returns the number of sources chronyd has (reports beyond @max are not
 * read), or a chronycmd_call() error (-EPROTO with status NOSUCHSOURCE if
 * a source went away meanwhile: call again).
 */
int chronycmd_sources(struct chronycmd *cmd, struct candm_source_data *out,
		      size_t max);

/*
 * chronycmd_sourcestats - read one source's statistics (chronyc sourcestats).
 * @cmd: the client.
 * @index: source index as in chronycmd_sources().
 * @out: the report.
 * Returns 0 or a chronycmd_call() error.
 */
int chronycmd_sourcestats(struct chronycmd *cmd, int index,
			  struct candm_sourcestats *out);

/*
 * chronycmd_activity - count NTP sources online/offline (chronyc activity).
 * @cmd: the client.
 * @out: the report.
 * Returns 0 or a chronycmd_call() error.
 */
int chronycmd_activity(struct chronycmd *cmd, struct candm_activity *out);

/*
 * chronycmd_reset_sources - drop all sources' measurements (chronyc reset
 * sources), so a refclock whose samples stopped loses its selection.
 * @cmd: the client.
 * Returns 0 or a chronycmd_call() error.
 */
int chronycmd_reset_sources(struct chronycmd *cmd);

/*
 * chronycmd_burst - make NTP sources take a burst of samples (chronyc burst).
 * @cmd: the client.
 * @sel: the sources, NULL for all NTP sources.
 * @n_good: good samples wanted; @n_total: samples at most.
 * Returns 0 or a chronycmd_call() error.
 */
int chronycmd_burst(struct chronycmd *cmd, const struct candm_req_select *sel,
		    int n_good, int n_total);

/*
 * chronycmd_online_all - mark all NTP sources online (chronyc online).
 * @cmd: the client.
 * Returns 0 or a chronycmd_call() error.
 */
int chronycmd_online_all(struct chronycmd *cmd);

/*
 * chronycmd_offline_all - mark all NTP sources offline (chronyc offline).
 * @cmd: the client.
 * Returns 0 or a chronycmd_call() error.
 */
int chronycmd_offline_all(struct chronycmd *cmd);

/*
 * chronycmd_supports_selectopts - whether chronyd has the SELECTOPTS
 * command (chrony 4.4+). Probes once with a request that changes nothing
 * and caches the answer until the client reconnects.
 * @cmd: the client.
 * Returns 1 if supported, 0 if not (chrony 4.3 and older), or a
 * chronycmd_call() error if chronyd did not answer.
 */
int chronycmd_supports_selectopts(struct chronycmd *cmd);

/*
 * chronycmd_selectopts - change a source's selection options at run time
 * (chronyc selectopts, chrony 4.4+).
 * @cmd: the client.
 * @address: NTP source address, or NULL to name a refclock by @ref_id.
 * @ref_id: refclock refid when @address is NULL (candm_refid_from_str()).
 * @mask: enum candm_select_opt bits to change; @options: their new values.
 * Returns 0, -EOPNOTSUPP if chronyd is too old (without sending when the
 * probe already said so), -EPROTO with status NOSUCHSOURCE if no source
 * matched, or a chronycmd_call() error.
 */
int chronycmd_selectopts(struct chronycmd *cmd, const struct candm_ip *address,
			 uint32_t ref_id, uint32_t mask, uint32_t options);

#endif /* PHCB_CHRONYCMD_H */
