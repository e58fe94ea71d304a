/* units.c: parse configuration values with units ("250us", "8Hz", "2ppm"). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "units.h"

struct unit {
	const char *suffix;
	double scale;
};

/*
 * Whether @s starts with a decimal number: an optional sign, then a digit
 * or a '.' and a digit. strtod() alone would also take leading blanks,
 * "nan", "inf", "infinity" and hexadecimal such as "0x1p4".
 */
static bool starts_decimal(const char *s)
{
	if (*s == '+' || *s == '-')
		s++;
	if (*s == '.')
		s++;
	return isdigit((unsigned char)*s) &&
	       !(s[0] == '0' && (s[1] == 'x' || s[1] == 'X'));
}

/* Split "250us" into 250 and "us". Returns 0 or -EINVAL. */
static int split_number(const char *s, double *num, const char **suffix)
{
	char *end;

	if (!s || !starts_decimal(s))
		return -EINVAL;
	errno = 0;
	*num = strtod(s, &end);
	if (end == s || errno == ERANGE || !isfinite(*num))
		return -EINVAL;
	*suffix = end;
	return 0;
}

static int parse_with_units(const char *s, const struct unit *units,
			    double bare_scale, double *out)
{
	double num;
	const char *suffix;

	if (split_number(s, &num, &suffix) < 0)
		return -EINVAL;
	if (*suffix == '\0') {
		*out = num * bare_scale;
		return 0;
	}
	for (; units->suffix; units++) {
		if (strcasecmp(suffix, units->suffix) == 0) {
			*out = num * units->scale;
			return 0;
		}
	}
	return -EINVAL;
}

int units_parse_duration_ns(const char *s, double *out)
{
	static const struct unit units[] = {
		{ "ns", 1.0 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
		{ NULL, 0 },
	};
	return parse_with_units(s, units, 1e9, out);
}

int units_parse_rate_hz(const char *s, double *out)
{
	static const struct unit units[] = { { "Hz", 1.0 }, { NULL, 0 } };
	int r = parse_with_units(s, units, 1.0, out);
	if (r == 0 && *out <= 0.0)
		return -EINVAL;
	return r;
}

int units_parse_ppm(const char *s, double *out)
{
	static const struct unit units[] = {
		{ "ppm", 1.0 }, { "ppb", 1e-3 }, { NULL, 0 },
	};
	return parse_with_units(s, units, 1.0, out);
}

int units_parse_number(const char *s, double *out)
{
	static const struct unit none[] = { { NULL, 0 } };
	return parse_with_units(s, none, 1.0, out);
}

int units_parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0' || end == s)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int units_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "yes", "on", "true", "1" };
	static const char *const no[] = { "no", "off", "false", "0" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

void units_format_duration(double ns, char *buf, size_t len)
{
	static const struct unit units[] = {
		{ "s", 1e9 }, { "ms", 1e6 }, { "us", 1e3 }, { NULL, 0 },
	};
	const struct unit *u;

	for (u = units; u->suffix; u++)
		if (fmod(ns, u->scale) == 0.0)
			break;
	if (!u->suffix) {
		snprintf(buf, len, "%.15gns", ns);
		return;
	}
	snprintf(buf, len, "%.15g%s", ns / u->scale, u->suffix);
}
