/* chrony_conf.c: the chrony.conf lines phcbrokerd's sources need, and a
 * scan of the host's chrony.conf for lines that compete with them (pure). */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "chrony_conf.h"

#define WS " \t\r"

static struct chronyconf_entry *add_entry(struct chronyconf_scan *scan,
					  enum chronyconf_kind kind,
					  const char *file, int line,
					  const char *arg, size_t n)
{
	struct chronyconf_entry *e;

	if (scan->n == CHRONYCONF_MAX_ENTRIES) {
		scan->dropped++;
		return NULL;
	}
	e = &scan->e[scan->n++];
	e->kind = kind;
	snprintf(e->file, sizeof(e->file), "%s", file);
	e->line = line;
	if (n >= sizeof(e->arg))
		n = sizeof(e->arg) - 1;
	memcpy(e->arg, arg, n);
	e->arg[n] = '\0';
	e->refid[0] = '\0';
	return e;
}

/* The next word of @*p (advanced past it) and its length; 0 at the end. */
static size_t next_word(const char **p, const char **word)
{
	size_t n;

	*p += strspn(*p, WS);
	*word = *p;
	n = strcspn(*p, WS);
	*p += n;
	return n;
}

static bool word_is(const char *w, size_t n, const char *s)
{
	return n == strlen(s) && strncasecmp(w, s, n) == 0;
}

/* A refclock's refid: its refid option among the words of @l, else the
 * default from the driver @drv (@dn long) and the refclock's @number. */
static void refclock_refid(const char *l, const char *drv, size_t dn,
			   int number, char refid[5])
{
	const char *w;
	size_t n;

	while ((n = next_word(&l, &w)) > 0) {
		if (!word_is(w, n, "refid"))
			continue;
		n = next_word(&l, &w);
		snprintf(refid, 5, "%.*s", (int)(n > 4 ? 4 : n), w);
		return;
	}
	snprintf(refid, 5, "%.*s%d", (int)(dn > 3 ? 3 : dn), drv,
		 number % 10);
}

static void scan_refclock(const char *l, const char *file, int line,
			  struct chronyconf_scan *scan)
{
	struct chronyconf_entry *e = NULL;
	const char *drv, *a;
	size_t dn = next_word(&l, &drv), an = next_word(&l, &a);

	if (dn == 0)
		return;
	if (word_is(drv, dn, "PHC"))
		e = add_entry(scan, CHRONYCONF_REFCLOCK_PHC, file, line, a,
			      strcspn(a, ": \t\r"));
	else if (word_is(drv, dn, "SOCK"))
		e = add_entry(scan, CHRONYCONF_REFCLOCK_SOCK, file, line, a, an);
	else
		e = add_entry(scan, CHRONYCONF_REFCLOCK_OTHER, file, line, drv,
			      dn);
	if (e)
		refclock_refid(l, drv, dn, scan->refclocks, e->refid);
	scan->refclocks++;
}

static void scan_line(const char *l, const char *file, int line,
		      struct chronyconf_scan *scan)
{
	const char *w, *a;
	size_t n, an;

	n = next_word(&l, &w);
	if (n == 0 || strchr("!;#%", w[0]))
		return;
	if (word_is(w, n, "refclock")) {
		scan_refclock(l, file, line, scan);
	} else if (word_is(w, n, "makestep")) {
		l += strspn(l, WS);
		add_entry(scan, CHRONYCONF_MAKESTEP, file, line, l,
			  strcspn(l, "\r"));
	} else if (word_is(w, n, "include")) {
		an = next_word(&l, &a);
		add_entry(scan, CHRONYCONF_INCLUDE, file, line, a, an);
	} else if (word_is(w, n, "confdir")) {
		an = next_word(&l, &a);
		add_entry(scan, CHRONYCONF_CONFDIR, file, line, a, an);
	}
}

void chronyconf_scan_text(const char *text, const char *file,
			  struct chronyconf_scan *scan)
{
	char buf[1024];
	int line = 0;

	while (*text) {
		size_t n = strcspn(text, "\n");
		line++;
		if (n < sizeof(buf)) { /* longer lines are no directive of ours */
			memcpy(buf, text, n);
			buf[n] = '\0';
			scan_line(buf, file, line, scan);
		}
		text += n;
		if (*text == '\n')
			text++;
	}
}

int chronyconf_poll_of_rate(double rate_hz)
{
	int poll;

	if (!(rate_hz > 0.0) || rate_hz >= 1.0)
		return 0;
	poll = (int)lround(log2(1.0 / rate_hz));
	return poll > 6 ? 6 : poll;
}

/* Appends with snprintf's rule: the length it would have, even if cut. */
struct out {
	char *buf;
	size_t len, used;
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->used < o->len ? o->buf + o->used : NULL,
		      o->used < o->len ? o->len - o->used : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->used += (size_t)n;
}

static void put_sources(struct out *o, const struct config *cfg,
			const struct chronyconf_scan *scan)
{
	for (int i = 0; i < cfg->n_sources; i++) {
		const struct source_config *s = &cfg->sources[i];
		int poll = chronyconf_poll_of_rate(s->rate_hz);
		const struct chronyconf_entry *dup = NULL;

		for (int k = 0; k < scan->n && !dup; k++)
			if (scan->e[k].kind == CHRONYCONF_REFCLOCK_SOCK &&
			    strcmp(scan->e[k].arg, s->sock) == 0)
				dup = &scan->e[k];
		put(o, "\n# source %s: %s%s at %g Hz, one chronyd poll every "
		    "%d s\n", s->name, s->interface[0] ? "interface " : "",
		    s->interface[0] ? s->interface : s->device, s->rate_hz,
		    1 << poll);
		if (dup)
			put(o, "# already in %s:%d; do not add it twice\n",
			    dup->file, dup->line);
		put(o, "%srefclock SOCK %s refid %s poll %d%s precision 1e-8%s\n",
		    dup ? "# " : "", s->sock, s->name, poll,
		    poll > 0 ? " filter 1 maxsamples 4" : "",
		    i == 0 ? " prefer trust" : "");
	}
}

/* "THRESHOLD -1": makestep steps at any time, not only at the start. */
static bool limit_is_unlimited(const char *arg)
{
	const char *sp = strpbrk(arg, " \t");

	if (!sp)
		return false;
	sp += strspn(sp, " \t");
	return strncmp(sp, "-1", 2) == 0 && (sp[2] == '\0' || isspace((unsigned char)sp[2]));
}

static void put_makestep(struct out *o, const struct chronyconf_host *host,
			 const struct chronyconf_scan *scan)
{
	if (strcmp(host->hypervisor, "none") == 0)
		return;
	for (int k = 0; k < scan->n; k++) {
		const struct chronyconf_entry *e = &scan->e[k];
		if (e->kind != CHRONYCONF_MAKESTEP)
			continue;
		put(o, "\n# a virtual machine: makestep is set already "
		    "(%s:%d: makestep %s)\n", e->file, e->line, e->arg);
		if (!limit_is_unlimited(e->arg))
			put(o, "# its limit steps only at the first updates; "
			    "-1 would step after a\n# resume or a migration "
			    "too\n");
		return;
	}
	put(o, "\n# a virtual machine: after a resume or a migration the clock "
	    "may be off by\n# seconds; step it whenever it is off by more "
	    "than 1 s, not only at boot\nmakestep 1 -1\n");
}

static void put_competitors(struct out *o, const struct config *cfg,
			    const struct chronyconf_host *host,
			    const struct chronyconf_scan *scan)
{
	for (int k = 0; k < scan->n; k++) {
		const struct chronyconf_entry *e = &scan->e[k];
		if (e->kind != CHRONYCONF_REFCLOCK_PHC ||
		    host->entry_index[k] < 0)
			continue;
		for (int i = 0; i < cfg->n_sources; i++) {
			if (host->phc_index[i] != host->entry_index[k])
				continue;
			put(o, "\n# WARNING: %s:%d reads %s with refclock PHC, "
			    "the PHC (ptp%d) that source %s\n# reads: chronyd "
			    "would take that clock twice, once unfiltered and "
			    "ungated;\n# remove or comment out that line\n",
			    e->file, e->line, e->arg, host->entry_index[k],
			    cfg->sources[i].name);
		}
	}
	if (scan->dropped)
		put(o, "\n# note: %d chrony.conf lines past the first %d were "
		    "not checked\n", scan->dropped, CHRONYCONF_MAX_ENTRIES);
}

size_t chronyconf_render(const struct config *cfg,
			 const struct chronyconf_host *host,
			 const struct chronyconf_scan *scan, char *buf,
			 size_t len)
{
	struct out o = { buf, len, 0 };

	if (len)
		buf[0] = '\0';
	put(&o, "# chrony.conf lines for phcbrokerd's sources in %s\n",
	    cfg->path);
	put(&o, "# host: hypervisor %s (%s)%s%s\n", host->hypervisor,
	    host->detected_by, host->cloud[0] ? ", cloud " : "", host->cloud);
	put_sources(&o, cfg, scan);
	put_makestep(&o, host, scan);
	put_competitors(&o, cfg, host, scan);
	return o.used;
}
