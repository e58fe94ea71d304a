/* test_vmclock.c: decoding the VMClock shared page from pages built byte by
 * byte here (so a wrong offset in the parser shows), and reading it live. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sock_msg.h"
#include "vmclock.h"

#define PAGE 4096

/* The page's fields, as a hypervisor would fill them. */
struct fields {
	uint32_t magic, size;
	uint16_t version;
	uint8_t counter_id, time_type;
	uint32_t seq;
	uint64_t disruption, flags;
	uint8_t status, hint;
	int16_t tai;
	uint8_t leap, shift;
	uint64_t counter, period, period_est, period_max;
	uint64_t sec, frac, time_est, time_max, gen;
};

static uint64_t pagebuf[PAGE / 8]; /* aligned as an mmap()ed page is */
static uint8_t *const page = (uint8_t *)pagebuf;

/* @n bytes of @v little-endian at @p + @off: written here, not shared with
 * the parser, at the offsets of struct vmclock_abi as numbers. */
static void put(uint8_t *p, size_t off, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

static struct fields good(void)
{
	struct fields f = {
		.magic = 0x4b4c4356, .size = PAGE, .version = 1,
		.counter_id = 1, .time_type = 1, .seq = 42,
		.disruption = 0x1122334455667788ULL,
		.flags = 0x3ff, .status = 2, .hint = 1, .tai = 37,
		.leap = 0, .shift = 29,
		.counter = 0x0102030405060708ULL,
		.period = 0x89705f4136b4a597ULL,
		.period_est = 0x1111, .period_max = 0x2222,
		.sec = 1767225600, .frac = 0x8000000000000001ULL,
		.time_est = 100, .time_max = 5000, .gen = 0xabcdef,
	};
	return f;
}

/* Fill @len bytes at @p with the page of @f; padding and the bytes past
 * the fields are not zero, so a parser reading them shows. */
static void build(uint8_t *p, size_t len, const struct fields *f)
{
	memset(p, 0xee, len);
	put(p, 0, f->magic, 4);
	put(p, 4, f->size, 4);
	put(p, 8, f->version, 2);
	put(p, 10, f->counter_id, 1);
	put(p, 11, f->time_type, 1);
	put(p, 12, f->seq, 4);
	put(p, 16, f->disruption, 8);
	put(p, 24, f->flags, 8);
	put(p, 34, f->status, 1);
	put(p, 35, f->hint, 1);
	put(p, 36, (uint16_t)f->tai, 2);
	put(p, 38, f->leap, 1);
	put(p, 39, f->shift, 1);
	put(p, 40, f->counter, 8);
	put(p, 48, f->period, 8);
	put(p, 56, f->period_est, 8);
	put(p, 64, f->period_max, 8);
	put(p, 72, f->sec, 8);
	put(p, 80, f->frac, 8);
	put(p, 88, f->time_est, 8);
	put(p, 96, f->time_max, 8);
	if (len >= 112)
		put(p, 104, f->gen, 8);
}

static int parse(const struct fields *f, size_t len, struct vmclock_state *st)
{
	build(page, len, f);
	return vmclock_parse(page, len, st);
}

static void test_full_page(void **state)
{
	struct fields f = good();
	struct vmclock_state st;

	assert_int_equal(parse(&f, PAGE, &st), 0);
	assert_int_equal(st.size, PAGE);
	assert_int_equal(st.seq, 42);
	assert_int_equal(st.counter_id, VMCLOCK_COUNTER_X86_TSC);
	assert_int_equal(st.time_type, VMCLOCK_TIME_TAI);
	assert_int_equal(st.clock_status, VMCLOCK_STATUS_SYNCHRONIZED);
	assert_int_equal(st.leap_indicator, VMCLOCK_LEAP_NONE);
	assert_int_equal(st.smearing_hint, 1);
	assert_int_equal(st.counter_period_shift, 29);
	assert_true(st.disruption_marker == 0x1122334455667788ULL);
	assert_true(st.flags == 0x3ff);
	assert_true(st.tai_offset_valid);
	assert_int_equal(st.tai_offset_sec, 37);
	assert_true(st.counter_value == 0x0102030405060708ULL);
	assert_true(st.counter_period_frac_sec == 0x89705f4136b4a597ULL);
	assert_true(st.period_esterror_valid);
	assert_true(st.period_esterror_rate_frac_sec == 0x1111);
	assert_true(st.period_maxerror_valid);
	assert_true(st.period_maxerror_rate_frac_sec == 0x2222);
	assert_true(st.time_sec == 1767225600);
	assert_true(st.time_frac_sec == 0x8000000000000001ULL);
	assert_true(st.time_esterror_valid);
	assert_true(st.time_esterror_ns == 100);
	assert_true(st.time_maxerror_valid);
	assert_true(st.time_maxerror_ns == 5000);
	assert_true(st.vm_generation_present);
	assert_true(st.vm_generation == 0xabcdef);
}

static void test_fields_signed_and_wide(void **state)
{
	struct fields f = good();
	struct vmclock_state st;

	f.tai = -2;
	f.counter_id = VMCLOCK_COUNTER_INVALID;
	f.time_type = VMCLOCK_TIME_MONOTONIC;
	f.status = 200;
	f.leap = VMCLOCK_LEAP_POST_NEG;
	f.flags = 0xffffffffffffffffULL; /* unknown bits are kept */
	f.sec = 0xfedcba9876543210ULL;
	assert_int_equal(parse(&f, PAGE, &st), 0);
	assert_int_equal(st.tai_offset_sec, -2);
	assert_int_equal(st.counter_id, 0xff);
	assert_int_equal(st.time_type, VMCLOCK_TIME_MONOTONIC);
	assert_int_equal(st.clock_status, 200);
	assert_int_equal(st.leap_indicator, VMCLOCK_LEAP_POST_NEG);
	assert_true(st.flags == 0xffffffffffffffffULL);
	assert_true(st.time_sec == 0xfedcba9876543210ULL);
	f.time_type = VMCLOCK_TIME_UTC;
	assert_int_equal(parse(&f, PAGE, &st), 0);
	assert_int_equal(st.time_type, VMCLOCK_TIME_UTC);
}

static void test_odd_seq(void **state)
{
	struct fields f = good();
	struct vmclock_state st;

	f.seq = 43;
	assert_int_equal(parse(&f, PAGE, &st), -EAGAIN);
	assert_int_equal(st.seq, 0); /* zeroed, not half-filled */
	assert_true(st.disruption_marker == 0);
	f.seq = 0xffffffff;
	assert_int_equal(parse(&f, PAGE, &st), -EAGAIN);
	f.seq = 0; /* a fresh page */
	assert_int_equal(parse(&f, PAGE, &st), 0);
}

static void test_bad_header(void **state)
{
	struct fields f;
	struct vmclock_state st;

	f = good();
	f.magic = 0x4b4c4357;
	assert_int_equal(parse(&f, PAGE, &st), -EINVAL);
	f.seq = 43; /* a permanent error wins over -EAGAIN */
	assert_int_equal(parse(&f, PAGE, &st), -EINVAL);
	f = good();
	f.version = 2;
	assert_int_equal(parse(&f, PAGE, &st), -EINVAL);
	f.version = 0x0100; /* byte-swapped 1 */
	assert_int_equal(parse(&f, PAGE, &st), -EINVAL);
	f = good();
	f.size = 103; /* ends inside time_maxerror_nanosec */
	assert_int_equal(parse(&f, PAGE, &st), -EINVAL);
	f.size = 0;
	assert_int_equal(parse(&f, PAGE, &st), -EINVAL);
	f = good();
	f.size = PAGE + 1; /* more than the buffer holds */
	assert_int_equal(parse(&f, PAGE, &st), -EINVAL);
	f.size = 200;
	assert_int_equal(parse(&f, 199, &st), -EINVAL);
	assert_int_equal(parse(&f, 200, &st), 0);
	/* buffers too short to hold the fields */
	assert_int_equal(vmclock_parse(page, 103, &st), -EINVAL);
	assert_int_equal(vmclock_parse(page, 0, &st), -EINVAL);
	assert_int_equal(vmclock_parse(NULL, 0, &st), -EINVAL);
}

static void test_time_types(void **state)
{
	struct fields f = good();
	struct vmclock_state st;

	for (int t = 0; t < 256; t++) {
		f.time_type = (uint8_t)t;
		assert_int_equal(parse(&f, PAGE, &st), t <= 2 ? 0 : -ENOTSUP);
	}
	f.time_type = VMCLOCK_TIME_SMEARED;
	f.seq = 1; /* no use retrying a smeared clock */
	assert_int_equal(parse(&f, PAGE, &st), -ENOTSUP);
}

static void test_optional_by_flags(void **state)
{
	struct fields f = good();
	struct vmclock_state st;

	f.flags = 0;
	assert_int_equal(parse(&f, PAGE, &st), 0);
	assert_false(st.tai_offset_valid);
	assert_int_equal(st.tai_offset_sec, 0);
	assert_false(st.period_esterror_valid);
	assert_true(st.period_esterror_rate_frac_sec == 0);
	assert_false(st.period_maxerror_valid);
	assert_true(st.period_maxerror_rate_frac_sec == 0);
	assert_false(st.time_esterror_valid);
	assert_true(st.time_esterror_ns == 0);
	assert_false(st.time_maxerror_valid);
	assert_true(st.time_maxerror_ns == 0);
	assert_false(st.vm_generation_present);
	assert_true(st.vm_generation == 0);
	/* the unconditional fields do not depend on flags */
	assert_true(st.counter_value == 0x0102030405060708ULL);
	assert_true(st.time_sec == 1767225600);

	/* each flag alone makes its own field valid, and no other */
	f.flags = 1ULL << 6;
	assert_int_equal(parse(&f, PAGE, &st), 0);
	assert_true(st.time_maxerror_valid);
	assert_true(st.time_maxerror_ns == 5000);
	assert_false(st.time_esterror_valid);
	f.flags = 1ULL << 5;
	assert_int_equal(parse(&f, PAGE, &st), 0);
	assert_true(st.time_esterror_valid);
	assert_false(st.time_maxerror_valid);
	f.flags = 1ULL << 4;
	assert_int_equal(parse(&f, PAGE, &st), 0);
	assert_true(st.period_maxerror_valid);
	assert_false(st.period_esterror_valid);
	f.flags = 1ULL << 3;
	assert_int_equal(parse(&f, PAGE, &st), 0);
	assert_true(st.period_esterror_valid);
	assert_false(st.period_maxerror_valid);
	f.flags = 1ULL << 0;
	assert_int_equal(parse(&f, PAGE, &st), 0);
	assert_true(st.tai_offset_valid);
	assert_int_equal(st.tai_offset_sec, 37);
	assert_false(st.vm_generation_present);
	f.flags = 1ULL << 8;
	assert_int_equal(parse(&f, PAGE, &st), 0);
	assert_true(st.vm_generation_present);
	assert_false(st.tai_offset_valid);
	f.flags = 1ULL << 7; /* TIME_MONOTONIC is not VM_GEN_COUNTER_PRESENT */
	assert_int_equal(parse(&f, PAGE, &st), 0);
	assert_false(st.vm_generation_present);
}

static void test_vm_generation_by_size(void **state)
{
	struct fields f = good();
	struct vmclock_state st;
	uint8_t *exact;

	/* a 104-byte region (Linux 6.13's layout) has no generation counter,
	 * whatever the flag says; heap buffers of the exact size let ASan
	 * catch a read past the end */
	f.size = 104;
	exact = malloc(104);
	assert_non_null(exact);
	build(exact, 104, &f);
	assert_int_equal(vmclock_parse(exact, 104, &st), 0);
	assert_false(st.vm_generation_present);
	assert_true(st.vm_generation == 0);
	assert_true(st.time_maxerror_ns == 5000);
	free(exact);
	/* nor does a size of 104 in a larger buffer */
	assert_int_equal(parse(&f, PAGE, &st), 0);
	assert_false(st.vm_generation_present);
	/* 111 still ends inside it */
	f.size = 111;
	assert_int_equal(parse(&f, PAGE, &st), 0);
	assert_false(st.vm_generation_present);

	f.size = 112;
	exact = malloc(112);
	assert_non_null(exact);
	build(exact, 112, &f);
	assert_int_equal(vmclock_parse(exact, 112, &st), 0);
	assert_true(st.vm_generation_present);
	assert_true(st.vm_generation == 0xabcdef);
	f.flags &= ~(1ULL << 8);
	build(exact, 112, &f);
	assert_int_equal(vmclock_parse(exact, 112, &st), 0);
	assert_false(st.vm_generation_present);
	assert_true(st.vm_generation == 0);
	free(exact);
}

static void test_status(void **state)
{
	static const char *const names[] = {
		"unknown", "initializing", "synchronized", "freerunning",
		"unreliable",
	};
	struct vmclock_state st;

	for (int s = 0; s < 5; s++)
		assert_string_equal(vmclock_status_name((uint8_t)s), names[s]);
	assert_string_equal(vmclock_status_name(5), "invalid");
	assert_string_equal(vmclock_status_name(0xff), "invalid");
	memset(&st, 0, sizeof(st));
	for (int s = 0; s < 256; s++) {
		st.clock_status = (uint8_t)s;
		assert_int_equal(vmclock_usable(&st),
				 s == VMCLOCK_STATUS_SYNCHRONIZED);
	}
}

static void test_leap(void **state)
{
	assert_int_equal(vmclock_leap_sock(0), SOCKMSG_LEAP_NONE);
	assert_int_equal(vmclock_leap_sock(1), SOCKMSG_LEAP_INSERT);
	assert_int_equal(vmclock_leap_sock(2), SOCKMSG_LEAP_DELETE);
	assert_int_equal(vmclock_leap_sock(3), SOCKMSG_LEAP_INSERT);
	assert_int_equal(vmclock_leap_sock(4), SOCKMSG_LEAP_NONE);
	assert_int_equal(vmclock_leap_sock(5), SOCKMSG_LEAP_NONE);
	assert_int_equal(vmclock_leap_sock(6), SOCKMSG_LEAP_NONE);
	assert_int_equal(vmclock_leap_sock(0xff), SOCKMSG_LEAP_NONE);
	assert_int_equal(SOCKMSG_LEAP_INSERT, 1);
	assert_int_equal(SOCKMSG_LEAP_DELETE, 2);
}

static void test_disrupted(void **state)
{
	struct fields f = good();
	struct vmclock_state a, b;

	assert_int_equal(parse(&f, PAGE, &a), 0);
	f.seq += 2;
	f.sec += 1; /* an ordinary update */
	assert_int_equal(parse(&f, PAGE, &b), 0);
	assert_false(vmclock_disrupted(&a, &b));
	/* live migration: a new marker */
	f.disruption++;
	assert_int_equal(parse(&f, PAGE, &b), 0);
	assert_true(vmclock_disrupted(&a, &b));
	/* restored from a snapshot: a new generation, same marker */
	f = good();
	f.gen++;
	assert_int_equal(parse(&f, PAGE, &b), 0);
	assert_true(vmclock_disrupted(&a, &b));
	assert_true(vmclock_disrupted(&b, &a));
	/* a generation in one copy only says nothing */
	f.flags &= ~(1ULL << 8);
	assert_int_equal(parse(&f, PAGE, &b), 0);
	assert_false(vmclock_disrupted(&a, &b));
	assert_false(vmclock_disrupted(&b, &a));
	/* nor in neither (size 104): only the marker counts */
	f = good();
	f.size = 104;
	assert_int_equal(parse(&f, PAGE, &a), 0);
	f.gen++;
	assert_int_equal(parse(&f, PAGE, &b), 0);
	assert_false(vmclock_disrupted(&a, &b));
}

static void test_read_odd_seq(void **state)
{
	struct fields f = good();
	struct vmclock_state st;

	f.seq = 7;
	build(page, PAGE, &f);
	assert_int_equal(vmclock_read(page, PAGE, &st, 5), -EAGAIN);
	assert_true(st.disruption_marker == 0);
	assert_int_equal(vmclock_read(page, PAGE, &st, 1), -EAGAIN);
	assert_int_equal(vmclock_read(page, PAGE, &st, 0), -EAGAIN);
	assert_int_equal(vmclock_read(page, PAGE, &st, -1), -EAGAIN);
}

static void test_read_stable(void **state)
{
	struct fields f = good();
	struct vmclock_state live, copy;

	build(page, PAGE, &f);
	assert_int_equal(vmclock_read(page, PAGE, &live, 3), 0);
	assert_int_equal(vmclock_parse(page, PAGE, &copy), 0);
	assert_memory_equal(&live, &copy, sizeof(live));
	assert_true(live.vm_generation_present);
	assert_int_equal(live.size, PAGE);
	/* max_tries below 1 still reads once */
	assert_int_equal(vmclock_read(page, PAGE, &live, 0), 0);
	assert_int_equal(live.seq, 42);
	/* a 104-byte mapping */
	f.size = 104;
	build(page, 104, &f);
	assert_int_equal(vmclock_read(page, 104, &live, 1), 0);
	assert_false(live.vm_generation_present);
}

static void test_read_bad_page(void **state)
{
	struct fields f = good();
	struct vmclock_state st;

	f.magic = 0;
	f.seq = 1; /* does not spin: the constant fields are checked first */
	build(page, PAGE, &f);
	assert_int_equal(vmclock_read(page, PAGE, &st, 1000000000), -EINVAL);
	f = good();
	f.time_type = VMCLOCK_TIME_MAYBE_SMEARED;
	build(page, PAGE, &f);
	assert_int_equal(vmclock_read(page, PAGE, &st, 3), -ENOTSUP);
	assert_int_equal(vmclock_read(page, 50, &st, 3), -EINVAL);
	f = good();
	build(page, PAGE, &f);
	assert_int_equal(vmclock_read(page, PAGE - 1, &st, 3), -EINVAL);
}

/* A hypervisor updating the page while vmclock_read() copies it: every
 * copy it accepts must be one the writer finished. */
static bool writer_stop;

static void store_seq(uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	__atomic_store_n((uint32_t *)(page + 12), v, __ATOMIC_RELEASE);
}

static void pause_for(int n)
{
	for (int i = 0; i < n; i++)
		(void)__atomic_load_n(&writer_stop, __ATOMIC_RELAXED);
}

static void *writer(void *arg)
{
	uint32_t seq = 0;

	for (uint64_t k = 1; !__atomic_load_n(&writer_stop, __ATOMIC_ACQUIRE);
	     k++) {
		store_seq(++seq); /* odd: updating */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		/* the same number in three fields, each a u64, slowly (a
		 * reader that skips the second seq_count check sees them
		 * torn) */
		__atomic_store_n(&pagebuf[40 / 8], k, __ATOMIC_RELAXED);
		pause_for(20);
		__atomic_store_n(&pagebuf[72 / 8], k, __ATOMIC_RELAXED);
		pause_for(20);
		__atomic_store_n(&pagebuf[80 / 8], k, __ATOMIC_RELAXED);
		store_seq(++seq); /* even: done */
		/* a while between updates, as a hypervisor has (and the
		 * reader a chance at an even window) */
		pause_for(100);
	}
	return NULL;
}

static void test_read_concurrent(void **state)
{
	struct fields f = good();
	struct vmclock_state st;
	pthread_t th;
	int ok = 0;

	f.seq = 0;
	f.counter = f.sec = f.frac = 0;
	build(page, PAGE, &f);
	writer_stop = false;
	assert_int_equal(pthread_create(&th, NULL, writer, NULL), 0);
	for (int i = 0; i < 20000; i++) {
		int rc = vmclock_read(page, PAGE, &st, 1000);

		if (rc == -EAGAIN)
			continue; /* the writer held the page throughout */
		assert_int_equal(rc, 0);
		assert_int_equal(st.seq & 1, 0);
		assert_true(st.counter_value == st.time_sec);
		assert_true(st.time_frac_sec == st.time_sec);
		ok++;
	}
	__atomic_store_n(&writer_stop, true, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_true(ok > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_page),
		cmocka_unit_test(test_fields_signed_and_wide),
		cmocka_unit_test(test_odd_seq),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_time_types),
		cmocka_unit_test(test_optional_by_flags),
		cmocka_unit_test(test_vm_generation_by_size),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_leap),
		cmocka_unit_test(test_disrupted),
		cmocka_unit_test(test_read_odd_seq),
		cmocka_unit_test(test_read_stable),
		cmocka_unit_test(test_read_bad_page),
		cmocka_unit_test(test_read_concurrent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
