/* test_ctlfmt.c: control request parsing, reply parsing, pmc and JSON output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "control.h"
#include "ctlfmt.h"

static struct ctl_reply reply;

static void test_parse_request(void **state)
{
	const char *a, *i, *arg;
	char l1[] = "get status";
	char l2[] = "SET  gate   NTP now";
	char l3[] = "GET";
	char l4[] = "GET \x01STATUS";
	char l5[] = "";

	assert_int_equal(control_parse(l1, &a, &i, &arg), 0);
	assert_string_equal(a, "GET");
	assert_string_equal(i, "STATUS");
	assert_string_equal(arg, "");
	assert_int_equal(control_parse(l2, &a, &i, &arg), 0);
	assert_string_equal(a, "SET");
	assert_string_equal(i, "GATE");
	assert_string_equal(arg, "NTP now");
	assert_int_equal(control_parse(l3, &a, &i, &arg), -EINVAL);
	assert_int_equal(control_parse(l4, &a, &i, &arg), -EINVAL);
	assert_int_equal(control_parse(l5, &a, &i, &arg), -EINVAL);
}

static void test_parse_reply(void **state)
{
	const char *text = "RESPONSE STATUS\n"
			   "version 0.1.0\n"
			   "healthy yes\n"
			   "RESPONSE DEVICES PHC0\n"
			   "path /dev/ptp0\n"
			   "clock_name KVM virtual PTP\n"
			   "ERROR FOO unknown item; expected STATUS\n";

	assert_int_equal(ctlfmt_parse(text, &reply), 0);
	assert_int_equal(reply.n, 3);
	assert_string_equal(reply.recs[0].item, "STATUS");
	assert_string_equal(reply.recs[0].source, "");
	assert_string_equal(ctlfmt_get(&reply.recs[0], "healthy"), "yes");
	assert_null(ctlfmt_get(&reply.recs[0], "nope"));
	assert_string_equal(reply.recs[1].source, "PHC0");
	assert_string_equal(ctlfmt_get(&reply.recs[1], "clock_name"),
			    "KVM virtual PTP");
	assert_true(reply.recs[2].error);
	assert_string_equal(reply.recs[2].item, "FOO");
	assert_string_equal(reply.recs[2].message,
			    "unknown item; expected STATUS");
}

static void test_malformed_reply(void **state)
{
	assert_int_equal(ctlfmt_parse("key value\n", &reply), -EBADMSG);
	assert_int_equal(ctlfmt_parse("RESPONSE X\nnovalue\n", &reply), -EBADMSG);
	assert_int_equal(ctlfmt_parse("ERROR X bad\nkey value\n", &reply),
			 -EBADMSG);
	char *many = malloc(40 * 16);
	many[0] = '\0';
	for (int i = 0; i < 40; i++)
		strcat(many, "RESPONSE X\n");
	assert_int_equal(ctlfmt_parse(many, &reply), -EBADMSG);
	free(many);
}

static char *render(bool json, const char *text)
{
	static char buf[4096];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	assert_int_equal(ctlfmt_parse(text, &reply), 0);
	if (json)
		ctlfmt_print_json(f, "GET X", &reply);
	else
		ctlfmt_print_pmc(f, "GET X", &reply);
	fclose(f);
	return buf;
}

static void test_pmc_output(void **state)
{
	char *out = render(false, "RESPONSE DEVICES PHC0\npath /dev/ptp0\n");
	assert_string_equal(out, "sending: GET X\n"
				 "\tphcbrokerd RESPONSE DEVICES PHC0\n"
				 "\t\tpath                         /dev/ptp0\n");
}

static void test_json_output(void **state)
{
	char *out = render(true, "RESPONSE S\n"
				 "a 12\nb -0.5\nc 1e-9\nd yes\ne no\n"
				 "f 0x10\ng 012\nh say \"hi\"\\\ni inf\nj -\n"
				 "ERROR Z nope\n");
	assert_string_equal(out,
		"{\"request\": \"GET X\", \"responses\": [{\"item\": \"S\", "
		"\"source\": null, \"fields\": {\"a\": 12, \"b\": -0.5, "
		"\"c\": 1e-9, \"d\": true, \"e\": false, \"f\": \"0x10\", "
		"\"g\": \"012\", \"h\": \"say \\\"hi\\\"\\\\\", \"i\": \"inf\", "
		"\"j\": \"-\"}}], \"errors\": [{\"item\": \"Z\", "
		"\"message\": \"nope\"}]}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_request),
		cmocka_unit_test(test_parse_reply),
		cmocka_unit_test(test_malformed_reply),
		cmocka_unit_test(test_pmc_output),
		cmocka_unit_test(test_json_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
