/* test_discover.c: finding PHCs through fixture /dev and sysfs trees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "discover.h"

static char root[64];
static char devdir[128], sysdir[128];

static void mkdirs(const char *path)
{
	char buf[600];
	snprintf(buf, sizeof(buf), "mkdir -p '%s'", path);
	assert_int_equal(system(buf), 0);
}

static void add_clock(int idx, const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/class/ptp/ptp%d", sysdir, idx);
	mkdirs(path);
	strcat(path, "/clock_name");
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", name);
	fclose(f);
}

static int setup(void **state)
{
	snprintf(root, sizeof(root), "/tmp/phcb-discover-XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(devdir, sizeof(devdir), "%s/dev", root);
	snprintf(sysdir, sizeof(sysdir), "%s/sys", root);
	mkdirs(devdir);
	mkdirs(sysdir);
	return 0;
}

static int teardown(void **state)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "rm -rf '%s'", root);
	return system(buf);
}

static void test_no_phc(void **state)
{
	struct discover_roots r = { devdir, sysdir };
	char out[256];
	assert_int_equal(discover_auto(&r, out, sizeof(out)), -ENOENT);
}

static void test_auto_prefers_hypervisor(void **state)
{
	struct discover_roots r = { devdir, sysdir };
	char out[256], want[256];

	add_clock(0, "ixgbe");
	add_clock(3, "ice-0000:51:00.0-clk");
	assert_int_equal(discover_auto(&r, out, sizeof(out)), 0);
	snprintf(want, sizeof(want), "%s/ptp0", devdir);
	assert_string_equal(out, want);
	add_clock(2, "KVM virtual PTP");
	assert_int_equal(discover_auto(&r, out, sizeof(out)), 0);
	snprintf(want, sizeof(want), "%s/ptp2", devdir);
	assert_string_equal(out, want);
	add_clock(11, "hyperv");
	assert_int_equal(discover_auto(&r, out, sizeof(out)), 0);
	snprintf(want, sizeof(want), "%s/ptp11", devdir);
	assert_string_equal(out, want);
	/* VMClock first: it alone announces live migrations */
	add_clock(12, "vmclock3");
	assert_int_equal(discover_auto(&r, out, sizeof(out)), 0);
	snprintf(want, sizeof(want), "%s/ptp12", devdir);
	assert_string_equal(out, want);
}

static void test_vmclock_index(void **state)
{
	assert_int_equal(discover_vmclock_index("vmclock0"), 0);
	assert_int_equal(discover_vmclock_index("vmclock17"), 17);
	assert_int_equal(discover_vmclock_index("vmclock"), -1);
	assert_int_equal(discover_vmclock_index("vmclock1x"), -1);
	assert_int_equal(discover_vmclock_index("hyperv"), -1);
}

static void test_clock_name_through_symlink(void **state)
{
	struct discover_roots r = { devdir, sysdir };
	char link[256], name[64];

	add_clock(1, "hyperv");
	snprintf(link, sizeof(link), "%s/ptp_hyperv", devdir);
	assert_int_equal(symlink("ptp1", link), 0);
	assert_int_equal(discover_clock_name(&r, link, name, sizeof(name)), 0);
	assert_string_equal(name, "hyperv");
	snprintf(link, sizeof(link), "%s/ptp1", devdir);
	assert_int_equal(discover_clock_name(&r, link, name, sizeof(name)), 0);
	assert_string_equal(name, "hyperv");
	assert_int_equal(discover_clock_name(&r, "/dev/null", name,
					     sizeof(name)), -ENOENT);
}

static void test_by_interface(void **state)
{
	struct discover_roots r = { devdir, sysdir };
	char path[512], out[256], want[256];

	snprintf(path, sizeof(path), "%s/class/net/ens1f0/device/ptp/ptp4",
		 sysdir);
	mkdirs(path);
	assert_int_equal(discover_by_interface(&r, "ens1f0", out, sizeof(out)), 0);
	snprintf(want, sizeof(want), "%s/ptp4", devdir);
	assert_string_equal(out, want);
	assert_int_equal(discover_by_interface(&r, "eth9", out, sizeof(out)),
			 -ENOENT);
	assert_int_equal(discover_by_interface(&r, "../x", out, sizeof(out)),
			 -EINVAL);
	snprintf(path, sizeof(path), "%s/class/net/lo/device/ptp", sysdir);
	mkdirs(path);
	assert_int_equal(discover_by_interface(&r, "lo", out, sizeof(out)),
			 -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_phc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auto_prefers_hypervisor, setup, teardown),
		cmocka_unit_test(test_vmclock_index),
		cmocka_unit_test_setup_teardown(test_clock_name_through_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_by_interface, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
