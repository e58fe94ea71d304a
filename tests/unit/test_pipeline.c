/* test_pipeline.c: estimator, tracker and smoother on every clock profile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "clockmodel.h"
#include "config.h"
#include "pipeline.h"
#include "profiles.h"

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

/* Run a profile through the daemon's pipeline (no re-reads), with the
 * default filter settings of a [source] section. */
static struct result run(const char *profile, const struct setup *su)
{
	const struct clockmodel_params *p = clockmodel_profile(profile);
	struct clockmodel m, truth_m; /* truth apart: its cache runs forward */
	struct config cfg;
	struct pipeline_config pc;
	struct pipeline pipe;
	struct phc_reading r[EST_MAX_READINGS];
	double raw2 = 0.0, fed2 = 0.0;
	char err[256];
	int n = 0;

	assert_non_null(p);
	assert_int_equal(config_parse("[source T]\n", "t", &cfg, err,
				      sizeof(err)), 0);
	pipeline_config_from(&cfg.sources[0].filter, &pc);
	clockmodel_init(&m, p, EPOCH);
	clockmodel_init(&truth_m, p, EPOCH);
	pipeline_init(&pipe);
	for (int k = 0; k < su->polls; k++) {
		int64_t t = EPOCH + (int64_t)(k * su->interval_s * 1e9) + 1000;
		struct pipeline_result res;
		const struct est_sample *e = &res.estimate;

		assert_int_equal(pipeline_poll(&pipe, &pc, NULL, r,
					       read_poll(&m, t, su->reads, r),
					       &res),
				 0);
		if (res.verdict == TRK_REJECT || k < su->polls / 4)
			continue;
		double truth = clockmodel_true_offset(&truth_m, e->sys_ns);
		raw2 += (e->offset_ns - truth) * (e->offset_ns - truth);
		fed2 += (res.offset_ns - truth) * (res.offset_ns - truth);
		n++;
	}
	print_message("%-7s %5.3gs x%d: estimate rms %.1f ns, fed %.1f ns, "
		      "rejected %lu, steps %lu, wander %.3g ns/sqrt(s)\n",
		      profile, su->interval_s, su->reads, sqrt(raw2 / n),
		      sqrt(fed2 / n), pipe.trk.rejected, pipe.trk.steps,
		      smo_wander(&pipe.smo));
	return (struct result){sqrt(raw2 / n), sqrt(fed2 / n),
			       pipe.trk.rejected, pipe.trk.steps};
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
