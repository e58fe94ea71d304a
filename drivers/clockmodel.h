/* clockmodel.h: a simulated PTP hardware clock: true offset and read noise. */
#ifndef PHCB_CLOCKMODEL_H
#define PHCB_CLOCKMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reading.h"

/*
 * Parameters of a simulated PHC. All times in nanoseconds unless the name
 * says otherwise. The true offset (PHC minus system time) is a deterministic
 * function of time for a given seed, whatever the pattern of reads, so a
 * benchmark can ask for the truth at any instant. It is the sum of the
 * initial offset, the integral of the frequency error (constant, plus a
 * random walk, plus a sinusoidal temperature cycle starting at zero), a
 * random walk of the phase and the phase steps.
 */
struct clockmodel_params {
	double offset_ns;	 /* PHC - system at the model's epoch */
	double freq_ppm;	 /* frequency error of the PHC (ppm) */
	double wander_ns;	 /* random walk of the offset, ns per sqrt(s) */
	double freq_wander_ppm;	 /* random walk of freq_ppm, ppm per sqrt(s) */
	double temp_amplitude_ppm; /* temperature cycle of the frequency */
	double temp_period_s;	 /* ...and its period; 0 = no cycle */
	double delay_ns;	 /* minimum read delay (sys_after - sys_before) */
	double jitter_ns;	 /* mean of the exponential extra delay */
	double spike_prob;	 /* probability of a delay spike per reading */
	double spike_ns;	 /* spike scale: spikes are 1x..10x this */
	double stall_prob;	 /* probability of a stall (VM exit) per read */
	double stall_ns;	 /* stall length (added to one reading) */
	double step_interval_s;	 /* mean time between phase steps, 0 = none */
	double step_ns;		 /* size of a step (sign random) */
	double vanish_at_s;	 /* device disappears this long after epoch */
	double vanish_for_s;	 /* ...for this long; 0 = never vanishes */
	double precise_noise_ns; /* noise of a hardware cross-timestamp */
	bool precise;		 /* device offers PTP_SYS_OFFSET_PRECISE */
	uint64_t seed;		 /* deterministic for a seed */
};

/* State of one simulated clock; treat as opaque. */
struct clockmodel {
	struct clockmodel_params p;
	int64_t epoch_ns;     /* system time the model started */
	uint64_t noise_state; /* stream for read noise */
	/* cache of the wander random walk, knots one second apart */
	int64_t wander_knot;  /* index of cached knot */
	double wander_value;  /* value at that knot */
	double wander_prev;   /* value at the knot before it */
	/* cache of the frequency random walk, knots one second apart */
	int64_t fm_knot;      /* index k of the cached knot */
	double fm_freq[3];    /* frequency (ppm) at knots k - 1, k, k + 1 */
	double fm_phase[2];   /* its integral (ns) at knots k - 1, k */
	/* cache of the step sequence */
	int64_t step_index;   /* steps before step_time_ns */
	int64_t step_time_ns; /* time of the next step after the cached ones */
	double step_sum_ns;   /* sum of steps before step_time_ns */
};

/**
 * clockmodel_defaults - fill @p with a quiet, well-behaved clock
 * (offset 0, no wander, 1 us read delay, small jitter, no spikes).
 */
void clockmodel_defaults(struct clockmodel_params *p);

/**
 * clockmodel_init - start a model at system time @epoch_ns.
 * @m:        model to initialise
 * @p:        parameters, copied
 * @epoch_ns: system time (CLOCK_REALTIME ns) that is time zero of the model
 */
void clockmodel_init(struct clockmodel *m, const struct clockmodel_params *p,
		     int64_t epoch_ns);

/**
 * clockmodel_true_offset - the true PHC minus system offset at @t_ns.
 * Returns nanoseconds. Deterministic for the seed; reads do not change it.
 */
double clockmodel_true_offset(struct clockmodel *m, int64_t t_ns);

/**
 * clockmodel_true_freq - the true frequency error of the PHC against the
 * system clock at @t_ns, in ppm: the derivative of clockmodel_true_offset()
 * (phase steps aside). Deterministic for the seed, like the offset.
 */
double clockmodel_true_freq(struct clockmodel *m, int64_t t_ns);

/**
 * clockmodel_vanished - whether the device is absent at @t_ns.
 */
bool clockmodel_vanished(const struct clockmodel *m, int64_t t_ns);

/**
 * clockmodel_read_extended - simulate @n back-to-back readings starting at
 * system time @t_ns, as PTP_SYS_OFFSET_EXTENDED returns them.
 * @out: n readings (sys_before, phc, sys_after)
 * Returns the system time at which the last read ended.
 */
int64_t clockmodel_read_extended(struct clockmodel *m, int64_t t_ns,
				 struct phc_reading *out, int n);

/**
 * clockmodel_read_precise - simulate one hardware cross-timestamp at @t_ns
 * (sys_before == sys_after).
 */
void clockmodel_read_precise(struct clockmodel *m, int64_t t_ns,
			     struct phc_reading *out);

/* How a parameter's value is written in configuration. */
enum clockmodel_unit {
	CLOCKMODEL_TIME,   /* a duration with unit: "250us", "2s" (ns) */
	CLOCKMODEL_PPM,	   /* a frequency error: "2ppm", "-150ppb" (ppm) */
	CLOCKMODEL_NUMBER,  /* a plain number: a probability */
	CLOCKMODEL_BOOL,    /* yes/no */
	CLOCKMODEL_INTEGER, /* a whole number: the seed */
};

/**
 * clockmodel_param_unit - how parameter @name is written.
 * Returns an enum clockmodel_unit, or -ENOENT for an unknown name.
 */
int clockmodel_param_unit(const char *name);

/**
 * clockmodel_set_param - set one parameter by its configuration name.
 * @name:  key such as "offset", "freq", "delay" (see phcbrokerd.conf(5))
 * @value: value in the key's base unit: ns for durations, ppm, a number,
 *         or 0/1 for booleans
 * Returns 0, -ENOENT for an unknown name, -ERANGE for a value outside
 * clockmodel_param_range() (or, for the seed, not an integer).
 */
int clockmodel_set_param(struct clockmodel_params *p, const char *name,
			 double value);

/**
 * clockmodel_param_range - the values parameter @name accepts, in the base
 * unit of clockmodel_set_param() (ns, ppm, a number; 0..1 for booleans).
 * @min, @max: the inclusive bounds
 * Returns 0, or -ENOENT for an unknown name.
 */
int clockmodel_param_range(const char *name, double *min, double *max);

/**
 * clockmodel_param_name - the name of parameter @i of the table, in its
 * order, for listing the keys (configuration schema, documentation check).
 * Returns NULL when @i is past the last parameter.
 */
const char *clockmodel_param_name(size_t i);

/**
 * clockmodel_params_equal - whether @a and @b agree on every parameter of
 * the table (the table, not a list kept elsewhere, says which fields count).
 */
bool clockmodel_params_equal(const struct clockmodel_params *a,
			     const struct clockmodel_params *b);

#endif
