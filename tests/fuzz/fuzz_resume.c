/* fuzz_resume.c: libFuzzer target of the --resume text a worker gets from
 * its predecessor through the parent: any bytes, as text, looked up for a
 * few names; what is found must be a valid state and override and must
 * read back the same after resume_append(). */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "resume.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_name(const char *text, const char *name)
{
	enum gate_state st, st2;
	enum gate_override ov, ov2;
	char again[RESUME_TEXT_MAX] = "";
	int r = resume_find(text, name, &st, &ov);

	if (r != 0 && r != -ENOENT && r != -EINVAL)
		abort();
	if (r != 0)
		return;
	if (st > GATE_FORCED || (ov != GATE_OVERRIDE_AUTO &&
				 ov != GATE_OVERRIDE_PTP &&
				 ov != GATE_OVERRIDE_NTP))
		abort();
	if (resume_append(again, sizeof(again), name, st, ov) != 0 ||
	    resume_find(again, name, &st2, &ov2) != 0 || st2 != st ||
	    ov2 != ov)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), name[5];
	size_t n = 0;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	check_name(text, "PHC0");
	check_name(text, "A");
	/* and the name the text starts with, if it has one */
	while (n < 4 && n < size && text[n] && !strchr("=:;", text[n])) {
		name[n] = text[n];
		n++;
	}
	name[n] = '\0';
	if (n)
		check_name(text, name);
	free(text);
	return 0;
}
