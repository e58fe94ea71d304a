/* test_clockmodel.c: the simulated clock is deterministic and as configured. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>

#include "clockmodel.h"
#include "profiles.h"

#define EPOCH 1700000000000000000LL
#define SEC 1000000000LL

static void test_offset_and_frequency(void **state)
{
	struct clockmodel_params p;
	struct clockmodel m;

	clockmodel_defaults(&p);
	p.offset_ns = 250000.0;
	p.freq_ppm = 2.0;
	clockmodel_init(&m, &p, EPOCH);
	assert_float_equal(clockmodel_true_offset(&m, EPOCH), 250000.0, 1e-9);
	/* 2 ppm over 10 s is 20 us */
	assert_float_equal(clockmodel_true_offset(&m, EPOCH + 10 * SEC),
			   270000.0, 1e-6);
}

static void test_deterministic_for_seed(void **state)
{
	struct clockmodel_params p;
	struct clockmodel a, b;
	struct phc_reading ra[25], rb[25];

	clockmodel_defaults(&p);
	p.wander_ns = 5.0;
	p.spike_prob = 0.1;
	p.spike_ns = 10000.0;
	p.seed = 42;
	clockmodel_init(&a, &p, EPOCH);
	clockmodel_init(&b, &p, EPOCH);
	for (int i = 0; i < 10; i++) {
		clockmodel_read_extended(&a, EPOCH + i * SEC, ra, 25);
		clockmodel_read_extended(&b, EPOCH + i * SEC, rb, 25);
		assert_memory_equal(ra, rb, sizeof(ra));
	}
	p.seed = 43;
	clockmodel_init(&b, &p, EPOCH);
	clockmodel_read_extended(&b, EPOCH + 9 * SEC, rb, 25);
	assert_memory_not_equal(ra, rb, sizeof(ra));
}

/* The truth does not depend on when, or whether, the clock was read. */
static void test_truth_independent_of_reads(void **state)
{
	struct clockmodel_params p;
	struct clockmodel a, b;
	struct phc_reading r[25];

	clockmodel_defaults(&p);
	p.wander_ns = 20.0;
	p.step_interval_s = 5.0;
	p.step_ns = 3000.0;
	clockmodel_init(&a, &p, EPOCH);
	clockmodel_init(&b, &p, EPOCH);
	for (int i = 0; i < 100; i++)
		clockmodel_read_extended(&a, EPOCH + i * SEC / 3, r, 25);
	double late = clockmodel_true_offset(&a, EPOCH + 40 * SEC + 123);
	assert_float_equal(clockmodel_true_offset(&b, EPOCH + 40 * SEC + 123),
			   late, 1e-9);
	/* asking for an earlier time again gives the same answer */
	double early = clockmodel_true_offset(&b, EPOCH + 2 * SEC);
	clockmodel_true_offset(&b, EPOCH + 60 * SEC);
	assert_float_equal(clockmodel_true_offset(&b, EPOCH + 2 * SEC), early,
			   1e-9);
	/* wander and steps moved the offset away from zero */
	assert_true(fabs(late) > 1.0);
}

static void test_steps_happen(void **state)
{
	struct clockmodel_params p;
	struct clockmodel m;
	int jumps = 0;

	clockmodel_defaults(&p);
	p.step_interval_s = 10.0;
	p.step_ns = 5000.0;
	clockmodel_init(&m, &p, EPOCH);
	double prev = clockmodel_true_offset(&m, EPOCH);
	for (int i = 1; i <= 1000; i++) {
		double cur = clockmodel_true_offset(&m, EPOCH + i * SEC / 10);
		if (fabs(cur - prev) > 4999.0)
			jumps++;
		prev = cur;
	}
	/* 100 s with a mean interval of 10 s */
	assert_in_range(jumps, 3, 30);
}

static void test_readings_bracket_truth(void **state)
{
	struct clockmodel_params p;
	struct clockmodel m;
	struct phc_reading r[25];

	clockmodel_defaults(&p);
	p.offset_ns = -37e9; /* a TAI/UTC sized offset */
	p.jitter_ns = 200.0;
	p.spike_prob = 0.05;
	p.spike_ns = 50000.0;
	clockmodel_init(&m, &p, EPOCH);
	clockmodel_read_extended(&m, EPOCH + SEC, r, 25);
	for (int i = 0; i < 25; i++) {
		assert_true(r[i].sys_after >= r[i].sys_before + 1000);
		if (i)
			assert_true(r[i].sys_before >= r[i - 1].sys_after);
		/* the PHC was latched inside the window */
		int64_t latched = r[i].phc + 37000000000LL;
		assert_true(latched >= r[i].sys_before - 1);
		assert_true(latched <= r[i].sys_after + 1);
	}
}

static void test_precise_and_vanish(void **state)
{
	struct clockmodel_params p;
	struct clockmodel m;
	struct phc_reading r;

	clockmodel_defaults(&p);
	p.offset_ns = 1000.0;
	p.precise = true;
	p.precise_noise_ns = 0.0;
	p.vanish_at_s = 5.0;
	p.vanish_for_s = 2.0;
	clockmodel_init(&m, &p, EPOCH);
	clockmodel_read_precise(&m, EPOCH + SEC, &r);
	assert_int_equal(r.sys_before, r.sys_after);
	assert_int_equal(r.phc - r.sys_before, 1000);
	assert_false(clockmodel_vanished(&m, EPOCH + 4 * SEC));
	assert_true(clockmodel_vanished(&m, EPOCH + 5 * SEC));
	assert_true(clockmodel_vanished(&m, EPOCH + 6 * SEC));
	assert_false(clockmodel_vanished(&m, EPOCH + 7 * SEC));
}

static void test_set_param(void **state)
{
	struct clockmodel_params p;

	clockmodel_defaults(&p);
	assert_int_equal(clockmodel_set_param(&p, "offset", -5e3), 0);
	assert_float_equal(p.offset_ns, -5e3, 0);
	assert_int_equal(clockmodel_set_param(&p, "step_interval", 30e9), 0);
	assert_float_equal(p.step_interval_s, 30.0, 1e-12);
	assert_int_equal(clockmodel_set_param(&p, "precise", 1), 0);
	assert_true(p.precise);
	assert_int_equal(clockmodel_set_param(&p, "freq_wander", 2e-3), 0);
	assert_float_equal(p.freq_wander_ppm, 2e-3, 0);
	assert_int_equal(clockmodel_set_param(&p, "temp_amplitude", 0.2), 0);
	assert_float_equal(p.temp_amplitude_ppm, 0.2, 0);
	assert_int_equal(clockmodel_set_param(&p, "temp_period", 600e9), 0);
	assert_float_equal(p.temp_period_s, 600.0, 1e-12);
	assert_int_equal(clockmodel_param_unit("freq_wander"), CLOCKMODEL_PPM);
	assert_int_equal(clockmodel_param_unit("temp_period"),
			 CLOCKMODEL_TIME);
	assert_int_equal(clockmodel_set_param(&p, "seed", 7), 0);
	assert_int_equal(p.seed, 7);
	assert_int_equal(clockmodel_set_param(&p, "spike_prob", 1.5), -ERANGE);
	assert_int_equal(clockmodel_set_param(&p, "delay", -1), -ERANGE);
	assert_int_equal(clockmodel_set_param(&p, "seed", 1.5), -ERANGE);
	assert_int_equal(clockmodel_set_param(&p, "nonsense", 1), -ENOENT);
	assert_int_equal(clockmodel_param_unit("freq"), CLOCKMODEL_PPM);
	assert_int_equal(clockmodel_param_unit("jitter"), CLOCKMODEL_TIME);
	assert_int_equal(clockmodel_param_unit("nope"), -ENOENT);
}

/* The true offset at @t_s seconds after EPOCH. */
static double offset_at(struct clockmodel *m, double t_s)
{
	return clockmodel_true_offset(m, EPOCH + llround(t_s * SEC));
}

/* The true frequency error at @t_s seconds after EPOCH. */
static double freq_at(struct clockmodel *m, double t_s)
{
	return clockmodel_true_freq(m, EPOCH + llround(t_s * SEC));
}

/*
 * The profiles as they were before frequency wander and the temperature
 * cycle existed: their true offsets at these times, printed with %a by the
 * model of commit 7132ddd. The new terms, 0 in these profiles, must leave
 * every bit as it was.
 */
static const int64_t old_times[] = {
	0, 1, 500000000LL, 1250000000LL, 17300000001LL, 123456789012LL,
	600000000000LL, 3600100000000LL, 59999999999LL,
};

/* clang-format off */
static const struct {
	const char *profile;
	double offset_ns[9];
} old_offsets[] = {
	{ "kvm", { 0x1.77p+10, 0x1.77000000135b6p+10, 0x1.7940e18494d2p+10,
		   0x1.7ccbce87bff66p+10, 0x1.cf0ef65b11ce2p+10,
		   0x1.efa3ec4093aa7p+11, 0x1.a3caea69a50d4p+13,
		   0x1.1ed8cb9fb953p+16, 0x1.5135f55ed88c8p+11 } },
	{ "nic", { 0x1.f4p+7, 0x1.f40000283c91ap+7, 0x1.a8c937834c681p+9,
		   0x1.b508da7f07126p+10, 0x1.485eba857b7e7p+14,
		   0x1.21c42d0532862p+17, 0x1.5fb130a03abe3p+19,
		   0x1.07b963898b8f8p+22, 0x1.1a1c2a7db413dp+16 } },
	{ "hyperv", { -0x1.77p+11, -0x1.76fffffef2279p+11,
		      -0x1.5795fb9d7ced3p+11, -0x1.281a8148080fcp+11,
		      0x1.5e0be68339ef4p+12, 0x1.caeebad37d90fp+15,
		      0x1.22295b329a5c9p+18, 0x1.b6b5bae868c5dp+20,
		      0x1.a5b6270df1224p+14 } },
	{ "vmw", { 0x1.f4p+10, 0x1.f3fffffca311cp+10, 0x1.8fc64388f8c48p+10,
		   0x1.f21fccce4969cp+9, -0x1.72c76fd21c79ep+13,
		   -0x1.7a995103f8288p+16, -0x1.d2ed1e2209d28p+18,
		   -0x1.5f44f8c4e6e24p+21, -0x1.6893ef0c2729ap+15 } },
	{ "steps", { 0x1.f4p+7, 0x1.f40000281a078p+7, 0x1.a7c7e087be6a5p+9,
		     0x1.b3ddb4777220ap+10, 0x1.47d2296feca81p+14,
		     0x1.8374fdf869c35p+17, 0x1.c15808f500a08p+19,
		     0x1.41b12b86961cp+22, 0x1.1a351e0615098p+16 } },
};
/* clang-format on */

/* Check every old_times offset of @p against @want, bit for bit. */
static void expect_old_offsets(const struct clockmodel_params *p,
			       const double *want, const char *what)
{
	struct clockmodel m;

	clockmodel_init(&m, p, EPOCH);
	for (size_t j = 0; j < sizeof(old_times) / sizeof(old_times[0]); j++) {
		double got = clockmodel_true_offset(&m, EPOCH + old_times[j]);
		if (memcmp(&got, &want[j], sizeof(got)) != 0)
			fail_msg("%s at %lld ns: %a, was %a", what,
				 (long long)old_times[j], got, want[j]);
	}
}

/* With the new terms at 0 the profiles give the old offsets exactly, and
 * so does a temperature cycle missing its amplitude or its period. */
static void test_old_profiles_unchanged(void **state)
{
	for (size_t i = 0; i < sizeof(old_offsets) / sizeof(old_offsets[0]);
	     i++) {
		const struct clockmodel_params *prof =
			clockmodel_profile(old_offsets[i].profile);
		struct clockmodel_params p;

		assert_non_null(prof);
		p = *prof;
		assert_true(p.freq_wander_ppm == 0.0);
		assert_true(p.temp_amplitude_ppm == 0.0);
		expect_old_offsets(&p, old_offsets[i].offset_ns,
				   old_offsets[i].profile);
		p.temp_period_s = 600.0; /* no amplitude: no cycle */
		expect_old_offsets(&p, old_offsets[i].offset_ns,
				   "period without amplitude");
		p.temp_period_s = 0.0;
		p.temp_amplitude_ppm = 0.2; /* no period: no cycle */
		expect_old_offsets(&p, old_offsets[i].offset_ns,
				   "amplitude without period");
	}
}

/*
 * The temperature cycle: frequency A sin(2 pi t / P), offset its integral
 * A P / (2 pi) (1 - cos(2 pi t / P)), in phase, a long way from the epoch
 * too.
 */
static void test_temp_cycle_closed_form(void **state)
{
	const double amp = 0.2, period = 600.0; /* ppm, s */
	const double peak = amp * 1e3 * period / (2.0 * M_PI); /* ns */
	struct clockmodel_params p;
	struct clockmodel m;

	clockmodel_defaults(&p);
	p.offset_ns = 100.0;
	p.freq_ppm = -0.5;
	p.temp_amplitude_ppm = amp;
	p.temp_period_s = period;
	clockmodel_init(&m, &p, EPOCH);
	for (int day = 0; day <= 10; day += 10) {
		double t0 = day * 86400.0;
		double lin = 100.0 - 0.5e3 * t0;
		/* zero and rising at the start of each period */
		assert_float_equal(offset_at(&m, t0), lin, 1e-6);
		assert_float_equal(freq_at(&m, t0), -0.5, 1e-12);
		/* a quarter in: fastest, half the peak built up */
		assert_float_equal(freq_at(&m, t0 + 150.0), -0.5 + amp, 1e-12);
		assert_float_equal(offset_at(&m, t0 + 150.0),
				   lin - 0.5e3 * 150.0 + peak, 1e-6);
		/* half way: the peak, the frequency back to its mean */
		assert_float_equal(offset_at(&m, t0 + 300.0),
				   lin - 0.5e3 * 300.0 + 2.0 * peak, 1e-6);
		assert_float_equal(freq_at(&m, t0 + 300.0), -0.5, 1e-12);
		assert_float_equal(freq_at(&m, t0 + 450.0), -0.5 - amp, 1e-12);
		/* a whole period: nothing left but the constant frequency */
		assert_float_equal(offset_at(&m, t0 + 600.0),
				   lin - 0.5e3 * 600.0, 1e-6);
	}
	/* everywhere: the offset's slope is the frequency */
	for (double t = 0.25; t < 1200.0; t += 7.3) {
		double slope = (offset_at(&m, t + 1e-3) -
				offset_at(&m, t - 1e-3)) / 2e-3 * 1e-3;
		assert_float_equal(slope, freq_at(&m, t), 1e-6);
	}
	/* a cosine of the right phase: the frequency peaks at P / 4 */
	double best = -INFINITY, best_t = -1.0;
	for (int t = 1; t < 600; t++) {
		double slope = offset_at(&m, t + 0.5) - offset_at(&m, t - 0.5);
		if (slope > best) {
			best = slope;
			best_t = t;
		}
	}
	assert_float_equal(best_t, 150.0, 0.0);
}

/* Increments of the frequency walk over @dt_s seconds from whole second
 * @t_s, of @n seeds: their mean and variance, in ppm and ppm^2. */
static void walk_increments(double sigma, int n, double t_s, double dt_s,
			    double *mean, double *var)
{
	struct clockmodel_params p;
	struct clockmodel m;
	double sum = 0.0, sum2 = 0.0;

	clockmodel_defaults(&p);
	p.freq_wander_ppm = sigma;
	for (int s = 0; s < n; s++) {
		p.seed = 1000 + (uint64_t)s;
		clockmodel_init(&m, &p, EPOCH);
		double d = freq_at(&m, t_s + dt_s) - freq_at(&m, t_s);
		sum += d;
		sum2 += d * d;
	}
	*mean = sum / n;
	*var = sum2 / n - *mean * *mean;
}

/*
 * The frequency walk's increments: mean 0, variance sigma^2 per second,
 * growing linearly with the interval (a random walk, not white noise), and
 * uncorrelated from one second to the next. The bounds are about five
 * standard errors of each estimate wide.
 */
static void test_freq_wander_variance(void **state)
{
	const double sigma = 0.001; /* ppm per sqrt(s) */
	struct clockmodel_params p;
	struct clockmodel m;
	double mean, var, sum = 0.0, sum2 = 0.0, lag = 0.0;
	int n = 0;

	/* 1 s increments: 400 seeds x 50 knots, standard error 1 % */
	clockmodel_defaults(&p);
	p.freq_wander_ppm = sigma;
	for (int s = 0; s < 400; s++) {
		double prev_d = 0.0;
		p.seed = 5000 + (uint64_t)s;
		clockmodel_init(&m, &p, EPOCH);
		for (int k = 0; k < 50; k++) {
			double d = freq_at(&m, k + 1) - freq_at(&m, k);
			sum += d;
			sum2 += d * d;
			if (k)
				lag += d * prev_d;
			prev_d = d;
			n++;
		}
	}
	mean = sum / n;
	var = sum2 / n - mean * mean;
	print_message("1 s: mean %.3g sigma, variance %.3f sigma^2, lag-1 "
		      "correlation %.3f\n", mean / sigma, var / (sigma * sigma),
		      lag / (n - 400) / var);
	assert_true(fabs(mean) < 5.0 * sigma / sqrt(n));
	assert_in_range((long)llround(var / (sigma * sigma) * 1000), 950,
			1050);
	/* lag-1 correlation, standard error 1 / sqrt(n) = 0.7 % */
	assert_true(fabs(lag / (n - 400) / var) < 0.035);
	/* 100 s increments late in the walk: 2000 seeds, standard error 3 % */
	walk_increments(sigma, 2000, 300.0, 100.0, &mean, &var);
	print_message("100 s: variance %.3f x 100 sigma^2\n",
		      var / (100.0 * sigma * sigma));
	assert_true(fabs(mean) < 5.0 * sigma * 10.0 / sqrt(2000));
	assert_in_range((long)llround(var / (100.0 * sigma * sigma) * 1000),
			850, 1150);
	/* half a second: the frequency is linear between knots, so the
	 * variance is a quarter of a second's (not a half) */
	walk_increments(sigma, 2000, 20.0, 0.5, &mean, &var);
	print_message("0.5 s: variance %.3f x sigma^2 / 4\n",
		      var / (0.25 * sigma * sigma));
	assert_in_range((long)llround(var / (0.25 * sigma * sigma) * 1000),
			850, 1150);
}

/* The offset is the integral of the walk's frequency: the trapezoids
 * between knots add up, and inside a segment the slope is the frequency. */
static void test_freq_wander_integral(void **state)
{
	struct clockmodel_params p;
	struct clockmodel m;
	double integral = 0.0;

	clockmodel_defaults(&p);
	p.freq_wander_ppm = 0.003;
	p.seed = 77;
	clockmodel_init(&m, &p, EPOCH);
	for (int k = 0; k < 500; k++) {
		double f0 = freq_at(&m, k), f1 = freq_at(&m, k + 1);
		integral += 0.5 * (f0 + f1) * 1e3;
		assert_float_equal(offset_at(&m, k + 1), integral,
				   1e-9 * (1.0 + fabs(integral)));
		double t = k + 0.37;
		double slope = (offset_at(&m, t + 1e-3) -
				offset_at(&m, t - 1e-3)) / 2e-3 * 1e-3;
		assert_float_equal(slope, freq_at(&m, t), 1e-6);
	}
	/* it did walk: 500 s at 0.003 ppm/sqrt(s) is 0.07 ppm rms */
	assert_true(fabs(freq_at(&m, 500.0)) > 1e-3);
}

/* No jump in the offset or the frequency where the walk's segments meet. */
static void test_freq_wander_continuous(void **state)
{
	struct clockmodel_params p;
	struct clockmodel m;

	clockmodel_defaults(&p);
	p.freq_wander_ppm = 0.01;
	p.seed = 9;
	clockmodel_init(&m, &p, EPOCH);
	for (int64_t k = 1; k < 1000; k++) {
		int64_t knot = EPOCH + k * SEC;
		double before = clockmodel_true_offset(&m, knot - 1);
		double at = clockmodel_true_offset(&m, knot);
		double after = clockmodel_true_offset(&m, knot + 1);
		double f = clockmodel_true_freq(&m, knot);
		/* 1 ns at f ppm moves the offset by f * 1e-6 ns */
		double tol = fabs(f) * 1e-6 * 1.01 + 1e-9 * (1.0 + fabs(at));
		if (fabs(at - before) > tol || fabs(after - at) > tol)
			fail_msg("offset jumps at knot %lld: %.9f %.9f %.9f",
				 (long long)k, before, at, after);
		/* the frequency's slope is at most a few sigma per second */
		assert_true(fabs(clockmodel_true_freq(&m, knot - 1) - f) <
			    1e-9);
		assert_true(fabs(clockmodel_true_freq(&m, knot + 1) - f) <
			    1e-9);
	}
}

/* A seed gives one clock however it is asked: forwards, backwards, by
 * jumps and one second back, as threads of fakephc may ask. */
static void test_freq_wander_deterministic(void **state)
{
	struct clockmodel_params p;
	struct clockmodel fwd, mixed, other;
	static const int order[] = { 700, 3, 699, 698, 250, 251, 249, 5, 999,
				     0, 998, 1, 500 };
	double want[1000], got;

	clockmodel_defaults(&p);
	p.freq_wander_ppm = 0.002;
	p.wander_ns = 5.0;
	p.temp_amplitude_ppm = 0.2;
	p.temp_period_s = 600.0;
	p.seed = 606;
	clockmodel_init(&fwd, &p, EPOCH);
	clockmodel_init(&mixed, &p, EPOCH);
	for (int i = 0; i < 1000; i++)
		want[i] = offset_at(&fwd, i + 0.3);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		got = offset_at(&mixed, order[i] + 0.3);
		assert_memory_equal(&got, &want[order[i]], sizeof(got));
	}
	for (int i = 999; i >= 0; i -= 37) {
		got = offset_at(&mixed, i + 0.3);
		assert_memory_equal(&got, &want[i], sizeof(got));
	}
	p.seed = 607;
	clockmodel_init(&other, &p, EPOCH);
	assert_true(offset_at(&other, 999.3) != want[999]);
}

/* Every parameter's range is in its table entry: absurd values refused. */
static void test_param_ranges(void **state)
{
	static const struct {
		const char *name;
		double value;
	} bad[] = {
		{ "offset", 86401e9 },	  { "offset", -86401e9 },
		{ "freq", 1000.5 },	  { "freq", -1e5 },
		{ "wander", -1.0 },	  { "delay", 1e300 },
		{ "jitter", 10.5e6 },	  { "spike", -1.0 },
		{ "stall", 1.5e9 },	  { "step_interval", 86401e9 },
		{ "step", -2e9 },	  { "vanish_at", -1.0 },
		{ "vanish_for", 1e20 },	  { "precise_noise", 2e6 },
		{ "spike_prob", -0.1 },	  { "stall_prob", 1.1 },
		{ "seed", 9007199254740994.0 }, { "seed", -1.0 },
		{ "delay", NAN },	  { "offset", INFINITY },
		{ "precise", 2.0 },
		{ "freq_wander", -1e-6 }, { "freq_wander", 0.11 },
		{ "temp_amplitude", -0.1 }, { "temp_amplitude", 10.5 },
		{ "temp_period", -1e9 },  { "temp_period", 86401e9 },
	};
	struct clockmodel_params p, before;
	double lo, hi;

	clockmodel_defaults(&p);
	before = p;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (clockmodel_set_param(&p, bad[i].name, bad[i].value) !=
		    -ERANGE)
			fail_msg("%s %g accepted", bad[i].name, bad[i].value);
	assert_memory_equal(&p, &before, sizeof(p));
	assert_int_equal(clockmodel_set_param(&p, "offset", 37e9), 0);
	assert_int_equal(clockmodel_set_param(&p, "seed", 9007199254740992.0),
			 0);
	assert_true(p.seed == 9007199254740992ULL);
	assert_int_equal(clockmodel_param_range("stall", &lo, &hi), 0);
	assert_float_equal(lo, 0.0, 0);
	assert_float_equal(hi, 1e9, 0);
	assert_int_equal(clockmodel_param_range("nope", &lo, &hi), -ENOENT);
	assert_int_equal(clockmodel_param_unit("seed"), CLOCKMODEL_INTEGER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offset_and_frequency),
		cmocka_unit_test(test_deterministic_for_seed),
		cmocka_unit_test(test_truth_independent_of_reads),
		cmocka_unit_test(test_steps_happen),
		cmocka_unit_test(test_readings_bracket_truth),
		cmocka_unit_test(test_precise_and_vanish),
		cmocka_unit_test(test_set_param),
		cmocka_unit_test(test_param_ranges),
		cmocka_unit_test(test_old_profiles_unchanged),
		cmocka_unit_test(test_temp_cycle_closed_form),
		cmocka_unit_test(test_freq_wander_variance),
		cmocka_unit_test(test_freq_wander_integral),
		cmocka_unit_test(test_freq_wander_continuous),
		cmocka_unit_test(test_freq_wander_deterministic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
