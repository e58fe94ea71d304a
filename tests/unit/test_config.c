/* test_config.c: configuration parsing, units, and errors with file:line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_errors_with_line),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_source_equal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
