/* test_taiutc.c: TAI - UTC from ptp4l, and leap seconds at their instant. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "taiutc.h"

#define S 1000000000LL
/* 2017-01-01 00:00:00 UTC: the last leap second (23:59:60 before it)
 * took TAI - UTC from 36 to 37 s. */
#define NEW_YEAR_2017 (1483228800LL * S)

/* PHC (TAI) time of a UTC time, with TAI - UTC @off. */
static int64_t tai(int64_t utc_ns, int off)
{
	return utc_ns + off * S;
}

static void test_configured_until_ptp4l_says(void **state)
{
	struct taiutc t;

	taiutc_init(&t, 37);
	assert_int_equal(taiutc_offset_at(&t, tai(NEW_YEAR_2017, 37)), 37);
	taiutc_update(&t, false, 35, false, false, tai(NEW_YEAR_2017, 37));
	assert_int_equal(taiutc_offset_at(&t, tai(NEW_YEAR_2017, 37)), 37);
	taiutc_update(&t, true, 35, false, false, tai(NEW_YEAR_2017, 35));
	assert_int_equal(taiutc_offset_at(&t, tai(NEW_YEAR_2017, 35)), 35);
	/* no longer valid: back to the configured offset */
	taiutc_update(&t, false, 35, false, false, tai(NEW_YEAR_2017, 35));
	assert_int_equal(taiutc_offset_at(&t, tai(NEW_YEAR_2017, 35)), 37);
}

/* The instant: the end of the UTC day the announcement falls in. */
static void test_leap_instant(void **state)
{
	int64_t noon = NEW_YEAR_2017 - 12 * 3600 * S;

	assert_int_equal(taiutc_leap_instant(tai(noon, 36), 36, 1),
			 tai(NEW_YEAR_2017, 36));
	/* announced one second before: still that day */
	assert_int_equal(taiutc_leap_instant(tai(NEW_YEAR_2017 - S, 36), 36, 1),
			 tai(NEW_YEAR_2017, 36));
	/* a deleted second starts at 23:59:59 */
	assert_int_equal(taiutc_leap_instant(tai(noon, 36), 36, -1),
			 tai(NEW_YEAR_2017, 36) - S);
}

/* 2016-12-31: leap61 with 36 all day; 37 from the instant on, exactly;
 * ptp4l's late report of 37 changes nothing; the flag going down neither. */
static void test_inserted_second(void **state)
{
	int64_t at = tai(NEW_YEAR_2017, 36);
	struct taiutc t;

	taiutc_init(&t, 30);
	taiutc_update(&t, true, 36, true, false, at - 12 * 3600 * S);
	assert_int_equal(taiutc_offset_at(&t, at - 12 * 3600 * S), 36);
	assert_int_equal(taiutc_offset_at(&t, at - 1), 36);
	assert_int_equal(taiutc_offset_at(&t, at), 37);
	assert_int_equal(taiutc_offset_at(&t, at + S / 2), 37);
	/* ptp4l still says 36 with the flag, half a second after */
	taiutc_update(&t, true, 36, true, false, at + S / 2);
	assert_int_equal(taiutc_offset_at(&t, at + S / 2), 37);
	/* then 37 and the flag down */
	taiutc_update(&t, true, 37, false, false, at + S);
	assert_int_equal(taiutc_offset_at(&t, at + S), 37);
	assert_int_equal(taiutc_offset_at(&t, at + 86400 * S), 37);
}

static void test_deleted_second(void **state)
{
	int64_t at = tai(NEW_YEAR_2017, 37) - S;
	struct taiutc t;

	taiutc_init(&t, 37);
	taiutc_update(&t, true, 37, false, true, at - 3600 * S);
	assert_int_equal(taiutc_offset_at(&t, at - 1), 37);
	assert_int_equal(taiutc_offset_at(&t, at), 36);
}

/* An announcement withdrawn before its instant leaves the offset alone. */
static void test_withdrawn(void **state)
{
	int64_t at = tai(NEW_YEAR_2017, 36);
	struct taiutc t;

	taiutc_init(&t, 36);
	taiutc_update(&t, true, 36, true, false, at - 3600 * S);
	taiutc_update(&t, true, 36, false, false, at - 1800 * S);
	assert_int_equal(taiutc_offset_at(&t, at + S), 36);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_configured_until_ptp4l_says),
		cmocka_unit_test(test_leap_instant),
		cmocka_unit_test(test_inserted_second),
		cmocka_unit_test(test_deleted_second),
		cmocka_unit_test(test_withdrawn),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
