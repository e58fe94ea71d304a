/* ptp.c: driver for kernel PTP hardware clocks (/dev/ptp*), three methods. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "driver.h"
#include "ptp.h"

/* Consecutive failures of the chosen method before probing again. */
#define PTP_REPROBE_AFTER 3

struct phc_dev {
	int fd;
	int readings;
	phc_ioctl_fn ioctl_fn;
	enum phc_method method;
	struct ptp_clock_caps caps;
	int failures; /* consecutive failures of the current method */
	unsigned long probes;
	unsigned long read_errors;
};

static int64_t pct_to_ns(const struct ptp_clock_time *t)
{
	return (int64_t)t->sec * 1000000000LL + t->nsec;
}

void ptp_parse_precise(const struct ptp_sys_offset_precise *p,
		       struct phc_reading *out)
{
	out->phc = pct_to_ns(&p->device);
	out->sys_before = pct_to_ns(&p->sys_realtime);
	out->sys_after = out->sys_before;
}

int ptp_parse_extended(const struct ptp_sys_offset_extended *p,
		       struct phc_reading *out, int max)
{
	int n = (int)p->n_samples;
	if (n > max)
		n = max;
	if (n > PTP_MAX_SAMPLES)
		n = PTP_MAX_SAMPLES;
	for (int i = 0; i < n; i++) {
		out[i].sys_before = pct_to_ns(&p->ts[i][0]);
		out[i].phc = pct_to_ns(&p->ts[i][1]);
		out[i].sys_after = pct_to_ns(&p->ts[i][2]);
	}
	return n;
}

int ptp_parse_basic(const struct ptp_sys_offset *p, struct phc_reading *out,
		    int max)
{
	int n = (int)p->n_samples;
	if (n > max)
		n = max;
	if (n > PTP_MAX_SAMPLES)
		n = PTP_MAX_SAMPLES;
	for (int i = 0; i < n; i++) {
		out[i].sys_before = pct_to_ns(&p->ts[2 * i]);
		out[i].phc = pct_to_ns(&p->ts[2 * i + 1]);
		out[i].sys_after = pct_to_ns(&p->ts[2 * i + 2]);
	}
	return n;
}

static int real_ioctl(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg);
}

/* Call the ioctl seam, retrying EINTR. Returns 0 or -errno. */
static int do_ioctl(struct phc_dev *d, unsigned long request, void *arg)
{
	for (;;) {
		if (d->ioctl_fn(d->fd, request, arg) == 0)
			return 0;
		if (errno != EINTR)
			return errno ? -errno : -EIO;
	}
}

static int read_precise(struct phc_dev *d, struct phc_reading *out)
{
	struct ptp_sys_offset_precise p;
	memset(&p, 0, sizeof(p));
	int r = do_ioctl(d, PTP_SYS_OFFSET_PRECISE, &p);
	if (r < 0)
		return r;
	ptp_parse_precise(&p, out);
	return 1;
}

static int read_extended(struct phc_dev *d, struct phc_reading *out, int max)
{
	struct ptp_sys_offset_extended p;
	memset(&p, 0, sizeof(p));
	p.n_samples = (unsigned)(max < d->readings ? max : d->readings);
	int r = do_ioctl(d, PTP_SYS_OFFSET_EXTENDED, &p);
	if (r < 0)
		return r;
	r = ptp_parse_extended(&p, out, max);
	return r > 0 ? r : -EIO;
}

static int read_basic(struct phc_dev *d, struct phc_reading *out, int max)
{
	struct ptp_sys_offset p;
	memset(&p, 0, sizeof(p));
	p.n_samples = (unsigned)(max < d->readings ? max : d->readings);
	int r = do_ioctl(d, PTP_SYS_OFFSET, &p);
	if (r < 0)
		return r;
	r = ptp_parse_basic(&p, out, max);
	return r > 0 ? r : -EIO;
}

static int read_with(struct phc_dev *d, enum phc_method m,
		     struct phc_reading *out, int max)
{
	switch (m) {
	case PHC_METHOD_PRECISE:
		return read_precise(d, out);
	case PHC_METHOD_EXTENDED:
		return read_extended(d, out, max);
	case PHC_METHOD_BASIC:
		return read_basic(d, out, max);
	default:
		return -EOPNOTSUPP;
	}
}

/* Try the methods best first; keep the first that returns a reading. */
static int probe(struct phc_dev *d)
{
	static const enum phc_method order[] = {
		PHC_METHOD_PRECISE, PHC_METHOD_EXTENDED, PHC_METHOD_BASIC,
	};
	struct phc_reading r[PHC_MAX_READINGS];
	int err = -EOPNOTSUPP;

	d->probes++;
	d->failures = 0;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		err = read_with(d, order[i], r, PHC_MAX_READINGS);
		if (err > 0) {
			d->method = order[i];
			return 0;
		}
		if (err == -ENODEV)
			break;
	}
	d->method = PHC_METHOD_NONE;
	return err;
}

static int ptp_open(const struct phc_open_args *a, struct phc_dev **out)
{
	struct phc_dev *d = calloc(1, sizeof(*d));
	int r;

	if (!d)
		return -ENOMEM;
	d->readings = a->readings < 1 ? 1 : a->readings > PHC_MAX_READINGS ? PHC_MAX_READINGS : a->readings;
	d->ioctl_fn = a->ioctl_fn ? a->ioctl_fn : real_ioctl;
	d->fd = a->fd >= 0 ? a->fd : open(a->path, O_RDONLY | O_CLOEXEC);
	if (d->fd < 0) {
		r = -errno;
		free(d);
		return r;
	}
	r = do_ioctl(d, PTP_CLOCK_GETCAPS, &d->caps);
	if (r == 0)
		r = probe(d);
	if (r < 0) {
		close(d->fd);
		free(d);
		return r;
	}
	*out = d;
	return 0;
}

/* Errors that mean "this method stopped working", not "device gone". */
static bool method_failure(int err)
{
	return err == -EOPNOTSUPP || err == -EBUSY || err == -EIO ||
	       err == -EINVAL || err == -ENOTTY;
}

static int ptp_read(struct phc_dev *d, struct phc_reading *out, int max)
{
	int r = read_with(d, d->method, out, max);
	if (r > 0) {
		d->failures = 0;
		return r;
	}
	d->read_errors++;
	if (method_failure(r) && ++d->failures >= PTP_REPROBE_AFTER) {
		int pr = probe(d);
		if (pr == 0)
			return read_with(d, d->method, out, max);
	}
	return r;
}

static void ptp_close(struct phc_dev *d)
{
	if (!d)
		return;
	if (d->fd >= 0)
		close(d->fd);
	free(d);
}

static void ptp_info(const struct phc_dev *d, struct phc_info *info)
{
	memset(info, 0, sizeof(*info));
	info->driver = "ptp";
	info->method = d->method;
	info->max_adj_ppb = d->caps.max_adj;
	info->cross_timestamping = d->caps.cross_timestamping;
	info->probes = d->probes;
	info->read_errors = d->read_errors;
}

const struct phc_driver_ops phc_driver_ptp = {
	.name = "ptp",
	.open = ptp_open,
	.read = ptp_read,
	.close = ptp_close,
	.info = ptp_info,
	.truth = NULL,
};
