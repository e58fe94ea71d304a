/* metrics_text.c: Prometheus text exposition format (0.0.4) writer. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "metrics_text.h"

/* @s with backslash and newline escaped, and double quotes if @quotes. */
static void add_escaped(struct evbuffer *out, const char *s, bool quotes)
{
	for (; *s; s++) {
		if (*s == '\\')
			evbuffer_add(out, "\\\\", 2);
		else if (*s == '\n')
			evbuffer_add(out, "\\n", 2);
		else if (*s == '"' && quotes)
			evbuffer_add(out, "\\\"", 2);
		else
			evbuffer_add(out, s, 1);
	}
}

void mtx_family(struct evbuffer *out, const char *name, const char *type,
		const char *help)
{
	evbuffer_add_printf(out, "# HELP %s ", name);
	add_escaped(out, help, false);
	evbuffer_add_printf(out, "\n# TYPE %s %s\n", name, type);
}

/* name{a="x",b="y"} with one more label @extra=@extra_val if not NULL. */
static void add_series(struct evbuffer *out, const char *name,
		       const char *const *labels, const char *extra,
		       const char *extra_val)
{
	bool any = false;

	evbuffer_add_printf(out, "%s", name);
	for (int i = 0; labels && labels[i] && labels[i + 1]; i += 2) {
		evbuffer_add_printf(out, "%s%s=\"", any ? "," : "{", labels[i]);
		add_escaped(out, labels[i + 1], true);
		evbuffer_add(out, "\"", 1);
		any = true;
	}
	if (extra) {
		evbuffer_add_printf(out, "%s%s=\"", any ? "," : "{", extra);
		add_escaped(out, extra_val, true);
		evbuffer_add(out, "\"", 1);
		any = true;
	}
	if (any)
		evbuffer_add(out, "}", 1);
}

void mtx_format_value(double v, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "NaN");
	else if (isinf(v))
		snprintf(buf, len, "%cInf", v > 0 ? '+' : '-');
	else
		snprintf(buf, len, "%.12g", v);
}

void mtx_gauge(struct evbuffer *out, const char *name,
	       const char *const *labels, double v)
{
	char val[40];

	mtx_format_value(v, val, sizeof(val));
	add_series(out, name, labels, NULL, NULL);
	evbuffer_add_printf(out, " %s\n", val);
}

void mtx_counter(struct evbuffer *out, const char *name,
		 const char *const *labels, unsigned long v)
{
	add_series(out, name, labels, NULL, NULL);
	evbuffer_add_printf(out, " %lu\n", v);
}

void mtx_histogram(struct evbuffer *out, const char *name,
		   const char *const *labels, const struct histogram *h)
{
	char series[128], le[40];

	snprintf(series, sizeof(series), "%s_bucket", name);
	for (int i = 0; i <= h->n; i++) {
		if (i < h->n)
			mtx_format_value(h->bounds[i], le, sizeof(le));
		else
			snprintf(le, sizeof(le), "+Inf");
		add_series(out, series, labels, "le", le);
		evbuffer_add_printf(out, " %lu\n", hist_cumulative(h, i));
	}
	snprintf(series, sizeof(series), "%s_sum", name);
	mtx_gauge(out, series, labels, h->sum);
	snprintf(series, sizeof(series), "%s_count", name);
	mtx_counter(out, series, labels, h->count);
}

void mtx_single(struct evbuffer *out, const char *name, const char *help,
		double v)
{
	mtx_family(out, name, "gauge", help);
	if (!isnan(v))
		mtx_gauge(out, name, NULL, v);
}
