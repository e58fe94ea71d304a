/* metrics_text.h: Prometheus text exposition format (0.0.4) writer. */
#ifndef PHCB_METRICS_TEXT_H
#define PHCB_METRICS_TEXT_H

#include <event2/buffer.h>

#include "histogram.h"

/*
 * Labels are given as a NULL-terminated array of name, value pairs, e.g.
 * (const char *[]){ "source", "PHC0", NULL }; NULL for none. Values are
 * escaped as the format requires; names must be valid label names.
 */

/**
 * mtx_family - the "# HELP" and "# TYPE" lines that open a metric family.
 * @type: "gauge", "counter" or "histogram"
 * @help: one line of text (backslashes and newlines are escaped)
 * Every sample of the family must follow before the next family opens.
 */
void mtx_family(struct evbuffer *out, const char *name, const char *type,
		const char *help);

/**
 * mtx_gauge - one sample of @name with @labels and the value @v (NaN and
 * infinities are written as the format spells them).
 */
void mtx_gauge(struct evbuffer *out, const char *name,
	       const char *const *labels, double v);

/** mtx_counter - one sample of an integer counter. */
void mtx_counter(struct evbuffer *out, const char *name,
		 const char *const *labels, unsigned long v);

/**
 * mtx_histogram - the _bucket series (cumulative, with le="+Inf"), _sum and
 * _count of @h under @name with @labels (the family is @name).
 */
void mtx_histogram(struct evbuffer *out, const char *name,
		   const char *const *labels, const struct histogram *h);

/**
 * mtx_single - a gauge family @name with one unlabelled sample @v, or no
 * sample when @v is NaN (not known).
 */
void mtx_single(struct evbuffer *out, const char *name, const char *help,
		double v);

/** mtx_format_value - @v as the format writes it, into @buf. */
void mtx_format_value(double v, char *buf, size_t len);

#endif
