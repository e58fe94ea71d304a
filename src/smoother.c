/* smoother.c: across polls: a phase Kalman filter that learns the wander. */
#include <math.h>
#include <string.h>

#include "smoother.h"

/* Largest candidate wander, ns^2/s (400 ns/sqrt(s)); the others are /4 each,
 * down to about 0.01 ns^2/s. */
#define SMO_Q_MAX 160000.0
#define SMO_Q_RATIO 4.0
/* Leave the model in use only for one scoring this much better. */
#define SMO_SWITCH_MARGIN 0.02
/* One prediction's squared normalised error counts at most this much in a
 * score; beyond it (5 sigma) the sample is a surprise. */
#define SMO_CLIP 25.0
#define SMO_MIN_ERR_NS 1.0

static double q_of(int i)
{
	return SMO_Q_MAX / pow(SMO_Q_RATIO, i);
}

/* Variance of a sample known to lie within +-err of the truth. */
static double sample_var(double err_ns)
{
	double e = fmax(err_ns, SMO_MIN_ERR_NS);
	return e * e / 3.0;
}

void smo_init(struct smo_state *st)
{
	memset(st, 0, sizeof(*st));
}

static void restart_at(struct smo_state *st, int64_t t_ns, double offset_ns,
		       double err_ns)
{
	for (int i = 0; i < SMO_MODELS; i++) {
		st->m[i].est = offset_ns;
		st->m[i].var = sample_var(err_ns);
		st->m[i].gain = 1.0;
	}
	st->t_ns = t_ns;
	st->started = true;
}

/* The best-scoring model, keeping the current one on a near tie. */
static int choose(const struct smo_state *st)
{
	int best = 0;

	if (st->updates < SMO_MIN_UPDATES)
		return 0;
	for (int i = 1; i < SMO_MODELS; i++)
		if (st->m[i].score < st->m[best].score)
			best = i;
	if (st->m[best].score < st->m[st->best].score - SMO_SWITCH_MARGIN)
		return best;
	return st->best;
}

/* Squared normalised error of @m's prediction of sample @z. */
static double prediction_nis(const struct smo_model *m, double q, double dt_s,
			     double drift, double z, double r)
{
	double e = z - (m->est + drift);
	return e * e / (m->var + q * dt_s + r);
}

/* One Kalman update of model @m; scores its prediction with weight @w. */
static void update_model(struct smo_model *m, double q, double dt_s,
			 double drift, double z, double r, double w, bool clip)
{
	double pred = m->est + drift;
	double p = m->var + q * dt_s;
	double s = p + r; /* variance of the prediction error */
	double e = z - pred;
	double nis = prediction_nis(m, q, dt_s, drift, z, r);

	if (clip && nis > SMO_CLIP)
		nis = SMO_CLIP;
	m->score += w * (nis + log(s) - m->score);
	m->gain = p / s;
	m->est = pred + m->gain * e;
	m->var = (1.0 - m->gain) * p;
}

double smo_add(struct smo_state *st, int64_t t_ns, double offset_ns,
	       double err_ns, double freq_ppm)
{
	if (!st->started) {
		restart_at(st, t_ns, offset_ns, err_ns);
		return offset_ns;
	}
	double dt_ns = (double)(t_ns - st->t_ns);
	double dt_s = fmax(dt_ns, 0.0) / 1e9;
	double drift = freq_ppm * 1e-6 * dt_ns;
	double w = st->updates < SMO_MEMORY ? 1.0 / (double)(st->updates + 1)
					    : 1.0 / SMO_MEMORY;
	bool clip = st->updates >= SMO_MIN_UPDATES;

	/* a sample the model in use cannot explain (a step the tracker took
	 * for noise, a stale frequency) restarts the estimates from it */
	bool surprise = clip && prediction_nis(&st->m[st->best], q_of(st->best),
					       dt_s, drift, offset_ns,
					       sample_var(err_ns)) > SMO_CLIP;

	for (int i = 0; i < SMO_MODELS; i++)
		update_model(&st->m[i], q_of(i), dt_s, drift, offset_ns,
			     sample_var(err_ns), w, clip);
	st->updates++;
	st->t_ns = t_ns;
	st->best = choose(st);
	if (surprise) {
		st->surprises++;
		restart_at(st, t_ns, offset_ns, err_ns);
	}
	return st->m[st->best].est;
}

double smo_rebase(struct smo_state *st, int64_t t_ns, double offset_ns,
		  double err_ns)
{
	restart_at(st, t_ns, offset_ns, err_ns);
	return offset_ns;
}

double smo_gain(const struct smo_state *st)
{
	return st->m[st->best].gain;
}

double smo_wander(const struct smo_state *st)
{
	return sqrt(q_of(st->best));
}

double smo_error(const struct smo_state *st)
{
	return sqrt(st->m[st->best].var);
}
