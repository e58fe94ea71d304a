/* vmclock.c: the Linux VMClock shared page: decoding a copy of it and
 * reading it live under its seqcount (pure: no I/O). */
#include <errno.h>
#include <string.h>

#include "le.h"
#include "sock_msg.h"
#include "vmclock.h"

/*
 * The fields that never change (magic .. time_type, the first
 * VMCLOCK_OFF_SEQ bytes, at @p) of a region of @len bytes: 0 or the
 * permanent error. Reads nothing when @len is too short.
 */
static int check_constant(const uint8_t *p, size_t len)
{
	uint32_t size;
	uint8_t type;

	if (len < VMCLOCK_MIN_SIZE)
		return -EINVAL;
	if (le_get32(p + VMCLOCK_OFF_MAGIC) != VMCLOCK_MAGIC ||
	    le_get16(p + VMCLOCK_OFF_VERSION) != VMCLOCK_VERSION)
		return -EINVAL;
	size = le_get32(p + VMCLOCK_OFF_SIZE);
	if (size < VMCLOCK_MIN_SIZE || size > len)
		return -EINVAL;
	type = p[VMCLOCK_OFF_TIME_TYPE];
	if (type != VMCLOCK_TIME_UTC && type != VMCLOCK_TIME_TAI &&
	    type != VMCLOCK_TIME_MONOTONIC)
		return -ENOTSUP;
	return 0;
}

/* The u64 at @off when @flag is set in @flags (and @valid says so), or 0. */
static uint64_t get_if(const uint8_t *p, size_t off, uint64_t flags,
		       uint64_t flag, bool *valid)
{
	*valid = (flags & flag) != 0;
	return *valid ? le_get64(p + off) : 0;
}

/* The fields under seq_count of a checked page of @size bytes. */
static void decode_dynamic(const uint8_t *p, uint32_t size,
			   struct vmclock_state *st)
{
	uint64_t f = le_get64(p + VMCLOCK_OFF_FLAGS);

	st->flags = f;
	st->disruption_marker = le_get64(p + VMCLOCK_OFF_DISRUPTION);
	st->clock_status = p[VMCLOCK_OFF_STATUS];
	st->smearing_hint = p[VMCLOCK_OFF_SMEARING_HINT];
	st->tai_offset_valid = (f & VMCLOCK_FLAG_TAI_OFFSET_VALID) != 0;
	if (st->tai_offset_valid)
		st->tai_offset_sec =
			(int16_t)le_get16(p + VMCLOCK_OFF_TAI_OFFSET);
	st->leap_indicator = p[VMCLOCK_OFF_LEAP];
	st->counter_period_shift = p[VMCLOCK_OFF_PERIOD_SHIFT];
	st->counter_value = le_get64(p + VMCLOCK_OFF_COUNTER_VALUE);
	st->counter_period_frac_sec = le_get64(p + VMCLOCK_OFF_PERIOD);
	st->period_esterror_rate_frac_sec =
		get_if(p, VMCLOCK_OFF_PERIOD_ESTERR, f,
		       VMCLOCK_FLAG_PERIOD_ESTERROR_VALID,
		       &st->period_esterror_valid);
	st->period_maxerror_rate_frac_sec =
		get_if(p, VMCLOCK_OFF_PERIOD_MAXERR, f,
		       VMCLOCK_FLAG_PERIOD_MAXERROR_VALID,
		       &st->period_maxerror_valid);
	st->time_sec = le_get64(p + VMCLOCK_OFF_TIME_SEC);
	st->time_frac_sec = le_get64(p + VMCLOCK_OFF_TIME_FRAC);
	st->time_esterror_ns = get_if(p, VMCLOCK_OFF_TIME_ESTERR, f,
				      VMCLOCK_FLAG_TIME_ESTERROR_VALID,
				      &st->time_esterror_valid);
	st->time_maxerror_ns = get_if(p, VMCLOCK_OFF_TIME_MAXERR, f,
				      VMCLOCK_FLAG_TIME_MAXERROR_VALID,
				      &st->time_maxerror_valid);
	/* a field past the region's end is absent whatever the flag says */
	if (size >= VMCLOCK_OFF_VM_GENERATION + 8)
		st->vm_generation =
			get_if(p, VMCLOCK_OFF_VM_GENERATION, f,
			       VMCLOCK_FLAG_VM_GEN_COUNTER_PRESENT,
			       &st->vm_generation_present);
}

/*
 * Decode the first @avail bytes of a region of @len bytes (@avail <= @len:
 * vmclock_read() copies only the prefix it knows; @avail >= VMCLOCK_MIN_SIZE
 * whenever @len is).
 */
static int parse_prefix(const uint8_t *p, size_t avail, size_t len,
			struct vmclock_state *out)
{
	uint32_t size;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = check_constant(p, len);
	if (rc < 0)
		return rc;
	size = le_get32(p + VMCLOCK_OFF_SIZE);
	/* the fields past @avail were not copied: decode as if absent */
	if (size > avail)
		size = (uint32_t)avail;
	out->seq = le_get32(p + VMCLOCK_OFF_SEQ);
	if (out->seq & 1) {
		out->seq = 0;
		return -EAGAIN;
	}
	out->size = le_get32(p + VMCLOCK_OFF_SIZE);
	out->counter_id = p[VMCLOCK_OFF_COUNTER_ID];
	out->time_type = p[VMCLOCK_OFF_TIME_TYPE];
	decode_dynamic(p, size, out);
	return 0;
}

int vmclock_parse(const void *page, size_t len, struct vmclock_state *out)
{
	return parse_prefix(page, len, len, out);
}

/* seq_count of the live page, read with acquire semantics. */
static uint32_t load_seq(const volatile uint8_t *p)
{
	const volatile uint32_t *s =
		(const volatile uint32_t *)(p + VMCLOCK_OFF_SEQ);
	uint32_t v = __atomic_load_n(s, __ATOMIC_ACQUIRE);

#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	return v;
}

/*
 * @n bytes of the live page into @dst. memcpy() would drop the volatile
 * qualifier; the byte loop keeps every load a real one.
 */
static void copy_live(uint8_t *dst, const volatile uint8_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = src[i];
}

int vmclock_read(const volatile void *page, size_t len,
		 struct vmclock_state *out, int max_tries)
{
	const volatile uint8_t *p = page;
	uint8_t copy[VMCLOCK_COPY_SIZE];
	size_t n = len < sizeof(copy) ? len : sizeof(copy);
	int rc;

	/* the constant fields need no seqcount: a bad page fails at once */
	copy_live(copy, p, n < VMCLOCK_OFF_SEQ ? n : VMCLOCK_OFF_SEQ);
	rc = check_constant(copy, len);
	if (rc < 0) {
		memset(out, 0, sizeof(*out));
		return rc;
	}
	for (int t = 0; t < (max_tries < 1 ? 1 : max_tries); t++) {
		uint32_t seq = load_seq(p);

		if (seq & 1)
			continue;
		copy_live(copy, p, n);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (load_seq(p) == seq)
			return parse_prefix(copy, n, len, out);
	}
	memset(out, 0, sizeof(*out));
	return -EAGAIN;
}

const char *vmclock_status_name(uint8_t status)
{
	static const char *const names[] = {
		[VMCLOCK_STATUS_UNKNOWN] = "unknown",
		[VMCLOCK_STATUS_INITIALIZING] = "initializing",
		[VMCLOCK_STATUS_SYNCHRONIZED] = "synchronized",
		[VMCLOCK_STATUS_FREERUNNING] = "freerunning",
		[VMCLOCK_STATUS_UNRELIABLE] = "unreliable",
	};

	if (status >= sizeof(names) / sizeof(names[0]))
		return "invalid";
	return names[status];
}

bool vmclock_usable(const struct vmclock_state *st)
{
	return st->clock_status == VMCLOCK_STATUS_SYNCHRONIZED;
}

int vmclock_leap_sock(uint8_t leap_indicator)
{
	switch (leap_indicator) {
	case VMCLOCK_LEAP_PRE_POS:
	case VMCLOCK_LEAP_POS:
		return SOCKMSG_LEAP_INSERT;
	case VMCLOCK_LEAP_PRE_NEG:
		return SOCKMSG_LEAP_DELETE;
	default:
		return SOCKMSG_LEAP_NONE;
	}
}

bool vmclock_disrupted(const struct vmclock_state *before,
		       const struct vmclock_state *after)
{
	if (before->disruption_marker != after->disruption_marker)
		return true;
	return before->vm_generation_present &&
	       after->vm_generation_present &&
	       before->vm_generation != after->vm_generation;
}
