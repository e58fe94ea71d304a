/* test_smoother.c: the wander the smoother learns, what it does to errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "smoother.h"

#define EPOCH 1700000000000000000LL
#define POLL 4000000000LL /* 0.25 Hz */

/* Deterministic uniform in (0, 1). */
static double uniform(uint64_t i)
{
	uint64_t x = i * 0x9e3779b97f4a7c15ULL + 0x1234567ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return ((double)(x >> 11) + 0.5) / 9007199254740992.0;
}

/* Deterministic standard normal (Box-Muller). */
static double normal(uint64_t i)
{
	return sqrt(-2.0 * log(uniform(2 * i))) *
	       cos(2.0 * M_PI * uniform(2 * i + 1));
}

/* A clock whose phase random-walks by @wander per poll (normal), read
 * with an error uniform within +-@err (every second sample +-@err2 when
 * @err2 is set), drifting at @freq_ppm. */
struct scenario {
	double wander, err, err2, freq_ppm;
	int polls;
	uint64_t seed;
};

struct outcome {
	double raw_rms, smoothed_rms, gain, wander;
};

/* Errors against the truth over the second half of the run. */
static struct outcome run(const struct scenario *sc, struct smo_state *st)
{
	double truth = 1000.0, raw2 = 0.0, sm2 = 0.0;
	int n = 0;

	smo_init(st);
	for (int i = 0; i < sc->polls; i++) {
		int64_t t = EPOCH + i * POLL;
		double err = sc->err2 > 0.0 && i % 2 ? sc->err2 : sc->err;
		truth += sc->wander * normal(sc->seed + 3 * (uint64_t)i) +
			 sc->freq_ppm * 1e-6 * (double)POLL;
		double z =
		    truth +
		    err * (2.0 * uniform(sc->seed + 3 * (uint64_t)i + 1) - 1.0);
		double out = smo_add(st, t, z, err, sc->freq_ppm);
		if (i >= sc->polls / 2) {
			raw2 += (z - truth) * (z - truth);
			sm2 += (out - truth) * (out - truth);
			n++;
		}
	}
	return (struct outcome){sqrt(raw2 / n), sqrt(sm2 / n), smo_gain(st),
				smo_wander(st)};
}

/* Precise samples of a wandering clock: passed (almost) unchanged. */
static void test_precise_samples_pass(void **state)
{
	struct scenario sc = {2.0, 0.8, 0.0, 0.02, 400, 1000};
	struct smo_state st;
	struct outcome o = run(&sc, &st);

	/* Kalman gain for Q = 4, R = 0.21: 0.95 */
	assert_true(o.gain > 0.85);
	assert_true(o.smoothed_rms <= 1.3 * o.raw_rms);
}

/* Noisy samples of a slowly wandering clock: averaged, errors shrink. */
static void test_noisy_samples_smoothed(void **state)
{
	struct scenario sc = {20.0, 350.0, 0.0, -0.8, 600, 2000};
	struct smo_state st;
	struct outcome o = run(&sc, &st);

	/* Kalman gain for Q = 400, R = 40800: about 0.09 */
	assert_true(o.gain < 0.3);
	assert_true(o.gain > 0.03);
	assert_true(o.smoothed_rms < 0.5 * o.raw_rms);
	/* the wander learned: 20 ns per 4 s poll is 10 ns/sqrt(s) */
	assert_true(o.wander >= 2.5 && o.wander <= 40.0);
}

/* Precise and vague samples alternate: each is weighed by its error. */
static void test_weighs_by_error(void **state)
{
	struct scenario sc = {5.0, 10.0, 1000.0, 0.0, 600, 3000};
	struct smo_state st;
	struct outcome o = run(&sc, &st);
	double precise_rms = 10.0 / sqrt(3.0);

	/* about as good as the precise samples (after a vague one the
	 * estimate is the last precise one, a poll's wander older), far
	 * better than the mix */
	assert_true(o.smoothed_rms < 1.3 * precise_rms);
	assert_true(o.smoothed_rms < 0.03 * o.raw_rms);
}

/* The frequency carries the estimate: a fast clock is followed, no lag. */
static void test_frequency_no_lag(void **state)
{
	struct scenario sc = {0.5, 200.0, 0.0, 50.0, 400, 4000};
	struct smo_state st;
	struct outcome o = run(&sc, &st);

	/* 50 ppm is 200 us per poll: a lag would show as huge errors */
	assert_true(o.gain < 0.2);
	assert_true(o.smoothed_rms < 0.5 * o.raw_rms);
}

/* Too few samples to judge: they pass unchanged. */
static void test_young_passes(void **state)
{
	struct smo_state st;

	smo_init(&st);
	for (int i = 0; i < SMO_MIN_UPDATES; i++) {
		double z = 100.0 * normal((uint64_t)i);
		/* the fastest model's gain is 0.995 here */
		assert_float_equal(
		    smo_add(&st, EPOCH + i * POLL, z, 100.0, 0.0), z, 5.0);
	}
}

/* A step: the estimate restarts at the new level, the wander is kept. */
static void test_rebase_keeps_wander(void **state)
{
	struct scenario sc = {20.0, 350.0, 0.0, 0.0, 400, 5000};
	struct smo_state st;
	struct outcome o = run(&sc, &st);
	int64_t t = EPOCH + 400 * POLL;

	assert_float_equal(smo_rebase(&st, t, 50000.0, 350.0), 50000.0, 1e-9);
	assert_float_equal(smo_wander(&st), o.wander, 1e-9);
	/* the next sample is weighed against the new level */
	double out = smo_add(&st, t + POLL, 50300.0, 350.0, 0.0);
	assert_true(out > 50000.0 && out < 50300.0);
}

/* A jump the tracker let through: the estimates restart from it. */
static void test_surprise_restarts(void **state)
{
	struct scenario sc = {20.0, 350.0, 0.0, 0.0, 400, 6000};
	struct smo_state st;
	int64_t t = EPOCH + 400 * POLL;

	run(&sc, &st);
	assert_int_equal(st.surprises, 0);
	assert_float_equal(smo_add(&st, t, 100000.0, 350.0, 0.0), 100000.0,
			   1e-9);
	assert_int_equal(st.surprises, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_precise_samples_pass),
	    cmocka_unit_test(test_noisy_samples_smoothed),
	    cmocka_unit_test(test_weighs_by_error),
	    cmocka_unit_test(test_frequency_no_lag),
	    cmocka_unit_test(test_young_passes),
	    cmocka_unit_test(test_rebase_keeps_wander),
	    cmocka_unit_test(test_surprise_restarts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
