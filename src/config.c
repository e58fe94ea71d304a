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
#include "log.h"
#include "units.h"

#define CONFIG_FILE_MAX (1 << 20)
#define SUMMARY_MIN_NS NS_PER_SEC		/* summary_interval: 1s ... */
#define SUMMARY_MAX_NS (86400 * NS_PER_SEC) /* ... to a day, or 0 */
#define STEP_THRESHOLD_MIN_NS 10.0
#define STEP_THRESHOLD_MAX_NS NS_PER_SEC
#define CORRECTION_MAX_NS NS_PER_SEC
#define UTC_OFFSET_MAX 100 /* TAI - UTC is 37 s since 2017 */
#define SIM_EPOCH_MAX_S 9e9

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

static void global_defaults(struct global_config *g)
{
	snprintf(g->control_socket, sizeof(g->control_socket), "%s",
		 CONFIG_DEFAULT_CONTROL_SOCKET);
	snprintf(g->chronyd_socket, sizeof(g->chronyd_socket),
		 "/run/chrony/chronyd.sock");
	snprintf(g->run_dir, sizeof(g->run_dir), "/run/phcbrokerd");
	snprintf(g->dev_root, sizeof(g->dev_root), "/dev");
	snprintf(g->sysfs_root, sizeof(g->sysfs_root), "/sys");
	g->log_level = LOG_NOTICE;
	g->summary_interval_s = 60.0;
}

static void source_defaults(struct source_config *s, const char *name,
			    int line)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%.*s", CONFIG_NAME_MAX - 1, name);
	snprintf(s->device, sizeof(s->device), "auto");
	snprintf(s->sock, sizeof(s->sock), "/run/chrony.%s.sock", name);
	s->rate_hz = 8.0;
	s->readings = 25;
	s->reads = 1;
	s->timescale = TIMESCALE_UTC;
	s->utc_offset_s = 37;
	s->filter.enabled = true;
	s->filter.delay_quantile = 1.0;
	s->filter.outlier_threshold = 5.0;
	s->filter.step_threshold_ns = 1000.0;
	s->filter.smoothing = true;
	clockmodel_defaults(&s->sim);
	gate_config_defaults(&s->gate);
	s->line = line;
}

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

/* A path, or "none" for an empty one. */
static int set_optional_path(struct parser *p, const char *key,
			     const char *val, char *dst, size_t len)
{
	if (strcmp(val, "none") == 0) {
		dst[0] = '\0';
		return 0;
	}
	return set_path(p, key, val, dst, len);
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

/* summary_interval: 0 (never) or SUMMARY_MIN_NS..SUMMARY_MAX_NS. */
static int set_summary_interval(struct parser *p, const char *val)
{
	double d;

	if (units_parse_duration_ns(val, &d) < 0 ||
	    (d != 0.0 && (d < SUMMARY_MIN_NS || d > SUMMARY_MAX_NS)))
		return fail(p, "summary_interval: '%s' is not 0 (never) or a "
			       "duration from 1s to 86400s", val);
	p->cfg->global.summary_interval_s = d / NS_PER_SEC;
	return 0;
}

static int parse_global_key(struct parser *p, const char *key,
			    const char *val)
{
	struct global_config *g = &p->cfg->global;

	if (strcmp(key, "control_socket") == 0)
		return set_optional_path(p, key, val, g->control_socket,
					 sizeof(g->control_socket));
	if (strcmp(key, "chronyd_socket") == 0)
		return set_optional_path(p, key, val, g->chronyd_socket,
					 sizeof(g->chronyd_socket));
	if (strcmp(key, "control_group") == 0)
		return set_name(p, key, val, g->control_group,
				sizeof(g->control_group));
	if (strcmp(key, "control_admin_group") == 0)
		return set_name(p, key, val, g->control_admin_group,
				sizeof(g->control_admin_group));
	if (strcmp(key, "run_dir") == 0)
		return set_path(p, key, val, g->run_dir, sizeof(g->run_dir));
	if (strcmp(key, "dev_root") == 0)
		return set_path(p, key, val, g->dev_root, sizeof(g->dev_root));
	if (strcmp(key, "sysfs_root") == 0)
		return set_path(p, key, val, g->sysfs_root,
				sizeof(g->sysfs_root));
	if (strcmp(key, "log_level") == 0) {
		int lvl = log_level_from_name(val);
		if (lvl < 0)
			return fail(p, "log_level: '%s' is not one of err, "
				       "warning, notice, info, debug", val);
		g->log_level = lvl;
		return 0;
	}
	if (strcmp(key, "summary_interval") == 0)
		return set_summary_interval(p, val);
	return fail(p, "unknown key '%s' in [global]", key);
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

static int parse_sim_key(struct parser *p, const char *key, const char *val)
{
	struct source_config *s = p->src;
	int unit = clockmodel_param_unit(key);
	char range[96];
	double v;

	if (unit < 0)
		return fail(p, "unknown key '%s' in [source %s]", key,
			    s->name);
	if (parse_sim_value(unit, val, &v) < 0 ||
	    clockmodel_set_param(&s->sim, key, v) < 0) {
		sim_range(key, unit, range, sizeof(range));
		return fail(p, "%s: '%s' is not %s", key, val, range);
	}
	if (!s->first_sim_line)
		s->first_sim_line = p->line;
	return 0;
}

static int parse_filter_key(struct parser *p, const char *key,
			    const char *val, bool *handled)
{
	struct filter_config *f = &p->src->filter;
	double d;

	*handled = true;
	if (strcmp(key, "filter") == 0) {
		if (units_parse_bool(val, &f->enabled) < 0)
			return fail(p, "filter: '%s' is not yes or no", val);
		return 0;
	}
	if (strcmp(key, "smoothing") == 0) {
		if (units_parse_bool(val, &f->smoothing) < 0)
			return fail(p, "smoothing: '%s' is not yes or no", val);
		return 0;
	}
	if (strcmp(key, "delay_quantile") == 0) {
		if (units_parse_number(val, &d) < 0 || d <= 0.0 || d > 1.0)
			return fail(p, "delay_quantile: '%s' is not a number "
				       "in (0, 1]", val);
		f->delay_quantile = d;
		return 0;
	}
	if (strcmp(key, "outlier_threshold") == 0) {
		if (units_parse_number(val, &d) < 0 || d < 1.0 || d > 1000.0)
			return fail(p, "outlier_threshold: '%s' is not a "
				       "number in [1, 1000]", val);
		f->outlier_threshold = d;
		return 0;
	}
	if (strcmp(key, "step_threshold") == 0) {
		if (units_parse_duration_ns(val, &d) < 0 ||
		    !(d >= STEP_THRESHOLD_MIN_NS && d <= STEP_THRESHOLD_MAX_NS))
			return fail(p, "step_threshold: '%s' is not a "
				       "duration from 10ns to 1s", val);
		f->step_threshold_ns = d;
		return 0;
	}
	*handled = false;
	return 0;
}

static int parse_source_key(struct parser *p, const char *key,
			    const char *val)
{
	struct source_config *s = p->src;
	bool handled;
	double d;
	long n;
	int r;

	if (strcmp(key, "device") == 0) {
		if (strcmp(val, "auto") != 0 && strcmp(val, "sim") != 0)
			return set_path(p, key, val, s->device,
					sizeof(s->device));
		snprintf(s->device, sizeof(s->device), "%s", val);
		return 0;
	}
	if (strcmp(key, "interface") == 0) {
		if (strlen(val) >= sizeof(s->interface) || strchr(val, '/'))
			return fail(p, "interface: '%s' is not an interface "
				       "name", val);
		snprintf(s->interface, sizeof(s->interface), "%s", val);
		return 0;
	}
	if (strcmp(key, "sock") == 0)
		return set_path(p, key, val, s->sock, sizeof(s->sock));
	if (strcmp(key, "ptp4l_socket") == 0)
		return set_path(p, key, val, s->ptp4l_socket,
				sizeof(s->ptp4l_socket));
	if (strcmp(key, "domain") == 0) {
		if (units_parse_int(val, 0, 255, &n) < 0)
			return fail(p, "domain: '%s' is not 0..255", val);
		s->domain = (int)n;
		return 0;
	}
	if (strcmp(key, "rate") == 0) {
		if (units_parse_rate_hz(val, &d) < 0 || d < 0.0625 || d > 128.0)
			return fail(p, "rate: '%s' is not a rate from "
				       "0.0625Hz to 128Hz", val);
		s->rate_hz = d;
		return 0;
	}
	if (strcmp(key, "readings") == 0) {
		if (units_parse_int(val, 1, 25, &n) < 0)
			return fail(p, "readings: '%s' is not 1..25", val);
		s->readings = (int)n;
		return 0;
	}
	if (strcmp(key, "reads") == 0) {
		if (units_parse_int(val, 1, CONFIG_MAX_READS, &n) < 0)
			return fail(p, "reads: '%s' is not 1..%d", val,
				    CONFIG_MAX_READS);
		s->reads = (int)n;
		return 0;
	}
	if (strcmp(key, "timescale") == 0) {
		if (strcmp(val, "utc") == 0)
			s->timescale = TIMESCALE_UTC;
		else if (strcmp(val, "tai") == 0)
			s->timescale = TIMESCALE_TAI;
		else
			return fail(p, "timescale: '%s' is not utc or tai",
				    val);
		return 0;
	}
	if (strcmp(key, "utc_offset") == 0) {
		if (units_parse_int(val, 0, UTC_OFFSET_MAX, &n) < 0)
			return fail(p, "utc_offset: '%s' is not 0..%d "
				       "seconds", val, UTC_OFFSET_MAX);
		s->utc_offset_s = (int)n;
		return 0;
	}
	if (strcmp(key, "correction") == 0) {
		if (units_parse_duration_ns(val, &d) < 0 ||
		    d > CORRECTION_MAX_NS || d < -CORRECTION_MAX_NS)
			return fail(p, "correction: '%s' is not a duration "
				       "from -1s to 1s", val);
		s->correction_ns = d;
		return 0;
	}
	if (strcmp(key, "sim_epoch") == 0) {
		if (units_parse_number(val, &d) < 0 || d < 1.0 ||
		    d > SIM_EPOCH_MAX_S)
			return fail(p, "sim_epoch: '%s' is not a time from 1 "
				       "to %.0f seconds since 1970", val,
				    SIM_EPOCH_MAX_S);
		s->sim_epoch_ns = (int64_t)(d * NS_PER_SEC);
		if (!s->first_sim_line)
			s->first_sim_line = p->line;
		return 0;
	}
	if (strcmp(key, "ntp_while_locked") == 0) {
		if (strcmp(val, "keep") != 0 && strcmp(val, "offline") != 0)
			return fail(p, "ntp_while_locked: '%s' is not keep or "
				       "offline", val);
		s->ntp_offline_while_locked = strcmp(val, "offline") == 0;
		return 0;
	}
	r = parse_filter_key(p, key, val, &handled);
	if (handled)
		return r;
	r = gate_config_set(&s->gate, key, val);
	if (r == -EINVAL) {
		char range[96];
		gate_config_range(key, range, sizeof(range));
		return fail(p, "%s: '%s' is not %s", key, val, range);
	}
	if (r != -ENOENT)
		return r;
	return parse_sim_key(p, key, val);
}

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
	source_defaults(p->src, name, p->line);
	p->in_section = true;
	return 0;
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
	if (p->src)
		return parse_source_key(p, key, val);
	return parse_global_key(p, key, val);
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
	global_defaults(&cfg->global);
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

int config_load(const char *path, struct config *cfg, char *err,
		size_t errlen)
{
	int fd = open_regular(path, err, errlen);
	char *buf;
	ssize_t n;
	int r;

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
			 n == -EFBIG ? "larger than 1 MiB"
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
	r = config_parse(buf, path, cfg, err, errlen);
	free(buf);
	return r;
}

#define SAME(f) (a->f == b->f)
#define SAME_STR(f) (strcmp(a->f, b->f) == 0)

static bool model_equal(const struct clockmodel_params *a,
			const struct clockmodel_params *b)
{
	return SAME(offset_ns) && SAME(freq_ppm) && SAME(wander_ns) &&
	       SAME(delay_ns) && SAME(jitter_ns) && SAME(spike_prob) &&
	       SAME(spike_ns) && SAME(stall_prob) && SAME(stall_ns) &&
	       SAME(step_interval_s) && SAME(step_ns) && SAME(vanish_at_s) &&
	       SAME(vanish_for_s) && SAME(precise_noise_ns) &&
	       SAME(precise) && SAME(seed);
}

static bool gate_equal(const struct gate_config *a, const struct gate_config *b)
{
	return SAME(lock_offset_ns) && SAME(unlock_offset_ns) &&
	       SAME(lock_dwell_ns) && SAME(unlock_dwell_ns) &&
	       SAME(holdover_ns) && SAME(recover_dwell_ns) &&
	       SAME(startup_timeout_ns) && SAME(max_response_age_ns) &&
	       SAME(max_sync_age_ns) && SAME(max_clock_class) &&
	       SAME(max_sample_age_ns) && SAME(max_sigma_ns) &&
	       SAME(max_reject_fraction) && SAME(step_holdoff_ns) &&
	       SAME(flap_window_ns) && SAME(backoff_max) &&
	       SAME(initial_override);
}

bool config_source_equal(const struct source_config *a,
			 const struct source_config *b)
{
	return SAME_STR(name) && SAME_STR(device) && SAME_STR(interface) &&
	       SAME_STR(sock) && SAME_STR(ptp4l_socket) && SAME(domain) &&
	       SAME(rate_hz) && SAME(readings) && SAME(reads) &&
	       SAME(timescale) &&
	       SAME(utc_offset_s) && SAME(correction_ns) &&
	       SAME(filter.enabled) && SAME(filter.delay_quantile) &&
	       SAME(filter.outlier_threshold) &&
	       SAME(filter.step_threshold_ns) && SAME(filter.smoothing) &&
	       SAME(sim_epoch_ns) &&
	       SAME(ntp_offline_while_locked) && gate_equal(&a->gate, &b->gate) &&
	       model_equal(&a->sim, &b->sim);
}
