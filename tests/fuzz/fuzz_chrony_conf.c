/* fuzz_chrony_conf.c: libFuzzer target of the chrony.conf scan and the
 * rendering of --print-chrony-conf from what it found. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chrony_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct chronyconf_scan scan;
	static struct config cfg;
	static char out[16384];
	struct chronyconf_host host = { .hypervisor = "kvm",
					.detected_by = "cpuid", .cloud = "" };
	char *text = malloc(size + 1);
	char err[256];
	size_t n;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&scan, 0, sizeof(scan));
	chronyconf_scan_text(text, "fuzz.conf", &scan);
	if (scan.n < 0 || scan.n > CHRONYCONF_MAX_ENTRIES)
		abort();
	for (int k = 0; k < scan.n; k++) {
		if (scan.e[k].line < 1 || memchr(scan.e[k].arg, '\0',
						 sizeof(scan.e[k].arg)) == NULL)
			abort();
		/* a PHC entry's index as print_chrony_conf maps it */
		host.entry_index[k] = k % 3 == 0 ? 0 : -1;
	}
	if (config_parse("[source PHC0]\ndevice /dev/ptp0\n"
			 "[source B]\nrate 0.25Hz\n",
			 "fuzz.conf", &cfg, err, sizeof(err)) < 0)
		abort();
	host.phc_index[0] = 0;
	host.phc_index[1] = -1;
	n = chronyconf_render(&cfg, &host, &scan, out, sizeof(out));
	if (n < sizeof(out) && strlen(out) != n)
		abort();
	if (strlen(out) >= sizeof(out))
		abort();
	free(text);
	return 0;
}
