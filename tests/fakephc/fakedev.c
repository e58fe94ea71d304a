/* fakedev.c: one emulated PHC: clock model, presence and steps, thread-safe. */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "timeutil.h"
#include "fakedev.h"


int64_t fakedev_now_realtime(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

/* REALTIME - MONOTONIC_RAW now. */
static int64_t real_minus_raw(void)
{
	int64_t raw = clock_ns(CLOCK_MONOTONIC_RAW);
	int64_t real = clock_ns(CLOCK_REALTIME);
	return real - raw;
}

void fakedev_use_raw_clock(struct fakedev *d)
{
	d->raw_base = real_minus_raw();
	d->raw_clock = true;
}

/* What the system clock has been set or slewed by since the PHC went on
 * the raw clock, with the sign a PHC - system offset takes: 0 otherwise. */
static double raw_departure(const struct fakedev *d)
{
	return d->raw_clock ? -(double)(real_minus_raw() - d->raw_base) : 0.0;
}

int fakedev_init(struct fakedev *d, const char *name, const char *profile,
		 const struct clockmodel_params *p, int max_adj, bool extended,
		 int64_t epoch_ns)
{
	memset(d, 0, sizeof(*d));
	if (strlen(name) >= sizeof(d->name))
		return -ENAMETOOLONG;
	strcpy(d->name, name);
	d->profile = profile;
	d->params = *p;
	d->max_adj_ppb = max_adj;
	d->extended = extended;
	d->epoch_ns = epoch_ns;
	d->now = fakedev_now_realtime;
	int err = pthread_mutex_init(&d->lock, NULL);
	if (err)
		return -err;
	clockmodel_init(&d->model, p, epoch_ns);
	return 0;
}

void fakedev_destroy(struct fakedev *d)
{
	pthread_mutex_destroy(&d->lock);
}

/* Under lock: gone now, by schedule or by command. */
static bool gone_locked(const struct fakedev *d, int64_t t)
{
	return d->forced_gone || clockmodel_vanished(&d->model, t);
}

/* Start of the model's scheduled absence, or INT64_MAX if none. */
static int64_t vanish_start(const struct fakedev *d)
{
	if (d->params.vanish_for_s <= 0.0)
		return INT64_MAX;
	return d->epoch_ns + (int64_t)llround(d->params.vanish_at_s * NS_PER_SEC);
}

/* Under lock: whether a descriptor opened as @tk is dead at @t. */
static int check_locked(struct fakedev *d, const struct fakedev_ticket *tk,
			int64_t t)
{
	int64_t va = vanish_start(d);
	if (gone_locked(d, t) || tk->gen != d->gen ||
	    (tk->open_ns < va && t >= va)) {
		d->counts.enodev++;
		return -ENODEV;
	}
	return 0;
}

bool fakedev_present(struct fakedev *d)
{
	pthread_mutex_lock(&d->lock);
	bool present = !gone_locked(d, d->now());
	pthread_mutex_unlock(&d->lock);
	return present;
}

int fakedev_open(struct fakedev *d, struct fakedev_ticket *tk)
{
	int ret = 0;
	pthread_mutex_lock(&d->lock);
	int64_t t = d->now();
	if (gone_locked(d, t)) {
		ret = -ENOENT;
	} else {
		tk->gen = d->gen;
		tk->open_ns = t;
		d->counts.opens++;
	}
	pthread_mutex_unlock(&d->lock);
	return ret;
}

int fakedev_check(struct fakedev *d, const struct fakedev_ticket *tk)
{
	pthread_mutex_lock(&d->lock);
	int ret = check_locked(d, tk, d->now());
	pthread_mutex_unlock(&d->lock);
	return ret;
}

/* Under lock: sum of commanded steps in force at @t, with the phase their
 * frequency changes have run up since. */
static double steps_at(const struct fakedev *d, int64_t t)
{
	double sum = 0.0;
	for (int i = 0; i < d->n_steps; i++)
		if (d->steps[i].t_ns <= t)
			sum += d->steps[i].ns +
			       d->steps[i].ppm * 1e-6 *
				       (double)(t - d->steps[i].t_ns);
	return sum;
}

/* Under lock: sum of commanded frequency changes in force at @t, ppm. */
static double step_freq_at(const struct fakedev *d, int64_t t)
{
	double sum = 0.0;
	for (int i = 0; i < d->n_steps; i++)
		if (d->steps[i].t_ns <= t)
			sum += d->steps[i].ppm;
	return sum;
}

/* Under lock: when a read starting now may start (reads never overlap). */
static int64_t read_start(const struct fakedev *d)
{
	int64_t t = d->now();
	return t > d->busy_until ? t : d->busy_until;
}

int fakedev_read_extended(struct fakedev *d, const struct fakedev_ticket *tk,
			  struct phc_reading *out, int n)
{
	if (!d->extended)
		return -EOPNOTSUPP;
	if (n < 0 || n > PHC_MAX_READINGS)
		return -EINVAL;
	pthread_mutex_lock(&d->lock);
	int64_t t = read_start(d);
	int ret = check_locked(d, tk, t);
	if (ret == 0 && n > 0) {
		clockmodel_read_extended(&d->model, t, out, n);
		double dep = raw_departure(d);
		for (int i = 0; i < n; i++)
			out[i].phc += (int64_t)llround(
				steps_at(d, out[i].sys_before) + dep);
		d->busy_until = out[n - 1].sys_after;
	}
	if (ret == 0)
		d->counts.extended++;
	pthread_mutex_unlock(&d->lock);
	return ret;
}

int fakedev_read_precise(struct fakedev *d, const struct fakedev_ticket *tk,
			 struct phc_reading *out)
{
	if (!d->params.precise)
		return -EOPNOTSUPP;
	pthread_mutex_lock(&d->lock);
	int64_t t = read_start(d);
	int ret = check_locked(d, tk, t);
	if (ret == 0) {
		clockmodel_read_precise(&d->model, t, out);
		out->phc += (int64_t)llround(steps_at(d, t) + raw_departure(d));
		d->busy_until = t;
		d->counts.precise++;
	}
	pthread_mutex_unlock(&d->lock);
	return ret;
}

double fakedev_truth(struct fakedev *d, int64_t t_ns)
{
	pthread_mutex_lock(&d->lock);
	double off = clockmodel_true_offset(&d->model, t_ns) +
		     steps_at(d, t_ns) + raw_departure(d);
	pthread_mutex_unlock(&d->lock);
	return off;
}

double fakedev_true_freq(struct fakedev *d, int64_t t_ns)
{
	pthread_mutex_lock(&d->lock);
	double freq = clockmodel_true_freq(&d->model, t_ns) +
		      step_freq_at(d, t_ns);
	pthread_mutex_unlock(&d->lock);
	return freq;
}

int fakedev_vanish(struct fakedev *d)
{
	int ret = -EALREADY;
	pthread_mutex_lock(&d->lock);
	if (!d->forced_gone) {
		d->forced_gone = true;
		d->gen++;
		ret = 0;
	}
	pthread_mutex_unlock(&d->lock);
	return ret;
}

int fakedev_return(struct fakedev *d)
{
	int ret = -EALREADY;
	pthread_mutex_lock(&d->lock);
	if (d->forced_gone) {
		d->forced_gone = false;
		ret = 0;
	}
	pthread_mutex_unlock(&d->lock);
	return ret;
}

int fakedev_step(struct fakedev *d, double ns, double ppm, int64_t *t_ns)
{
	int ret = -ENOSPC;
	pthread_mutex_lock(&d->lock);
	if (d->n_steps < FAKEDEV_MAX_STEPS) {
		/* after any read in progress, so no read straddles the step */
		int64_t t = read_start(d);
		d->steps[d->n_steps].t_ns = t;
		d->steps[d->n_steps].ns = ns;
		d->steps[d->n_steps].ppm = ppm;
		d->n_steps++;
		*t_ns = t;
		ret = 0;
	}
	pthread_mutex_unlock(&d->lock);
	return ret;
}

void fakedev_get_counts(struct fakedev *d, struct fakedev_counts *c,
			unsigned *gen)
{
	pthread_mutex_lock(&d->lock);
	*c = d->counts;
	*gen = d->gen;
	pthread_mutex_unlock(&d->lock);
}
