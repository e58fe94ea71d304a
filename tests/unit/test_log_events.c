/* test_log_events.c: journal event kinds, their IDs, and the fields built. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <syslog.h>
#include <cmocka.h>

#include "log_events.h"

static bool is_id128(const char *s)
{
	if (!s || strlen(s) != 32)
		return false;
	for (int i = 0; i < 32; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return strspn(s, "0") != 32;
}

/* Every kind: a well-formed ID and name, none shared with another kind. */
static void test_ids_and_names(void **state)
{
	for (int i = 0; i < LOG_EVENT_KIND_COUNT; i++) {
		const char *id = log_event_id((enum log_event_kind)i);
		const char *name = log_event_name((enum log_event_kind)i);

		assert_true(is_id128(id));
		assert_non_null(name);
		assert_true(strlen(name) > 0);
		for (int j = 0; j < i; j++) {
			assert_string_not_equal(
			    id, log_event_id((enum log_event_kind)j));
			assert_string_not_equal(
			    name, log_event_name((enum log_event_kind)j));
		}
	}
	assert_null(log_event_id(LOG_EVENT_NONE));
	assert_null(log_event_name(LOG_EVENT_KIND_COUNT));
	/* the published ID of a kind does not move with the enum */
	assert_string_equal(log_event_id(LOG_EVENT_GATE_TRANSITION),
			    "97239f474b294ee8847c27f6a73dc8bd");
	assert_string_equal(log_event_name(LOG_EVENT_RELOAD_REFUSED),
			    "reload_refused");
}

static void test_field_names(void **state)
{
	assert_true(log_field_name_ok("PHCB_GATE_TO"));
	assert_true(log_field_name_ok("PHCB_OFFSET_NS"));
	assert_false(log_field_name_ok(NULL));
	assert_false(log_field_name_ok(""));
	assert_false(log_field_name_ok("PHCB_"));
	assert_false(log_field_name_ok("GATE_TO"));	/* not ours */
	assert_false(log_field_name_ok("MESSAGE"));	/* set by compose */
	assert_false(log_field_name_ok("PHCB_SOURCE")); /* set by compose */
	assert_false(log_field_name_ok("PHCB_EVENT"));
	assert_false(log_field_name_ok("phcb_gate_to"));
	assert_false(log_field_name_ok("PHCB_GATE-TO"));
	assert_false(log_field_name_ok("PHCB_GATE=TO"));
	assert_false(log_field_name_ok("_PHCB_X"));
	/* the journal's 64 characters */
	char name[70] = "PHCB_";
	memset(name + 5, 'X', 59);
	name[64] = '\0';
	assert_true(log_field_name_ok(name));
	name[64] = 'X';
	name[65] = '\0';
	assert_false(log_field_name_ok(name));
}

static void test_add(void **state)
{
	struct log_fields f;

	log_fields_init(&f);
	assert_int_equal(log_fields_add(&f, "PHCB_OFFSET_NS", "%d", -50000), 0);
	assert_int_equal(log_fields_add(&f, "PHCB_REASON", "%s: %s", "a", "b"),
			 0);
	assert_int_equal(log_fields_add(&f, "bad", "%d", 1), -EINVAL);
	assert_int_equal(f.n, 2);
	assert_int_equal(f.dropped, 1);
	assert_string_equal(f.field[0], "PHCB_OFFSET_NS=-50000");
	assert_int_equal(f.len[0], strlen("PHCB_OFFSET_NS=-50000"));
	assert_string_equal(f.field[1], "PHCB_REASON=a: b");
}

/* Values too long are cut; fields past the room are refused, not half-sent. */
static void test_limits(void **state)
{
	static char big[LOG_FIELDS_BUF * 2];
	struct log_fields f;
	int r = 0;

	memset(big, 'x', sizeof(big) - 1);
	log_fields_init(&f);
	assert_int_equal(log_fields_add(&f, "PHCB_BIG", "%s", big), 0);
	assert_int_equal(f.len[0], strlen(f.field[0]));
	assert_true(f.used <= sizeof(f.buf));
	assert_int_equal(log_fields_add(&f, "PHCB_MORE", "%d", 1), -ENOSPC);
	assert_int_equal(f.n, 1);

	log_fields_init(&f);
	for (int i = 0; i < LOG_FIELDS_MAX + 2; i++)
		r = log_fields_add(&f, "PHCB_N", "%d", i);
	assert_int_equal(r, -ENOSPC);
	assert_int_equal(f.n, LOG_FIELDS_MAX);
	assert_int_equal(f.dropped, 2);
}

static void test_compose_event(void **state)
{
	struct log_fields extra, all;

	log_fields_init(&extra);
	log_fields_add(&extra, "PHCB_GATE_FROM", "%s", "STARTUP");
	log_fields_add(&extra, "PHCB_GATE_TO", "%s", "PTP");
	assert_int_equal(
	    log_event_compose(&all, LOG_NOTICE, LOG_EVENT_GATE_TRANSITION,
			      "PHC0", "gate STARTUP -> PTP: locked", &extra),
	    8);
	assert_string_equal(all.field[0],
			    "MESSAGE=PHC0: gate STARTUP -> PTP: locked");
	assert_string_equal(all.field[1], "PRIORITY=5");
	assert_string_equal(all.field[2], "SYSLOG_IDENTIFIER=phcbrokerd");
	assert_string_equal(all.field[3],
			    "MESSAGE_ID=" LOG_EVENT_ID_GATE_TRANSITION);
	assert_string_equal(all.field[4], "PHCB_EVENT=gate_transition");
	assert_string_equal(all.field[5], "PHCB_SOURCE=PHC0");
	assert_string_equal(all.field[6], "PHCB_GATE_FROM=STARTUP");
	assert_string_equal(all.field[7], "PHCB_GATE_TO=PTP");
	for (int i = 0; i < all.n; i++)
		assert_int_equal(all.len[i], strlen(all.field[i]));
}

/* A plain line: no MESSAGE_ID, no PHCB_EVENT; no source, no PHCB_SOURCE. */
static void test_compose_plain(void **state)
{
	struct log_fields all;

	assert_int_equal(log_event_compose(&all, LOG_ERR, LOG_EVENT_NONE, NULL,
					   "stopping", NULL),
			 3);
	assert_string_equal(all.field[0], "MESSAGE=stopping");
	assert_string_equal(all.field[1], "PRIORITY=3");
	assert_string_equal(all.field[2], "SYSLOG_IDENTIFIER=phcbrokerd");
	assert_int_equal(log_event_compose(&all, LOG_ERR, LOG_EVENT_KIND_COUNT,
					   NULL, "x", NULL),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ids_and_names),
	    cmocka_unit_test(test_field_names),
	    cmocka_unit_test(test_add),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_compose_event),
	    cmocka_unit_test(test_compose_plain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
