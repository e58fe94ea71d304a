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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
