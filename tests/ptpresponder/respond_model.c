/* respond_model.c: the scripted ptp4l state the responder reports. */
#include "respond_model.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "units.h"

#define TIME_SOURCE_INTERNAL_OSCILLATOR 0xa0
#define CLOCK_ACCURACY_UNKNOWN 0xfe
#define MAX_WORDS 64

static int respmod_err(char *err, size_t len, const char *f, ...)
	__attribute__((format(printf, 3, 4)));

static int respmod_err(char *err, size_t len, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(err, len, f, ap);
	va_end(ap);
	return -EINVAL;
}

void respmod_init(struct respond_model *m,
		  const struct ptpmgmt_clock_identity *clock, uint8_t domain)
{
	memset(m, 0, sizeof(*m));
	m->clock = *clock;
	m->gm = *clock;
	m->domain = domain;
	m->port_state = PTPMGMT_PS_LISTENING;
	m->clock_class = 248;
	m->own_class = 248;
	m->clock_accuracy = CLOCK_ACCURACY_UNKNOWN;
	m->utc_offset = 37;
	m->time_source = TIME_SOURCE_INTERNAL_OSCILLATOR;
	m->sync_on = true;
	m->sync_interval_ns = 1000000000LL;
}

int respmod_parse_clock_identity(const char *s,
				 struct ptpmgmt_clock_identity *id)
{
	char hex[17];
	size_t n = 0;

	for (; *s && n < 17; s++) {
		if (*s == '.')
			continue;
		if (!isxdigit((unsigned char)*s))
			return -EINVAL;
		hex[n++] = *s;
	}
	if (n != 16 || *s)
		return -EINVAL;
	for (size_t i = 0; i < 8; i++) {
		char byte[3] = {hex[2 * i], hex[2 * i + 1], 0};

		id->id[i] = (uint8_t)strtoul(byte, NULL, 16);
	}
	return 0;
}

static int parse_port_state(const char *v, int *out)
{
	long n;

	for (int s = PTPMGMT_PS_INITIALIZING; s <= PTPMGMT_PS_SLAVE; s++) {
		if (strcasecmp(v, ptpmgmt_port_state_name(s)) == 0) {
			*out = s;
			return 0;
		}
	}
	if (units_parse_int(v, 1, 255, &n) < 0)
		return -EINVAL;
	*out = (int)n;
	return 0;
}

static int parse_long(const char *v, long min, long max, int *out)
{
	long n;

	if (units_parse_int(v, min, max, &n) < 0)
		return -EINVAL;
	*out = (int)n;
	return 0;
}

static int parse_flag(const char *v, bool *out)
{
	return units_parse_bool(v, out);
}

/* Offsets in plain nanoseconds ("20", "-5000") or with a unit ("2us"). */
static int parse_ns(const char *v, double *out)
{
	double d;
	size_t n = strlen(v);

	if (n && isalpha((unsigned char)v[n - 1]))
		return units_parse_duration_ns(v, out);
	if (units_parse_number(v, &d) < 0)
		return -EINVAL;
	*out = d;
	return 0;
}

static int set_sync(struct respond_model *m, const char *v, int64_t now_ns)
{
	bool on;

	if (parse_flag(v, &on) < 0)
		return -EINVAL;
	if (m->sync_on && !on)
		m->ingress_frozen_ns = respmod_ingress_ns(m, now_ns);
	m->sync_on = on;
	return 0;
}

static int set_sync_interval(struct respond_model *m, const char *v)
{
	double d;

	if (units_parse_duration_ns(v, &d) < 0 || d < 1e6 || d > 1e12)
		return -EINVAL; /* 1 ms .. 1000 s */
	m->sync_interval_ns = (int64_t)d;
	return 0;
}

static int set_state(struct respond_model *m, const char *v,
		     unsigned int *changed)
{
	int n;

	if (parse_port_state(v, &n) < 0)
		return -EINVAL;
	if (n != m->port_state)
		*changed |= RESPMOD_CHANGED_PORT_STATE;
	m->port_state = n;
	return 0;
}

static int set_domain(struct respond_model *m, const char *v,
		      unsigned int *changed)
{
	int n;

	if (parse_long(v, 0, 255, &n) < 0)
		return -EINVAL;
	if (n != m->domain)
		*changed |= RESPMOD_CHANGED_DOMAIN;
	m->domain = (uint8_t)n;
	return 0;
}

static int set_offset(struct respond_model *m, const char *v)
{
	double d;

	if (parse_ns(v, &d) < 0)
		return -EINVAL;
	m->master_offset_ns = (int64_t)d;
	return 0;
}

/* Keys whose value is an integer or a flag (max 1, flag set), by field. */
struct respmod_key {
	const char *key;
	size_t off;
	long min, max;
	bool flag;
};

#define RK_OFF(field) offsetof(struct respond_model, field)

/* clang-format off */
static const struct respmod_key respmod_keys[] = {
	{ "class", RK_OFF(clock_class), 0, 255, false },
	{ "ownclass", RK_OFF(own_class), 0, 255, false },
	{ "accuracy", RK_OFF(clock_accuracy), 0, 255, false },
	{ "steps", RK_OFF(steps_removed), 0, 65535, false },
	{ "utcoffset", RK_OFF(utc_offset), -32768, 32767, false },
	{ "timesource", RK_OFF(time_source), 0, 255, false },
	{ "gm", RK_OFF(gm_present), 0, 1, true },
	{ "leap61", RK_OFF(leap61), 0, 1, true },
	{ "leap59", RK_OFF(leap59), 0, 1, true },
	{ "utcvalid", RK_OFF(utc_valid), 0, 1, true },
	{ "ptptimescale", RK_OFF(ptp_timescale), 0, 1, true },
	{ "traceable", RK_OFF(time_traceable), 0, 1, true },
	{ "freqtraceable", RK_OFF(freq_traceable), 0, 1, true },
};
/* clang-format on */

static int apply_simple(struct respond_model *m, const char *k, const char *v)
{
	char *base = (char *)m;

	for (size_t i = 0; i < sizeof(respmod_keys) / sizeof(respmod_keys[0]);
	     i++) {
		const struct respmod_key *key = &respmod_keys[i];

		if (strcmp(k, key->key) != 0)
			continue;
		if (key->flag)
			return parse_flag(v, (bool *)(void *)(base + key->off));
		return parse_long(v, key->min, key->max,
				  (int *)(void *)(base + key->off));
	}
	return -ENOENT;
}

/* One KEY VALUE pair. Returns 0, -ENOENT (unknown key) or -EINVAL. */
static int apply_pair(struct respond_model *m, const char *k, const char *v,
		      int64_t now_ns, unsigned int *changed)
{
	double d;
	int r;

	if (strcmp(k, "state") == 0)
		return set_state(m, v, changed);
	if (strcmp(k, "offset") == 0)
		return set_offset(m, v);
	if (strcmp(k, "delay") == 0) {
		r = parse_ns(v, &d);
		if (!r)
			m->path_delay_ns = d;
		return r ? -EINVAL : 0;
	}
	if (strcmp(k, "gmid") == 0)
		return respmod_parse_clock_identity(v, &m->gm);
	if (strcmp(k, "sync") == 0)
		return set_sync(m, v, now_ns);
	if (strcmp(k, "syncinterval") == 0)
		return set_sync_interval(m, v);
	if (strcmp(k, "domain") == 0)
		return set_domain(m, v, changed);
	r = apply_simple(m, k, v);
	return r == -ENOENT ? r : (r ? -EINVAL : 0);
}

/* Words taking no value. Returns 0, or -ENOENT for another word. */
static int apply_word(struct respond_model *m, const char *k)
{
	if (strcmp(k, "silent") == 0)
		m->silent = true;
	else if (strcmp(k, "answer") == 0)
		m->silent = false;
	else if (strcmp(k, "quit") == 0)
		m->quit = true;
	else
		return -ENOENT;
	return 0;
}

/* Split @line (copied into @buf) into words; '#' ends the line. */
static int split_words(const char *line, char *buf, size_t size, char **words,
		       int max)
{
	int n = 0;
	char *p, *save = NULL;

	snprintf(buf, size, "%s", line);
	p = strchr(buf, '#');
	if (p)
		*p = '\0';
	for (p = strtok_r(buf, " \t\r\n", &save); p && n < max;
	     p = strtok_r(NULL, " \t\r\n", &save))
		words[n++] = p;
	return p ? -E2BIG : n;
}

int respmod_apply(struct respond_model *m, const char *line, int64_t now_ns,
		  unsigned int *changed, char *err, size_t errlen)
{
	char buf[1024], *w[MAX_WORDS];
	unsigned int dummy = 0;
	int n = split_words(line, buf, sizeof(buf), w, MAX_WORDS);
	int i = 0, r;

	if (!changed)
		changed = &dummy;
	if (n < 0)
		return respmod_err(err, errlen, "too many words");
	while (i < n) {
		if (apply_word(m, w[i]) == 0) {
			i++;
			continue;
		}
		if (i + 1 >= n)
			return respmod_err(err, errlen, "'%s' needs a value",
					   w[i]);
		r = apply_pair(m, w[i], w[i + 1], now_ns, changed);
		if (r == -ENOENT)
			return respmod_err(err, errlen, "unknown word '%s'",
					   w[i]);
		if (r < 0)
			return respmod_err(err, errlen, "bad value '%s' for %s",
					   w[i + 1], w[i]);
		i += 2;
	}
	return 0;
}

int64_t respmod_ingress_ns(const struct respond_model *m, int64_t now_ns)
{
	if (!m->sync_on)
		return m->ingress_frozen_ns;
	return now_ns - now_ns % m->sync_interval_ns;
}

bool respmod_is_port_dataset(uint16_t management_id)
{
	return management_id == PTPMGMT_ID_PORT_DATA_SET ||
	       management_id == PTPMGMT_ID_PORT_PROPERTIES_NP;
}

/* The port follows a remote grandmaster only as UNCALIBRATED or SLAVE. */
static bool has_parent(const struct respond_model *m)
{
	return m->port_state == PTPMGMT_PS_SLAVE ||
	       m->port_state == PTPMGMT_PS_UNCALIBRATED;
}

static void fill_default(const struct respond_model *m,
			 struct ptpmgmt_default_ds *d)
{
	d->two_step = true;
	d->number_ports = 1;
	d->priority1 = 128;
	d->clock_quality.clock_class = (uint8_t)m->own_class;
	d->clock_quality.clock_accuracy = CLOCK_ACCURACY_UNKNOWN;
	d->clock_quality.offset_scaled_log_variance = 0xffff;
	d->priority2 = 128;
	d->clock_identity = m->clock;
	d->domain_number = m->domain;
}

static void fill_parent(const struct respond_model *m,
			struct ptpmgmt_parent_ds *d)
{
	bool remote = has_parent(m);

	d->parent_port_identity.clock = remote ? m->gm : m->clock;
	d->parent_port_identity.port = remote ? 1 : 0;
	d->observed_parent_offset_scaled_log_variance = 0xffff;
	d->observed_parent_clock_phase_change_rate = 0x7fffffff;
	d->grandmaster_priority1 = 128;
	d->grandmaster_clock_quality.clock_class = (uint8_t)m->clock_class;
	d->grandmaster_clock_quality.clock_accuracy =
	    (uint8_t)m->clock_accuracy;
	d->grandmaster_clock_quality.offset_scaled_log_variance = 0xffff;
	d->grandmaster_priority2 = 128;
	d->grandmaster_identity = m->gm;
}

static void fill_time_properties(const struct respond_model *m,
				 struct ptpmgmt_time_properties_ds *d)
{
	d->current_utc_offset = (int16_t)m->utc_offset;
	d->leap61 = m->leap61;
	d->leap59 = m->leap59;
	d->utc_offset_valid = m->utc_valid;
	d->ptp_timescale = m->ptp_timescale;
	d->time_traceable = m->time_traceable;
	d->frequency_traceable = m->freq_traceable;
	d->time_source = (uint8_t)m->time_source;
	d->flags |= d->leap61 ? PTPMGMT_FLAG_LEAP_61 : 0;
	d->flags |= d->leap59 ? PTPMGMT_FLAG_LEAP_59 : 0;
	d->flags |= d->utc_offset_valid ? PTPMGMT_FLAG_UTC_OFF_VALID : 0;
	d->flags |= d->ptp_timescale ? PTPMGMT_FLAG_PTP_TIMESCALE : 0;
	d->flags |= d->time_traceable ? PTPMGMT_FLAG_TIME_TRACEABLE : 0;
	d->flags |= d->frequency_traceable ? PTPMGMT_FLAG_FREQ_TRACEABLE : 0;
}

static void fill_port(const struct respond_model *m, struct ptpmgmt_port_ds *d)
{
	d->port_identity.clock = m->clock;
	d->port_identity.port = 1;
	d->port_state = (uint8_t)m->port_state;
	d->log_announce_interval = 1;
	d->announce_receipt_timeout = 3;
	d->delay_mechanism = 1; /* E2E */
	d->version_number = 2;
}

static void fill_time_status(const struct respond_model *m, int64_t now_ns,
			     struct ptpmgmt_time_status_np *d)
{
	d->master_offset_ns = m->master_offset_ns;
	d->ingress_time_ns = respmod_ingress_ns(m, now_ns);
	d->gm_present = m->gm_present;
	d->gm_identity = m->gm;
}

static void fill_port_properties(const struct respond_model *m,
				 struct ptpmgmt_port_properties_np *d)
{
	d->port_identity.clock = m->clock;
	d->port_identity.port = 1;
	d->port_state = (uint8_t)m->port_state;
	d->timestamping = 2; /* hardware */
	snprintf(d->interface, sizeof(d->interface), "resp0");
}

int respmod_dataset(const struct respond_model *m, uint16_t management_id,
		    int64_t now_ns, struct ptpmgmt_msg *msg)
{
	memset(&msg->u, 0, sizeof(msg->u));
	switch (management_id) {
	case PTPMGMT_ID_DEFAULT_DATA_SET:
		fill_default(m, &msg->u.default_ds);
		return 0;
	case PTPMGMT_ID_CURRENT_DATA_SET:
		msg->u.current_ds.steps_removed = (uint16_t)m->steps_removed;
		msg->u.current_ds.offset_from_master_ns =
		    (double)m->master_offset_ns;
		msg->u.current_ds.mean_path_delay_ns = m->path_delay_ns;
		return 0;
	case PTPMGMT_ID_PARENT_DATA_SET:
		fill_parent(m, &msg->u.parent_ds);
		return 0;
	case PTPMGMT_ID_TIME_PROPERTIES_DATA_SET:
		fill_time_properties(m, &msg->u.time_properties_ds);
		return 0;
	case PTPMGMT_ID_PORT_DATA_SET:
		fill_port(m, &msg->u.port_ds);
		return 0;
	case PTPMGMT_ID_TIME_STATUS_NP:
		fill_time_status(m, now_ns, &msg->u.time_status_np);
		return 0;
	case PTPMGMT_ID_PORT_PROPERTIES_NP:
		fill_port_properties(m, &msg->u.port_properties_np);
		return 0;
	default:
		return -ENOTSUP;
	}
}

int respmod_describe(const struct respond_model *m, char *buf, size_t len)
{
	char gm[PTPMGMT_CLOCK_ID_STRLEN];

	return snprintf(
	    buf, len,
	    "state %s offset %lld delay %.0f class %d gm %d "
	    "gmid %s steps %d utcoffset %d utcvalid %d leap61 %d "
	    "leap59 %d sync %d domain %u %s",
	    ptpmgmt_port_state_name(m->port_state),
	    (long long)m->master_offset_ns, m->path_delay_ns, m->clock_class,
	    m->gm_present, ptpmgmt_clock_identity_str(&m->gm, gm),
	    m->steps_removed, m->utc_offset, m->utc_valid, m->leap61, m->leap59,
	    m->sync_on, m->domain, m->silent ? "silent" : "answer");
}
