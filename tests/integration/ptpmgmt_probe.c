/* ptpmgmt_probe.c: test driver printing what ptpmgmt reads from ptp4l. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ptp4l_client.h"

#define PROBE_NS_PER_MS 1000000LL

struct probe {
	struct ptpmgmt_client *client;
	int64_t timeout_ns;
	int number_ports;   /* from DEFAULT_DATA_SET, -1 until known */
	int port_replies;   /* PORT_DATA_SET responses so far */
	int finals;         /* clock-level requests answered */
	int notifications;
	int want_notifications;
	int errors;         /* error TLVs received */
};

static int64_t probe_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static const char *probe_bool(bool b)
{
	return b ? "true" : "false";
}

static void probe_print_default(const struct ptpmgmt_default_ds *d)
{
	char id[PTPMGMT_CLOCK_ID_STRLEN];

	printf("DEFAULT_DATA_SET clockIdentity=%s numberPorts=%u "
	       "twoStep=%s slaveOnly=%s priority1=%u clockClass=%u "
	       "clockAccuracy=0x%02x offsetScaledLogVariance=0x%04x "
	       "priority2=%u domainNumber=%u\n",
	       ptpmgmt_clock_identity_str(&d->clock_identity, id),
	       d->number_ports, probe_bool(d->two_step),
	       probe_bool(d->slave_only), d->priority1,
	       d->clock_quality.clock_class, d->clock_quality.clock_accuracy,
	       d->clock_quality.offset_scaled_log_variance, d->priority2,
	       d->domain_number);
}

static void probe_print_current(const struct ptpmgmt_current_ds *d)
{
	printf("CURRENT_DATA_SET stepsRemoved=%u offsetFromMaster=%.1f "
	       "meanPathDelay=%.1f\n",
	       d->steps_removed, d->offset_from_master_ns,
	       d->mean_path_delay_ns);
}

static void probe_print_parent(const struct ptpmgmt_parent_ds *d)
{
	char pid[PTPMGMT_PORT_ID_STRLEN], gm[PTPMGMT_CLOCK_ID_STRLEN];

	printf("PARENT_DATA_SET parentPortIdentity=%s parentStats=%d "
	       "grandmasterPriority1=%u gmClockClass=%u "
	       "gmClockAccuracy=0x%02x gmOffsetScaledLogVariance=0x%04x "
	       "grandmasterPriority2=%u grandmasterIdentity=%s\n",
	       ptpmgmt_port_identity_str(&d->parent_port_identity, pid),
	       d->parent_stats, d->grandmaster_priority1,
	       d->grandmaster_clock_quality.clock_class,
	       d->grandmaster_clock_quality.clock_accuracy,
	       d->grandmaster_clock_quality.offset_scaled_log_variance,
	       d->grandmaster_priority2,
	       ptpmgmt_clock_identity_str(&d->grandmaster_identity, gm));
}

static void
probe_print_time_properties(const struct ptpmgmt_time_properties_ds *d)
{
	printf("TIME_PROPERTIES_DATA_SET currentUtcOffset=%d leap61=%d "
	       "leap59=%d currentUtcOffsetValid=%d ptpTimescale=%d "
	       "timeTraceable=%d frequencyTraceable=%d timeSource=0x%02x\n",
	       d->current_utc_offset, d->leap61, d->leap59,
	       d->utc_offset_valid, d->ptp_timescale, d->time_traceable,
	       d->frequency_traceable, d->time_source);
}

static void probe_print_port(const char *what, const struct ptpmgmt_port_ds *d)
{
	char pid[PTPMGMT_PORT_ID_STRLEN];

	printf("%s portIdentity=%s portState=%s logMinDelayReqInterval=%d "
	       "peerMeanPathDelay=%.1f logAnnounceInterval=%d "
	       "announceReceiptTimeout=%u logSyncInterval=%d "
	       "delayMechanism=%u logMinPdelayReqInterval=%d "
	       "versionNumber=%u\n",
	       what, ptpmgmt_port_identity_str(&d->port_identity, pid),
	       ptpmgmt_port_state_name(d->port_state),
	       d->log_min_delay_req_interval, d->peer_mean_path_delay_ns,
	       d->log_announce_interval, d->announce_receipt_timeout,
	       d->log_sync_interval, d->delay_mechanism,
	       d->log_min_pdelay_req_interval, d->version_number);
}

static void probe_print_time_status(const struct ptpmgmt_time_status_np *d)
{
	char gm[PTPMGMT_CLOCK_ID_STRLEN];

	printf("TIME_STATUS_NP master_offset=%" PRId64 " ingress_time=%" PRId64
	       " cumulativeScaledRateOffset=%" PRId32
	       " scaledLastGmPhaseChange=%" PRId32
	       " gmTimeBaseIndicator=%u gmPresent=%s gmIdentity=%s\n",
	       d->master_offset_ns, d->ingress_time_ns,
	       d->cumulative_scaled_rate_offset, d->scaled_last_gm_phase_change,
	       d->gm_time_base_indicator, probe_bool(d->gm_present),
	       ptpmgmt_clock_identity_str(&d->gm_identity, gm));
}

static void probe_print_reply(struct probe *p, const struct ptpmgmt_msg *m)
{
	switch (m->management_id) {
	case PTPMGMT_ID_DEFAULT_DATA_SET:
		p->number_ports = m->u.default_ds.number_ports;
		probe_print_default(&m->u.default_ds);
		break;
	case PTPMGMT_ID_CURRENT_DATA_SET:
		probe_print_current(&m->u.current_ds);
		break;
	case PTPMGMT_ID_PARENT_DATA_SET:
		probe_print_parent(&m->u.parent_ds);
		break;
	case PTPMGMT_ID_TIME_PROPERTIES_DATA_SET:
		probe_print_time_properties(&m->u.time_properties_ds);
		break;
	case PTPMGMT_ID_PORT_DATA_SET:
		p->port_replies++;
		probe_print_port("PORT_DATA_SET", &m->u.port_ds);
		break;
	case PTPMGMT_ID_TIME_STATUS_NP:
		probe_print_time_status(&m->u.time_status_np);
		break;
	case PTPMGMT_ID_SUBSCRIBE_EVENTS_NP:
		printf("SUBSCRIBED duration=%u notifyPortState=%s\n",
		       m->u.subscribe_events_np.duration_s,
		       probe_bool(ptpmgmt_subscribe_has_event(
			       &m->u.subscribe_events_np,
			       PTPMGMT_NOTIFY_PORT_STATE)));
		break;
	default:
		printf("%s (0x%04x) %zu bytes\n",
		       ptpmgmt_id_name(m->management_id), m->management_id,
		       m->data_len);
		break;
	}
}

static void probe_handle(struct probe *p, const struct ptpmgmt_response *r)
{
	const struct ptpmgmt_msg *m = &r->msg;

	if (r->kind == PTPMGMT_NOTIFICATION) {
		p->notifications++;
		if (m->management_id == PTPMGMT_ID_PORT_DATA_SET)
			probe_print_port("NOTIFY PORT_DATA_SET", &m->u.port_ds);
		else
			printf("NOTIFY %s\n",
			       ptpmgmt_id_name(m->management_id));
	} else if (r->status == -EPROTO) {
		p->errors++;
		printf("ERROR %s managementId=0x%04x action=%s\n",
		       ptpmgmt_error_name(m->error_id), m->management_id,
		       ptpmgmt_action_name(m->action));
	} else if (r->status == 0) {
		probe_print_reply(p, m);
	} else {
		printf("UNDECODED managementId=0x%04x\n", m->management_id);
	}
	if (r->kind == PTPMGMT_REPLY && r->final)
		p->finals++;
	fflush(stdout);
}

/* Read everything queued; returns 0 or a negative errno on a hard error. */
static int probe_drain(struct probe *p)
{
	struct ptpmgmt_response r;
	int err;

	for (;;) {
		err = ptpmgmt_client_recv(p->client, &r);
		if (err == -EAGAIN)
			return 0;
		if (err == -EBADMSG || err == -ENOMSG) {
			fprintf(stderr, "dropped a datagram: %s\n",
				strerror(-err));
			continue;
		}
		if (err < 0)
			return err;
		probe_handle(p, &r);
	}
}

typedef bool (*probe_done_fn)(const struct probe *p);

/* Wait until done(p) or until deadline_ns; returns 0 or -ETIMEDOUT. */
static int probe_wait(struct probe *p, int64_t deadline_ns, probe_done_fn done)
{
	struct pollfd pfd = { .fd = ptpmgmt_client_fd(p->client),
			      .events = POLLIN };
	int64_t now;
	int err, ms;

	while (!done(p)) {
		now = probe_now();
		if (now >= deadline_ns)
			return -ETIMEDOUT;
		ms = (int)((deadline_ns - now) / PROBE_NS_PER_MS) + 1;
		if (poll(&pfd, 1, ms) < 0 && errno != EINTR)
			return -errno;
		err = probe_drain(p);
		if (err < 0)
			return err;
	}
	return 0;
}

static const uint16_t probe_get_ids[] = {
	PTPMGMT_ID_DEFAULT_DATA_SET,	   PTPMGMT_ID_PORT_DATA_SET,
	PTPMGMT_ID_TIME_STATUS_NP,	   PTPMGMT_ID_PARENT_DATA_SET,
	PTPMGMT_ID_TIME_PROPERTIES_DATA_SET, PTPMGMT_ID_CURRENT_DATA_SET,
};

#define PROBE_N_GET (sizeof(probe_get_ids) / sizeof(probe_get_ids[0]))

static bool probe_get_done(const struct probe *p)
{
	return p->finals == (int)PROBE_N_GET - 1 && p->number_ports >= 0 &&
	       p->port_replies >= p->number_ports;
}

static int probe_send(struct probe *p, uint16_t id)
{
	int err = ptpmgmt_client_send_get(p->client, id, probe_now());

	if (err < 0)
		fprintf(stderr, "error: send GET %s: %s\n", ptpmgmt_id_name(id),
			strerror(-err));
	return err;
}

static int probe_timeout_report(struct probe *p, int err)
{
	int lost = ptpmgmt_client_expire(p->client, probe_now(), 0);

	if (err == -ETIMEDOUT)
		fprintf(stderr, "error: timeout, %d request(s) unanswered\n",
			lost);
	else
		fprintf(stderr, "error: %s\n", strerror(-err));
	return 1;
}

/* GET the six datasets and print one line per response. */
static int probe_cmd_get(struct probe *p)
{
	size_t i;
	int err;

	for (i = 0; i < PROBE_N_GET; i++)
		if (probe_send(p, probe_get_ids[i]) < 0)
			return 1;
	err = probe_wait(p, probe_now() + p->timeout_ns, probe_get_done);
	if (err)
		return probe_timeout_report(p, err);
	return 0;
}

static bool probe_one_done(const struct probe *p)
{
	return p->finals + p->errors + p->port_replies > 0;
}

/* GET one managementId (e.g. one ptp4l does not support). */
static int probe_cmd_get_id(struct probe *p, const char *arg)
{
	char *end;
	unsigned long id = strtoul(arg, &end, 0);
	int err;

	if (*end || id > 0xffff) {
		fprintf(stderr, "bad managementId %s\n", arg);
		return 2;
	}
	if (probe_send(p, (uint16_t)id) < 0)
		return 1;
	err = probe_wait(p, probe_now() + p->timeout_ns, probe_one_done);
	if (err)
		return probe_timeout_report(p, err);
	return p->errors ? 3 : 0;
}

static bool probe_subscribed(const struct probe *p)
{
	return p->finals > 0;
}

static bool probe_notified(const struct probe *p)
{
	return p->notifications >= p->want_notifications;
}

/* Subscribe, then print port state pushes until @count or @wait_s. */
static int probe_cmd_subscribe(struct probe *p, int duration_s, int wait_s,
			       int count)
{
	int err = ptpmgmt_client_subscribe(p->client, (uint16_t)duration_s,
					   probe_now());
	int64_t deadline = probe_now() + (int64_t)wait_s * 1000000000LL;

	if (err < 0) {
		fprintf(stderr, "error: subscribe: %s\n", strerror(-err));
		return 1;
	}
	err = probe_wait(p, probe_now() + p->timeout_ns, probe_subscribed);
	if (err)
		return probe_timeout_report(p, err);
	p->want_notifications = count;
	err = probe_wait(p, deadline, probe_notified);
	if (err == -ETIMEDOUT) {
		fprintf(stderr, "error: %d of %d notifications in %d s\n",
			p->notifications, count, wait_s);
		return 1;
	}
	return err ? probe_timeout_report(p, err) : 0;
}

static int probe_usage(void)
{
	fprintf(stderr,
		"usage: ptpmgmt_probe [-d DOMAIN] [-t MS] SERVER CLIENT CMD\n"
		"  get                        GET the datasets, print them\n"
		"  get-id ID                  GET one managementId\n"
		"  subscribe DURATION WAIT N  print N port state pushes\n");
	return 2;
}

static int probe_run(struct probe *p, int argc, char **argv)
{
	if (argc == 1 && strcmp(argv[0], "get") == 0)
		return probe_cmd_get(p);
	if (argc == 2 && strcmp(argv[0], "get-id") == 0)
		return probe_cmd_get_id(p, argv[1]);
	if (argc == 4 && strcmp(argv[0], "subscribe") == 0)
		return probe_cmd_subscribe(p, atoi(argv[1]), atoi(argv[2]),
					   atoi(argv[3]));
	return probe_usage();
}

int main(int argc, char **argv)
{
	struct probe p = { .timeout_ns = 2000 * PROBE_NS_PER_MS,
			   .number_ports = -1 };
	int domain = 0, opt, err, rc;

	while ((opt = getopt(argc, argv, "d:t:")) != -1) {
		if (opt == 'd')
			domain = atoi(optarg);
		else if (opt == 't')
			p.timeout_ns = atoll(optarg) * PROBE_NS_PER_MS;
		else
			return probe_usage();
	}
	if (argc - optind < 3)
		return probe_usage();
	err = ptpmgmt_client_open(argv[optind], argv[optind + 1], domain,
				  &p.client);
	if (err) {
		fprintf(stderr, "error: open %s: %s\n", argv[optind + 1],
			strerror(-err));
		return 1;
	}
	rc = probe_run(&p, argc - optind - 2, argv + optind + 2);
	ptpmgmt_client_close(p.client);
	return rc;
}
