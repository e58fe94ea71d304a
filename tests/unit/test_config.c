/* test_config.c: configuration parsing, units, and errors with file:line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "units.h"

static struct config cfg;
static char err[512];

static int parse(const char *text)
{
	err[0] = '\0';
	return config_parse(text, "test.conf", &cfg, err, sizeof(err));
}

static void test_units(void **state)
{
	double d;
	long n;
	bool b;

	assert_int_equal(units_parse_duration_ns("250us", &d), 0);
	assert_float_equal(d, 250000.0, 0);
	assert_int_equal(units_parse_duration_ns("1.5ms", &d), 0);
	assert_float_equal(d, 1.5e6, 0);
	assert_int_equal(units_parse_duration_ns("2s", &d), 0);
	assert_float_equal(d, 2e9, 0);
	assert_int_equal(units_parse_duration_ns("3", &d), 0);
	assert_float_equal(d, 3e9, 0);
	assert_int_equal(units_parse_duration_ns("-40ns", &d), 0);
	assert_float_equal(d, -40.0, 0);
	assert_int_equal(units_parse_duration_ns("5 us", &d), -EINVAL);
	assert_int_equal(units_parse_duration_ns("5parsecs", &d), -EINVAL);
	assert_int_equal(units_parse_duration_ns("", &d), -EINVAL);
	assert_int_equal(units_parse_rate_hz("8Hz", &d), 0);
	assert_float_equal(d, 8.0, 0);
	assert_int_equal(units_parse_rate_hz("0Hz", &d), -EINVAL);
	assert_int_equal(units_parse_ppm("-150ppb", &d), 0);
	assert_float_equal(d, -0.15, 1e-12);
	assert_int_equal(units_parse_ppm("2ppm", &d), 0);
	assert_int_equal(units_parse_int("25", 1, 25, &n), 0);
	assert_int_equal(units_parse_int("26", 1, 25, &n), -ERANGE);
	assert_int_equal(units_parse_int("2x", 1, 25, &n), -EINVAL);
	assert_int_equal(units_parse_bool("on", &b), 0);
	assert_true(b);
	assert_int_equal(units_parse_bool("maybe", &b), -EINVAL);
	assert_int_equal(units_parse_number("nan", &d), -EINVAL);
}

/* strtod() takes more than decimal numbers: none of it is a value. */
static void test_units_refuse_non_decimal(void **state)
{
	static const char *const bad[] = {
		"nan", "NaN", "nanns", "inf", "-inf", "infs", "infinity",
		"0x10", "0x1p4s", "-0X8", " 5", "\t5", "+", "-", ".", "e5",
		"1e400", "-1e400s", "1e-400",
	};
	double d;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (units_parse_duration_ns(bad[i], &d) != -EINVAL ||
		    units_parse_number(bad[i], &d) != -EINVAL ||
		    units_parse_ppm(bad[i], &d) != -EINVAL ||
		    units_parse_rate_hz(bad[i], &d) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
	}
	assert_int_equal(units_parse_duration_ns(".5ms", &d), 0);
	assert_float_equal(d, 5e5, 0);
	assert_int_equal(units_parse_duration_ns("+2", &d), 0);
	assert_float_equal(d, 2e9, 0);
	assert_int_equal(units_parse_number("-0.25", &d), 0);
	assert_int_equal(units_parse_number("1e3", &d), 0);
	assert_float_equal(d, 1000.0, 0);
}

static void test_format_duration(void **state)
{
	static const struct {
		double ns;
		const char *text;
	} cases[] = {
		{ 86400e9, "86400s" }, { 1e9, "1s" },	{ 1e6, "1ms" },
		{ 10e3, "10us" },      { 1.0, "1ns" },	{ 0.0, "0s" },
		{ -1e9, "-1s" },       { 1500.0, "1500ns" },
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		units_format_duration(cases[i].ns, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].text);
	}
}

static void test_full_file(void **state)
{
	const char *text =
		"# a comment\n"
		"[global]\n"
		"  control_socket /tmp/x/ctl.sock   # trailing comment\n"
		"log_level info\n"
		"summary_interval 5s\n"
		"\n"
		"[source PHC0]\n"
		"device /dev/ptp_hyperv\n"
		"rate 16Hz\n"
		"readings 10\n"
		"timescale tai\n"
		"utc_offset 37\n"
		"correction -120ns\n"
		"delay_quantile 0.2\n"
		"smoothing no\n"
		"[source SIM1]\r\n"
		"device sim\r\n"
		"offset 250us\n"
		"freq -2ppm\n"
		"spike_prob 0.01\n"
		"precise yes\n"
		"filter no\n";

	assert_int_equal(parse(text), 0);
	assert_string_equal(cfg.global.control_socket, "/tmp/x/ctl.sock");
	assert_string_equal(cfg.global.chronyd_socket, "/run/chrony/chronyd.sock");
	assert_int_equal(cfg.global.log_level, LOG_INFO);
	assert_float_equal(cfg.global.summary_interval_s, 5.0, 1e-12);
	assert_float_equal(cfg.global.chronyd_interval_s, 1.0, 1e-12);
	assert_int_equal(cfg.n_sources, 2);
	struct source_config *a = &cfg.sources[0], *b = &cfg.sources[1];
	assert_string_equal(a->name, "PHC0");
	assert_string_equal(a->device, "/dev/ptp_hyperv");
	assert_string_equal(a->sock, "/run/chrony.PHC0.sock");
	assert_float_equal(a->rate_hz, 16.0, 0);
	assert_int_equal(a->readings, 10);
	assert_int_equal(a->timescale, TIMESCALE_TAI);
	assert_float_equal(a->correction_ns, -120.0, 0);
	assert_float_equal(a->filter.delay_quantile, 0.2, 0);
	assert_true(a->filter.enabled);
	assert_false(a->filter.smoothing);
	assert_true(b->filter.smoothing);
	assert_int_equal(a->line, 7);
	assert_string_equal(b->device, "sim");
	assert_string_equal(b->sock, "/run/chrony.SIM1.sock");
	assert_float_equal(b->sim.offset_ns, 250000.0, 0);
	assert_float_equal(b->sim.freq_ppm, -2.0, 0);
	assert_true(b->sim.precise);
	assert_false(b->filter.enabled);
	assert_int_equal(b->readings, 25);
	assert_float_equal(b->rate_hz, 8.0, 0);
}

/* Each bad file is refused with the line at fault. */
static void test_errors_with_line(void **state)
{
	static const struct {
		const char *text;
		const char *where;
		const char *what;
	} cases[] = {
		{ "[source A]\nrate fast\n", "test.conf:2:", "rate" },
		{ "[source A]\nreadings 26\n", "test.conf:2:", "1..25" },
		{ "[source A]\n\n\nbogus 1\n", "test.conf:4:", "unknown key 'bogus'" },
		{ "device sim\n", "test.conf:1:", "before any" },
		{ "[global]\n[source TOOLONG]\n", "test.conf:2:", "1 to 4" },
		{ "[source A]\n[source A]\n", "test.conf:2:", "defined twice" },
		{ "[sauce A]\n", "test.conf:1:", "unknown section" },
		{ "[source A\n", "test.conf:1:", "closing ]" },
		{ "[source A]\ndevice\n", "test.conf:2:", "no value" },
		{ "[source A]\ndevice ptp0\n", "test.conf:2:", "absolute path" },
		{ "[global]\nlog_level loud\n", "test.conf:2:", "log_level" },
		{ "[global]\n", "test.conf:1:", "no [source NAME]" },
		{ "[source A]\ndevice auto\noffset 5us\n", "test.conf:3:", "device sim" },
		{ "[source A]\ndevice sim\nspike_prob 2\n", "test.conf:3:", "spike_prob" },
		{ "[source A]\ndevice sim\nprecise sim\n", "test.conf:3:", "precise" },
		{ "[source A]\n[source B]\nsock /run/chrony.A.sock\n", "test.conf:2:", "as [source A]" },
		{ "[source A]\ntimescale gps\n", "test.conf:2:", "utc or tai" },
		{ "[source A]\nfilter maybe\n", "test.conf:2:", "yes or no" },
		{ "[source A]\n\nsmoothing 1.5\n", "test.conf:3:", "smoothing" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = parse(cases[i].text);
		if (r != -EINVAL || strncmp(err, cases[i].where,
					    strlen(cases[i].where)) != 0 ||
		    !strstr(err, cases[i].what))
			fail_msg("case %zu: got %d '%s'", i, r, err);
	}
}

/* The lines every range test puts before its key: a sim source whose
 * lock offset can neither exceed nor fall below the unlock offset. */
#define RANGE_PREFIX "[source A]\ndevice sim\ngate_lock_offset 1ns\n" \
		     "gate_unlock_offset 1s\n"
#define RANGE_LINE 5

/* One numeric key: the edges it accepts, values it refuses, and what its
 * error message must say about the range. */
struct range_case {
	const char *key;
	const char *unit; /* appended to the absurd values ("" = none) */
	const char *range;
	const char *good[3];
	const char *bad[4];
};

/* clang-format off */
static const struct range_case range_cases[] = {
	/* [source] and filter */
	{ "domain", "", "0..255", { "0", "255" }, { "-1", "256", "1.5" } },
	{ "rate", "Hz", "0.0625Hz to 128Hz", { "0.0625Hz", "128" },
	  { "0.06Hz", "129Hz", "-8Hz" } },
	{ "readings", "", "1..25", { "1", "25" }, { "0", "26" } },
	{ "reads", "", "1..8", { "1", "8" }, { "0", "9" } },
	{ "utc_offset", "", "0..100", { "0", "37", "100" },
	  { "-1", "101", "370" } },
	{ "correction", "s", "from -1s to 1s", { "-1s", "1s", "-120ns" },
	  { "-1.001s", "1001ms" } },
	{ "sim_epoch", "", "from 1 to 9000000000", { "1", "9e9" },
	  { "0", "0.5", "9000000001", "-5" } },
	{ "delay_quantile", "", "(0, 1]", { "0.01", "1" },
	  { "0", "1.01", "-0.5" } },
	{ "outlier_threshold", "", "[1, 1000]", { "1", "1000" },
	  { "0.99", "1001" } },
	{ "step_threshold", "s", "from 10ns to 1s", { "10ns", "1s" },
	  { "9ns", "1.5s", "-1us", "0" } },
	/* gate: the ranges of gate.c's table */
	{ "gate_lock_offset", "s", "a duration with a unit from 1ns to 1s",
	  { "1ns", "1s" }, { "0.5ns", "1.1s", "100", "-1us" } },
	{ "gate_unlock_offset", "s", "from 1ns to 1s", { "1ns", "1s" },
	  { "0ns", "2s" } },
	{ "gate_max_sigma", "s", "from 1ns to 1s", { "1ns", "1s" },
	  { "0ns", "2s" } },
	{ "gate_lock_dwell", "s", "a duration from 0s to 86400s",
	  { "0", "86400s" }, { "-1s", "86401s", "1e6" } },
	{ "gate_unlock_dwell", "s", "from 0s to 86400s", { "0", "86400" },
	  { "-1ns", "86400.5s" } },
	{ "gate_holdover", "s", "from 0s to 86400s", { "0", "86400s" },
	  { "-1s", "100000s" } },
	{ "gate_recover_dwell", "s", "from 0s to 86400s", { "0", "86400s" },
	  { "-1s", "86401s" } },
	{ "gate_startup_timeout", "s", "from 0s to 86400s", { "0", "86400s" },
	  { "-60s", "86401s" } },
	{ "gate_step_holdoff", "s", "from 0s to 86400s", { "0", "86400s" },
	  { "-1s", "86401s" } },
	{ "gate_flap_window", "s", "from 0s to 86400s", { "0", "86400s" },
	  { "-1s", "86401s" } },
	{ "gate_max_response_age", "s", "from 1ms to 86400s",
	  { "1ms", "86400s" }, { "0", "999us", "86401s" } },
	{ "gate_max_sync_age", "s", "from 1ms to 86400s", { "1ms", "86400s" },
	  { "0", "0.5ms", "86401s" } },
	{ "gate_max_sample_age", "s", "from 1ms to 86400s",
	  { "1ms", "86400s" }, { "0", "-3s", "86401s" } },
	{ "gate_max_clock_class", "", "an integer from 1 to 255",
	  { "1", "255" }, { "0", "256", "6.5" } },
	{ "gate_backoff_max", "", "an integer from 0 to 10", { "0", "10" },
	  { "-1", "11" } },
	{ "gate_gm_holdover", "s", "from 0s to 86400s", { "0", "14400s" },
	  { "-1s", "86401s" } },
	{ "gate_max_reject", "", "a fraction from 0 to 1 (or 0% to 100%)",
	  { "0", "1", "100%" }, { "-0.1", "1.1", "101%" } },
	/* sim: the ranges of clockmodel.c's table */
	{ "offset", "s", "a duration from -86400s to 86400s",
	  { "-86400s", "86400s", "37s" }, { "-86401s", "86401s" } },
	{ "freq", "ppm", "a frequency error from -1000ppm to 1000ppm",
	  { "-1000ppm", "1000", "-150ppb" }, { "-1001ppm", "1000001ppb" } },
	{ "wander", "s", "a duration from 0s to 10us", { "0", "10us" },
	  { "-1ns", "11us" } },
	{ "freq_wander", "ppm", "a frequency error from 0ppm to 0.1ppm",
	  { "0", "0.1ppm", "1ppb" }, { "-1ppb", "0.11", "101ppb" } },
	{ "temp_amplitude", "ppm", "a frequency error from 0ppm to 10ppm",
	  { "0", "10ppm", "200ppb" }, { "-1ppb", "10.1ppm", "10001ppb" } },
	{ "temp_period", "s", "a duration from 0s to 86400s",
	  { "0", "600s", "86400s" }, { "-1s", "86401s", "10min" } },
	{ "delay", "s", "a duration from 0s to 10ms", { "0", "10ms" },
	  { "-1us", "11ms" } },
	{ "jitter", "s", "a duration from 0s to 10ms", { "0", "10ms" },
	  { "-1us", "11ms" } },
	{ "spike", "s", "a duration from 0s to 10ms", { "0", "10ms" },
	  { "-1us", "11ms" } },
	{ "stall", "s", "a duration from 0s to 1s", { "0", "1s" },
	  { "-1us", "2s" } },
	{ "precise_noise", "s", "a duration from 0s to 1ms", { "0", "1ms" },
	  { "-1ns", "2ms" } },
	{ "step", "s", "a duration from -1s to 1s", { "-1s", "1s" },
	  { "-2s", "2s" } },
	{ "step_interval", "s", "a duration from 0s to 86400s",
	  { "0", "86400s" }, { "-1s", "86401s" } },
	{ "vanish_at", "s", "a duration from 0s to 86400s", { "0", "86400s" },
	  { "-1s", "86401s" } },
	{ "vanish_for", "s", "a duration from 0s to 86400s", { "0", "86400s" },
	  { "-1s", "86401s" } },
	{ "spike_prob", "", "a number from 0 to 1", { "0", "1" },
	  { "-0.01", "1.01" } },
	{ "stall_prob", "", "a number from 0 to 1", { "0", "1" },
	  { "-0.01", "1.01" } },
	{ "seed", "", "an integer from 0 to 9007199254740992",
	  { "0", "9007199254740992" },
	  { "-1", "1.5", "9007199254740994", "18446744073709551615" } },
};
/* clang-format on */

/* Finite but absurd, or not numbers at all: refused by every key. */
static const char *const absurd[] = {
	"1e300", "-1e300", "1e400", "nan", "-nan", "inf", "-inf", "infinity",
	"0x10", "1e20",
};

static int bad_inputs; /* how many refusals the range tests checked */

/* @key @val must be refused at RANGE_LINE, naming the key and @range. */
static void expect_refused(const char *key, const char *val,
			   const char *range)
{
	char text[512], where[64];
	int r;

	snprintf(text, sizeof(text), RANGE_PREFIX "%s %s\n", key, val);
	snprintf(where, sizeof(where), "test.conf:%d: %s: ", RANGE_LINE, key);
	r = parse(text);
	if (r != -EINVAL || strncmp(err, where, strlen(where)) != 0 ||
	    !strstr(err, range))
		fail_msg("%s %s: got %d '%s'", key, val, r, err);
	bad_inputs++;
}

static void expect_accepted(const char *key, const char *val)
{
	char text[512];

	snprintf(text, sizeof(text), RANGE_PREFIX "%s %s\n", key, val);
	if (parse(text) != 0)
		fail_msg("%s %s refused: '%s'", key, val, err);
}

/* Every numeric key has a range, checked at parse time and stated in the
 * error; its edges are accepted. */
static void test_ranges_every_key(void **state)
{
	char val[64];

	bad_inputs = 0;
	for (size_t i = 0; i < sizeof(range_cases) / sizeof(range_cases[0]);
	     i++) {
		const struct range_case *c = &range_cases[i];
		for (int j = 0; j < 3 && c->good[j]; j++)
			expect_accepted(c->key, c->good[j]);
		for (int j = 0; j < 4 && c->bad[j]; j++)
			expect_refused(c->key, c->bad[j], c->range);
		for (size_t j = 0; j < sizeof(absurd) / sizeof(absurd[0]);
		     j++) {
			expect_refused(c->key, absurd[j], c->range);
			snprintf(val, sizeof(val), "%s%s", absurd[j], c->unit);
			if (c->unit[0])
				expect_refused(c->key, val, c->range);
		}
	}
	print_message("range tests: %d bad inputs refused\n", bad_inputs);
}

/* summary_interval: 0 (never) or 1s to a day (1e20 made libevent abort). */
static void test_summary_interval(void **state)
{
	static const struct {
		const char *val;
		double s;
	} good[] = {
		{ "0", 0.0 },	  { "0s", 0.0 },	  { "1s", 1.0 },
		{ "1000ms", 1.0 }, { "60", 60.0 },	  { "86400s", 86400.0 },
	};
	static const char *const bad[] = {
		"1e20", "1us", "999ms", "0.5", "-1s", "-60", "86401s",
		"1e300", "nan", "inf", "-inf", "1e400", "0x3c", "60 s", "1m",
	};
	char text[128];
	int r;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text),
			 "[global]\nsummary_interval %s\n[source A]\n",
			 good[i].val);
		assert_int_equal(parse(text), 0);
		assert_float_equal(cfg.global.summary_interval_s, good[i].s,
				   1e-9);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			 "[global]\nsummary_interval %s\n[source A]\n",
			 bad[i]);
		r = parse(text);
		if (r != -EINVAL ||
		    strncmp(err, "test.conf:2: summary_interval: ", 31) != 0 ||
		    !strstr(err, "0 (never)") ||
		    !strstr(err, "from 1s to 86400s"))
			fail_msg("summary_interval %s: got %d '%s'", bad[i], r,
				 err);
	}
}

/* metrics_listen: none, systemd or a numeric address:port; a bad one names its
 * line and why. metrics_textfile: an absolute path or none. */
static void test_metrics_keys(void **state)
{
	static const struct {
		const char *val, *why;
	} bad[] = {
		{ "localhost:9817", "host names are not resolved" },
		{ "9817", "expected address:port" },
		{ "127.0.0.1:0", "1..65535" },
		{ "::1:9817", "brackets" },
	};
	char text[160];

	assert_int_equal(parse("[global]\n[source A]\n"), 0);
	assert_string_equal(cfg.global.metrics_listen, "");
	assert_string_equal(cfg.global.metrics_textfile, "");
	assert_int_equal(parse("[global]\nmetrics_listen 127.0.0.1:9817\n"
			       "metrics_textfile /tmp/m.prom\n[source A]\n"),
			 0);
	assert_string_equal(cfg.global.metrics_listen, "127.0.0.1:9817");
	assert_string_equal(cfg.global.metrics_textfile, "/tmp/m.prom");
	assert_int_equal(parse("[global]\nmetrics_listen none\n[source A]\n"),
			 0);
	assert_string_equal(cfg.global.metrics_listen, "");
	/* systemd's socket (socket activation), kept as the word */
	assert_int_equal(
	    parse("[global]\nmetrics_listen systemd\n[source A]\n"), 0);
	assert_string_equal(cfg.global.metrics_listen, "systemd");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			 "[global]\n\nmetrics_listen %s\n[source A]\n",
			 bad[i].val);
		if (parse(text) != -EINVAL ||
		    strncmp(err, "test.conf:3: metrics_listen: ", 29) != 0 ||
		    !strstr(err, bad[i].why))
			fail_msg("metrics_listen %s: '%s'", bad[i].val, err);
	}
	assert_int_equal(parse("[global]\nmetrics_textfile m.prom\n"
			       "[source A]\n"),
			 -EINVAL);
	assert_non_null(strstr(err, "test.conf:2: metrics_textfile: 'm.prom' "
				    "is not an absolute path"));
	assert_int_equal(config_key_reload(CONFIG_SECTION_GLOBAL,
					   "metrics_listen"),
			 CONFIG_RELOAD_RESTART);
	assert_int_equal(config_key_reload(CONFIG_SECTION_GLOBAL,
					   "metrics_textfile"),
			 CONFIG_RELOAD_APPLY);
}

/* chronyd_interval: 1s to an hour, no 0 (chronyd is watched or not by
 * chronyd_socket); a bad value names its line. */
static void test_chronyd_interval(void **state)
{
	static const struct {
		const char *val;
		double s;
	} good[] = {
		{ "1s", 1.0 }, { "1000ms", 1.0 }, { "16", 16.0 },
		{ "64s", 64.0 }, { "3600s", 3600.0 },
	};
	static const char *const bad[] = {
		"0", "0s", "999ms", "0.5", "-1s", "3601s", "1e300", "nan",
		"inf", "16 s", "1m", "",
	};
	char text[128];
	int r;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text),
			 "[global]\nchronyd_interval %s\n[source A]\n",
			 good[i].val);
		assert_int_equal(parse(text), 0);
		assert_float_equal(cfg.global.chronyd_interval_s, good[i].s,
				   1e-9);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			 "[global]\n\nchronyd_interval %s\n[source A]\n",
			 bad[i]);
		r = parse(text);
		if (r != -EINVAL ||
		    strncmp(err, "test.conf:3: ", 13) != 0 ||
		    !strstr(err, "chronyd_interval") ||
		    (bad[i][0] && !strstr(err, "from 1s to 3600s")))
			fail_msg("chronyd_interval '%s': got %d '%s'", bad[i],
				 r, err);
	}
}

/* A bad yes/no of a sim key is refused, naming the key (it used to read
 * an uninitialised bool first). */
static void test_sim_bool(void **state)
{
	static const char *const bad[] = { "maybe", "2", "yess", "nan", "" };
	char text[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			 "[source A]\ndevice sim\nprecise %s\n", bad[i]);
		int r = parse(text);
		if (bad[i][0] == '\0') {
			assert_int_equal(r, -EINVAL); /* no value */
			continue;
		}
		if (r != -EINVAL || !strstr(err, "test.conf:3: precise: ") ||
		    !strstr(err, "is not yes or no"))
			fail_msg("precise %s: got %d '%s'", bad[i], r, err);
	}
	assert_int_equal(parse("[source A]\ndevice sim\nprecise on\n"), 0);
	assert_true(cfg.sources[0].sim.precise);
}

/* The drifting clock's keys land in the model in its units, need device
 * sim, and a bad value is refused at its line. */
static void test_sim_drift_keys(void **state)
{
	const struct clockmodel_params *sim;

	assert_int_equal(parse("[source A]\ndevice sim\nfreq_wander 2ppb\n"
			       "temp_amplitude 0.2\ntemp_period 10\n"), 0);
	sim = &cfg.sources[0].sim;
	assert_float_equal(sim->freq_wander_ppm, 0.002, 1e-15);
	assert_float_equal(sim->temp_amplitude_ppm, 0.2, 0);
	assert_float_equal(sim->temp_period_s, 10.0, 1e-12); /* seconds */
	/* unset: 0, the model without them */
	assert_int_equal(parse("[source A]\ndevice sim\n"), 0);
	assert_true(cfg.sources[0].sim.freq_wander_ppm == 0.0);
	assert_true(cfg.sources[0].sim.temp_amplitude_ppm == 0.0);
	assert_true(cfg.sources[0].sim.temp_period_s == 0.0);
	assert_int_equal(parse("[source A]\ndevice sim\ntemp_amplitude "
			       "0.2ppm\ntemp_period 10 min\n"), -EINVAL);
	assert_string_equal(err, "test.conf:4: temp_period: '10 min' is not "
				 "a duration from 0s to 86400s");
	assert_int_equal(parse("[source A]\nfreq_wander 1ppb\n"), -EINVAL);
	assert_non_null(strstr(err, "test.conf:2: "));
	assert_non_null(strstr(err, "need 'device sim'"));
}

/* Section headers: exactly [global] or [source NAME]. */
static void test_section_headers(void **state)
{
	static const struct {
		const char *text;
		const char *what;
	} bad[] = {
		{ "[source PHC0 junk]\n", "[source PHC0] is followed by" },
		{ "[source A B C]\n", "[source A] is followed by" },
		{ "[global junk]\n", "[global] takes no name; 'junk'" },
		{ "[global A B]\n", "[global] takes no name; 'A'" },
		{ "[source]\n", "[source] lacks a NAME" },
		{ "[ source ]\n", "[source] lacks a NAME" },
		{ "[]\n", "unknown section" },
		{ "[ ]\n", "unknown section" },
		{ "[globalx]\n", "unknown section [globalx]" },
		{ "[sources A]\n", "unknown section [sources]" },
		{ "[source A] x\n", "'x' after the closing ]" },
		{ "[source A]]\n", "after the closing ]" },
		{ "[global] [source A]\n", "after the closing ]" },
		{ "[source A\n", "closing ]" },
	};
	char text[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "# header\n%s[source Z]\n",
			 bad[i].text);
		int r = parse(text);
		if (r != -EINVAL || strncmp(err, "test.conf:2: ", 13) != 0 ||
		    !strstr(err, bad[i].what))
			fail_msg("%s: got %d '%s'", bad[i].text, r, err);
	}
	/* blanks around the words are allowed */
	assert_int_equal(parse("[ global ]\nlog_level info\n"
			       "[ source\tB1 ]\n[source  C]\n"), 0);
	assert_int_equal(cfg.global.log_level, LOG_INFO);
	assert_int_equal(cfg.n_sources, 2);
	assert_string_equal(cfg.sources[0].name, "B1");
	assert_string_equal(cfg.sources[1].name, "C");
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* @path is refused at once as not a regular file. */
static void expect_not_regular(const char *path)
{
	char want[300];
	double t0 = mono_s();

	alarm(5); /* a blocking open would otherwise hang the test */
	int r = config_load(path, &cfg, err, sizeof(err));
	alarm(0);
	snprintf(want, sizeof(want), "%s: not a regular file", path);
	if (r != -EINVAL || strcmp(err, want) != 0)
		fail_msg("%s: got %d '%s'", path, r, err);
	assert_true(mono_s() - t0 < 1.0);
}

/* A FIFO as the configuration blocked the daemon (open, then read). */
static void test_load_not_regular(void **state)
{
	char dir[] = "/tmp/phcb-test-dir-XXXXXX";
	char fifo[64], link[64], conf[64];
	const char *text = "[source X]\ndevice sim\n";
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	snprintf(conf, sizeof(conf), "%s/good.conf", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	expect_not_regular(fifo);
	expect_not_regular(dir);
	expect_not_regular("/dev/null");
	expect_not_regular("/dev/zero");
	/* a symlink to a regular file is read as that file */
	f = fopen(conf, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(symlink(conf, link), 0);
	assert_int_equal(config_load(link, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.sources[0].device, "sim");
	unlink(link);
	unlink(conf);
	unlink(fifo);
	rmdir(dir);
}

static void test_load_file(void **state)
{
	char path[] = "/tmp/phcb-test-conf-XXXXXX";
	int fd = mkstemp(path);
	const char *text = "[source X]\ndevice sim\nrate 3Hz\nrate 0Hz\n";

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), -EINVAL);
	char want[256];
	snprintf(want, sizeof(want), "%s:4:", path);
	assert_non_null(strstr(err, want));
	unlink(path);
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "cannot open"));
}

/* The text, at most CONFIG_TEXT_MAX bytes (one message to the worker). */
static void test_read_text_limit(void **state)
{
	char path[] = "/tmp/phcb-test-conf-XXXXXX", want[300], *text;
	static char big[CONFIG_TEXT_MAX + 1];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	memset(big, '#', sizeof(big));
	big[CONFIG_TEXT_MAX - 1] = '\n';
	/* exactly the limit: read whole */
	assert_int_equal(write(fd, big, CONFIG_TEXT_MAX), CONFIG_TEXT_MAX);
	assert_int_equal(config_read_text(path, &text, err, sizeof(err)), 0);
	assert_int_equal(strlen(text), CONFIG_TEXT_MAX);
	free(text);
	/* one byte more: refused, with why */
	assert_int_equal(write(fd, "\n", 1), 1);
	close(fd);
	assert_int_equal(config_read_text(path, &text, err, sizeof(err)),
			 -EFBIG);
	assert_null(text);
	snprintf(want, sizeof(want), "%s: larger than 64 KiB", path);
	assert_string_equal(err, want);
	unlink(path);
}

static void test_source_equal(void **state)
{
	struct config other;

	assert_int_equal(parse("[source A]\ndevice sim\noffset 1us\n"), 0);
	assert_int_equal(config_parse("# moved\n[source A]\ndevice sim\n"
				      "offset 1000ns\n", "b", &other, err,
				      sizeof(err)), 0);
	assert_true(config_source_equal(&cfg.sources[0], &other.sources[0]));
	assert_int_equal(config_parse("[source A]\ndevice sim\noffset 2us\n",
				      "b", &other, err, sizeof(err)), 0);
	assert_false(config_source_equal(&cfg.sources[0], &other.sources[0]));
}

/* A value, not the default, for every key of the schema. */
struct key_value {
	const char *key;
	const char *val;
};

/* [source] keys: those of clockmodel.c's table (and sim_epoch) need
 * device sim, which is then the base too. */
static const struct key_value source_values[] = {
	{ "device", "/dev/ptp0" }, { "interface", "eth0" },
	{ "vmclock", "/dev/vmclock1" },
	{ "sock", "/run/x.sock" }, { "ptp4l_socket", "/run/p" },
	{ "domain", "24" }, { "rate", "4Hz" }, { "readings", "5" },
	{ "reads", "2" }, { "timescale", "tai" }, { "utc_offset", "36" },
	{ "correction", "5ns" }, { "filter", "no" }, { "smoothing", "no" },
	{ "delay_quantile", "0.5" }, { "outlier_threshold", "4" },
	{ "step_threshold", "2us" }, { "ntp_while_locked", "offline" },
	{ "gate_lock_offset", "99ns" }, { "gate_unlock_offset", "2us" },
	{ "gate_lock_dwell", "9s" }, { "gate_unlock_dwell", "2s" },
	{ "gate_holdover", "9s" }, { "gate_recover_dwell", "1s" },
	{ "gate_startup_timeout", "59s" }, { "gate_max_response_age", "2s" },
	{ "gate_max_sync_age", "3s" }, { "gate_max_clock_class", "7" },
	{ "gate_max_sample_age", "2s" }, { "gate_max_sigma", "9us" },
	{ "gate_max_reject", "0.4" }, { "gate_step_holdoff", "4s" },
	{ "gate_flap_window", "299s" }, { "gate_backoff_max", "3" },
	{ "gate_override", "ntp" }, { "gate_mode", "grandmaster" },
	{ "gate_gm_holdover", "600s" },
};

static const struct key_value sim_values[] = {
	{ "offset", "1ns" }, { "freq", "1ppb" }, { "wander", "1ns" },
	{ "freq_wander", "1ppb" }, { "temp_amplitude", "0.2ppm" },
	{ "temp_period", "600s" },
	{ "delay", "999ns" }, { "jitter", "49ns" }, { "spike_prob", "0.5" },
	{ "spike", "1us" }, { "stall_prob", "0.5" }, { "stall", "1ms" },
	{ "step_interval", "9s" }, { "step", "1us" }, { "vanish_at", "1s" },
	{ "vanish_for", "1s" }, { "precise_noise", "1ns" },
	{ "precise", "yes" }, { "seed", "2" }, { "sim_epoch", "1700000000" },
};

/* [global] keys, each different from its default. */
static const struct key_value global_values[] = {
	{ "control_socket", "/run/other/ctl.sock" },
	{ "control_group", "adm" },
	{ "control_admin_group", "wheel" },
	{ "chronyd_socket", "none" },
	{ "chronyd_interval", "2s" },
	{ "run_dir", "/run/other" },
	{ "dev_root", "/tmp/dev" },
	{ "sysfs_root", "/tmp/sys" },
	{ "hypervisor", "kvm" },
	{ "log_level", "debug" },
	{ "summary_interval", "1s" },
	{ "metrics_listen", "[::1]:9000" },
	{ "metrics_textfile", "/var/lib/x/phcbroker.prom" },
	{ "chrony_conf", "/etc/chrony.conf" },
	{ "audit_interval", "10s" },
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* @key's entry in @kv (of @n), NULL when there is none. */
static const struct key_value *value_of(const struct key_value *kv, size_t n,
					const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return &kv[i];
	return NULL;
}

/* Whether @key is a key of @sec in the schema. */
static bool in_schema(enum config_section sec, const char *key)
{
	const char *name;

	for (size_t i = 0; (name = config_key_name(sec, i)); i++)
		if (strcmp(name, key) == 0)
			return true;
	return false;
}

/* The schema lists each key once, the other tables' keys included, and
 * every key it lists is one the parser takes. */
static void test_schema_keys(void **state)
{
	static const enum config_section secs[] = { CONFIG_SECTION_GLOBAL,
						    CONFIG_SECTION_SOURCE };
	const char *a, *b;
	size_t n[2] = { 0, 0 };

	for (int s = 0; s < 2; s++) {
		for (size_t i = 0; (a = config_key_name(secs[s], i)); i++) {
			n[s]++;
			for (size_t j = 0; j < i; j++) {
				b = config_key_name(secs[s], j);
				if (strcmp(a, b) == 0)
					fail_msg("key %s listed twice", a);
			}
			for (size_t j = 0;
			     (b = config_key_name(secs[1 - s], j)); j++)
				if (strcmp(a, b) == 0)
					fail_msg("key %s in both sections", a);
		}
	}
	assert_int_equal(n[0], N_OF(global_values));
	assert_int_equal(n[1], N_OF(source_values) + N_OF(sim_values));
	assert_null(config_key_name(CONFIG_SECTION_SOURCE, n[1]));
	assert_string_equal(config_key_name(CONFIG_SECTION_GLOBAL, 0),
			    "control_socket");
	assert_int_equal(config_key_reload(CONFIG_SECTION_GLOBAL, "rate"),
			 -ENOENT);
	assert_int_equal(config_key_reload(CONFIG_SECTION_SOURCE, "nope"),
			 -ENOENT);
}

/* Every [source] key of the schema, set to a value that is not its
 * default, makes a source different: a reload must restart it (smoothing
 * used to be missed when the comparison was a hand-kept list). The list
 * of keys comes from the schema, so a new key without a test value here
 * fails. */
static void test_source_equal_every_key(void **state)
{
	struct config base, sim_base, other;
	const struct key_value *kv;
	const char *key;
	char text[256];
	size_t i;

	assert_int_equal(config_parse("[source A]\n", "a", &base, err,
				      sizeof(err)), 0);
	assert_int_equal(config_parse("[source A]\ndevice sim\n", "a",
				      &sim_base, err, sizeof(err)), 0);
	for (i = 0; (key = config_key_name(CONFIG_SECTION_SOURCE, i)); i++) {
		bool sim = false;
		kv = value_of(source_values, N_OF(source_values), key);
		if (!kv) {
			kv = value_of(sim_values, N_OF(sim_values), key);
			sim = true;
		}
		if (!kv)
			fail_msg("schema key %s has no test value", key);
		snprintf(text, sizeof(text), "[source A]\n%s%s %s\n",
			 sim ? "device sim\n" : "", kv->key, kv->val);
		if (config_parse(text, "b", &other, err, sizeof(err)) != 0)
			fail_msg("%s %s: %s", kv->key, kv->val, err);
		if (config_source_equal(sim ? &sim_base.sources[0]
					    : &base.sources[0],
					&other.sources[0]))
			fail_msg("'%s %s' does not make the source differ",
				 kv->key, kv->val);
		assert_true(config_source_equal(&other.sources[0],
						&other.sources[0]));
		assert_int_equal(config_key_reload(CONFIG_SECTION_SOURCE, key),
				 CONFIG_RELOAD_SOURCE);
	}
	for (i = 0; i < N_OF(source_values); i++)
		if (!in_schema(CONFIG_SECTION_SOURCE, source_values[i].key))
			fail_msg("%s is not in the schema", source_values[i].key);
	for (i = 0; i < N_OF(sim_values); i++)
		if (!in_schema(CONFIG_SECTION_SOURCE, sim_values[i].key))
			fail_msg("%s is not in the schema", sim_values[i].key);
	/* the same text is equal, smoothing included */
	assert_int_equal(config_parse("[source A]\nsmoothing no\n", "a",
				      &base, err, sizeof(err)), 0);
	assert_int_equal(config_parse("[source A]\nsmoothing off\n", "b",
				      &other, err, sizeof(err)), 0);
	assert_true(config_source_equal(&base.sources[0], &other.sources[0]));
	/* a longer value overwritten by a shorter one leaves no trace */
	assert_int_equal(config_parse("[source A]\nsock /run/long-name.sock\n"
				      "sock /run/x.sock\n", "b", &other, err,
				      sizeof(err)), 0);
	assert_int_equal(config_parse("[source A]\nsock /run/x.sock\n", "a",
				      &base, err, sizeof(err)), 0);
	assert_true(config_source_equal(&base.sources[0], &other.sources[0]));
	/* the name is the section's identity */
	assert_int_equal(config_parse("[source B]\nsock /run/x.sock\n", "b",
				      &other, err, sizeof(err)), 0);
	assert_false(config_source_equal(&base.sources[0], &other.sources[0]));
}

/* The reload check: a [global] key that needs a restart refuses the
 * reload, named; log_level, summary_interval, metrics_textfile and any source change
 * are applied. */
static void test_reload_check(void **state)
{
	static const char *const applied[] = { "log_level",
					       "summary_interval", "metrics_textfile",
					       "hypervisor", "chrony_conf",
					       "audit_interval" };
	static const char *const base_text =
		"[global]\nlog_level info\n[source A]\ndevice sim\n";
	struct config old, nc;
	const struct key_value *kv;
	const char *key;
	char text[256];

	assert_int_equal(config_parse(base_text, "a", &old, err, sizeof(err)),
			 0);
	/* the same file, from another path and with moved lines */
	assert_int_equal(config_parse("# moved\n\n[global]\nlog_level info\n"
				      "[source A]\ndevice sim\n", "b", &nc, err,
				      sizeof(err)), 0);
	assert_null(config_reload_check(&old, &nc));
	for (size_t i = 0; (key = config_key_name(CONFIG_SECTION_GLOBAL, i));
	     i++) {
		bool apply = false;
		kv = value_of(global_values, N_OF(global_values), key);
		if (!kv)
			fail_msg("schema key %s has no test value", key);
		for (size_t j = 0; j < N_OF(applied); j++)
			apply |= strcmp(key, applied[j]) == 0;
		snprintf(text, sizeof(text), "[global]\nlog_level info\n"
			 "%s %s\n[source A]\ndevice sim\n", kv->key, kv->val);
		if (config_parse(text, "b", &nc, err, sizeof(err)) != 0)
			fail_msg("%s %s: %s", kv->key, kv->val, err);
		const char *got = config_reload_check(&old, &nc);
		if (apply ? got != NULL : !got || strcmp(got, key) != 0)
			fail_msg("%s changed: reload check says %s", key,
				 got ? got : "(reloadable)");
		assert_int_equal(config_key_reload(CONFIG_SECTION_GLOBAL, key),
				 apply ? CONFIG_RELOAD_APPLY
				       : CONFIG_RELOAD_RESTART);
		/* and back: the check is symmetric */
		got = config_reload_check(&nc, &old);
		assert_true(apply ? got == NULL : got && !strcmp(got, key));
	}
	for (size_t i = 0; i < N_OF(global_values); i++)
		if (!in_schema(CONFIG_SECTION_GLOBAL, global_values[i].key))
			fail_msg("%s is not in the schema", global_values[i].key);
	/* source sections: changed, added, removed; all applied */
	assert_int_equal(config_parse("[global]\nlog_level debug\n"
				      "summary_interval 0\n[source A]\n"
				      "device sim\noffset 5us\n[source B]\n",
				      "b", &nc, err, sizeof(err)), 0);
	assert_null(config_reload_check(&old, &nc));
	/* several restart-only keys: the first in the schema's order */
	assert_int_equal(config_parse("[global]\nsysfs_root /s\n"
				      "chronyd_socket /c.sock\ncontrol_socket "
				      "/x.sock\n[source A]\n", "b", &nc, err,
				      sizeof(err)), 0);
	assert_string_equal(config_reload_check(&old, &nc), "control_socket");
	/* the default written out is no change */
	assert_int_equal(config_parse("[global]\nlog_level info\ncontrol_socket "
				      CONFIG_DEFAULT_CONTROL_SOCKET "\n"
				      "run_dir /run/phcbrokerd\n[source A]\n",
				      "b", &nc, err, sizeof(err)), 0);
	assert_null(config_reload_check(&old, &nc));
}

#ifndef PHCB_TOP_SRCDIR /* make passes the source tree */
#define PHCB_TOP_SRCDIR "."
#endif
#define MAN_PAGE PHCB_TOP_SRCDIR "/doc/phcbrokerd.conf.5"
#define MAN_LINES 2000

/* The manual page, split into lines (in place). */
static char *man_text;
static char *man_line[MAN_LINES];
static int man_n;

static void read_man_page(void)
{
	FILE *f = fopen(MAN_PAGE, "r");
	long n;

	if (!f)
		fail_msg("cannot open %s", MAN_PAGE);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	man_text = calloc(1, (size_t)n + 1);
	assert_non_null(man_text);
	assert_int_equal(fread(man_text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	man_n = 0;
	for (char *save = NULL, *l = strtok_r(man_text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		assert_true(man_n < MAN_LINES);
		man_line[man_n++] = l;
	}
}

/* The first line of .SH @title, or -1. */
static int man_section(const char *title)
{
	for (int i = 0; i < man_n; i++)
		if (strncmp(man_line[i], ".SH ", 4) == 0 &&
		    strcmp(man_line[i] + 4, title) == 0)
			return i;
	return -1;
}

/* Whether tag line @l (after .TP) names @key: ".BI key ..." or ".B key",
 * or "...\fPkey ..." for a second key in the same tag. */
static bool tag_names(const char *l, const char *key)
{
	size_t n = strlen(key);
	const char *p;

	for (const char *m = ".BI "; m; m = strcmp(m, ".B ") ? ".B " : NULL)
		if (strncmp(l, m, strlen(m)) == 0 &&
		    strncmp(l + strlen(m), key, n) == 0 &&
		    strchr(" \"", l[strlen(m) + n]))
			return true;
	for (p = strstr(l, "\\fP"); p; p = strstr(p + 1, "\\fP"))
		if (strncmp(p + 3, key, n) == 0 && strchr(" \"", p[3 + n]))
			return true;
	return false;
}

/*
 * The entry of @key in the section that starts at line @sec: its text,
 * from the tag to the next .TP, .SH or .SS, joined by blanks into @buf;
 * false when the section has no tag naming @key.
 */
static bool man_entry(int sec, const char *key, char *buf, size_t len)
{
	for (int i = sec + 1; i + 1 < man_n; i++) {
		if (strncmp(man_line[i], ".SH ", 4) == 0)
			return false;
		if (strcmp(man_line[i], ".TP") != 0 ||
		    !tag_names(man_line[i + 1], key))
			continue;
		buf[0] = '\0';
		for (int j = i + 1; j < man_n; j++) {
			const char *l = man_line[j];
			if (j > i + 1 && (!strcmp(l, ".TP") ||
					  !strncmp(l, ".SH ", 4) ||
					  !strncmp(l, ".SS ", 4)))
				break;
			strncat(buf, l, len - strlen(buf) - 1);
			strncat(buf, " ", len - strlen(buf) - 1);
		}
		return true;
	}
	return false;
}

/* doc/phcbrokerd.conf.5 has an entry for every key of the schema, in its
 * section, and says of every [global] key whether a reload applies it. */
static void test_man_page_lists_every_key(void **state)
{
	static const struct {
		enum config_section sec;
		const char *title;
	} secs[] = {
		{ CONFIG_SECTION_GLOBAL, "[global]" },
		{ CONFIG_SECTION_SOURCE, "[source NAME]" },
	};
	char entry[4096], missing[1024] = "";
	const char *key;
	int keys = 0;

	read_man_page();
	for (size_t s = 0; s < N_OF(secs); s++) {
		int at = man_section(secs[s].title);
		if (at < 0)
			fail_msg("%s: no .SH %s", MAN_PAGE, secs[s].title);
		for (size_t i = 0; (key = config_key_name(secs[s].sec, i));
		     i++) {
			keys++;
			if (!man_entry(at, key, entry, sizeof(entry))) {
				strncat(missing, " ", sizeof(missing) -
						     strlen(missing) - 1);
				strncat(missing, key, sizeof(missing) -
						      strlen(missing) - 1);
				continue;
			}
			int r = config_key_reload(secs[s].sec, key);
			if (r == CONFIG_RELOAD_RESTART &&
			    !strstr(entry, "needs a restart"))
				fail_msg("%s: %s does not say that changing it "
					 "needs a restart", MAN_PAGE, key);
			if (r == CONFIG_RELOAD_APPLY &&
			    !strstr(entry, "reload applies"))
				fail_msg("%s: %s does not say that a reload "
					 "applies it", MAN_PAGE, key);
		}
	}
	free(man_text);
	if (missing[0])
		fail_msg("%s lacks the keys:%s", MAN_PAGE, missing);
	print_message("man page: all %d keys listed\n", keys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_chronyd_interval),
		cmocka_unit_test(test_errors_with_line),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_read_text_limit),
		cmocka_unit_test(test_source_equal),
		cmocka_unit_test(test_units_refuse_non_decimal),
		cmocka_unit_test(test_format_duration),
		cmocka_unit_test(test_ranges_every_key),
		cmocka_unit_test(test_summary_interval),
		cmocka_unit_test(test_metrics_keys),
		cmocka_unit_test(test_sim_bool),
		cmocka_unit_test(test_sim_drift_keys),
		cmocka_unit_test(test_section_headers),
		cmocka_unit_test(test_load_not_regular),
		cmocka_unit_test(test_schema_keys),
		cmocka_unit_test(test_source_equal_every_key),
		cmocka_unit_test(test_reload_check),
		cmocka_unit_test(test_man_page_lists_every_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
