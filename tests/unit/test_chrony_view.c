/* test_chrony_view.c: unit tests of the view taken from chronyd's replies. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "chrony_view.h"

static struct chronywatch_view view;
static struct chronyview_cycle cycle;

static int reset(void **state)
{
	(void)state;
	memset(&view, 0, sizeof(view));
	memset(&cycle, 0, sizeof(cycle));
	view.selectopts = -1;
	return 0;
}

/* Run a whole report cycle as chronywatch does: N_SOURCES saying @count,
 * then SOURCE_DATA while the cycle asks for one; returns how many. */
static int run_cycle(uint32_t count)
{
	struct candm_reply rep;
	enum chronyview_step step;
	int index, asked = 0;

	memset(&rep, 0, sizeof(rep));
	rep.u.n_sources = count;
	step = chronyview_take(&view, &cycle, CHRONYVIEW_N_SOURCES, &rep, 1);
	assert_int_equal(step, CHRONYVIEW_N_SOURCES);
	while ((index = chronyview_next_source(&cycle)) >= 0) {
		assert_int_equal(index, asked);
		memset(&rep, 0, sizeof(rep));
		rep.u.source.mode = CANDM_MODE_REFCLOCK;
		rep.u.source.ref_id = (uint32_t)index;
		step = chronyview_take(&view, &cycle, CHRONYVIEW_SOURCE_DATA,
				       &rep, 2);
		assert_int_equal(step, CHRONYVIEW_SOURCE_DATA);
		assert_true(++asked <= CHRONYWATCH_SOURCES_MAX);
	}
	assert_int_equal(index, -ENOENT);
	chronyview_publish(&view, &cycle, 3);
	return asked;
}

static void test_counts(void **state)
{
	(void)state;
	assert_int_equal(run_cycle(0), 0);
	assert_int_equal(view.n_sources, 0);
	assert_int_equal(run_cycle(2), 2);
	assert_int_equal(view.n_sources, 2);
	assert_int_equal(view.sources[1].ref_id, 1);
	assert_int_equal(view.sources_at_ns, 3);
	assert_int_equal(run_cycle(CHRONYWATCH_SOURCES_MAX),
			 CHRONYWATCH_SOURCES_MAX);
}

/* Counts a codec should have refused still end clamped, never negative. */
static void test_hostile_counts(void **state)
{
	static const uint32_t counts[] = {
	    CHRONYWATCH_SOURCES_MAX + 1, 0x7fffffffu, 0x80000000u,
	    0xfffffffeu, 0xffffffffu};

	(void)state;
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		assert_int_equal(run_cycle(counts[i]),
				 CHRONYWATCH_SOURCES_MAX);
		assert_int_equal(view.n_sources, CHRONYWATCH_SOURCES_MAX);
		assert_int_equal(view.sources[31].ref_id, 31);
	}
}

/* A SOURCE_DATA reply beyond the count, or with no count at all, is
 * dropped; a publish in mid-cycle shows only the sources read. */
static void test_extra_sources(void **state)
{
	struct candm_reply rep;

	(void)state;
	memset(&rep, 0, sizeof(rep));
	for (int i = 0; i < 100; i++)
		chronyview_take(&view, &cycle, CHRONYVIEW_SOURCE_DATA, &rep, 1);
	assert_int_equal(cycle.index, 0);
	rep.u.n_sources = 5;
	chronyview_take(&view, &cycle, CHRONYVIEW_N_SOURCES, &rep, 1);
	memset(&rep, 0, sizeof(rep));
	chronyview_take(&view, &cycle, CHRONYVIEW_SOURCE_DATA, &rep, 1);
	chronyview_publish(&view, &cycle, 1);
	assert_int_equal(view.n_sources, 1);
	for (int i = 0; i < 100; i++)
		chronyview_take(&view, &cycle, CHRONYVIEW_SOURCE_DATA, &rep, 1);
	assert_int_equal(cycle.index, 5);
	assert_int_equal(chronyview_next_source(&cycle), -ENOENT);
}

static void test_steps(void **state)
{
	struct candm_reply rep;

	(void)state;
	memset(&rep, 0, sizeof(rep));
	rep.u.tracking.ref_id = 0x50484358;
	assert_int_equal(chronyview_take(&view, &cycle, CHRONYVIEW_TRACKING,
					 &rep, 42),
			 CHRONYVIEW_TRACKING);
	assert_true(view.have_tracking);
	assert_int_equal(view.tracking.ref_id, 0x50484358);
	assert_int_equal(view.tracking_at_ns, 42);
	assert_int_equal(chronyview_take(&view, &cycle, CHRONYVIEW_PROBE, &rep,
					 0),
			 CHRONYVIEW_IDLE);
	assert_int_equal(view.selectopts, 1);
	assert_int_equal(chronyview_take(&view, &cycle, CHRONYVIEW_ACTION, &rep,
					 0),
			 CHRONYVIEW_IDLE);
	assert_int_equal(chronyview_take(&view, &cycle, CHRONYVIEW_SELECT, &rep,
					 0),
			 CHRONYVIEW_IDLE);
	assert_int_equal(view.actions_done, 2);
	assert_int_equal(view.selects_done, 1);
	assert_int_equal(view.replies, 4);
	chronyview_probe_refused(&view, -EOPNOTSUPP);
	assert_int_equal(view.selectopts, 0);
	chronyview_probe_refused(&view, -EPROTO);
	assert_int_equal(view.selectopts, 1);
}

/* Refids chronyd has no source for: noted once each, bounded, forgotten
 * when chronyd accepts them. */
static void test_missing(void **state)
{
	(void)state;
	assert_true(chronyview_note_missing(&view, 0x47464230));
	assert_false(chronyview_note_missing(&view, 0x47464230));
	assert_true(chronyview_note_missing(&view, 0x47464231));
	assert_int_equal(view.n_missing, 2);
	chronyview_found(&view, 0x47464230);
	assert_int_equal(view.n_missing, 1);
	assert_int_equal(view.missing[0], 0x47464231);
	chronyview_found(&view, 0x47464230); /* not there: no change */
	assert_int_equal(view.n_missing, 1);
	for (uint32_t i = 0; i < 2 * CHRONYWATCH_MISSING_MAX; i++)
		chronyview_note_missing(&view, 0x100 + i);
	assert_int_equal(view.n_missing, CHRONYWATCH_MISSING_MAX);
	assert_false(chronyview_note_missing(&view, 0x7fffffff));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_counts, reset),
	    cmocka_unit_test_setup(test_hostile_counts, reset),
	    cmocka_unit_test_setup(test_extra_sources, reset),
	    cmocka_unit_test_setup(test_steps, reset),
	    cmocka_unit_test_setup(test_missing, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
