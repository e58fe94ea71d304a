/* supervise.c: the parent of privilege separation: it runs the worker
 * (phcbrokerd again, with --worker-fd), gives it the configuration's
 * text (at its start and, read again, on a reload), relays SIGHUP and the
 * stop signals to it and its notifications to systemd, keeps systemd's
 * watchdog fed while the worker's heartbeats come, answers the worker's
 * open requests from its own copy of the configuration (opener.c), and
 * restarts the worker with backoff when it dies or stops answering. Of
 * what the worker sends it parses only the fixed messages (privsep_msg.c);
 * it never sees chronyd's, ptp4l's or the control clients' bytes. It
 * reads its configuration file, and for the worker describes the host and
 * gathers the audit's facts (sysfs, /proc, D-Bus, chrony.conf). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "audit_scan.h"
#include "hostenv_probe.h"
#include "log.h"
#include "opener.h"
#include "privsep_chan.h"
#include "resume.h"
#include "supervise.h"
#include "timeutil.h"

struct supervisor {
	char **argv; /* the worker's, with "FD" to fill in */
	const char *cfg_path; /* re-read when the worker asks (RELOAD) */
	char *cfg_text;	      /* the file as last taken, the worker's too */
	uint32_t cfg_generation; /* counts the texts taken */
	struct opener *op;    /* what the parent opens, by its configuration */
	int fd_arg;  /* which element is "FD" */
	int exe_fd;  /* this program (O_PATH), run again as each worker */
	int chan;    /* our end of the worker's channel, -1: none */
	pid_t pid;   /* the worker, 0: none */
	int sigfd, tick;
	bool ever_ready; /* some worker said READY=1 */
	bool ready;	 /* this one did */
	bool stopping;
	int exit_code;	     /* the last worker's, for a stop */
	int64_t started_ns;  /* the worker's start (monotonic) */
	int64_t beat_ns;     /* its last heartbeat or notification */
	int64_t restart_ns;  /* when to start the next one, 0: not due */
	int64_t watchdog_ns; /* systemd's WatchdogSec=, 0: none */
	int64_t fed_ns;	     /* the last WATCHDOG=1 we sent */
	int64_t due_ns;	     /* when the tick was armed for, 0: not */
	int backoff_s;
	unsigned restarts;
	unsigned long refused;	      /* messages refused, logged sparingly */
	char resume[RESUME_TEXT_MAX]; /* the last worker's RESUME text */
};

const char *supervise_describe_exit(int st, char *buf, unsigned len)
{
	if (WIFEXITED(st))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
		snprintf(buf, len, "was killed by its seccomp filter (SIGSYS)");
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "was killed by signal SIG%s%s",
			 sigabbrev_np(WTERMSIG(st)) ? sigabbrev_np(WTERMSIG(st))
						    : "?",
			 WCOREDUMP(st) ? " (core dumped)" : "");
	else
		snprintf(buf, len, "stopped (status 0x%x)", (unsigned)st);
	return buf;
}

static int64_t now_ns(void)
{
	return clock_now_ns(CLOCK_MONOTONIC);
}

/* In the child: the channel at a known number, then the worker itself.
 * It dies with the parent (PR_SET_PDEATHSIG survives the exec). Its
 * ambient capabilities (the unit's, AmbientCapabilities=) are cleared, so
 * that the exec leaves a worker that is not root with none at all: what
 * needs them, the parent opens. NO_NEW_PRIVS keeps it so (the unit sets
 * it too). */
static void exec_worker(struct supervisor *s, int child_end)
{
	char num[16], *argv[16];
	int n = 0, fd = fcntl(child_end, F_DUPFD, 3); /* without CLOEXEC */

	if (fd < 0 || prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 ||
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		_exit(2);
	if (getppid() == 1) /* the parent died before the prctl */
		_exit(2);
	snprintf(num, sizeof(num), "%d", fd);
	for (int i = 0; s->argv[i] && n < 13; i++)
		argv[n++] = i == s->fd_arg ? num : s->argv[i];
	if (s->resume[0]) { /* opaque here: the worker parses it */
		argv[n++] = "--resume";
		argv[n++] = s->resume;
	}
	argv[n] = NULL;
	unsetenv("NOTIFY_SOCKET"); /* systemd hears the parent only */
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	/* the program this parent runs, even after an upgrade replaced the
	 * file; by descriptor, which valgrind follows as well */
	execveat(s->exe_fd, "", argv, environ, AT_EMPTY_PATH);
	_exit(127);
}

static int start_worker(struct supervisor *s)
{
	sigset_t none;
	int fds[2], r = privsep_pair(fds);
	pid_t pid;

	if (r < 0)
		return r;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(fds[0]);
		close(fds[1]);
		return r;
	}
	if (pid == 0) {
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		close(fds[0]);
		exec_worker(s, fds[1]);
	}
	close(fds[1]);
	s->chan = fds[0];
	s->pid = pid;
	s->ready = false;
	s->started_ns = s->beat_ns = now_ns();
	s->restart_ns = 0;
	log_info(NULL, "worker started (pid %d)", (int)pid);
	return 0;
}

/* Pass on what the worker tells systemd: only the lines we know. */
static void relay_notify(struct supervisor *s, const char *text)
{
	char out[1024];
	size_t n = 0;
	const char *p = text;

	while (*p && n < sizeof(out) - 1) {
		size_t len = strcspn(p, "\n");
		bool ok = (len == 7 && !strncmp(p, "READY=1", 7)) ||
			  (len == 11 && !strncmp(p, "RELOADING=1", 11)) ||
			  (len == 10 && !strncmp(p, "STOPPING=1", 10)) ||
			  !strncmp(p, "STATUS=", 7);

		if (ok && len < sizeof(out) - 1 - n) {
			memcpy(out + n, p, len);
			n += len;
			out[n++] = '\n';
		}
		if (len == 7 && !strncmp(p, "READY=1", 7))
			s->ever_ready = s->ready = true;
		p += len;
		if (*p == '\n')
			p++;
	}
	out[n] = '\0';
	if (n > 0)
		sd_notify(0, out);
}

static void close_chan(struct supervisor *s)
{
	if (s->chan >= 0)
		close(s->chan);
	s->chan = -1;
}

/* Do what request @m asks (src/opener.c): 0 or -errno; a descriptor for
 * the worker into @fd, the answer's fields into @ans. @given: the
 * descriptor that came with it (CONNECT_PTP4L), or -1. */
static int do_open(struct supervisor *s, const struct privsep_msg *m,
		   int given, struct privsep_msg *ans, int *fd)
{
	switch (m->type) {
	case PRIVSEP_OPEN_PHC:
		return opener_phc(s->op, m->source, ans, fd);
	case PRIVSEP_CONNECT_FEED:
		return opener_feed(s->op, m->source, fd);
	case PRIVSEP_OPEN_CHRONY:
		return opener_chrony(s->op, fd);
	case PRIVSEP_CONNECT_PTP4L:
		return opener_ptp4l(s->op, m->source, given);
	case PRIVSEP_OPEN_PTP4L:
		return opener_ptp4l_bind(s->op, m->source, m->generation, fd);
	case PRIVSEP_OPEN_CONTROL:
		return opener_control(s->op, fd);
	case PRIVSEP_OPEN_METRICS:
		return opener_metrics(s->op, fd);
	case PRIVSEP_OPEN_VMCLOCK:
		return opener_vmclock(s->op, m->source, fd);
	case PRIVSEP_OPEN_TEXTFILE:
		return opener_textfile(s->op, fd);
	case PRIVSEP_COMMIT_TEXTFILE:
		return opener_textfile_commit(s->op, m->commit != 0);
	default:
		return -EPROTO;
	}
}

/* Answer an open request: what it asks for, or ERR with the errno.
 * @given: the descriptor that came with it (CONNECT_PTP4L), or -1. */
static void answer_open(struct supervisor *s, const struct privsep_msg *m,
			int given)
{
	struct privsep_msg ans = {.type = PRIVSEP_OK};
	int fd = -1, r = do_open(s, m, given, &ans, &fd);

	if (r < 0) {
		memset(&ans, 0, sizeof(ans));
		ans.type = PRIVSEP_ERR;
		ans.error = -r;
		log_debug(NULL, "worker's %s of source %u: %s",
			  privsep_type_name(m->type), m->source,
			  strerror(-r));
	}
	ans.seq = m->seq;
	r = privsep_send(s->chan, &ans, fd);
	if (r < 0)
		log_warn(NULL, "cannot answer the worker's %s: %s",
			 privsep_type_name(m->type), strerror(-r));
	if (fd >= 0)
		close(fd);
}

/* RELOAD: read the file again. Taken (its text kept, the opener told)
 * when it parses and a reload can apply it, as the worker will judge;
 * the worker is sent what was read either way, so that it reports what
 * is wrong with it, or REFUSED with why it could not be read. */
static int reread_config(struct supervisor *s, char **text, char *err,
			 size_t errlen)
{
	struct config *nc = malloc(sizeof(*nc));
	int r = nc ? config_read_text(s->cfg_path, text, err, errlen)
		   : -ENOMEM;
	char *keep = NULL;

	if (r == -ENOMEM && !nc)
		snprintf(err, errlen, "%s: out of memory", s->cfg_path);
	if (r == 0 && config_parse(*text, s->cfg_path, nc, err, errlen) == 0 &&
	    !config_reload_check(&s->op->cfg, nc) && (keep = strdup(*text))) {
		opener_set_config(s->op, nc);
		free(s->cfg_text);
		s->cfg_text = keep;
		s->cfg_generation++;
	} else if (r == 0) {
		log_debug(NULL, "reload: the parent keeps its configuration");
	}
	free(nc);
	return r;
}

/* HELLO (a worker starting: the text the parent runs on) or RELOAD. */
static void answer_config(struct supervisor *s, const struct privsep_msg *m)
{
	struct privsep_msg ans = {.seq = m->seq, .type = PRIVSEP_CONFIG};
	char err[512], *text = NULL;
	int r = 0;

	if (m->type == PRIVSEP_HELLO && m->version != PRIVSEP_VERSION) {
		ans.type = PRIVSEP_ERR;
		ans.error = EPROTO;
	} else if (m->type == PRIVSEP_RELOAD &&
		   (r = reread_config(s, &text, err, sizeof(err))) < 0) {
		ans.type = PRIVSEP_REFUSED;
		ans.text = err;
		ans.text_len = strlen(err);
	} else {
		const char *t = text ? text : s->cfg_text;

		ans.generation = s->cfg_generation;
		snprintf(ans.path, sizeof(ans.path), "%s", s->cfg_path);
		ans.text = t;
		ans.text_len = strlen(t);
	}
	r = privsep_send(s->chan, &ans, -1);
	if (r < 0)
		log_warn(NULL, "cannot answer the worker's %s: %s",
			 privsep_type_name(m->type), strerror(-r));
	free(text);
}

/* Send @len bytes of @data as @t in answer to @m, or ERR ENOMEM for none. */
static void answer_bytes(struct supervisor *s, const struct privsep_msg *m,
			 enum privsep_type t, const void *data, size_t len)
{
	struct privsep_msg ans = {.seq = m->seq, .type = t};
	int r;

	if (data) {
		ans.text = data;
		ans.text_len = len;
	} else {
		ans.type = PRIVSEP_ERR;
		ans.error = ENOMEM;
	}
	r = privsep_send(s->chan, &ans, -1);
	if (r < 0)
		log_warn(NULL, "cannot answer the worker's %s: %s",
			 privsep_type_name(m->type), strerror(-r));
}

/* AUDIT_GATHER: the host's part of an audit, read with the parent's
 * rights (chrony's configuration in its 0750 directory), sent whole. */
static void answer_audit(struct supervisor *s, const struct privsep_msg *m)
{
	struct audit_host *h = malloc(sizeof(*h));

	_Static_assert(sizeof(*h) <= PRIVSEP_TEXT_MAX,
		       "an audit's host part fits one message");
	if (h)
		audit_scan_host(&s->op->cfg.global, "/proc", h);
	answer_bytes(s, m, PRIVSEP_AUDIT_HOST, h, sizeof(*h));
	free(h);
}

/* PROBE_HOST: the host described (D-Bus, sysfs, its PHCs opened for their
 * method), sent whole. */
static void answer_host(struct supervisor *s, const struct privsep_msg *m)
{
	struct hostenv *env = malloc(sizeof(*env));

	_Static_assert(sizeof(*env) <= PRIVSEP_TEXT_MAX,
		       "a host description fits one message");
	if (env)
		hostenv_probe(&s->op->cfg.global, env);
	answer_bytes(s, m, PRIVSEP_HOST, env, sizeof(*env));
	free(env);
}

static void on_chan(struct supervisor *s)
{
	static uint8_t buf[PRIVSEP_MSG_MAX + 1];
	struct privsep_msg m;
	int fd = -1, r = privsep_recv(s->chan, buf, sizeof(buf), &m, &fd);

	/* a descriptor comes only with the types that may carry one
	 * (privsep_recv closes any other); CONNECT_PTP4L's is used below,
	 * and every one is closed at the end */
	if (r == -ECONNRESET) {
		close_chan(s); /* it is exiting: SIGCHLD follows */
		return;
	}
	if (r < 0) {
		/* the first, then every 1000th: a broken worker must not
		 * flood the journal */
		if (s->refused++ % 1000 == 0)
			log_warn(NULL,
				 "worker (pid %d): bad message refused: "
				 "%s (%lu so far)",
				 (int)s->pid, strerror(-r), s->refused);
		return;
	}
	s->beat_ns = now_ns();
	switch (m.type) {
	case PRIVSEP_NOTIFY:
		relay_notify(s, m.text);
		break;
	case PRIVSEP_HEARTBEAT:
		break;
	case PRIVSEP_HELLO:
	case PRIVSEP_RELOAD:
		answer_config(s, &m);
		break;
	case PRIVSEP_AUDIT_GATHER:
		answer_audit(s, &m);
		break;
	case PRIVSEP_PROBE_HOST:
		answer_host(s, &m);
		break;
	case PRIVSEP_RESUME:
		if (m.text_len < sizeof(s->resume))
			memcpy(s->resume, m.text, m.text_len + 1);
		break;
	case PRIVSEP_OPEN_PHC:
	case PRIVSEP_CONNECT_FEED:
	case PRIVSEP_OPEN_CHRONY:
	case PRIVSEP_OPEN_METRICS:
	case PRIVSEP_CONNECT_PTP4L:
	case PRIVSEP_OPEN_PTP4L:
	case PRIVSEP_OPEN_CONTROL:
	case PRIVSEP_OPEN_VMCLOCK:
	case PRIVSEP_OPEN_TEXTFILE:
	case PRIVSEP_COMMIT_TEXTFILE:
		answer_open(s, &m, fd);
		break;
	default:
		if (s->refused++ % 1000 == 0)
			log_warn(NULL,
				 "worker (pid %d): unexpected %s refused "
				 "(%lu so far)",
				 (int)s->pid, privsep_type_name(m.type),
				 s->refused);
		break;
	}
	if (fd >= 0)
		close(fd);
}

/* The worker is gone: stop, or start another in a while. */
static void reaped(struct supervisor *s, int st)
{
	char why[96];
	int64_t now = now_ns(), ran_s = (now - s->started_ns) / NS_PER_SEC;
	int code = WIFEXITED(st) ? WEXITSTATUS(st) : 2;

	close_chan(s);
	s->pid = 0;
	supervise_describe_exit(st, why, sizeof(why));
	if (s->stopping) {
		s->exit_code =
		    WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM ? 0 : code;
		return;
	}
	if (!s->ever_ready) {
		/* never ran: a bad configuration or a held run_dir, as
		 * without privilege separation */
		log_err(NULL, "worker %s before it was ready; stopping", why);
		s->exit_code = code ? code : 2;
		s->stopping = true;
		return;
	}
	if (ran_s >= SUPERVISE_STABLE_S)
		s->backoff_s = 0;
	else
		s->backoff_s = s->backoff_s ? s->backoff_s * 2 : 1;
	if (s->backoff_s > SUPERVISE_BACKOFF_MAX_S)
		s->backoff_s = SUPERVISE_BACKOFF_MAX_S;
	s->restarts++;
	s->restart_ns = now + s->backoff_s * NS_PER_SEC;
	log_err(NULL,
		"worker %s after %lld s; starting it again in %d s "
		"(restart %u)",
		why, (long long)ran_s, s->backoff_s, s->restarts);
}

static void reap(struct supervisor *s)
{
	int st;
	pid_t p;

	while ((p = waitpid(-1, &st, WNOHANG)) > 0)
		if (p == s->pid)
			reaped(s, st);
}

static void on_signal(struct supervisor *s)
{
	struct signalfd_siginfo si;

	while (read(s->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			reap(s);
			break;
		case SIGHUP: /* the worker asks for the file (RELOAD) */
			if (s->pid > 0)
				kill(s->pid, SIGHUP);
			break;
		default: /* SIGTERM, SIGINT */
			if (!s->stopping)
				log_notice(NULL, "stopping on signal %u",
					   si.ssi_signo);
			s->stopping = true;
			sd_notify(0, "STOPPING=1");
			if (s->pid > 0)
				kill(s->pid, (int)si.ssi_signo);
			break;
		}
	}
}

static void on_tick(struct supervisor *s)
{
	uint64_t ticks;
	int64_t now = now_ns();
	int r;

	if (read(s->tick, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		log_debug(NULL, "timerfd: %s", strerror(errno));
	(void)ticks;
	/* woken long after the time it was armed for: the parent did not run
	 * either (stopped with its worker, the machine paused), so the
	 * worker's silence is not its own; it gets two heartbeats' time */
	if (s->due_ns && now - s->due_ns > SUPERVISE_LATE_MS * NS_PER_MS &&
	    s->pid > 0 && s->ready) {
		log_notice(NULL, "woken %.1f s late (stopped or paused?): the "
			   "worker gets %d s to send its heartbeat",
			   (double)(now - s->due_ns) / NS_PER_SEC,
			   2 * PRIVSEP_HEARTBEAT_MS / 1000);
		s->beat_ns = now - SUPERVISE_STALE_MS * NS_PER_MS +
			     2 * PRIVSEP_HEARTBEAT_MS * NS_PER_MS;
	}
	/* silence counts once it is ready (its start may take a while) */
	if (s->pid > 0 && s->ready &&
	    now - s->beat_ns > SUPERVISE_STALE_MS * NS_PER_MS) {
		log_err(NULL,
			"worker (pid %d) sent nothing for %d s; killing "
			"it",
			(int)s->pid, SUPERVISE_STALE_MS / 1000);
		kill(s->pid, SIGKILL);
		s->beat_ns = now; /* once; SIGCHLD follows */
	}
	if (s->pid == 0 && !s->stopping && s->restart_ns &&
	    now >= s->restart_ns && (r = start_worker(s)) < 0) {
		log_err(NULL, "cannot start the worker: %s", strerror(-r));
		s->restart_ns = now + SUPERVISE_BACKOFF_MAX_S * NS_PER_SEC;
	}
	/* systemd's watchdog watches the parent; the parent watches the
	 * worker (above) */
	if (s->watchdog_ns && now - s->fed_ns >= s->watchdog_ns / 2) {
		sd_notify(0, "WATCHDOG=1");
		s->fed_ns = now;
	}
}

/* Wake up at the next thing due, not on a periodic tick: the parent of an
 * idle worker costs one wake-up per heartbeat and per watchdog ping. */
static void arm_tick(struct supervisor *s)
{
	int64_t due = INT64_MAX;
	struct itimerspec it = {0};

	if (s->pid > 0 && s->ready)
		due = s->beat_ns + SUPERVISE_STALE_MS * NS_PER_MS + 1;
	if (s->pid == 0 && !s->stopping && s->restart_ns && s->restart_ns < due)
		due = s->restart_ns;
	if (s->watchdog_ns && s->fed_ns + s->watchdog_ns / 2 < due)
		due = s->fed_ns + s->watchdog_ns / 2;
	s->due_ns = due != INT64_MAX ? due : 0;
	if (due != INT64_MAX) {
		if (due <= 0)
			due = 1;
		it.it_value.tv_sec = due / NS_PER_SEC;
		it.it_value.tv_nsec = due % NS_PER_SEC;
	}
	timerfd_settime(s->tick, TFD_TIMER_ABSTIME, &it, NULL);
}

static int open_fds(struct supervisor *s)
{
	uint64_t wd_us = 0;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	s->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	s->tick = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (s->sigfd < 0 || s->tick < 0)
		return -errno;
	if (sd_watchdog_enabled(0, &wd_us) > 0)
		s->watchdog_ns = (int64_t)wd_us * NS_PER_US;
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

int supervise_run(char **worker_argv, const char *cfg_path,
		  const struct config *cfg, const char *cfg_text)
{
	struct supervisor s = {.argv = worker_argv,
			       .cfg_path = cfg_path,
			       .chan = -1,
			       .fd_arg = -1,
			       .exe_fd = -1,
			       .sigfd = -1,
			       .tick = -1};
	int r;

	for (int i = 0; worker_argv[i]; i++)
		if (!strcmp(worker_argv[i], "FD"))
			s.fd_arg = i;
	if (s.fd_arg < 0)
		return 2;
	s.op = malloc(sizeof(*s.op));
	s.cfg_text = strdup(cfg_text);
	if (!s.op || !s.cfg_text) {
		log_err(NULL, "out of memory");
		free(s.op);
		free(s.cfg_text);
		return 2;
	}
	opener_init(s.op, cfg);
	s.exe_fd = open("/proc/self/exe", O_PATH | O_CLOEXEC);
	if (s.exe_fd < 0) {
		r = -errno;
	} else if ((r = open_fds(&s)) == 0) {
		r = start_worker(&s);
	}
	if (r < 0) {
		log_err(NULL, "cannot start the worker: %s", strerror(-r));
		if (s.exe_fd >= 0)
			close(s.exe_fd);
		free(s.op);
		free(s.cfg_text);
		return 2;
	}
	arm_tick(&s);
	while (s.pid > 0 || (!s.stopping && s.restart_ns)) {
		struct pollfd p[3] = {
		    {.fd = s.sigfd, .events = POLLIN},
		    {.fd = s.tick, .events = POLLIN},
		    {.fd = s.chan, .events = POLLIN},
		};
		if (poll(p, s.chan >= 0 ? 3 : 2, -1) < 0 && errno != EINTR) {
			log_err(NULL, "poll: %s", strerror(errno));
			break;
		}
		if (p[0].revents)
			on_signal(&s);
		if (s.chan >= 0 && p[2].revents)
			on_chan(&s);
		if (p[1].revents)
			on_tick(&s);
		arm_tick(&s);
	}
	if (s.pid > 0) { /* left the loop on an error: take it along */
		kill(s.pid, SIGTERM);
		waitpid(s.pid, NULL, 0);
	}
	close_chan(&s);
	close(s.sigfd);
	close(s.tick);
	close(s.exe_fd);
	opener_close_all(s.op);
	free(s.op);
	free(s.cfg_text);
	return s.exit_code;
}
