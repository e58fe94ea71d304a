/* fakeopt.h: "key=value" clock model overrides with units, for fakephc. */
#ifndef PHCB_FAKEOPT_H
#define PHCB_FAKEOPT_H

#include <stddef.h>

#include "clockmodel.h"

/**
 * fakeopt_parse_value - parse @text as a value of parameter @key.
 * Durations take ns, us, ms or s (bare numbers are ns), frequencies ppm or
 * ppb (bare numbers are ppm), booleans yes/no/on/off/true/false/1/0.
 * @value: set to the value in the base unit clockmodel_set_param expects
 * Returns 0, -ENOENT for an unknown key, -EINVAL for a malformed value.
 */
int fakeopt_parse_value(const char *key, const char *text, double *value);

/**
 * fakeopt_apply - apply a comma-separated list "k=v,k=v" to @p.
 * @err, @errlen: on failure, a one-line description of what was wrong
 * Returns 0 or a negative errno (-ENOENT, -EINVAL, -ERANGE).
 */
int fakeopt_apply(struct clockmodel_params *p, const char *list, char *err,
		  size_t errlen);

#endif
