/* test_sock_msg.c: the chrony SOCK sample, checked to the nanosecond. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "sock_msg.h"

static void test_layout(void **state)
{
	assert_int_equal(sizeof(struct sockmsg), 40);
	assert_int_equal(offsetof(struct sockmsg, offset), 16);
	assert_int_equal(offsetof(struct sockmsg, pulse), 24);
	assert_int_equal(offsetof(struct sockmsg, leap), 28);
	assert_int_equal(offsetof(struct sockmsg, magic), 36);
}

/*
 * At system time S (ns) the PHC read P. chronyd takes the sample to say: at
 * system time tv the reference read tv + offset. With tv = S truncated to
 * the microsecond, the reference at tv is P - (S - tv) (PHC and system
 * clocks run at the same rate within ppm), so offset must be P - S exactly.
 */
static void test_truncation_to_the_nanosecond(void **state)
{
	const int64_t S = 1700000000123456789LL;
	const int64_t P = S + 250123LL; /* PHC 250.123 us ahead */
	struct sockmsg m;

	sockmsg_encode(S, (double)(P - S), SOCKMSG_LEAP_NONE, &m);
	assert_int_equal(m.tv.tv_sec, 1700000000);
	assert_int_equal(m.tv.tv_usec, 123456);
	int64_t tv_ns = (int64_t)m.tv.tv_sec * 1000000000LL +
			(int64_t)m.tv.tv_usec * 1000LL;
	assert_int_equal(S - tv_ns, 789); /* truncated part */
	/* reference time chronyd reconstructs, in ns relative to tv */
	double ref_minus_tv_ns = m.offset * 1e9;
	double phc_at_tv_minus_tv_ns = (double)((P - (S - tv_ns)) - tv_ns);
	assert_float_equal(ref_minus_tv_ns, phc_at_tv_minus_tv_ns, 1e-3);
	assert_float_equal(m.offset, 250123e-9, 1e-18);
	assert_int_equal(m.magic, SOCKMSG_MAGIC);
	assert_int_equal(m.pulse, 0);
	assert_int_equal(m.leap, 0);
}

static void test_fraction_and_sign(void **state)
{
	struct sockmsg m;

	sockmsg_encode(1700000000000000999LL, -37e9 + 0.5, SOCKMSG_LEAP_INSERT,
		       &m);
	assert_int_equal(m.tv.tv_usec, 0);
	assert_float_equal(m.offset * 1e9, -37e9 + 0.5, 1e-3);
	assert_int_equal(m.leap, 1);
	/* before the epoch the microseconds stay in 0..999999 */
	sockmsg_encode(-1500, 0.0, 0, &m);
	assert_int_equal(m.tv.tv_sec, -1);
	assert_int_equal(m.tv.tv_usec, 999998);
}

static void test_decode(void **state)
{
	struct sockmsg m, out;
	unsigned char buf[48];

	sockmsg_encode(1700000000000000000LL, 1000.0, SOCKMSG_LEAP_DELETE, &m);
	assert_int_equal(sockmsg_decode(&m, sizeof(m), &out), 0);
	assert_int_equal(out.leap, 2);
	assert_int_equal(sockmsg_decode(&m, 39, &out), -EBADMSG);
	memset(buf, 0, sizeof(buf));
	memcpy(buf, &m, sizeof(m));
	assert_int_equal(sockmsg_decode(buf, 48, &out), -EBADMSG);
	m.magic = 0x4b434f53;
	assert_int_equal(sockmsg_decode(&m, sizeof(m), &out), -EBADMSG);
	m.magic = SOCKMSG_MAGIC;
	m.leap = 3;
	assert_int_equal(sockmsg_decode(&m, sizeof(m), &out), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_truncation_to_the_nanosecond),
		cmocka_unit_test(test_fraction_and_sign),
		cmocka_unit_test(test_decode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
