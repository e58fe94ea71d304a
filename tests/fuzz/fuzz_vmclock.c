/* fuzz_vmclock.c: libFuzzer target of the VMClock page decoder: any bytes
 * as a copy of the page, then as a live mapping, then mid-update. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmclock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What vmclock_parse() promised of a page it accepted from @len bytes. */
static void check_accepted(const struct vmclock_state *st, size_t len)
{
	if (st->seq & 1 || st->size < VMCLOCK_MIN_SIZE || st->size > len)
		abort();
	if (st->time_type > VMCLOCK_TIME_MONOTONIC)
		abort();
	if (st->time_maxerror_valid !=
		    !!(st->flags & VMCLOCK_FLAG_TIME_MAXERROR_VALID) ||
	    st->tai_offset_valid !=
		    !!(st->flags & VMCLOCK_FLAG_TAI_OFFSET_VALID))
		abort();
	if (!st->time_maxerror_valid && st->time_maxerror_ns != 0)
		abort();
	if (st->vm_generation_present &&
	    (st->size < VMCLOCK_COPY_SIZE ||
	     !(st->flags & VMCLOCK_FLAG_VM_GEN_COUNTER_PRESENT)))
		abort();
	if (!vmclock_status_name(st->clock_status))
		abort();
	if (vmclock_usable(st) !=
	    (st->clock_status == VMCLOCK_STATUS_SYNCHRONIZED))
		abort();
	if (vmclock_leap_sock(st->leap_indicator) < 0 ||
	    vmclock_leap_sock(st->leap_indicator) > 2)
		abort();
	if (vmclock_disrupted(st, st))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmclock_state st, live;
	uint8_t *page;
	int rc;

	rc = vmclock_parse(data, size, &st);
	if (rc != 0 && rc != -EINVAL && rc != -EAGAIN && rc != -ENOTSUP)
		abort();
	if (rc == 0)
		check_accepted(&st, size);
	/* malloc()'s alignment is enough for vmclock_read()'s seq_count */
	page = malloc(size ? size : 1);
	if (!page)
		return 0;
	memcpy(page, data, size);
	/* a live page nobody writes reads as its copy decodes */
	if (vmclock_read(page, size, &live, 2) != rc ||
	    memcmp(&live, &st, sizeof(st)) != 0)
		abort();
	/* the same page mid-update: only a permanent error wins */
	if (size >= VMCLOCK_MIN_SIZE) {
		page[VMCLOCK_OFF_SEQ] |= 1;
		if (vmclock_parse(page, size, &st) != (rc == 0 ? -EAGAIN : rc))
			abort();
	}
	free(page);
	return 0;
}
