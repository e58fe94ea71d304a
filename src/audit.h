/* audit.h: who else disciplines the clock: the findings of one audit, the
 * tables of known competitors, and the checks on what was seen (pure). */
#ifndef PHCB_AUDIT_H
#define PHCB_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chrony_conf.h"
#include "chrony_view.h"
#include "config.h"

#define AUDIT_MAX_FINDINGS 24 /* + nothing else: within CTL_MAX_RECORDS */
#define AUDIT_KIND_MAX 16
#define AUDIT_SUBJECT_MAX 96
#define AUDIT_DETAIL_MAX 200

/* How much a finding matters: a warning makes GET STATUS unhealthy. */
enum audit_severity {
	AUDIT_INFO = 0, /* worth knowing, may be intended */
	AUDIT_WARNING,	/* something else steers the clock, or will */
};

/* One thing found. Its identity is kind + subject. */
struct audit_finding {
	char kind[AUDIT_KIND_MAX];	 /* "unit", "process", "hyperv",
					    "chrony", "step" */
	char subject[AUDIT_SUBJECT_MAX]; /* unit, process, file:line, ... */
	enum audit_severity severity;
	char detail[AUDIT_DETAIL_MAX];	 /* what it is and why it matters */
};

/* The findings of one audit. */
struct audit_report {
	int n;
	int dropped; /* findings past AUDIT_MAX_FINDINGS */
	struct audit_finding f[AUDIT_MAX_FINDINGS];
};

/* A program known to discipline the system clock. */
struct audit_competitor {
	const char *name;		/* e.g. "systemd-timesyncd" */
	const char *const *units;	/* fnmatch patterns, NULL-terminated */
	const char *const *comms;	/* process names, NULL-terminated */
	enum audit_severity severity;
	const char *why;		/* the finding's detail */
};

/** audit_init - an empty report. */
void audit_init(struct audit_report *r);

/**
 * audit_add - add a finding (its detail formatted from @fmt); a second
 * finding with the same kind and subject is ignored. Returns 0, or
 * -ENOSPC when the report is full (counted in @r->dropped).
 */
int audit_add(struct audit_report *r, const char *kind, const char *subject,
	      enum audit_severity severity, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/** audit_find - the finding with @kind and @subject, or NULL. */
const struct audit_finding *audit_find(const struct audit_report *r,
				       const char *kind, const char *subject);

/** audit_remove - drop the finding with @kind and @subject, if any. */
void audit_remove(struct audit_report *r, const char *kind,
		  const char *subject);

/** audit_warnings - how many findings of @r are warnings. */
int audit_warnings(const struct audit_report *r);

/** audit_severity_name - "info" or "warning". */
const char *audit_severity_name(enum audit_severity s);

/**
 * audit_diff - call @cb for each finding of @after not in @before
 * (appeared true) and each of @before not in @after (appeared false).
 */
void audit_diff(const struct audit_report *before,
		const struct audit_report *after,
		void (*cb)(const struct audit_finding *f, bool appeared,
			   void *ctx),
		void *ctx);

/**
 * audit_unit_patterns - the unit name patterns of every competitor, for
 * systemd's ListUnitsByPatterns; at most @max into @out. Returns the count.
 */
size_t audit_unit_patterns(const char **out, size_t max);

/** audit_competitor_of_unit - the competitor a unit name is, or NULL. */
const struct audit_competitor *audit_competitor_of_unit(const char *unit);

/** audit_competitor_of_comm - the competitor a process name is, or NULL. */
const struct audit_competitor *audit_competitor_of_comm(const char *comm);

/**
 * audit_add_unit - an active unit named @unit: a finding if it is a
 * competitor's. Returns true if it was one.
 */
bool audit_add_unit(struct audit_report *r, const char *unit);

/**
 * audit_add_process - a running process @comm with @pid: a finding if it
 * is a competitor's and no unit of the same competitor was found already
 * (add units first). Returns true if it was one.
 */
bool audit_add_process(struct audit_report *r, const char *comm, long pid);

/**
 * audit_check_hyperv - Hyper-V's TimeSync integration service: @present,
 * the VMBus offers it; @implicit, hv_utils' timesync_implicit parameter
 * (1 on, 0 off, -1 unknown). Present, the host sets the clock when the VM
 * resumes (info); with timesync_implicit it also steps it whenever the
 * guest is behind (warning).
 */
void audit_check_hyperv(struct audit_report *r, bool present, int implicit);

/* What the broker reads and feeds, for the chrony checks. */
struct audit_broker {
	int n;				   /* sources */
	const char *name[CONFIG_MAX_SOURCES];  /* refid */
	const char *sock[CONFIG_MAX_SOURCES];  /* feed socket path */
	int phc_index[CONFIG_MAX_SOURCES];     /* N of /dev/ptpN, -1 */
};

/**
 * audit_check_chrony - compare chronyd's configuration (@scan, with
 * @entry_index[k] the PHC index of entry k's device, -1) and its live
 * sources (@v, NULL when not watched) with what the broker reads:
 * a refclock PHC on a broker source's PHC is a warning (two paths from
 * one clock, chronyd may combine or flip between them); a refclock SHM,
 * a refclock SOCK the broker does not feed and a live refclock that no
 * configuration line explains are infos.
 */
void audit_check_chrony(struct audit_report *r,
			const struct chronyconf_scan *scan,
			const int *entry_index, const struct audit_broker *b,
			const struct chronywatch_view *v);

/* A step of the system clock as the broker saw it. */
enum audit_step_verdict {
	AUDIT_STEP_NONE = 0, /* too small to judge */
	AUDIT_STEP_TOWARD,   /* it brought the clock toward the PHC */
	AUDIT_STEP_AWAY,     /* it took the clock away from the PHC */
};

/**
 * audit_judge_step - the system clock was set between two samples whose
 * PHC - system offsets are @before_ns and @after_ns. A step of at least
 * @threshold_ns that leaves the clock farther from a PHC chronyd follows
 * than it was is not chronyd's doing: AUDIT_STEP_AWAY.
 */
enum audit_step_verdict audit_judge_step(double before_ns, double after_ns,
					 double threshold_ns);

#endif
