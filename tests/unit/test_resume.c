/* test_resume.c: the gates' states handed from one worker to the next. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "resume.h"

static void test_round_trip(void **state)
{
	char buf[128] = "";
	enum gate_state st;
	enum gate_override ov;

	(void)state;
	assert_int_equal(resume_append(buf, sizeof(buf), "PHC0", GATE_PTP,
				       GATE_OVERRIDE_AUTO),
			 0);
	assert_int_equal(resume_append(buf, sizeof(buf), "NIC", GATE_FORCED,
				       GATE_OVERRIDE_NTP),
			 0);
	assert_int_equal(resume_append(buf, sizeof(buf), "KVM", GATE_HOLDOVER,
				       GATE_OVERRIDE_AUTO),
			 0);
	assert_string_equal(buf,
			    "PHC0=PTP:AUTO;NIC=FORCED:NTP;KVM=HOLDOVER:AUTO");
	assert_int_equal(resume_find(buf, "NIC", &st, &ov), 0);
	assert_int_equal(st, GATE_FORCED);
	assert_int_equal(ov, GATE_OVERRIDE_NTP);
	assert_int_equal(resume_find(buf, "KVM", &st, &ov), 0);
	assert_int_equal(st, GATE_HOLDOVER);
	assert_int_equal(resume_find(buf, "PHC0", &st, &ov), 0);
	assert_int_equal(st, GATE_PTP);
	assert_int_equal(ov, GATE_OVERRIDE_AUTO);
}

static void test_names_match_whole(void **state)
{
	enum gate_state st;
	enum gate_override ov;

	(void)state;
	/* a prefix or an extension of a name is another source */
	assert_int_equal(resume_find("PHC0=PTP:AUTO", "PHC", &st, &ov),
			 -ENOENT);
	assert_int_equal(resume_find("PHC=PTP:AUTO", "PHC0", &st, &ov),
			 -ENOENT);
	assert_int_equal(resume_find("", "PHC0", &st, &ov), -ENOENT);
	assert_int_equal(resume_find("A=NTP:AUTO;;B=PTP:PTP", "B", &st, &ov),
			 0);
	assert_int_equal(st, GATE_PTP);
	assert_int_equal(ov, GATE_OVERRIDE_PTP);
}

static void test_malformed(void **state)
{
	enum gate_state st = GATE_NTP;
	enum gate_override ov = GATE_OVERRIDE_AUTO;

	(void)state;
	assert_int_equal(resume_find("A=LOCKED:AUTO", "A", &st, &ov), -EINVAL);
	assert_int_equal(resume_find("A=PTP:MAYBE", "A", &st, &ov), -EINVAL);
	assert_int_equal(resume_find("A=PTP", "A", &st, &ov), -EINVAL);
	assert_int_equal(resume_find("A", "A", &st, &ov), -EINVAL);
	assert_int_equal(
	    resume_find("A=PTP:AUTOAUTOAUTOAUTOAUTO", "A", &st, &ov), -EINVAL);
	/* nothing written on failure */
	assert_int_equal(st, GATE_NTP);
	assert_int_equal(ov, GATE_OVERRIDE_AUTO);
}

static void test_append_limits(void **state)
{
	char buf[16] = "";

	(void)state;
	assert_int_equal(resume_append(buf, sizeof(buf), "A;B", GATE_PTP,
				       GATE_OVERRIDE_AUTO),
			 -EINVAL);
	assert_int_equal(
	    resume_append(buf, sizeof(buf), "", GATE_PTP, GATE_OVERRIDE_AUTO),
	    -EINVAL);
	assert_int_equal(
	    resume_append(buf, sizeof(buf), "AB", GATE_PTP, GATE_OVERRIDE_AUTO),
	    0);
	/* "AB=PTP:AUTO" is 11; ";CD=NTP:AUTO" does not fit: left as it was */
	assert_int_equal(
	    resume_append(buf, sizeof(buf), "CD", GATE_NTP, GATE_OVERRIDE_AUTO),
	    -ENOSPC);
	assert_string_equal(buf, "AB=PTP:AUTO");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_names_match_whole),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_append_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
