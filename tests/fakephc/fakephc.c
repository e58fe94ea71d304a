/* fakephc.c: FUSE server exposing emulated PTP hardware clocks as files. */
/*
 * Usage:
 *   fakephc -m MOUNTDIR [-p PROFILE] [-o key=value[,...]]...
 *           [--truth-socket PATH] [--truth-log FILE] [--epoch NS|S.N]
 *           [--single-thread] [--no-wait] [--real-methods] [--raw-clock]
 *           [--allow-other]
 *           NAME[=PROFILE][,key=value...] ...
 *
 * Each NAME becomes MOUNTDIR/NAME, a regular file whose ioctls behave like
 * /dev/ptpN's: PTP_CLOCK_GETCAPS[2], PTP_SYS_OFFSET_EXTENDED[2] and, when
 * the profile has it, PTP_SYS_OFFSET_PRECISE[2] (else EOPNOTSUPP, as from a
 * driver without getcrosststamp). PTP_SYS_OFFSET[2] fails with EOPNOTSUPP:
 * it is declared _IOW, so FUSE copies nothing back to the caller and a
 * "success" would leave the caller's buffer unfilled. EXTTS/PEROUT/PIN
 * requests fail with EINVAL (no channels, no pins), ENABLE_PPS with
 * EOPNOTSUPP, anything else with ENOTTY. The clock is the shared clock
 * model (drivers/clockmodel.c) with a profile (tests/common/profiles.c); its
 * time zero is fakephc's start unless --epoch gives it (integer ns, or
 * seconds with a decimal point as `date +%s.%N` prints them).
 *
 * Timestamps: a read starts at the server's CLOCK_REALTIME when the request
 * arrives (or when the previous read of that device ends, if later: reads
 * of one device never overlap, as a driver's lock makes them), and the
 * reply is held until the last sys_after has passed (--no-wait: not), so
 * caller-before <= sys_before <= phc latch <= sys_after <= caller-after
 * holds as for a real device. FUSE's own transit time is therefore outside
 * the timestamps, like a syscall's entry and exit cost.
 *
 * Unplugging (model vanish_at/vanish_for, or VANISH on the side channel):
 * the file leaves the directory (lookup ENOENT), every ioctl on an open
 * descriptor fails with ENODEV, and descriptors opened before the unplug
 * stay dead after the device returns, as a re-registered PHC's do; reopen.
 *
 * Side channel (--truth-socket PATH): a Unix stream socket; requests are
 * lines of space-separated words, each answered by one line, "OK ..." or
 * "ERR reason":
 *   TRUTH NAME [T_NS]  -> OK OFFSET_NS T_NS   true PHC - system at T_NS
 *                         (CLOCK_REALTIME ns; default now), %.3f ns
 *   FREQ NAME [T_NS]   -> OK FREQ_PPB T_NS    true frequency error of PHC
 *                         against system at T_NS, %.6f ppb
 *   VANISH NAME        -> OK T_NS             unplug now
 *   RETURN NAME        -> OK T_NS             plug back in now
 *   STEP NAME AMOUNT [FREQ] -> OK T_NS        step the PHC by AMOUNT (ns,
 *                         or with unit: 50us, -1ms) from T_NS on, and
 *                         change its frequency by FREQ (ppm, or 20ppb)
 *   STATUS NAME        -> OK present|gone profile=P gen=N opens=N
 *                         extended=N precise=N enodev=N epoch=NS
 *   LIST               -> OK NAME...
 *   PING               -> OK
 * --truth-log FILE appends "T_NS NAME EVENT OFFSET_NS" lines: EVENT is
 * extended or precise (T_NS = the read's first sys_before), vanish, return
 * or step.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeutil.h"
#include "fakedev.h"
#include "fakefs.h"
#include "fakeopt.h"
#include "profiles.h"
#include "truthsock.h"

#define MAX_GLOBAL_OPTS 32

/* Command-line settings before the devices exist. */
struct options {
	const char *mount;
	const char *profile;
	const char *truth_socket;
	const char *truth_log;
	const char *global_opts[MAX_GLOBAL_OPTS];
	int n_global_opts;
	int64_t epoch_ns;
	bool single_thread;
	bool no_wait;
	bool real_methods;
	bool raw_clock;
	bool allow_other;
};

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: fakephc -m MOUNTDIR [-p PROFILE] [-o key=value[,...]]...\n"
	    "         [--truth-socket PATH] [--truth-log FILE]\n"
	    "         [--epoch NS|S.N] [--single-thread] [--no-wait]\n"
	    "         [--real-methods] [--raw-clock] [--allow-other]\n"
	    "         NAME[=PROFILE][,key=value...] ...\n"
	    "       fakephc --list-profiles\n"
	    "Model keys: offset freq wander freq_wander temp_amplitude\n"
	    "  temp_period delay jitter spike_prob spike stall_prob stall\n"
	    "  step_interval step vanish_at vanish_for precise_noise precise\n"
	    "  seed (durations take ns/us/ms/s, freq, freq_wander and\n"
	    "  temp_amplitude ppm/ppb). See tests/fakephc/README.md.\n");
}

static void list_profiles(void)
{
	const struct clockmodel_profile *p;
	for (size_t i = 0; (p = clockmodel_profile_at(i)) != NULL; i++)
		printf("%-7s %s%s\n", p->name, p->imitates,
		       p->params.precise ? " [PRECISE]" : "");
}

/* Integer nanoseconds, or seconds with a decimal point (date +%s.%N). */
static int parse_epoch(const char *s, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	if (*end == '\0') {
		*out = v;
		return 0;
	}
	if (*end != '.' || v < 0 || v > INT64_MAX / NS_PER_SEC)
		return -EINVAL;
	int64_t frac = 0, scale = NS_PER_SEC;
	for (const char *c = end + 1; *c; c++) {
		if (*c < '0' || *c > '9')
			return -EINVAL;
		scale /= 10;
		frac += (*c - '0') * scale;
	}
	*out = v * NS_PER_SEC + frac;
	return 0;
}

enum {
	OPT_TRUTH_SOCKET = 256,
	OPT_TRUTH_LOG,
	OPT_EPOCH,
	OPT_SINGLE,
	OPT_NO_WAIT,
	OPT_REAL_METHODS,
	OPT_RAW_CLOCK,
	OPT_ALLOW_OTHER,
	OPT_LIST,
};

static const struct option long_opts[] = {
    {"mount", required_argument, NULL, 'm'},
    {"profile", required_argument, NULL, 'p'},
    {"truth-socket", required_argument, NULL, OPT_TRUTH_SOCKET},
    {"truth-log", required_argument, NULL, OPT_TRUTH_LOG},
    {"epoch", required_argument, NULL, OPT_EPOCH},
    {"single-thread", no_argument, NULL, OPT_SINGLE},
    {"no-wait", no_argument, NULL, OPT_NO_WAIT},
    {"real-methods", no_argument, NULL, OPT_REAL_METHODS},
    {"raw-clock", no_argument, NULL, OPT_RAW_CLOCK},
    {"allow-other", no_argument, NULL, OPT_ALLOW_OTHER},
    {"list-profiles", no_argument, NULL, OPT_LIST},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Handle one option. Returns 0, 1 to exit successfully, -1 on error. */
static int parse_one(int c, struct options *o)
{
	switch (c) {
	case 'm':
		o->mount = optarg;
		break;
	case 'p':
		o->profile = optarg;
		break;
	case 'o':
		if (o->n_global_opts == MAX_GLOBAL_OPTS)
			return -1;
		o->global_opts[o->n_global_opts++] = optarg;
		break;
	case OPT_TRUTH_SOCKET:
		o->truth_socket = optarg;
		break;
	case OPT_TRUTH_LOG:
		o->truth_log = optarg;
		break;
	case OPT_EPOCH:
		if (parse_epoch(optarg, &o->epoch_ns) < 0)
			return -1;
		break;
	case OPT_SINGLE:
		o->single_thread = true;
		break;
	case OPT_NO_WAIT:
		o->no_wait = true;
		break;
	case OPT_REAL_METHODS:
		o->real_methods = true;
		break;
	case OPT_RAW_CLOCK:
		o->raw_clock = true;
		break;
	case OPT_ALLOW_OTHER:
		o->allow_other = true;
		break;
	case OPT_LIST:
		list_profiles();
		return 1;
	case 'h':
		usage(stdout);
		return 1;
	default:
		return -1;
	}
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	int c, ret;
	memset(o, 0, sizeof(*o));
	o->profile = "nic";
	while ((c = getopt_long(argc, argv, "m:p:o:h", long_opts, NULL)) != -1)
		if ((ret = parse_one(c, o)) != 0)
			return ret;
	if (!o->mount || optind >= argc)
		return -1;
	return 0;
}

static bool mentions_seed(const char *list)
{
	return list &&
	       (strncmp(list, "seed=", 5) == 0 || strstr(list, ",seed="));
}

static bool valid_name(const struct fakefs *fs, const char *name)
{
	if (!*name || strchr(name, '/') || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return false;
	for (int i = 0; i < fs->n_devs; i++)
		if (strcmp(fs->devs[i].name, name) == 0)
			return false;
	return true;
}

/* Apply the global -o lists, then the device's own. */
static int apply_overrides(const struct options *o, const char *own,
			   struct clockmodel_params *p, const char *name)
{
	char err[256];
	for (int i = 0; i < o->n_global_opts; i++) {
		if (fakeopt_apply(p, o->global_opts[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "fakephc: -o: %s\n", err);
			return -1;
		}
	}
	if (own && fakeopt_apply(p, own, err, sizeof(err)) < 0) {
		fprintf(stderr, "fakephc: %s: %s\n", name, err);
		return -1;
	}
	return 0;
}

static bool globals_mention_seed(const struct options *o)
{
	for (int i = 0; i < o->n_global_opts; i++)
		if (mentions_seed(o->global_opts[i]))
			return true;
	return false;
}

/* "NAME[=PROFILE][,key=value...]" -> one more device. */
static int add_device(struct fakefs *fs, const struct options *o,
		      const char *spec)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", spec);
	char *own = strchr(buf, ',');
	if (own)
		*own++ = '\0';
	char *pname = strchr(buf, '=');
	if (pname)
		*pname++ = '\0';
	const struct clockmodel_profile *prof =
	    clockmodel_profile_find(pname ? pname : o->profile);
	if (!prof) {
		fprintf(stderr,
			"fakephc: unknown profile '%s' (--list-profiles)\n",
			pname ? pname : o->profile);
		return -1;
	}
	if (fs->n_devs == FAKEFS_MAX_DEVS || !valid_name(fs, buf)) {
		fprintf(stderr, "fakephc: bad or duplicate device name '%s'\n",
			buf);
		return -1;
	}
	struct clockmodel_params p = prof->params;
	/* distinct noise per device unless a seed was given */
	if (!globals_mention_seed(o) && !mentions_seed(own))
		p.seed += (uint64_t)fs->n_devs;
	if (apply_overrides(o, own, &p, buf) < 0)
		return -1;
	bool extended = prof->real_extended || !o->real_methods;
	struct fakedev *d = &fs->devs[fs->n_devs];
	if (fakedev_init(d, buf, prof->name, &p, prof->max_adj_ppb, extended,
			 o->epoch_ns) < 0) {
		fprintf(stderr, "fakephc: cannot set up '%s'\n", buf);
		return -1;
	}
	if (o->raw_clock)
		fakedev_use_raw_clock(d);
	fs->n_devs++;
	return 0;
}

static void describe(const struct fakedev *d)
{
	const struct clockmodel_params *p = &d->params;
	fprintf(
	    stderr,
	    "fakephc: %s: profile %s offset %.0fns freq %.3fppm wander "
	    "%.1fns freq_wander %gppm temp %gppm/%gs delay %.0fns jitter "
	    "%.0fns spike %g x %.0fns stall %g x %.0fns step %.0fns/%.0fs "
	    "vanish %.0fs+%.0fs %s%s seed %" PRIu64 "\n",
	    d->name, d->profile, p->offset_ns, p->freq_ppm, p->wander_ns,
	    p->freq_wander_ppm, p->temp_amplitude_ppm, p->temp_period_s,
	    p->delay_ns, p->jitter_ns, p->spike_prob, p->spike_ns,
	    p->stall_prob, p->stall_ns, p->step_ns, p->step_interval_s,
	    p->vanish_at_s, p->vanish_for_s,
	    d->extended ? "EXTENDED" : "no-EXTENDED",
	    p->precise ? "+PRECISE" : "", p->seed);
}

static int run_fuse(struct fakefs *fs, const struct options *o, char *argv0)
{
	char mopts[128];
	snprintf(mopts, sizeof(mopts), "fsname=fakephc,subtype=fakephc%s",
		 o->allow_other ? ",allow_other" : "");
	char *fargv[] = {argv0, "-o", mopts, NULL};
	struct fuse_args args = FUSE_ARGS_INIT(3, fargv);
	int ret = 1;
	struct fuse_session *se =
	    fuse_session_new(&args, &fakefs_ops, sizeof(fakefs_ops), fs);
	if (!se)
		return 1;
	if (fuse_set_signal_handlers(se) != 0)
		goto out_destroy;
	if (fuse_session_mount(se, o->mount) != 0)
		goto out_signals;
	fprintf(stderr, "fakephc: %d device(s) at %s (%s)\n", fs->n_devs,
		o->mount,
		o->single_thread ? "single-threaded" : "multithreaded");
	if (o->single_thread) {
		ret = fuse_session_loop(se);
	} else {
		struct fuse_loop_config cfg = {.clone_fd = 0,
					       .max_idle_threads = 10};
		ret = fuse_session_loop_mt(se, &cfg);
	}
	ret = ret < 0 ? 1 : 0; /* a signal (positive) is a clean exit */
	fuse_session_unmount(se);
out_signals:
	fuse_remove_signal_handlers(se);
out_destroy:
	fuse_session_destroy(se);
	fuse_opt_free_args(&args);
	return ret;
}

/* Start the side channel with the termination signals blocked in it. */
static int start_truth(struct fakefs *fs, const struct options *o,
		       struct truthsock **ts)
{
	struct truthsock_ctx ctx = {fs->devs, fs->n_devs, fs->log};
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	int err = truthsock_start(ts, o->truth_socket, &ctx);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err < 0)
		fprintf(stderr, "fakephc: truth socket %s: %s\n",
			o->truth_socket, strerror(-err));
	return err;
}

static int open_log(struct fakefs *fs, const char *path)
{
	fs->log = fopen(path, "a");
	if (!fs->log) {
		fprintf(stderr, "fakephc: %s: %s\n", path, strerror(errno));
		return -1;
	}
	setvbuf(fs->log, NULL, _IOLBF, 0);
	return 0;
}

int main(int argc, char **argv)
{
	static struct fakefs fs; /* large: keep it off the stack */
	struct options o;
	struct truthsock *ts = NULL;
	int ret = parse_options(argc, argv, &o);
	if (ret != 0) {
		if (ret < 0)
			usage(stderr);
		return ret < 0 ? 2 : 0;
	}
	fs.start_ns = fakedev_now_realtime();
	if (!o.epoch_ns)
		o.epoch_ns = fs.start_ns;
	fs.wait = !o.no_wait;
	for (int i = optind; i < argc; i++)
		if (add_device(&fs, &o, argv[i]) < 0)
			return 2;
	for (int i = 0; i < fs.n_devs; i++)
		describe(&fs.devs[i]);
	ret = 1;
	if (o.truth_log && open_log(&fs, o.truth_log) < 0)
		goto out;
	if (o.truth_socket && start_truth(&fs, &o, &ts) < 0)
		goto out;
	ret = run_fuse(&fs, &o, argv[0]);
out:
	truthsock_stop(ts);
	if (fs.log)
		fclose(fs.log);
	for (int i = 0; i < fs.n_devs; i++)
		fakedev_destroy(&fs.devs[i]);
	return ret;
}
