/* fuzz_privsep.c: libFuzzer target of the parent's (and the worker's)
 * decoding of privilege separation messages: whatever decodes must encode
 * back to the same message, and a decoded message keeps its promises (a
 * text has no NUL; the bytes of AUDIT_HOST and HOST may). */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "privsep_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t in[PRIVSEP_MSG_MAX + 1], out[PRIVSEP_MSG_MAX + 1];
	struct privsep_msg m;
	int r, n;

	if (size > PRIVSEP_MSG_MAX)
		return 0;
	memcpy(in, data, size);
	r = privsep_decode(in, size, size + 1, &m);
	if (r != 0 && r != -EBADMSG && r != -EPROTO && r != -ERANGE)
		abort();
	if (r != 0)
		return 0;
	/* text has no NUL and ends in one; bytes (a struct) may hold NULs */
	if (m.text && (m.text_len > PRIVSEP_TEXT_MAX ||
		       (!privsep_carries_bytes(m.type) &&
			strlen(m.text) != m.text_len)))
		abort();
	if (!memchr(m.path, '\0', sizeof(m.path)) ||
	    !memchr(m.name, '\0', sizeof(m.name)))
		abort();
	n = privsep_encode(&m, out, sizeof(out));
	/* fixed strings are NUL-padded on the wire: compare decoded forms */
	if (n < 0)
		abort();
	{
		struct privsep_msg m2;
		if (privsep_decode(out, (size_t)n, sizeof(out), &m2) != 0 ||
		    m2.type != m.type || m2.seq != m.seq ||
		    m2.source != m.source || m2.generation != m.generation ||
		    m2.text_len != m.text_len ||
		    (m.text_len && memcmp(m2.text, m.text, m.text_len) != 0) ||
		    strcmp(m2.path, m.path) != 0 || strcmp(m2.name, m.name) != 0)
			abort();
	}
	return 0;
}
