/* fakeopt.c: "key=value" clock model overrides with units, for fakephc. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fakeopt.h"

struct unit_scale {
	const char *suffix;
	double scale;
};

static const struct unit_scale time_units[] = {
    {"ns", 1.0}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"", 1.0},
};

static const struct unit_scale freq_units[] = {
    {"ppm", 1.0},
    {"ppb", 1e-3},
    {"", 1.0},
};

static const struct unit_scale plain_units[] = {
    {"", 1.0},
};

#define N_UNITS(a) (sizeof(a) / sizeof((a)[0]))

/* A number followed by one of @units (exact match of the rest). */
static int parse_scaled(const char *text, const struct unit_scale *units,
			size_t n_units, double *value)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (end == text || errno != 0 || !isfinite(v))
		return -EINVAL;
	for (size_t i = 0; i < n_units; i++) {
		if (strcmp(end, units[i].suffix) == 0) {
			*value = v * units[i].scale;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_bool(const char *text, double *value)
{
	static const char *const yes[] = {"yes", "on", "true", "1"};
	static const char *const no[] = {"no", "off", "false", "0"};
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(text, yes[i]) == 0) {
			*value = 1.0;
			return 0;
		}
		if (strcasecmp(text, no[i]) == 0) {
			*value = 0.0;
			return 0;
		}
	}
	return -EINVAL;
}

int fakeopt_parse_value(const char *key, const char *text, double *value)
{
	switch (clockmodel_param_unit(key)) {
	case CLOCKMODEL_TIME:
		return parse_scaled(text, time_units, N_UNITS(time_units),
				    value);
	case CLOCKMODEL_PPM:
		return parse_scaled(text, freq_units, N_UNITS(freq_units),
				    value);
	case CLOCKMODEL_NUMBER:
	case CLOCKMODEL_INTEGER:
		return parse_scaled(text, plain_units, N_UNITS(plain_units),
				    value);
	case CLOCKMODEL_BOOL:
		return parse_bool(text, value);
	default:
		return -ENOENT;
	}
}

/* Apply one "key=value" (modified in place). */
static int apply_one(struct clockmodel_params *p, char *kv, char *err,
		     size_t errlen)
{
	char *eq = strchr(kv, '=');
	if (!eq) {
		snprintf(err, errlen, "'%s': expected key=value", kv);
		return -EINVAL;
	}
	*eq = '\0';
	double v;
	int ret = fakeopt_parse_value(kv, eq + 1, &v);
	if (ret == 0)
		ret = clockmodel_set_param(p, kv, v);
	if (ret == -ENOENT)
		snprintf(err, errlen, "unknown model parameter '%s'", kv);
	else if (ret == -EINVAL)
		snprintf(err, errlen, "bad value '%s' for '%s'", eq + 1, kv);
	else if (ret == -ERANGE)
		snprintf(err, errlen, "value '%s' out of range for '%s'",
			 eq + 1, kv);
	return ret;
}

int fakeopt_apply(struct clockmodel_params *p, const char *list, char *err,
		  size_t errlen)
{
	char *copy = strdup(list);
	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	int ret = 0;
	char *save = NULL;
	for (char *kv = strtok_r(copy, ",", &save); kv && ret == 0;
	     kv = strtok_r(NULL, ",", &save))
		ret = apply_one(p, kv, err, errlen);
	free(copy);
	return ret;
}
