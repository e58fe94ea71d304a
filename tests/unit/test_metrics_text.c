/* test_metrics_text.c: the Prometheus text writer, the histogram and the
 * kernel's metrics from an adjtimex() reading. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>
#include <cmocka.h>

#include <event2/buffer.h>

#include "histogram.h"
#include "metrics.h"
#include "metrics_text.h"

#define LABELS(...) ((const char *[]){__VA_ARGS__, NULL})

/* The buffer's text, NUL-terminated (caller frees). */
static char *text_of(struct evbuffer *b)
{
	size_t n = evbuffer_get_length(b);
	char *s = malloc(n + 1);

	assert_non_null(s);
	evbuffer_copyout(b, s, n);
	s[n] = '\0';
	return s;
}

/* Assert that @text has the whole line @line. */
static void has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return;
	fail_msg("no line '%s' in:\n%s", line, text);
}

static void test_histogram_buckets(void **state)
{
	static const double bounds[] = {1.0, 2.0, 5.0};
	struct histogram h;

	hist_init(&h, bounds, 3);
	hist_add(&h, 0.5);
	hist_add(&h, 1.0); /* on a bound: counted in it (le) */
	hist_add(&h, 1.5);
	hist_add(&h, 5.0);
	hist_add(&h, 7.0);
	hist_add(&h, NAN);
	assert_int_equal(h.count, 5);
	assert_float_equal(h.sum, 15.0, 1e-12);
	assert_int_equal(hist_cumulative(&h, 0), 2);
	assert_int_equal(hist_cumulative(&h, 1), 3);
	assert_int_equal(hist_cumulative(&h, 2), 4);
	assert_int_equal(hist_cumulative(&h, 3), 5);
	assert_int_equal(hist_cumulative(&h, 9), 5);
}

static void test_delay_bounds(void **state)
{
	int n;
	const double *b = hist_delay_bounds(&n);

	assert_true(n >= 10 && n <= HIST_MAX_BUCKETS);
	assert_float_equal(b[0], 100e-9, 1e-15);
	assert_float_equal(b[n - 1], 10e-3, 1e-12);
	for (int i = 1; i < n; i++)
		assert_true(b[i] > b[i - 1]);
}

static void test_escaping(void **state)
{
	struct evbuffer *b = evbuffer_new();
	char *t;

	mtx_family(b, "x_total", "counter", "a \\ b\nc");
	mtx_counter(b, "x_total", LABELS("l", "a\"b\\c\nd", "m", ""), 7);
	mtx_gauge(b, "y", NULL, 0.25);
	t = text_of(b);
	has_line(t, "# HELP x_total a \\\\ b\\nc");
	has_line(t, "# TYPE x_total counter");
	has_line(t, "x_total{l=\"a\\\"b\\\\c\\nd\",m=\"\"} 7");
	has_line(t, "y 0.25");
	free(t);
	evbuffer_free(b);
}

static void test_values(void **state)
{
	char v[40];

	mtx_format_value(NAN, v, sizeof(v));
	assert_string_equal(v, "NaN");
	mtx_format_value(INFINITY, v, sizeof(v));
	assert_string_equal(v, "+Inf");
	mtx_format_value(-INFINITY, v, sizeof(v));
	assert_string_equal(v, "-Inf");
	mtx_format_value(1.5e-9, v, sizeof(v));
	assert_float_equal(strtod(v, NULL), 1.5e-9, 1e-21);
	mtx_format_value(1764670000.125, v, sizeof(v));
	assert_float_equal(strtod(v, NULL), 1764670000.125, 1e-3);
}

static void test_histogram_text(void **state)
{
	static const double bounds[] = {1e-6, 1e-3};
	struct evbuffer *b = evbuffer_new();
	struct histogram h;
	char *t;

	hist_init(&h, bounds, 2);
	hist_add(&h, 5e-7);
	hist_add(&h, 2e-3);
	mtx_histogram(b, "d_seconds", LABELS("source", "S"), &h);
	mtx_single(b, "nothing", "not known", NAN);
	t = text_of(b);
	has_line(t, "d_seconds_bucket{source=\"S\",le=\"1e-06\"} 1");
	has_line(t, "d_seconds_bucket{source=\"S\",le=\"0.001\"} 1");
	has_line(t, "d_seconds_bucket{source=\"S\",le=\"+Inf\"} 2");
	has_line(t, "d_seconds_count{source=\"S\"} 2");
	assert_non_null(strstr(t, "d_seconds_sum{source=\"S\"} 0.0020005"));
	has_line(t, "# TYPE nothing gauge");
	assert_null(strstr(t, "\nnothing "));
	free(t);
	evbuffer_free(b);
}

static void test_kernel(void **state)
{
	struct evbuffer *b = evbuffer_new();
	struct timex tx = {0};
	char *t;

	tx.status = STA_UNSYNC | STA_NANO;
	tx.offset = 1500;	 /* ns, with STA_NANO */
	tx.freq = 65536 * 5 / 2; /* 2.5 ppm */
	tx.maxerror = 16000000;	 /* us */
	tx.esterror = 250;
	tx.tai = 37;
	metrics_render_kernel(&tx, 5, b);
	t = text_of(b);
	has_line(t, "phcbroker_kernel_synchronized 0");
	has_line(t, "phcbroker_kernel_offset_seconds 1.5e-06");
	has_line(t, "phcbroker_kernel_frequency_ppm 2.5");
	has_line(t, "phcbroker_kernel_maxerror_seconds 16");
	has_line(t, "phcbroker_kernel_esterror_seconds 0.00025");
	has_line(t, "phcbroker_kernel_tai_offset_seconds 37");
	has_line(t, "phcbroker_kernel_clock_state 5");
	free(t);
	evbuffer_drain(b, evbuffer_get_length(b));
	tx.status = 0; /* synchronised; offset in us without STA_NANO */
	metrics_render_kernel(&tx, 0, b);
	t = text_of(b);
	has_line(t, "phcbroker_kernel_synchronized 1");
	has_line(t, "phcbroker_kernel_offset_seconds 0.0015");
	free(t);
	evbuffer_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_histogram_buckets),
	    cmocka_unit_test(test_delay_bounds),
	    cmocka_unit_test(test_escaping),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_histogram_text),
	    cmocka_unit_test(test_kernel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
