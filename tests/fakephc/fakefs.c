/* fakefs.c: FUSE low-level operations: a directory of emulated PHC files. */
#include <errno.h>
#include <linux/ptp_clock.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "timeutil.h"
#include "fakefs.h"
#include "truthsock.h"

#define ROOT_INO FUSE_ROOT_ID
#define FIRST_DEV_INO 2

/* What an open descriptor carries (fi->fh). */
struct fakefh {
	struct fakedev *dev;
	struct fakedev_ticket tk;
};

static struct fakedev *dev_of_ino(struct fakefs *fs, fuse_ino_t ino)
{
	if (ino < FIRST_DEV_INO ||
	    ino >= FIRST_DEV_INO + (fuse_ino_t)fs->n_devs)
		return NULL;
	return &fs->devs[ino - FIRST_DEV_INO];
}

static void fill_attr(struct fakefs *fs, fuse_ino_t ino, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	if (ino == ROOT_INO) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
	} else {
		st->st_mode = S_IFREG | 0600; /* like /dev/ptpN */
		st->st_nlink = 1;
	}
	st->st_atim.tv_sec = st->st_mtim.tv_sec = st->st_ctim.tv_sec =
	    (time_t)(fs->start_ns / NS_PER_SEC);
}

static void fs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fakefs *fs = fuse_req_userdata(req);
	if (parent != ROOT_INO) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	for (int i = 0; i < fs->n_devs; i++) {
		if (strcmp(fs->devs[i].name, name) != 0)
			continue;
		if (!fakedev_present(&fs->devs[i]))
			break;
		/* timeouts 0: every path walk asks again, so unplug shows */
		struct fuse_entry_param e = {.ino =
						 FIRST_DEV_INO + (fuse_ino_t)i};
		fill_attr(fs, e.ino, &e.attr);
		fuse_reply_entry(req, &e);
		return;
	}
	fuse_reply_err(req, ENOENT);
}

static void fs_getattr(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct fakefs *fs = fuse_req_userdata(req);
	struct stat st;
	if (ino != ROOT_INO && !dev_of_ino(fs, ino)) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	fill_attr(fs, ino, &st);
	fuse_reply_attr(req, &st, 0.0);
}

/* Entry @idx of the root listing: ".", "..", then present devices. */
static const char *dir_entry(struct fakefs *fs, off_t idx, fuse_ino_t *ino)
{
	if (idx == 0 || idx == 1) {
		*ino = ROOT_INO;
		return idx == 0 ? "." : "..";
	}
	off_t k = idx - 2;
	for (int i = 0; i < fs->n_devs; i++) {
		if (!fakedev_present(&fs->devs[i]))
			continue;
		if (k-- == 0) {
			*ino = FIRST_DEV_INO + (fuse_ino_t)i;
			return fs->devs[i].name;
		}
	}
	return NULL;
}

static void fs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct fakefs *fs = fuse_req_userdata(req);
	if (ino != ROOT_INO) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	char *buf = malloc(size);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	size_t used = 0;
	fuse_ino_t eino;
	const char *name;
	for (off_t idx = off; (name = dir_entry(fs, idx, &eino)) != NULL;
	     idx++) {
		struct stat st = {.st_ino = eino,
				  .st_mode =
				      eino == ROOT_INO ? S_IFDIR : S_IFREG};
		size_t need = fuse_add_direntry(req, buf + used, size - used,
						name, &st, idx + 1);
		if (need > size - used)
			break;
		used += need;
	}
	fuse_reply_buf(req, buf, used);
	free(buf);
}

static void fs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fakefs *fs = fuse_req_userdata(req);
	struct fakedev *d = dev_of_ino(fs, ino);
	if (!d) {
		fuse_reply_err(req, ino == ROOT_INO ? EISDIR : ENOENT);
		return;
	}
	struct fakefh *h = calloc(1, sizeof(*h));
	if (!h) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	h->dev = d;
	int err = fakedev_open(d, &h->tk);
	if (err) {
		free(h);
		fuse_reply_err(req, -err);
		return;
	}
	fi->fh = (uint64_t)(uintptr_t)h;
	fi->direct_io = 1;
	fi->nonseekable = 1;
	fuse_reply_open(req, fi);
}

static void fs_release(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	free((struct fakefh *)(uintptr_t)fi->fh);
	fuse_reply_err(req, 0);
}

static void ns_to_ptp(int64_t ns, struct ptp_clock_time *t)
{
	int64_t s = ns / NS_PER_SEC, r = ns % NS_PER_SEC;
	if (r < 0) {
		r += NS_PER_SEC;
		s--;
	}
	t->sec = s;
	t->nsec = (uint32_t)r;
	t->reserved = 0;
}

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

/* Return no earlier than @t_ns: sleep the long part, spin the rest. */
static void wait_until(int64_t t_ns)
{
	for (;;) {
		int64_t left = t_ns - clock_ns(CLOCK_REALTIME);
		if (left <= 0)
			return;
		if (left > 200000) {
			struct timespec ts;
			int64_t wake = t_ns - 100000;
			ts.tv_sec = (time_t)(wake / NS_PER_SEC);
			ts.tv_nsec = (long)(wake % NS_PER_SEC);
			clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts,
					NULL);
		}
	}
}

static void do_caps(fuse_req_t req, struct fakedev *d, size_t out_bufsz)
{
	struct ptp_clock_caps caps;
	if (out_bufsz < sizeof(caps)) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	memset(&caps, 0, sizeof(caps));
	caps.max_adj = d->max_adj_ppb;
	caps.cross_timestamping = d->params.precise ? 1 : 0;
	fuse_reply_ioctl(req, 0, &caps, sizeof(caps));
}

static void do_extended(fuse_req_t req, struct fakefs *fs, struct fakefh *h,
			const void *in_buf, size_t in_bufsz, size_t out_bufsz)
{
	struct ptp_sys_offset_extended ext;
	struct phc_reading r[PTP_MAX_SAMPLES];
	if (!h->dev->extended) {
		fuse_reply_err(req, EOPNOTSUPP);
		return;
	}
	if (in_bufsz < sizeof(ext) || out_bufsz < sizeof(ext)) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	memcpy(&ext, in_buf, sizeof(ext));
	/* as the kernel: too many samples or reserved words set: EINVAL */
	if (ext.n_samples > PTP_MAX_SAMPLES || ext.rsv[0] || ext.rsv[1] ||
	    ext.rsv[2]) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	int n = (int)ext.n_samples;
	int err = fakedev_read_extended(h->dev, &h->tk, r, n);
	if (err) {
		fuse_reply_err(req, -err);
		return;
	}
	for (int i = 0; i < n; i++) {
		ns_to_ptp(r[i].sys_before, &ext.ts[i][0]);
		ns_to_ptp(r[i].phc, &ext.ts[i][1]);
		ns_to_ptp(r[i].sys_after, &ext.ts[i][2]);
	}
	if (fs->wait && n > 0)
		wait_until(r[n - 1].sys_after);
	/* once answered, the client may close: h is freed by fs_release */
	struct fakedev *d = h->dev;
	fuse_reply_ioctl(req, 0, &ext, sizeof(ext));
	if (n > 0)
		truthsock_log(fs->log, d, "extended", r[0].sys_before);
}

static void do_precise(fuse_req_t req, struct fakefs *fs, struct fakefh *h,
		       size_t out_bufsz)
{
	struct ptp_sys_offset_precise pre;
	struct phc_reading r;
	if (out_bufsz < sizeof(pre)) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	int err = fakedev_read_precise(h->dev, &h->tk, &r);
	if (err) {
		fuse_reply_err(req, -err);
		return;
	}
	/* MONOTONIC_RAW at the same instant, from a fresh pair of reads */
	int64_t raw = clock_ns(CLOCK_MONOTONIC_RAW);
	int64_t real = clock_ns(CLOCK_REALTIME);
	memset(&pre, 0, sizeof(pre));
	ns_to_ptp(r.phc, &pre.device);
	ns_to_ptp(r.sys_before, &pre.sys_realtime);
	ns_to_ptp(raw - (real - r.sys_before), &pre.sys_monoraw);
	struct fakedev *d = h->dev; /* h may be freed once answered */
	fuse_reply_ioctl(req, 0, &pre, sizeof(pre));
	truthsock_log(fs->log, d, "precise", r.sys_before);
}

static void fs_ioctl(fuse_req_t req, fuse_ino_t ino, unsigned int cmd,
		     void *arg, struct fuse_file_info *fi, unsigned flags,
		     const void *in_buf, size_t in_bufsz, size_t out_bufsz)
{
	struct fakefs *fs = fuse_req_userdata(req);
	struct fakefh *h = (struct fakefh *)(uintptr_t)fi->fh;
	if ((flags & FUSE_IOCTL_DIR) || !h) {
		fuse_reply_err(req, ENOTTY);
		return;
	}
	/* like posix_clock_ioctl: a dead clock refuses everything */
	int err = fakedev_check(h->dev, &h->tk);
	if (err) {
		fuse_reply_err(req, -err);
		return;
	}
	switch (cmd) {
	case PTP_CLOCK_GETCAPS:
	case PTP_CLOCK_GETCAPS2:
		do_caps(req, h->dev, out_bufsz);
		break;
	case PTP_SYS_OFFSET_EXTENDED:
	case PTP_SYS_OFFSET_EXTENDED2:
		do_extended(req, fs, h, in_buf, in_bufsz, out_bufsz);
		break;
	case PTP_SYS_OFFSET_PRECISE:
	case PTP_SYS_OFFSET_PRECISE2:
		do_precise(req, fs, h, out_bufsz);
		break;
	case PTP_SYS_OFFSET: /* _IOW: FUSE cannot return its data */
	case PTP_SYS_OFFSET2:
	case PTP_ENABLE_PPS:
	case PTP_ENABLE_PPS2:
		fuse_reply_err(req, EOPNOTSUPP);
		break;
	case PTP_EXTTS_REQUEST: /* n_ext_ts, n_per_out and n_pins are 0 */
	case PTP_EXTTS_REQUEST2:
	case PTP_PEROUT_REQUEST:
	case PTP_PEROUT_REQUEST2:
	case PTP_PIN_GETFUNC:
	case PTP_PIN_GETFUNC2:
	case PTP_PIN_SETFUNC:
	case PTP_PIN_SETFUNC2:
		fuse_reply_err(req, EINVAL);
		break;
	default:
		fuse_reply_err(req, ENOTTY);
		break;
	}
}

const struct fuse_lowlevel_ops fakefs_ops = {
    .lookup = fs_lookup,
    .getattr = fs_getattr,
    .readdir = fs_readdir,
    .open = fs_open,
    .release = fs_release,
    .ioctl = fs_ioctl,
};
