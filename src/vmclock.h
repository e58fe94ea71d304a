/* vmclock.h: the Linux VMClock shared page (/dev/vmclock0, Linux 6.13+):
 * decoding a copy of it and reading it live under its seqcount (pure). */
#ifndef PHCB_VMCLOCK_H
#define PHCB_VMCLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The page's layout, all fields little-endian (offsets in bytes). The
 * fields up to time_type never change; the rest are written under
 * seq_count, which is odd while the hypervisor updates them.
 */
#define VMCLOCK_MAGIC 0x4b4c4356 /* "VCLK" read as a little-endian u32 */
#define VMCLOCK_VERSION 1
#define VMCLOCK_OFF_MAGIC 0		/* u32 */
#define VMCLOCK_OFF_SIZE 4		/* u32: bytes of the region */
#define VMCLOCK_OFF_VERSION 8		/* u16 */
#define VMCLOCK_OFF_COUNTER_ID 10	/* u8 */
#define VMCLOCK_OFF_TIME_TYPE 11	/* u8 */
#define VMCLOCK_OFF_SEQ 12		/* u32 */
#define VMCLOCK_OFF_DISRUPTION 16	/* u64 */
#define VMCLOCK_OFF_FLAGS 24		/* u64 */
#define VMCLOCK_OFF_STATUS 34		/* u8 (32, 33: padding) */
#define VMCLOCK_OFF_SMEARING_HINT 35	/* u8 */
#define VMCLOCK_OFF_TAI_OFFSET 36	/* s16 */
#define VMCLOCK_OFF_LEAP 38		/* u8 */
#define VMCLOCK_OFF_PERIOD_SHIFT 39	/* u8 */
#define VMCLOCK_OFF_COUNTER_VALUE 40	/* u64 */
#define VMCLOCK_OFF_PERIOD 48		/* u64 */
#define VMCLOCK_OFF_PERIOD_ESTERR 56	/* u64 */
#define VMCLOCK_OFF_PERIOD_MAXERR 64	/* u64 */
#define VMCLOCK_OFF_TIME_SEC 72		/* u64 */
#define VMCLOCK_OFF_TIME_FRAC 80	/* u64 */
#define VMCLOCK_OFF_TIME_ESTERR 88	/* u64 */
#define VMCLOCK_OFF_TIME_MAXERR 96	/* u64 */
#define VMCLOCK_OFF_VM_GENERATION 104	/* u64 */
/* The end of time_maxerror_nanosec: the smallest size accepted. */
#define VMCLOCK_MIN_SIZE 104
/* The end of vm_generation_counter: the prefix vmclock_read() copies. */
#define VMCLOCK_COPY_SIZE 112

/* counter_id: the CPU counter that counter_value is a reading of. */
#define VMCLOCK_COUNTER_ARM_VCNT 0
#define VMCLOCK_COUNTER_X86_TSC 1
#define VMCLOCK_COUNTER_INVALID 0xff /* no counter: time fields are unusable */

/* time_type: the timescale of time_sec and time_frac_sec. */
#define VMCLOCK_TIME_UTC 0
#define VMCLOCK_TIME_TAI 1
#define VMCLOCK_TIME_MONOTONIC 2 /* no defined epoch */
#define VMCLOCK_TIME_SMEARED 3	 /* refused (-ENOTSUP) */
#define VMCLOCK_TIME_MAYBE_SMEARED 4 /* refused (-ENOTSUP) */

/* flags. */
#define VMCLOCK_FLAG_TAI_OFFSET_VALID (1ULL << 0)
#define VMCLOCK_FLAG_DISRUPTION_SOON (1ULL << 1)     /* within about a day */
#define VMCLOCK_FLAG_DISRUPTION_IMMINENT (1ULL << 2) /* within about an hour */
#define VMCLOCK_FLAG_PERIOD_ESTERROR_VALID (1ULL << 3)
#define VMCLOCK_FLAG_PERIOD_MAXERROR_VALID (1ULL << 4)
#define VMCLOCK_FLAG_TIME_ESTERROR_VALID (1ULL << 5)
#define VMCLOCK_FLAG_TIME_MAXERROR_VALID (1ULL << 6)
#define VMCLOCK_FLAG_TIME_MONOTONIC (1ULL << 7)
#define VMCLOCK_FLAG_VM_GEN_COUNTER_PRESENT (1ULL << 8)
#define VMCLOCK_FLAG_NOTIFICATION_PRESENT (1ULL << 9)

/* clock_status. */
#define VMCLOCK_STATUS_UNKNOWN 0
#define VMCLOCK_STATUS_INITIALIZING 1
#define VMCLOCK_STATUS_SYNCHRONIZED 2
#define VMCLOCK_STATUS_FREERUNNING 3
#define VMCLOCK_STATUS_UNRELIABLE 4

/* leap_indicator, valid at the time in time_sec. */
#define VMCLOCK_LEAP_NONE 0
#define VMCLOCK_LEAP_PRE_POS 1	/* a second is inserted at the month's end */
#define VMCLOCK_LEAP_PRE_NEG 2	/* a second is deleted at the month's end */
#define VMCLOCK_LEAP_POS 3	/* now in the inserted 23:59:60 */
#define VMCLOCK_LEAP_POST_POS 4 /* a second was inserted last month */
#define VMCLOCK_LEAP_POST_NEG 5 /* a second was deleted last month */

/*
 * A consistent copy of the page, decoded. A value whose flag says it is
 * not valid (or not present) reads 0.
 */
struct vmclock_state {
	uint32_t size;		/* bytes of the region, as the page says */
	uint32_t seq;		/* seq_count of the copy (even) */
	uint8_t counter_id;	/* VMCLOCK_COUNTER_* */
	uint8_t time_type;	/* VMCLOCK_TIME_UTC, _TAI or _MONOTONIC */
	uint8_t clock_status;	/* VMCLOCK_STATUS_*, unchecked */
	uint8_t leap_indicator; /* VMCLOCK_LEAP_*, unchecked */
	uint8_t smearing_hint;	/* leap_second_smearing_hint */
	uint8_t counter_period_shift;
	uint64_t disruption_marker; /* changes when the counter is disrupted */
	uint64_t flags;		    /* VMCLOCK_FLAG_*, unknown bits kept */
	int16_t tai_offset_sec;	    /* TAI - UTC */
	bool tai_offset_valid;
	/* time_sec + time_frac_sec / 2^64 was the time at counter_value */
	uint64_t counter_value;
	uint64_t time_sec;
	uint64_t time_frac_sec;
	/* one counter tick in units of 2^-(64 + counter_period_shift) s */
	uint64_t counter_period_frac_sec;
	uint64_t period_esterror_rate_frac_sec; /* same units */
	bool period_esterror_valid;
	uint64_t period_maxerror_rate_frac_sec; /* same units */
	bool period_maxerror_valid;
	uint64_t time_esterror_ns;
	bool time_esterror_valid;
	uint64_t time_maxerror_ns;
	bool time_maxerror_valid;
	uint64_t vm_generation; /* changes when the VM is cloned or restored */
	bool vm_generation_present;
};

/**
 * vmclock_parse - decode a copy of the page: the first @len bytes of the
 * region are at @page (any alignment).
 *
 * Returns 0 and fills @out; -EINVAL when @len or the page's size is below
 * VMCLOCK_MIN_SIZE, the size exceeds @len, or the magic or the version is
 * wrong; -ENOTSUP for a time type other than UTC, TAI or monotonic (the
 * smeared ones); -EAGAIN when seq_count is odd (copied mid-update: copy
 * again). The permanent errors take precedence over -EAGAIN. @out is
 * zeroed on every error.
 */
int vmclock_parse(const void *page, size_t len, struct vmclock_state *out);

/**
 * vmclock_read - take a consistent copy of the live page mapped at @page
 * (@len bytes, 4-byte aligned, as mmap() gives) and decode it.
 *
 * Reads seq_count, copies the first VMCLOCK_COPY_SIZE bytes (fewer if
 * @len is shorter) and reads seq_count again; an odd or changed seq_count
 * means the hypervisor was writing, and the copy is taken again, at most
 * @max_tries times in all (at least once). Returns what vmclock_parse()
 * returns for the copy, or -EAGAIN when no try gave a consistent one.
 */
int vmclock_read(const volatile void *page, size_t len,
		 struct vmclock_state *out, int max_tries);

/**
 * vmclock_status_name - "unknown", "initializing", "synchronized",
 * "freerunning" or "unreliable" for a clock_status, "invalid" otherwise.
 */
const char *vmclock_status_name(uint8_t status);

/**
 * vmclock_usable - whether @st's time may be fed on: only when the
 * hypervisor says SYNCHRONIZED. UNKNOWN and INITIALIZING (never
 * synchronized yet), FREERUNNING (holdover: its error grows unbounded
 * from here) and UNRELIABLE (broken) are not usable, nor any other value.
 */
bool vmclock_usable(const struct vmclock_state *st);

/**
 * vmclock_leap_sock - the leap warning chronyd's SOCK driver takes (enum
 * sockmsg_leap) for a leap_indicator: PRE_POS and POS insert (1), PRE_NEG
 * deletes (2); NONE, POST_POS, POST_NEG and unknown values are 0.
 */
int vmclock_leap_sock(uint8_t leap_indicator);

/**
 * vmclock_disrupted - whether the counter's relation to time may have
 * broken between two copies: the disruption marker changed, or both copies
 * have a VM generation counter and it changed (the VM was cloned or
 * restored from a snapshot). A generation counter that appears or
 * disappears alone is no disruption.
 */
bool vmclock_disrupted(const struct vmclock_state *before,
		       const struct vmclock_state *after);

#endif
