/* test_privsep_msg.c: the parent/worker messages: every type through
 * encode and decode, and what each side refuses. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "privsep_msg.h"

static uint8_t buf[PRIVSEP_MSG_MAX + 1];

/* Encode @m, decode it back into @out; returns the encoded length. */
static int round_trip(const struct privsep_msg *m, struct privsep_msg *out)
{
	int n = privsep_encode(m, buf, sizeof(buf) - 1);

	assert_true(n >= PRIVSEP_HEADER_LEN);
	assert_int_equal(privsep_decode(buf, (size_t)n, sizeof(buf), out), 0);
	assert_int_equal(out->type, m->type);
	assert_int_equal(out->seq, m->seq);
	return n;
}

static void test_every_type(void **state)
{
	struct privsep_msg m, d;
	const char *cfg = "[source PHC0]\ndevice auto\n";

	for (int t = PRIVSEP_HELLO; t < PRIVSEP_TYPE_END; t++) {
		memset(&m, 0, sizeof(m));
		m.type = (enum privsep_type)t;
		m.seq = 1000u + (unsigned)t;
		m.version = PRIVSEP_VERSION;
		m.source = 3;
		m.generation = 7;
		m.error = EACCES;
		m.index = 2;
		snprintf(m.path, sizeof(m.path), "/etc/phcbroker/phcbrokerd.conf");
		snprintf(m.name, sizeof(m.name), "KVM virtual PTP");
		m.text = cfg;
		m.text_len = strlen(cfg);
		round_trip(&m, &d);
		assert_string_not_equal(privsep_type_name(d.type), "?");
	}
	assert_string_equal(privsep_type_name(PRIVSEP_TYPE_END), "?");
	assert_string_equal(privsep_type_name(0), "?");
	assert_true(privsep_carries_fd(PRIVSEP_PHC));
	assert_true(privsep_carries_fd(PRIVSEP_OK));
	assert_true(privsep_carries_fd(PRIVSEP_CONNECT_PTP4L));
	assert_false(privsep_carries_fd(PRIVSEP_ERR));
	assert_false(privsep_carries_fd(PRIVSEP_CONFIG));
}

static void test_fields(void **state)
{
	struct privsep_msg m = { .type = PRIVSEP_PHC, .seq = 9, .index = 4 },
			   d;
	const char *text = "phcbroker_up 1\n";

	snprintf(m.path, sizeof(m.path), "/dev/ptp4");
	snprintf(m.name, sizeof(m.name), "hyperv");
	assert_int_equal(round_trip(&m, &d), PRIVSEP_HEADER_LEN + 4 + 256 + 64);
	assert_int_equal(d.index, 4);
	assert_string_equal(d.path, "/dev/ptp4");
	assert_string_equal(d.name, "hyperv");

	m = (struct privsep_msg){ .type = PRIVSEP_CONNECT_PTP4L, .source = 15,
				  .generation = 42 };
	round_trip(&m, &d);
	assert_int_equal(d.source, 15);
	assert_int_equal(d.generation, 42);

	m = (struct privsep_msg){ .type = PRIVSEP_OPEN_CHRONY, .generation = 5 };
	round_trip(&m, &d);
	assert_int_equal(d.generation, 5);
	assert_int_equal(d.source, 0);

	m = (struct privsep_msg){ .type = PRIVSEP_COMMIT_TEXTFILE, .commit = 1 };
	round_trip(&m, &d);
	assert_int_equal(d.commit, 1);
	assert_int_equal(d.source, 0);

	m = (struct privsep_msg){ .type = PRIVSEP_RESUME, .text = text,
				  .text_len = strlen(text) };
	round_trip(&m, &d);
	assert_int_equal(d.text_len, strlen(text));
	assert_string_equal(d.text, text); /* NUL-terminated in the buffer */

	m = (struct privsep_msg){ .type = PRIVSEP_NOTIFY };
	round_trip(&m, &d);
	assert_int_equal(d.text_len, 0);
	assert_string_equal(d.text, "");

	m = (struct privsep_msg){ .type = PRIVSEP_ERR, .error = ENOENT };
	round_trip(&m, &d);
	assert_int_equal(d.error, ENOENT);

	/* the configuration: CONFIG's text, REFUSED's reason */
	m = (struct privsep_msg){ .type = PRIVSEP_CONFIG, .generation = 3,
				  .text = "[global]\n", .text_len = 9 };
	snprintf(m.path, sizeof(m.path), "/etc/phcbroker/phcbrokerd.conf");
	round_trip(&m, &d);
	assert_int_equal(d.generation, 3);
	assert_string_equal(d.path, "/etc/phcbroker/phcbrokerd.conf");
	assert_string_equal(d.text, "[global]\n");
	m = (struct privsep_msg){ .type = PRIVSEP_REFUSED,
				  .text = "x: not a regular file",
				  .text_len = 21 };
	round_trip(&m, &d);
	assert_string_equal(d.text, "x: not a regular file");
	m = (struct privsep_msg){ .type = PRIVSEP_RELOAD };
	assert_int_equal(round_trip(&m, &d), PRIVSEP_HEADER_LEN);

	/* a struct of this program, NULs and all */
	{
		const char bytes[5] = {1, 0, 2, 0, 3};

		m = (struct privsep_msg){ .type = PRIVSEP_HOST, .text = bytes,
					  .text_len = sizeof(bytes) };
		round_trip(&m, &d);
		assert_int_equal(d.text_len, sizeof(bytes));
		assert_memory_equal(d.text, bytes, sizeof(bytes));
	}
	m = (struct privsep_msg){ .type = PRIVSEP_AUDIT_GATHER };
	assert_int_equal(round_trip(&m, &d), PRIVSEP_HEADER_LEN);
}

static void test_encode_refuses(void **state)
{
	struct privsep_msg m = { .type = PRIVSEP_OPEN_PHC, .source = 16 };
	char big[8];

	assert_int_equal(privsep_encode(&m, buf, sizeof(buf)), -EINVAL);
	m = (struct privsep_msg){ .type = PRIVSEP_TYPE_END };
	assert_int_equal(privsep_encode(&m, buf, sizeof(buf)), -EINVAL);
	m = (struct privsep_msg){ .type = PRIVSEP_ERR, .error = 0 };
	assert_int_equal(privsep_encode(&m, buf, sizeof(buf)), -EINVAL);
	m = (struct privsep_msg){ .type = PRIVSEP_CONFIG };
	memset(m.path, 'a', sizeof(m.path)); /* no NUL */
	assert_int_equal(privsep_encode(&m, buf, sizeof(buf)), -EINVAL);
	memcpy(big, "a\0b", 4);
	m = (struct privsep_msg){ .type = PRIVSEP_NOTIFY, .text = big,
				  .text_len = 3 }; /* a NUL inside */
	assert_int_equal(privsep_encode(&m, buf, sizeof(buf)), -EINVAL);
	m = (struct privsep_msg){ .type = PRIVSEP_NOTIFY, .text = big,
				  .text_len = PRIVSEP_TEXT_MAX + 1 };
	assert_int_equal(privsep_encode(&m, buf, sizeof(buf)), -EINVAL);
	m = (struct privsep_msg){ .type = PRIVSEP_HEARTBEAT };
	assert_int_equal(privsep_encode(&m, buf, PRIVSEP_HEADER_LEN - 1),
			 -ENOSPC);
	assert_int_equal(privsep_encode(&m, buf, PRIVSEP_HEADER_LEN),
			 PRIVSEP_HEADER_LEN);
}

/* A valid message of @type with body @body (@n bytes) into buf. */
static size_t raw(unsigned type, const void *body, size_t n)
{
	buf[0] = (uint8_t)type;
	buf[1] = (uint8_t)(type >> 8);
	memset(buf + 2, 0, 6);
	buf[8] = (uint8_t)n;
	buf[9] = (uint8_t)(n >> 8);
	buf[10] = (uint8_t)(n >> 16);
	buf[11] = 0;
	memcpy(buf + PRIVSEP_HEADER_LEN, body, n);
	return PRIVSEP_HEADER_LEN + n;
}

static void test_decode_refuses(void **state)
{
	struct privsep_msg d;
	uint8_t body[400] = { 0 };
	size_t n;

	assert_int_equal(privsep_decode(buf, 11, sizeof(buf), &d), -EBADMSG);
	/* no room for the text's NUL */
	n = raw(PRIVSEP_HEARTBEAT, body, 0);
	assert_int_equal(privsep_decode(buf, n, n, &d), -EBADMSG);
	assert_int_equal(privsep_decode(buf, n, n + 1, &d), 0);
	/* the header's length is not the message's */
	assert_int_equal(privsep_decode(buf, n + 1, sizeof(buf), &d), -EBADMSG);
	/* flags must be 0 */
	buf[2] = 1;
	assert_int_equal(privsep_decode(buf, n, sizeof(buf), &d), -EBADMSG);
	n = raw(0, body, 0);
	assert_int_equal(privsep_decode(buf, n, sizeof(buf), &d), -EPROTO);
	n = raw(999, body, 0);
	assert_int_equal(privsep_decode(buf, n, sizeof(buf), &d), -EPROTO);
	/* a body of the wrong size for its type */
	n = raw(PRIVSEP_OPEN_PHC, body, 3);
	assert_int_equal(privsep_decode(buf, n, sizeof(buf), &d), -EBADMSG);
	n = raw(PRIVSEP_OPEN_PHC, body, 5);
	assert_int_equal(privsep_decode(buf, n, sizeof(buf), &d), -EBADMSG);
	n = raw(PRIVSEP_STOP, body, 1);
	assert_int_equal(privsep_decode(buf, n, sizeof(buf), &d), -EBADMSG);
	n = raw(PRIVSEP_RELOAD, body, 1); /* RELOAD names nothing */
	assert_int_equal(privsep_decode(buf, n, sizeof(buf), &d), -EBADMSG);
	/* a source the parent cannot have */
	body[0] = PRIVSEP_SOURCES_MAX;
	n = raw(PRIVSEP_CONNECT_FEED, body, 4);
	assert_int_equal(privsep_decode(buf, n, sizeof(buf), &d), -ERANGE);
	body[0] = PRIVSEP_SOURCES_MAX - 1;
	n = raw(PRIVSEP_CONNECT_FEED, body, 4);
	assert_int_equal(privsep_decode(buf, n, sizeof(buf), &d), 0);
	/* a request that names nothing, with a body */
	n = raw(PRIVSEP_PROBE_HOST, body, 4);
	assert_int_equal(privsep_decode(buf, n, sizeof(buf), &d), -EBADMSG);
	/* an errno out of range */
	memset(body, 0xff, 4);
	n = raw(PRIVSEP_ERR, body, 4);
	assert_int_equal(privsep_decode(buf, n, sizeof(buf), &d), -ERANGE);
	/* a path without its NUL */
	memset(body, 'x', sizeof(body));
	n = raw(PRIVSEP_PHC, body, 4 + 256 + 64);
	assert_int_equal(privsep_decode(buf, n, sizeof(buf), &d), -EBADMSG);
	/* a NUL inside a text */
	memset(body, 0, 4 + 256);
	memcpy(body + 260, "a\0b", 3);
	n = raw(PRIVSEP_CONFIG, body, 263);
	assert_int_equal(privsep_decode(buf, n, sizeof(buf), &d), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_type),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_encode_refuses),
		cmocka_unit_test(test_decode_refuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
