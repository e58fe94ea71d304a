/* gate.c: pure PTP-versus-NTP state machine of one source, with hysteresis. */
#include "timeutil.h"
#include "gate.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ptp4l_codec.h"
#include "units.h"
#include "vmclock.h"

#define NEVER INT64_MIN
#define DAY (86400 * NS_PER_SEC)
#define BACKOFF_LIMIT 10

/* The conditions of one poll, with why each one fails. */
struct gate_eval {
	bool hard;	 /* device gone or silent: fall back at once */
	bool disrupted;	 /* VMClock disruption within step_holdoff */
	bool link_bad;	 /* ptp4l link impaired: hold over */
	bool qual_bad;	 /* offset, clockClass or device quality bad */
	bool lock_ok;	 /* every lock condition holds */
	bool leap_ok;	 /* ptp4l's time properties can be trusted */
	bool link_timed; /* link_why already says for how long */
	bool gm;	 /* grandmaster conditions applied */
	bool gm_holdover; /* in PTP on clockClass 7, within gm_holdover */
	int64_t gm_holdover_ns; /* for how long clockClass 7 */
	char hard_why[GATE_REASON_MAX];
	char disrupted_why[GATE_REASON_MAX];
	char link_why[GATE_REASON_MAX];
	char qual_why[GATE_REASON_MAX];
	char lock_why[GATE_REASON_MAX];
	/* what is good, for the reason: formatted only at a lock (every
	 * poll it cost a quarter of the daemon's CPU in a poll) */
	bool lock_ptp;		  /* ptp4l's figures, else the device's */
	long long lock_offset_ns; /* |master_offset| */
	int lock_clock_class;
	double lock_sigma_ns;
};

static void fmt(char *dst, size_t len, const char *f, ...)
	__attribute__((format(printf, 3, 4)));

static void fmt(char *dst, size_t len, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(dst, len, f, ap);
	va_end(ap);
}

static double secs(int64_t ns)
{
	return (double)ns / (double)NS_PER_SEC;
}

static int64_t since(int64_t t0, int64_t now)
{
	return t0 == NEVER ? 0 : now - t0;
}

/* ---- configuration ---------------------------------------------------- */

void gate_config_defaults(struct gate_config *c)
{
	memset(c, 0, sizeof(*c));
	c->lock_offset_ns = 100.0;
	c->unlock_offset_ns = 1000.0;
	c->lock_dwell_ns = 10 * NS_PER_SEC;
	c->unlock_dwell_ns = 3 * NS_PER_SEC;
	c->holdover_ns = 10 * NS_PER_SEC;
	c->recover_dwell_ns = 2 * NS_PER_SEC;
	c->startup_timeout_ns = 60 * NS_PER_SEC;
	c->max_response_age_ns = 3 * NS_PER_SEC;
	c->max_sync_age_ns = 4 * NS_PER_SEC;
	c->max_clock_class = 135;
	c->max_sample_age_ns = 3 * NS_PER_SEC;
	c->max_sigma_ns = 10000.0;
	c->max_reject_fraction = 0.5;
	c->step_holdoff_ns = 5 * NS_PER_SEC;
	c->flap_window_ns = 300 * NS_PER_SEC;
	c->backoff_max = 4;
	c->initial_override = GATE_OVERRIDE_AUTO;
	c->mode = GATE_MODE_AUTO;
	c->gm_holdover_ns = 4 * 3600 * NS_PER_SEC;
}

enum gate_key_kind {
	KEY_DURATION, /* int64_t ns; a bare number is seconds */
	KEY_OFFSET,   /* double ns; a unit is required */
	KEY_INT,      /* int */
	KEY_FRACTION, /* double, or a percentage "50%" */
	KEY_OVERRIDE, /* enum gate_override */
	KEY_MODE,     /* enum gate_mode */
};

/* A key's schema entry: name, kind, field and accepted range. */
struct gate_key {
	const char *name;
	enum gate_key_kind kind;
	size_t off;
	double min, max; /* inclusive, in ns for times; unused for overrides */
};

#define GK_OFF(field) offsetof(struct gate_config, field)
#define MSEC 1000000LL

/* clang-format off */
static const struct gate_key gate_keys[] = {
	{ "gate_lock_offset", KEY_OFFSET, GK_OFF(lock_offset_ns), 1, NS_PER_SEC },
	{ "gate_unlock_offset", KEY_OFFSET, GK_OFF(unlock_offset_ns), 1, NS_PER_SEC },
	{ "gate_lock_dwell", KEY_DURATION, GK_OFF(lock_dwell_ns), 0, DAY },
	{ "gate_unlock_dwell", KEY_DURATION, GK_OFF(unlock_dwell_ns), 0, DAY },
	{ "gate_holdover", KEY_DURATION, GK_OFF(holdover_ns), 0, DAY },
	{ "gate_recover_dwell", KEY_DURATION, GK_OFF(recover_dwell_ns),
	  0, DAY },
	{ "gate_startup_timeout", KEY_DURATION, GK_OFF(startup_timeout_ns),
	  0, DAY },
	{ "gate_max_response_age", KEY_DURATION, GK_OFF(max_response_age_ns),
	  MSEC, DAY },
	{ "gate_max_sync_age", KEY_DURATION, GK_OFF(max_sync_age_ns),
	  MSEC, DAY },
	{ "gate_max_clock_class", KEY_INT, GK_OFF(max_clock_class), 1, 255 },
	{ "gate_max_sample_age", KEY_DURATION, GK_OFF(max_sample_age_ns),
	  MSEC, DAY },
	{ "gate_max_sigma", KEY_OFFSET, GK_OFF(max_sigma_ns), 1, NS_PER_SEC },
	{ "gate_max_reject", KEY_FRACTION, GK_OFF(max_reject_fraction),
	  0, 1 },
	{ "gate_step_holdoff", KEY_DURATION, GK_OFF(step_holdoff_ns), 0, DAY },
	{ "gate_flap_window", KEY_DURATION, GK_OFF(flap_window_ns), 0, DAY },
	{ "gate_backoff_max", KEY_INT, GK_OFF(backoff_max),
	  0, BACKOFF_LIMIT },
	{ "gate_override", KEY_OVERRIDE, GK_OFF(initial_override), 0, 0 },
	{ "gate_mode", KEY_MODE, GK_OFF(mode), 0, 0 },
	{ "gate_gm_holdover", KEY_DURATION, GK_OFF(gm_holdover_ns), 0, DAY },
};
/* clang-format on */

/* Does @s end in a letter (a unit) rather than a digit or '.'? */
static bool has_unit(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && isalpha((unsigned char)s[n - 1]);
}

/* Whether @d lies in @k's range (NaN does not). */
static bool in_range(const struct gate_key *k, double d)
{
	return d >= k->min && d <= k->max;
}

static int parse_duration(const struct gate_key *k, const char *v,
			  int64_t *out)
{
	double d;

	if (units_parse_duration_ns(v, &d) < 0 || !in_range(k, d))
		return -EINVAL;
	*out = (int64_t)llround(d);
	return 0;
}

static int parse_offset(const struct gate_key *k, const char *v, double *out)
{
	double d;

	if (!has_unit(v) || units_parse_duration_ns(v, &d) < 0 ||
	    !in_range(k, d))
		return -EINVAL;
	*out = d;
	return 0;
}

static int parse_fraction(const struct gate_key *k, const char *v,
			  double *out)
{
	char num[32];
	size_t n = strlen(v);
	double d, scale = 1.0;

	if (n == 0 || n >= sizeof(num))
		return -EINVAL;
	memcpy(num, v, n + 1);
	if (num[n - 1] == '%') {
		num[n - 1] = '\0';
		scale = 0.01;
	}
	if (units_parse_number(num, &d) < 0)
		return -EINVAL;
	d *= scale;
	if (!in_range(k, d))
		return -EINVAL;
	*out = d;
	return 0;
}

static int parse_int(const struct gate_key *k, const char *v, int *out)
{
	long n;

	if (units_parse_int(v, (long)k->min, (long)k->max, &n) < 0)
		return -EINVAL;
	*out = (int)n;
	return 0;
}

static int set_key(struct gate_config *c, const struct gate_key *k,
		   const char *v)
{
	char *field = (char *)c + k->off;

	switch (k->kind) {
	case KEY_DURATION:
		return parse_duration(k, v, (int64_t *)(void *)field);
	case KEY_OFFSET:
		return parse_offset(k, v, (double *)(void *)field);
	case KEY_INT:
		return parse_int(k, v, (int *)(void *)field);
	case KEY_FRACTION:
		return parse_fraction(k, v, (double *)(void *)field);
	case KEY_OVERRIDE:
		return gate_override_parse(v,
					   (enum gate_override *)(void *)field);
	case KEY_MODE:
		return gate_mode_parse(v, (enum gate_mode *)(void *)field);
	}
	return -EINVAL;
}

static const struct gate_key *find_key(const char *key)
{
	for (size_t i = 0; i < sizeof(gate_keys) / sizeof(gate_keys[0]); i++)
		if (strcmp(key, gate_keys[i].name) == 0)
			return &gate_keys[i];
	return NULL;
}

int gate_config_set(struct gate_config *c, const char *key, const char *value)
{
	const struct gate_key *k;

	if (!c || !key)
		return -EINVAL;
	k = find_key(key);
	if (!k)
		return -ENOENT;
	return value ? set_key(c, k, value) : -EINVAL;
}

/* Whether @a and @b hold the same value in @k's field. */
static bool key_equal(const struct gate_key *k, const struct gate_config *a,
		      const struct gate_config *b)
{
	const char *fa = (const char *)a + k->off;
	const char *fb = (const char *)b + k->off;

	switch (k->kind) {
	case KEY_DURATION:
		return *(const int64_t *)(const void *)fa ==
		       *(const int64_t *)(const void *)fb;
	case KEY_OFFSET:
	case KEY_FRACTION:
		return *(const double *)(const void *)fa ==
		       *(const double *)(const void *)fb;
	case KEY_INT:
		return *(const int *)(const void *)fa ==
		       *(const int *)(const void *)fb;
	case KEY_OVERRIDE:
		return *(const enum gate_override *)(const void *)fa ==
		       *(const enum gate_override *)(const void *)fb;
	case KEY_MODE:
		return *(const enum gate_mode *)(const void *)fa ==
		       *(const enum gate_mode *)(const void *)fb;
	}
	return false;
}

bool gate_config_equal(const struct gate_config *a,
		       const struct gate_config *b)
{
	for (size_t i = 0; i < sizeof(gate_keys) / sizeof(gate_keys[0]); i++)
		if (!key_equal(&gate_keys[i], a, b))
			return false;
	return true;
}

const char *gate_config_key_name(size_t i)
{
	if (i >= sizeof(gate_keys) / sizeof(gate_keys[0]))
		return NULL;
	return gate_keys[i].name;
}

int gate_config_range(const char *key, char *buf, size_t len)
{
	const struct gate_key *k = key ? find_key(key) : NULL;
	char lo[32], hi[32];

	if (!k)
		return -ENOENT;
	units_format_duration(k->min, lo, sizeof(lo));
	units_format_duration(k->max, hi, sizeof(hi));
	switch (k->kind) {
	case KEY_DURATION:
		fmt(buf, len, "a duration from %s to %s", lo, hi);
		break;
	case KEY_OFFSET:
		fmt(buf, len, "a duration with a unit from %s to %s", lo, hi);
		break;
	case KEY_INT:
		fmt(buf, len, "an integer from %.0f to %.0f", k->min, k->max);
		break;
	case KEY_FRACTION:
		fmt(buf, len, "a fraction from %g to %g (or %g%% to %g%%)",
		    k->min, k->max, k->min * 100, k->max * 100);
		break;
	case KEY_OVERRIDE:
		fmt(buf, len, "auto, ptp or ntp");
		break;
	case KEY_MODE:
		fmt(buf, len, "auto, slave or grandmaster");
		break;
	}
	return 0;
}

int gate_config_check(const struct gate_config *c, char *err, size_t errlen)
{
	if (c->lock_offset_ns > c->unlock_offset_ns) {
		if (err)
			fmt(err, errlen,
			    "gate_lock_offset %.0f ns is above "
			    "gate_unlock_offset %.0f ns",
			    c->lock_offset_ns, c->unlock_offset_ns);
		return -EINVAL;
	}
	return 0;
}

/* ---- names ------------------------------------------------------------ */

const char *gate_cause_name(enum gate_cause c)
{
	static const char *const names[GATE_CAUSE_COUNT] = {
		[GATE_CAUSE_LOCK] = "lock",
		[GATE_CAUSE_STARTUP_TIMEOUT] = "startup_timeout",
		[GATE_CAUSE_DEVICE] = "device",
		[GATE_CAUSE_QUALITY] = "quality",
		[GATE_CAUSE_LINK] = "link",
		[GATE_CAUSE_HOLDOVER_SPENT] = "holdover_spent",
		[GATE_CAUSE_RECOVERED] = "recovered",
		[GATE_CAUSE_OVERRIDE] = "override",
		[GATE_CAUSE_DISRUPTION] = "disruption",
		[GATE_CAUSE_RESUMED] = "resumed",
	};
	return (unsigned)c < GATE_CAUSE_COUNT ? names[c] : "unknown";
}

unsigned long gate_transitions_by(const struct gate *g, enum gate_state from,
				  enum gate_state to, enum gate_cause cause)
{
	if ((unsigned)from >= GATE_STATE_COUNT ||
	    (unsigned)to >= GATE_STATE_COUNT ||
	    (unsigned)cause >= GATE_CAUSE_COUNT)
		return 0;
	return g->by_cause[from][to][cause];
}

const char *gate_state_name(enum gate_state st)
{
	switch (st) {
	case GATE_STARTUP:
		return "STARTUP";
	case GATE_PTP:
		return "PTP";
	case GATE_HOLDOVER:
		return "HOLDOVER";
	case GATE_NTP:
		return "NTP";
	case GATE_FORCED:
		return "FORCED";
	}
	return "UNKNOWN";
}

const char *gate_override_name(enum gate_override ov)
{
	switch (ov) {
	case GATE_OVERRIDE_AUTO:
		return "AUTO";
	case GATE_OVERRIDE_PTP:
		return "PTP";
	case GATE_OVERRIDE_NTP:
		return "NTP";
	}
	return "UNKNOWN";
}

const char *gate_mode_name(enum gate_mode m)
{
	switch (m) {
	case GATE_MODE_AUTO:
		return "auto";
	case GATE_MODE_SLAVE:
		return "slave";
	case GATE_MODE_GRANDMASTER:
		return "grandmaster";
	}
	return "unknown";
}

int gate_mode_parse(const char *s, enum gate_mode *out)
{
	if (!s || !out)
		return -EINVAL;
	if (strcasecmp(s, "auto") == 0)
		*out = GATE_MODE_AUTO;
	else if (strcasecmp(s, "slave") == 0)
		*out = GATE_MODE_SLAVE;
	else if (strcasecmp(s, "grandmaster") == 0)
		*out = GATE_MODE_GRANDMASTER;
	else
		return -EINVAL;
	return 0;
}

int gate_override_parse(const char *s, enum gate_override *out)
{
	if (!s || !out)
		return -EINVAL;
	if (strcasecmp(s, "auto") == 0)
		*out = GATE_OVERRIDE_AUTO;
	else if (strcasecmp(s, "ptp") == 0)
		*out = GATE_OVERRIDE_PTP;
	else if (strcasecmp(s, "ntp") == 0)
		*out = GATE_OVERRIDE_NTP;
	else
		return -EINVAL;
	return 0;
}

/* ---- evaluation of one poll ------------------------------------------- */

/* Device gone or silent: nothing to feed. */
static void eval_device_hard(const struct gate_config *c,
			     const struct gate_device *d, struct gate_eval *e)
{
	if (!d->running) {
		e->hard = true;
		fmt(e->hard_why, sizeof(e->hard_why), "device not running");
	} else if (d->sample_age_ns < 0) {
		e->hard = true;
		fmt(e->hard_why, sizeof(e->hard_why), "no sample yet");
	} else if (d->sample_age_ns > c->max_sample_age_ns) {
		e->hard = true;
		fmt(e->hard_why, sizeof(e->hard_why),
		    "no good sample for %.1f s (limit %.1f s)",
		    secs(d->sample_age_ns), secs(c->max_sample_age_ns));
	}
}

/* Device quality: a noisy or mostly rejected PHC. */
static void eval_device_quality(const struct gate_config *c,
				const struct gate_device *d,
				struct gate_eval *e)
{
	if (d->sigma_ns > c->max_sigma_ns) {
		e->qual_bad = true;
		fmt(e->qual_why, sizeof(e->qual_why),
		    "tracker sigma %.0f ns above limit %.0f ns", d->sigma_ns,
		    c->max_sigma_ns);
	} else if (d->reject_fraction > c->max_reject_fraction) {
		e->qual_bad = true;
		fmt(e->qual_why, sizeof(e->qual_why),
		    "%.0f%% of samples rejected (limit %.0f%%)",
		    100.0 * d->reject_fraction, 100.0 * c->max_reject_fraction);
	}
}

static const char *port_name(const struct gate_ptp *p)
{
	return p->port_state ? ptpmgmt_port_state_name(p->port_state)
			     : "unknown";
}

/* Whether ptp4l answers in time; when not, the link is bad and says why. */
static bool ptp4l_answers(const struct gate_config *c,
			  const struct gate_ptp *p, struct gate_eval *e)
{
	e->link_bad = true;
	e->link_timed = false;
	if (p->response_age_ns < 0) {
		fmt(e->link_why, sizeof(e->link_why), "ptp4l not answering");
		return false;
	}
	if (p->response_age_ns > c->max_response_age_ns) {
		fmt(e->link_why, sizeof(e->link_why),
		    "ptp4l not answering for %.1f s", secs(p->response_age_ns));
		e->link_timed = true;
		return false;
	}
	return true;
}

/* ptp4l link: reachable, SLAVE, Syncs arriving, grandmaster present. */
static void eval_link(const struct gate_config *c, const struct gate_ptp *p,
		      struct gate_eval *e)
{
	char *w = e->link_why;
	size_t n = sizeof(e->link_why);

	if (!ptp4l_answers(c, p, e))
		return;
	if (p->port_state != PTPMGMT_PS_SLAVE && p->local_gm) {
		fmt(w, n, "ptp4l is its own grandmaster with clockClass %d "
		    "(port state %s): no master to follow", p->clock_class,
		    port_name(p));
	} else if (p->port_state != PTPMGMT_PS_SLAVE) {
		fmt(w, n, "ptp4l port state %s", port_name(p));
	} else if (p->ingress_age_ns < 0) {
		fmt(w, n, "no Sync received yet");
	} else if (p->ingress_age_ns > c->max_sync_age_ns) {
		fmt(w, n, "last Sync %.1f s ago (limit %.1f s)",
		    secs(p->ingress_age_ns), secs(c->max_sync_age_ns));
		e->link_timed = true;
	} else if (!p->gm_present) {
		fmt(w, n, "no grandmaster present");
	} else {
		e->link_bad = false;
	}
}

/* VMClock: a disruption just now, and the hypervisor's clock status. */
static void eval_vmclock(const struct gate_config *c,
			 const struct gate_vmclock *v, struct gate_eval *e)
{
	if (v->disruption_age_ns >= 0 &&
	    v->disruption_age_ns < c->step_holdoff_ns) {
		e->disrupted = true;
		fmt(e->disrupted_why, sizeof(e->disrupted_why),
		    "VMClock disruption (live migration) %.1f s ago",
		    secs(v->disruption_age_ns));
	}
	if (e->link_bad)
		return; /* ptp4l's reason first */
	if (!v->readable) {
		e->link_bad = true;
		fmt(e->link_why, sizeof(e->link_why),
		    "VMClock page not readable");
	} else if (v->has_clock && v->status != VMCLOCK_STATUS_SYNCHRONIZED) {
		e->link_bad = true;
		fmt(e->link_why, sizeof(e->link_why), "VMClock status %s",
		    vmclock_status_name((uint8_t)v->status));
	}
}

/* Grandmaster link: ptp4l answers and is its own grandmaster. */
static void eval_link_gm(const struct gate_config *c, const struct gate_ptp *p,
			 struct gate_eval *e)
{
	if (!ptp4l_answers(c, p, e))
		return;
	if (!p->local_gm)
		fmt(e->link_why, sizeof(e->link_why),
		    "ptp4l is not the grandmaster (port state %s)", port_name(p));
	else
		e->link_bad = false;
}

static int64_t abs64(int64_t v)
{
	return v < 0 ? (v == INT64_MIN ? INT64_MAX : -v) : v;
}

/* Grandmaster class and offset; only meaningful on a good link. */
static void eval_ptp_quality(const struct gate_config *c,
			     const struct gate_ptp *p, struct gate_eval *e)
{
	int64_t off = abs64(p->master_offset_ns);

	if (p->clock_class == 0) {
		e->qual_bad = true;
		fmt(e->qual_why, sizeof(e->qual_why),
		    "grandmaster clockClass unknown");
	} else if (p->clock_class > c->max_clock_class) {
		e->qual_bad = true;
		fmt(e->qual_why, sizeof(e->qual_why),
		    "grandmaster clockClass %d above limit %d", p->clock_class,
		    c->max_clock_class);
	} else if ((double)off > c->unlock_offset_ns) {
		e->qual_bad = true;
		fmt(e->qual_why, sizeof(e->qual_why),
		    "|master_offset| %lld ns above unlock threshold %.0f ns",
		    (long long)off, c->unlock_offset_ns);
	}
}

/* Grandmaster: its own clockClass says how good the PHC is. */
static void eval_gm_quality(const struct gate_config *c,
			    const struct gate_ptp *p, struct gate_eval *e)
{
	char *w = e->qual_why;
	size_t n = sizeof(e->qual_why);

	if (p->clock_class == GATE_GM_CLASS_LOCKED)
		return;
	e->qual_bad = true;
	if (p->clock_class == 0) {
		fmt(w, n, "grandmaster clockClass unknown");
	} else if (p->clock_class != GATE_GM_CLASS_HOLDOVER) {
		fmt(w, n, "grandmaster clockClass %d: neither locked (6) "
		    "nor in holdover (7)", p->clock_class);
	} else if (e->gm_holdover_ns > c->gm_holdover_ns) {
		fmt(w, n, "grandmaster in holdover (clockClass 7) for %.1f s, "
		    "beyond gate_gm_holdover %.1f s",
		    secs(e->gm_holdover_ns), secs(c->gm_holdover_ns));
	} else {
		e->qual_bad = false;
		e->gm_holdover = true;
	}
}

/* Everything needed to lock, given the other verdicts. */
static void eval_lock(const struct gate_config *c, const struct gate_input *in,
		      struct gate_eval *e)
{
	const struct gate_device *d = &in->dev;
	const struct gate_ptp *p = &in->ptp;
	int64_t off = abs64(p->master_offset_ns);
	char *w = e->lock_why;
	size_t n = sizeof(e->lock_why);

	e->lock_ok = false;
	if (e->hard)
		fmt(w, n, "%s", e->hard_why);
	else if (e->disrupted)
		fmt(w, n, "%s (holdoff %.1f s)", e->disrupted_why,
		    secs(c->step_holdoff_ns));
	else if ((p->configured || in->vm.configured) && e->link_bad)
		fmt(w, n, "%s", e->link_why);
	else if (e->qual_bad)
		fmt(w, n, "%s", e->qual_why);
	else if (!(d->sigma_ns >= 0.0)) /* also NaN */
		fmt(w, n, "tracker sigma not known yet");
	else if (d->step_age_ns >= 0 && d->step_age_ns < c->step_holdoff_ns)
		fmt(w, n, "phase step %.1f s ago (holdoff %.1f s)",
		    secs(d->step_age_ns), secs(c->step_holdoff_ns));
	else if (e->gm && p->clock_class != GATE_GM_CLASS_LOCKED)
		fmt(w, n, "grandmaster clockClass %d: locking needs %d",
		    p->clock_class, GATE_GM_CLASS_LOCKED);
	else if (p->configured && !e->gm && (double)off > c->lock_offset_ns)
		fmt(w, n,
		    "|master_offset| %lld ns above lock threshold %.0f ns",
		    (long long)off, c->lock_offset_ns);
	else
		e->lock_ok = true;
	if (!e->lock_ok)
		return;
	e->lock_ptp = p->configured;
	e->lock_offset_ns = (long long)off;
	e->lock_clock_class = p->clock_class;
	e->lock_sigma_ns = d->sigma_ns;
}

/* What is good when the gate locks, for the transition's reason. */
static const char *lock_what(const struct gate_eval *e, char *buf, size_t n)
{
	if (e->lock_ptp && e->gm)
		fmt(buf, n, "ptp4l is the grandmaster, clockClass %d",
		    e->lock_clock_class);
	else if (e->lock_ptp)
		fmt(buf, n, "|master_offset| %lld ns, port SLAVE, clockClass %d",
		    e->lock_offset_ns, e->lock_clock_class);
	else
		fmt(buf, n, "device healthy, sigma %.0f ns", e->lock_sigma_ns);
	return buf;
}

/* Leap flags are trusted only on a good link (a SLAVE port, or ptp4l its
 * own grandmaster in grandmaster mode) with a valid UTC offset. */
static void eval_leap(const struct gate_ptp *p, struct gate_eval *e)
{
	e->leap_ok = p->configured && !e->link_bad && p->time_props_known &&
		     p->utc_offset_valid;
}

/* @gm: apply the grandmaster conditions; @gm_holdover_ns: how long the
 * clockClass has been 7 (0 if it is not). */
static void gate_eval(const struct gate_config *c, const struct gate_input *in,
		      bool gm, int64_t gm_holdover_ns, struct gate_eval *e)
{
	memset(e, 0, sizeof(*e));
	e->gm = gm;
	e->gm_holdover_ns = gm_holdover_ns;
	eval_device_hard(c, &in->dev, e);
	eval_device_quality(c, &in->dev, e);
	if (in->ptp.configured && e->gm) {
		eval_link_gm(c, &in->ptp, e);
		if (!e->link_bad && !e->qual_bad)
			eval_gm_quality(c, &in->ptp, e);
	} else if (in->ptp.configured) {
		eval_link(c, &in->ptp, e);
		if (!e->link_bad && !e->qual_bad)
			eval_ptp_quality(c, &in->ptp, e);
	}
	if (in->vm.configured)
		eval_vmclock(c, &in->vm, e);
	eval_lock(c, in, e);
	eval_leap(&in->ptp, e);
}

/* ---- state ------------------------------------------------------------ */

void gate_init(struct gate *g, const struct gate_config *cfg)
{
	memset(g, 0, sizeof(*g));
	g->cfg = *cfg;
	g->state = GATE_STARTUP;
	g->override = GATE_OVERRIDE_AUTO;
	if (cfg->initial_override != GATE_OVERRIDE_AUTO) {
		g->pending_override = cfg->initial_override;
		g->override_pending = true;
	}
	g->lock_ok_since_ns = NEVER;
	g->qual_bad_since_ns = NEVER;
	g->link_bad_since_ns = NEVER;
	g->link_good_since_ns = NEVER;
	g->ptp_entry_ns = NEVER;
	g->ptp_exit_ns = NEVER;
	g->holdover_budget_ns = cfg->holdover_ns;
	g->gm_holdover_since_ns = NEVER;
	g->leap = SOCKMSG_LEAP_NONE;
	fmt(g->condition, sizeof(g->condition), "not polled yet");
}

static bool feeding_in(enum gate_state st, enum gate_override ov)
{
	return st == GATE_PTP || st == GATE_HOLDOVER ||
	       (st == GATE_FORCED && ov == GATE_OVERRIDE_PTP);
}

/* Change state (and override) and keep the transition in the history. */
static void record_ov(struct gate *g, int64_t now, enum gate_state to,
		      enum gate_override ov, enum gate_cause cause,
		      const char *reason)
{
	struct gate_transition *t = &g->hist[g->hist_head];

	if (feeding_in(g->state, g->override) && !feeding_in(to, ov))
		g->fallbacks++;
	t->t_ns = now;
	t->from = g->state;
	t->to = to;
	t->override = ov;
	t->cause = cause;
	fmt(t->reason, sizeof(t->reason), "%s", reason);
	g->by_cause[g->state][to][cause]++;
	g->hist_head = (g->hist_head + 1) % GATE_HISTORY;
	if (g->hist_n < GATE_HISTORY)
		g->hist_n++;
	g->state = to;
	g->override = ov;
	g->state_since_ns = now;
	g->transitions++;
}

static void record(struct gate *g, int64_t now, enum gate_state to,
		   enum gate_cause cause, const char *reason)
{
	record_ov(g, now, to, g->override, cause, reason);
}

/* Lock dwell needed now: doubled per recent flap, while a re-lock would
 * itself be a flap. */
static int64_t lock_dwell(const struct gate *g, int64_t now)
{
	int shift = g->backoff;

	if (g->ptp_exit_ns == NEVER ||
	    now - g->ptp_exit_ns >= g->cfg.flap_window_ns)
		shift = 0;
	if (shift > BACKOFF_LIMIT)
		shift = BACKOFF_LIMIT;
	return g->cfg.lock_dwell_ns << shift;
}

static void update_timers(struct gate *g, const struct gate_eval *e,
			  int64_t now)
{
	if (!e->lock_ok)
		g->lock_ok_since_ns = NEVER;
	else if (g->lock_ok_since_ns == NEVER)
		g->lock_ok_since_ns = now;
	if (!e->qual_bad)
		g->qual_bad_since_ns = NEVER;
	else if (g->qual_bad_since_ns == NEVER)
		g->qual_bad_since_ns = now;
	if (e->link_bad) {
		g->link_good_since_ns = NEVER;
		if (g->link_bad_since_ns == NEVER)
			g->link_bad_since_ns = now;
	} else {
		g->link_bad_since_ns = NEVER;
		if (g->link_good_since_ns == NEVER)
			g->link_good_since_ns = now;
	}
}

/* The holdover budget drains while the link stays impaired in HOLDOVER
 * and refills at the same rate while in PTP on a good link. */
static void update_budget(struct gate *g, const struct gate_eval *e, int64_t dt)
{
	if (g->state == GATE_HOLDOVER && e->link_bad)
		g->holdover_budget_ns -= dt;
	else if (g->state == GATE_PTP && !e->link_bad)
		g->holdover_budget_ns += dt;
	if (g->holdover_budget_ns > g->cfg.holdover_ns)
		g->holdover_budget_ns = g->cfg.holdover_ns;
	if (g->holdover_budget_ns < 0)
		g->holdover_budget_ns = 0;
}

static void enter_ptp(struct gate *g, int64_t now, const char *reason)
{
	if (g->ptp_exit_ns != NEVER &&
	    now - g->ptp_exit_ns < g->cfg.flap_window_ns) {
		g->flaps++;
		if (g->backoff < g->cfg.backoff_max)
			g->backoff++;
	} else {
		g->backoff = 0;
	}
	g->ptp_entry_ns = now;
	g->holdover_budget_ns = g->cfg.holdover_ns;
	record(g, now, GATE_PTP, GATE_CAUSE_LOCK, reason);
}

static void fall_back(struct gate *g, int64_t now, enum gate_cause cause,
		      const char *reason)
{
	g->ptp_exit_ns = now;
	record(g, now, GATE_NTP, cause, reason);
}

/* STARTUP and NTP: lock once the conditions held long enough. */
static void step_unlocked(struct gate *g, const struct gate_eval *e,
			  int64_t now)
{
	char why[GATE_REASON_MAX], what[GATE_REASON_MAX];
	int64_t dwell = lock_dwell(g, now);

	if (e->lock_ok && now - g->lock_ok_since_ns >= dwell) {
		fmt(why, sizeof(why), "locked for %.1f s: %s",
		    secs(now - g->lock_ok_since_ns),
		    lock_what(e, what, sizeof(what)));
		enter_ptp(g, now, why);
	} else if (g->state == GATE_STARTUP &&
		   now - g->start_ns >= g->cfg.startup_timeout_ns) {
		fmt(why, sizeof(why), "no lock within %.1f s of start: %s",
		    secs(g->cfg.startup_timeout_ns),
		    e->lock_ok ? "lock dwell not reached" : e->lock_why);
		record(g, now, GATE_NTP, GATE_CAUSE_STARTUP_TIMEOUT, why);
	}
}

/*
 * A fault that ends feeding now, whatever the link: says why in @why and
 * its kind in @cause.
 */
static bool fatal_fault(const struct gate *g, const struct gate_eval *e,
			int64_t now, char *why, size_t n,
			enum gate_cause *cause)
{
	if (e->hard) {
		fmt(why, n, "%s", e->hard_why);
		*cause = GATE_CAUSE_DEVICE;
		return true;
	}
	if (e->disrupted) {
		fmt(why, n, "%s", e->disrupted_why);
		*cause = GATE_CAUSE_DISRUPTION;
		return true;
	}
	if (e->qual_bad &&
	    now - g->qual_bad_since_ns >= g->cfg.unlock_dwell_ns) {
		fmt(why, n, "%s for %.1f s", e->qual_why,
		    secs(now - g->qual_bad_since_ns));
		*cause = GATE_CAUSE_QUALITY;
		return true;
	}
	return false;
}

/* The link fault and, unless it says so itself, for how long. */
static void link_for(const struct gate *g, const struct gate_eval *e,
		     int64_t now, char *buf, size_t n)
{
	if (e->link_timed)
		fmt(buf, n, "%s", e->link_why);
	else
		fmt(buf, n, "%s for %.1f s", e->link_why,
		    secs(since(g->link_bad_since_ns, now)));
}

/* PTP and HOLDOVER: fall back, hold over, or recover. */
static void step_locked(struct gate *g, const struct gate_eval *e, int64_t now)
{
	char why[GATE_REASON_MAX], link[GATE_REASON_MAX];
	enum gate_cause cause;

	if (fatal_fault(g, e, now, why, sizeof(why), &cause)) {
		fall_back(g, now, cause, why);
	} else if (e->link_bad && g->holdover_budget_ns <= 0) {
		link_for(g, e, now, link, sizeof(link));
		fmt(why, sizeof(why), "%s; holdover of %.1f s spent", link,
		    secs(g->cfg.holdover_ns));
		fall_back(g, now, GATE_CAUSE_HOLDOVER_SPENT, why);
	} else if (e->link_bad && g->state == GATE_PTP) {
		fmt(why, sizeof(why), "%s; holding over for up to %.1f s",
		    e->link_why, secs(g->holdover_budget_ns));
		record(g, now, GATE_HOLDOVER, GATE_CAUSE_LINK, why);
	} else if (!e->link_bad && !e->qual_bad && g->state == GATE_HOLDOVER &&
		   now - g->link_good_since_ns >= g->cfg.recover_dwell_ns) {
		fmt(why, sizeof(why),
		    "ptp4l link good again for %.1f s after %.1f s of holdover",
		    secs(now - g->link_good_since_ns),
		    secs(now - g->state_since_ns));
		record(g, now, GATE_PTP, GATE_CAUSE_RECOVERED, why);
	}
	if ((g->state == GATE_PTP || g->state == GATE_HOLDOVER) &&
	    now - g->ptp_entry_ns >= g->cfg.flap_window_ns)
		g->backoff = 0;
}

/* The state an override release lands in, given the conditions. */
static enum gate_state release_target(const struct gate *g,
				      const struct gate_eval *e, int64_t now,
				      char *why, size_t n)
{
	char cause[GATE_REASON_MAX];
	enum gate_cause kind;
	int64_t left;

	cause[0] = '\0';
	if (g->override == GATE_OVERRIDE_NTP) {
		if (e->lock_ok &&
		    now - g->lock_ok_since_ns >= lock_dwell(g, now)) {
			char what[GATE_REASON_MAX];
			fmt(why, n, "operator override AUTO; locked: %s",
			    lock_what(e, what, sizeof(what)));
			return GATE_PTP;
		}
		fmt(why, n, "operator override AUTO; %s",
		    e->lock_ok ? "lock dwell not reached" : e->lock_why);
		return GATE_NTP;
	}
	if (fatal_fault(g, e, now, cause, sizeof(cause), &kind)) {
		fmt(why, n, "operator override AUTO; %s", cause);
		return GATE_NTP;
	}
	if (!e->link_bad) {
		fmt(why, n, "operator override AUTO");
		return GATE_PTP;
	}
	left = g->cfg.holdover_ns - since(g->link_bad_since_ns, now);
	link_for(g, e, now, cause, sizeof(cause));
	fmt(why, n, "operator override AUTO; %s", cause);
	return left > 0 ? GATE_HOLDOVER : GATE_NTP;
}

static void release_override(struct gate *g, const struct gate_eval *e,
			     int64_t now)
{
	char why[GATE_REASON_MAX];
	enum gate_state to = release_target(g, e, now, why, sizeof(why));
	int64_t left = g->cfg.holdover_ns - since(g->link_bad_since_ns, now);

	if (to == GATE_PTP || to == GATE_HOLDOVER) {
		g->ptp_entry_ns = now;
		g->holdover_budget_ns =
		    to == GATE_HOLDOVER ? left : g->cfg.holdover_ns;
	}
	record_ov(g, now, to, GATE_OVERRIDE_AUTO, GATE_CAUSE_OVERRIDE, why);
}

/* Apply a pending override request; returns true when it was applied. */
static bool apply_override(struct gate *g, const struct gate_eval *e,
			   int64_t now)
{
	enum gate_override ov = g->pending_override;
	char why[GATE_REASON_MAX];

	if (!g->override_pending)
		return false;
	g->override_pending = false;
	if (ov == g->override)
		return false;
	if (ov == GATE_OVERRIDE_AUTO) {
		release_override(g, e, now);
		return true;
	}
	fmt(why, sizeof(why), "operator override %s", gate_override_name(ov));
	record_ov(g, now, GATE_FORCED, ov, GATE_CAUSE_OVERRIDE, why);
	return true;
}

static void update_leap(struct gate *g, const struct gate_input *in,
			const struct gate_eval *e)
{
	const struct gate_ptp *p = &in->ptp;

	if (e->leap_ok) {
		if (p->leap61 && !p->leap59)
			g->leap = SOCKMSG_LEAP_INSERT;
		else if (p->leap59 && !p->leap61)
			g->leap = SOCKMSG_LEAP_DELETE;
		else
			g->leap = SOCKMSG_LEAP_NONE;
	} else if (!(p->configured && e->link_bad && gate_feeding(g))) {
		g->leap = SOCKMSG_LEAP_NONE;
	}
	/* else: ptp4l's view is stale while the PHC is still fed (HOLDOVER,
	 * FORCED PTP): keep the last trusted warning. A fresh view without
	 * a valid UTC offset clears it. */
}

static void update_condition(struct gate *g, const struct gate_eval *e,
			     int64_t now)
{
	char *w = g->condition;
	size_t n = sizeof(g->condition);

	switch (g->state) {
	case GATE_STARTUP:
	case GATE_NTP:
		if (e->lock_ok)
			fmt(w, n,
			    "locking: conditions good for %.1f s of %.1f s",
			    secs(now - g->lock_ok_since_ns),
			    secs(lock_dwell(g, now)));
		else
			fmt(w, n, "%s", e->lock_why);
		break;
	case GATE_PTP:
		if (e->qual_bad)
			fmt(w, n, "%s for %.1f s of %.1f s", e->qual_why,
			    secs(now - g->qual_bad_since_ns),
			    secs(g->cfg.unlock_dwell_ns));
		else if (e->gm_holdover)
			fmt(w, n, "grandmaster in holdover (clockClass 7) for "
			    "%.1f s of %.1f s", secs(e->gm_holdover_ns),
			    secs(g->cfg.gm_holdover_ns));
		else if (strcmp(w, "locked") != 0)
			fmt(w, n, "locked");
		break;
	case GATE_HOLDOVER:
		if (e->link_bad)
			fmt(w, n, "%s; holdover budget %.1f s left",
			    e->link_why, secs(g->holdover_budget_ns));
		else
			fmt(w, n, "recovering: link good for %.1f s of %.1f s",
			    secs(now - g->link_good_since_ns),
			    secs(g->cfg.recover_dwell_ns));
		break;
	case GATE_FORCED:
		fmt(w, n, "operator override %s",
		    gate_override_name(g->override));
		break;
	}
}

/* When the grandmaster's clockClass became 7; NEVER while it is not. */
static void update_gm_holdover(struct gate *g, const struct gate_input *in,
			       int64_t now)
{
	if (in->ptp.clock_class != GATE_GM_CLASS_HOLDOVER)
		g->gm_holdover_since_ns = NEVER;
	else if (g->gm_holdover_since_ns == NEVER)
		g->gm_holdover_since_ns = now;
}

/*
 * Whether the grandmaster conditions apply to this poll. In auto mode:
 * while ptp4l is its own grandmaster and has been seen locked or in
 * holdover (clockClass 6 or 7) since it last followed another clock. An
 * ordinary clock that lost its master also becomes its own grandmaster,
 * with clockClass 248 (255 if slaveOnly): it keeps the slave conditions
 * and its holdover.
 */
static bool use_gm(struct gate *g, const struct gate_ptp *p)
{
	if (!p->configured || g->cfg.mode == GATE_MODE_SLAVE)
		return false;
	if (g->cfg.mode == GATE_MODE_GRANDMASTER)
		return true;
	if (!p->local_gm) {
		g->gm_seen = false;
		return false;
	}
	if (p->clock_class == GATE_GM_CLASS_LOCKED ||
	    p->clock_class == GATE_GM_CLASS_HOLDOVER)
		g->gm_seen = true;
	return g->gm_seen;
}

int gate_resume(struct gate *g, enum gate_state st, enum gate_override ov,
		int64_t now)
{
	if (g->started)
		return -EBUSY;
	if (ov == GATE_OVERRIDE_PTP || ov == GATE_OVERRIDE_NTP) {
		g->pending_override = ov;
		g->override_pending = true;
	}
	if (st != GATE_PTP && st != GATE_HOLDOVER)
		return 0;
	g->started = true;
	g->start_ns = now;
	g->last_step_ns = now;
	g->ptp_entry_ns = now;
	record(g, now, GATE_PTP, GATE_CAUSE_RESUMED,
	       "resumed: the worker before this one fed the source");
	return 0;
}

bool gate_step(struct gate *g, const struct gate_input *in)
{
	struct gate_eval e;
	int64_t now = in->now_ns, dt;
	unsigned long before = g->transitions;

	if (!g->started) {
		g->started = true;
		g->start_ns = now;
		g->state_since_ns = now;
		g->last_step_ns = now;
	}
	dt = now > g->last_step_ns ? now - g->last_step_ns : 0;
	g->last_step_ns = now;
	update_gm_holdover(g, in, now);
	g->gm_mode = use_gm(g, &in->ptp);
	gate_eval(&g->cfg, in, g->gm_mode, since(g->gm_holdover_since_ns, now),
		  &e);
	update_timers(g, &e, now);
	update_budget(g, &e, dt);
	if (!apply_override(g, &e, now)) {
		switch (g->state) {
		case GATE_STARTUP:
		case GATE_NTP:
			step_unlocked(g, &e, now);
			break;
		case GATE_PTP:
		case GATE_HOLDOVER:
			step_locked(g, &e, now);
			break;
		case GATE_FORCED:
			break;
		}
	}
	update_leap(g, in, &e);
	update_condition(g, &e, now);
	return g->transitions != before;
}

int gate_set_override(struct gate *g, enum gate_override ov)
{
	if (ov != GATE_OVERRIDE_AUTO && ov != GATE_OVERRIDE_PTP &&
	    ov != GATE_OVERRIDE_NTP)
		return -EINVAL;
	g->pending_override = ov;
	g->override_pending = true;
	return 0;
}

enum gate_override gate_override(const struct gate *g)
{
	return g->override;
}

enum gate_state gate_state(const struct gate *g)
{
	return g->state;
}

bool gate_feeding(const struct gate *g)
{
	return feeding_in(g->state, g->override);
}

bool gate_gm_mode(const struct gate *g)
{
	return g->gm_mode;
}

enum sockmsg_leap gate_leap(const struct gate *g)
{
	return g->leap;
}

const char *gate_condition(const struct gate *g)
{
	return g->condition;
}

int64_t gate_state_since(const struct gate *g)
{
	return g->state_since_ns;
}

const struct gate_transition *gate_history(const struct gate *g, int i)
{
	if (i < 0 || i >= g->hist_n)
		return NULL;
	return &g->hist[(g->hist_head - 1 - i + 2 * GATE_HISTORY) %
			GATE_HISTORY];
}

const struct gate_transition *gate_last_transition(const struct gate *g)
{
	return gate_history(g, 0);
}

struct gate_counts gate_counts(const struct gate *g)
{
	return (struct gate_counts){ g->transitions, g->fallbacks, g->flaps };
}
