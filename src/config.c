/* config.c: phcbrokerd.conf: sections, keys, units, errors with file:line. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "timeutil.h"
#include "config.h"
#include "listen_addr.h"
#include "loglevel.h"
#include "units.h"

#define CONFIG_FILE_MAX CONFIG_TEXT_MAX
#define UTC_OFFSET_MAX 100 /* TAI - UTC is 37 s since 2017 */

/* Parser state: where we are, what we fill, where errors go. */
struct parser {
	const char *filename;
	int line;
	struct config *cfg;
	struct source_config *src; /* current [source], NULL in [global] */
	bool in_section;
	char *err;
	size_t errlen;
};

static int fail(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct parser *p, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%d: %s", p->filename, p->line, msg);
	return -EINVAL;
}

/* ---- the schema ------------------------------------------------------- */

/* How a key's value is written, and so how it is parsed and checked. */
enum key_type {
	KT_PATH,      /* an absolute path */
	KT_OPT_PATH,  /* an absolute path, or none (stored as "") */
	KT_DEVICE,    /* auto, sim or an absolute path */
	KT_AUTO_PATH, /* auto, none (stored as "") or an absolute path */
	KT_GROUP,     /* a group name */
	KT_LISTEN,    /* address:port to listen on, or none (stored as "") */
	KT_IFNAME,    /* a network interface name */
	KT_LOG_LEVEL, /* a level name of log.h: stored as its priority */
	KT_CHOICE,    /* one of .choices: stored as its index */
	KT_BOOL,      /* yes or no (units_parse_bool) */
	KT_INT,	      /* an integer in [min, max] */
	KT_NUMBER,    /* a plain number in [min, max] */
	KT_DURATION,  /* a duration, min and max in ns */
	KT_RATE,      /* a rate, min and max in Hz */
	KT_EPOCH,     /* seconds since 1970, stored in ns */
	KT_GATE,      /* every key of gate.c's table (struct gate_config) */
	KT_SIM,	      /* every key of clockmodel.c's table */
};

/* How the field a key lands in is stored: from its C type (STORE_OF). */
enum key_store {
	KS_STR,	   /* char array of .size */
	KS_INT,	   /* int, or an enum of int's size */
	KS_BOOL,   /* bool */
	KS_DOUBLE, /* double */
	KS_INT64,  /* int64_t */
	KS_GATE,   /* struct gate_config: compared by gate.c */
	KS_SIM,	   /* struct clockmodel_params: compared by clockmodel.c */
};

#define KF_ZERO_NEVER 1u /* 0 is accepted too, meaning never */
#define KF_MIN_OPEN 2u	 /* the range excludes its minimum */
#define KF_SECONDS 4u	 /* a duration stored in seconds, not ns */
#define KF_SIM 8u	 /* only with device sim */

/*
 * One key of a section: its name, how it is written, its range and
 * default, the field it lands in and what a reload may do with it. Every
 * use of the configuration's keys (parsing, defaults, the comparison of
 * sources, the reload check, the list of keys) reads these tables.
 */
struct config_key {
	const char *name;	    /* NULL for KT_GATE and KT_SIM */
	enum key_type type;
	const char *unit;	    /* word after an integer range, or NULL */
	double min, max;	    /* accepted values, in the written unit */
	unsigned flags;		    /* KF_* */
	const char *const *choices; /* KT_CHOICE: the words, NULL-ended */
	const char *def;	    /* default as written ("%s": the source's
				       name); NULL: zero or "" */
	size_t off, size;	    /* the field: offsetof, sizeof */
	enum key_store store;
	enum config_reload reload;
};

_Static_assert(sizeof(enum timescale) == sizeof(int),
	       "enum timescale is stored as an int");
_Static_assert(TIMESCALE_UTC == 0 && TIMESCALE_TAI == 1,
	       "the timescale choices are in the enum's order");

#define STORE_OF(x)                                                           \
	_Generic((x), char *: KS_STR, int: KS_INT,                           \
		 enum timescale: KS_INT, bool: KS_BOOL, double: KS_DOUBLE,   \
		 int64_t: KS_INT64, struct gate_config: KS_GATE,             \
		 struct clockmodel_params: KS_SIM)
#define FIELD(type, f)                                                        \
	.off = offsetof(struct type, f),                                      \
	.size = sizeof(((struct type *)0)->f),                                \
	.store = STORE_OF(((struct type *)0)->f)
#define GLOBAL(f, r) FIELD(global_config, f), .reload = CONFIG_RELOAD_##r
#define SOURCE(f) FIELD(source_config, f), .reload = CONFIG_RELOAD_SOURCE

static const char *const timescales[] = { "utc", "tai", NULL };
static const char *const ntp_modes[] = { "keep", "offline", NULL };
/* systemd's names of hypervisors (systemd-detect-virt --list-vm) */
const char *const config_hypervisors[] = {
	"auto",	  "none",      "kvm",	"microsoft", "vmware", "xen",
	"amazon", "google",    "qemu",	"oracle",    "bochs",  "parallels",
	"bhyve",  "qnx",       "acrn",	"powervm",   "zvm",    "apple",
	"sre",	  "vm-other",  NULL,
};

/* clang-format off */
static const struct config_key global_keys[] = {
	{ .name = "control_socket", .type = KT_OPT_PATH,
	  .def = CONFIG_DEFAULT_CONTROL_SOCKET,
	  GLOBAL(control_socket, RESTART) },
	{ .name = "control_group", .type = KT_GROUP,
	  GLOBAL(control_group, RESTART) },
	{ .name = "control_admin_group", .type = KT_GROUP,
	  GLOBAL(control_admin_group, RESTART) },
	{ .name = "chronyd_socket", .type = KT_OPT_PATH,
	  .def = "/run/chrony/chronyd.sock",
	  GLOBAL(chronyd_socket, RESTART) },
	{ .name = "chronyd_interval", .type = KT_DURATION,
	  .min = NS_PER_SEC, .max = 3600 * NS_PER_SEC, .flags = KF_SECONDS,
	  .def = "1s", GLOBAL(chronyd_interval_s, RESTART) },
	{ .name = "run_dir", .type = KT_PATH, .def = "/run/phcbrokerd",
	  GLOBAL(run_dir, RESTART) },
	{ .name = "dev_root", .type = KT_PATH, .def = "/dev",
	  GLOBAL(dev_root, RESTART) },
	{ .name = "sysfs_root", .type = KT_PATH, .def = "/sys",
	  GLOBAL(sysfs_root, RESTART) },
	{ .name = "hypervisor", .type = KT_CHOICE,
	  .choices = config_hypervisors, .def = "auto",
	  GLOBAL(hypervisor, APPLY) },
	{ .name = "log_level", .type = KT_LOG_LEVEL, .def = "notice",
	  GLOBAL(log_level, APPLY) },
	{ .name = "summary_interval", .type = KT_DURATION,
	  .min = NS_PER_SEC, .max = 86400 * NS_PER_SEC,
	  .flags = KF_ZERO_NEVER | KF_SECONDS, .def = "60s",
	  GLOBAL(summary_interval_s, APPLY) },
	{ .name = "metrics_listen", .type = KT_LISTEN,
	  GLOBAL(metrics_listen, RESTART) },
	{ .name = "metrics_textfile", .type = KT_OPT_PATH,
	  GLOBAL(metrics_textfile, APPLY) },
	{ .name = "chrony_conf", .type = KT_OPT_PATH,
	  .def = CONFIG_DEFAULT_CHRONY_CONF, GLOBAL(chrony_conf, APPLY) },
	{ .name = "audit_interval", .type = KT_DURATION,
	  .min = NS_PER_SEC, .max = 86400 * NS_PER_SEC,
	  .flags = KF_ZERO_NEVER | KF_SECONDS, .def = "60s",
	  GLOBAL(audit_interval_s, APPLY) },
};

static const struct config_key source_keys[] = {
	{ .name = "device", .type = KT_DEVICE, .def = "auto",
	  SOURCE(device) },
	{ .name = "interface", .type = KT_IFNAME, SOURCE(interface) },
	{ .name = "vmclock", .type = KT_AUTO_PATH, .def = "auto",
	  SOURCE(vmclock) },
	{ .name = "sock", .type = KT_PATH, .def = "/run/chrony.%s.sock",
	  SOURCE(sock) },
	{ .name = "ptp4l_socket", .type = KT_PATH, SOURCE(ptp4l_socket) },
	{ .name = "domain", .type = KT_INT, .min = 0, .max = 255,
	  SOURCE(domain) },
	{ .name = "rate", .type = KT_RATE, .min = 0.0625, .max = 128,
	  .def = "8Hz", SOURCE(rate_hz) },
	{ .name = "readings", .type = KT_INT, .min = 1, .max = 25,
	  .def = "25", SOURCE(readings) },
	{ .name = "reads", .type = KT_INT, .min = 1, .max = CONFIG_MAX_READS,
	  .def = "1", SOURCE(reads) },
	{ .name = "timescale", .type = KT_CHOICE, .choices = timescales,
	  .def = "utc", SOURCE(timescale) },
	{ .name = "utc_offset", .type = KT_INT, .unit = "seconds",
	  .min = 0, .max = UTC_OFFSET_MAX, .def = "37",
	  SOURCE(utc_offset_s) },
	{ .name = "correction", .type = KT_DURATION,
	  .min = -NS_PER_SEC, .max = NS_PER_SEC, SOURCE(correction_ns) },
	{ .name = "filter", .type = KT_BOOL, .def = "yes",
	  SOURCE(filter.enabled) },
	{ .name = "smoothing", .type = KT_BOOL, .def = "yes",
	  SOURCE(filter.smoothing) },
	{ .name = "delay_quantile", .type = KT_NUMBER, .min = 0, .max = 1,
	  .flags = KF_MIN_OPEN, .def = "1",
	  SOURCE(filter.delay_quantile) },
	{ .name = "outlier_threshold", .type = KT_NUMBER, .min = 1,
	  .max = 1000, .def = "5", SOURCE(filter.outlier_threshold) },
	{ .name = "step_threshold", .type = KT_DURATION, .min = 10,
	  .max = NS_PER_SEC, .def = "1us",
	  SOURCE(filter.step_threshold_ns) },
	{ .name = "ntp_while_locked", .type = KT_CHOICE,
	  .choices = ntp_modes, .def = "keep",
	  SOURCE(ntp_offline_while_locked) },
	{ .name = "sim_epoch", .type = KT_EPOCH, .min = 1, .max = 9e9,
	  .flags = KF_SIM, SOURCE(sim_epoch_ns) },
	/* last: a name is looked up in this section's own keys first */
	{ .type = KT_GATE, SOURCE(gate) },
	{ .type = KT_SIM, .flags = KF_SIM, SOURCE(sim) },
};
/* clang-format on */
#undef SOURCE
#undef GLOBAL
#undef FIELD
#undef STORE_OF

/* The table of each enum config_section. */
static const struct {
	const struct config_key *keys;
	size_t n;
} sections[] = {
	[CONFIG_SECTION_GLOBAL] = { global_keys, sizeof(global_keys) /
						 sizeof(global_keys[0]) },
	[CONFIG_SECTION_SOURCE] = { source_keys, sizeof(source_keys) /
						 sizeof(source_keys[0]) },
};

/* Key @i of the other table that @k stands for, NULL past its last. */
static const char *sub_key_name(const struct config_key *k, size_t i)
{
	if (k->type == KT_GATE)
		return gate_config_key_name(i);
	if (k->type == KT_SIM)
		return clockmodel_param_name(i);
	return i == 0 ? k->name : NULL;
}

/* The entry of @sec that handles key @name, NULL when there is none. */
static const struct config_key *find_key(enum config_section sec,
					 const char *name)
{
	for (size_t i = 0; i < sections[sec].n; i++) {
		const struct config_key *k = &sections[sec].keys[i];
		const char *sub;
		for (size_t j = 0; (sub = sub_key_name(k, j)); j++)
			if (strcmp(sub, name) == 0)
				return k;
	}
	return NULL;
}

/* ---- values ----------------------------------------------------------- */

/* Copy a path value; reject what does not fit. */
static int set_path(struct parser *p, const char *key, const char *val,
		    char *dst, size_t len)
{
	if (strlen(val) >= len)
		return fail(p, "%s: path longer than %zu characters", key,
			    len - 1);
	if (val[0] != '/')
		return fail(p, "%s: '%s' is not an absolute path", key, val);
	memcpy(dst, val, strlen(val) + 1);
	return 0;
}

/* A user or group name. */
static int set_name(struct parser *p, const char *key, const char *val,
		    char *dst, size_t len)
{
	if (strlen(val) >= len)
		return fail(p, "%s: name longer than %zu characters", key,
			    len - 1);
	for (const char *c = val; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("._-", *c))
			return fail(p, "%s: '%s' is not a group name", key, val);
	memcpy(dst, val, strlen(val) + 1);
	return 0;
}

/* "none", or an address and port to listen on (listen_addr.h). */
static int set_listen(struct parser *p, const char *key, const char *val,
		      char *dst, size_t len)
{
	struct listen_addr a;
	char why[128];

	if (strcmp(val, "none") == 0) {
		dst[0] = '\0';
		return 0;
	}
	if (strcmp(val, "systemd") == 0) { /* metrics_socket.h */
		snprintf(dst, len, "%s", val);
		return 0;
	}
	if (strlen(val) >= len)
		return fail(p, "%s: value longer than %zu characters", key,
			    len - 1);
	if (listen_addr_parse(val, &a, why, sizeof(why)) < 0)
		return fail(p, "%s: '%s': %s", key, val, why);
	memcpy(dst, val, strlen(val) + 1);
	return 0;
}

/* A string key of @k into its field @dst. */
static int set_string(struct parser *p, const struct config_key *k,
		      const char *val, char *dst)
{
	switch (k->type) {
	case KT_OPT_PATH:
		if (strcmp(val, "none") == 0) {
			dst[0] = '\0';
			return 0;
		}
		return set_path(p, k->name, val, dst, k->size);
	case KT_DEVICE:
		if (strcmp(val, "auto") != 0 && strcmp(val, "sim") != 0)
			return set_path(p, k->name, val, dst, k->size);
		snprintf(dst, k->size, "%s", val);
		return 0;
	case KT_AUTO_PATH:
		if (strcmp(val, "none") == 0) {
			dst[0] = '\0';
			return 0;
		}
		if (strcmp(val, "auto") != 0)
			return set_path(p, k->name, val, dst, k->size);
		snprintf(dst, k->size, "%s", val);
		return 0;
	case KT_GROUP:
		return set_name(p, k->name, val, dst, k->size);
	case KT_LISTEN:
		return set_listen(p, k->name, val, dst, k->size);
	case KT_IFNAME:
		if (strlen(val) >= k->size || strchr(val, '/'))
			return fail(p, "%s: '%s' is not an interface name",
				    k->name, val);
		snprintf(dst, k->size, "%s", val);
		return 0;
	default:
		return set_path(p, k->name, val, dst, k->size);
	}
}

/* Append @word to @buf (holding *@n bytes of @len), truncating safely. */
static void append_word(char *buf, size_t len, size_t *n, const char *sep,
			const char *word)
{
	int w = snprintf(buf + *n, len - *n, "%s%s", sep, word);

	if (w > 0)
		*n = *n + (size_t)w < len ? *n + (size_t)w : len - 1;
}

/* "a or b", or "one of a, b, c" for @n words of @words. */
static void describe_words(const char *const *words, int n, char *buf,
			   size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	if (n != 2)
		append_word(buf, len, &used, "", "one of ");
	for (int i = 0; i < n; i++)
		append_word(buf, len, &used,
			    i == 0 ? "" : n == 2 ? " or " : ", ", words[i]);
}

/* What @k accepts, for an error: e.g. "a duration from 10ns to 1s". */
static void describe(const struct config_key *k, char *buf, size_t len)
{
	const char *words[LOG_DEBUG + 1];
	char lo[32], hi[32];
	int n = 0;

	units_format_duration(k->min, lo, sizeof(lo));
	units_format_duration(k->max, hi, sizeof(hi));
	switch (k->type) {
	case KT_INT:
		snprintf(buf, len, "%.0f..%.0f%s%s", k->min, k->max,
			 k->unit ? " " : "", k->unit ? k->unit : "");
		break;
	case KT_NUMBER:
		snprintf(buf, len, "a number in %c%g, %g]",
			 k->flags & KF_MIN_OPEN ? '(' : '[', k->min, k->max);
		break;
	case KT_DURATION:
		snprintf(buf, len, "%sa duration from %s to %s",
			 k->flags & KF_ZERO_NEVER ? "0 (never) or " : "", lo,
			 hi);
		break;
	case KT_RATE:
		snprintf(buf, len, "a rate from %gHz to %gHz", k->min, k->max);
		break;
	case KT_EPOCH:
		snprintf(buf, len, "a time from %.0f to %.0f seconds since "
			 "1970", k->min, k->max);
		break;
	case KT_BOOL:
		snprintf(buf, len, "yes or no");
		break;
	case KT_CHOICE:
		while (k->choices[n])
			n++;
		describe_words(k->choices, n, buf, len);
		break;
	case KT_LOG_LEVEL:
		for (int prio = LOG_ERR; prio <= LOG_DEBUG; prio++)
			words[n++] = log_level_name(prio);
		describe_words(words, n, buf, len);
		break;
	default: /* strings and the other tables say it themselves */
		snprintf(buf, len, "valid");
		break;
	}
}

/* Whether @d lies in @k's range (NaN does not). */
static bool in_range(const struct config_key *k, double d)
{
	if (k->flags & KF_ZERO_NEVER && d == 0.0)
		return true;
	if (k->flags & KF_MIN_OPEN ? !(d > k->min) : !(d >= k->min))
		return false;
	return d <= k->max;
}

/* Parse a numeric or word value of @k into @d, in its written unit. */
static int parse_number(const struct config_key *k, const char *val,
			double *d)
{
	long n;
	bool b;
	int r;

	switch (k->type) {
	case KT_INT:
		if (units_parse_int(val, (long)k->min, (long)k->max, &n) < 0)
			return -EINVAL;
		*d = (double)n;
		return 0;
	case KT_NUMBER:
	case KT_EPOCH:
		r = units_parse_number(val, d);
		break;
	case KT_DURATION:
		r = units_parse_duration_ns(val, d);
		break;
	case KT_RATE:
		r = units_parse_rate_hz(val, d);
		break;
	case KT_BOOL:
		if (units_parse_bool(val, &b) < 0)
			return -EINVAL;
		*d = b;
		return 0;
	case KT_LOG_LEVEL:
		r = log_level_from_name(val);
		*d = r;
		return r < 0 ? -EINVAL : 0;
	case KT_CHOICE:
		for (n = 0; k->choices[n]; n++) {
			if (strcmp(val, k->choices[n]) == 0) {
				*d = (double)n;
				return 0;
			}
		}
		return -EINVAL;
	default:
		return -EINVAL;
	}
	return r < 0 || !in_range(k, *d) ? -EINVAL : 0;
}

/* Store @d, in @k's written unit, into its field @dst. */
static void store_number(const struct config_key *k, double d, char *dst)
{
	int i;
	bool b;
	int64_t n;

	if (k->type == KT_EPOCH)
		d *= NS_PER_SEC;
	if (k->flags & KF_SECONDS)
		d /= NS_PER_SEC;
	switch (k->store) {
	case KS_INT:
		i = (int)d;
		memcpy(dst, &i, sizeof(i));
		break;
	case KS_BOOL:
		b = d != 0.0;
		memcpy(dst, &b, sizeof(b));
		break;
	case KS_INT64:
		n = (int64_t)d;
		memcpy(dst, &n, sizeof(n));
		break;
	case KS_DOUBLE:
		memcpy(dst, &d, sizeof(d));
		break;
	default:
		break;
	}
}

/* Parse @val as a sim key of @unit into @v. Returns 0 or -EINVAL. */
static int parse_sim_value(int unit, const char *val, double *v)
{
	bool b;

	switch (unit) {
	case CLOCKMODEL_TIME:
		return units_parse_duration_ns(val, v);
	case CLOCKMODEL_PPM:
		return units_parse_ppm(val, v);
	case CLOCKMODEL_NUMBER:
	case CLOCKMODEL_INTEGER:
		return units_parse_number(val, v);
	case CLOCKMODEL_BOOL:
		if (units_parse_bool(val, &b) < 0)
			return -EINVAL;
		*v = b;
		return 0;
	}
	return -EINVAL;
}

/* What sim key @key of @unit accepts, e.g. "a duration from 0s to 10ms". */
static void sim_range(const char *key, int unit, char *buf, size_t len)
{
	double lo = 0.0, hi = 0.0;
	char a[32], b[32];

	clockmodel_param_range(key, &lo, &hi);
	units_format_duration(lo, a, sizeof(a));
	units_format_duration(hi, b, sizeof(b));
	if (unit == CLOCKMODEL_TIME)
		snprintf(buf, len, "a duration from %s to %s", a, b);
	else if (unit == CLOCKMODEL_PPM)
		snprintf(buf, len, "a frequency error from %gppm to %gppm",
			 lo, hi);
	else if (unit == CLOCKMODEL_INTEGER)
		snprintf(buf, len, "an integer from %.0f to %.0f", lo, hi);
	else if (unit == CLOCKMODEL_BOOL)
		snprintf(buf, len, "yes or no");
	else
		snprintf(buf, len, "a number from %g to %g", lo, hi);
}

/* A key of clockmodel.c's table into @params. */
static int set_sim(struct parser *p, const char *key, const char *val,
		   struct clockmodel_params *params)
{
	int unit = clockmodel_param_unit(key);
	char range[96];
	double v;

	if (parse_sim_value(unit, val, &v) < 0 ||
	    clockmodel_set_param(params, key, v) < 0) {
		sim_range(key, unit, range, sizeof(range));
		return fail(p, "%s: '%s' is not %s", key, val, range);
	}
	return 0;
}

/* A key of gate.c's table into @gate. */
static int set_gate(struct parser *p, const char *key, const char *val,
		    struct gate_config *gate)
{
	int r = gate_config_set(gate, key, val);
	char range[96];

	if (r == -EINVAL) {
		gate_config_range(key, range, sizeof(range));
		return fail(p, "%s: '%s' is not %s", key, val, range);
	}
	return r;
}

/* Set key @key, handled by @k, of the section at @base from @val. */
static int set_key(struct parser *p, const struct config_key *k,
		   const char *key, const char *val, void *base)
{
	char *field = (char *)base + k->off;
	char what[96];
	double d;

	switch (k->store) {
	case KS_GATE:
		return set_gate(p, key, val, (void *)field);
	case KS_SIM:
		return set_sim(p, key, val, (void *)field);
	case KS_STR:
		return set_string(p, k, val, field);
	default:
		break;
	}
	if (parse_number(k, val, &d) < 0) {
		describe(k, what, sizeof(what));
		return fail(p, "%s: '%s' is not %s", key, val, what);
	}
	store_number(k, d, field);
	return 0;
}

/* @def with its "%s", if any, replaced by @name. */
static void expand_default(const char *def, const char *name, char *out,
			   size_t len)
{
	const char *at = strstr(def, "%s");

	if (!at)
		snprintf(out, len, "%s", def);
	else
		snprintf(out, len, "%.*s%s%s", (int)(at - def), def, name,
			 at + 2);
}

/*
 * Fill the section at @base (all zero) with the defaults of @sec; @name is
 * the source's. A default the table's own checks refuse is a bug, and
 * reported as an error like any other.
 */
static int set_defaults(struct parser *p, enum config_section sec,
			void *base, const char *name)
{
	char def[CONFIG_PATH_MAX];

	for (size_t i = 0; i < sections[sec].n; i++) {
		const struct config_key *k = &sections[sec].keys[i];
		char *field = (char *)base + k->off;
		int r;

		if (k->store == KS_GATE) {
			gate_config_defaults((struct gate_config *)(void *)field);
			continue;
		}
		if (k->store == KS_SIM) {
			clockmodel_defaults(
				(struct clockmodel_params *)(void *)field);
			continue;
		}
		if (!k->def)
			continue;
		expand_default(k->def, name, def, sizeof(def));
		r = set_key(p, k, k->name, def, base);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Whether @a and @b, sections of @k's kind, agree on @k's field. */
static bool key_equal(const struct config_key *k, const void *a,
		      const void *b)
{
	const char *fa = (const char *)a + k->off;
	const char *fb = (const char *)b + k->off;
	double da, db;

	switch (k->store) {
	case KS_STR:
		return strncmp(fa, fb, k->size) == 0;
	case KS_GATE:
		return gate_config_equal((const void *)fa, (const void *)fb);
	case KS_SIM:
		return clockmodel_params_equal((const void *)fa,
					       (const void *)fb);
	case KS_DOUBLE:
		memcpy(&da, fa, sizeof(da));
		memcpy(&db, fb, sizeof(db));
		return da == db;
	default: /* int, bool, int64_t: no padding, one representation */
		return memcmp(fa, fb, k->size) == 0;
	}
}

/* A "key value" line of the current section. */
static int parse_key(struct parser *p, const char *key, const char *val)
{
	enum config_section sec = p->src ? CONFIG_SECTION_SOURCE
					 : CONFIG_SECTION_GLOBAL;
	void *base = p->src ? (void *)p->src : (void *)&p->cfg->global;
	const struct config_key *k = find_key(sec, key);
	int r;

	if (!k && p->src)
		return fail(p, "unknown key '%s' in [source %s]", key,
			    p->src->name);
	if (!k)
		return fail(p, "unknown key '%s' in [global]", key);
	r = set_key(p, k, key, val, base);
	if (r == 0 && k->flags & KF_SIM && p->src && !p->src->first_sim_line)
		p->src->first_sim_line = p->line;
	return r;
}

const char *config_key_name(enum config_section sec, size_t i)
{
	if ((size_t)sec >= sizeof(sections) / sizeof(sections[0]))
		return NULL;
	for (size_t e = 0; e < sections[sec].n; e++) {
		const struct config_key *k = &sections[sec].keys[e];
		const char *name;
		for (size_t j = 0; (name = sub_key_name(k, j)); j++)
			if (i-- == 0)
				return name;
	}
	return NULL;
}

int config_key_reload(enum config_section sec, const char *name)
{
	const struct config_key *k;

	if ((size_t)sec >= sizeof(sections) / sizeof(sections[0]) || !name)
		return -ENOENT;
	k = find_key(sec, name);
	return k ? (int)k->reload : -ENOENT;
}

const char *config_reload_check(const struct config *old,
				const struct config *nc)
{
	for (size_t i = 0; i < sections[CONFIG_SECTION_GLOBAL].n; i++) {
		const struct config_key *k = &global_keys[i];
		if (k->reload == CONFIG_RELOAD_RESTART &&
		    !key_equal(k, &old->global, &nc->global))
			return k->name;
	}
	return NULL;
}

bool config_source_equal(const struct source_config *a,
			 const struct source_config *b)
{
	if (strcmp(a->name, b->name) != 0) /* the header, not a key */
		return false;
	for (size_t i = 0; i < sections[CONFIG_SECTION_SOURCE].n; i++)
		if (!key_equal(&source_keys[i], a, b))
			return false;
	return true;
}

/* ---- sections and lines ----------------------------------------------- */

static bool valid_name(const char *name)
{
	size_t n = strlen(name);
	if (n < 1 || n >= CONFIG_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]))
			return false;
	return true;
}

/*
 * Split @s in place at blanks into at most @max words @w. Returns how
 * many there are, or @max + 1 when there are more.
 */
static int split_words(char *s, char **w, int max)
{
	char *save = NULL;
	int n = 0;

	for (char *t = strtok_r(s, " \t", &save); t;
	     t = strtok_r(NULL, " \t", &save)) {
		if (n == max)
			return max + 1;
		w[n++] = t;
	}
	return n;
}

/* Start a [source NAME] section. */
static int start_source(struct parser *p, const char *name)
{
	if (!valid_name(name))
		return fail(p, "source name '%s' must be 1 to 4 letters or "
			       "digits (it is chrony's refid)", name);
	for (int i = 0; i < p->cfg->n_sources; i++)
		if (strcmp(p->cfg->sources[i].name, name) == 0)
			return fail(p, "[source %s] defined twice (first at "
				       "line %d)", name,
				    p->cfg->sources[i].line);
	if (p->cfg->n_sources >= CONFIG_MAX_SOURCES)
		return fail(p, "more than %d sources", CONFIG_MAX_SOURCES);
	p->src = &p->cfg->sources[p->cfg->n_sources++];
	memset(p->src, 0, sizeof(*p->src));
	snprintf(p->src->name, sizeof(p->src->name), "%s", name);
	p->src->line = p->line;
	p->in_section = true;
	return set_defaults(p, CONFIG_SECTION_SOURCE, p->src, name);
}

/*
 * A section header: "[global]" or "[source NAME]"; blanks around the
 * words are allowed, other words are not.
 */
static int parse_section(struct parser *p, char *line)
{
	char *end = strchr(line, ']');
	char *w[3];
	int n;

	if (!end)
		return fail(p, "section header '%s' lacks a closing ]", line);
	if (end[1] != '\0')
		return fail(p, "section header '%s': '%s' after the closing ]",
			    line, end + 1 + strspn(end + 1, " \t"));
	*end = '\0';
	n = split_words(line + 1, w, 2);
	if (n >= 1 && strcmp(w[0], "global") == 0) {
		if (n > 1)
			return fail(p, "[global] takes no name; '%s' follows "
				       "it", w[1]);
		p->src = NULL;
		p->in_section = true;
		return 0;
	}
	if (n < 1 || strcmp(w[0], "source") != 0)
		return fail(p, "unknown section [%s]; expected [global] or "
			       "[source NAME]", n < 1 ? "" : w[0]);
	if (n < 2)
		return fail(p, "[source] lacks a NAME");
	if (n > 2)
		return fail(p, "[source %s] is followed by more words; "
			       "expected [source NAME]", w[1]);
	return start_source(p, w[1]);
}

static char *trim(char *s)
{
	char *e;
	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int parse_line(struct parser *p, char *line)
{
	char *key, *val;

	line[strcspn(line, "#")] = '\0';
	line = trim(line);
	if (*line == '\0')
		return 0;
	if (*line == '[')
		return parse_section(p, line);
	if (!p->in_section)
		return fail(p, "'%s' before any [global] or [source NAME] "
			       "section", line);
	key = line;
	val = key + strcspn(key, " \t");
	if (*val == '\0')
		return fail(p, "key '%s' has no value", key);
	*val++ = '\0';
	val = trim(val);
	return parse_key(p, key, val);
}

/* Checks across sections, reported at the line that is at fault. */
static int validate(struct parser *p)
{
	struct config *c = p->cfg;

	if (c->n_sources == 0)
		return fail(p, "no [source NAME] section: nothing to feed "
			       "chronyd");
	for (int i = 0; i < c->n_sources; i++) {
		struct source_config *s = &c->sources[i];
		char gerr[200];
		if (gate_config_check(&s->gate, gerr, sizeof(gerr)) < 0) {
			p->line = s->line;
			return fail(p, "[source %s]: %s", s->name, gerr);
		}
		if (s->first_sim_line && strcmp(s->device, "sim") != 0) {
			p->line = s->first_sim_line;
			return fail(p, "simulation parameters need 'device "
				       "sim' in [source %s]", s->name);
		}
		for (int j = 0; j < i; j++) {
			if (strcmp(c->sources[j].sock, s->sock) == 0) {
				p->line = s->line;
				return fail(p, "[source %s] uses sock %s, as "
					       "[source %s] does", s->name,
					    s->sock, c->sources[j].name);
			}
		}
	}
	return 0;
}

int config_parse(const char *text, const char *filename, struct config *cfg,
		 char *err, size_t errlen)
{
	struct parser p = { filename, 0, cfg, NULL, false, err, errlen };
	const char *pos = text;
	char line[1024];
	int r;

	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->path, sizeof(cfg->path), "%s", filename);
	r = set_defaults(&p, CONFIG_SECTION_GLOBAL, &cfg->global, "");
	if (r < 0)
		return r;
	while (*pos) {
		size_t n = strcspn(pos, "\n");
		p.line++;
		if (n >= sizeof(line))
			return fail(&p, "line longer than %zu characters",
				    sizeof(line) - 1);
		memcpy(line, pos, n);
		line[n] = '\0';
		r = parse_line(&p, line);
		if (r < 0)
			return r;
		pos += n;
		if (*pos == '\n')
			pos++;
	}
	return validate(&p);
}

/*
 * Open @path for reading without blocking (a FIFO with no writer would
 * block open(), and a read from it the daemon's event loop) and check that
 * it is a regular file. Returns the descriptor, or -errno with @err set.
 */
static int open_regular(const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd, r;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 strerror(errno));
		return r;
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		snprintf(err, errlen, "%s: cannot stat: %s", path,
			 strerror(errno));
		close(fd);
		return r;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return -EINVAL;
	}
	return fd;
}

/*
 * Read all of @fd (a regular file) into @buf of CONFIG_FILE_MAX + 1 bytes.
 * Returns the length, -EFBIG when the file is larger, or -errno.
 */
static ssize_t read_all(int fd, char *buf)
{
	size_t n = 0;

	while (n <= CONFIG_FILE_MAX) {
		ssize_t r = read(fd, buf + n, CONFIG_FILE_MAX + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return (ssize_t)n;
		n += (size_t)r;
	}
	return -EFBIG;
}

int config_read_text(const char *path, char **text, char *err,
		     size_t errlen)
{
	int fd = open_regular(path, err, errlen);
	char *buf;
	ssize_t n;

	*text = NULL;
	if (fd < 0)
		return fd;
	buf = malloc(CONFIG_FILE_MAX + 1);
	if (!buf) {
		close(fd);
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	n = read_all(fd, buf);
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", path,
			 n == -EFBIG ? "larger than 64 KiB"
				     : strerror((int)-n));
		free(buf);
		return (int)n;
	}
	buf[n] = '\0';
	if (strlen(buf) != (size_t)n) {
		snprintf(err, errlen, "%s: contains a NUL byte", path);
		free(buf);
		return -EINVAL;
	}
	*text = buf;
	return 0;
}

int config_load(const char *path, struct config *cfg, char *err,
		size_t errlen)
{
	char *text;
	int r = config_read_text(path, &text, err, errlen);

	if (r < 0)
		return r;
	r = config_parse(text, path, cfg, err, errlen);
	free(text);
	return r;
}
