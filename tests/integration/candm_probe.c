/* candm_probe.c: drives chronycmd against a live chronyd for candm-live.sh. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "chrony_blocking.h"
#include "sock_msg.h"
#include "timeutil.h"

/* Where our chronyd client socket goes: a directory of ours that chronyd's
 * user can search (PHCB_CLIENT_DIR, else /run). */
static const char *client_dir(void)
{
	const char *dir = getenv("PHCB_CLIENT_DIR");

	return dir && dir[0] ? dir : "/run";
}

#define MAX_SOURCES 16
#define FEED_PERIOD_NS (NS_PER_SEC / 8)
#define SWITCH_LIMIT_S 2.5 /* reset + burst must move selection within this */
#define NS9 0.5000001e-9   /* half of chronyc's last printed digit */
#define PPM3 0.5000001e-3
#define ONE1 0.0500001

/* ---- small utilities ---- */

static void fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("FAIL: ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
	fflush(stdout);
	exit(1);
}

static double now_s(void)
{
	return (double)clock_now_ns(CLOCK_MONOTONIC) / NS_PER_SEC;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static struct chronycmd *open_client(const char *sock)
{
	struct chronycmd *cmd;
	int ret = chronycmd_open(sock, client_dir(), &cmd);

	if (ret < 0)
		fail("chronycmd_open(%s): %s", sock, strerror(-ret));
	return cmd;
}

/* Name chronyc prints for a source: its refid for refclocks, else the IP. */
static void source_name(const struct candm_ip *ip, uint32_t ref_id,
			int refclock, char *buf, size_t len)
{
	char refid[5];

	if (refclock) {
		snprintf(buf, len, "%s", candm_refid_str(ref_id, refid));
	} else if (ip->family == CANDM_AF_INET4) {
		struct in_addr a = {htonl(ip->addr.in4)};

		inet_ntop(AF_INET, &a, buf, (socklen_t)len);
	} else if (ip->family == CANDM_AF_INET6) {
		inet_ntop(AF_INET6, ip->addr.in6, buf, (socklen_t)len);
	} else {
		snprintf(buf, len, "%s", candm_refid_str(ref_id, refid));
	}
}

/* Run `chronyc -h SOCK -c WHAT` and keep its output lines. */
static int run_chronyc(const char *sock, const char *what, char lines[][512],
		       int max)
{
	char cmdline[512];
	const char *chronyc = getenv("CHRONYC") ? getenv("CHRONYC") : "chronyc";
	FILE *p;
	int n = 0;

	snprintf(cmdline, sizeof(cmdline), "%s -h '%s' -c %s", chronyc, sock,
		 what);
	p = popen(cmdline, "r");
	if (!p)
		fail("popen %s", cmdline);
	while (n < max && fgets(lines[n], 512, p)) {
		lines[n][strcspn(lines[n], "\n")] = '\0';
		n++;
	}
	if (pclose(p) != 0)
		fail("%s failed", cmdline);
	return n;
}

/* Split a CSV line in place. */
static int split_csv(char *line, char **fields, int max)
{
	int n = 0;
	char *save = NULL;

	for (char *tok = strtok_r(line, ",", &save); tok && n < max;
	     tok = strtok_r(NULL, ",", &save))
		fields[n++] = tok;
	return n;
}

/* chronyc's printed value must lie between two reads of ours (rounded). */
static void check_between(const char *what, double printed, double a, double b,
			  double tol)
{
	double lo = fmin(a, b) - tol, hi = fmax(a, b) + tol;

	if (printed < lo || printed > hi)
		fail("%s: chronyc printed %.9f, we decoded %.9f .. %.9f", what,
		     printed, a, b);
}

/* ---- SOCK feed ---- */

static void feed_loop(const char *refsock, double offset_ns, double seconds)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct sockmsg msg;
	double end = now_s() + seconds;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		fail("socket: %s", strerror(errno));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", refsock);
	while (seconds <= 0 || now_s() < end) {
		/* PHC == system + offset: the offset field is PHC - system. */
		sockmsg_encode(clock_now_ns(CLOCK_REALTIME), offset_ns,
			       SOCKMSG_LEAP_NONE, &msg);
		/* chronyd may be down or restarting: keep going. */
		(void)sendto(fd, &msg, sizeof(msg), 0, (struct sockaddr *)&sa,
			     sizeof(sa));
		sleep_ms(FEED_PERIOD_NS / NS_PER_MS);
	}
	close(fd);
}

static pid_t feed_start(const char *refsock)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		fail("fork: %s", strerror(errno));
	if (pid == 0) {
		feed_loop(refsock, 0.0, 0);
		_exit(0);
	}
	return pid;
}

static void feed_stop(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* ---- tracking ---- */

static const char *leap_name(uint16_t leap)
{
	switch (leap) {
	case CANDM_LEAP_NORMAL:
		return "Normal";
	case CANDM_LEAP_INSERT:
		return "Insert second";
	case CANDM_LEAP_DELETE:
		return "Delete second";
	default:
		return "Not synchronised";
	}
}

static void get_tracking(struct chronycmd *cmd, struct candm_tracking *t)
{
	int ret = chronycmd_tracking(cmd, t);

	if (ret < 0)
		fail("tracking: %s", strerror(-ret));
}

/* Compare one `chronyc -c tracking` line with two reads around it. */
static void check_tracking_line(char *line, const struct candm_tracking *a,
				const struct candm_tracking *b)
{
	char *f[16], name[64];
	int n;

	printf("info: chronyc -c tracking: %s\n", line);
	n = split_csv(line, f, 16);
	if (n != 14)
		fail("tracking CSV has %d fields", n);
	if (strtoul(f[0], NULL, 16) != a->ref_id)
		fail("ref_id %s vs %08" PRIX32, f[0], a->ref_id);
	source_name(&a->ip, a->ref_id, a->ip.family == CANDM_AF_UNSPEC, name,
		    sizeof(name));
	if (strcmp(f[1], name) != 0)
		fail("name %s vs %s", f[1], name);
	if (atoi(f[2]) != a->stratum)
		fail("stratum %s vs %u", f[2], a->stratum);
	check_between("ref_time", strtod(f[3], NULL),
		      (double)a->ref_time_sec + a->ref_time_nsec * 1e-9,
		      (double)b->ref_time_sec + b->ref_time_nsec * 1e-9, 1e-6);
	check_between("system time", strtod(f[4], NULL), a->current_correction,
		      b->current_correction, NS9);
	check_between("last offset", strtod(f[5], NULL), a->last_offset,
		      b->last_offset, NS9);
	check_between("rms offset", strtod(f[6], NULL), a->rms_offset,
		      b->rms_offset, NS9);
	check_between("frequency", strtod(f[7], NULL), a->freq_ppm, b->freq_ppm,
		      PPM3);
	check_between("residual freq", strtod(f[8], NULL), a->resid_freq_ppm,
		      b->resid_freq_ppm, PPM3);
	check_between("skew", strtod(f[9], NULL), a->skew_ppm, b->skew_ppm,
		      PPM3);
	check_between("root delay", strtod(f[10], NULL), a->root_delay,
		      b->root_delay, NS9);
	check_between("root dispersion", strtod(f[11], NULL),
		      a->root_dispersion, b->root_dispersion, NS9);
	check_between("update interval", strtod(f[12], NULL),
		      a->last_update_interval, b->last_update_interval, ONE1);
	if (strcmp(f[13], leap_name(a->leap_status)) != 0)
		fail("leap %s vs %s", f[13], leap_name(a->leap_status));
}

static void compare_tracking(struct chronycmd *cmd, const char *sock)
{
	struct candm_tracking a, b;
	char lines[4][512];

	for (int tries = 0; tries < 20; tries++) {
		get_tracking(cmd, &a);
		if (run_chronyc(sock, "tracking", lines, 4) != 1)
			fail("chronyc tracking printed no line");
		get_tracking(cmd, &b);
		/* A clock update in between changes everything: try again. */
		if (a.ref_time_sec != b.ref_time_sec ||
		    a.ref_time_nsec != b.ref_time_nsec || a.ref_id != b.ref_id)
			continue;
		check_tracking_line(lines[0], &a, &b);
		printf("ok: tracking matches chronyc\n");
		return;
	}
	fail("tracking never stable across a chronyc call");
}

/* ---- sources ---- */

static int get_sources(struct chronycmd *cmd, struct candm_source_data *s)
{
	int n = chronycmd_sources(cmd, s, MAX_SOURCES);

	if (n < 0)
		fail("sources: %s", strerror(-n));
	if (n > MAX_SOURCES)
		fail("too many sources: %d", n);
	return n;
}

static char mode_char(uint16_t mode)
{
	return mode == CANDM_MODE_CLIENT ? '^'
	       : mode == CANDM_MODE_PEER ? '='
					 : '#';
}

static char state_char(uint16_t state)
{
	static const char chars[] = "*?x~+-";

	return state < sizeof(chars) - 1 ? chars[state] : ' ';
}

static int same_discrete(const struct candm_source_data *a,
			 const struct candm_source_data *b)
{
	return a->mode == b->mode && a->state == b->state &&
	       a->stratum == b->stratum && a->poll == b->poll &&
	       a->reachability == b->reachability && a->ref_id == b->ref_id &&
	       a->ip.addr.in4 == b->ip.addr.in4 &&
	       a->latest_meas == b->latest_meas;
}

static void check_source_line(char *line, const struct candm_source_data *a,
			      const struct candm_source_data *b)
{
	char *f[16], name[64];
	int n = split_csv(line, f, 16);

	if (n != 10)
		fail("sources CSV has %d fields", n);
	source_name(&a->ip, a->ref_id, a->mode == CANDM_MODE_REFCLOCK, name,
		    sizeof(name));
	if (f[0][0] != mode_char(a->mode) || f[1][0] != state_char(a->state) ||
	    strcmp(f[2], name) != 0 || atoi(f[3]) != a->stratum ||
	    atoi(f[4]) != a->poll || strtoul(f[5], NULL, 8) != a->reachability)
		fail(
		    "source %s: chronyc %s,%s,%s,%s,%s,%s vs %c,%c,%s,%u,%d,%o",
		    name, f[0], f[1], f[2], f[3], f[4], f[5],
		    mode_char(a->mode), state_char(a->state), name, a->stratum,
		    a->poll, a->reachability);
	check_between("lastrx", strtod(f[6], NULL), a->since_sample,
		      b->since_sample, 0.5);
	check_between("adjusted offset", strtod(f[7], NULL), a->latest_meas,
		      b->latest_meas, NS9);
	check_between("measured offset", strtod(f[8], NULL),
		      a->orig_latest_meas, b->orig_latest_meas, NS9);
	check_between("error", strtod(f[9], NULL), a->latest_meas_err,
		      b->latest_meas_err, NS9);
}

static int sources_stable(const struct candm_source_data *a, int na,
			  const struct candm_source_data *b, int nb)
{
	if (na != nb)
		return 0;
	for (int i = 0; i < na; i++)
		if (!same_discrete(&a[i], &b[i]))
			return 0;
	return 1;
}

static void compare_sources(struct chronycmd *cmd, const char *sock)
{
	struct candm_source_data a[MAX_SOURCES], b[MAX_SOURCES];
	char lines[MAX_SOURCES][512];

	for (int tries = 0; tries < 40; tries++) {
		int na = get_sources(cmd, a);
		int nl = run_chronyc(sock, "sources", lines, MAX_SOURCES);
		int nb = get_sources(cmd, b);

		if (!sources_stable(a, na, b, nb) || nl != na) {
			sleep_ms(50);
			continue;
		}
		for (int i = 0; i < na; i++) {
			char copy[512];

			memcpy(copy, lines[i], sizeof(copy));
			check_source_line(lines[i], &a[i], &b[i]);
			printf("ok: source %d matches chronyc: %s\n", i, copy);
		}
		return;
	}
	fail("sources never stable across a chronyc call");
}

static int find_source(const struct candm_source_data *s, int n, uint16_t mode)
{
	for (int i = 0; i < n; i++)
		if (s[i].mode == mode)
			return i;
	return -1;
}

/* ---- async API ---- */

static void check_async(struct chronycmd *cmd)
{
	struct candm_source_data s[MAX_SOURCES];
	struct candm_request req;
	struct candm_reply reply;
	struct pollfd pfd;
	int n = get_sources(cmd, s);
	int ret;

	ret = chronycmd_recv(cmd, &reply);
	if (ret != -EAGAIN)
		fail("recv with nothing outstanding: %d", ret);
	candm_req_init(&req, CANDM_CMD_N_SOURCES);
	ret = chronycmd_send(cmd, &req);
	if (ret < 0)
		fail("send: %s", strerror(-ret));
	pfd.fd = chronycmd_fd(cmd);
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 1000) != 1)
		fail("no reply to N_SOURCES within 1 s");
	ret = chronycmd_recv(cmd, &reply);
	if (ret < 0)
		fail("recv: %s", strerror(-ret));
	if (reply.reply != CANDM_RPY_N_SOURCES ||
	    reply.u.n_sources != (uint32_t)n)
		fail("async N_SOURCES: reply %u n %u", reply.reply,
		     reply.u.n_sources);
	if (chronycmd_recv(cmd, &reply) != -EAGAIN)
		fail("second recv did not say EAGAIN");
	printf("ok: async send/poll/recv: %u sources\n", reply.u.n_sources);
}

/* ---- subcommands ---- */

/* Wait until chronyd has selected a source and the NTP server is reachable. */
static int cmd_wait_ready(const char *sock, double timeout)
{
	struct chronycmd *cmd = open_client(sock);
	double end = now_s() + timeout;

	while (now_s() < end) {
		struct candm_source_data s[MAX_SOURCES];
		int n = chronycmd_sources(cmd, s, MAX_SOURCES);
		int ntp =
		    n > 0 ? find_source(s, n < MAX_SOURCES ? n : MAX_SOURCES,
					CANDM_MODE_CLIENT)
			  : -1;
		int selected = 0;

		for (int i = 0; i < n && i < MAX_SOURCES; i++)
			selected |= s[i].state == CANDM_SRC_SELECTED;
		if (ntp >= 0 && s[ntp].reachability != 0 && selected) {
			chronycmd_close(cmd);
			return 0;
		}
		sleep_ms(100);
	}
	fail("chronyd not ready within %.0f s", timeout);
	return 1;
}

static int cmd_compare(const char *sock)
{
	struct chronycmd *cmd = open_client(sock);
	struct candm_sourcestats st;
	int ret;

	compare_tracking(cmd, sock);
	compare_sources(cmd, sock);
	check_async(cmd);
	ret = chronycmd_sourcestats(cmd, 0, &st);
	if (ret < 0)
		fail("sourcestats: %s", strerror(-ret));
	ret = chronycmd_sourcestats(cmd, 99, &st);
	if (ret != -EPROTO ||
	    chronycmd_last_status(cmd) != CANDM_STT_NOSUCHSOURCE)
		fail("sourcestats of index 99: %d status %u", ret,
		     chronycmd_last_status(cmd));
	printf("ok: bad index gives EPROTO/%s\n",
	       candm_status_str(chronycmd_last_status(cmd)));
	chronycmd_close(cmd);
	return 0;
}

/* Poll until tracking names @ref_id; returns the seconds it took or -1. */
static double wait_tracking_ref(struct chronycmd *cmd, uint32_t ref_id,
				double timeout)
{
	double start = now_s();

	while (now_s() - start < timeout) {
		struct candm_tracking t;

		get_tracking(cmd, &t);
		if (t.ref_id == ref_id)
			return now_s() - start;
		sleep_ms(20);
	}
	return -1;
}

/* Poll until the source of @mode is selected; returns seconds or -1. */
static double wait_selected(struct chronycmd *cmd, uint16_t mode,
			    double timeout)
{
	double start = now_s();

	while (now_s() - start < timeout) {
		struct candm_source_data s[MAX_SOURCES];
		int n = get_sources(cmd, s);
		int i = find_source(s, n, mode);

		if (i >= 0 && s[i].state == CANDM_SRC_SELECTED)
			return now_s() - start;
		sleep_ms(20);
	}
	return -1;
}

static int cmd_switch(const char *sock, const char *refsock,
		      const char *refid_name)
{
	struct chronycmd *cmd = open_client(sock);
	uint32_t refid = candm_refid_from_str(refid_name);
	double t, t_stale;
	pid_t feeder;
	int ret;

	feeder = feed_start(refsock);
	if (wait_tracking_ref(cmd, refid, 60) < 0)
		fail("refclock %s never selected", refid_name);
	if (wait_selected(cmd, CANDM_MODE_REFCLOCK, 5) < 0)
		fail("sources does not show refclock selected");
	printf("ok: refclock %s selected while fed\n", refid_name);
	compare_tracking(cmd, sock);
	compare_sources(cmd, sock);

	feed_stop(feeder);
	sleep_ms(2000);
	t_stale = wait_selected(cmd, CANDM_MODE_REFCLOCK, 0.01);
	printf("info: 2 s after its last sample the refclock is %s\n",
	       t_stale >= 0 ? "still selected" : "no longer selected");

	t = now_s();
	ret = chronycmd_reset_sources(cmd);
	if (ret == 0)
		ret = chronycmd_burst(cmd, NULL, 4, 8);
	if (ret < 0)
		fail("reset/burst: %s", strerror(-ret));
	if (wait_selected(cmd, CANDM_MODE_CLIENT, 10) < 0)
		fail("NTP source not selected 10 s after reset+burst");
	t = now_s() - t;
	printf("ok: selection moved to the NTP source %.3f s after reset "
	       "sources + burst\n",
	       t);
	if (t > SWITCH_LIMIT_S)
		fail("switch took %.3f s (limit %.1f s)", t, SWITCH_LIMIT_S);

	feeder = feed_start(refsock);
	t = wait_selected(cmd, CANDM_MODE_REFCLOCK, 30);
	feed_stop(feeder);
	if (t < 0)
		fail(
		    "refclock not reselected within 30 s of resuming its feed");
	printf("ok: refclock reselected %.3f s after its feed resumed\n", t);
	chronycmd_close(cmd);
	return 0;
}

static void get_activity(struct chronycmd *cmd, struct candm_activity *a,
			 char *csv, size_t len)
{
	int ret = chronycmd_activity(cmd, a);

	if (ret < 0)
		fail("activity: %s", strerror(-ret));
	snprintf(csv, len, "%d,%d,%d,%d,%d", a->online, a->offline,
		 a->burst_online, a->burst_offline, a->unresolved);
}

/* NTP sources online (or bursting back to online) and offline, as chronyc
 * activity also shows. Going online starts an iburst source's burst. */
static void expect_activity(struct chronycmd *cmd, const char *sock, int online,
			    int offline)
{
	struct candm_activity a;
	char lines[2][512], before[64], after[64];

	for (int tries = 0; tries < 20; tries++) {
		get_activity(cmd, &a, before, sizeof(before));
		if (run_chronyc(sock, "activity", lines, 2) != 1)
			fail("chronyc activity printed no line");
		get_activity(cmd, &a, after, sizeof(after));
		if (strcmp(before, after) != 0)
			continue;
		if (a.online + a.burst_online != online ||
		    a.offline + a.burst_offline != offline)
			fail("activity %s, want %d online %d offline", after,
			     online, offline);
		if (strcmp(lines[0], after) != 0)
			fail("chronyc activity %s vs %s", lines[0], after);
		printf("ok: activity %s matches chronyc\n", after);
		return;
	}
	fail("activity never stable across a chronyc call");
}

static uint32_t ntp_since(struct chronycmd *cmd)
{
	struct candm_source_data s[MAX_SOURCES];
	int n = get_sources(cmd, s);
	int i = find_source(s, n, CANDM_MODE_CLIENT);

	if (i < 0)
		fail("no NTP source");
	return s[i].since_sample;
}

static int cmd_onoff(const char *sock)
{
	struct chronycmd *cmd = open_client(sock);
	double start;
	int ret;

	expect_activity(cmd, sock, 1, 0);
	ret = chronycmd_offline_all(cmd);
	if (ret < 0)
		fail("offline: %s", strerror(-ret));
	expect_activity(cmd, sock, 0, 1);
	sleep_ms(3000);
	if (ntp_since(cmd) < 2)
		fail("NTP source still sampled while offline");
	printf("ok: offline: no NTP sample for %u s\n", ntp_since(cmd));
	ret = chronycmd_online_all(cmd);
	if (ret < 0)
		fail("online: %s", strerror(-ret));
	expect_activity(cmd, sock, 1, 0);
	start = now_s();
	while (ntp_since(cmd) >= 2 && now_s() - start < 5)
		sleep_ms(50);
	if (ntp_since(cmd) >= 2)
		fail("NTP source not sampled within 5 s of online");
	printf("ok: online: NTP source sampled again after %.3f s\n",
	       now_s() - start);
	chronycmd_close(cmd);
	return 0;
}

static int cmd_selectopts(const char *sock, const char *expect)
{
	struct chronycmd *cmd = open_client(sock);
	int want = strcmp(expect, "supported") == 0;
	struct candm_tracking t;
	int ret = chronycmd_supports_selectopts(cmd);

	if (ret < 0)
		fail("selectopts probe: %s", strerror(-ret));
	if (ret != want || chronycmd_supports_selectopts(cmd) != want)
		fail("selectopts support %d, want %d", ret, want);
	ret = chronycmd_selectopts(cmd, NULL, candm_refid_from_str("PHCX"),
				   CANDM_SELECT_NOSELECT, 0);
	if (!want && ret != -EOPNOTSUPP)
		fail("selectopts on an old chronyd: %d", ret);
	if (want && ret < 0)
		fail("selectopts: %s", strerror(-ret));
	get_tracking(cmd, &t); /* the connection is still fine */
	printf("ok: selectopts %s (call returned %d)\n",
	       want ? "supported" : "unsupported", ret);
	chronycmd_close(cmd);
	return 0;
}

static pid_t read_pidfile(const char *path)
{
	FILE *f = fopen(path, "r");
	long pid = 0;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = -1;
	fclose(f);
	return (pid_t)pid;
}

static void stop_chronyd(const char *pidfile)
{
	pid_t pid = read_pidfile(pidfile);
	double start = now_s();

	if (pid <= 0 || kill(pid, SIGTERM) < 0)
		fail("cannot stop chronyd from %s", pidfile);
	while (kill(pid, 0) == 0 && now_s() - start < 10)
		sleep_ms(20);
	if (kill(pid, 0) == 0)
		fail("chronyd %ld did not exit", (long)pid);
}

static void start_chronyd(const char *conf, const char *log)
{
	const char *chronyd = getenv("CHRONYD") ? getenv("CHRONYD") : "chronyd";
	const char *user = getenv("PHCB_CHRONY_USER");
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		fail("fork: %s", strerror(errno));
	if (pid == 0) {
		execlp(chronyd, chronyd, "-x", "-u", user ? user : "root",
		       "-f", conf, "-l",
		       log, (char *)NULL);
		_exit(127);
	}
	/* chronyd forks into the background; its parent exits at once. */
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		fail("chronyd did not start");
}

static double wait_answer(struct chronycmd *cmd, double timeout)
{
	double start = now_s();
	struct candm_tracking t;

	while (now_s() - start < timeout) {
		if (chronycmd_tracking(cmd, &t) == 0)
			return now_s() - start;
		sleep_ms(20);
	}
	return -1;
}

static int cmd_restart(const char *sock, const char *pidfile, const char *conf,
		       const char *log)
{
	struct chronycmd *cmd = open_client(sock);
	struct candm_tracking t;
	struct candm_source_data s[MAX_SOURCES];
	int fd, ret;
	double t_up;

	get_tracking(cmd, &t);
	stop_chronyd(pidfile);
	ret = chronycmd_tracking(cmd, &t);
	if (ret != -ENOENT && ret != -ECONNREFUSED && ret != -ETIMEDOUT)
		fail("call to a stopped chronyd returned %d", ret);
	printf("ok: chronyd stopped: call fails with %s\n", strerror(-ret));

	start_chronyd(conf, log);
	t_up = wait_answer(cmd, 10);
	if (t_up < 0)
		fail("no answer from the restarted chronyd within 10 s");
	if (chronycmd_reconnects(cmd) < 1)
		fail("client did not count a reconnect");
	if (get_sources(cmd, s) < 1)
		fail("restarted chronyd has no sources");
	printf("ok: same client answered by the restarted chronyd %.3f s after "
	       "start (%u reconnects)\n",
	       t_up, chronycmd_reconnects(cmd));

	/* Someone removes our socket file: the next send binds a new one. */
	fd = chronycmd_fd(cmd);
	unlink(chronycmd_client_path(cmd));
	get_tracking(cmd, &t);
	printf(
	    "ok: client rebound after its socket file vanished (fd %d -> %d)\n",
	    fd, chronycmd_fd(cmd));
	chronycmd_close(cmd);
	return 0;
}

static int usage(void)
{
	fputs("usage: candm_probe feed REFSOCK OFFSET_NS SECONDS\n"
	      "       candm_probe wait-ready CMDSOCK SECONDS\n"
	      "       candm_probe compare CMDSOCK\n"
	      "       candm_probe switch CMDSOCK REFSOCK REFID\n"
	      "       candm_probe onoff CMDSOCK\n"
	      "       candm_probe selectopts CMDSOCK supported|unsupported\n"
	      "       candm_probe restart CMDSOCK PIDFILE CONF LOG\n",
	      stderr);
	return 2;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 5 && strcmp(argv[1], "feed") == 0) {
		feed_loop(argv[2], strtod(argv[3], NULL),
			  strtod(argv[4], NULL));
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "wait-ready") == 0)
		return cmd_wait_ready(argv[2], strtod(argv[3], NULL));
	if (argc == 3 && strcmp(argv[1], "compare") == 0)
		return cmd_compare(argv[2]);
	if (argc == 5 && strcmp(argv[1], "switch") == 0)
		return cmd_switch(argv[2], argv[3], argv[4]);
	if (argc == 3 && strcmp(argv[1], "onoff") == 0)
		return cmd_onoff(argv[2]);
	if (argc == 4 && strcmp(argv[1], "selectopts") == 0)
		return cmd_selectopts(argv[2], argv[3]);
	if (argc == 6 && strcmp(argv[1], "restart") == 0)
		return cmd_restart(argv[2], argv[3], argv[4], argv[5]);
	return usage();
}
