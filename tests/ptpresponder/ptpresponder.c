/* ptpresponder.c: a scripted stand-in for ptp4l's management socket. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "timeutil.h"
#include "ptp4l_codec.h"
#include "respond_enc.h"
#include "respond_model.h"
#include "uds.h"
#include "units.h"

#define RESP_MAX_SUBS 8
#define RESP_LINE_MAX 1024
#define RESP_CLIENT_WAIT_MS 2000

/* clang-format off */
static const char resp_usage[] =
	"usage: ptpresponder -s PATH [-d DOMAIN] [-f SCRIPT] [-c CONTROL]\n"
	"                    [-i CLOCK_ID] [-k realtime|tai|monotonic]\n"
	"                    [-t SECONDS] [-n] [-v] [SCRIPT]\n"
	"       ptpresponder -C CONTROL COMMAND...\n"
	"       ptpresponder -c CONTROL --send COMMAND...\n"
	"\n"
	"Answers PTP management GETs on the Unix datagram socket PATH the way\n"
	"ptp4l does, reporting a one-port clock whose state follows a script.\n"
	"  -s PATH     server socket (ptp4l's uds_address)\n"
	"  -d DOMAIN   domainNumber; messages of other domains are ignored (0)\n"
	"  -f SCRIPT   file of timed command lines, '-' for stdin\n"
	"  -c CONTROL  datagram socket taking command lines at run time\n"
	"  -i ID       clock identity, e.g. 001122.fffe.334455\n"
	"  -k CLOCK    clock of ingress_time (realtime)\n"
	"  -t SECONDS  exit after this long\n"
	"  -n          do not read commands from stdin\n"
	"  -v          log requests and commands to stderr\n"
	"  -C CONTROL  send COMMAND to a running responder, print its reply\n"
	"              (also: -c CONTROL --send); exit 1 if it refused it\n"
	"\n"
	"A line is '[TIME] KEY VALUE [KEY VALUE ...]': TIME in seconds since\n"
	"start ('+N': from now; none: at once). Keys: state NAME|N, offset NS,\n"
	"delay NS, class N, ownclass N, accuracy N, steps N, gm 0|1, gmid ID,\n"
	"leap61 0|1, leap59 0|1, utcoffset S, utcvalid 0|1, ptptimescale 0|1,\n"
	"traceable 0|1, freqtraceable 0|1, timesource N, sync on|off,\n"
	"syncinterval DURATION, domain N; words: silent, answer, quit, show.\n";
/* clang-format on */

/* One timed command. */
struct resp_event {
	int64_t at_ns; /* monotonic */
	char *line;
	char origin[48];
};

/* A SUBSCRIBE_EVENTS_NP subscriber. */
struct resp_sub {
	bool used;
	struct sockaddr_un addr;
	socklen_t addr_len;
	struct ptpmgmt_port_identity who; /* its sourcePortIdentity */
	int64_t expires_ns;		  /* monotonic */
	struct ptpmgmt_subscribe_events_np sub;
};

struct responder {
	struct respond_model m;
	int srv_fd, ctl_fd;
	bool read_stdin;
	bool verbose;
	clockid_t ingress_clock;
	char srv_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char ctl_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int64_t start_ns;
	int64_t stop_ns; /* monotonic; 0 = never */
	struct resp_event *events;
	size_t n_events, cap_events;
	struct resp_sub subs[RESP_MAX_SUBS];
	uint16_t push_seq;
	char in_buf[RESP_LINE_MAX];
	size_t in_len;
};

static volatile sig_atomic_t resp_stop;

static void resp_on_signal(int sig)
{
	(void)sig;
	resp_stop = 1;
}

static int64_t resp_clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

static int64_t resp_mono(void)
{
	return resp_clock_ns(CLOCK_MONOTONIC);
}

static void resp_log(const struct responder *r, const char *f, ...)
	__attribute__((format(printf, 2, 3)));

static void resp_log(const struct responder *r, const char *f, ...)
{
	va_list ap;

	if (!r->verbose)
		return;
	fprintf(stderr, "ptpresponder %.3f: ",
		(double)(resp_mono() - r->start_ns) / NS_PER_SEC);
	va_start(ap, f);
	vfprintf(stderr, f, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- sockets ---------------------------------------------------------- */

/* Bind a datagram socket at @path, replacing a stale socket there. */
static int resp_bind(const char *path, mode_t mode)
{
	struct sockaddr_un sa;
	socklen_t len;
	int fd, err = uds_addr(&sa, &len, path);

	if (!err)
		err = uds_unlink_stale(path);
	if (err)
		return err;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, len) < 0 ||
	    chmod(path, mode) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static void resp_send(const struct responder *r, const struct sockaddr_un *to,
		      socklen_t to_len, const void *buf, size_t len)
{
	if (sendto(r->srv_fd, buf, len, 0, (const struct sockaddr *)to,
		   to_len) < 0)
		resp_log(r, "sendto %s: %s", to->sun_path, strerror(errno));
}

/* ---- the management protocol ------------------------------------------ */

static void resp_addr(const struct responder *r, const struct ptpmgmt_msg *req,
		      uint16_t port, struct ptpmgmt_addr *a)
{
	struct ptpmgmt_port_identity src = {r->m.clock, port};

	ptpmgmt_addr_init(a, r->m.domain, &src, req->sequence_id);
	a->target = req->source;
}

/* Answers start with startingBoundaryHops = request's starting - hops. */
static void resp_reply(const struct responder *r, const struct ptpmgmt_msg *req,
		       uint8_t *buf, int len, const struct sockaddr_un *to,
		       socklen_t to_len)
{
	uint8_t hops;

	if (len < 0) {
		resp_log(r, "encode: %s", strerror(-len));
		return;
	}
	hops = (uint8_t)(req->starting_boundary_hops - req->boundary_hops);
	respenc_set_hops(buf, hops, hops);
	resp_send(r, to, to_len, buf, (size_t)len);
}

static void resp_error(const struct responder *r, const struct ptpmgmt_msg *req,
		       uint16_t error_id, const struct sockaddr_un *to,
		       socklen_t to_len)
{
	struct ptpmgmt_addr a;
	uint8_t buf[PTPMGMT_MSG_MAX];
	enum ptpmgmt_action act = req->action == PTPMGMT_COMMAND
				      ? PTPMGMT_ACKNOWLEDGE
				      : PTPMGMT_RESPONSE;

	resp_addr(r, req, 0, &a);
	resp_log(r, "  -> error %s", ptpmgmt_error_name(error_id));
	resp_reply(r, req, buf,
		   respenc_error(&a, act, error_id, req->management_id, buf,
				 sizeof(buf)),
		   to, to_len);
}

static struct resp_sub *
resp_find_sub(struct responder *r, const struct sockaddr_un *addr, bool create)
{
	struct resp_sub *free_slot = NULL;

	for (int i = 0; i < RESP_MAX_SUBS; i++) {
		struct resp_sub *s = &r->subs[i];

		if (s->used && strcmp(s->addr.sun_path, addr->sun_path) == 0)
			return s;
		if (!s->used && !free_slot)
			free_slot = s;
	}
	return create ? free_slot : NULL;
}

static void resp_subscribe(struct responder *r, const struct ptpmgmt_msg *req,
			   const struct sockaddr_un *from, socklen_t from_len)
{
	const struct ptpmgmt_subscribe_events_np *want =
	    &req->u.subscribe_events_np;
	struct resp_sub *s = resp_find_sub(r, from, true);

	if (!s)
		return;
	if (want->duration_s == 0) {
		s->used = false;
		return;
	}
	s->used = true;
	s->addr = *from;
	s->addr_len = from_len;
	s->who = req->source;
	s->sub = *want;
	s->expires_ns = resp_mono() + want->duration_s * NS_PER_SEC;
	resp_log(r, "  subscribed %s for %u s", from->sun_path,
		 want->duration_s);
}

/* The subscription of the requester, echoed as ptp4l does. */
static void resp_subscription_reply(struct responder *r,
				    const struct ptpmgmt_msg *req,
				    const struct sockaddr_un *from,
				    socklen_t from_len)
{
	struct ptpmgmt_msg out;
	struct ptpmgmt_addr a;
	uint8_t buf[PTPMGMT_MSG_MAX];
	struct resp_sub *s = resp_find_sub(r, from, false);

	memset(&out, 0, sizeof(out));
	if (s && s->expires_ns > resp_mono())
		out.u.subscribe_events_np = s->sub;
	resp_addr(r, req, 0, &a);
	resp_reply(r, req, buf,
		   respenc_response(&a, PTPMGMT_ID_SUBSCRIBE_EVENTS_NP, &out,
				    buf, sizeof(buf)),
		   from, from_len);
}

static bool resp_targets_us(const struct responder *r,
			    const struct ptpmgmt_msg *req)
{
	static const struct ptpmgmt_clock_identity all = {
	    {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
	const uint8_t *t = req->target.clock.id;

	return memcmp(t, all.id, sizeof(all.id)) == 0 ||
	       memcmp(t, r->m.clock.id, sizeof(all.id)) == 0;
}

static void resp_get(struct responder *r, const struct ptpmgmt_msg *req,
		     const struct sockaddr_un *from, socklen_t from_len)
{
	uint16_t id = req->management_id;
	bool port_ds = respmod_is_port_dataset(id);
	struct ptpmgmt_msg out;
	struct ptpmgmt_addr a;
	uint8_t buf[PTPMGMT_MSG_MAX];

	if (id == PTPMGMT_ID_SUBSCRIBE_EVENTS_NP) {
		resp_subscription_reply(r, req, from, from_len);
		return;
	}
	if (respmod_dataset(&r->m, id, resp_clock_ns(r->ingress_clock), &out) <
	    0) {
		resp_error(r, req, PTPMGMT_ERR_NOT_SUPPORTED, from, from_len);
		return;
	}
	/* a port dataset comes from each port the target port matches */
	if (port_ds && req->target.port != PTPMGMT_PORT_ALL &&
	    req->target.port != 1)
		return;
	resp_addr(r, req, port_ds ? 1 : 0, &a);
	resp_reply(r, req, buf,
		   respenc_response(&a, id, &out, buf, sizeof(buf)), from,
		   from_len);
}

static void resp_request(struct responder *r, const struct ptpmgmt_msg *req,
			 const struct sockaddr_un *from, socklen_t from_len)
{
	switch (req->action) {
	case PTPMGMT_GET:
		resp_get(r, req, from, from_len);
		break;
	case PTPMGMT_SET:
		if (req->management_id == PTPMGMT_ID_SUBSCRIBE_EVENTS_NP &&
		    req->has_data) {
			resp_subscribe(r, req, from, from_len);
			resp_subscription_reply(r, req, from, from_len);
		} else {
			resp_error(r, req, PTPMGMT_ERR_NOT_SUPPORTED, from,
				   from_len);
		}
		break;
	case PTPMGMT_COMMAND:
		resp_error(r, req, PTPMGMT_ERR_NOT_SUPPORTED, from, from_len);
		break;
	default:
		break; /* responses and acknowledgements are not for us */
	}
}

static void resp_datagram(struct responder *r, const uint8_t *buf, size_t n,
			  const struct sockaddr_un *from, socklen_t from_len)
{
	struct ptpmgmt_msg req;
	int err = ptpmgmt_decode(buf, n, r->m.domain, &req);

	if (err == -EBADMSG || err == -EINVAL) {
		resp_log(r,
			 "dropped %zu bytes from %s (malformed or domain "
			 "%u)",
			 n, from->sun_path, n > 4 ? buf[4] : 0);
		return;
	}
	resp_log(r, "%s %s seq %u from %s%s", ptpmgmt_action_name(req.action),
		 ptpmgmt_id_name(req.management_id), req.sequence_id,
		 from->sun_path, r->m.silent ? " (silent)" : "");
	if (r->m.silent || !resp_targets_us(r, &req))
		return;
	if (from_len <= offsetof(struct sockaddr_un, sun_path))
		return; /* unbound sender: nowhere to answer */
	resp_request(r, &req, from, from_len);
}

static void resp_read_server(struct responder *r)
{
	uint8_t buf[PTPMGMT_MSG_MAX];
	struct sockaddr_un from;
	socklen_t from_len;
	ssize_t n;

	for (;;) {
		from_len = sizeof(from);
		memset(&from, 0, sizeof(from));
		n = recvfrom(r->srv_fd, buf, sizeof(buf), 0,
			     (struct sockaddr *)&from, &from_len);
		if (n < 0)
			return;
		resp_datagram(r, buf, (size_t)n, &from, from_len);
	}
}

/* Push the port state to every subscriber of NOTIFY_PORT_STATE, as ptp4l
 * 3.1.1 does: a RESPONSE PORT_DATA_SET from port 1, hops 1/1, with the
 * port's own sequence counter, targeted at the subscriber. */
static void resp_push_port_state(struct responder *r)
{
	struct ptpmgmt_msg out;
	struct ptpmgmt_addr a;
	struct ptpmgmt_port_identity src = {r->m.clock, 1};
	uint8_t buf[PTPMGMT_MSG_MAX];
	int64_t now = resp_mono();
	int len;

	respmod_dataset(&r->m, PTPMGMT_ID_PORT_DATA_SET, 0, &out);
	for (int i = 0; i < RESP_MAX_SUBS; i++) {
		struct resp_sub *s = &r->subs[i];

		if (s->used && s->expires_ns <= now)
			s->used = false;
		if (!s->used || r->m.silent ||
		    !ptpmgmt_subscribe_has_event(&s->sub,
						 PTPMGMT_NOTIFY_PORT_STATE))
			continue;
		ptpmgmt_addr_init(&a, r->m.domain, &src, r->push_seq++);
		a.target = s->who;
		len = respenc_response(&a, PTPMGMT_ID_PORT_DATA_SET, &out, buf,
				       sizeof(buf));
		if (len < 0)
			continue;
		respenc_set_hops(buf, 1, 1);
		resp_log(r, "  push %s to %s",
			 ptpmgmt_port_state_name(r->m.port_state),
			 s->addr.sun_path);
		resp_send(r, &s->addr, s->addr_len, buf, (size_t)len);
	}
}

/* ---- commands and the schedule ---------------------------------------- */

/* Apply one command now; "show" fills @reply with the state. */
static int resp_apply(struct responder *r, const char *line, char *reply,
		      size_t reply_len)
{
	unsigned int changed = 0;
	char word[8] = "";
	int err;

	if (sscanf(line, " %7s", word) == 1 && strcmp(word, "show") == 0) {
		respmod_describe(&r->m, reply, reply_len);
		return 0;
	}
	err = respmod_apply(&r->m, line, resp_clock_ns(r->ingress_clock),
			    &changed, reply, reply_len);
	if (err)
		return err;
	snprintf(reply, reply_len, "ok");
	if (changed & RESPMOD_CHANGED_PORT_STATE)
		resp_push_port_state(r);
	return 0;
}

static int resp_schedule(struct responder *r, int64_t at_ns, const char *line,
			 const char *origin)
{
	struct resp_event *e;
	size_t i;

	if (r->n_events == r->cap_events) {
		size_t cap = r->cap_events ? 2 * r->cap_events : 16;
		struct resp_event *ev = realloc(r->events, cap * sizeof(*ev));

		if (!ev)
			return -ENOMEM;
		r->events = ev;
		r->cap_events = cap;
	}
	/* keep the list sorted; equal times keep their order */
	for (i = r->n_events; i > 0 && r->events[i - 1].at_ns > at_ns; i--)
		r->events[i] = r->events[i - 1];
	e = &r->events[i];
	e->at_ns = at_ns;
	e->line = strdup(line);
	snprintf(e->origin, sizeof(e->origin), "%s", origin);
	r->n_events++;
	return e->line ? 0 : -ENOMEM;
}

/* Split a leading time off @line: "5.0 state X" or "+2 state X". Returns
 * 1 with @at_ns set, 0 when there is none, -EINVAL for a bad time. */
static int resp_line_time(const struct responder *r, const char *line,
			  int64_t *at_ns, const char **rest)
{
	char word[64];
	int used = 0;
	double s;
	bool rel;

	if (sscanf(line, " %63s%n", word, &used) != 1)
		return 0;
	rel = word[0] == '+';
	if (units_parse_number(word + rel, &s) < 0)
		return 0;
	if (s < 0)
		return -EINVAL;
	*at_ns =
	    (rel ? resp_mono() : r->start_ns) + (int64_t)(s * NS_PER_SEC);
	*rest = line + used + strspn(line + used, " \t");
	return 1;
}

/* A command line from the script, stdin or the control socket. */
static int resp_line(struct responder *r, const char *line, const char *origin,
		     char *reply, size_t reply_len)
{
	const char *rest = line;
	int64_t at;
	int t = resp_line_time(r, line, &at, &rest);

	if (t < 0) {
		snprintf(reply, reply_len, "bad time");
		return -EINVAL;
	}
	if (t == 1) {
		snprintf(reply, reply_len, "ok");
		return resp_schedule(r, at, rest, origin);
	}
	return resp_apply(r, line, reply, reply_len);
}

static void resp_run_due(struct responder *r)
{
	char reply[RESP_LINE_MAX];
	int64_t now = resp_mono();
	size_t done = 0;

	while (done < r->n_events && r->events[done].at_ns <= now) {
		struct resp_event *e = &r->events[done++];

		if (resp_apply(r, e->line, reply, sizeof(reply)) < 0)
			fprintf(stderr, "ptpresponder: %s: %s\n", e->origin,
				reply);
		else
			resp_log(r, "%s: %s", e->origin, e->line);
		free(e->line);
	}
	if (done) {
		memmove(r->events, r->events + done,
			(r->n_events - done) * sizeof(*r->events));
		r->n_events -= done;
	}
}

static int resp_load_script(struct responder *r, const char *path)
{
	char line[RESP_LINE_MAX], origin[48], reply[RESP_LINE_MAX];
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	int lineno = 0, err = 0;

	if (!f)
		return -errno;
	while (!err && fgets(line, sizeof(line), f)) {
		const char *rest = line;
		int64_t at;
		int t;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (strspn(line, " \t") == strlen(line) ||
		    line[strspn(line, " \t")] == '#')
			continue;
		snprintf(origin, sizeof(origin), "script line %d", lineno);
		t = resp_line_time(r, line, &at, &rest);
		if (t == 0) /* no time: at the start */
			at = r->start_ns;
		if (t < 0 || (err = resp_schedule(r, at, rest, origin)) < 0) {
			fprintf(stderr, "ptpresponder: %s:%d: bad line\n", path,
				lineno);
			err = -EINVAL;
		}
		/* check the words now so a typo fails at start */
		if (!err) {
			struct respond_model probe = r->m;

			if (strstr(rest, "show") == NULL &&
			    respmod_apply(&probe, rest, 0, NULL, reply,
					  sizeof(reply)) < 0) {
				fprintf(stderr, "ptpresponder: %s:%d: %s\n",
					path, lineno, reply);
				err = -EINVAL;
			}
		}
	}
	if (f != stdin)
		fclose(f);
	return err;
}

/* ---- input: control socket and stdin ----------------------------------- */

static void resp_read_control(struct responder *r)
{
	char buf[RESP_LINE_MAX], reply[RESP_LINE_MAX];
	struct sockaddr_un from;
	socklen_t from_len;
	ssize_t n;

	for (;;) {
		from_len = sizeof(from);
		n = recvfrom(r->ctl_fd, buf, sizeof(buf) - 1, 0,
			     (struct sockaddr *)&from, &from_len);
		if (n < 0)
			return;
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		memcpy(reply, "error: ", 7);
		if (resp_line(r, buf, "control", reply + 7, sizeof(reply) - 7) <
		    0) {
			resp_log(r, "control: %s: %s", buf, reply);
		} else {
			memmove(reply, reply + 7, strlen(reply + 7) + 1);
			resp_log(r, "control: %s", buf);
		}
		if (from_len > offsetof(struct sockaddr_un, sun_path))
			sendto(r->ctl_fd, reply, strlen(reply), 0,
			       (struct sockaddr *)&from, from_len);
	}
}

static void resp_stdin_line(struct responder *r, const char *line)
{
	char reply[RESP_LINE_MAX];
	int err;

	if (strspn(line, " \t\r") == strlen(line))
		return;
	err = resp_line(r, line, "stdin", reply, sizeof(reply));
	if (err < 0)
		fprintf(stderr, "ptpresponder: stdin: %s\n", reply);
	else if (strcmp(reply, "ok") != 0)
		printf("%s\n", reply);
	else
		resp_log(r, "stdin: %s", line);
	fflush(stdout);
}

static void resp_read_stdin(struct responder *r)
{
	ssize_t n = read(STDIN_FILENO, r->in_buf + r->in_len,
			 sizeof(r->in_buf) - 1 - r->in_len);
	char *nl;

	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			r->read_stdin = false;
		return;
	}
	r->in_len += (size_t)n;
	r->in_buf[r->in_len] = '\0';
	while ((nl = strchr(r->in_buf, '\n'))) {
		*nl = '\0';
		resp_stdin_line(r, r->in_buf);
		r->in_len -= (size_t)(nl + 1 - r->in_buf);
		memmove(r->in_buf, nl + 1, r->in_len + 1);
	}
	if (r->in_len == sizeof(r->in_buf) - 1)
		r->in_len = 0; /* an overlong line is dropped */
}

/* ---- main loop --------------------------------------------------------- */

static int resp_poll_timeout(const struct responder *r)
{
	int64_t now = resp_mono(), next = INT64_MAX;

	if (r->n_events)
		next = r->events[0].at_ns;
	if (r->stop_ns && r->stop_ns < next)
		next = r->stop_ns;
	if (next == INT64_MAX)
		return -1;
	if (next <= now)
		return 0;
	return (int)((next - now + 999999) / 1000000);
}

static void resp_loop(struct responder *r)
{
	struct pollfd p[3];
	int n;

	while (!resp_stop && !r->m.quit) {
		resp_run_due(r);
		if (r->m.quit || (r->stop_ns && resp_mono() >= r->stop_ns))
			break;
		n = 0;
		p[n++] = (struct pollfd){.fd = r->srv_fd, .events = POLLIN};
		p[n++] = (struct pollfd){.fd = r->ctl_fd, .events = POLLIN};
		p[n++] = (struct pollfd){
		    .fd = r->read_stdin ? STDIN_FILENO : -1, .events = POLLIN};
		if (poll(p, (nfds_t)n, resp_poll_timeout(r)) < 0)
			continue; /* EINTR: a signal */
		if (p[0].revents & POLLIN)
			resp_read_server(r);
		if (p[1].revents & POLLIN)
			resp_read_control(r);
		if (p[2].revents & (POLLIN | POLLHUP))
			resp_read_stdin(r);
	}
}

/* ---- the client mode (-C) ---------------------------------------------- */

static int resp_client(const char *ctl, int argc, char **argv)
{
	char cmd[RESP_LINE_MAX] = "", reply[RESP_LINE_MAX];
	struct sockaddr_un to, me = {.sun_family = AF_UNIX};
	socklen_t to_len;
	struct pollfd p;
	ssize_t n;
	int fd;

	for (int i = 0; i < argc; i++)
		snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), "%s%s",
			 i ? " " : "", argv[i]);
	if (uds_addr(&to, &to_len, ctl) < 0)
		return 2;
	/* an abstract address: nothing to clean up */
	snprintf(me.sun_path + 1, sizeof(me.sun_path) - 1,
		 "ptpresponder-client-%d", (int)getpid());
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    bind(fd, (struct sockaddr *)&me,
		 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
			     strlen(me.sun_path + 1))) < 0 ||
	    sendto(fd, cmd, strlen(cmd), 0, (struct sockaddr *)&to, to_len) <
		0) {
		fprintf(stderr, "ptpresponder: %s: %s\n", ctl, strerror(errno));
		return 1;
	}
	p = (struct pollfd){.fd = fd, .events = POLLIN};
	if (poll(&p, 1, RESP_CLIENT_WAIT_MS) != 1 ||
	    (n = recv(fd, reply, sizeof(reply) - 1, 0)) < 0) {
		fprintf(stderr, "ptpresponder: no reply from %s\n", ctl);
		return 1;
	}
	reply[n] = '\0';
	printf("%s\n", reply);
	close(fd);
	return strncmp(reply, "error", 5) == 0 ? 1 : 0;
}

/* ---- options ----------------------------------------------------------- */

struct resp_opts {
	const char *srv, *ctl, *script, *client;
	struct ptpmgmt_clock_identity clock;
	long domain;
	double run_s;
	clockid_t ingress_clock;
	bool no_stdin, verbose;
};

static int resp_parse_clock(const char *s, clockid_t *out)
{
	if (strcmp(s, "realtime") == 0)
		*out = CLOCK_REALTIME;
	else if (strcmp(s, "tai") == 0)
		*out = CLOCK_TAI;
	else if (strcmp(s, "monotonic") == 0)
		*out = CLOCK_MONOTONIC;
	else
		return -EINVAL;
	return 0;
}

static int resp_options(int argc, char **argv, struct resp_opts *o)
{
	static const struct option longs[] = {
	    {"send", no_argument, NULL, 'S'},
	    {NULL, 0, NULL, 0},
	};
	bool send = false;
	int c;

	memset(o, 0, sizeof(*o));
	o->ingress_clock = CLOCK_REALTIME;
	respmod_parse_clock_identity("001122.fffe.334455", &o->clock);
	while ((c = getopt_long(argc, argv, "+s:d:f:c:i:k:t:nvC:h", longs,
				NULL)) != -1) {
		switch (c) {
		case 'S':
			send = true;
			break;
		case 's':
			o->srv = optarg;
			break;
		case 'c':
			o->ctl = optarg;
			break;
		case 'f':
			o->script = optarg;
			break;
		case 'C':
			o->client = optarg;
			break;
		case 'n':
			o->no_stdin = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'd':
			if (units_parse_int(optarg, 0, 255, &o->domain) < 0)
				return -EINVAL;
			break;
		case 'i':
			if (respmod_parse_clock_identity(optarg, &o->clock) < 0)
				return -EINVAL;
			break;
		case 'k':
			if (resp_parse_clock(optarg, &o->ingress_clock) < 0)
				return -EINVAL;
			break;
		case 't':
			if (units_parse_number(optarg, &o->run_s) < 0 ||
			    o->run_s <= 0)
				return -EINVAL;
			break;
		default:
			return -EINVAL;
		}
	}
	if (send && !o->client)
		o->client = o->ctl; /* -c CONTROL --send COMMAND... */
	if (send && !o->client)
		return -EINVAL;
	if (!o->client && !o->script && optind == argc - 1)
		o->script = argv[optind++]; /* the script as an operand */
	if (!o->client && (!o->srv || optind != argc))
		return -EINVAL;
	return 0;
}

static int resp_setup(struct responder *r, const struct resp_opts *o)
{
	struct sigaction sa = {.sa_handler = resp_on_signal};

	memset(r, 0, sizeof(*r));
	respmod_init(&r->m, &o->clock, (uint8_t)o->domain);
	r->srv_fd = r->ctl_fd = -1;
	r->verbose = o->verbose;
	r->ingress_clock = o->ingress_clock;
	r->start_ns = resp_mono();
	if (o->run_s > 0)
		r->stop_ns =
		    r->start_ns + (int64_t)(o->run_s * NS_PER_SEC);
	r->read_stdin =
	    !o->no_stdin && !(o->script && strcmp(o->script, "-") == 0);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (o->script && resp_load_script(r, o->script) < 0)
		return -EINVAL;
	resp_run_due(r); /* time-0 lines before the first request */
	r->srv_fd = resp_bind(o->srv, 0660);
	if (r->srv_fd < 0) {
		fprintf(stderr, "ptpresponder: %s: %s\n", o->srv,
			strerror(-r->srv_fd));
		return r->srv_fd;
	}
	snprintf(r->srv_path, sizeof(r->srv_path), "%s", o->srv);
	if (o->ctl) {
		r->ctl_fd = resp_bind(o->ctl, 0600);
		if (r->ctl_fd < 0) {
			fprintf(stderr, "ptpresponder: %s: %s\n", o->ctl,
				strerror(-r->ctl_fd));
			return r->ctl_fd;
		}
		snprintf(r->ctl_path, sizeof(r->ctl_path), "%s", o->ctl);
	}
	if (r->read_stdin)
		fcntl(STDIN_FILENO, F_SETFL,
		      fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
	return 0;
}

static void resp_teardown(struct responder *r)
{
	if (r->srv_fd >= 0) {
		close(r->srv_fd);
		unlink(r->srv_path);
	}
	if (r->ctl_fd >= 0) {
		close(r->ctl_fd);
		unlink(r->ctl_path);
	}
	for (size_t i = 0; i < r->n_events; i++)
		free(r->events[i].line);
	free(r->events);
}

int main(int argc, char **argv)
{
	struct resp_opts o;
	struct responder r;
	int err;

	if (resp_options(argc, argv, &o) < 0) {
		fputs(resp_usage, stderr);
		return 2;
	}
	if (o.client)
		return resp_client(o.client, argc - optind, argv + optind);
	err = resp_setup(&r, &o);
	if (!err) {
		resp_log(&r, "answering on %s, domain %ld", o.srv, o.domain);
		resp_loop(&r);
	}
	resp_teardown(&r);
	return err ? 1 : 0;
}
