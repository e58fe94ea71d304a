/* supervise.h: the parent of privilege separation: it runs the worker
 * (phcbrokerd again, with --worker-fd), relays signals to it and its
 * notifications to systemd, opens what it asks for, and restarts it when
 * it dies. */
#ifndef PHCB_SUPERVISE_H
#define PHCB_SUPERVISE_H

#include "config.h"

/* How long a ready worker may go without a heartbeat before it is killed
 * and started again (it sends one every PRIVSEP_HEARTBEAT_MS). */
#define SUPERVISE_STALE_MS 10000
#define PRIVSEP_HEARTBEAT_MS 4000
/* A wake-up this late means the parent was not running either (stopped,
 * paused): the worker's silence is then not held against it. */
#define SUPERVISE_LATE_MS 1000
/* Restart delays: 1, 2, 4 .. 30 s; none for a worker that ran this long. */
#define SUPERVISE_BACKOFF_MAX_S 30
#define SUPERVISE_STABLE_S 10

/**
 * supervise_run - start the worker with @worker_argv (what is exec'd is
 * this program, opened through /proc/self/exe at start; one element must
 * be the string "FD", replaced by the number of the worker's end of the
 * channel) and keep it running
 * until SIGTERM or SIGINT. The worker is given @cfg_text (the file as
 * read, parsed into @cfg) when it starts (HELLO); SIGHUP is passed on to
 * it, and it asks for @cfg_path to be read again (RELOAD), which the
 * parent takes when it is valid and a reload can apply it: the worker
 * reads no file. Its open requests are answered from the parent's copy
 * of the configuration. A worker that dies before
 * it was ever ready ends the parent with the worker's exit status (a bad
 * configuration, another instance: as without privilege separation); a
 * worker that dies later is logged with the cause and started again.
 * Returns the exit status for main(): the worker's on a stop.
 */
int supervise_run(char **worker_argv, const char *cfg_path,
		  const struct config *cfg, const char *cfg_text);

/**
 * supervise_describe_exit - "exited with status N", "was killed by
 * signal SEGV", "was killed by its seccomp filter (SIGSYS)" for a
 * waitpid() status @st, into @buf.
 */
const char *supervise_describe_exit(int st, char *buf, unsigned len);

#endif
