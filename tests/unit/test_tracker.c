/* test_tracker.c: outlier rejection against a drifting model, steps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "tracker.h"

#define EPOCH 1700000000000000000LL
#define POLL 125000000LL /* 8 Hz */

static const struct trk_config cfg = { true, 5.0, 1000.0 };

/* Deterministic noise in [-1, 1). */
static double noise(int i)
{
	uint64_t x = (uint64_t)i * 0x9e3779b97f4a7c15ULL + 0x1234567ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return (double)(x >> 11) / 4503599627370496.0 - 1.0;
}

static enum trk_verdict add(struct trk_state *st, int i, double offset)
{
	struct est_sample s = { .sys_ns = EPOCH + i * POLL,
				.offset_ns = offset };
	return trk_add(st, &cfg, &s);
}

/* 2 ppm drift (250 ns per poll) plus 20 ns noise. */
static double drift(int i)
{
	return 250000.0 + 2e-6 * (double)(i * POLL) + 20.0 * noise(i);
}

static void test_drift_accepted(void **state)
{
	struct trk_state st;
	double pred;

	trk_init(&st);
	assert_int_equal(trk_predict(&st, EPOCH, &pred), -EAGAIN);
	for (int i = 0; i < 200; i++)
		assert_int_equal(add(&st, i, drift(i)), TRK_ACCEPT);
	assert_int_equal(st.rejected, 0);
	assert_float_equal(st.freq_ppm, 2.0, 0.05);
	assert_int_equal(trk_predict(&st, EPOCH + 200 * POLL, &pred), 0);
	assert_float_equal(pred, drift(200), 40.0);
}

static void test_outlier_rejected(void **state)
{
	struct trk_state st;

	trk_init(&st);
	for (int i = 0; i < 50; i++)
		add(&st, i, drift(i));
	assert_int_equal(add(&st, 50, drift(50) + 3000.0), TRK_REJECT);
	assert_int_equal(add(&st, 51, drift(51)), TRK_ACCEPT);
	assert_int_equal(add(&st, 52, drift(52) - 800.0), TRK_REJECT);
	assert_int_equal(add(&st, 53, drift(53)), TRK_ACCEPT);
	assert_int_equal(st.rejected, 2);
	assert_int_equal(st.steps, 0);
}

/* A phase step is confirmed after three samples and followed at once. */
static void test_step_detected_not_smoothed(void **state)
{
	struct trk_state st;
	double pred;

	trk_init(&st);
	for (int i = 0; i < 50; i++)
		add(&st, i, drift(i));
	assert_int_equal(add(&st, 50, drift(50) + 10000.0), TRK_REJECT);
	assert_int_equal(add(&st, 51, drift(51) + 10000.0), TRK_REJECT);
	assert_int_equal(add(&st, 52, drift(52) + 10000.0), TRK_STEP);
	assert_int_equal(st.steps, 1);
	assert_float_equal(st.last_step_ns, 10000.0, 60.0);
	/* the model now sits on the new level, not between the two */
	for (int i = 53; i < 57; i++)
		assert_int_equal(add(&st, i, drift(i) + 10000.0), TRK_ACCEPT);
	assert_int_equal(trk_predict(&st, EPOCH + 57 * POLL, &pred), 0);
	assert_float_equal(pred, drift(57) + 10000.0, 100.0);
}

/* Scattered outliers of both signs never make a step. */
static void test_inconsistent_outliers_no_step(void **state)
{
	struct trk_state st;

	trk_init(&st);
	for (int i = 0; i < 50; i++)
		add(&st, i, drift(i));
	assert_int_equal(add(&st, 50, drift(50) + 10000.0), TRK_REJECT);
	assert_int_equal(add(&st, 51, drift(51) - 7000.0), TRK_REJECT);
	assert_int_equal(add(&st, 52, drift(52) + 30000.0), TRK_REJECT);
	assert_int_equal(st.steps, 0);
	assert_int_equal(add(&st, 53, drift(53)), TRK_ACCEPT);
}

/* A frequency change below the step threshold restarts the model. */
static void test_frequency_change_resyncs(void **state)
{
	struct trk_state st;
	enum trk_verdict v;
	int resync_at = -1;

	trk_init(&st);
	for (int i = 0; i < 50; i++)
		add(&st, i, 1000.0 + (i % 2));
	for (int i = 50; i < 80 && resync_at < 0; i++) {
		/* now drifting at 4 ppm: 500 ns per poll */
		v = add(&st, i, 1000.0 + 500.0 * (i - 49));
		if (v == TRK_RESYNC)
			resync_at = i;
		assert_int_not_equal(v, TRK_STEP);
	}
	assert_in_range(resync_at, 50, 60);
	assert_int_equal(st.steps, 0);
}

static void test_disabled_accepts_all(void **state)
{
	struct trk_config off = cfg;
	struct trk_state st;

	off.enabled = false;
	trk_init(&st);
	for (int i = 0; i < 50; i++) {
		struct est_sample s = { .sys_ns = EPOCH + i * POLL,
					.offset_ns = (i % 7) ? 0.0 : 1e6 };
		assert_int_equal(trk_add(&st, &off, &s), TRK_ACCEPT);
	}
	assert_int_equal(st.rejected, 0);
}

/*
 * The source reads again at once when an outlier may start a step: three
 * samples within a millisecond confirm it, and the model then follows the
 * polls that come after at the new level.
 */
static void test_step_confirmed_by_rereads(void **state)
{
	struct trk_state st;
	struct est_sample s = { 0 };
	int64_t t;

	trk_init(&st);
	for (int i = 0; i < 50; i++)
		add(&st, i, drift(i));
	assert_false(trk_confirming(&st));
	t = EPOCH + 50 * POLL;
	for (int k = 0; k < TRK_STEP_CONFIRM; k++) {
		s.sys_ns = t + k * 300000; /* re-reads 0.3 ms apart */
		s.offset_ns = drift(50) + 2e-6 * (double)(k * 300000) - 50000.0;
		enum trk_verdict v = trk_add(&st, &cfg, &s);
		if (k < TRK_STEP_CONFIRM - 1) {
			assert_int_equal(v, TRK_REJECT);
			assert_true(trk_confirming(&st));
		} else {
			assert_int_equal(v, TRK_STEP);
		}
	}
	assert_false(trk_confirming(&st));
	assert_float_equal(st.last_step_ns, -50000.0, 60.0);
	for (int i = 51; i < 60; i++)
		assert_int_equal(add(&st, i, drift(i) - 50000.0), TRK_ACCEPT);
	assert_float_equal(st.freq_ppm, 2.0, 0.5);
}

/* A lone outlier is dismissed by the re-read, which is accepted. */
static void test_reread_dismisses_glitch(void **state)
{
	struct trk_state st;

	trk_init(&st);
	for (int i = 0; i < 50; i++)
		add(&st, i, drift(i));
	assert_int_equal(add(&st, 50, drift(50) + 4000.0), TRK_REJECT);
	assert_true(trk_confirming(&st));
	struct est_sample s = { .sys_ns = EPOCH + 50 * POLL + 300000,
				.offset_ns = drift(50) + 0.6 };
	assert_int_equal(trk_add(&st, &cfg, &s), TRK_ACCEPT);
	assert_false(trk_confirming(&st));
	assert_int_equal(st.steps, 0);
}

/* Confirm a step with two immediate re-reads, as the source does. */
static enum trk_verdict add_confirmed(struct trk_state *st, int i, double offset)
{
	enum trk_verdict v = add(st, i, offset);
	for (int k = 1; v == TRK_REJECT && trk_confirming(st) &&
			k < TRK_STEP_CONFIRM; k++) {
		struct est_sample s = { .sys_ns = EPOCH + i * POLL + k * 300000,
					.offset_ns = offset };
		v = trk_add(st, &cfg, &s);
	}
	return v;
}

/* A step among the first samples, before there is a full model. */
static void test_step_while_starting(void **state)
{
	struct trk_state st;

	trk_init(&st);
	assert_int_equal(add(&st, 0, drift(0)), TRK_ACCEPT);
	assert_int_equal(add(&st, 1, drift(1)), TRK_ACCEPT);
	assert_int_equal(add_confirmed(&st, 2, drift(2) + 50000.0), TRK_STEP);
	for (int i = 3; i < 40; i++)
		assert_int_equal(add(&st, i, drift(i) + 50000.0), TRK_ACCEPT);
	assert_int_equal(st.steps, 1);
	assert_float_equal(st.freq_ppm, 2.0, 0.1);
}

/* A second step soon after the first is caught by the young model. */
static void test_second_step_while_young(void **state)
{
	struct trk_state st;
	double pred;

	trk_init(&st);
	for (int i = 0; i < 50; i++)
		add(&st, i, drift(i));
	assert_int_equal(add_confirmed(&st, 50, drift(50) + 50000.0), TRK_STEP);
	assert_int_equal(add(&st, 51, drift(51) + 50000.0), TRK_ACCEPT);
	assert_int_equal(add_confirmed(&st, 52, drift(52)), TRK_STEP);
	assert_int_equal(st.steps, 2);
	for (int i = 53; i < 60; i++)
		assert_int_equal(add(&st, i, drift(i)), TRK_ACCEPT);
	assert_int_equal(trk_predict(&st, EPOCH + 60 * POLL, &pred), 0);
	assert_float_equal(pred, drift(60), 60.0);
}

/*
 * Steps in a cluster, without re-reads: a step, a step back, and while the
 * model is new two more (+50 us then +100 us) whose outliers disagree.
 * The rejected samples must not widen the spread until a 100 us jump
 * passes as noise: it is confirmed as a step, and the frequency stays.
 */
static void test_step_cluster(void **state)
{
	struct trk_state st;
	enum trk_verdict v;
	int i;

	trk_init(&st);
	for (i = 0; i < 50; i++)
		add(&st, i, drift(i));
	for (; i < 53; i++)
		v = add(&st, i, drift(i) + 50000.0);
	assert_int_equal(v, TRK_STEP);
	for (; i < 56; i++)
		v = add(&st, i, drift(i));
	assert_int_equal(v, TRK_STEP);
	assert_int_equal(add(&st, i, drift(i)), TRK_ACCEPT);
	i++;
	const double level[] = { 50000.0, 50000.0, 100000.0, 100000.0 };
	for (int k = 0; k < 4; k++, i++)
		assert_int_equal(add(&st, i, drift(i) + level[k]), TRK_REJECT);
	assert_int_equal(add(&st, i, drift(i) + 100000.0), TRK_STEP);
	for (i++; i < 120; i++)
		assert_int_equal(add(&st, i, drift(i) + 100000.0), TRK_ACCEPT);
	assert_float_equal(st.freq_ppm, 2.0, 0.1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drift_accepted),
		cmocka_unit_test(test_outlier_rejected),
		cmocka_unit_test(test_step_detected_not_smoothed),
		cmocka_unit_test(test_inconsistent_outliers_no_step),
		cmocka_unit_test(test_frequency_change_resyncs),
		cmocka_unit_test(test_disabled_accepts_all),
		cmocka_unit_test(test_step_confirmed_by_rereads),
		cmocka_unit_test(test_reread_dismisses_glitch),
		cmocka_unit_test(test_step_while_starting),
		cmocka_unit_test(test_second_step_while_young),
		cmocka_unit_test(test_step_cluster),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
