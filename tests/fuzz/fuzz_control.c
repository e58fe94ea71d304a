/* fuzz_control.c: libFuzzer target of control requests and reply parsing. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chrony_codec.h"
#include "control.h"
#include "ctlfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ctl_reply reply;
	static struct candm_reply rep;
	struct candm_request req;
	const char *a, *i, *arg;
	char *text = malloc(size + 1);
	FILE *null;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	/* phcbrokerctl reading whatever a daemon sends */
	if (ctlfmt_parse(text, &reply) == 0) {
		null = fopen("/dev/null", "w");
		if (null) {
			ctlfmt_print_json(null, "GET X", &reply);
			ctlfmt_print_pmc(null, "GET X", &reply);
			fclose(null);
		}
	}
	/* the daemon reading a request line (in place) */
	control_parse(text, &a, &i, &arg);
	/* chronyd's replies to a TRACKING and a SOURCE_DATA request */
	candm_req_init(&req, CANDM_CMD_TRACKING);
	candm_decode_reply(data, size, &req, &rep);
	candm_req_source_data(&req, 0);
	candm_decode_reply(data, size, &req, &rep);
	free(text);
	return 0;
}
