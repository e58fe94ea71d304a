/* ptp_fakephc_probe.c: the ptp driver's real ioctl path against fakephc. */
/*
 *   ptp_fakephc_probe precise DEV SOCK NAME
 *	open: method precise, caps say cross-timestamping; 20 reads of one
 *	cross-timestamp each, within 50 ns of the truth
 *   ptp_fakephc_probe extended DEV SOCK NAME READINGS MAX_ADJ
 *	open: method extended, caps max_adj MAX_ADJ and no cross-timestamping;
 *	20 reads of READINGS readings, ordered, each window holding the truth
 *   ptp_fakephc_probe vanish DEV SOCK NAME
 *	VANISH: read -ENODEV, open -ENOENT; RETURN: the old device stays
 *	dead (-ENODEV), a fresh open reads again
 *   ptp_fakephc_probe nomethod DEV
 *	open fails with -EOPNOTSUPP (no method answers: fakephc --real-methods
 *	on a clock without PRECISE or EXTENDED, where FUSE cannot carry the
 *	basic PTP_SYS_OFFSET either)
 * Exit 0 when every check passes, 1 otherwise (reasons on stderr).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "driver.h"
#include "truthclient.h"

#define PROBE_READS 20
#define PRECISE_TOL_NS 50.0 /* fakephc's kvm: 5 ns noise */
#define WINDOW_TOL_NS 2.0   /* rounding to whole ns, drift inside a read */

static int failures;

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "FAIL %s:%d: ", __func__, __LINE__);   \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			failures++;                                            \
		}                                                              \
	} while (0)

static int probe_open(const char *path, int readings, struct phc_dev **dev)
{
	struct phc_open_args a = {
		.path = path, .readings = readings, .fd = -1,
	};
	return phc_driver_ptp.open(&a, dev);
}

static int connect_truth(const char *sock)
{
	int fd = truth_connect(sock);
	if (fd < 0) {
		fprintf(stderr, "FAIL: truth socket %s: %s\n", sock,
			strerror(-fd));
		exit(1);
	}
	return fd;
}

static double truth_at(int fd, const char *name, int64_t t)
{
	double off = NAN;
	int r = truth_offset(fd, name, t, &off);
	CHECK(r == 0, "TRUTH %s: %s", name, strerror(-r));
	return off;
}

static int cmd_precise(char **argv)
{
	struct phc_reading r[PHC_MAX_READINGS];
	struct phc_info info;
	struct phc_dev *dev;
	int fd = connect_truth(argv[1]);
	int ret = probe_open(argv[0], 10, &dev);

	if (ret < 0) {
		fprintf(stderr, "FAIL: open %s: %s\n", argv[0], strerror(-ret));
		return 1;
	}
	phc_driver_ptp.info(dev, &info);
	CHECK(info.method == PHC_METHOD_PRECISE, "method %s",
	      phc_method_name(info.method));
	CHECK(info.cross_timestamping == 1, "caps cross_timestamping %d",
	      info.cross_timestamping);
	double worst = 0.0;
	for (int i = 0; i < PROBE_READS; i++) {
		int n = phc_driver_ptp.read(dev, r, PHC_MAX_READINGS);
		CHECK(n == 1, "read gave %d", n);
		if (n != 1)
			break;
		CHECK(r[0].sys_before == r[0].sys_after, "not a cross-timestamp");
		double e = (double)(r[0].phc - r[0].sys_before) -
			   truth_at(fd, argv[2], r[0].sys_before);
		CHECK(fabs(e) <= PRECISE_TOL_NS, "offset off the truth by %.1f ns", e);
		if (fabs(e) > worst)
			worst = fabs(e);
	}
	phc_driver_ptp.close(dev);
	close(fd);
	printf("precise %s: %d reads, worst %.1f ns from the truth\n", argv[2],
	       PROBE_READS, worst);
	return failures ? 1 : 0;
}

/* Readings are ordered and each read window holds the true offset. */
static double check_windows(int fd, const char *name,
			    const struct phc_reading *r, int n)
{
	double worst = 0.0;
	for (int i = 0; i < n; i++) {
		double d = (double)(r[i].sys_after - r[i].sys_before);
		CHECK(d >= 0.0, "reading %d: after before before", i);
		if (i > 0)
			CHECK(r[i].sys_before >= r[i - 1].sys_after,
			      "reading %d starts before %d ended", i, i - 1);
		int64_t mid = r[i].sys_before + (int64_t)(d / 2.0);
		double e = (double)(r[i].phc - mid) - truth_at(fd, name, mid);
		CHECK(fabs(e) <= d / 2.0 + WINDOW_TOL_NS,
		      "reading %d: %.1f ns from the truth, window %.0f ns", i,
		      e, d);
		if (fabs(e) - d / 2.0 > worst)
			worst = fabs(e) - d / 2.0;
	}
	return worst;
}

static int cmd_extended(char **argv)
{
	struct phc_reading r[PHC_MAX_READINGS];
	struct phc_info info;
	struct phc_dev *dev;
	int readings = atoi(argv[3]), max_adj = atoi(argv[4]);
	int fd = connect_truth(argv[1]);
	int ret = probe_open(argv[0], readings, &dev);

	if (ret < 0) {
		fprintf(stderr, "FAIL: open %s: %s\n", argv[0], strerror(-ret));
		return 1;
	}
	phc_driver_ptp.info(dev, &info);
	CHECK(info.method == PHC_METHOD_EXTENDED, "method %s",
	      phc_method_name(info.method));
	CHECK(info.cross_timestamping == 0, "caps cross_timestamping %d",
	      info.cross_timestamping);
	CHECK(info.max_adj_ppb == max_adj, "caps max_adj %d, want %d",
	      info.max_adj_ppb, max_adj);
	double worst = -INFINITY;
	for (int i = 0; i < PROBE_READS; i++) {
		int n = phc_driver_ptp.read(dev, r, PHC_MAX_READINGS);
		CHECK(n == readings, "read gave %d, want %d", n, readings);
		if (n <= 0)
			break;
		double w = check_windows(fd, argv[2], r, n);
		if (w > worst)
			worst = w;
	}
	phc_driver_ptp.close(dev);
	close(fd);
	printf("extended %s: %d reads of %d readings, every window holds the "
	       "truth (worst margin %+.1f ns)\n", argv[2], PROBE_READS,
	       readings, worst);
	return failures ? 1 : 0;
}

static void side(int fd, const char *verb, const char *name)
{
	char req[128], reply[128];
	snprintf(req, sizeof(req), "%s %s", verb, name);
	int r = truth_request(fd, req, reply, sizeof(reply));
	CHECK(r == 0, "%s: %s", req, r == -EPROTO ? reply : strerror(-r));
}

static int cmd_vanish(char **argv)
{
	struct phc_reading r[PHC_MAX_READINGS];
	struct phc_dev *dev, *dev2 = NULL;
	int fd = connect_truth(argv[1]);
	int ret = probe_open(argv[0], 5, &dev);

	if (ret < 0) {
		fprintf(stderr, "FAIL: open %s: %s\n", argv[0], strerror(-ret));
		return 1;
	}
	CHECK(phc_driver_ptp.read(dev, r, 5) > 0, "read before the unplug");
	side(fd, "VANISH", argv[2]);
	/* -ENODEV every time: the driver must not take it for a method fault */
	for (int i = 0; i < 4; i++)
		CHECK((ret = phc_driver_ptp.read(dev, r, 5)) == -ENODEV,
		      "read while gone: %d", ret);
	CHECK((ret = probe_open(argv[0], 5, &dev2)) == -ENOENT,
	      "open while gone: %d", ret);
	if (ret == 0)
		phc_driver_ptp.close(dev2);
	side(fd, "RETURN", argv[2]);
	CHECK((ret = phc_driver_ptp.read(dev, r, 5)) == -ENODEV,
	      "read of the old device after the return: %d", ret);
	phc_driver_ptp.close(dev);
	ret = probe_open(argv[0], 5, &dev2);
	CHECK(ret == 0, "open after the return: %s", strerror(-ret));
	if (ret == 0) {
		CHECK((ret = phc_driver_ptp.read(dev2, r, 5)) == 5,
		      "read after reopening: %d", ret);
		phc_driver_ptp.close(dev2);
	}
	close(fd);
	printf("vanish %s: ENODEV while gone and on the old device, ENOENT "
	       "on open, a fresh open reads again\n", argv[2]);
	return failures ? 1 : 0;
}

static int cmd_nomethod(char **argv)
{
	struct phc_dev *dev;
	int ret = probe_open(argv[0], 5, &dev);

	CHECK(ret == -EOPNOTSUPP, "open gave %d (%s), want -EOPNOTSUPP", ret,
	      strerror(-ret));
	if (ret == 0)
		phc_driver_ptp.close(dev);
	printf("nomethod %s: open refused with EOPNOTSUPP\n", argv[0]);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "precise") == 0)
		return cmd_precise(argv + 2);
	if (argc == 7 && strcmp(argv[1], "extended") == 0)
		return cmd_extended(argv + 2);
	if (argc == 5 && strcmp(argv[1], "vanish") == 0)
		return cmd_vanish(argv + 2);
	if (argc == 3 && strcmp(argv[1], "nomethod") == 0)
		return cmd_nomethod(argv + 2);
	fprintf(stderr, "usage: ptp_fakephc_probe precise DEV SOCK NAME\n"
			"       ptp_fakephc_probe extended DEV SOCK NAME "
			"READINGS MAX_ADJ\n"
			"       ptp_fakephc_probe vanish DEV SOCK NAME\n"
			"       ptp_fakephc_probe nomethod DEV\n");
	return 2;
}
