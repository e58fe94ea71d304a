/* test_hostenv.c: the host's description from fixture DMI and PTP class
 * trees (Hyper-V, KVM, VMware, Xen, AWS Nitro, bare metal) and probes. */
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

#include "hostenv.h"

static char root[64], sysdir[128], devdir[128];

static void mkdirs(const char *path)
{
	char buf[600];
	snprintf(buf, sizeof(buf), "mkdir -p '%s'", path);
	assert_int_equal(system(buf), 0);
}

/* <sys>/REL = VALUE, directories made as needed. */
static void put(const char *rel, const char *value)
{
	char path[512], dir[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", sysdir, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	mkdirs(dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", value);
	fclose(f);
}

static void dmi(const char *vendor, const char *product, const char *tag)
{
	put("class/dmi/id/sys_vendor", vendor);
	put("class/dmi/id/product_name", product);
	if (tag)
		put("class/dmi/id/chassis_asset_tag", tag);
}

static void clock_at(int idx, const char *name)
{
	char rel[128];
	snprintf(rel, sizeof(rel), "class/ptp/ptp%d/clock_name", idx);
	put(rel, name);
}

/* A NIC's PHC: its parent device bound to @driver, with @ifname. */
static void nic_clock(int idx, const char *name, const char *driver,
		      const char *ifname)
{
	char path[512], target[512];

	clock_at(idx, name);
	snprintf(path, sizeof(path), "%s/bus/pci/drivers/%s", sysdir, driver);
	mkdirs(path);
	snprintf(path, sizeof(path), "%s/class/ptp/ptp%d/device/net/%s",
		 sysdir, idx, ifname);
	mkdirs(path);
	snprintf(path, sizeof(path), "%s/class/ptp/ptp%d/device/driver",
		 sysdir, idx);
	snprintf(target, sizeof(target), "%s/bus/pci/drivers/%s", sysdir,
		 driver);
	unlink(path);
	assert_int_equal(symlink(target, path), 0);
}

static void module(const char *name)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/module/%s", sysdir, name);
	mkdirs(path);
}

static int setup(void **state)
{
	snprintf(root, sizeof(root), "/tmp/phcb-hostenv-XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(sysdir, sizeof(sysdir), "%s/sys", root);
	snprintf(devdir, sizeof(devdir), "%s/dev", root);
	mkdirs(sysdir);
	mkdirs(devdir);
	return 0;
}

static int teardown(void **state)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "rm -rf '%s'", root);
	return system(buf);
}

static void detect(const struct hostenv_probes *pr, struct hostenv *e)
{
	struct discover_roots r = { devdir, sysdir };
	hostenv_detect(&r, pr, e);
}

static void test_hyperv_azure(void **state)
{
	struct hostenv_probes none = { 0 };
	struct hostenv_probes cpu = { .cpuid_vendor = "Microsoft Hv" };
	struct hostenv e;

	dmi("Microsoft Corporation", "Virtual Machine",
	    "7783-7084-3265-9085-8269-3286-77");
	detect(&none, &e);
	assert_string_equal(e.hypervisor, "microsoft");
	assert_string_equal(e.detected_by, "dmi");
	assert_string_equal(e.cloud, "azure");
	assert_string_equal(e.expected_clock, "hyperv");
	assert_false(e.expected_present);
	assert_false(e.module_loaded);
	assert_non_null(strstr(e.hint, "hv_utils"));

	clock_at(0, "hyperv");
	module("hv_utils");
	detect(&cpu, &e);
	assert_string_equal(e.detected_by, "cpuid");
	assert_string_equal(e.hypervisor, "microsoft");
	assert_int_equal(e.n_phcs, 1);
	assert_int_equal(e.phcs[0].kind, HOSTENV_PHC_HYPERVISOR);
	assert_string_equal(e.phcs[0].of_hypervisor, "microsoft");
	assert_true(e.expected_present);
	assert_true(e.module_loaded);
}

static void test_kvm_without_ptp_kvm(void **state)
{
	struct hostenv_probes pr = { .cpuid_vendor = "KVMKVMKVM\0\0\0" };
	struct hostenv e;
	char line[512];

	dmi("QEMU", "Standard PC (Q35 + ICH9, 2009)", NULL);
	detect(&pr, &e);
	assert_string_equal(e.hypervisor, "kvm");
	assert_string_equal(e.cloud, "");
	assert_string_equal(e.expected_clock, "KVM virtual PTP");
	assert_string_equal(e.expected_module, "ptp_kvm");
	assert_false(e.expected_present);
	assert_non_null(strstr(e.hint, "ptp_kvm"));

	clock_at(2, "KVM virtual PTP");
	module("ptp_kvm");
	detect(&pr, &e);
	assert_true(e.expected_present);
	assert_true(e.module_loaded);
	assert_int_equal(e.phcs[0].index, 2);
	hostenv_summary(&e, line, sizeof(line));
	assert_string_equal(line, "host: hypervisor kvm (cpuid), 1 PHC: "
				  "ptp2 'KVM virtual PTP' hypervisor");
}

/* KVM with Hyper-V enlightenments: leaf 0x40000000 says Microsoft. */
static void test_kvm_behind_hyperv_enlightenments(void **state)
{
	struct hostenv_probes pr = { .cpuid_vendor = "Microsoft Hv",
				     .cpuid_vendor2 = "KVMKVMKVM\0\0\0" };
	struct hostenv e;

	dmi("QEMU", "Standard PC (i440FX + PIIX, 1996)", NULL);
	detect(&pr, &e);
	assert_string_equal(e.hypervisor, "kvm");
	assert_string_equal(e.expected_clock, "KVM virtual PTP");
}

static void test_vmware_by_systemd(void **state)
{
	struct hostenv_probes pr = { .systemd_virt = "vmware",
				     .cpuid_vendor = "KVMKVMKVM\0\0\0" };
	struct hostenv e;

	dmi("VMware, Inc.", "VMware7,1", NULL);
	clock_at(0, "ptp_vmw");
	detect(&pr, &e);
	assert_string_equal(e.hypervisor, "vmware");
	assert_string_equal(e.detected_by, "systemd");
	assert_true(e.expected_present);
	assert_int_equal(e.phcs[0].kind, HOSTENV_PHC_HYPERVISOR);
	assert_string_equal(e.phcs[0].of_hypervisor, "vmware");
}

static void test_xen_has_no_clock_of_its_own(void **state)
{
	struct hostenv_probes pr = { .cpuid_vendor = "XenVMMXenVMM" };
	struct hostenv e;

	dmi("Xen", "HVM domU", NULL);
	detect(&pr, &e);
	assert_string_equal(e.hypervisor, "xen");
	assert_string_equal(e.expected_clock, "");
	assert_string_equal(e.hint, "");
}

static void test_aws_nitro(void **state)
{
	struct hostenv_probes pr = { .cpuid_vendor = "KVMKVMKVM\0\0\0" };
	struct hostenv e;

	dmi("Amazon EC2", "c6i.large", NULL);
	put("class/dmi/id/bios_vendor", "Amazon EC2");
	nic_clock(0, "ena-ptp-00", "ena", "ens5");
	detect(&pr, &e);
	/* KVM underneath, Amazon's by its DMI, as systemd says */
	assert_string_equal(e.hypervisor, "amazon");
	assert_string_equal(e.cloud, "aws");
	assert_string_equal(e.expected_clock, "");
	assert_int_equal(e.n_phcs, 1);
	assert_int_equal(e.phcs[0].kind, HOSTENV_PHC_NIC);
	assert_string_equal(e.phcs[0].driver, "ena");
	assert_string_equal(e.phcs[0].interfaces, "ens5");
}

static void test_aws_metal_is_bare_metal(void **state)
{
	struct hostenv_probes pr = { 0 };
	struct hostenv e;

	dmi("Amazon EC2", "c5.metal", NULL);
	detect(&pr, &e);
	assert_string_equal(e.hypervisor, "none");
	assert_string_equal(e.detected_by, "dmi");
	assert_string_equal(e.cloud, "aws");
}

static void test_bare_metal_nics(void **state)
{
	struct hostenv_probes pr = { 0 };
	struct hostenv e;
	char line[512];

	dmi("Dell Inc.", "PowerEdge R750", NULL);
	nic_clock(1, "ice-0000:51:00.0-clk", "ice", "ens1f0");
	nic_clock(0, "mlx5_ptp", "mlx5_core", "ens2f0np0");
	clock_at(4, "some_other_clock");
	detect(&pr, &e);
	assert_string_equal(e.hypervisor, "none");
	assert_string_equal(e.detected_by, "none");
	assert_string_equal(e.cloud, "");
	assert_string_equal(e.expected_clock, "");
	assert_int_equal(e.n_phcs, 3);
	/* sorted by index */
	assert_int_equal(e.phcs[0].index, 0);
	assert_string_equal(e.phcs[0].driver, "mlx5_core");
	assert_int_equal(e.phcs[1].index, 1);
	assert_string_equal(e.phcs[1].interfaces, "ens1f0");
	assert_int_equal(e.phcs[2].kind, HOSTENV_PHC_OTHER);
	assert_string_equal(e.phcs[2].driver, "");
	assert_non_null(hostenv_find_phc(&e, 4));
	assert_null(hostenv_find_phc(&e, 3));
	hostenv_summary(&e, line, sizeof(line));
	assert_string_equal(line, "host: hypervisor none (none), 3 PHCs: "
				  "ptp0 'mlx5_ptp' nic; ptp1 "
				  "'ice-0000:51:00.0-clk' nic; ptp4 "
				  "'some_other_clock' other");
}

static void test_precedence(void **state)
{
	struct hostenv_probes cfg = { .configured = "kvm",
				      .systemd_virt = "microsoft" };
	struct hostenv_probes sd_none = { .systemd_virt = "",
					  .cpuid_vendor = "KVMKVMKVM\0\0\0" };
	struct hostenv e;

	dmi("Microsoft Corporation", "Virtual Machine", NULL);
	detect(&cfg, &e);
	assert_string_equal(e.hypervisor, "kvm");
	assert_string_equal(e.detected_by, "config");
	/* systemd's "" is its answer for bare metal: it wins over CPUID */
	detect(&sd_none, &e);
	assert_string_equal(e.hypervisor, "none");
	assert_string_equal(e.detected_by, "systemd");
	/* in a container systemd names the container: CPUID decides */
	sd_none.systemd_virt = "docker";
	detect(&sd_none, &e);
	assert_string_equal(e.hypervisor, "kvm");
	assert_string_equal(e.detected_by, "cpuid");
}

static void test_vmclock_is_any_hypervisors(void **state)
{
	struct hostenv_probes pr = { .systemd_virt = "amazon" };
	struct hostenv e;

	clock_at(3, "vmclock0");
	detect(&pr, &e);
	assert_int_equal(e.phcs[0].kind, HOSTENV_PHC_HYPERVISOR);
	assert_string_equal(e.phcs[0].of_hypervisor, "");
}

static void test_cpuid_names(void **state)
{
	assert_string_equal(hostenv_hypervisor_of_cpuid("VMwareVMware"),
			    "vmware");
	assert_string_equal(hostenv_hypervisor_of_cpuid("TCGTCGTCGTCG"),
			    "qemu");
	assert_null(hostenv_hypervisor_of_cpuid("GenuineIntel"));
	assert_null(hostenv_hypervisor_of_cpuid(NULL));
}

static void test_same(void **state)
{
	struct hostenv_probes pr = { .systemd_virt = "kvm" };
	struct hostenv a, b;

	detect(&pr, &a);
	detect(&pr, &b);
	assert_true(hostenv_same(&a, &b));
	clock_at(0, "KVM virtual PTP");
	detect(&pr, &b);
	assert_false(hostenv_same(&a, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hyperv_azure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kvm_without_ptp_kvm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kvm_behind_hyperv_enlightenments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vmware_by_systemd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_has_no_clock_of_its_own, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aws_nitro, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aws_metal_is_bare_metal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bare_metal_nics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_precedence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vmclock_is_any_hypervisors, setup, teardown),
		cmocka_unit_test(test_cpuid_names),
		cmocka_unit_test_setup_teardown(test_same, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
