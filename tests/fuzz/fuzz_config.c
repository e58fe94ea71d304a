/* fuzz_config.c: libFuzzer target of the configuration parser. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config cfg;
	char err[512];
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (config_parse(text, "fuzz.conf", &cfg, err, sizeof(err)) < 0) {
		/* every refusal names the file and a line */
		if (strncmp(err, "fuzz.conf:", 10) != 0)
			abort();
	} else if (cfg.n_sources < 1 || cfg.n_sources > CONFIG_MAX_SOURCES) {
		abort();
	}
	free(text);
	return 0;
}
