/* config.h: phcbrokerd.conf: sections, keys, units, errors with file:line. */
#ifndef PHCB_CONFIG_H
#define PHCB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "clockmodel.h"
#include "gate.h"

#define CONFIG_MAX_SOURCES 16
#define CONFIG_PATH_MAX 256
#define CONFIG_SOCK_MAX 108 /* sizeof(sockaddr_un.sun_path) */
#define CONFIG_NAME_MAX 5   /* a chrony refid: 1..4 characters + NUL */
#define CONFIG_MAX_READS 8  /* reads per poll */
/* The largest configuration file: what privilege separation passes to the
 * worker in one message (PRIVSEP_TEXT_MAX). */
#define CONFIG_TEXT_MAX 65536

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define CONFIG_DEFAULT_PATH SYSCONFDIR "/phcbroker/phcbrokerd.conf"
/*
 * control_socket when the file says nothing; phcbrokerctl's default too.
 * Fixed under /run (systemd's RuntimeDirectory), whatever configure's
 * runstatedir is.
 */
#define CONFIG_DEFAULT_CONTROL_SOCKET "/run/phcbrokerd/control.sock"

enum timescale {
	TIMESCALE_UTC, /* PHC keeps UTC (hypervisor clocks) */
	TIMESCALE_TAI, /* PHC keeps TAI (NIC PHC disciplined by ptp4l) */
};

/* Filtering of one source: estimator (per poll) and tracker (across). */
struct filter_config {
	bool enabled;		  /* false: plain mean of readings, no rejection */
	double delay_quantile;	  /* keep readings up to this delay quantile */
	double outlier_threshold; /* reject residuals beyond this many sigma */
	double step_threshold_ns; /* smallest jump treated as a step */
	bool smoothing;		  /* smooth across polls (smoother.h) */
};

/* One [source NAME] section: a PHC fed to one chrony SOCK refclock. */
struct source_config {
	char name[CONFIG_NAME_MAX];	   /* chrony refid */
	char device[CONFIG_PATH_MAX];	   /* "auto", "sim" or a path */
	char vmclock[CONFIG_PATH_MAX];	   /* VMClock page: "auto", a path,
					      "" none */
	char interface[32];		   /* NIC whose PHC to use, or "" */
	char sock[CONFIG_SOCK_MAX];	   /* chronyd's SOCK refclock path */
	char ptp4l_socket[CONFIG_SOCK_MAX]; /* ptp4l to gate on, or "" */
	int domain;			   /* PTP domain of that ptp4l */
	double rate_hz;			   /* polls per second */
	int readings;			   /* readings per read, 1..25 */
	int reads;			   /* reads per poll, back to back */
	enum timescale timescale;
	int utc_offset_s;		   /* TAI - UTC, used with TAI */
	double correction_ns;		   /* constant added to every offset */
	struct filter_config filter;
	struct gate_config gate;	   /* PTP versus NTP decision */
	bool ntp_offline_while_locked;	   /* ntp_while_locked offline */
	struct clockmodel_params sim;	   /* device sim: the model */
	int64_t sim_epoch_ns;		   /* sim: model time zero, 0 = start */
	int line;			   /* line of the section header */
	int first_sim_line;		   /* line of the first sim key, 0 none */
};

/* The [global] section. */
struct global_config {
	char control_socket[CONFIG_SOCK_MAX]; /* "" = none */
	char control_group[32];		      /* may GET, "" = root only */
	char control_admin_group[32];	      /* may SET, "" = root only */
	char chronyd_socket[CONFIG_SOCK_MAX]; /* "" = do not talk to chronyd */
	double chronyd_interval_s;	      /* its reports read this often */
	char run_dir[CONFIG_PATH_MAX];	      /* private sockets (ptp4l client) */
	char dev_root[CONFIG_PATH_MAX];
	char sysfs_root[CONFIG_PATH_MAX];
	int hypervisor;		  /* config_hypervisors[]: 0 = auto */
	int log_level;		  /* syslog priority */
	double summary_interval_s; /* periodic summary in the log, 0 = never */
	char metrics_listen[64];   /* "address:port" of /metrics, "systemd"
				      (socket activation), "" = off */
	char metrics_textfile[CONFIG_PATH_MAX]; /* written each summary, "" = off */
	char chrony_conf[CONFIG_PATH_MAX]; /* chronyd's, audited; "" = none */
	double audit_interval_s;	   /* audit this often, 0 = on demand */
};

/* chrony_conf's default; when it is the default and missing, Red Hat's
 * /etc/chrony.conf is read instead. */
#define CONFIG_DEFAULT_CHRONY_CONF "/etc/chrony/chrony.conf"

/* The words of the hypervisor key, NULL-ended: "auto", then systemd's
 * names of hypervisors ("none", "kvm", "microsoft", ...). */
extern const char *const config_hypervisors[];

struct config {
	char path[CONFIG_PATH_MAX]; /* file it came from */
	struct global_config global;
	struct source_config sources[CONFIG_MAX_SOURCES];
	int n_sources;
};

/* The sections of the file. */
enum config_section {
	CONFIG_SECTION_GLOBAL, /* [global] */
	CONFIG_SECTION_SOURCE, /* [source NAME] */
};

/* What a reload (SIGHUP) does with a changed key. */
enum config_reload {
	CONFIG_RELOAD_SOURCE,  /* [source]: that source is restarted */
	CONFIG_RELOAD_APPLY,   /* [global]: the new value takes effect */
	CONFIG_RELOAD_RESTART, /* [global]: needs a restart; reload refused */
};

/**
 * config_parse - parse configuration text.
 * @text:     the whole file, NUL-terminated
 * @filename: name used in error messages
 * @cfg:      filled on success (defaults for everything not given)
 * @err:      on failure, "FILE:LINE: what is wrong"
 * Returns 0 or -EINVAL.
 */
int config_parse(const char *text, const char *filename, struct config *cfg,
		 char *err, size_t errlen);

/**
 * config_read_text - the text of the file at @path, which must be a
 * regular file (or a symbolic link to one) of at most CONFIG_TEXT_MAX bytes
 * without a NUL, into *@text (malloc'd; the caller frees it). A FIFO,
 * device or directory is refused at once ("PATH: not a regular file")
 * without blocking on it. Returns 0, -EINVAL (see @err), -EFBIG or -errno
 * from opening or reading it.
 */
int config_read_text(const char *path, char **text, char *err,
		     size_t errlen);

/**
 * config_load - read and parse the file at @path, which must be a regular
 * file (or a symbolic link to one): a FIFO, device or directory is refused
 * at once ("PATH: not a regular file") without blocking on it.
 * Returns 0, -EINVAL (bad content or not a regular file, see @err), -EFBIG
 * (over CONFIG_TEXT_MAX) or -errno from opening or reading it.
 */
int config_load(const char *path, struct config *cfg, char *err,
		size_t errlen);

/**
 * config_source_equal - whether two source sections would run the same way
 * (a reload keeps such a source running without a gap): the same name and
 * the same value of every key of the [source] schema, the gate's and the
 * simulated clock's included.
 */
bool config_source_equal(const struct source_config *a,
			 const struct source_config *b);

/**
 * config_reload_check - whether a reload from @old to @nc may go ahead.
 * Returns NULL when every change takes effect on reload, else the name of
 * the first [global] key (in the schema's order) that changed although
 * changing it needs a restart (CONFIG_RELOAD_RESTART).
 */
const char *config_reload_check(const struct config *old,
				const struct config *nc);

/**
 * config_key_name - key @i of section @sec, in the schema's order (for
 * [source], the keys of gate.c's and clockmodel.c's tables included).
 * Returns the name, or NULL when @i is past the last key.
 */
const char *config_key_name(enum config_section sec, size_t i);

/**
 * config_key_reload - what a reload does with key @name of @sec.
 * Returns an enum config_reload, or -ENOENT for an unknown key.
 */
int config_key_reload(enum config_section sec, const char *name);

#endif
