/* units.h: parse configuration values with units ("250us", "8Hz", "2ppm"). */
#ifndef PHCB_UNITS_H
#define PHCB_UNITS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Numbers are decimal, with an optional sign and exponent ("-1.5e3");
 * "nan", "inf", hexadecimal and values that overflow a double are refused.
 * Ranges are the caller's to check.
 */

/**
 * units_parse_duration_ns - parse a duration: a number followed by ns, us,
 * ms or s ("250us", "1.5ms", "2s"); a bare number is seconds.
 * @out: nanoseconds
 * Returns 0 or -EINVAL.
 */
int units_parse_duration_ns(const char *s, double *out);

/**
 * units_parse_rate_hz - parse a rate: "8Hz", "0.5Hz", "8" (Hz).
 * Returns 0 or -EINVAL (also for rates <= 0).
 */
int units_parse_rate_hz(const char *s, double *out);

/**
 * units_parse_ppm - parse a frequency error: "2ppm", "-150ppb", "2" (ppm).
 * Returns 0 or -EINVAL.
 */
int units_parse_ppm(const char *s, double *out);

/**
 * units_parse_number - parse a plain decimal number. Returns 0 or -EINVAL.
 */
int units_parse_number(const char *s, double *out);

/**
 * units_parse_int - parse an integer within [@min, @max].
 * Returns 0, -EINVAL (not an integer) or -ERANGE.
 */
int units_parse_int(const char *s, long min, long max, long *out);

/**
 * units_parse_bool - parse yes/no, on/off, true/false, 1/0.
 * Returns 0 or -EINVAL.
 */
int units_parse_bool(const char *s, bool *out);

/**
 * units_format_duration - write @ns with the largest unit that shows it
 * exactly ("86400s", "100us", "0s", "1.5ns"), for error messages.
 * @buf: output, NUL-terminated (truncated to @len)
 */
void units_format_duration(double ns, char *buf, size_t len);

#endif
