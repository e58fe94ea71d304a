/* clockmodel.c: a simulated PHC: deterministic true offset, noisy reads. */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "timeutil.h"
#include "clockmodel.h"


/* splitmix64: a counter-based generator, good enough for noise. */
static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Uniform in (0, 1) from a 64-bit value. */
static double to_unit(uint64_t x)
{
	return ((double)(x >> 11) + 0.5) / 9007199254740992.0;
}

/* Uniform in (0, 1) from a stream. */
static double next_unit(uint64_t *state)
{
	*state += 1;
	return to_unit(mix64(*state));
}

/* Standard normal from two uniforms (Box-Muller). */
static double gauss_from(double u1, double u2)
{
	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

/* Uniform for the k-th element of a named sequence of this seed. */
static double seq_unit(const struct clockmodel *m, uint64_t seq, uint64_t k)
{
	return to_unit(mix64(m->p.seed ^ mix64(seq * 0x100000001b3ULL + k)));
}

/* New sequences go last: the numbers of the others are part of the seeds. */
enum {
	SEQ_WANDER = 1,
	SEQ_WANDER2,
	SEQ_STEP_GAP,
	SEQ_STEP_SIGN,
	SEQ_FREQ_WANDER,
	SEQ_FREQ_WANDER2,
};

/* A frequency error of 1 ppm gains this many ns per second. */
#define NS_PER_PPM_SEC 1e3

static void freq_walk_restart(struct clockmodel *m);

void clockmodel_defaults(struct clockmodel_params *p)
{
	memset(p, 0, sizeof(*p));
	p->delay_ns = 1000.0;
	p->jitter_ns = 50.0;
	p->precise_noise_ns = 2.0;
	p->seed = 1;
}

void clockmodel_init(struct clockmodel *m, const struct clockmodel_params *p,
		     int64_t epoch_ns)
{
	memset(m, 0, sizeof(*m));
	m->p = *p;
	m->epoch_ns = epoch_ns;
	m->noise_state = mix64(p->seed ^ 0x6e6f697365ULL);
	m->step_time_ns = -1;
	freq_walk_restart(m);
}

/* Value of the wander random walk at knot k (knots 1 s apart, knot 0 = 0). */
static double wander_knot(struct clockmodel *m, int64_t k)
{
	if (k <= 0)
		return 0.0;
	if (k == m->wander_knot - 1)
		return m->wander_prev;
	if (k < m->wander_knot) {
		m->wander_knot = 0;
		m->wander_value = 0.0;
	}
	while (m->wander_knot < k) {
		uint64_t i = (uint64_t)m->wander_knot++;
		m->wander_prev = m->wander_value;
		m->wander_value += m->p.wander_ns *
				   gauss_from(seq_unit(m, SEQ_WANDER, i),
					      seq_unit(m, SEQ_WANDER2, i));
	}
	return m->wander_value;
}

static double wander_at(struct clockmodel *m, int64_t rel_ns)
{
	if (m->p.wander_ns == 0.0 || rel_ns <= 0)
		return 0.0;
	int64_t k = rel_ns / NS_PER_SEC;
	double frac = (double)(rel_ns % NS_PER_SEC) / NS_PER_SEC;
	double a = wander_knot(m, k);
	double b = wander_knot(m, k + 1);
	/* b is computed after a, so the cache ends at k + 1 */
	return a + (b - a) * frac;
}

/*
 * The frequency random walk: a value at knots one second apart (knot 0 at
 * the epoch is 0), linear in between, so frequency and offset are both
 * continuous. Its integral at a knot is the sum of the trapezoids before
 * it, exact for a frequency linear between knots. The cache keeps knots
 * k - 1, k and k + 1: evaluating in order, or one second back, costs O(1);
 * further back it restarts from knot 0 and repeats the same arithmetic, so
 * the result never depends on the order of the queries.
 */

/* Change of the walk's frequency from knot @k to knot @k + 1 (ppm). */
static double freq_walk_increment(const struct clockmodel *m, int64_t k)
{
	uint64_t i = (uint64_t)k;
	return m->p.freq_wander_ppm *
	       gauss_from(seq_unit(m, SEQ_FREQ_WANDER, i),
			  seq_unit(m, SEQ_FREQ_WANDER2, i));
}

/* Put the cache at knot 0 (knot -1 is never asked for). */
static void freq_walk_restart(struct clockmodel *m)
{
	m->fm_knot = 0;
	m->fm_freq[0] = 0.0;
	m->fm_freq[1] = 0.0;
	m->fm_freq[2] = freq_walk_increment(m, 0);
	m->fm_phase[0] = 0.0;
	m->fm_phase[1] = 0.0;
}

/* Move the cache one knot on. */
static void freq_walk_advance(struct clockmodel *m)
{
	m->fm_phase[0] = m->fm_phase[1];
	m->fm_phase[1] +=
	    0.5 * (m->fm_freq[1] + m->fm_freq[2]) * NS_PER_PPM_SEC;
	m->fm_freq[0] = m->fm_freq[1];
	m->fm_freq[1] = m->fm_freq[2];
	m->fm_knot++;
	m->fm_freq[2] = m->fm_freq[1] + freq_walk_increment(m, m->fm_knot);
}

/*
 * Make the cache hold the segment from knot @k to @k + 1. Returns the
 * slot i of the cache with fm_freq[i], fm_freq[i + 1] at its ends and
 * fm_phase[i] at its start.
 */
static int freq_walk_segment(struct clockmodel *m, int64_t k)
{
	if (k == m->fm_knot - 1)
		return 0;
	if (k < m->fm_knot)
		freq_walk_restart(m);
	while (m->fm_knot < k)
		freq_walk_advance(m);
	return 1;
}

/* The walk's frequency (ppm) at @rel_ns after the epoch, and its integral
 * (ns) into @phase_ns; both 0 before the epoch. */
static double freq_walk_at(struct clockmodel *m, int64_t rel_ns,
			   double *phase_ns)
{
	*phase_ns = 0.0;
	if (m->p.freq_wander_ppm == 0.0 || rel_ns <= 0)
		return 0.0;
	int i = freq_walk_segment(m, rel_ns / NS_PER_SEC);
	double x = (double)(rel_ns % NS_PER_SEC) / NS_PER_SEC;
	double f0 = m->fm_freq[i];
	double slope = m->fm_freq[i + 1] - f0; /* ppm per second */
	*phase_ns =
	    m->fm_phase[i] + NS_PER_PPM_SEC * x * (f0 + 0.5 * slope * x);
	return f0 + slope * x;
}

/*
 * The temperature cycle: the frequency error gains A sin(2 pi t / P),
 * zero at the epoch and rising, so the offset gains its integral
 * A P / (2 pi) (1 - cos(2 pi t / P)), in closed form.
 */
static bool temp_cycle_on(const struct clockmodel *m)
{
	return m->p.temp_amplitude_ppm != 0.0 && m->p.temp_period_s > 0.0;
}

/* Angle of the cycle at @rel_ns, reduced to within one period. */
static double temp_angle(const struct clockmodel *m, int64_t rel_ns)
{
	double period_ns = m->p.temp_period_s * NS_PER_SEC;
	return 2.0 * M_PI * fmod((double)rel_ns, period_ns) / period_ns;
}

/* The cycle's frequency error at @rel_ns (ppm). */
static double temp_freq_at(const struct clockmodel *m, int64_t rel_ns)
{
	if (!temp_cycle_on(m))
		return 0.0;
	return m->p.temp_amplitude_ppm * sin(temp_angle(m, rel_ns));
}

/* The offset the cycle has built up since the epoch (ns). */
static double temp_offset_at(const struct clockmodel *m, int64_t rel_ns)
{
	if (!temp_cycle_on(m))
		return 0.0;
	double omega = 2.0 * M_PI / m->p.temp_period_s; /* rad/s */
	double half = 0.5 * temp_angle(m, rel_ns);
	/* 1 - cos(x) as 2 sin^2(x / 2): no cancellation near the epoch */
	return m->p.temp_amplitude_ppm * NS_PER_PPM_SEC / omega * 2.0 *
	       sin(half) * sin(half);
}

/* Gap before step i: exponential with the configured mean, at least 1 s. */
static int64_t step_gap_ns(const struct clockmodel *m, int64_t i)
{
	double mean = m->p.step_interval_s;
	double gap = -mean * log(seq_unit(m, SEQ_STEP_GAP, (uint64_t)i));
	if (gap < 1.0)
		gap = 1.0;
	return (int64_t)(gap * NS_PER_SEC);
}

static double steps_at(struct clockmodel *m, int64_t rel_ns)
{
	if (m->p.step_interval_s <= 0.0 || m->p.step_ns == 0.0)
		return 0.0;
	if (m->step_time_ns < 0 || rel_ns < m->step_time_ns - step_gap_ns(m, m->step_index)) {
		m->step_index = 0;
		m->step_sum_ns = 0.0;
		m->step_time_ns = step_gap_ns(m, 0);
	}
	while (rel_ns >= m->step_time_ns) {
		double sign = seq_unit(m, SEQ_STEP_SIGN, (uint64_t)m->step_index) < 0.5 ? -1.0 : 1.0;
		m->step_sum_ns += sign * m->p.step_ns;
		m->step_index++;
		m->step_time_ns += step_gap_ns(m, m->step_index);
	}
	return m->step_sum_ns;
}

double clockmodel_true_offset(struct clockmodel *m, int64_t t_ns)
{
	int64_t rel = t_ns - m->epoch_ns;
	double walk_ns;

	freq_walk_at(m, rel, &walk_ns);
	/* the terms that are 0 by default add exactly nothing, last */
	return m->p.offset_ns + m->p.freq_ppm * 1e-6 * (double)rel +
	       wander_at(m, rel) + steps_at(m, rel) + walk_ns +
	       temp_offset_at(m, rel);
}

double clockmodel_true_freq(struct clockmodel *m, int64_t t_ns)
{
	int64_t rel = t_ns - m->epoch_ns;
	double walk_ns;

	return m->p.freq_ppm + freq_walk_at(m, rel, &walk_ns) +
	       temp_freq_at(m, rel);
}

bool clockmodel_vanished(const struct clockmodel *m, int64_t t_ns)
{
	double rel_s = (double)(t_ns - m->epoch_ns) / NS_PER_SEC;
	return m->p.vanish_for_s > 0.0 && rel_s >= m->p.vanish_at_s &&
	       rel_s < m->p.vanish_at_s + m->p.vanish_for_s;
}

/* Delay of one read: base + exponential jitter + rare heavy spikes. */
static double read_delay(struct clockmodel *m)
{
	double d = m->p.delay_ns;
	if (m->p.jitter_ns > 0.0)
		d += -m->p.jitter_ns * log(next_unit(&m->noise_state));
	if (m->p.spike_prob > 0.0 && next_unit(&m->noise_state) < m->p.spike_prob)
		d += m->p.spike_ns * (1.0 + 9.0 * next_unit(&m->noise_state));
	return d;
}

int64_t clockmodel_read_extended(struct clockmodel *m, int64_t t_ns,
				 struct phc_reading *out, int n)
{
	int64_t t = t_ns;
	int stall_at = -1;
	if (m->p.stall_prob > 0.0 && next_unit(&m->noise_state) < m->p.stall_prob)
		stall_at = (int)(next_unit(&m->noise_state) * n);
	for (int i = 0; i < n; i++) {
		double d = read_delay(m);
		if (i == stall_at)
			d += m->p.stall_ns;
		/* the PHC is latched somewhere inside the read window */
		double latch = d * next_unit(&m->noise_state);
		int64_t t_latch = t + (int64_t)llround(latch);
		out[i].sys_before = t;
		out[i].phc = t_latch + (int64_t)llround(clockmodel_true_offset(m, t_latch));
		out[i].sys_after = t + (int64_t)llround(d);
		/* a little gap between consecutive reads in the same ioctl */
		t = out[i].sys_after + (int64_t)(m->p.delay_ns * 0.1);
	}
	return t;
}

void clockmodel_read_precise(struct clockmodel *m, int64_t t_ns,
			     struct phc_reading *out)
{
	double noise = m->p.precise_noise_ns *
		       gauss_from(next_unit(&m->noise_state), next_unit(&m->noise_state));
	out->sys_before = t_ns;
	out->sys_after = t_ns;
	out->phc = t_ns + (int64_t)llround(clockmodel_true_offset(m, t_ns) + noise);
}

#define DAY_NS (86400.0 * 1e9)
#define SEED_MAX 9007199254740992.0 /* 2^53: every seed below is exact */

/* Parameter table: configuration name, unit, where it lives, its range. */
struct param_desc {
	const char *name;
	enum clockmodel_unit unit; /* also how it is stored: see below */
	size_t offset;	/* offsetof in struct clockmodel_params */
	double scale;	/* multiply the base-unit value by this */
	double min, max; /* accepted values, in the base unit */
};

#define P(n, u, f, s, lo, hi)                                                 \
	{ n, u, offsetof(struct clockmodel_params, f), s, lo, hi }
#define T(n, f, s, lo, hi) P(n, CLOCKMODEL_TIME, f, s, lo, hi)
/* clang-format off */
static const struct param_desc params[] = {
	T("offset", offset_ns, 1.0, -DAY_NS, DAY_NS),
	P("freq", CLOCKMODEL_PPM, freq_ppm, 1.0, -1000.0, 1000.0),
	T("wander", wander_ns, 1.0, 0.0, 10e3),
	P("freq_wander", CLOCKMODEL_PPM, freq_wander_ppm, 1.0, 0.0, 0.1),
	P("temp_amplitude", CLOCKMODEL_PPM, temp_amplitude_ppm, 1.0, 0.0, 10.0),
	T("temp_period", temp_period_s, 1e-9, 0.0, DAY_NS),
	T("delay", delay_ns, 1.0, 0.0, 10e6),
	T("jitter", jitter_ns, 1.0, 0.0, 10e6),
	P("spike_prob", CLOCKMODEL_NUMBER, spike_prob, 1.0, 0.0, 1.0),
	T("spike", spike_ns, 1.0, 0.0, 10e6),
	P("stall_prob", CLOCKMODEL_NUMBER, stall_prob, 1.0, 0.0, 1.0),
	T("stall", stall_ns, 1.0, 0.0, 1e9),
	T("step_interval", step_interval_s, 1e-9, 0.0, DAY_NS),
	T("step", step_ns, 1.0, -1e9, 1e9),
	T("vanish_at", vanish_at_s, 1e-9, 0.0, DAY_NS),
	T("vanish_for", vanish_for_s, 1e-9, 0.0, DAY_NS),
	T("precise_noise", precise_noise_ns, 1.0, 0.0, 1e6),
	P("precise", CLOCKMODEL_BOOL, precise, 1.0, 0.0, 1.0),
	P("seed", CLOCKMODEL_INTEGER, seed, 1.0, 0.0, SEED_MAX),
};
/* clang-format on */
#undef T
#undef P

static const struct param_desc *find_param(const char *name)
{
	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++)
		if (strcmp(params[i].name, name) == 0)
			return &params[i];
	return NULL;
}

const char *clockmodel_param_name(size_t i)
{
	if (i >= sizeof(params) / sizeof(params[0]))
		return NULL;
	return params[i].name;
}

/* Whether @a and @b hold the same value in parameter @d's field. */
static bool param_equal(const struct param_desc *d,
			const struct clockmodel_params *a,
			const struct clockmodel_params *b)
{
	const char *fa = (const char *)a + d->offset;
	const char *fb = (const char *)b + d->offset;

	/* stored as in clockmodel_set_param() */
	if (d->unit == CLOCKMODEL_INTEGER)
		return *(const uint64_t *)(const void *)fa ==
		       *(const uint64_t *)(const void *)fb;
	if (d->unit == CLOCKMODEL_BOOL)
		return *(const bool *)(const void *)fa ==
		       *(const bool *)(const void *)fb;
	return *(const double *)(const void *)fa ==
	       *(const double *)(const void *)fb;
}

bool clockmodel_params_equal(const struct clockmodel_params *a,
			     const struct clockmodel_params *b)
{
	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++)
		if (!param_equal(&params[i], a, b))
			return false;
	return true;
}

int clockmodel_param_unit(const char *name)
{
	const struct param_desc *d = find_param(name);
	return d ? (int)d->unit : -ENOENT;
}

int clockmodel_param_range(const char *name, double *min, double *max)
{
	const struct param_desc *d = find_param(name);
	if (!d)
		return -ENOENT;
	*min = d->min;
	*max = d->max;
	return 0;
}

/* Whether @value may be stored in parameter @d. */
static bool in_range(const struct param_desc *d, double value)
{
	if (!(value >= d->min && value <= d->max)) /* NaN fails too */
		return false;
	return d->unit != CLOCKMODEL_INTEGER || value == floor(value);
}

int clockmodel_set_param(struct clockmodel_params *p, const char *name,
			 double value)
{
	const struct param_desc *d = find_param(name);
	if (!d)
		return -ENOENT;
	if (!in_range(d, value))
		return -ERANGE;
	/* INTEGER is a uint64_t, BOOL a bool, every other unit a double */
	char *field = (char *)p + d->offset;
	if (d->unit == CLOCKMODEL_INTEGER) {
		uint64_t u = (uint64_t)value;
		memcpy(field, &u, sizeof(u));
	} else if (d->unit == CLOCKMODEL_BOOL) {
		bool b = value != 0.0;
		memcpy(field, &b, sizeof(b));
	} else {
		double scaled = value * d->scale;
		memcpy(field, &scaled, sizeof(scaled));
	}
	return 0;
}
