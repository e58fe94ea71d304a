/* test_pipeline.c: estimator, tracker and smoother on every clock profile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "clockmodel.h"
#include "estimator.h"
#include "profiles.h"
#include "smoother.h"
#include "tracker.h"

#define EPOCH 1700000000000000000LL
#define READINGS 25

/* How the daemon is set up: rate, reads per poll. */
struct setup {
	double interval_s;
	int reads;
	int polls;
};

struct result {
	double raw_rms, fed_rms; /* estimate and fed offset vs the truth */
	unsigned long rejected, steps;
};

/* One poll's readings at @t, as the ptp driver would get them. */
static int read_poll(struct clockmodel *m, int64_t t, int reads,
		     struct phc_reading *r)
{
	int n = 0;

	for (int j = 0; j < reads; j++) {
		if (m->p.precise) {
			for (int i = 0; i < READINGS; i++, t += 2000)
				clockmodel_read_precise(m, t, &r[n++]);
		} else {
			t = clockmodel_read_extended(m, t, r + n, READINGS);
			n += READINGS;
		}
	}
	return n;
}

/* Run a profile through the pipeline as source.c does (no re-reads). */
static struct result run(const char *profile, const struct setup *su)
{
	const struct clockmodel_params *p = clockmodel_profile(profile);
	struct clockmodel m, truth_m; /* truth apart: its cache runs forward */
	struct est_state es;
	struct est_config ec = {true, 1.0};
	struct trk_state ts;
	struct trk_config tc = {true, 5.0, 1000.0};
	struct smo_state ss;
	struct phc_reading r[EST_MAX_READINGS];
	double raw2 = 0.0, fed2 = 0.0;
	int n = 0;

	assert_non_null(p);
	clockmodel_init(&m, p, EPOCH);
	clockmodel_init(&truth_m, p, EPOCH);
	est_init(&es);
	trk_init(&ts);
	smo_init(&ss);
	for (int k = 0; k < su->polls; k++) {
		int64_t t = EPOCH + (int64_t)(k * su->interval_s * 1e9) + 1000;
		struct est_sample e;
		double fed;

		assert_int_equal(
		    est_from_readings(&es, &ec, r,
				      read_poll(&m, t, su->reads, r), &e),
		    0);
		enum trk_verdict v = trk_add(&ts, &tc, &e);
		if (v == TRK_REJECT)
			continue;
		if (v != TRK_ACCEPT || !trk_has_model(&ts))
			fed = smo_rebase(&ss, e.sys_ns, e.offset_ns, e.err_ns);
		else
			fed = smo_add(&ss, e.sys_ns, e.offset_ns, e.err_ns,
				      ts.freq_ppm);
		if (k < su->polls / 4)
			continue;
		double truth = clockmodel_true_offset(&truth_m, e.sys_ns);
		raw2 += (e.offset_ns - truth) * (e.offset_ns - truth);
		fed2 += (fed - truth) * (fed - truth);
		n++;
	}
	print_message("%-7s %5.3gs x%d: estimate rms %.1f ns, fed %.1f ns, "
		      "rejected %lu, steps %lu, wander %.3g ns/sqrt(s)\n",
		      profile, su->interval_s, su->reads, sqrt(raw2 / n),
		      sqrt(fed2 / n), ts.rejected, ts.steps, smo_wander(&ss));
	return (struct result){sqrt(raw2 / n), sqrt(fed2 / n), ts.rejected,
			       ts.steps};
}

/* The benchmark's one-sample-per-poll setup: 4 reads every 4 s. */
static const struct setup slow = {4.0, 4, 1200};
/* The default setup: one read at 8 Hz. */
static const struct setup fast = {0.125, 1, 4000};

/* Precise clocks: smoothing must not make samples worse. */
static void test_precise_profiles(void **state)
{
	const char *names[] = {"kvm", "nic", "steps"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct result a = run(names[i], &slow);
		assert_true(a.fed_rms <= 1.3 * a.raw_rms);
		struct result b = run(names[i], &fast);
		assert_true(b.fed_rms <= 1.3 * b.raw_rms);
	}
}

/* Slow, noisy reads: smoothing at least halves the error. */
static void test_noisy_profiles(void **state)
{
	const char *names[] = {"hyperv", "vmw"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct result a = run(names[i], &slow);
		assert_true(a.fed_rms < 0.5 * a.raw_rms);
		struct result b = run(names[i], &fast);
		assert_true(b.fed_rms < 0.5 * b.raw_rms);
	}
}

/* Steps are followed: the fed offset stays within 1 us of the truth in
 * rms although the clock jumps 50 us a minute. */
static void test_steps_followed(void **state)
{
	struct result a = run("steps", &slow);

	assert_true(a.steps > 0);
	assert_true(a.fed_rms < 1000.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_precise_profiles),
	    cmocka_unit_test(test_noisy_profiles),
	    cmocka_unit_test(test_steps_followed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
