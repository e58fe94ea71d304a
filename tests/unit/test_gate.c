/* test_gate.c: the PTP-versus-NTP gate: every transition, bounded flapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "gate.h"
#include "vmclock.h"
#include "ptp4l_codec.h"

#define SEC 1000000000LL
#define POLL (SEC / 8) /* 8 Hz */
#define T0 (1000 * SEC)

/* A gate and the inputs a test drives it with. */
struct sim {
	struct gate g;
	struct gate_input in;
	int64_t t0;
	unsigned long changes; /* gate_step() returned true */
};

/* A healthy device and a locked ptp4l. */
static void sim_init(struct sim *s, const struct gate_config *cfg, bool ptp)
{
	struct gate_config def;

	if (!cfg) {
		gate_config_defaults(&def);
		cfg = &def;
	}
	memset(s, 0, sizeof(*s));
	gate_init(&s->g, cfg);
	s->t0 = T0;
	s->in.now_ns = T0;
	s->in.dev = (struct gate_device){.running = true,
					 .sample_age_ns = POLL,
					 .sigma_ns = 30.0,
					 .reject_fraction = 0.0,
					 .step_age_ns = -1};
	s->in.ptp = (struct gate_ptp){.configured = ptp,
				      .response_age_ns = SEC / 2,
				      .port_state = PTPMGMT_PS_SLAVE,
				      .master_offset_ns = 20,
				      .ingress_age_ns = SEC / 2,
				      .gm_present = true,
				      .clock_class = 6,
				      .time_props_known = true,
				      .utc_offset_valid = true,
				      .current_utc_offset = 37};
}

/* Seconds since the start, of the current simulated time. */
static double sim_secs(const struct sim *s)
{
	return (double)(s->in.now_ns - s->t0) / SEC;
}

/* One poll at the current time, then advance the clock by one poll. */
static bool sim_poll(struct sim *s)
{
	bool changed = gate_step(&s->g, &s->in);

	if (changed)
		s->changes++;
	s->in.now_ns += POLL;
	return changed;
}

/* Poll for @seconds of simulated time; returns transitions seen. */
static unsigned long sim_run(struct sim *s, double seconds)
{
	unsigned long before = s->changes;
	int64_t end = s->in.now_ns + (int64_t)(seconds * SEC);

	while (s->in.now_ns < end)
		sim_poll(s);
	return s->changes - before;
}

/* Poll until the gate is in @st (at most @limit s); returns the time (s
 * since the start) of the poll that entered it, or -1. */
static double sim_until(struct sim *s, enum gate_state st, double limit)
{
	int64_t end = s->in.now_ns + (int64_t)(limit * SEC);

	while (s->in.now_ns <= end) {
		int64_t t = s->in.now_ns;

		sim_poll(s);
		if (gate_state(&s->g) == st)
			return (double)(t - s->t0) / SEC;
	}
	return -1.0;
}

static void assert_reason(const struct gate *g, enum gate_state from,
			  enum gate_state to, const char *text)
{
	const struct gate_transition *t = gate_last_transition(g);

	assert_non_null(t);
	if (!strstr(t->reason, text))
		fail_msg("reason \"%s\" lacks \"%s\"", t->reason, text);
	assert_int_equal(t->from, from);
	assert_int_equal(t->to, to);
}

/* Lock at 10 s from the start and return. */
static void sim_lock(struct sim *s)
{
	assert_true(sim_until(s, GATE_PTP, 15.0) >= 0);
}

/* ---- configuration ---------------------------------------------------- */

static void test_config(void **state)
{
	struct gate_config c;
	char err[128];

	(void)state;
	gate_config_defaults(&c);
	assert_float_equal(c.lock_offset_ns, 100.0, 0);
	assert_float_equal(c.unlock_offset_ns, 1000.0, 0);
	assert_int_equal(c.lock_dwell_ns, 10 * SEC);
	assert_int_equal(c.unlock_dwell_ns, 3 * SEC);
	assert_int_equal(c.holdover_ns, 10 * SEC);
	assert_int_equal(c.max_clock_class, 135);
	assert_int_equal(c.initial_override, GATE_OVERRIDE_AUTO);
	assert_int_equal(gate_config_check(&c, err, sizeof(err)), 0);

	assert_int_equal(gate_config_set(&c, "gate_lock_offset", "250ns"), 0);
	assert_float_equal(c.lock_offset_ns, 250.0, 1e-9);
	assert_int_equal(gate_config_set(&c, "gate_unlock_offset", "2.5us"), 0);
	assert_float_equal(c.unlock_offset_ns, 2500.0, 1e-9);
	assert_int_equal(gate_config_set(&c, "gate_lock_dwell", "5s"), 0);
	assert_int_equal(c.lock_dwell_ns, 5 * SEC);
	assert_int_equal(gate_config_set(&c, "gate_holdover", "30"), 0);
	assert_int_equal(c.holdover_ns, 30 * SEC);
	assert_int_equal(gate_config_set(&c, "gate_unlock_dwell", "0"), 0);
	assert_int_equal(gate_config_set(&c, "gate_max_sync_age", "500ms"), 0);
	assert_int_equal(c.max_sync_age_ns, SEC / 2);
	assert_int_equal(gate_config_set(&c, "gate_max_clock_class", "7"), 0);
	assert_int_equal(c.max_clock_class, 7);
	assert_int_equal(gate_config_set(&c, "gate_max_reject", "25%"), 0);
	assert_float_equal(c.max_reject_fraction, 0.25, 1e-12);
	assert_int_equal(gate_config_set(&c, "gate_max_reject", "0.4"), 0);
	assert_float_equal(c.max_reject_fraction, 0.4, 1e-12);
	assert_int_equal(gate_config_set(&c, "gate_backoff_max", "0"), 0);
	assert_int_equal(gate_config_set(&c, "gate_override", "NTP"), 0);
	assert_int_equal(c.initial_override, GATE_OVERRIDE_NTP);
	assert_int_equal(c.mode, GATE_MODE_AUTO);
	assert_int_equal(c.gm_holdover_ns, 14400 * SEC);
	assert_int_equal(gate_config_set(&c, "gate_mode", "Grandmaster"), 0);
	assert_int_equal(c.mode, GATE_MODE_GRANDMASTER);
	assert_int_equal(gate_config_set(&c, "gate_gm_holdover", "600s"), 0);
	assert_int_equal(c.gm_holdover_ns, 600 * SEC);
	assert_int_equal(gate_config_set(&c, "gate_mode", "master"), -EINVAL);
	assert_int_equal(c.mode, GATE_MODE_GRANDMASTER);

	assert_int_equal(gate_config_set(&c, "rate", "8Hz"), -ENOENT);
	assert_int_equal(gate_config_set(&c, "gate_lock", "1us"), -ENOENT);
	/* an offset needs a unit: a bare number would be seconds */
	assert_int_equal(gate_config_set(&c, "gate_lock_offset", "100"),
			 -EINVAL);
	assert_int_equal(gate_config_set(&c, "gate_lock_offset", "-1us"),
			 -EINVAL);
	assert_int_equal(gate_config_set(&c, "gate_holdover", "-1s"), -EINVAL);
	assert_int_equal(gate_config_set(&c, "gate_holdover", "1parsec"),
			 -EINVAL);
	assert_int_equal(gate_config_set(&c, "gate_max_response_age", "0"),
			 -EINVAL);
	assert_int_equal(gate_config_set(&c, "gate_max_clock_class", "0"),
			 -EINVAL);
	assert_int_equal(gate_config_set(&c, "gate_max_clock_class", "256"),
			 -EINVAL);
	assert_int_equal(gate_config_set(&c, "gate_max_reject", "150%"),
			 -EINVAL);
	assert_int_equal(gate_config_set(&c, "gate_backoff_max", "11"),
			 -EINVAL);
	assert_int_equal(gate_config_set(&c, "gate_override", "maybe"),
			 -EINVAL);
	assert_int_equal(gate_config_set(&c, "gate_override", NULL), -EINVAL);
	assert_int_equal(c.max_clock_class, 7); /* failures change nothing */

	assert_int_equal(gate_config_set(&c, "gate_lock_offset", "3us"), 0);
	assert_int_equal(gate_config_check(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "gate_lock_offset 3000 ns is above"));
}

/* Each key's range lives in its table entry and is described for errors. */
static void test_config_ranges(void **state)
{
	struct gate_config c;
	char buf[96];

	(void)state;
	gate_config_defaults(&c);
	assert_int_equal(gate_config_set(&c, "gate_holdover", "86400s"), 0);
	assert_int_equal(c.holdover_ns, 86400 * SEC);
	assert_int_equal(gate_config_set(&c, "gate_holdover", "86401s"),
			 -EINVAL);
	assert_int_equal(gate_config_set(&c, "gate_lock_dwell", "1e300"),
			 -EINVAL);
	assert_int_equal(gate_config_set(&c, "gate_lock_offset", "1.5s"),
			 -EINVAL);
	assert_int_equal(gate_config_set(&c, "gate_max_sigma", "nanns"),
			 -EINVAL);
	assert_int_equal(gate_config_set(&c, "gate_max_sync_age", "1ms"), 0);
	assert_int_equal(gate_config_set(&c, "gate_max_sync_age", "999us"),
			 -EINVAL);
	assert_int_equal(c.holdover_ns, 86400 * SEC); /* unchanged */

	assert_int_equal(gate_config_range("gate_holdover", buf, sizeof(buf)),
			 0);
	assert_string_equal(buf, "a duration from 0s to 86400s");
	assert_int_equal(gate_config_range("gate_max_sample_age", buf,
					   sizeof(buf)), 0);
	assert_string_equal(buf, "a duration from 1ms to 86400s");
	assert_int_equal(gate_config_range("gate_lock_offset", buf,
					   sizeof(buf)), 0);
	assert_string_equal(buf, "a duration with a unit from 1ns to 1s");
	assert_int_equal(gate_config_range("gate_max_clock_class", buf,
					   sizeof(buf)), 0);
	assert_string_equal(buf, "an integer from 1 to 255");
	assert_int_equal(gate_config_range("gate_max_reject", buf,
					   sizeof(buf)), 0);
	assert_string_equal(buf, "a fraction from 0 to 1 (or 0% to 100%)");
	assert_int_equal(gate_config_range("gate_override", buf, sizeof(buf)),
			 0);
	assert_string_equal(buf, "auto, ptp or ntp");
	assert_int_equal(gate_config_range("gate_mode", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "auto, slave or grandmaster");
	assert_int_equal(gate_config_range("rate", buf, sizeof(buf)), -ENOENT);
}

static void test_names(void **state)
{
	enum gate_override ov;
	enum gate_mode m;

	(void)state;
	assert_string_equal(gate_state_name(GATE_STARTUP), "STARTUP");
	assert_string_equal(gate_state_name(GATE_PTP), "PTP");
	assert_string_equal(gate_state_name(GATE_HOLDOVER), "HOLDOVER");
	assert_string_equal(gate_state_name(GATE_NTP), "NTP");
	assert_string_equal(gate_state_name(GATE_FORCED), "FORCED");
	assert_string_equal(gate_state_name((enum gate_state)42), "UNKNOWN");
	assert_string_equal(gate_override_name(GATE_OVERRIDE_PTP), "PTP");
	assert_int_equal(gate_override_parse("Auto", &ov), 0);
	assert_int_equal(ov, GATE_OVERRIDE_AUTO);
	assert_int_equal(gate_override_parse("ptp", &ov), 0);
	assert_int_equal(ov, GATE_OVERRIDE_PTP);
	assert_int_equal(gate_override_parse("", &ov), -EINVAL);
	assert_string_equal(gate_mode_name(GATE_MODE_SLAVE), "slave");
	assert_string_equal(gate_mode_name((enum gate_mode)9), "unknown");
	assert_int_equal(gate_mode_parse("SLAVE", &m), 0);
	assert_int_equal(m, GATE_MODE_SLAVE);
	assert_int_equal(gate_mode_parse("gm", &m), -EINVAL);
}

/* ---- transitions ------------------------------------------------------ */

static void test_startup_to_ptp_after_dwell(void **state)
{
	struct sim s;
	double t;

	(void)state;
	sim_init(&s, NULL, true);
	assert_int_equal(gate_state(&s.g), GATE_STARTUP);
	assert_false(gate_feeding(&s.g));
	sim_run(&s, 9.9);
	assert_int_equal(gate_state(&s.g), GATE_STARTUP);
	assert_non_null(
	    strstr(gate_condition(&s.g), "locking: conditions good"));
	t = sim_until(&s, GATE_PTP, 1.0);
	assert_float_equal(t, 10.0, 1e-9);
	assert_true(gate_feeding(&s.g));
	assert_reason(&s.g, GATE_STARTUP, GATE_PTP,
		      "locked for 10.0 s: |master_offset| 20 ns, port SLAVE, "
		      "clockClass 6");
	assert_int_equal(gate_state_since(&s.g), T0 + 10 * SEC);
	assert_string_equal(gate_condition(&s.g), "locked");
	assert_int_equal(s.g.transitions, 1);
	assert_int_equal(s.g.flaps, 0);
	assert_int_equal(s.g.fallbacks, 0);
}

static void test_startup_bad_offset_waits(void **state)
{
	struct sim s;

	(void)state;
	sim_init(&s, NULL, true);
	/* the dwell restarts when the offset is bad once */
	sim_run(&s, 8.0);
	s.in.ptp.master_offset_ns = -150;
	sim_poll(&s);
	assert_string_equal(
	    gate_condition(&s.g),
	    "|master_offset| 150 ns above lock threshold 100 ns");
	s.in.ptp.master_offset_ns = -90;
	assert_float_equal(sim_until(&s, GATE_PTP, 20.0), 18.125, 1e-9);
}

static void test_startup_timeout_to_ntp(void **state)
{
	struct sim s;

	(void)state;
	sim_init(&s, NULL, true);
	s.in.ptp.response_age_ns = -1; /* ptp4l never answered */
	assert_float_equal(sim_until(&s, GATE_NTP, 70.0), 60.0, 1e-9);
	assert_reason(&s.g, GATE_STARTUP, GATE_NTP,
		      "no lock within 60.0 s of start: ptp4l not answering");
	assert_false(gate_feeding(&s.g));
	assert_int_equal(s.g.fallbacks, 0); /* it never fed */
}

static void test_port_state_loss_holdover_to_ntp(void **state)
{
	struct sim s;
	double t0, t1;

	(void)state;
	sim_init(&s, NULL, true);
	sim_lock(&s);
	sim_run(&s, 30.0);
	s.in.ptp.port_state = PTPMGMT_PS_UNCALIBRATED;
	t0 = sim_until(&s, GATE_HOLDOVER, 1.0);
	assert_true(t0 >= 0);
	assert_reason(&s.g, GATE_PTP, GATE_HOLDOVER,
		      "ptp4l port state UNCALIBRATED; holding over for up to");
	assert_true(gate_feeding(&s.g));
	t1 = sim_until(&s, GATE_NTP, 20.0);
	assert_float_equal(t1 - t0, 10.0, 0.13);
	assert_reason(&s.g, GATE_HOLDOVER, GATE_NTP,
		      "ptp4l port state UNCALIBRATED for 10.0 s; "
		      "holdover of 10.0 s spent");
	assert_false(gate_feeding(&s.g));
	assert_int_equal(s.g.fallbacks, 1);
	assert_int_equal(s.g.transitions, 3);
}

static void test_holdover_recovery(void **state)
{
	struct sim s;
	unsigned long n;

	(void)state;
	sim_init(&s, NULL, true);
	sim_lock(&s);
	sim_run(&s, 30.0);
	/* one missed answer (age within 3 s) changes nothing */
	s.in.ptp.response_age_ns = 2500 * 1000000LL;
	assert_int_equal(sim_run(&s, 1.0), 0);
	s.in.ptp.response_age_ns = SEC / 2;

	/* brief UNCALIBRATED: hold over, recover, never fall back */
	s.in.ptp.port_state = PTPMGMT_PS_UNCALIBRATED;
	assert_true(sim_poll(&s));
	sim_run(&s, 5.0);
	assert_int_equal(gate_state(&s.g), GATE_HOLDOVER);
	assert_non_null(strstr(gate_condition(&s.g), "holdover budget 5.0 s"));
	s.in.ptp.port_state = PTPMGMT_PS_SLAVE;
	sim_run(&s, 1.0);
	assert_int_equal(gate_state(&s.g), GATE_HOLDOVER);
	assert_non_null(strstr(gate_condition(&s.g), "recovering"));
	assert_true(sim_until(&s, GATE_PTP, 2.0) >= 0);
	assert_reason(
	    &s.g, GATE_HOLDOVER, GATE_PTP,
	    "ptp4l link good again for 2.0 s after 7.1 s of holdover");
	assert_true(gate_feeding(&s.g));
	assert_int_equal(s.g.fallbacks, 0);

	/* the budget refills at the rate it drained: after 2 s in PTP
	 * about 7 s are left, so a new outage falls back after 7 s */
	sim_run(&s, 2.0);
	s.in.ptp.gm_present = false;
	n = s.changes;
	sim_poll(&s);
	assert_reason(&s.g, GATE_PTP, GATE_HOLDOVER, "no grandmaster present");
	assert_true(sim_until(&s, GATE_NTP, 10.0) >= 0);
	assert_int_equal(s.changes - n, 2);
	assert_int_equal(gate_state_since(&s.g) - gate_history(&s.g, 1)->t_ns,
			 7 * SEC);
}

static void test_ntp_to_ptp_after_lock_dwell(void **state)
{
	struct sim s;
	double t0, t1;

	(void)state;
	sim_init(&s, NULL, true);
	sim_lock(&s);
	s.in.ptp.port_state = PTPMGMT_PS_LISTENING;
	t0 = sim_until(&s, GATE_NTP, 15.0);
	assert_true(t0 >= 0);
	/* SLAVE again, but the offset first needs to settle */
	s.in.ptp.port_state = PTPMGMT_PS_SLAVE;
	s.in.ptp.master_offset_ns = 400;
	sim_run(&s, 20.0);
	assert_int_equal(gate_state(&s.g), GATE_NTP);
	assert_string_equal(
	    gate_condition(&s.g),
	    "|master_offset| 400 ns above lock threshold 100 ns");
	s.in.ptp.master_offset_ns = -30;
	t0 = sim_secs(&s);
	t1 = sim_until(&s, GATE_PTP, 20.0);
	assert_float_equal(t1 - t0, 10.0, 1e-9);
	assert_reason(&s.g, GATE_NTP, GATE_PTP, "locked for 10.0 s");
	/* back within the flap window: that was a flap */
	assert_int_equal(s.g.flaps, 1);

	/* the next lock needs twice the dwell */
	s.in.ptp.port_state = PTPMGMT_PS_LISTENING;
	assert_true(sim_until(&s, GATE_NTP, 15.0) >= 0);
	s.in.ptp.port_state = PTPMGMT_PS_SLAVE;
	t0 = sim_secs(&s);
	t1 = sim_until(&s, GATE_PTP, 30.0);
	assert_float_equal(t1 - t0, 20.0, 1e-9);
	assert_int_equal(s.g.flaps, 2);
}

static void test_offset_hysteresis_unlock(void **state)
{
	struct sim s;

	(void)state;
	sim_init(&s, NULL, true);
	sim_lock(&s);
	/* between the thresholds: stays locked indefinitely */
	s.in.ptp.master_offset_ns = 900;
	assert_int_equal(sim_run(&s, 120.0), 0);
	/* above unlock for less than the dwell: stays */
	s.in.ptp.master_offset_ns = -1500;
	sim_run(&s, 2.875);
	assert_int_equal(gate_state(&s.g), GATE_PTP);
	assert_non_null(strstr(gate_condition(&s.g), "for 2.8 s of 3.0 s"));
	s.in.ptp.master_offset_ns = 999;
	sim_poll(&s);
	s.in.ptp.master_offset_ns = 1500;
	sim_run(&s, 2.875);
	sim_poll(&s);
	assert_int_equal(gate_state(&s.g), GATE_PTP);
	sim_poll(&s);
	assert_int_equal(gate_state(&s.g), GATE_NTP);
	assert_reason(&s.g, GATE_PTP, GATE_NTP,
		      "|master_offset| 1500 ns above unlock threshold 1000 ns "
		      "for 3.0 s");
	assert_int_equal(s.g.fallbacks, 1);
}

static void test_device_vanished(void **state)
{
	struct sim s;

	(void)state;
	sim_init(&s, NULL, true);
	sim_lock(&s);
	s.in.dev.running = false;
	assert_true(sim_poll(&s));
	assert_reason(&s.g, GATE_PTP, GATE_NTP, "device not running");
	assert_false(gate_feeding(&s.g));

	/* the device is back, but samples stop arriving */
	s.in.dev.running = true;
	assert_true(sim_until(&s, GATE_PTP, 11.0) >= 0);
	s.in.dev.sample_age_ns = 3 * SEC + 1;
	assert_true(sim_poll(&s));
	assert_reason(&s.g, GATE_PTP, GATE_NTP,
		      "no good sample for 3.0 s (limit 3.0 s)");
}

static void test_device_vanished_in_holdover(void **state)
{
	struct sim s;

	(void)state;
	sim_init(&s, NULL, true);
	sim_lock(&s);
	s.in.ptp.response_age_ns = 5 * SEC;
	sim_poll(&s);
	assert_reason(&s.g, GATE_PTP, GATE_HOLDOVER,
		      "ptp4l not answering for 5.0 s");
	s.in.dev.running = false;
	sim_poll(&s);
	assert_reason(&s.g, GATE_HOLDOVER, GATE_NTP, "device not running");
}

static void test_vm_without_ptp4l(void **state)
{
	struct sim s;
	double t0, t1;

	(void)state;
	sim_init(&s, NULL, false);
	/* ptp4l fields are ignored when no ptp4l is configured */
	s.in.ptp.port_state = PTPMGMT_PS_LISTENING;
	s.in.ptp.response_age_ns = -1;
	s.in.dev.sigma_ns = NAN; /* tracker not settled yet */
	sim_run(&s, 1.0);
	assert_string_equal(gate_condition(&s.g),
			    "tracker sigma not known yet");
	s.in.dev.sigma_ns = 400.0;
	t0 = sim_secs(&s);
	t1 = sim_until(&s, GATE_PTP, 11.0);
	assert_float_equal(t1 - t0, 10.0, 1e-9);
	assert_reason(&s.g, GATE_STARTUP, GATE_PTP,
		      "locked for 10.0 s: device healthy, sigma 400 ns");
	assert_int_equal(gate_leap(&s.g), SOCKMSG_LEAP_NONE);

	/* a step (live migration) does not unlock, but blocks locking */
	s.in.dev.step_age_ns = 0;
	assert_int_equal(sim_run(&s, 1.0), 0);

	/* noisy device: falls back after the unlock dwell */
	s.in.dev.sigma_ns = 20000.0;
	assert_true(sim_until(&s, GATE_NTP, 4.0) >= 0);
	assert_reason(&s.g, GATE_PTP, GATE_NTP,
		      "tracker sigma 20000 ns above limit 10000 ns for 3.0 s");
	s.in.dev.sigma_ns = 400.0;
	s.in.dev.step_age_ns = 0;
	sim_poll(&s);
	assert_string_equal(gate_condition(&s.g),
			    "phase step 0.0 s ago (holdoff 5.0 s)");
	s.in.dev.step_age_ns = -1;

	/* mostly rejected samples are a fault as well */
	assert_true(sim_until(&s, GATE_PTP, 11.0) >= 0);
	s.in.dev.reject_fraction = 0.75;
	assert_true(sim_until(&s, GATE_NTP, 4.0) >= 0);
	assert_reason(&s.g, GATE_PTP, GATE_NTP,
		      "75% of samples rejected (limit 50%) for 3.0 s");
}

/* VMClock: a disruption ends feeding at once and blocks a lock for the
 * step holdoff; a status other than synchronized is a bad link. */
static void test_vmclock(void **state)
{
	struct sim s;
	double t;

	(void)state;
	sim_init(&s, NULL, false);
	s.in.vm = (struct gate_vmclock){ .configured = true,
					 .readable = true,
					 .has_clock = true,
					 .status = VMCLOCK_STATUS_INITIALIZING,
					 .disruption_age_ns = -1 };
	sim_run(&s, 12.0);
	assert_int_equal(gate_state(&s.g), GATE_STARTUP);
	assert_string_equal(gate_condition(&s.g), "VMClock status initializing");
	s.in.vm.status = VMCLOCK_STATUS_SYNCHRONIZED;
	sim_lock(&s);

	/* the migration: NTP at the same poll, cause disruption */
	s.in.vm.disruption_age_ns = 0;
	assert_true(sim_poll(&s));
	assert_int_equal(gate_state(&s.g), GATE_NTP);
	assert_false(gate_feeding(&s.g));
	assert_reason(&s.g, GATE_PTP, GATE_NTP, "VMClock disruption");
	assert_int_equal(gate_last_transition(&s.g)->cause,
			 GATE_CAUSE_DISRUPTION);
	assert_string_equal(gate_cause_name(GATE_CAUSE_DISRUPTION),
			    "disruption");
	/* back after the 5 s holdoff and the 10 s lock dwell (doubled: a
	 * return within the flap window is a flap) */
	t = sim_secs(&s);
	for (int i = 0; gate_state(&s.g) != GATE_PTP && i < 400; i++) {
		s.in.vm.disruption_age_ns =
			(int64_t)((sim_secs(&s) - t) * SEC) + POLL;
		if (sim_secs(&s) - t < 4.9)
			assert_int_equal(gate_state(&s.g), GATE_NTP);
		sim_poll(&s);
	}
	assert_int_equal(gate_state(&s.g), GATE_PTP);
	assert_true(sim_secs(&s) - t >= 15.0);

	/* freerunning: holdover, then NTP when the budget is spent */
	s.in.vm.status = VMCLOCK_STATUS_FREERUNNING;
	sim_poll(&s);
	assert_int_equal(gate_state(&s.g), GATE_HOLDOVER);
	assert_reason(&s.g, GATE_PTP, GATE_HOLDOVER, "VMClock status freerunning");
	assert_true(sim_until(&s, GATE_NTP, 400.0) >= 0);
	assert_int_equal(gate_last_transition(&s.g)->cause,
			 GATE_CAUSE_HOLDOVER_SPENT);
	/* an unreadable page blocks a lock */
	s.in.vm.status = VMCLOCK_STATUS_SYNCHRONIZED;
	s.in.vm.readable = false;
	sim_run(&s, 30.0);
	assert_int_equal(gate_state(&s.g), GATE_NTP);
	assert_string_equal(gate_condition(&s.g), "VMClock page not readable");
	/* a page without a counter: its status does not gate */
	s.in.vm.readable = true;
	s.in.vm.has_clock = false;
	s.in.vm.status = VMCLOCK_STATUS_UNKNOWN;
	assert_true(sim_until(&s, GATE_PTP, 40.0) >= 0);
}

static void test_clock_class_degraded(void **state)
{
	struct sim s;

	(void)state;
	sim_init(&s, NULL, true);
	sim_lock(&s);
	/* GM and T-BC holdover within spec are accepted */
	s.in.ptp.clock_class = 7;
	assert_int_equal(sim_run(&s, 10.0), 0);
	s.in.ptp.clock_class = 135;
	assert_int_equal(sim_run(&s, 10.0), 0);
	/* free running (248): falls back after the unlock dwell */
	s.in.ptp.clock_class = 248;
	assert_true(sim_until(&s, GATE_NTP, 4.0) >= 0);
	assert_reason(&s.g, GATE_PTP, GATE_NTP,
		      "grandmaster clockClass 248 above limit 135 for 3.0 s");
	/* no lock while the class is out of spec */
	s.in.ptp.clock_class = 140;
	sim_run(&s, 60.0);
	assert_int_equal(gate_state(&s.g), GATE_NTP);
	assert_string_equal(gate_condition(&s.g),
			    "grandmaster clockClass 140 above limit 135");
}

static void test_stale_ingress(void **state)
{
	struct sim s;

	(void)state;
	sim_init(&s, NULL, true);
	sim_lock(&s);
	s.in.ptp.ingress_age_ns = 5 * SEC;
	sim_poll(&s);
	assert_reason(&s.g, GATE_PTP, GATE_HOLDOVER,
		      "last Sync 5.0 s ago (limit 4.0 s); holding over");
	assert_true(sim_until(&s, GATE_NTP, 11.0) >= 0);
	assert_reason(&s.g, GATE_HOLDOVER, GATE_NTP,
		      "last Sync 5.0 s ago (limit 4.0 s); holdover of 10.0 s "
		      "spent");
}

/* ---- grandmaster mode ------------------------------------------------- */

/* ptp4l as a T-GM: its own grandmaster, ports MASTER, no Syncs in. */
static void sim_as_grandmaster(struct sim *s, int clock_class)
{
	s->in.ptp.port_state = PTPMGMT_PS_MASTER;
	s->in.ptp.local_gm = true;
	s->in.ptp.gm_present = false;
	s->in.ptp.master_offset_ns = 0;
	s->in.ptp.ingress_age_ns = -1;
	s->in.ptp.clock_class = clock_class;
}

/* auto: a T-GM locks on class 6 and leaves for NTP on 248, and back. */
static void test_gm_auto_class_6_248_6(void **state)
{
	struct sim s;
	double t0, t1;

	(void)state;
	sim_init(&s, NULL, true);
	sim_as_grandmaster(&s, 6);
	assert_float_equal(sim_until(&s, GATE_PTP, 15.0), 10.0, 1e-9);
	assert_reason(&s.g, GATE_STARTUP, GATE_PTP,
		      "locked for 10.0 s: ptp4l is the grandmaster, "
		      "clockClass 6");
	assert_true(gate_gm_mode(&s.g));
	sim_run(&s, 20.0);
	s.in.ptp.clock_class = 248; /* GNSS lost, holdover over */
	t0 = sim_secs(&s);
	t1 = sim_until(&s, GATE_NTP, 5.0);
	assert_float_equal(t1 - t0, 3.0, 1e-9);
	assert_reason(&s.g, GATE_PTP, GATE_NTP,
		      "grandmaster clockClass 248: neither locked (6) nor in "
		      "holdover (7) for 3.0 s");
	assert_true(gate_gm_mode(&s.g)); /* still its own GM: kept */
	assert_false(gate_feeding(&s.g));
	s.in.ptp.clock_class = 6;
	t0 = sim_secs(&s);
	t1 = sim_until(&s, GATE_PTP, 15.0);
	assert_float_equal(t1 - t0, 10.0, 1e-9);
	assert_int_equal(s.g.fallbacks, 1);
	assert_int_equal(s.g.transitions, 3);
}

/* Class 7 keeps the PHC fed for gate_gm_holdover, then NTP; no lock on 7. */
static void test_gm_holdover_budget(void **state)
{
	struct gate_config c;
	struct sim s;
	double t0, t1;

	(void)state;
	gate_config_defaults(&c);
	c.mode = GATE_MODE_GRANDMASTER;
	c.gm_holdover_ns = 60 * SEC;
	sim_init(&s, &c, true);
	sim_as_grandmaster(&s, 6);
	sim_lock(&s);
	s.in.ptp.clock_class = 7;
	assert_int_equal(sim_run(&s, 30.0), 0);
	assert_non_null(strstr(gate_condition(&s.g),
			       "grandmaster in holdover (clockClass 7) for"));
	assert_true(gate_feeding(&s.g));
	/* back to 6 within the budget: nothing changes, a new 7 starts over */
	s.in.ptp.clock_class = 6;
	assert_int_equal(sim_run(&s, 1.0), 0);
	assert_string_equal(gate_condition(&s.g), "locked");
	s.in.ptp.clock_class = 7;
	t0 = sim_secs(&s);
	t1 = sim_until(&s, GATE_NTP, 70.0);
	assert_float_equal(t1 - t0, 63.0, 0.13); /* budget + unlock dwell */
	assert_reason(&s.g, GATE_PTP, GATE_NTP,
		      "beyond gate_gm_holdover 60.0 s for 3.0 s");
	/* no lock from NTP while in holdover */
	sim_run(&s, 30.0);
	assert_int_equal(gate_state(&s.g), GATE_NTP);
	assert_true(strncmp(gate_condition(&s.g),
			    "grandmaster in holdover (clockClass 7) for 93.", 46) == 0);
	assert_non_null(strstr(gate_condition(&s.g),
			       " s, beyond gate_gm_holdover 60.0 s"));
	c.gm_holdover_ns = 3600 * SEC;
	sim_init(&s, &c, true);
	sim_as_grandmaster(&s, 7);
	sim_run(&s, 30.0);
	assert_int_equal(gate_state(&s.g), GATE_STARTUP);
	assert_string_equal(gate_condition(&s.g),
			    "grandmaster clockClass 7: locking needs 6");
}

/* An ordinary clock that lost its master is its own GM with class 248:
 * auto keeps the slave conditions, and their holdover. */
static void test_gm_auto_ordinary_clock(void **state)
{
	struct sim s;

	(void)state;
	sim_init(&s, NULL, true);
	sim_lock(&s);
	assert_false(gate_gm_mode(&s.g));
	sim_as_grandmaster(&s, 248);
	sim_poll(&s);
	assert_false(gate_gm_mode(&s.g));
	assert_reason(&s.g, GATE_PTP, GATE_HOLDOVER,
		      "ptp4l is its own grandmaster with clockClass 248 (port "
		      "state MASTER): no master to follow; holding over");
	assert_true(sim_until(&s, GATE_NTP, 11.0) >= 0);
	/* a boundary clock: SLAVE to a remote GM, the others MASTER */
	sim_init(&s, NULL, true);
	s.in.ptp.local_gm = false;
	sim_lock(&s);
	assert_false(gate_gm_mode(&s.g));
	/* seen as a T-GM once, then following another clock: slave again */
	sim_init(&s, NULL, true);
	sim_as_grandmaster(&s, 6);
	sim_lock(&s);
	assert_true(gate_gm_mode(&s.g));
	s.in.ptp = (struct gate_ptp){.configured = true,
				     .response_age_ns = SEC / 2,
				     .port_state = PTPMGMT_PS_SLAVE,
				     .master_offset_ns = 20,
				     .ingress_age_ns = SEC / 2,
				     .gm_present = true,
				     .clock_class = 6};
	assert_int_equal(sim_run(&s, 5.0), 0);
	assert_false(gate_gm_mode(&s.g));
	sim_as_grandmaster(&s, 248);
	sim_poll(&s);
	assert_false(gate_gm_mode(&s.g)); /* the latch was cleared */
	assert_int_equal(gate_state(&s.g), GATE_HOLDOVER);
}

/* A mode set in the configuration is kept whatever ptp4l reports. */
static void test_gm_mode_forced(void **state)
{
	struct gate_config c;
	struct sim s;

	(void)state;
	gate_config_defaults(&c);
	c.mode = GATE_MODE_GRANDMASTER;
	sim_init(&s, &c, true); /* a SLAVE port: not a grandmaster */
	sim_run(&s, 20.0);
	assert_int_equal(gate_state(&s.g), GATE_STARTUP);
	assert_string_equal(gate_condition(&s.g),
			    "ptp4l is not the grandmaster (port state SLAVE)");
	c.mode = GATE_MODE_SLAVE;
	sim_init(&s, &c, true);
	sim_as_grandmaster(&s, 6);
	sim_run(&s, 20.0);
	assert_int_equal(gate_state(&s.g), GATE_STARTUP);
	assert_false(gate_gm_mode(&s.g));
	assert_string_equal(gate_condition(&s.g),
			    "ptp4l is its own grandmaster with clockClass 6 "
			    "(port state MASTER): no master to follow");
	/* without a ptp4l, the mode does not matter */
	c.mode = GATE_MODE_GRANDMASTER;
	sim_init(&s, &c, false);
	sim_lock(&s);
	assert_false(gate_gm_mode(&s.g));
}

/* A T-GM's own time properties carry the leap warning; ptp4l silent for
 * longer than the holdover still falls back. */
static void test_gm_leap_and_silence(void **state)
{
	struct sim s;

	(void)state;
	sim_init(&s, NULL, true);
	sim_as_grandmaster(&s, 6);
	s.in.ptp.leap61 = true;
	sim_lock(&s);
	assert_int_equal(gate_leap(&s.g), SOCKMSG_LEAP_INSERT);
	s.in.ptp.response_age_ns = 4 * SEC;
	sim_poll(&s);
	assert_reason(&s.g, GATE_PTP, GATE_HOLDOVER,
		      "ptp4l not answering for 4.0 s; holding over");
	assert_true(sim_until(&s, GATE_NTP, 11.0) >= 0);
}

static void test_overrides(void **state)
{
	struct sim s;

	(void)state;
	sim_init(&s, NULL, true);
	sim_lock(&s);
	assert_int_equal(gate_set_override(&s.g, (enum gate_override)7),
			 -EINVAL);

	/* forced NTP: stops feeding, and stays put on perfect inputs */
	assert_int_equal(gate_set_override(&s.g, GATE_OVERRIDE_NTP), 0);
	assert_int_equal(gate_override(&s.g), GATE_OVERRIDE_AUTO);
	assert_true(sim_poll(&s));
	assert_reason(&s.g, GATE_PTP, GATE_FORCED, "operator override NTP");
	assert_int_equal(gate_override(&s.g), GATE_OVERRIDE_NTP);
	assert_false(gate_feeding(&s.g));
	assert_int_equal(s.g.fallbacks, 1);
	assert_int_equal(sim_run(&s, 600.0), 0);
	assert_string_equal(gate_condition(&s.g), "operator override NTP");

	/* forced PTP: feeds whatever ptp4l says */
	gate_set_override(&s.g, GATE_OVERRIDE_PTP);
	s.in.ptp.port_state = PTPMGMT_PS_FAULTY;
	assert_true(sim_poll(&s));
	assert_reason(&s.g, GATE_FORCED, GATE_FORCED, "operator override PTP");
	assert_true(gate_feeding(&s.g));
	assert_int_equal(sim_run(&s, 60.0), 0);
	assert_true(gate_feeding(&s.g));

	/* the same override again is no change */
	gate_set_override(&s.g, GATE_OVERRIDE_PTP);
	assert_false(sim_poll(&s));

	/* AUTO while the port has been FAULTY for a minute: straight to NTP */
	gate_set_override(&s.g, GATE_OVERRIDE_AUTO);
	assert_true(sim_poll(&s));
	assert_reason(&s.g, GATE_FORCED, GATE_NTP,
		      "operator override AUTO; ptp4l port state FAULTY");
	assert_int_equal(gate_override(&s.g), GATE_OVERRIDE_AUTO);
	assert_false(gate_feeding(&s.g));
	assert_int_equal(s.g.fallbacks, 2);

	/* AUTO from forced PTP on a good link: PTP */
	s.in.ptp.port_state = PTPMGMT_PS_SLAVE;
	gate_set_override(&s.g, GATE_OVERRIDE_PTP);
	sim_poll(&s);
	gate_set_override(&s.g, GATE_OVERRIDE_AUTO);
	sim_poll(&s);
	assert_reason(&s.g, GATE_FORCED, GATE_PTP, "operator override AUTO");
	assert_true(gate_feeding(&s.g));

	/* AUTO from forced NTP after lock conditions held long: PTP at once */
	gate_set_override(&s.g, GATE_OVERRIDE_NTP);
	sim_run(&s, 30.0);
	gate_set_override(&s.g, GATE_OVERRIDE_AUTO);
	sim_poll(&s);
	assert_reason(&s.g, GATE_FORCED, GATE_PTP,
		      "operator override AUTO; locked: |master_offset| 20 ns");

	/* AUTO from forced NTP just after lock conditions returned: NTP,
	 * then PTP once the dwell is reached */
	gate_set_override(&s.g, GATE_OVERRIDE_NTP);
	s.in.ptp.master_offset_ns = 5000;
	sim_run(&s, 5.0);
	s.in.ptp.master_offset_ns = 10;
	sim_run(&s, 5.0);
	gate_set_override(&s.g, GATE_OVERRIDE_AUTO);
	sim_poll(&s);
	assert_reason(&s.g, GATE_FORCED, GATE_NTP,
		      "operator override AUTO; lock dwell not reached");
	assert_true(sim_until(&s, GATE_PTP, 6.0) >= 0);
	/* operator round trips are not flaps */
	assert_int_equal(s.g.flaps, 0);
}

static void test_initial_override(void **state)
{
	struct gate_config c;
	struct sim s;

	(void)state;
	gate_config_defaults(&c);
	assert_int_equal(gate_config_set(&c, "gate_override", "ptp"), 0);
	sim_init(&s, &c, false);
	s.in.dev.running = false;
	sim_poll(&s);
	assert_reason(&s.g, GATE_STARTUP, GATE_FORCED, "operator override PTP");
	assert_true(gate_feeding(&s.g));
	assert_int_equal(sim_run(&s, 100.0), 0);
}

/* --privsep: a new worker's gate takes over from the one that died */
static void test_resume(void **state)
{
	struct sim s, n;

	(void)state;
	/* PTP: feeding from the start, a transition with cause resumed, and
	 * the usual rules from the first step on */
	sim_init(&s, NULL, true);
	assert_int_equal(gate_resume(&s.g, GATE_HOLDOVER, GATE_OVERRIDE_AUTO,
				     s.in.now_ns), 0);
	assert_int_equal(gate_state(&s.g), GATE_PTP);
	assert_true(gate_feeding(&s.g));
	assert_reason(&s.g, GATE_STARTUP, GATE_PTP, "resumed");
	assert_int_equal(gate_last_transition(&s.g)->cause, GATE_CAUSE_RESUMED);
	assert_int_equal(gate_transitions_by(&s.g, GATE_STARTUP, GATE_PTP,
					     GATE_CAUSE_RESUMED), 1);
	assert_int_equal(sim_run(&s, 30.0), 0);
	s.in.dev.running = false;
	assert_true(sim_poll(&s));
	assert_reason(&s.g, GATE_PTP, GATE_NTP, "device not running");
	/* too late once the gate has stepped */
	assert_int_equal(gate_resume(&s.g, GATE_PTP, GATE_OVERRIDE_AUTO,
				     s.in.now_ns), -EBUSY);

	/* NTP: starts afresh, locking after the dwell as ever */
	sim_init(&n, NULL, true);
	assert_int_equal(gate_resume(&n.g, GATE_NTP, GATE_OVERRIDE_AUTO,
				     n.in.now_ns), 0);
	assert_int_equal(gate_state(&n.g), GATE_STARTUP);
	assert_false(gate_feeding(&n.g));
	assert_true(sim_until(&n, GATE_PTP, 15.0) >= 9.9);

	/* an operator's override comes back at the first step */
	sim_init(&n, NULL, true);
	assert_int_equal(gate_resume(&n.g, GATE_FORCED, GATE_OVERRIDE_NTP,
				     n.in.now_ns), 0);
	sim_poll(&n);
	assert_int_equal(gate_state(&n.g), GATE_FORCED);
	assert_int_equal(gate_override(&n.g), GATE_OVERRIDE_NTP);
	assert_false(gate_feeding(&n.g));
	assert_int_equal(sim_run(&n, 60.0), 0);
}

static void test_override_to_holdover(void **state)
{
	struct sim s;

	(void)state;
	sim_init(&s, NULL, true);
	sim_lock(&s);
	gate_set_override(&s.g, GATE_OVERRIDE_PTP);
	sim_poll(&s);
	s.in.ptp.port_state = PTPMGMT_PS_UNCALIBRATED;
	sim_run(&s, 4.0);
	gate_set_override(&s.g, GATE_OVERRIDE_AUTO);
	sim_poll(&s);
	assert_reason(&s.g, GATE_FORCED, GATE_HOLDOVER,
		      "operator override AUTO; ptp4l port state UNCALIBRATED "
		      "for 4.0 s");
	/* the time already spent counts against the holdover */
	assert_true(sim_until(&s, GATE_NTP, 7.0) >= 0);
	assert_int_equal(gate_state_since(&s.g) - gate_history(&s.g, 1)->t_ns,
			 6 * SEC);
}

static void test_leap(void **state)
{
	struct sim s;

	(void)state;
	sim_init(&s, NULL, true);
	sim_lock(&s);
	assert_int_equal(gate_leap(&s.g), SOCKMSG_LEAP_NONE);
	s.in.ptp.leap61 = true;
	sim_poll(&s);
	assert_int_equal(gate_leap(&s.g), SOCKMSG_LEAP_INSERT);
	/* kept through holdover: ptp4l's view is stale, not contradicted */
	s.in.ptp.response_age_ns = 4 * SEC;
	sim_poll(&s);
	assert_int_equal(gate_state(&s.g), GATE_HOLDOVER);
	assert_int_equal(gate_leap(&s.g), SOCKMSG_LEAP_INSERT);
	s.in.ptp.response_age_ns = SEC / 2;
	/* both flags: nonsense, no warning */
	s.in.ptp.leap59 = true;
	sim_poll(&s);
	assert_int_equal(gate_leap(&s.g), SOCKMSG_LEAP_NONE);
	s.in.ptp.leap61 = false;
	sim_poll(&s);
	assert_int_equal(gate_leap(&s.g), SOCKMSG_LEAP_DELETE);
	/* untrusted: UTC offset not valid, or properties not received */
	s.in.ptp.utc_offset_valid = false;
	sim_poll(&s);
	assert_int_equal(gate_leap(&s.g), SOCKMSG_LEAP_NONE);
	s.in.ptp.utc_offset_valid = true;
	s.in.ptp.time_props_known = false;
	sim_poll(&s);
	assert_int_equal(gate_leap(&s.g), SOCKMSG_LEAP_NONE);
	s.in.ptp.time_props_known = true;
	sim_poll(&s);
	assert_int_equal(gate_leap(&s.g), SOCKMSG_LEAP_DELETE);
	/* not fed, view stale: no warning */
	s.in.ptp.port_state = PTPMGMT_PS_LISTENING;
	assert_true(sim_until(&s, GATE_NTP, 15.0) >= 0);
	assert_int_equal(gate_leap(&s.g), SOCKMSG_LEAP_NONE);
}

static void test_history(void **state)
{
	struct sim s;
	int i;

	(void)state;
	sim_init(&s, NULL, true);
	assert_null(gate_last_transition(&s.g));
	assert_null(gate_history(&s.g, 0));
	sim_lock(&s);
	for (i = 0; i < 20; i++) {
		gate_set_override(&s.g, i % 2 ? GATE_OVERRIDE_PTP
					      : GATE_OVERRIDE_NTP);
		sim_poll(&s);
	}
	assert_int_equal(s.g.transitions, 21);
	assert_non_null(gate_history(&s.g, GATE_HISTORY - 1));
	assert_null(gate_history(&s.g, GATE_HISTORY));
	assert_null(gate_history(&s.g, -1));
	/* newest first */
	assert_string_equal(gate_history(&s.g, 0)->reason,
			    "operator override PTP");
	assert_string_equal(gate_history(&s.g, 1)->reason,
			    "operator override NTP");
	assert_true(gate_history(&s.g, 0)->t_ns > gate_history(&s.g, 1)->t_ns);
	assert_int_equal(gate_history(&s.g, 0)->override, GATE_OVERRIDE_PTP);
}

/* ---- flapping --------------------------------------------------------- */

/* Deterministic uniform numbers in [0, 1) (splitmix64). */
static double uniform(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (double)(z >> 11) / 9007199254740992.0;
}

/*
 * The most feeding changes (PTP entries plus fall backs) ANY input can
 * cause in @span_ns, from the gate's rules: each entry into PTP needs the
 * lock conditions to hold for the effective lock dwell, after the previous
 * fall back (the fall back's own poll fails them); the first needs
 * lock_dwell, and each flap doubles the next dwell up to 2^backoff_max.
 * Leaving takes at least one poll; counting it as zero only loosens the
 * bound. Valid while the longest dwell is within flap_window.
 */
static unsigned long feeding_change_bound(const struct gate_config *c,
					  int64_t span_ns)
{
	int64_t t = c->lock_dwell_ns; /* earliest first entry */
	unsigned long entries = 0;
	int b;

	assert_true((c->lock_dwell_ns << c->backoff_max) <= c->flap_window_ns);
	while (t <= span_ns) {
		entries++;
		/* entry k (k >= 2) is a flap and raises the backoff to k - 1 */
		b = entries - 1 < (unsigned long)c->backoff_max
			? (int)(entries - 1)
			: c->backoff_max;
		t += c->lock_dwell_ns << b;
	}
	return 2 * entries;
}

static void test_flapping_bound_formula(void **state)
{
	struct gate_config c;

	(void)state;
	gate_config_defaults(&c);
	/* entries at 10, 20, 40, 80, 160, 320, 480 s; the next at 640 s */
	assert_int_equal(feeding_change_bound(&c, 600 * SEC), 14);
	c.backoff_max = 0;
	assert_int_equal(feeding_change_bound(&c, 600 * SEC), 120);
}

/*
 * |master_offset| uniformly random in [lock - 50%, unlock + 50%] (50..1500
 * ns) for 10 minutes at 8 Hz, after locking. The gate may change state at
 * most feeding_change_bound() = 14 times whatever the input; with this
 * input it does not change at all: leaving needs 24 polls in a row above
 * 1000 ns (p = 0.345^24, about 1e-11 per poll) and locking again 80 polls in
 * a row below 100 ns (p = 0.034^80). A single-threshold comparator on the
 * same samples switches on about 2 p (1 - p) of them: over 2000 times; two
 * thresholds without dwell times still switch some 300 times.
 */
static void test_flapping_bounded(void **state)
{
	struct gate_config c;
	struct sim s;
	uint64_t seed = 42;
	unsigned long naive = 0, hyst = 0, gate_n, i, polls = 600 * 8;
	bool naive_on = true, hyst_on = true;

	(void)state;
	gate_config_defaults(&c);
	sim_init(&s, &c, true);
	sim_lock(&s);
	s.changes = 0;
	for (i = 0; i < polls; i++) {
		double lo = 0.5 * c.lock_offset_ns;
		double hi = 1.5 * c.unlock_offset_ns;
		double off = lo + (hi - lo) * uniform(&seed);
		bool on;

		s.in.ptp.master_offset_ns =
		    (int64_t)off * (uniform(&seed) < 0.5 ? -1 : 1);
		sim_poll(&s);
		/* naive: feed iff |offset| within the unlock threshold */
		on = off <= c.unlock_offset_ns;
		naive += on != naive_on;
		naive_on = on;
		/* two thresholds, no dwell */
		on = hyst_on ? off <= c.unlock_offset_ns
			     : off <= c.lock_offset_ns;
		hyst += on != hyst_on;
		hyst_on = on;
	}
	gate_n = s.changes;
	print_message(
	    "jitter 10 min at 8 Hz: gate %lu transitions (bound %lu),"
	    " two thresholds without dwell %lu, single threshold %lu\n",
	    gate_n, feeding_change_bound(&c, 600 * SEC), hyst, naive);
	assert_true(gate_n <= feeding_change_bound(&c, 600 * SEC));
	assert_true(gate_n <= 1);
	assert_true(naive > 1000);
	assert_true(hyst > 100);
}

/*
 * The worst case: an adversary that knows the gate's state and offers a
 * perfect offset whenever it is not fed and a bad one whenever it is.
 * With the defaults the gate enters PTP at 10, 23.25, 46.5, 89.75, 173,
 * 336.25 and 499.5 s (lock dwells 10, 10, 20, 40, 80, 160, 160 s) and
 * leaves 3.125 s later each time: 14 feeding changes in 10 minutes,
 * exactly the bound; without the
 * backoff it is 90 (one cycle every 13.25 s: 3 s unlock dwell, 10 s lock
 * dwell, and the poll each way that starts the dwell).
 */
static unsigned long adversary(struct gate_config *c)
{
	struct sim s;
	int64_t end;

	sim_init(&s, c, true);
	end = s.in.now_ns + 600 * SEC;
	while (s.in.now_ns < end) {
		s.in.ptp.master_offset_ns = gate_feeding(&s.g) ? 5000 : 10;
		sim_poll(&s);
	}
	return s.g.transitions;
}

static void test_flapping_adversary(void **state)
{
	struct gate_config c;
	unsigned long with, without;

	(void)state;
	gate_config_defaults(&c);
	with = adversary(&c);
	assert_true(with <= feeding_change_bound(&c, 600 * SEC));
	assert_int_equal(with, 14);
	c.backoff_max = 0;
	without = adversary(&c);
	assert_true(without <= feeding_change_bound(&c, 600 * SEC));
	print_message("adaptive adversary 10 min: %lu transitions with backoff,"
		      " %lu without\n",
		      with, without);
	assert_int_equal(without, 90);
}

/* The backoff ends once PTP has held for the flap window. */
static void test_backoff_reset(void **state)
{
	struct sim s;
	double t0, t1;
	int i;

	(void)state;
	sim_init(&s, NULL, true);
	sim_lock(&s);
	for (i = 0; i < 3; i++) {
		s.in.dev.running = false;
		sim_poll(&s);
		s.in.dev.running = true;
		assert_true(sim_until(&s, GATE_PTP, 100.0) >= 0);
	}
	assert_int_equal(s.g.flaps, 3);
	sim_run(&s, 301.0);
	s.in.dev.running = false;
	sim_poll(&s);
	s.in.dev.running = true;
	t0 = sim_secs(&s);
	t1 = sim_until(&s, GATE_PTP, 100.0);
	assert_float_equal(t1 - t0, 10.0, 1e-9);
	assert_int_equal(s.g.flaps, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_config),
	    cmocka_unit_test(test_config_ranges),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_startup_to_ptp_after_dwell),
	    cmocka_unit_test(test_resume),
	    cmocka_unit_test(test_startup_bad_offset_waits),
	    cmocka_unit_test(test_startup_timeout_to_ntp),
	    cmocka_unit_test(test_port_state_loss_holdover_to_ntp),
	    cmocka_unit_test(test_holdover_recovery),
	    cmocka_unit_test(test_ntp_to_ptp_after_lock_dwell),
	    cmocka_unit_test(test_offset_hysteresis_unlock),
	    cmocka_unit_test(test_device_vanished),
	    cmocka_unit_test(test_device_vanished_in_holdover),
	    cmocka_unit_test(test_vm_without_ptp4l),
	    cmocka_unit_test(test_vmclock),
	    cmocka_unit_test(test_clock_class_degraded),
	    cmocka_unit_test(test_stale_ingress),
	    cmocka_unit_test(test_gm_auto_class_6_248_6),
	    cmocka_unit_test(test_gm_holdover_budget),
	    cmocka_unit_test(test_gm_auto_ordinary_clock),
	    cmocka_unit_test(test_gm_mode_forced),
	    cmocka_unit_test(test_gm_leap_and_silence),
	    cmocka_unit_test(test_overrides),
	    cmocka_unit_test(test_initial_override),
	    cmocka_unit_test(test_override_to_holdover),
	    cmocka_unit_test(test_leap),
	    cmocka_unit_test(test_history),
	    cmocka_unit_test(test_flapping_bound_formula),
	    cmocka_unit_test(test_flapping_bounded),
	    cmocka_unit_test(test_flapping_adversary),
	    cmocka_unit_test(test_backoff_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
