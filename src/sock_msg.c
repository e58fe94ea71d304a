/* sock_msg.c: the sample chronyd's refclock SOCK driver reads (pure). */
#include <errno.h>
#include <string.h>

#include "sock_msg.h"

void sockmsg_encode(int64_t sys_ns, double offset_ns, int leap,
		    struct sockmsg *out)
{
	int64_t sec = sys_ns / 1000000000LL;
	int64_t ns = sys_ns % 1000000000LL;

	if (ns < 0) {
		ns += 1000000000LL;
		sec -= 1;
	}
	memset(out, 0, sizeof(*out));
	out->tv.tv_sec = (time_t)sec;
	out->tv.tv_usec = (suseconds_t)(ns / 1000);
	out->offset = offset_ns * 1e-9;
	out->pulse = 0;
	out->leap = leap;
	out->magic = SOCKMSG_MAGIC;
}

int sockmsg_decode(const void *buf, size_t len, struct sockmsg *out)
{
	if (len != sizeof(*out))
		return -EBADMSG;
	memcpy(out, buf, sizeof(*out));
	if (out->magic != SOCKMSG_MAGIC)
		return -EBADMSG;
	if (out->leap < SOCKMSG_LEAP_NONE || out->leap > SOCKMSG_LEAP_DELETE)
		return -EINVAL;
	return 0;
}
