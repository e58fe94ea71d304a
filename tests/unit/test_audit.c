/* test_audit.c: the audit of competing clock disciplines: findings and
 * their diff, the competitor tables, the chrony and Hyper-V checks, and
 * the judgement of a step of the system clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "audit.h"
#include "chrony_codec.h"

static struct audit_report rep;

static void test_add_find_dedup(void **state)
{
	audit_init(&rep);
	assert_int_equal(audit_add(&rep, "unit", "ntp.service", AUDIT_WARNING,
				   "x %d", 1), 0);
	assert_int_equal(audit_add(&rep, "unit", "ntp.service", AUDIT_INFO,
				   "again"), 0);
	assert_int_equal(rep.n, 1);
	assert_string_equal(audit_find(&rep, "unit", "ntp.service")->detail,
			    "x 1");
	assert_null(audit_find(&rep, "process", "ntp.service"));
	for (int i = 0; i < AUDIT_MAX_FINDINGS + 3; i++) {
		char subject[16];
		snprintf(subject, sizeof(subject), "s%d", i);
		audit_add(&rep, "process", subject, AUDIT_INFO, "-");
	}
	assert_int_equal(rep.n, AUDIT_MAX_FINDINGS);
	assert_int_equal(rep.dropped, 4);
	assert_int_equal(audit_warnings(&rep), 1);
	/* removed: the others keep their order */
	audit_remove(&rep, "unit", "ntp.service");
	audit_remove(&rep, "unit", "no.such");
	assert_int_equal(rep.n, AUDIT_MAX_FINDINGS - 1);
	assert_null(audit_find(&rep, "unit", "ntp.service"));
	assert_string_equal(rep.f[0].subject, "s0");
	assert_int_equal(audit_warnings(&rep), 0);
}

struct seen {
	char what[8][128];
	int n;
};

static void note(const struct audit_finding *f, bool appeared, void *ctx)
{
	struct seen *s = ctx;
	snprintf(s->what[s->n++], 128, "%c%s/%s", appeared ? '+' : '-', f->kind,
		 f->subject);
}

static void test_diff(void **state)
{
	static struct audit_report a, b;
	struct seen s = { .n = 0 };

	audit_init(&a);
	audit_init(&b);
	audit_add(&a, "unit", "ntp.service", AUDIT_WARNING, "-");
	audit_add(&a, "process", "phc2sys", AUDIT_WARNING, "-");
	audit_add(&b, "process", "phc2sys", AUDIT_WARNING, "changed detail");
	audit_add(&b, "hyperv", "timesync", AUDIT_INFO, "-");
	audit_diff(&a, &b, note, &s);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.what[0], "+hyperv/timesync");
	assert_string_equal(s.what[1], "-unit/ntp.service");
}

static void test_tables(void **state)
{
	const char *p[32];
	size_t n = audit_unit_patterns(p, 32);

	assert_true(n >= 8);
	assert_string_equal(audit_competitor_of_unit("phc2sys@ens1f0.service")
				    ->name, "phc2sys");
	assert_string_equal(audit_competitor_of_unit("ntpsec.service")->name,
			    "ntpd");
	assert_null(audit_competitor_of_unit("chrony.service"));
	assert_null(audit_competitor_of_unit("ptp4l.service"));
	/* comm is cut at 15 characters by the kernel */
	assert_string_equal(audit_competitor_of_comm("systemd-timesyn")->name,
			    "systemd-timesyncd");
	assert_null(audit_competitor_of_comm("chronyd"));
	assert_null(audit_competitor_of_comm("phcbrokerd"));
	assert_int_equal(audit_unit_patterns(p, 2), 2);
}

/* A process of a competitor whose unit was found is the unit's. */
static void test_process_after_unit(void **state)
{
	audit_init(&rep);
	assert_true(audit_add_unit(&rep, "phc2sys@ens1.service"));
	assert_false(audit_add_unit(&rep, "sshd.service"));
	assert_true(audit_add_process(&rep, "phc2sys", 42));
	assert_true(audit_add_process(&rep, "ntpd", 43));
	assert_false(audit_add_process(&rep, "bash", 44));
	assert_int_equal(rep.n, 2);
	assert_non_null(audit_find(&rep, "unit", "phc2sys@ens1.service"));
	assert_null(audit_find(&rep, "process", "phc2sys"));
	assert_non_null(strstr(audit_find(&rep, "process", "ntpd")->detail,
			       "process 43"));
	/* vmtoolsd: its time sync cannot be seen from here, an info */
	audit_add_process(&rep, "vmtoolsd", 45);
	assert_int_equal(audit_find(&rep, "process", "vmtoolsd")->severity,
			 AUDIT_INFO);
	assert_int_equal(audit_warnings(&rep), 2);
}

static void test_hyperv(void **state)
{
	audit_init(&rep);
	audit_check_hyperv(&rep, false, 1);
	assert_int_equal(rep.n, 0);
	audit_check_hyperv(&rep, true, 0);
	assert_int_equal(audit_find(&rep, "hyperv", "timesync")->severity,
			 AUDIT_INFO);
	audit_init(&rep);
	audit_check_hyperv(&rep, true, 1);
	assert_int_equal(
		audit_find(&rep, "hyperv", "timesync_implicit")->severity,
		AUDIT_WARNING);
	assert_null(audit_find(&rep, "hyperv", "timesync"));
}

static void add_entry(struct chronyconf_scan *s, enum chronyconf_kind kind,
		      int line, const char *arg, const char *refid)
{
	struct chronyconf_entry *e = &s->e[s->n++];
	e->kind = kind;
	snprintf(e->file, sizeof(e->file), "/etc/chrony/chrony.conf");
	e->line = line;
	snprintf(e->arg, sizeof(e->arg), "%s", arg);
	snprintf(e->refid, sizeof(e->refid), "%s", refid);
}

static void test_chrony(void **state)
{
	static struct chronyconf_scan scan;
	static struct chronywatch_view v;
	struct audit_broker b = { .n = 1,
				  .name = { "PTP0" },
				  .sock = { "/run/chrony.PTP0.sock" },
				  .phc_index = { 2 } };
	int index[] = { 2, 3, -1, -1, -1 };
	const struct audit_finding *f;

	memset(&scan, 0, sizeof(scan));
	add_entry(&scan, CHRONYCONF_REFCLOCK_PHC, 3, "/dev/ptp_hyperv", "PHC0");
	add_entry(&scan, CHRONYCONF_REFCLOCK_PHC, 4, "/dev/ptp3", "PHC1");
	add_entry(&scan, CHRONYCONF_REFCLOCK_SOCK, 5, "/run/chrony.PTP0.sock",
		  "PTP0");
	add_entry(&scan, CHRONYCONF_REFCLOCK_SOCK, 6, "/run/gpsd.sock", "GPS");
	add_entry(&scan, CHRONYCONF_REFCLOCK_OTHER, 7, "SHM", "SHM4");
	memset(&v, 0, sizeof(v));
	v.n_sources = 3;
	v.sources[0].mode = CANDM_MODE_REFCLOCK;
	v.sources[0].ref_id = candm_refid_from_str("PHC0");
	v.sources[1].mode = CANDM_MODE_REFCLOCK;
	v.sources[1].ref_id = candm_refid_from_str("XTRA");
	v.sources[2].mode = CANDM_MODE_CLIENT;
	v.sources[2].ref_id = 0;

	audit_init(&rep);
	audit_check_chrony(&rep, &scan, index, &b, &v);
	/* the PHC line on the broker's clock, live in chronyd */
	f = audit_find(&rep, "chrony", "/etc/chrony/chrony.conf:3");
	assert_non_null(f);
	assert_int_equal(f->severity, AUDIT_WARNING);
	assert_non_null(strstr(f->detail, "refid PHC0, in use"));
	assert_non_null(strstr(f->detail, "source PTP0"));
	/* another PHC, the broker's own SOCK: nothing */
	assert_null(audit_find(&rep, "chrony", "/etc/chrony/chrony.conf:4"));
	assert_null(audit_find(&rep, "chrony", "/etc/chrony/chrony.conf:5"));
	/* a foreign SOCK, an SHM, a live refclock nothing explains: infos */
	assert_int_equal(
		audit_find(&rep, "chrony", "/etc/chrony/chrony.conf:6")->severity,
		AUDIT_INFO);
	assert_int_equal(
		audit_find(&rep, "chrony", "/etc/chrony/chrony.conf:7")->severity,
		AUDIT_INFO);
	assert_non_null(audit_find(&rep, "chrony", "XTRA"));
	assert_null(audit_find(&rep, "chrony", "PHC0"));
	assert_int_equal(rep.n, 4);
	assert_int_equal(audit_warnings(&rep), 1);

	/* not live in chronyd (not watched): still a warning, not "in use" */
	audit_init(&rep);
	audit_check_chrony(&rep, &scan, index, &b, NULL);
	f = audit_find(&rep, "chrony", "/etc/chrony/chrony.conf:3");
	assert_null(strstr(f->detail, "in use"));
	assert_null(audit_find(&rep, "chrony", "XTRA"));
}

static void test_judge_step(void **state)
{
	/* chronyd stepped toward the PHC: 50 ms off, then 10 us */
	assert_int_equal(audit_judge_step(50e6, 10e3, 1e6), AUDIT_STEP_TOWARD);
	/* someone stepped the clock 20 ms away from a PHC it followed */
	assert_int_equal(audit_judge_step(100, -20e6, 1e6), AUDIT_STEP_AWAY);
	assert_int_equal(audit_judge_step(-100, 20e6, 1e6), AUDIT_STEP_AWAY);
	/* below the threshold: no judgement */
	assert_int_equal(audit_judge_step(100, 500e3, 1e6), AUDIT_STEP_NONE);
	assert_int_equal(audit_judge_step(0.0 / 0.0, 5e6, 1e6),
			 AUDIT_STEP_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_find_dedup),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_process_after_unit),
		cmocka_unit_test(test_hyperv),
		cmocka_unit_test(test_chrony),
		cmocka_unit_test(test_judge_step),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
