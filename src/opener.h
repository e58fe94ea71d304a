/* opener.h: what the privileged parent opens for the worker (privilege
 * separation, doc/design-notes.md): only what its own copy of the
 * configuration names, each request checked against that copy. The PHC
 * descriptors stay open here across worker restarts. */
#ifndef PHCB_OPENER_H
#define PHCB_OPENER_H

#include <stdbool.h>
#include <sys/types.h>

#include "config.h"
#include "privsep_msg.h"

/* A PHC the parent holds for source N. */
struct opener_phc {
	int fd; /* -1: none held */
};

struct opener {
	struct config cfg; /* the parent's copy, the only paths it opens */
	struct opener_phc phc[CONFIG_MAX_SOURCES];
	char textfile_tmp[CONFIG_PATH_MAX + 32]; /* being written, "": none */
	char textfile[CONFIG_PATH_MAX];		 /* what it is to replace */
};

/** opener_init - an opener of @cfg holding nothing. */
void opener_init(struct opener *o, const struct config *cfg);

/**
 * opener_set_config - take a reloaded configuration: PHCs held for a
 * source whose device, interface or position changed are closed.
 */
void opener_set_config(struct opener *o, const struct config *cfg);

/**
 * opener_phc - the PHC of source @src as configured, for OPEN_PHC: the
 * device resolved (interface, auto) under the configured dev and sysfs
 * roots and opened read-only, anew each time (a PHC that vanished and
 * came back is a new clock under the same name); the parent holds the
 * latest open until the next request or a reload that changes the
 * source, so the device stays open while a worker restarts. @ans is
 * filled as the PHC answer; @fd gets a new descriptor the caller sends
 * and closes.
 * Returns 0, -ERANGE for a source the configuration does not have,
 * -EOPNOTSUPP for the simulated device (the worker needs none), or the
 * -errno of resolving or opening.
 */
int opener_phc(struct opener *o, unsigned src, struct privsep_msg *ans,
	       int *fd);

/**
 * opener_feed - a datagram socket connected to source @src's chronyd SOCK
 * path (CONNECT_FEED), non-blocking, into @fd.
 * Returns 0, -ERANGE for a source the configuration does not have, or
 * the -errno of socket() or connect() (-ENOENT: chronyd has not bound it).
 */
int opener_feed(const struct opener *o, unsigned src, int *fd);

/**
 * opener_chrony - the daemon's client socket of chronyd's command socket
 * (OPEN_CHRONY): bound at run_dir/chronyd-client.sock with the mode and
 * group chronyd's socket calls for, connected to chronyd_socket, into
 * @fd. Returns 0, -EOPNOTSUPP when no chronyd_socket is configured, or
 * the -errno of chronycmd_connect_new() (-ENOENT: chronyd is not there,
 * -EADDRINUSE: a live socket is at the path).
 */
int opener_chrony(const struct opener *o, int *fd);

/**
 * opener_ptp4l_bind - a datagram socket bound, mode 0600, at source @src's
 * ptp4l client path for its start @generation in run_dir
 * (ptpmgmt_client_path(); OPEN_PTP4L), into @fd: the worker binds
 * nothing itself. Returns 0, -ERANGE for a source the configuration does
 * not have, -EOPNOTSUPP for one without ptp4l_socket, or uds_bind()'s
 * -errno (-EADDRINUSE: a live socket is there).
 */
int opener_ptp4l_bind(const struct opener *o, unsigned src,
		      unsigned generation, int *fd);

/**
 * opener_ptp4l - connect @sock, the worker's bound datagram socket, to
 * source @src's ptp4l_socket (CONNECT_PTP4L). The parent's privilege is in
 * the connect (ptp4l's socket is root's); it never reads the socket.
 * Returns 0, -ERANGE for a source the configuration does not have,
 * -EOPNOTSUPP for one without ptp4l_socket, -ENOTSOCK when @sock is not a
 * Unix datagram socket, or the -errno of connect() (-ENOENT: ptp4l is not
 * there).
 */
int opener_ptp4l(const struct opener *o, unsigned src, int sock);

/**
 * opener_control - the control socket (OPEN_CONTROL): bound at
 * control_socket, 0660 in control_group (0600 without one, or when the
 * group does not exist), listening, into @fd. Returns 0, -EOPNOTSUPP when
 * no control_socket is configured, or the -errno of control_bind().
 */
int opener_control(const struct opener *o, int *fd);

/**
 * opener_vmclock - source @src's VMClock page (OPEN_VMCLOCK): the vmclock
 * key's path, or for auto the page of the source's PHC (its clock_name,
 * resolved as for OPEN_PHC), opened read-only, into @fd; only a character
 * device or a regular file. Returns 0, -ERANGE, -EOPNOTSUPP for a source
 * without vmclock, -ENOENT (no page for that PHC), -ENODEV (not a device
 * or file), or the -errno of resolving or opening.
 */
int opener_vmclock(const struct opener *o, unsigned src, int *fd);

/**
 * opener_metrics - the listening socket of /metrics as configured
 * (OPEN_METRICS): systemd's (metrics_listen systemd) or one bound anew to
 * the address, into @fd. Returns 0, -EOPNOTSUPP when metrics are off, or
 * the -errno of metrics_socket_open().
 */
int opener_metrics(const struct opener *o, int *fd);

/**
 * opener_textfile - a new temporary file beside metrics_textfile
 * (OPEN_TEXTFILE, textfile_create()), for writing, into @fd; one left by
 * a worker that died before its commit is removed first. Returns 0,
 * -EOPNOTSUPP when no metrics_textfile is configured, or -errno.
 */
int opener_textfile(struct opener *o, int *fd);

/**
 * opener_textfile_commit - rename the temporary file over the path it was
 * made for (@ok), or remove it (COMMIT_TEXTFILE). Returns 0, -ENOENT when
 * none is open, or the -errno of rename().
 */
int opener_textfile_commit(struct opener *o, bool ok);

/** opener_close_all - close every PHC held, remove a temporary file. */
void opener_close_all(struct opener *o);

#endif
