/* test_chrony_plan.c: what the daemon asks of chronyd at each gate change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "chrony_plan.h"
#include "chrony_view.h"

/* chronyd 4.4+: just the refclock, no reset (the others keep their
 * measurements); leaving the PHC bursts the NTP servers (chronyd switches
 * only to a source with a fresh sample); NTP online/offline only with
 * ntp_while_locked offline. */
static void test_selectopts(void **state)
{
	struct chrony_plan p;

	/* every change is followed by a RESELECT, sent last */
	p = chrony_plan_for(false, 1, false);
	assert_int_equal(p.select, 0);
	assert_int_equal(p.actions, CHRONYWATCH_BURST | CHRONYWATCH_RESELECT);
	p = chrony_plan_for(true, 1, false);
	assert_int_equal(p.select, 1);
	assert_int_equal(p.actions, CHRONYWATCH_RESELECT);
	p = chrony_plan_for(false, 1, true);
	assert_int_equal(p.select, 0);
	assert_int_equal(p.actions, CHRONYWATCH_BURST | CHRONYWATCH_ONLINE |
					    CHRONYWATCH_RESELECT);
	p = chrony_plan_for(true, 1, true);
	assert_int_equal(p.select, 1);
	assert_int_equal(p.actions, CHRONYWATCH_OFFLINE | CHRONYWATCH_RESELECT);
	/* the watch sends the lowest bit first: RESELECT must be the highest */
	assert_true(CHRONYWATCH_RESELECT > CHRONYWATCH_ONLINE);
	assert_true(CHRONYWATCH_RESELECT > CHRONYWATCH_OFFLINE);
	assert_true(CHRONYWATCH_RESELECT > CHRONYWATCH_BURST);
}

/* chronyd 4.3 (and not known yet): reset + burst to leave the PHC at
 * once, nothing to come back (the refclock reselects itself). */
static void test_before_4_4(void **state)
{
	for (int so = -1; so <= 0; so++) {
		struct chrony_plan p;

		p = chrony_plan_for(false, so, false);
		assert_int_equal(p.select, -1);
		assert_int_equal(p.actions,
				 CHRONYWATCH_RESET_SOURCES | CHRONYWATCH_BURST);
		p = chrony_plan_for(true, so, false);
		assert_int_equal(p.select, -1);
		assert_int_equal(p.actions, 0);
		p = chrony_plan_for(false, so, true);
		assert_int_equal(p.actions, CHRONYWATCH_RESET_SOURCES |
						    CHRONYWATCH_BURST |
						    CHRONYWATCH_ONLINE);
		p = chrony_plan_for(true, so, true);
		assert_int_equal(p.actions, CHRONYWATCH_OFFLINE);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_selectopts),
		cmocka_unit_test(test_before_4_4),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
