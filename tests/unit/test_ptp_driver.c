/* test_ptp_driver.c: the ptp driver's layouts, probing and re-probing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "driver.h"
#include "ptp.h"

/* The fake kernel: which methods work, and what they return. */
static struct {
	int precise_err, extended_err, basic_err, caps_err;
	unsigned last_n_samples;
	int calls_precise, calls_extended, calls_basic;
} fake;

#define T0 1700000000LL

static void set_pct(struct ptp_clock_time *t, long long sec, unsigned nsec)
{
	t->sec = sec;
	t->nsec = nsec;
}

static int fake_ioctl(int fd, unsigned long req, void *arg)
{
	if (req == PTP_CLOCK_GETCAPS) {
		struct ptp_clock_caps *c = arg;
		if (fake.caps_err) {
			errno = fake.caps_err;
			return -1;
		}
		memset(c, 0, sizeof(*c));
		c->max_adj = 500000;
		c->cross_timestamping = fake.precise_err == 0;
		return 0;
	}
	if (req == PTP_SYS_OFFSET_PRECISE) {
		struct ptp_sys_offset_precise *p = arg;
		fake.calls_precise++;
		if (fake.precise_err) {
			errno = fake.precise_err;
			return -1;
		}
		set_pct(&p->device, T0 + 37, 500);
		set_pct(&p->sys_realtime, T0, 250);
		return 0;
	}
	if (req == PTP_SYS_OFFSET_EXTENDED) {
		struct ptp_sys_offset_extended *p = arg;
		fake.calls_extended++;
		fake.last_n_samples = p->n_samples;
		if (fake.extended_err) {
			errno = fake.extended_err;
			return -1;
		}
		for (unsigned i = 0; i < p->n_samples; i++) {
			set_pct(&p->ts[i][0], T0, 1000 * i);
			set_pct(&p->ts[i][1], T0 + 1, 1000 * i + 400);
			set_pct(&p->ts[i][2], T0, 1000 * i + 900);
		}
		return 0;
	}
	if (req == PTP_SYS_OFFSET) {
		struct ptp_sys_offset *p = arg;
		fake.calls_basic++;
		fake.last_n_samples = p->n_samples;
		if (fake.basic_err) {
			errno = fake.basic_err;
			return -1;
		}
		/* sys, phc, sys, phc, ..., sys */
		for (unsigned i = 0; i <= 2 * p->n_samples; i++) {
			if (i % 2 == 0)
				set_pct(&p->ts[i], T0, 1000 * i);
			else
				set_pct(&p->ts[i], T0 + 2, 1000 * i);
		}
		return 0;
	}
	errno = ENOTTY;
	return -1;
}

static int reset(void **state)
{
	memset(&fake, 0, sizeof(fake));
	return 0;
}

static int open_dev(struct phc_dev **dev, int readings)
{
	struct phc_open_args a = {
		.path = "/dev/null",
		.readings = readings,
		.fd = open("/dev/null", O_RDONLY),
		.ioctl_fn = fake_ioctl,
	};
	return phc_driver_ptp.open(&a, dev);
}

static enum phc_method method_of(struct phc_dev *dev)
{
	struct phc_info info;
	phc_driver_ptp.info(dev, &info);
	return info.method;
}

static void test_parse_precise(void **state)
{
	struct ptp_sys_offset_precise p;
	struct phc_reading r;

	memset(&p, 0, sizeof(p));
	set_pct(&p.device, T0 + 37, 999999999);
	set_pct(&p.sys_realtime, T0, 1);
	ptp_parse_precise(&p, &r);
	assert_int_equal(r.phc, (T0 + 37) * 1000000000LL + 999999999);
	assert_int_equal(r.sys_before, T0 * 1000000000LL + 1);
	assert_int_equal(r.sys_after, r.sys_before);
}

static void test_parse_extended(void **state)
{
	struct ptp_sys_offset_extended p;
	struct phc_reading r[PTP_MAX_SAMPLES];

	memset(&p, 0, sizeof(p));
	p.n_samples = 3;
	for (int i = 0; i < 3; i++) {
		set_pct(&p.ts[i][0], T0, 10 * i);
		set_pct(&p.ts[i][1], T0 + 5, 10 * i + 3);
		set_pct(&p.ts[i][2], T0, 10 * i + 7);
	}
	assert_int_equal(ptp_parse_extended(&p, r, PTP_MAX_SAMPLES), 3);
	assert_int_equal(r[2].sys_before, T0 * 1000000000LL + 20);
	assert_int_equal(r[2].phc, (T0 + 5) * 1000000000LL + 23);
	assert_int_equal(r[2].sys_after, T0 * 1000000000LL + 27);
	/* never more than asked for */
	assert_int_equal(ptp_parse_extended(&p, r, 2), 2);
	p.n_samples = 1000;
	assert_int_equal(ptp_parse_extended(&p, r, 1000), PTP_MAX_SAMPLES);
}

static void test_parse_basic(void **state)
{
	struct ptp_sys_offset p;
	struct phc_reading r[PTP_MAX_SAMPLES];

	memset(&p, 0, sizeof(p));
	p.n_samples = 2;
	/* sys0 phc0 sys1 phc1 sys2 */
	set_pct(&p.ts[0], T0, 100);
	set_pct(&p.ts[1], T0 + 9, 150);
	set_pct(&p.ts[2], T0, 200);
	set_pct(&p.ts[3], T0 + 9, 260);
	set_pct(&p.ts[4], T0, 300);
	assert_int_equal(ptp_parse_basic(&p, r, PTP_MAX_SAMPLES), 2);
	assert_int_equal(r[0].sys_before, T0 * 1000000000LL + 100);
	assert_int_equal(r[0].phc, (T0 + 9) * 1000000000LL + 150);
	assert_int_equal(r[0].sys_after, T0 * 1000000000LL + 200);
	assert_int_equal(r[1].sys_before, T0 * 1000000000LL + 200);
	assert_int_equal(r[1].phc, (T0 + 9) * 1000000000LL + 260);
	assert_int_equal(r[1].sys_after, T0 * 1000000000LL + 300);
}

static void test_probe_prefers_precise(void **state)
{
	struct phc_dev *dev;
	struct phc_reading r[25];

	assert_int_equal(open_dev(&dev, 10), 0);
	assert_int_equal(method_of(dev), PHC_METHOD_PRECISE);
	assert_int_equal(phc_driver_ptp.read(dev, r, 25), 1);
	assert_int_equal(r[0].phc - r[0].sys_before, 37000000250LL);
	phc_driver_ptp.close(dev);
}

static void test_probe_falls_back_to_extended(void **state)
{
	struct phc_dev *dev;
	struct phc_reading r[25];

	fake.precise_err = EOPNOTSUPP;
	assert_int_equal(open_dev(&dev, 7), 0);
	assert_int_equal(method_of(dev), PHC_METHOD_EXTENDED);
	assert_int_equal(phc_driver_ptp.read(dev, r, 25), 7);
	assert_int_equal(fake.last_n_samples, 7);
	assert_int_equal(r[6].sys_before, T0 * 1000000000LL + 6000);
	assert_int_equal(r[6].phc, (T0 + 1) * 1000000000LL + 6400);
	phc_driver_ptp.close(dev);
}

static void test_probe_falls_back_to_basic(void **state)
{
	struct phc_dev *dev;
	struct phc_reading r[25];

	fake.precise_err = EOPNOTSUPP;
	fake.extended_err = ENOTTY; /* kernels before 4.19 */
	assert_int_equal(open_dev(&dev, 25), 0);
	assert_int_equal(method_of(dev), PHC_METHOD_BASIC);
	assert_int_equal(phc_driver_ptp.read(dev, r, 25), 25);
	assert_int_equal(r[24].sys_after, T0 * 1000000000LL + 50000);
	phc_driver_ptp.close(dev);
}

static void test_not_a_phc(void **state)
{
	struct phc_dev *dev;
	fake.caps_err = ENOTTY;
	assert_int_equal(open_dev(&dev, 5), -ENOTTY);
	fake.caps_err = 0;
	fake.precise_err = fake.extended_err = fake.basic_err = EOPNOTSUPP;
	assert_int_equal(open_dev(&dev, 5), -EOPNOTSUPP);
}

/* A method that keeps failing is re-probed, not given up on. */
static void test_reprobe_after_failures(void **state)
{
	struct phc_dev *dev;
	struct phc_reading r[25];
	struct phc_info info;

	fake.precise_err = EOPNOTSUPP;
	assert_int_equal(open_dev(&dev, 5), 0);
	assert_int_equal(method_of(dev), PHC_METHOD_EXTENDED);
	fake.extended_err = EBUSY;
	assert_int_equal(phc_driver_ptp.read(dev, r, 25), -EBUSY);
	assert_int_equal(phc_driver_ptp.read(dev, r, 25), -EBUSY);
	/* third failure: re-probe finds basic, and this read succeeds */
	assert_int_equal(phc_driver_ptp.read(dev, r, 25), 5);
	assert_int_equal(method_of(dev), PHC_METHOD_BASIC);
	phc_driver_ptp.info(dev, &info);
	assert_int_equal(info.probes, 2);
	assert_int_equal(info.read_errors, 3);
	/* extended recovers: the next re-probe climbs back up */
	fake.extended_err = 0;
	fake.basic_err = EIO;
	for (int i = 0; i < 2; i++)
		assert_int_equal(phc_driver_ptp.read(dev, r, 25), -EIO);
	assert_int_equal(phc_driver_ptp.read(dev, r, 25), 5);
	assert_int_equal(method_of(dev), PHC_METHOD_EXTENDED);
	phc_driver_ptp.close(dev);
}

static void test_device_gone(void **state)
{
	struct phc_dev *dev;
	struct phc_reading r[25];

	fake.precise_err = EOPNOTSUPP;
	assert_int_equal(open_dev(&dev, 5), 0);
	fake.extended_err = ENODEV;
	for (int i = 0; i < 5; i++)
		assert_int_equal(phc_driver_ptp.read(dev, r, 25), -ENODEV);
	/* ENODEV is not a method failure: no re-probe storm */
	assert_int_equal(method_of(dev), PHC_METHOD_EXTENDED);
	phc_driver_ptp.close(dev);
}

static void test_open_missing_path(void **state)
{
	struct phc_dev *dev;
	struct phc_open_args a = {
		.path = "/nonexistent/ptp9", .readings = 5, .fd = -1,
	};
	assert_int_equal(phc_driver_ptp.open(&a, &dev), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_precise),
		cmocka_unit_test(test_parse_extended),
		cmocka_unit_test(test_parse_basic),
		cmocka_unit_test_setup(test_probe_prefers_precise, reset),
		cmocka_unit_test_setup(test_probe_falls_back_to_extended, reset),
		cmocka_unit_test_setup(test_probe_falls_back_to_basic, reset),
		cmocka_unit_test_setup(test_not_a_phc, reset),
		cmocka_unit_test_setup(test_reprobe_after_failures, reset),
		cmocka_unit_test_setup(test_device_gone, reset),
		cmocka_unit_test_setup(test_open_missing_path, reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
