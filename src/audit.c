/* audit.c: who else disciplines the clock: the findings of one audit, the
 * tables of known competitors, and the checks on what was seen (pure). */
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "chrony_codec.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *const timesyncd_units[] = { "systemd-timesyncd.service",
					       NULL };
static const char *const timesyncd_comms[] = { "systemd-timesyn", NULL };
static const char *const ntpd_units[] = { "ntp.service", "ntpd.service",
					  "ntpsec.service", NULL };
static const char *const ntpd_comms[] = { "ntpd", NULL };
static const char *const openntpd_units[] = { "openntpd.service", NULL };
static const char *const openntpd_comms[] = { "openntpd", NULL };
static const char *const phc2sys_units[] = { "phc2sys.service",
					     "phc2sys@*.service", NULL };
static const char *const phc2sys_comms[] = { "phc2sys", NULL };
static const char *const timemaster_units[] = { "timemaster.service", NULL };
static const char *const timemaster_comms[] = { "timemaster", NULL };
static const char *const htpdate_units[] = { "htpdate.service", NULL };
static const char *const htpdate_comms[] = { "htpdate", NULL };
static const char *const vmtoolsd_units[] = { "vmtoolsd.service",
					      "open-vm-tools.service", NULL };
static const char *const vmtoolsd_comms[] = { "vmtoolsd", NULL };

/* Who sets the system clock besides chronyd. vmtoolsd syncs time only
 * when enabled in the VM's settings, which cannot be read from here. */
static const struct audit_competitor competitors[] = {
	{ "systemd-timesyncd", timesyncd_units, timesyncd_comms, AUDIT_WARNING,
	  "systemd-timesyncd sets the system clock by SNTP besides chronyd" },
	{ "ntpd", ntpd_units, ntpd_comms, AUDIT_WARNING,
	  "ntpd disciplines the system clock besides chronyd" },
	{ "openntpd", openntpd_units, openntpd_comms, AUDIT_WARNING,
	  "OpenNTPD disciplines the system clock besides chronyd" },
	{ "phc2sys", phc2sys_units, phc2sys_comms, AUDIT_WARNING,
	  "phc2sys steers the system clock (or a PHC) besides chronyd" },
	{ "timemaster", timemaster_units, timemaster_comms, AUDIT_WARNING,
	  "timemaster runs its own chronyd/ntpd and phc2sys" },
	{ "htpdate", htpdate_units, htpdate_comms, AUDIT_WARNING,
	  "htpdate sets the system clock from HTTP dates" },
	{ "vmtoolsd", vmtoolsd_units, vmtoolsd_comms, AUDIT_INFO,
	  "VMware Tools can set the clock (periodic time sync, resume); "
	  "check: vmware-toolbox-cmd timesync status" },
};

void audit_init(struct audit_report *r)
{
	r->n = 0;
	r->dropped = 0;
}

const struct audit_finding *audit_find(const struct audit_report *r,
				       const char *kind, const char *subject)
{
	for (int i = 0; i < r->n; i++)
		if (strcmp(r->f[i].kind, kind) == 0 &&
		    strcmp(r->f[i].subject, subject) == 0)
			return &r->f[i];
	return NULL;
}

int audit_add(struct audit_report *r, const char *kind, const char *subject,
	      enum audit_severity severity, const char *fmt, ...)
{
	struct audit_finding *f;
	va_list ap;

	if (audit_find(r, kind, subject))
		return 0;
	if (r->n == AUDIT_MAX_FINDINGS) {
		r->dropped++;
		return -ENOSPC;
	}
	f = &r->f[r->n++];
	snprintf(f->kind, sizeof(f->kind), "%s", kind);
	snprintf(f->subject, sizeof(f->subject), "%s", subject);
	f->severity = severity;
	va_start(ap, fmt);
	vsnprintf(f->detail, sizeof(f->detail), fmt, ap);
	va_end(ap);
	return 0;
}

void audit_remove(struct audit_report *r, const char *kind,
		  const char *subject)
{
	const struct audit_finding *f = audit_find(r, kind, subject);
	size_t i;

	if (!f)
		return;
	i = (size_t)(f - r->f);
	memmove(&r->f[i], &r->f[i + 1],
		(size_t)(r->n - 1 - (int)i) * sizeof(r->f[0]));
	r->n--;
}

int audit_warnings(const struct audit_report *r)
{
	int n = 0;

	for (int i = 0; i < r->n; i++)
		n += r->f[i].severity == AUDIT_WARNING;
	return n;
}

const char *audit_severity_name(enum audit_severity s)
{
	return s == AUDIT_WARNING ? "warning" : "info";
}

void audit_diff(const struct audit_report *before,
		const struct audit_report *after,
		void (*cb)(const struct audit_finding *f, bool appeared,
			   void *ctx),
		void *ctx)
{
	for (int i = 0; i < after->n; i++)
		if (!audit_find(before, after->f[i].kind, after->f[i].subject))
			cb(&after->f[i], true, ctx);
	for (int i = 0; i < before->n; i++)
		if (!audit_find(after, before->f[i].kind, before->f[i].subject))
			cb(&before->f[i], false, ctx);
}

size_t audit_unit_patterns(const char **out, size_t max)
{
	size_t n = 0;

	for (size_t c = 0; c < N_OF(competitors); c++)
		for (const char *const *u = competitors[c].units; *u; u++)
			if (n < max)
				out[n++] = *u;
	return n;
}

static bool listed(const char *const *patterns, const char *name, int flags)
{
	for (; *patterns; patterns++)
		if (fnmatch(*patterns, name, flags) == 0)
			return true;
	return false;
}

const struct audit_competitor *audit_competitor_of_unit(const char *unit)
{
	for (size_t c = 0; c < N_OF(competitors); c++)
		if (listed(competitors[c].units, unit, 0))
			return &competitors[c];
	return NULL;
}

const struct audit_competitor *audit_competitor_of_comm(const char *comm)
{
	for (size_t c = 0; c < N_OF(competitors); c++)
		if (listed(competitors[c].comms, comm, FNM_NOESCAPE))
			return &competitors[c];
	return NULL;
}

/* A unit finding of competitor @c is in @r. */
static bool unit_found(const struct audit_report *r,
		       const struct audit_competitor *c)
{
	for (int i = 0; i < r->n; i++)
		if (strcmp(r->f[i].kind, "unit") == 0 &&
		    audit_competitor_of_unit(r->f[i].subject) == c)
			return true;
	return false;
}

bool audit_add_unit(struct audit_report *r, const char *unit)
{
	const struct audit_competitor *c = audit_competitor_of_unit(unit);

	if (!c)
		return false;
	audit_add(r, "unit", unit, c->severity, "%s (unit active)", c->why);
	return true;
}

bool audit_add_process(struct audit_report *r, const char *comm, long pid)
{
	const struct audit_competitor *c = audit_competitor_of_comm(comm);

	if (!c)
		return false;
	if (!unit_found(r, c))
		audit_add(r, "process", comm, c->severity,
			  "%s (process %ld, not from a unit)", c->why, pid);
	return true;
}

void audit_check_hyperv(struct audit_report *r, bool present, int implicit)
{
	if (!present)
		return;
	if (implicit == 1)
		audit_add(r, "hyperv", "timesync_implicit", AUDIT_WARNING,
			  "Hyper-V TimeSync is on with hv_utils "
			  "timesync_implicit=Y: the host steps the clock "
			  "whenever the guest is behind; disable it or unset "
			  "the parameter");
	else
		audit_add(r, "hyperv", "timesync", AUDIT_INFO,
			  "Hyper-V TimeSync is offered: the host sets the "
			  "clock when the VM resumes or is restored");
}

/* The broker source reading PHC @index, or -1. */
static int source_of_index(const struct audit_broker *b, int index)
{
	for (int i = 0; index >= 0 && i < b->n; i++)
		if (b->phc_index[i] == index)
			return i;
	return -1;
}

static bool broker_feeds(const struct audit_broker *b, const char *path)
{
	for (int i = 0; i < b->n; i++)
		if (b->sock[i] && strcmp(b->sock[i], path) == 0)
			return true;
	return false;
}

static bool broker_names(const struct audit_broker *b, const char *refid)
{
	for (int i = 0; i < b->n; i++)
		if (b->name[i] && strcmp(b->name[i], refid) == 0)
			return true;
	return false;
}

/* chronyd's live sources have a refclock with @refid. */
static bool live_refclock(const struct chronywatch_view *v, const char *refid)
{
	uint32_t id = candm_refid_from_str(refid);

	for (int i = 0; v && i < v->n_sources; i++)
		if (v->sources[i].mode == CANDM_MODE_REFCLOCK &&
		    v->sources[i].ref_id == id)
			return true;
	return false;
}

static bool configured_refid(const struct chronyconf_scan *scan,
			     const char *refid)
{
	for (int k = 0; k < scan->n; k++)
		if (scan->e[k].refid[0] && strcmp(scan->e[k].refid, refid) == 0)
			return true;
	return false;
}

static void check_entry(struct audit_report *r,
			const struct chronyconf_entry *e, int index,
			const struct audit_broker *b,
			const struct chronywatch_view *v)
{
	char where[AUDIT_SUBJECT_MAX];
	int s;

	snprintf(where, sizeof(where), "%.80s:%d", e->file, e->line);
	switch (e->kind) {
	case CHRONYCONF_REFCLOCK_PHC:
		s = source_of_index(b, index);
		if (s >= 0)
			audit_add(r, "chrony", where, AUDIT_WARNING,
				  "refclock PHC %.60s (refid %s%s) reads the "
				  "PHC of source %s: chronyd has two paths "
				  "from one clock",
				  e->arg, e->refid,
				  live_refclock(v, e->refid) ? ", in use"
							     : "",
				  b->name[s]);
		break;
	case CHRONYCONF_REFCLOCK_SOCK:
		if (!broker_feeds(b, e->arg))
			audit_add(r, "chrony", where, AUDIT_INFO,
				  "refclock SOCK %.80s (refid %s) is fed by "
				  "another program", e->arg, e->refid);
		break;
	case CHRONYCONF_REFCLOCK_OTHER:
		if (strcmp(e->arg, "SHM") == 0)
			audit_add(r, "chrony", where, AUDIT_INFO,
				  "refclock SHM (refid %s): another program "
				  "(phc2sys -E ntpshm, gpsd) feeds chronyd",
				  e->refid);
		break;
	default:
		break;
	}
}

void audit_check_chrony(struct audit_report *r,
			const struct chronyconf_scan *scan,
			const int *entry_index, const struct audit_broker *b,
			const struct chronywatch_view *v)
{
	char refid[5];

	for (int k = 0; k < scan->n; k++)
		check_entry(r, &scan->e[k], entry_index[k], b, v);
	for (int i = 0; v && i < v->n_sources; i++) {
		if (v->sources[i].mode != CANDM_MODE_REFCLOCK)
			continue;
		candm_refid_str(v->sources[i].ref_id, refid);
		if (!broker_names(b, refid) && !configured_refid(scan, refid))
			audit_add(r, "chrony", refid, AUDIT_INFO,
				  "chronyd has a refclock %s that phcbrokerd "
				  "does not feed and %s does not explain",
				  refid, scan->n ? "chrony.conf" : "no file");
	}
}

enum audit_step_verdict audit_judge_step(double before_ns, double after_ns,
					 double threshold_ns)
{
	if (!(fabs(after_ns - before_ns) >= threshold_ns))
		return AUDIT_STEP_NONE;
	return fabs(after_ns) > fabs(before_ns) ? AUDIT_STEP_AWAY
						: AUDIT_STEP_TOWARD;
}
