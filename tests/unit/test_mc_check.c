/* test_mc_check.c: what the MachineConfig generator accepts as values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mc_check.h"

typedef const char *(*check_fn)(const char *);

static void accepts(check_fn f, const char *v)
{
	const char *why = f(v);

	if (why)
		fail_msg("'%s' refused: %s", v, why);
}

static void refuses(check_fn f, const char *v)
{
	if (!f(v))
		fail_msg("'%s' accepted", v);
}

/* A string of @n copies of @c (n < 1100). */
static const char *repeat(char c, size_t n)
{
	static char buf[1100];

	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

static void test_role(void **state)
{
	accepts(mc_check_role, "master");
	accepts(mc_check_role, "worker-cnf");
	accepts(mc_check_role, "du1");
	accepts(mc_check_role, repeat('a', 63));
	refuses(mc_check_role, repeat('a', 64));
	refuses(mc_check_role, "");
	refuses(mc_check_role, "Master");
	refuses(mc_check_role, "-master");
	refuses(mc_check_role, "master-");
	refuses(mc_check_role, "wor.ker");
	refuses(mc_check_role, "wor ker");
	refuses(mc_check_role, "wor_ker");
	refuses(mc_check_role, "m\n");
}

static void test_name(void **state)
{
	accepts(mc_check_name, "99-master-phcbroker");
	accepts(mc_check_name, "phcbroker.example");
	accepts(mc_check_name, repeat('a', 253));
	refuses(mc_check_name, repeat('a', 254));
	refuses(mc_check_name, "");
	refuses(mc_check_name, ".a");
	refuses(mc_check_name, "a.");
	refuses(mc_check_name, "99_master");
	refuses(mc_check_name, "A");
	refuses(mc_check_name, "a/b");
}

static void test_refid(void **state)
{
	accepts(mc_check_refid, "PHC0");
	accepts(mc_check_refid, "h");
	accepts(mc_check_refid, "Hv01");
	refuses(mc_check_refid, "");
	refuses(mc_check_refid, "PHC00");
	refuses(mc_check_refid, "PH-0");
	refuses(mc_check_refid, "PH 0");
	refuses(mc_check_refid, "P\xc3\xa9");
}

static void test_ifname(void **state)
{
	accepts(mc_check_ifname, "ens1f0");
	accepts(mc_check_ifname, "enp94s0f0.100");
	accepts(mc_check_ifname, repeat('e', 15));
	refuses(mc_check_ifname, repeat('e', 16));
	refuses(mc_check_ifname, "");
	refuses(mc_check_ifname, ".");
	refuses(mc_check_ifname, "..");
	refuses(mc_check_ifname, "a/b");
	refuses(mc_check_ifname, "eth0:1");
	refuses(mc_check_ifname, "eth 0");
	refuses(mc_check_ifname, "eth#0");
	refuses(mc_check_ifname, "eth\t0");
}

static void test_paths(void **state)
{
	char path[300] = "/";

	accepts(mc_check_device, "auto");
	accepts(mc_check_device, "/dev/ptp_hyperv");
	accepts(mc_check_device, "/dev/ptp0");
	refuses(mc_check_device, "sim");
	refuses(mc_check_device, "ptp0");
	refuses(mc_check_device, "");
	refuses(mc_check_device, "/dev/ptp 0");
	refuses(mc_check_device, "/dev/ptp#0");
	strcat(path, repeat('p', 254));
	accepts(mc_check_device, path); /* 255 characters */
	strcat(path, "p");
	refuses(mc_check_device, path);

	accepts(mc_check_socket_path, "/var/run/ptp/ptp4l.0.socket");
	accepts(mc_check_socket_path, "/var/run/ptp4l");
	refuses(mc_check_socket_path, "var/run/ptp4l");
	refuses(mc_check_socket_path, "/var/run/ptp4l #x");
	refuses(mc_check_socket_path, "/var/run/\x01");
	strcpy(path, "/");
	strcat(path, repeat('s', 106));
	accepts(mc_check_socket_path, path); /* 107 characters */
	strcat(path, "s");
	refuses(mc_check_socket_path, path);
}

static void test_host(void **state)
{
	accepts(mc_check_host, "ntp1.example.com");
	accepts(mc_check_host, "192.0.2.10");
	accepts(mc_check_host, "2001:db8::1");
	accepts(mc_check_host, "fe80::1%ens1f0");
	accepts(mc_check_host, repeat('h', 255));
	refuses(mc_check_host, repeat('h', 256));
	refuses(mc_check_host, "");
	refuses(mc_check_host, "ntp.example.com iburst");
	refuses(mc_check_host, "ntp\tx");
	refuses(mc_check_host, "ntp\nserver evil");
	refuses(mc_check_host, "\"ntp\"");
	refuses(mc_check_host, "'ntp'");
	refuses(mc_check_host, "`ntp`");
	refuses(mc_check_host, "ntp\\x");
	refuses(mc_check_host, "ntp#1");
	refuses(mc_check_host, "-ntp");
	refuses(mc_check_host, "ntp\x7f");
	refuses(mc_check_host, "n\xc3\xa4");
}

static void test_chrony_line(void **state)
{
	accepts(mc_check_chrony_line, "minsources 2");
	accepts(mc_check_chrony_line, "log measurements statistics tracking");
	accepts(mc_check_chrony_line, "# a comment with 'quotes' and \"more\"");
	accepts(mc_check_chrony_line, repeat('x', 1000));
	refuses(mc_check_chrony_line, repeat('x', 1001));
	refuses(mc_check_chrony_line, "");
	refuses(mc_check_chrony_line, "   ");
	refuses(mc_check_chrony_line, "minsources 2\nmakestep 1000 -1");
	refuses(mc_check_chrony_line, "minsources 2\r");
	refuses(mc_check_chrony_line, "minsources\t2");
	refuses(mc_check_chrony_line, "x\x7f");
	refuses(mc_check_chrony_line, "caf\xc3\xa9");
}

static void test_choices(void **state)
{
	int d = -1;

	accepts(mc_check_gate_mode, "auto");
	accepts(mc_check_gate_mode, "slave");
	accepts(mc_check_gate_mode, "grandmaster");
	refuses(mc_check_gate_mode, "master");
	refuses(mc_check_gate_mode, "");
	refuses(mc_check_gate_mode, "Auto");
	accepts(mc_check_timescale, "utc");
	accepts(mc_check_timescale, "tai");
	refuses(mc_check_timescale, "gps");

	assert_null(mc_parse_domain("0", &d));
	assert_int_equal(d, 0);
	assert_null(mc_parse_domain("24", &d));
	assert_int_equal(d, 24);
	assert_null(mc_parse_domain("255", &d));
	assert_int_equal(d, 255);
	assert_non_null(mc_parse_domain("256", &d));
	assert_non_null(mc_parse_domain("-1", &d));
	assert_non_null(mc_parse_domain("", &d));
	assert_non_null(mc_parse_domain("2x", &d));
	assert_non_null(mc_parse_domain("0024", &d));
	assert_non_null(mc_parse_domain(" 24", &d));
	assert_int_equal(d, 255); /* untouched by refusals */
}

static void test_shown(void **state)
{
	char buf[72], small[8];

	assert_string_equal(mc_shown("ens1f0", buf, sizeof(buf)), "ens1f0");
	assert_string_equal(mc_shown("a\nb\tc\x7f\xc3", buf, sizeof(buf)),
			    "a?b?c??");
	assert_string_equal(mc_shown(repeat('x', 64), buf, sizeof(buf)),
			    repeat('x', 64));
	mc_shown(repeat('y', 65), buf, sizeof(buf));
	assert_int_equal(strlen(buf), 67);
	assert_string_equal(buf + 64, "...");
	assert_string_equal(mc_shown("abcdefgh", small, sizeof(small)),
			    "abcd...");
	assert_string_equal(mc_shown("abcd", small, sizeof(small)), "abcd");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_role),	cmocka_unit_test(test_name),
	    cmocka_unit_test(test_refid),	cmocka_unit_test(test_ifname),
	    cmocka_unit_test(test_paths),	cmocka_unit_test(test_host),
	    cmocka_unit_test(test_chrony_line), cmocka_unit_test(test_choices),
	    cmocka_unit_test(test_shown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
