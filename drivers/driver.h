/* driver.h: the ops table every PHC driver implements. */
#ifndef PHCB_DRIVER_H
#define PHCB_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "clockmodel.h"
#include "reading.h"

/* How a driver reads the clock, best first (linuxptp's SYSOFF_* order). */
enum phc_method {
	PHC_METHOD_NONE = 0,
	PHC_METHOD_PRECISE,  /* PTP_SYS_OFFSET_PRECISE: hardware cross-timestamp */
	PHC_METHOD_EXTENDED, /* PTP_SYS_OFFSET_EXTENDED: sys/phc/sys triplets */
	PHC_METHOD_BASIC,    /* PTP_SYS_OFFSET: interleaved sys/phc/.../sys */
	PHC_METHOD_SIM,	     /* simulated clock */
};

/**
 * phc_method_name - short name of @m: "precise", "extended", "basic",
 * "sim" or "none".
 */
const char *phc_method_name(enum phc_method m);

/* The ioctl seam: tests replace the kernel with their own function. */
typedef int (*phc_ioctl_fn)(int fd, unsigned long request, void *arg);

/* What a driver needs to open a clock. */
struct phc_open_args {
	const char *path;		     /* device path (ptp), label (sim) */
	int readings;			     /* readings per poll, 1..25 */
	int fd;				     /* already open descriptor, or -1 */
	phc_ioctl_fn ioctl_fn;		     /* NULL: the real ioctl(2) */
	const struct clockmodel_params *sim; /* sim only */
	int64_t sim_epoch_ns;		     /* sim only: model time zero */
};

/* What a driver tells about an open clock. */
struct phc_info {
	const char *driver;	/* "ptp" or "sim" */
	enum phc_method method; /* method now in use */
	int max_adj_ppb;	/* from PTP_CLOCK_GETCAPS, 0 if unknown */
	int cross_timestamping; /* caps says PRECISE is supported */
	unsigned long probes;	/* how often the method was (re)probed */
	unsigned long read_errors;
};

struct phc_dev; /* opaque, one per open clock */

/* A driver: open, read, close, describe. */
struct phc_driver_ops {
	const char *name;
	/**
	 * open - open the clock described by @args, probe the best method.
	 * Returns 0 and sets *@dev, or a negative errno.
	 */
	int (*open)(const struct phc_open_args *args, struct phc_dev **dev);
	/**
	 * read - take up to @max readings now. Returns the number taken
	 * (>= 1) or a negative errno (-ENODEV when the device is gone).
	 */
	int (*read)(struct phc_dev *dev, struct phc_reading *out, int max);
	/** close - release everything @dev holds. */
	void (*close)(struct phc_dev *dev);
	/** info - describe @dev. */
	void (*info)(const struct phc_dev *dev, struct phc_info *info);
	/**
	 * truth - the true PHC minus system offset at @t_ns, for simulated
	 * clocks only (NULL elsewhere). Returns 0 or a negative errno.
	 */
	int (*truth)(struct phc_dev *dev, int64_t t_ns, double *offset_ns);
};

extern const struct phc_driver_ops phc_driver_ptp;
extern const struct phc_driver_ops phc_driver_sim;

#endif
