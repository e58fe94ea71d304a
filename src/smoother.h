/* smoother.h: across polls: a phase Kalman filter that learns the wander. */
#ifndef PHCB_SMOOTHER_H
#define PHCB_SMOOTHER_H

#include <stdbool.h>
#include <stdint.h>

#define SMO_MODELS 13	  /* candidate wander rates */
#define SMO_MIN_UPDATES 8 /* updates before the fastest is left */
#define SMO_MEMORY 64	  /* updates the model scores are averaged over */

/*
 * The clock's offset as a random walk (wander q, ns^2 per second) carried
 * forward with the tracker's frequency, each sample a measurement of it
 * with its own variance (err_ns^2 / 3: the truth lies within +-err_ns).
 * A Kalman filter weighs every sample by its precision against the
 * estimate's; q is not known, so a bank of filters runs side by side, one
 * per candidate q (SMO_Q_MAX, /4, /16, ...), and the one whose
 * predictions of the next sample have been likeliest is used. Samples far
 * more precise than the wander between them pass nearly unchanged; noisy
 * ones are averaged over as many polls as the wander allows, and a precise
 * one counts for more than a vague one. A sample beyond 5 sigma of the
 * prediction in use restarts the estimates from it.
 */
struct smo_model {
	double est;   /* offset estimate, ns */
	double var;   /* its variance, ns^2 */
	double score; /* mean negative log-likelihood of predictions */
	double gain;  /* weight given to the last sample */
};

struct smo_state {
	bool started;
	int64_t t_ns; /* time of the last update */
	struct smo_model m[SMO_MODELS];
	unsigned long updates;	 /* scored updates since the start */
	unsigned long surprises; /* samples beyond 5 sigma: restarted at */
	int best;		 /* model in use */
};

/** smo_init - empty smoother (the first sample passes unchanged). */
void smo_init(struct smo_state *st);

/**
 * smo_add - smooth one accepted sample.
 * @st:        smoother state
 * @t_ns:      system time of the sample
 * @offset_ns: its offset estimate
 * @err_ns:    its error bound (at least 1 ns is assumed)
 * @freq_ppm:  the clock's frequency offset (the tracker's model), used to
 *             carry the estimates forward from the previous sample
 * Returns the smoothed offset at @t_ns.
 */
double smo_add(struct smo_state *st, int64_t t_ns, double offset_ns,
	       double err_ns, double freq_ppm);

/**
 * smo_rebase - pass a sample unchanged and restart every estimate from it,
 * keeping the models' scores: after a phase step (a step moves the phase,
 * not the noise) or while there is no frequency to predict with.
 * Returns @offset_ns.
 */
double smo_rebase(struct smo_state *st, int64_t t_ns, double offset_ns,
		  double err_ns);

/** smo_gain - the weight the model in use gave the last sample (0..1). */
double smo_gain(const struct smo_state *st);

/** smo_wander - the wander of the model in use, ns per sqrt(second). */
double smo_wander(const struct smo_state *st);

/** smo_error - the standard error of the last smoothed offset, ns. */
double smo_error(const struct smo_state *st);

#endif
