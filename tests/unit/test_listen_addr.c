/* test_listen_addr.c: "address:port" values of metrics_listen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "listen_addr.h"

static int parse(const char *s, struct listen_addr *a, char *why)
{
	return listen_addr_parse(s, a, why, 128);
}

static void test_ipv4_and_ipv6(void **state)
{
	struct listen_addr a;
	char why[128];

	assert_int_equal(parse("127.0.0.1:9817", &a, why), 0);
	assert_string_equal(a.host, "127.0.0.1");
	assert_int_equal(a.port, 9817);
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(parse("[::1]:1", &a, why), 0);
	assert_string_equal(a.host, "::1");
	assert_int_equal(a.port, 1);
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(parse("0.0.0.0:65535", &a, why), 0);
	assert_int_equal(a.port, 65535);
	assert_int_equal(parse("[fe80::1:2]:80", &a, why), 0);
	assert_string_equal(a.host, "fe80::1:2");
}

/* Each bad value is refused with a reason that names the fault. */
static void test_refused(void **state)
{
	static const struct {
		const char *value, *reason;
	} bad[] = {
	    {"127.0.0.1", "address:port"},
	    {"localhost:9817", "not a numeric IPv4"},
	    {"::1:9817", "brackets"},
	    {"[::1]9817", "[IPv6 address]:port"},
	    {"[::1", "[IPv6 address]:port"},
	    {"[127.0.0.1]:80", "not a numeric IPv6"},
	    {"127.0.0.1:0", "1..65535"},
	    {"127.0.0.1:65536", "1..65535"},
	    {"127.0.0.1:-5", "1..65535"},
	    {"127.0.0.1:80x", "1..65535"},
	    {"127.0.0.1:", "1..65535"},
	    {":9817", "missing"},
	    {"[]:9817", "missing"},
	    {"300.0.0.1:80", "not a numeric IPv4"},
	};
	struct listen_addr a;
	char why[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		assert_int_equal(parse(bad[i].value, &a, why), -22);
		if (!strstr(why, bad[i].reason))
			fail_msg("%s: reason '%s' lacks '%s'", bad[i].value,
				 why, bad[i].reason);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ipv4_and_ipv6),
	    cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
