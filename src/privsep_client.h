/* privsep_client.h: the worker's requests to the privileged parent
 * (privilege separation, doc/design-notes.md): ask, wait for the answer
 * with the same seq, take the descriptor it brings. */
#ifndef PHCB_PRIVSEP_CLIENT_H
#define PHCB_PRIVSEP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

/* How long a request waits for the parent's answer. */
#define PRIVSEP_ANSWER_MS 2000

/**
 * privsep_client_init - in a worker: requests go over @fd, the channel to
 * the parent (non-blocking; the notifications share it).
 */
void privsep_client_init(int fd);

/** privsep_client_active - whether this process is a worker with a parent. */
bool privsep_client_active(void);

/**
 * privsep_config - the configuration, from the parent: at start (HELLO,
 * @reload false) the text it runs on, on a reload (RELOAD) the file read
 * again. Its path into @path and the text into *@text (malloc'd, the
 * caller frees it); the worker opens no file for it.
 * Returns 0, or a negative errno with @err set: -EINVAL with the parent's
 * reason when it could not read the file ("PATH: not a regular file"),
 * -ETIMEDOUT, -ECONNRESET, -EPROTO.
 */
int privsep_config(bool reload, char *path, size_t path_len, char **text,
		   char *err, size_t errlen);

/**
 * privsep_audit_gather - ask the parent for the host's part of an audit
 * (struct audit_host: units, processes, Hyper-V, chrony's configuration;
 * the parent reads what the worker cannot) into @host, @len bytes.
 * Returns 0, the parent's -errno, -ETIMEDOUT, -ECONNRESET or -EPROTO (an
 * answer of another kind or size).
 */
int privsep_audit_gather(void *host, size_t len);

/**
 * privsep_probe_host - ask the parent to describe the host (struct
 * hostenv: systemd's answer over D-Bus, DMI and the PTP class in sysfs,
 * each PHC opened for its method) into @env, @len bytes. Returns as
 * privsep_audit_gather().
 */
int privsep_probe_host(void *env, size_t len);

/**
 * privsep_open_phc - ask the parent for the PHC of source @src (its index
 * in the configuration): its resolved path, its clock_name and a
 * read-only descriptor into @fd.
 * Returns 0, the parent's -errno (-ERANGE: no such source), -ETIMEDOUT,
 * -ECONNRESET (no parent) or -EPROTO (an answer of the wrong kind).
 */
int privsep_open_phc(unsigned src, char *path, size_t path_len, char *name,
		     size_t name_len, int *fd);

/**
 * privsep_connect_feed - ask the parent for a datagram socket connected
 * to source @src's chronyd SOCK path, into @fd. Returns as
 * privsep_open_phc (-ENOENT, -ECONNREFUSED: chronyd is not there).
 */
int privsep_connect_feed(unsigned src, int *fd);

/**
 * privsep_open_metrics - ask the parent for the listening socket of
 * /metrics as its configuration says (metrics_listen), into @fd. Returns
 * as privsep_open_phc (-ENOENT: no socket from systemd, -EAFNOSUPPORT:
 * the unit forbids internet sockets).
 */
int privsep_open_metrics(int *fd);

/**
 * privsep_open_chrony - ask the parent for the daemon's client socket of
 * chronyd's command socket: bound at run_dir/chronyd-client.sock (nothing
 * may be there: the caller unlinks its own first), given chronyd's group,
 * connected to chronyd_socket (chronycmd_connect_new()), into @fd.
 * Returns as privsep_open_phc (-ENOENT, -ECONNREFUSED: chronyd is not
 * there; -EOPNOTSUPP: no chronyd_socket configured).
 */
int privsep_open_chrony(int *fd);

/**
 * privsep_connect_ptp4l - ask the parent to connect @sock, our bound
 * datagram socket, to source @src's ptp4l_socket (ptp4l's socket is
 * root's: the connect needs the parent's privilege, the sends on it then
 * none). Returns 0, or as privsep_open_phc (-ENOENT, -ECONNREFUSED: ptp4l
 * is not there; -ENOTSOCK: @sock is not a datagram Unix socket).
 */
int privsep_connect_ptp4l(unsigned src, int sock);

/**
 * privsep_open_ptp4l - ask the parent for source @src's ptp4l client
 * socket of its start @generation, bound in run_dir (not connected: the
 * first send asks for that, privsep_connect_ptp4l()), into @fd. Returns as
 * privsep_open_phc (-EOPNOTSUPP: no ptp4l_socket; -EADDRINUSE).
 */
int privsep_open_ptp4l(unsigned src, unsigned generation, int *fd);

/**
 * privsep_open_control - ask the parent for the control socket, bound at
 * control_socket in control_group (control_bind()) and listening, into
 * @fd. Returns as privsep_open_phc (-EADDRINUSE: another process listens
 * there; -EPERM: the group could not be given).
 */
int privsep_open_control(int *fd);

/**
 * privsep_open_vmclock - ask the parent for source @src's VMClock page as
 * its configuration names it (vmclock: a path, or auto: by the PHC's
 * clock_name), opened read-only, into @fd. Returns as privsep_open_phc
 * (-EOPNOTSUPP: the source has no vmclock key).
 */
int privsep_open_vmclock(unsigned src, int *fd);

/**
 * privsep_open_textfile - ask the parent for a new temporary file beside
 * metrics_textfile (textfile_create()), opened for writing. Returns the
 * descriptor, or as privsep_open_phc (-EOPNOTSUPP: no metrics_textfile
 * configured). Each one is followed by privsep_commit_textfile().
 */
int privsep_open_textfile(void);

/**
 * privsep_commit_textfile - have the parent rename the written temporary
 * file over metrics_textfile (@ok), or remove it. Returns 0 or as
 * privsep_open_phc (-ENOENT: no temporary file is open).
 */
int privsep_commit_textfile(bool ok);

#endif
