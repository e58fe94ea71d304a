/* sim.c: driver for a simulated PHC built on the shared clock model. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "driver.h"

struct phc_dev {
	struct clockmodel model;
	int readings;
	unsigned long read_errors;
};

static int64_t realtime_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int sim_open(const struct phc_open_args *a, struct phc_dev **out)
{
	struct clockmodel_params defaults;
	struct phc_dev *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	if (!a->sim)
		clockmodel_defaults(&defaults);
	d->readings = a->readings < 1 ? 1 : a->readings > PHC_MAX_READINGS ? PHC_MAX_READINGS : a->readings;
	int64_t now = realtime_ns();
	clockmodel_init(&d->model, a->sim ? a->sim : &defaults,
			a->sim_epoch_ns ? a->sim_epoch_ns : now);
	if (clockmodel_vanished(&d->model, now)) {
		free(d);
		return -ENODEV;
	}
	*out = d;
	return 0;
}

static int sim_read(struct phc_dev *d, struct phc_reading *out, int max)
{
	int64_t now = realtime_ns();
	int n = max < d->readings ? max : d->readings;

	if (clockmodel_vanished(&d->model, now)) {
		d->read_errors++;
		return -ENODEV;
	}
	if (d->model.p.precise) {
		clockmodel_read_precise(&d->model, now, out);
		return 1;
	}
	clockmodel_read_extended(&d->model, now, out, n);
	return n;
}

static void sim_close(struct phc_dev *d)
{
	free(d);
}

static void sim_info(const struct phc_dev *d, struct phc_info *info)
{
	memset(info, 0, sizeof(*info));
	info->driver = "sim";
	info->method = PHC_METHOD_SIM;
	info->cross_timestamping = d->model.p.precise;
	info->probes = 1;
	info->read_errors = d->read_errors;
}

static int sim_truth(struct phc_dev *d, int64_t t_ns, double *offset_ns)
{
	*offset_ns = clockmodel_true_offset(&d->model, t_ns);
	return 0;
}

const struct phc_driver_ops phc_driver_sim = {
	.name = "sim",
	.open = sim_open,
	.read = sim_read,
	.close = sim_close,
	.info = sim_info,
	.truth = sim_truth,
};
