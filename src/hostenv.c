/* hostenv.c: what host phcbrokerd runs on, from the probes' answers and
 * the DMI and PTP class trees of sysfs. Tables, no policy. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostenv.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* systemd's ids of virtual machines; its Virtualization property may
 * name a container instead, which says nothing of the hypervisor. */
static const char *const vm_ids[] = {
	"kvm",	  "amazon", "qemu", "bochs", "xen",   "uml",  "vmware",
	"oracle", "microsoft", "zvm", "parallels", "bhyve", "qnx", "acrn",
	"powervm", "apple", "sre", "google", "vm-other",
};

/* CPUID leaf 0x40000000 vendor signatures, as systemd names them. */
static const struct {
	const char *vendor;
	const char *name;
} cpuid_vendors[] = {
	{ "XenVMMXenVMM", "xen" },    { "KVMKVMKVM", "kvm" },
	{ "Linux KVM Hv", "kvm" },    { "TCGTCGTCGTCG", "qemu" },
	{ "VMwareVMware", "vmware" }, { "Microsoft Hv", "microsoft" },
	{ "bhyve bhyve ", "bhyve" },  { "QNXQVMBSQG", "qnx" },
	{ "ACRNACRNACRN", "acrn" },   { "SRESRESRESRE", "sre" },
};

/* DMI vendor strings (sys_vendor, product_name, board_vendor,
 * bios_vendor, by prefix) that name a hypervisor. */
static const struct {
	const char *prefix;
	const char *name;
} dmi_vendors[] = {
	{ "KVM", "kvm" },	       { "OpenStack", "kvm" },
	{ "KubeVirt", "kvm" },	       { "Amazon EC2", "amazon" },
	{ "QEMU", "qemu" },	       { "VMware", "vmware" },
	{ "VMW", "vmware" },	       { "innotek GmbH", "oracle" },
	{ "VirtualBox", "oracle" },    { "Oracle Corporation", "oracle" },
	{ "Xen", "xen" },	       { "Bochs", "bochs" },
	{ "Parallels", "parallels" },  { "BHYVE", "bhyve" },
	{ "Hyper-V", "microsoft" },    { "Google Compute Engine", "google" },
	{ "Apple Virtualization", "apple" },
};

/* Clouds by DMI: field, exact value or prefix, cloud. */
enum dmi_field { DMI_SYS_VENDOR, DMI_PRODUCT, DMI_BIOS_VENDOR, DMI_ASSET_TAG,
		 DMI_BOARD_VENDOR, DMI_N };
static const char *const dmi_files[DMI_N] = {
	"sys_vendor", "product_name", "bios_vendor", "chassis_asset_tag",
	"board_vendor",
};
static const struct {
	enum dmi_field field;
	const char *prefix;
	const char *cloud;
} dmi_clouds[] = {
	{ DMI_SYS_VENDOR, "Amazon EC2", "aws" },
	{ DMI_BIOS_VENDOR, "Amazon EC2", "aws" },
	/* Azure marks its VMs with this chassis asset tag */
	{ DMI_ASSET_TAG, "7783-7084-3265-9085-8269-3286-77", "azure" },
	{ DMI_PRODUCT, "Google Compute Engine", "gcp" },
	{ DMI_SYS_VENDOR, "Google", "gcp" },
	{ DMI_ASSET_TAG, "OracleCloud.com", "oci" },
	{ DMI_SYS_VENDOR, "Alibaba Cloud", "alibaba" },
	{ DMI_PRODUCT, "Alibaba Cloud ECS", "alibaba" },
	{ DMI_SYS_VENDOR, "DigitalOcean", "digitalocean" },
	{ DMI_SYS_VENDOR, "Hetzner", "hetzner" },
	{ DMI_PRODUCT, "OpenStack", "openstack" },
};

/* The hypervisors' own clocks: clock_name (a prefix where the kernel
 * numbers them), whose, the module, what to do when it is missing. */
static const struct {
	const char *clock_name;
	bool prefix;
	const char *hypervisor; /* NULL: any (VMClock) */
	const char *module;
	const char *hint;
} hv_clocks[] = {
	{ "hyperv", false, "microsoft", "hv_utils",
	  "Hyper-V's clock (/dev/ptp_hyperv) comes from hv_utils with the "
	  "VM's Time Synchronization integration service enabled" },
	{ "KVM virtual PTP", false, "kvm", "ptp_kvm",
	  "load ptp_kvm (phcbroker-ptp-kvm.service does at boot); the host "
	  "must run its clock on the TSC" },
	{ "ptp_vmw", false, "vmware", "ptp_vmw",
	  "load ptp_vmw; the VM needs VMware's precision clock device "
	  "(vSphere 7.0 Update 2 or later)" },
	{ "vmclock", true, NULL, "ptp_vmclock",
	  "load ptp_vmclock (Linux 6.13 or later) where the hypervisor "
	  "offers VMClock" },
};

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool is_vm_id(const char *name)
{
	for (size_t i = 0; i < N_OF(vm_ids); i++)
		if (strcmp(name, vm_ids[i]) == 0)
			return true;
	return false;
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *hostenv_hypervisor_of_cpuid(const char *vendor)
{
	for (size_t i = 0; vendor && i < N_OF(cpuid_vendors); i++)
		if (strncmp(vendor, cpuid_vendors[i].vendor, 12) == 0)
			return cpuid_vendors[i].name;
	return NULL;
}

static const char *hypervisor_of_dmi(char dmi[DMI_N][64])
{
	static const enum dmi_field order[] = { DMI_PRODUCT, DMI_SYS_VENDOR,
						DMI_BOARD_VENDOR,
						DMI_BIOS_VENDOR };

	/* a Hyper-V guest: "Microsoft Corporation" "Virtual Machine" */
	if (strcmp(dmi[DMI_SYS_VENDOR], "Microsoft Corporation") == 0 &&
	    strcmp(dmi[DMI_PRODUCT], "Virtual Machine") == 0)
		return "microsoft";
	for (size_t f = 0; f < N_OF(order); f++)
		for (size_t i = 0; i < N_OF(dmi_vendors); i++)
			if (dmi[order[f]][0] &&
			    starts_with(dmi[order[f]], dmi_vendors[i].prefix))
				return dmi_vendors[i].name;
	return NULL;
}

static const char *cloud_of_dmi(char dmi[DMI_N][64])
{
	for (size_t i = 0; i < N_OF(dmi_clouds); i++)
		if (starts_with(dmi[dmi_clouds[i].field], dmi_clouds[i].prefix))
			return dmi_clouds[i].cloud;
	return "";
}

/* An EC2 metal instance has Amazon's DMI and no hypervisor. */
static bool is_ec2_metal(char dmi[DMI_N][64])
{
	size_t n = strlen(dmi[DMI_PRODUCT]);
	return strcmp(dmi[DMI_SYS_VENDOR], "Amazon EC2") == 0 && n > 6 &&
	       strcmp(dmi[DMI_PRODUCT] + n - 6, ".metal") == 0;
}

/*
 * CPUID's answer: KVM with Hyper-V enlightenments shows Microsoft's leaf
 * first and its own at 0x40000100; KVM in Amazon's or Google's cloud is
 * told by DMI, as systemd does. NULL when CPUID names no hypervisor.
 */
static const char *hypervisor_of_cpuid_pair(const struct hostenv_probes *pr,
					    char dmi[DMI_N][64])
{
	const char *cpu = hostenv_hypervisor_of_cpuid(pr->cpuid_vendor);
	const char *second = hostenv_hypervisor_of_cpuid(pr->cpuid_vendor2);
	const char *d;

	if (!cpu)
		return NULL;
	if (strcmp(cpu, "microsoft") == 0 && second &&
	    strcmp(second, "kvm") == 0)
		cpu = second;
	d = hypervisor_of_dmi(dmi);
	if (strcmp(cpu, "kvm") == 0 && d &&
	    (strcmp(d, "amazon") == 0 || strcmp(d, "google") == 0))
		return d;
	return cpu;
}

static void choose_hypervisor(const struct hostenv_probes *pr,
			      char dmi[DMI_N][64], struct hostenv *out)
{
	const char *name, *by;

	if (pr->configured) {
		name = pr->configured;
		by = "config";
	} else if (pr->systemd_virt &&
		   (!pr->systemd_virt[0] || is_vm_id(pr->systemd_virt))) {
		/* "" is bare metal; a container's name falls through */
		name = pr->systemd_virt[0] ? pr->systemd_virt : "none";
		by = "systemd";
	} else if ((name = hypervisor_of_cpuid_pair(pr, dmi))) {
		by = "cpuid";
	} else if (is_ec2_metal(dmi)) {
		name = "none";
		by = "dmi";
	} else if ((name = hypervisor_of_dmi(dmi))) {
		by = "dmi";
	} else {
		name = "none";
		by = "none";
	}
	snprintf(out->hypervisor, sizeof(out->hypervisor), "%s", name);
	snprintf(out->detected_by, sizeof(out->detected_by), "%s", by);
}

static int hv_clock_of(const char *clock_name)
{
	for (size_t i = 0; i < N_OF(hv_clocks); i++)
		if (hv_clocks[i].prefix
			    ? starts_with(clock_name, hv_clocks[i].clock_name)
			    : strcmp(clock_name, hv_clocks[i].clock_name) == 0)
			return (int)i;
	return -1;
}

/* The network interfaces under a PTP clock's parent device. */
static void list_interfaces(const char *ptpdir, char *out, size_t len)
{
	char path[PATH_MAX + 16];
	struct dirent *e;
	size_t used = 0;
	DIR *d;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/device/net", ptpdir);
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		int n = snprintf(out + used, len - used, "%s%s",
				 used ? "," : "", e->d_name);
		if (n < 0 || (size_t)n >= len - used) {
			out[used] = '\0';
			break;
		}
		used += (size_t)n;
	}
	closedir(d);
}

static void describe_phc(const char *sysfs, int idx, struct hostenv_phc *p)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], target[PATH_MAX];
	ssize_t n;
	int hv;

	memset(p, 0, sizeof(*p));
	p->index = idx;
	snprintf(dir, sizeof(dir), "%s/class/ptp/ptp%d", sysfs, idx);
	snprintf(path, sizeof(path), "%s/clock_name", dir);
	discover_read_attr(path, p->clock_name, sizeof(p->clock_name));
	snprintf(path, sizeof(path), "%s/device/driver", dir);
	n = readlink(path, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = '\0';
		const char *base = strrchr(target, '/');
		snprintf(p->driver, sizeof(p->driver), "%.*s",
			 (int)sizeof(p->driver) - 1, base ? base + 1 : target);
	}
	list_interfaces(dir, p->interfaces, sizeof(p->interfaces));
	hv = hv_clock_of(p->clock_name);
	if (hv >= 0) {
		p->kind = HOSTENV_PHC_HYPERVISOR;
		snprintf(p->of_hypervisor, sizeof(p->of_hypervisor), "%s",
			 hv_clocks[hv].hypervisor ? hv_clocks[hv].hypervisor
						  : "");
	} else if (p->interfaces[0]) {
		p->kind = HOSTENV_PHC_NIC;
	}
}

static int cmp_phc(const void *a, const void *b)
{
	return ((const struct hostenv_phc *)a)->index -
	       ((const struct hostenv_phc *)b)->index;
}

static void list_phcs(const char *sysfs, struct hostenv *out)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "%s/class/ptp", sysfs);
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d)) != NULL && out->n_phcs < HOSTENV_MAX_PHCS) {
		int idx = discover_ptp_index(e->d_name);
		if (idx >= 0)
			describe_phc(sysfs, idx, &out->phcs[out->n_phcs++]);
	}
	closedir(d);
	qsort(out->phcs, (size_t)out->n_phcs, sizeof(out->phcs[0]), cmp_phc);
}

/* The hypervisor's own PHC: expected here? present? its module loaded? */
static void check_expected(const char *sysfs, struct hostenv *out)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < N_OF(hv_clocks); i++) {
		if (!hv_clocks[i].hypervisor ||
		    strcmp(hv_clocks[i].hypervisor, out->hypervisor) != 0)
			continue;
		snprintf(out->expected_clock, sizeof(out->expected_clock), "%s",
			 hv_clocks[i].clock_name);
		snprintf(out->expected_module, sizeof(out->expected_module),
			 "%s", hv_clocks[i].module);
		snprintf(out->hint, sizeof(out->hint), "%s", hv_clocks[i].hint);
		snprintf(path, sizeof(path), "%s/module/%s", sysfs,
			 hv_clocks[i].module);
		out->module_loaded = is_dir(path);
		for (int k = 0; k < out->n_phcs; k++)
			if (hv_clock_of(out->phcs[k].clock_name) == (int)i)
				out->expected_present = true;
		return;
	}
}

void hostenv_detect(const struct discover_roots *roots,
		    const struct hostenv_probes *probes, struct hostenv *out)
{
	char dmi[DMI_N][64];
	char path[PATH_MAX];

	memset(out, 0, sizeof(*out));
	for (int f = 0; f < DMI_N; f++) {
		snprintf(path, sizeof(path), "%s/class/dmi/id/%s",
			 roots->sysfs, dmi_files[f]);
		discover_read_attr(path, dmi[f], sizeof(dmi[f]));
	}
	snprintf(out->sys_vendor, sizeof(out->sys_vendor), "%s",
		 dmi[DMI_SYS_VENDOR]);
	snprintf(out->product_name, sizeof(out->product_name), "%s",
		 dmi[DMI_PRODUCT]);
	choose_hypervisor(probes, dmi, out);
	snprintf(out->cloud, sizeof(out->cloud), "%s", cloud_of_dmi(dmi));
	list_phcs(roots->sysfs, out);
	check_expected(roots->sysfs, out);
}

const char *hostenv_phc_kind_name(enum hostenv_phc_kind k)
{
	switch (k) {
	case HOSTENV_PHC_HYPERVISOR: return "hypervisor";
	case HOSTENV_PHC_NIC: return "nic";
	default: return "other";
	}
}

const struct hostenv_phc *hostenv_find_phc(const struct hostenv *env,
					   int index)
{
	for (int i = 0; i < env->n_phcs; i++)
		if (env->phcs[i].index == index)
			return &env->phcs[i];
	return NULL;
}

void hostenv_summary(const struct hostenv *env, char *buf, size_t len)
{
	size_t used;
	int n;

	n = snprintf(buf, len, "host: hypervisor %s (%s)%s%s, %d PHC%s",
		     env->hypervisor, env->detected_by,
		     env->cloud[0] ? ", cloud " : "", env->cloud, env->n_phcs,
		     env->n_phcs == 1 ? "" : "s");
	used = n < 0 ? 0 : (size_t)n;
	for (int i = 0; i < env->n_phcs && used < len; i++) {
		const struct hostenv_phc *p = &env->phcs[i];
		n = snprintf(buf + used, len - used, "%s ptp%d '%s' %s",
			     i ? ";" : ":", p->index, p->clock_name,
			     hostenv_phc_kind_name(p->kind));
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

bool hostenv_same(const struct hostenv *a, const struct hostenv *b)
{
	if (strcmp(a->hypervisor, b->hypervisor) != 0 ||
	    strcmp(a->cloud, b->cloud) != 0 || a->n_phcs != b->n_phcs ||
	    a->expected_present != b->expected_present)
		return false;
	for (int i = 0; i < a->n_phcs; i++)
		if (a->phcs[i].index != b->phcs[i].index ||
		    strcmp(a->phcs[i].clock_name, b->phcs[i].clock_name) != 0)
			return false;
	return true;
}
