/* test_chrony_conf.c: scanning a host's chrony.conf and rendering the
 * lines phcbrokerd's sources need (--print-chrony-conf). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "chrony_conf.h"
#include "config.h"

static struct config cfg;
static struct chronyconf_scan scan;
static char out[8192];

static void parse(const char *text)
{
	char err[256];
	assert_int_equal(config_parse(text, "/etc/phcbroker/phcbrokerd.conf",
				      &cfg, err, sizeof(err)), 0);
	snprintf(cfg.path, sizeof(cfg.path), "/etc/phcbroker/phcbrokerd.conf");
}

static void test_scan(void **state)
{
	const char *text =
		"# a comment\n"
		"! refclock PHC /dev/ptp9\n"
		"pool 2.debian.pool.ntp.org iburst\n"
		"refclock PHC /dev/ptp0:extpps:pin=1 poll 3 dpoll -2\n"
		"  refclock SOCK /run/chrony.PHC0.sock refid PHC0\n"
		"refclock SHM 0 refid GPS\n"
		"makestep 1.0 3\n"
		"include /etc/chrony/conf.d/*.conf\n"
		"confdir /etc/chrony/conf.d /usr/lib/chrony\n"
		"refclock\n";

	memset(&scan, 0, sizeof(scan));
	chronyconf_scan_text(text, "chrony.conf", &scan);
	assert_int_equal(scan.n, 6);
	assert_int_equal(scan.e[0].kind, CHRONYCONF_REFCLOCK_PHC);
	assert_string_equal(scan.e[0].arg, "/dev/ptp0");
	assert_int_equal(scan.e[0].line, 4);
	assert_string_equal(scan.e[0].file, "chrony.conf");
	assert_int_equal(scan.e[1].kind, CHRONYCONF_REFCLOCK_SOCK);
	assert_string_equal(scan.e[1].arg, "/run/chrony.PHC0.sock");
	assert_int_equal(scan.e[2].kind, CHRONYCONF_REFCLOCK_OTHER);
	assert_string_equal(scan.e[2].arg, "SHM");
	assert_int_equal(scan.e[3].kind, CHRONYCONF_MAKESTEP);
	assert_string_equal(scan.e[3].arg, "1.0 3");
	assert_int_equal(scan.e[4].kind, CHRONYCONF_INCLUDE);
	assert_string_equal(scan.e[4].arg, "/etc/chrony/conf.d/*.conf");
	assert_int_equal(scan.e[5].kind, CHRONYCONF_CONFDIR);
	assert_string_equal(scan.e[5].arg, "/etc/chrony/conf.d");
	/* refids: the option, else chronyd's default by refclock number */
	assert_string_equal(scan.e[0].refid, "PHC0");
	assert_string_equal(scan.e[1].refid, "PHC0");
	assert_string_equal(scan.e[2].refid, "GPS");
	assert_string_equal(scan.e[3].refid, "");
	assert_int_equal(scan.refclocks, 3);
}

/* A refclock's default refid counts every refclock before it, in every
 * file scanned so far. */
static void test_scan_default_refids(void **state)
{
	memset(&scan, 0, sizeof(scan));
	chronyconf_scan_text("refclock SOCK /run/a.sock refid PTP0\n"
			     "refclock SHM 0\n", "a.conf", &scan);
	chronyconf_scan_text("refclock PHC /dev/ptp1 poll 2\n"
			     "refclock PHC /dev/ptp2 refid LONGER\n",
			     "b.conf", &scan);
	assert_int_equal(scan.n, 4);
	assert_string_equal(scan.e[0].refid, "PTP0");
	assert_string_equal(scan.e[1].refid, "SHM1");
	assert_string_equal(scan.e[2].refid, "PHC2");
	assert_string_equal(scan.e[3].refid, "LONG");
}

static void test_scan_bounded(void **state)
{
	char text[CHRONYCONF_MAX_ENTRIES * 40 + 200];
	size_t used = 0;

	for (int i = 0; i < CHRONYCONF_MAX_ENTRIES + 3; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used,
					 "refclock PHC /dev/ptp%d\n", i);
	memset(&scan, 0, sizeof(scan));
	chronyconf_scan_text(text, "big.conf", &scan);
	assert_int_equal(scan.n, CHRONYCONF_MAX_ENTRIES);
	assert_int_equal(scan.dropped, 3);
}

static void test_poll_of_rate(void **state)
{
	assert_int_equal(chronyconf_poll_of_rate(8.0), 0);
	assert_int_equal(chronyconf_poll_of_rate(1.0), 0);
	assert_int_equal(chronyconf_poll_of_rate(0.5), 1);
	assert_int_equal(chronyconf_poll_of_rate(0.25), 2);
	assert_int_equal(chronyconf_poll_of_rate(0.0625), 4);
	assert_int_equal(chronyconf_poll_of_rate(0.001), 6);
}

static void host_init(struct chronyconf_host *h, const char *hv)
{
	memset(h, 0, sizeof(*h));
	h->hypervisor = hv;
	h->detected_by = "systemd";
	h->cloud = "";
	for (int i = 0; i < CONFIG_MAX_SOURCES; i++)
		h->phc_index[i] = -1;
	for (int i = 0; i < CHRONYCONF_MAX_ENTRIES; i++)
		h->entry_index[i] = -1;
}

static void test_render_vm(void **state)
{
	struct chronyconf_host h;

	parse("[source PHC0]\ndevice /dev/ptp0\n"
	      "[source NIC1]\ndevice /dev/ptp1\nsock /run/nic1.sock\n"
	      "rate 0.25Hz\nreadings 25\nreads 4\n");
	memset(&scan, 0, sizeof(scan));
	chronyconf_scan_text("refclock PHC /dev/ptp1 poll 2\n",
			     "/etc/chrony/chrony.conf", &scan);
	host_init(&h, "kvm");
	h.cloud = "gcp";
	h.phc_index[0] = 0;
	h.phc_index[1] = 1;
	h.entry_index[0] = 1;
	chronyconf_render(&cfg, &h, &scan, out, sizeof(out));
	assert_non_null(strstr(out, "# host: hypervisor kvm (systemd), "
				    "cloud gcp\n"));
	assert_non_null(strstr(out, "\nrefclock SOCK /run/chrony.PHC0.sock "
				    "refid PHC0 poll 0 precision 1e-8 "
				    "prefer trust\n"));
	/* one sample per poll at 0.25 Hz, as phcbrokerd.conf(5) recommends */
	assert_non_null(strstr(out, "\nrefclock SOCK /run/nic1.sock refid "
				    "NIC1 poll 2 filter 1 maxsamples 4 "
				    "precision 1e-8\n"));
	assert_non_null(strstr(out, "\nmakestep 1 -1\n"));
	assert_non_null(strstr(out, "# WARNING: /etc/chrony/chrony.conf:1 "
				    "reads /dev/ptp1 with refclock PHC, the "
				    "PHC (ptp1) that source NIC1\n"));
	assert_null(strstr(out, "source PHC0\n# reads"));
}

static void test_render_bare_metal_existing_lines(void **state)
{
	struct chronyconf_host h;

	parse("[source PHC0]\ndevice /dev/ptp0\n");
	memset(&scan, 0, sizeof(scan));
	chronyconf_scan_text("refclock SOCK /run/chrony.PHC0.sock refid PHC0\n"
			     "makestep 1 3\n"
			     "refclock PHC /dev/ptp3\n",
			     "/etc/chrony/conf.d/phcbroker.conf", &scan);
	host_init(&h, "none");
	h.phc_index[0] = 0;
	h.entry_index[2] = 3;
	chronyconf_render(&cfg, &h, &scan, out, sizeof(out));
	/* the drop-in already has the line: shown commented, with where */
	assert_non_null(strstr(out, "# already in /etc/chrony/conf.d/"
				    "phcbroker.conf:1; do not add it twice\n"
				    "# refclock SOCK /run/chrony.PHC0.sock"));
	/* bare metal: no makestep advice; another PHC: no warning */
	assert_null(strstr(out, "makestep"));
	assert_null(strstr(out, "WARNING"));
}

static void test_render_makestep_present_and_cut(void **state)
{
	struct chronyconf_host h;
	char small[64];
	size_t need;

	parse("[source PHC0]\ndevice sim\n");
	memset(&scan, 0, sizeof(scan));
	chronyconf_scan_text("makestep 1.0 3\n", "c.conf", &scan);
	host_init(&h, "microsoft");
	need = chronyconf_render(&cfg, &h, &scan, out, sizeof(out));
	assert_int_equal(need, strlen(out));
	/* a buffer too small: cut, NUL-terminated, the full length told */
	assert_int_equal(chronyconf_render(&cfg, &h, &scan, small,
					   sizeof(small)), need);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_non_null(strstr(out, "makestep is set already (c.conf:1: "
				    "makestep 1.0 3)"));
	assert_null(strstr(out, "\nmakestep 1 -1"));
	assert_non_null(strstr(out, "-1 would step after a\n# resume"));
	/* an unlimited one gets no advice */
	memset(&scan, 0, sizeof(scan));
	chronyconf_scan_text("makestep 0.5 -1\n", "c.conf", &scan);
	chronyconf_render(&cfg, &h, &scan, out, sizeof(out));
	assert_non_null(strstr(out, "makestep 0.5 -1)"));
	assert_null(strstr(out, "would step"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan),
		cmocka_unit_test(test_scan_default_refids),
		cmocka_unit_test(test_scan_bounded),
		cmocka_unit_test(test_poll_of_rate),
		cmocka_unit_test(test_render_vm),
		cmocka_unit_test(test_render_bare_metal_existing_lines),
		cmocka_unit_test(test_render_makestep_present_and_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
