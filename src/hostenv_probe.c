/* hostenv_probe.c: ask systemd (D-Bus) and the CPU (CPUID) which
 * hypervisor this is, then describe the host; log what was found. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "driver.h"
#include "hostenv_probe.h"
#include "log.h"

#define SYSTEMD_BUS_TIMEOUT_US 2000000 /* a start must not hang on D-Bus */

int hostenv_probe_systemd(char *out, size_t len)
{
	sd_bus_error err = SD_BUS_ERROR_NULL;
	sd_bus *bus = NULL;
	char *virt = NULL;
	int r;

	r = sd_bus_open_system(&bus);
	if (r < 0)
		return r;
	(void)sd_bus_set_method_call_timeout(bus, SYSTEMD_BUS_TIMEOUT_US);
	r = sd_bus_get_property_string(bus, "org.freedesktop.systemd1",
				       "/org/freedesktop/systemd1",
				       "org.freedesktop.systemd1.Manager",
				       "Virtualization", &err, &virt);
	sd_bus_error_free(&err);
	sd_bus_flush_close_unref(bus);
	if (r < 0)
		return r;
	snprintf(out, len, "%s", virt);
	free(virt);
	return 0;
}

#if defined(__x86_64__) || defined(__i386__)
static void vendor_of_leaf(unsigned leaf, char out[13])
{
	unsigned a, b, c, d;

	__cpuid(leaf, a, b, c, d);
	memcpy(out, &b, 4);
	memcpy(out + 4, &c, 4);
	memcpy(out + 8, &d, 4);
	out[12] = '\0';
}

int hostenv_probe_cpuid(char vendor[13], char vendor2[13])
{
	unsigned a, b, c, d;

	vendor[0] = vendor2[0] = '\0';
	if (!__get_cpuid(1, &a, &b, &c, &d))
		return -ENOTSUP;
	if (!(c & (1u << 31))) /* the hypervisor-present bit */
		return -ENOENT;
	vendor_of_leaf(0x40000000u, vendor);
	__cpuid(0x40000000u, a, b, c, d);
	/* KVM moves its own leaves to 0x40000100 behind Hyper-V's */
	if (a >= 0x40000100u || strcmp(vendor, "Microsoft Hv") == 0)
		vendor_of_leaf(0x40000100u, vendor2);
	return 0;
}
#else
int hostenv_probe_cpuid(char vendor[13], char vendor2[13])
{
	vendor[0] = vendor2[0] = '\0';
	return -ENOTSUP;
}
#endif

void hostenv_probe(const struct global_config *g, struct hostenv *out)
{
	struct discover_roots roots = { g->dev_root, g->sysfs_root };
	char virt[64], vendor[13], vendor2[13];
	struct hostenv_probes pr = { 0 };

	if (g->hypervisor > 0) {
		pr.configured = config_hypervisors[g->hypervisor];
	} else if (hostenv_probe_systemd(virt, sizeof(virt)) == 0) {
		pr.systemd_virt = virt;
	} else if (hostenv_probe_cpuid(vendor, vendor2) == 0) {
		pr.cpuid_vendor = vendor;
		pr.cpuid_vendor2 = vendor2[0] ? vendor2 : NULL;
	}
	hostenv_detect(&roots, &pr, out);
	hostenv_probe_methods(g->dev_root, out);
}

void hostenv_probe_methods(const char *dev_root, struct hostenv *env)
{
	for (int i = 0; i < env->n_phcs; i++) {
		struct hostenv_phc *p = &env->phcs[i];
		struct phc_info info = { 0 };
		struct phc_dev *dev;
		char path[CONFIG_PATH_MAX + 16];
		struct phc_open_args args = { .path = path, .readings = 1,
					      .fd = -1 };
		int r;

		snprintf(path, sizeof(path), "%s/ptp%d", dev_root, p->index);
		/* under privilege separation this is the parent */
		r = phc_driver_ptp.open(&args, &dev);
		if (r < 0) {
			p->open_error = -r;
			continue;
		}
		phc_driver_ptp.info(dev, &info);
		snprintf(p->method, sizeof(p->method), "%s",
			 phc_method_name(info.method));
		p->cross_timestamping = info.cross_timestamping;
		phc_driver_ptp.close(dev);
	}
}

void hostenv_log(const struct hostenv *env, const struct hostenv *before)
{
	char line[1024];

	if (before && hostenv_same(env, before))
		return;
	hostenv_summary(env, line, sizeof(line));
	log_notice(NULL, "%s", line);
	if (env->expected_clock[0] && !env->expected_present)
		log_warn(NULL, "host: no '%s' PHC on this %s guest (module "
			 "%s %s): %s", env->expected_clock, env->hypervisor,
			 env->expected_module,
			 env->module_loaded ? "loaded" : "not loaded", env->hint);
}
