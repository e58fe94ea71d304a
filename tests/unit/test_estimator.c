/* test_estimator.c: delay-based rejection and the per-poll offset estimate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "clockmodel.h"
#include "estimator.h"
#include "stats.h"

#define EPOCH 1700000000000000000LL

static const struct est_config filtered = { true, 0.3 };
static const struct est_config plain = { false, 0.3 };
static const struct est_config filtered_all = { true, 1.0 };

static void test_exact_midpoint(void **state)
{
	struct est_state st;
	struct est_sample s;
	/* PHC latched exactly mid-window, 1000 ns windows, offset 250 us */
	struct phc_reading r[3] = {
		{ EPOCH, EPOCH + 500 + 250000, EPOCH + 1000 },
		{ EPOCH + 2000, EPOCH + 2500 + 250000, EPOCH + 3000 },
		{ EPOCH + 4000, EPOCH + 4500 + 250000, EPOCH + 5000 },
	};

	est_init(&st);
	assert_int_equal(est_from_readings(&st, &filtered, r, 3, &s), 0);
	assert_float_equal(s.offset_ns, 250000.0, 1e-9);
	assert_float_equal(s.delay_ns, 1000.0, 1e-9);
	assert_int_equal(s.sys_ns, EPOCH + 2500);
	assert_float_equal(s.err_ns, 501.0, 1e-9);
	assert_int_equal(s.total, 3);
}

static void test_invalid_readings(void **state)
{
	struct est_state st;
	struct est_sample s;
	struct phc_reading bad[2] = {
		{ EPOCH + 10, EPOCH, EPOCH }, /* after < before */
		{ EPOCH + 99, EPOCH, EPOCH + 1 },
	};
	struct phc_reading mixed[2] = {
		{ EPOCH + 10, EPOCH, EPOCH },
		{ EPOCH, EPOCH + 1050, EPOCH + 100 },
	};

	est_init(&st);
	assert_int_equal(est_from_readings(&st, &filtered, bad, 2, &s), -EINVAL);
	assert_int_equal(est_from_readings(&st, &filtered, mixed, 2, &s), 0);
	assert_int_equal(s.total, 1);
	assert_float_equal(s.offset_ns, 1000.0, 1e-9);
}

static void test_plain_mean_when_unfiltered(void **state)
{
	struct est_state st;
	struct est_sample s;
	struct phc_reading r[2] = {
		{ EPOCH, EPOCH + 100, EPOCH + 200 },	       /* offset 0 */
		{ EPOCH + 1000, EPOCH + 50000, EPOCH + 101000 }, /* -1000 */
	};

	est_init(&st);
	assert_int_equal(est_from_readings(&st, &plain, r, 2, &s), 0);
	assert_int_equal(s.used, 2);
	assert_float_equal(s.offset_ns, -500.0, 1e-9);
}

/* Error of each poll's estimate against the model's truth. */
static double rms_error(const struct clockmodel_params *p,
			const struct est_config *cfg, double *max_err)
{
	struct clockmodel m;
	struct est_state st;
	struct phc_reading r[25];
	struct est_sample s;
	double sum = 0.0;
	int polls = 2000;

	clockmodel_init(&m, p, EPOCH);
	est_init(&st);
	*max_err = 0.0;
	for (int i = 0; i < polls; i++) {
		int64_t t = EPOCH + (int64_t)i * 125000000LL;
		clockmodel_read_extended(&m, t, r, 25);
		assert_int_equal(est_from_readings(&st, cfg, r, 25, &s), 0);
		double e = s.offset_ns - clockmodel_true_offset(&m, s.sys_ns);
		sum += e * e;
		if (fabs(e) > *max_err)
			*max_err = fabs(e);
	}
	return sqrt(sum / polls);
}

/*
 * 5 % of readings take 50 times the usual delay (and the PHC is latched
 * anywhere inside them): the filtered estimate must stay within the noise
 * of clean readings, while a plain mean is thrown far off.
 */
static void test_heavy_tail_rejected(void **state)
{
	struct clockmodel_params clean, dirty;
	double clean_max, dirty_max, naive_max;

	clockmodel_defaults(&clean);
	clean.offset_ns = 250000.0;
	clean.freq_ppm = 2.0;
	clean.delay_ns = 1000.0;
	clean.jitter_ns = 100.0;
	clean.seed = 7;
	dirty = clean;
	dirty.spike_prob = 0.05;
	dirty.spike_ns = 50000.0 / 5.5; /* spikes of ~50x the delay */

	double clean_rms = rms_error(&clean, &filtered, &clean_max);
	double dirty_rms = rms_error(&dirty, &filtered, &dirty_max);
	double naive_rms = rms_error(&dirty, &plain, &naive_max);

	print_message("clean rms %.1f ns max %.1f; 5%% spikes: rms %.1f max %.1f; "
		      "unfiltered rms %.1f max %.1f\n", clean_rms, clean_max,
		      dirty_rms, dirty_max, naive_rms, naive_max);
	assert_true(dirty_rms <= 1.1 * clean_rms);
	assert_true(dirty_max <= 1.1 * clean_max + 1.0);
	/* the test would notice a filter that did nothing */
	assert_true(naive_rms > 5.0 * clean_rms);
}

static void test_degraded_poll_uses_fastest(void **state)
{
	struct est_state st;
	struct est_sample s;
	struct phc_reading r[5];

	est_init(&st);
	for (int k = 0; k < 20; k++) {
		for (int i = 0; i < 5; i++) {
			int64_t t = EPOCH + k * 100000 + i * 2000;
			r[i] = (struct phc_reading){ t, t + 500, t + 1000 };
		}
		est_from_readings(&st, &filtered, r, 5, &s);
		assert_false(s.degraded);
	}
	/* a stalled poll: every reading far slower than usual */
	for (int i = 0; i < 5; i++) {
		int64_t t = EPOCH + 3000000 + i * 100000;
		int64_t d = 50000 + i * 1000;
		r[i] = (struct phc_reading){ t, t + d / 2 + 7, t + d };
	}
	assert_int_equal(est_from_readings(&st, &filtered, r, 5, &s), 0);
	assert_true(s.degraded);
	assert_int_equal(s.used, 1);
	assert_float_equal(s.delay_ns, 50000.0, 1e-9);
	assert_float_equal(s.offset_ns, 7.0, 1e-9);
}

static void test_quantile(void **state)
{
	struct est_state st;
	struct est_sample s;
	struct phc_reading r[10];

	est_init(&st);
	assert_float_equal(est_delay_quantile(&st, 0.5), 0.0, 0);
	for (int i = 0; i < 10; i++) {
		int64_t t = EPOCH + i * 10000;
		r[i] = (struct phc_reading){ t, t, t + 100 * (i + 1) };
	}
	est_from_readings(&st, &filtered, r, 10, &s);
	assert_float_equal(est_delay_quantile(&st, 0.1), 100.0, 0);
	assert_float_equal(est_delay_quantile(&st, 0.3), 300.0, 0);
	assert_float_equal(est_delay_quantile(&st, 1.0), 1000.0, 0);
	/* readings up to the 0.3 quantile: delays 100, 200, 300 */
	assert_int_equal(s.used, 3);
}

/*
 * The PHC is latched anywhere inside each read window: the middle of the
 * windows' intersection is far closer to the truth than their average
 * (error ~1/n against ~1/sqrt(n)), and more reads tighten it further.
 */
static double model_rms(const struct clockmodel_params *p,
			const struct est_config *cfg, int reads)
{
	struct clockmodel m;
	struct est_state st;
	struct phc_reading r[EST_MAX_READINGS];
	struct est_sample s;
	double sum = 0.0;
	int polls = 1000;

	clockmodel_init(&m, p, EPOCH);
	est_init(&st);
	for (int i = 0; i < polls; i++) {
		int64_t t = EPOCH + (int64_t)i * 4000000000LL;
		for (int k = 0; k < reads; k++)
			t = clockmodel_read_extended(&m, t, r + 25 * k, 25) +
			    20000;
		assert_int_equal(est_from_readings(&st, cfg, r, 25 * reads, &s),
				 0);
		assert_int_equal(s.used, 25 * reads);
		double e = s.offset_ns - clockmodel_true_offset(&m, s.sys_ns);
		sum += e * e;
	}
	return sqrt(sum / polls);
}

static void test_intersection_beats_average(void **state)
{
	const struct est_config all = { true, 1.0 };
	struct clockmodel_params p;

	clockmodel_defaults(&p);
	p.delay_ns = 800.0;
	p.jitter_ns = 200.0;
	p.freq_ppm = 1.2;
	p.seed = 3;
	double one = model_rms(&p, &all, 1);
	double four = model_rms(&p, &all, 4);
	double avg = model_rms(&p, &plain, 1);

	print_message("25 readings: intersection rms %.1f ns, plain mean %.1f "
		      "ns; 4 x 25: %.1f ns\n", one, avg, four);
	/* a window's offset error is uniform over +-450 ns: sd ~260 ns */
	assert_true(avg > 40.0);
	assert_true(one < avg / 2.0);
	assert_true(four < one / 2.5);
}

/* A reading whose window misses the truth is outvoted, not averaged in. */
static void test_disagreeing_window_outvoted(void **state)
{
	struct est_state st;
	struct est_sample s;
	struct phc_reading r[5];

	est_init(&st);
	for (int i = 0; i < 5; i++) {
		int64_t t = EPOCH + i * 2000;
		/* offset 1000, latched at 30..70 % of 1000 ns windows */
		r[i] = (struct phc_reading){ t, t + 300 + 100 * i + 1000,
					     t + 1000 };
	}
	r[2].phc += 5000; /* a glitch: narrow window, 5 us off */
	assert_int_equal(est_from_readings(&st, &filtered_all, r, 5, &s), 0);
	assert_false(s.degraded);
	assert_int_equal(s.used, 4);
	/* windows allow [1000 - 600 + ..]: the region [1000-300, 1000+300] */
	assert_float_equal(s.offset_ns, 1000.0, 300.0);
	assert_true(s.err_ns <= 301.5);
}

/* Windows in two camps, neither a majority: take the fastest reading. */
static void test_no_majority_is_degraded(void **state)
{
	struct est_state st;
	struct est_sample s;
	struct phc_reading r[4];

	est_init(&st);
	for (int i = 0; i < 4; i++) {
		int64_t t = EPOCH + i * 5000;
		int64_t d = 1000 + 100 * i;
		int64_t off = i % 2 ? 20000 : 0;
		r[i] = (struct phc_reading){ t, t + d / 2 + off, t + d };
	}
	assert_int_equal(est_from_readings(&st, &filtered_all, r, 4, &s), 0);
	assert_true(s.degraded);
	assert_int_equal(s.used, 1);
	assert_float_equal(s.offset_ns, 0.0, 1e-9); /* reading 0 */
}

/* Cross-timestamps: averaged, a far one dropped. */
static void test_cross_timestamps_averaged(void **state)
{
	struct est_state st;
	struct est_sample s;
	struct phc_reading r[6];
	const int64_t off[6] = { 37, 39, 41, 43, 45, 900 };

	est_init(&st);
	for (int i = 0; i < 6; i++) {
		int64_t t = EPOCH + i * 10000;
		r[i] = (struct phc_reading){ t, t + off[i], t };
	}
	assert_int_equal(est_from_readings(&st, &filtered_all, r, 6, &s), 0);
	assert_int_equal(s.used, 5);
	assert_float_equal(s.offset_ns, 41.0, 1e-9);
	assert_int_equal(s.sys_ns, EPOCH + 20000);
	assert_true(s.err_ns >= 1.0 && s.err_ns < 3.0);
}

/* A small deterministic generator, so a failure can be replayed. */
static uint32_t lcg(uint32_t *x)
{
	*x = *x * 1664525u + 1013904223u;
	return *x >> 8;
}

/* Selection, median and quantile agree with a full sort, duplicates and
 * all. */
static void test_select_matches_sort(void **state)
{
	double v[257], sorted[257], work[257];
	uint32_t x = 1;

	for (int n = 1; n <= 257; n += 8) {
		for (int rep = 0; rep < 20; rep++) {
			for (int i = 0; i < n; i++) /* few values: many ties */
				v[i] = (double)(lcg(&x) % (rep % 2 ? 7 : 100000));
			memcpy(sorted, v, sizeof(v[0]) * (size_t)n);
			stats_sort(sorted, n);
			for (int i = 1; i < n; i++)
				assert_true(sorted[i - 1] <= sorted[i]);
			for (int k = 0; k < n; k += 1 + n / 16) {
				memcpy(work, v, sizeof(v[0]) * (size_t)n);
				assert_true(stats_select(work, n, k) == sorted[k]);
				for (int i = 0; i < n; i++)
					assert_true(i < k ? work[i] <= work[k]
							  : work[i] >= work[k]);
			}
			double median = n % 2 ? sorted[n / 2]
					      : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
			memcpy(work, v, sizeof(v[0]) * (size_t)n);
			assert_true(stats_median(work, n) == median);
			for (double q = 0.05; q <= 1.0; q += 0.15) {
				memcpy(work, v, sizeof(v[0]) * (size_t)n);
				assert_true(stats_quantile(work, n, q) ==
					    stats_quantile_sorted(sorted, n, q));
			}
			memcpy(work, v, sizeof(v[0]) * (size_t)n);
			assert_true(stats_quantile(work, n, 1.0) == sorted[n - 1]);
		}
	}
}

/* How many of the windows [phc - after, phc - before] cover @at. */
static int covering(const struct phc_reading *r, int n, double at)
{
	int c = 0;

	for (int i = 0; i < n; i++)
		c += (double)(r[i].phc - r[i].sys_after) - 0.5 <= at &&
		     (double)(r[i].phc - r[i].sys_before) + 0.5 >= at;
	return c;
}

/*
 * The estimate lies where the most read windows overlap: the sweep agrees
 * with counting the windows over every window end, on random windows with
 * shared ends (whole-ns timestamps, a few widths).
 */
static void test_sweep_finds_most_overlap(void **state)
{
	struct phc_reading r[100];
	uint32_t x = 7;

	for (int rep = 0; rep < 300; rep++) {
		struct est_state st;
		struct est_sample s;
		int n = 2 + rep % 99, best = 0;

		for (int i = 0; i < n; i++) {
			int64_t t = EPOCH + 1000 * i;
			int64_t w = 10 * (1 + lcg(&x) % 4);
			r[i] = (struct phc_reading){ t, t + 500 +
						     (int64_t)(lcg(&x) % 40), t + w };
		}
		for (int i = 0; i < n; i++) {
			int a = covering(r, n, (double)(r[i].phc - r[i].sys_after) - 0.5);
			int b = covering(r, n, (double)(r[i].phc - r[i].sys_before) + 0.5);
			best = a > best ? a : b > best ? b : best;
		}
		est_init(&st);
		assert_int_equal(est_from_readings(&st, &filtered_all, r, n, &s), 0);
		if (2 * best < n + 1) {
			assert_true(s.degraded);
			continue;
		}
		assert_false(s.degraded);
		assert_int_equal(s.used, best);
		assert_int_equal(covering(r, n, s.offset_ns), best);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_midpoint),
		cmocka_unit_test(test_invalid_readings),
		cmocka_unit_test(test_plain_mean_when_unfiltered),
		cmocka_unit_test(test_heavy_tail_rejected),
		cmocka_unit_test(test_degraded_poll_uses_fastest),
		cmocka_unit_test(test_quantile),
		cmocka_unit_test(test_intersection_beats_average),
		cmocka_unit_test(test_disagreeing_window_outvoted),
		cmocka_unit_test(test_no_majority_is_degraded),
		cmocka_unit_test(test_cross_timestamps_averaged),
		cmocka_unit_test(test_select_matches_sort),
		cmocka_unit_test(test_sweep_finds_most_overlap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
