/* gate.h: pure PTP-versus-NTP state machine of one source, with hysteresis. */
#ifndef PHCB_GATE_H
#define PHCB_GATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sock_msg.h"

/*
 * The gate decides, at every poll of a source, whether chronyd should use
 * the PHC (phcbrokerd feeds its samples) or fall back to NTP (the feed
 * stops; the daemon tells chronyd to reset its sources and burst).
 *
 *   STARTUP  --lock conditions held for lock_dwell---------------> PTP
 *   STARTUP  --no lock within startup_timeout--------------------> NTP
 *   NTP      --lock conditions held for lock_dwell (x backoff)---> PTP
 *   PTP      --ptp4l link impaired (see below)-------------------> HOLDOVER
 *   HOLDOVER --link good again for recover_dwell-----------------> PTP
 *   HOLDOVER --holdover budget spent-----------------------------> NTP
 *   PTP, HOLDOVER --offset, clockClass or device quality bad
 *                   for unlock_dwell-----------------------------> NTP
 *   PTP, HOLDOVER --device not running or no sample for
 *                   max_sample_age (immediately)-----------------> NTP
 *   any      --operator override PTP or NTP----------------------> FORCED
 *   FORCED   --operator override AUTO----------------------------> PTP,
 *                                                   HOLDOVER or NTP
 *
 * Lock conditions: the device runs, has a recent sample, a known tracker
 * sigma within max_sigma, a reject fraction within max_reject and no step
 * in the last step_holdoff; with a ptp4l configured also: ptp4l answers,
 * its port is SLAVE, the last Sync is fresh, a grandmaster is present, its
 * clockClass is at most max_clock_class and |master_offset| is at most
 * lock_offset. A VM PHC without ptp4l is gated on the device alone.
 *
 * VMClock (a source with a mapped VMClock page): a change of its
 * disruption marker (a live migration) ends feeding at once, cause
 * disruption, and blocks a lock for step_holdoff from it, as a phase step
 * does; a clock status other than SYNCHRONIZED (on a page with a counter;
 * one without tells disruptions only), or a page that cannot be read
 * consistently, impairs the link as an unlocked ptp4l does.
 *
 * Grandmaster mode (gate_mode grandmaster, or auto while ptp4l reports
 * itself as the grandmaster and has been seen with clockClass 6 or 7
 * since it last followed another clock; an ordinary clock that lost its
 * master is its own grandmaster too, but with class 248): the PHC is
 * disciplined from GNSS by ts2phc and ptp4l serves it, so there is no master to
 * follow. The link is good while ptp4l answers and is its own grandmaster; the
 * lock conditions are the device's plus clockClass 6 (locked to its time
 * source). In PTP, clockClass 7 (holdover within specification) is accepted for
 * at most gm_holdover from when it appeared; any other class, or 7 for longer,
 * is a quality fault (NTP after unlock_dwell). master_offset, Sync age,
 * gmPresent and max_clock_class do not apply. A boundary clock (one SLAVE
 * port) is not its own grandmaster and is gated as above.
 *
 * The ptp4l link is impaired when ptp4l has not answered for
 * max_response_age, its port is not SLAVE, the last Sync is older than
 * max_sync_age, or no grandmaster is present. The PHC keeps being fed
 * through such blips while its holdover budget lasts: the budget (at most
 * `holdover`) drains while the link is impaired and refills as fast while
 * in PTP, so a link that keeps failing cannot hold the gate in HOLDOVER.
 *
 * Flapping: a return to PTP less than flap_window after leaving it for
 * NTP counts as a flap and doubles the lock dwell needed next time (up to
 * 2^backoff_max times lock_dwell); PTP held for flap_window, or NTP held
 * for flap_window, resets it. So for ANY input the gate enters PTP at most
 * once per effective lock dwell: with the defaults at most 7 times (14
 * feeding changes) in the first 10 minutes, however the inputs behave
 * (test_gate.c computes this bound and drives an adversary to it).
 * PTP <-> HOLDOVER changes do not change feeding; a return to PTP needs
 * recover_dwell of good link, which bounds them to one per recover_dwell.
 */

#define GATE_REASON_MAX 160 /* a transition's reason, NUL included */
#define GATE_HISTORY 16	    /* transitions kept */

enum gate_state {
	GATE_STARTUP,  /* not decided yet: not feeding */
	GATE_PTP,      /* PHC good: feeding chronyd */
	GATE_HOLDOVER, /* ptp4l link impaired, PHC healthy: still feeding */
	GATE_NTP,      /* PHC not trusted: not feeding, chronyd uses NTP */
	GATE_FORCED,   /* operator override: feeding iff override is PTP */
};

/* Which conditions gate the source (gate_mode). */
enum gate_mode {
	GATE_MODE_AUTO,	       /* grandmaster while ptp4l is its own GM */
	GATE_MODE_SLAVE,       /* follow a remote master: a SLAVE port */
	GATE_MODE_GRANDMASTER, /* ptp4l is the grandmaster (T-GM) */
};

/* clockClass values of ITU-T G.8275.1 a grandmaster mode judges by. */
#define GATE_GM_CLASS_LOCKED 6	 /* locked to its primary reference */
#define GATE_GM_CLASS_HOLDOVER 7 /* in holdover, within specification */

enum gate_override {
	GATE_OVERRIDE_AUTO, /* the state machine decides */
	GATE_OVERRIDE_PTP,  /* always feed */
	GATE_OVERRIDE_NTP,  /* never feed */
};

/* Health of the device, from the source and its tracker. */
struct gate_device {
	bool running;	       /* device open and being read */
	int64_t sample_age_ns; /* since the last accepted sample; < 0: none */
	double sigma_ns;       /* tracker's robust sigma; < 0 or NaN: unknown */
	double reject_fraction; /* of recent samples rejected, 0..1; < 0: n/a */
	int64_t step_age_ns;	/* since the last phase step; < 0: none seen */
};

/* What ptp4l reports (only read when configured is true). */
struct gate_ptp {
	bool configured;	  /* a ptp4l_socket is set for this source */
	int64_t response_age_ns;  /* since ptp4l last answered; < 0: never */
	int port_state;		  /* PORT_DATA_SET portState; 0: unknown */
	int64_t master_offset_ns; /* TIME_STATUS_NP master_offset */
	int64_t ingress_age_ns;	  /* since the last Sync; < 0: unknown */
	bool gm_present;	  /* TIME_STATUS_NP gmPresent */
	int clock_class;	  /* grandmaster clockClass; 0: unknown */
	bool local_gm;		  /* ptp4l is its own grandmaster */
	bool time_props_known;	  /* TIME_PROPERTIES_DATA_SET received */
	bool leap61;		  /* its flags: leap second insertion pending */
	bool leap59;		  /* leap second deletion pending */
	bool utc_offset_valid;	  /* currentUtcOffsetValid */
	int current_utc_offset;	  /* currentUtcOffset, s */
};

/* What the VMClock page says (only read when configured is true). */
struct gate_vmclock {
	bool configured;	   /* the source reads a VMClock page */
	bool readable;		   /* its last read gave a consistent copy */
	bool has_clock;		   /* it has a counter: status applies */
	int status;		   /* clock_status, VMCLOCK_STATUS_* */
	int64_t disruption_age_ns; /* since its marker changed; < 0: never */
};

/* One poll's inputs. */
struct gate_input {
	int64_t now_ns; /* monotonic time of this poll */
	struct gate_device dev;
	struct gate_ptp ptp;
	struct gate_vmclock vm;
};

/* Thresholds and times; gate_config_defaults() documents the defaults. */
struct gate_config {
	double lock_offset_ns;	     /* |master_offset| to lock at or below */
	double unlock_offset_ns;     /* |master_offset| to unlock above */
	int64_t lock_dwell_ns;	     /* lock conditions held this long */
	int64_t unlock_dwell_ns;     /* quality faults held this long */
	int64_t holdover_ns;	     /* holdover budget */
	int64_t recover_dwell_ns;    /* link good this long ends HOLDOVER */
	int64_t startup_timeout_ns;  /* STARTUP gives up after this */
	int64_t max_response_age_ns; /* ptp4l answered within this */
	int64_t max_sync_age_ns;     /* last Sync received within this */
	int max_clock_class;	     /* worst acceptable grandmaster class */
	int64_t max_sample_age_ns;   /* device: an accepted sample within */
	double max_sigma_ns;	     /* device: tracker sigma at most */
	double max_reject_fraction;  /* device: rejected fraction at most */
	int64_t step_holdoff_ns;     /* no lock this long after a step */
	int64_t flap_window_ns;	     /* re-lock within this is a flap */
	int backoff_max;	     /* lock dwell doubles up to 2^this */
	enum gate_override initial_override; /* override at start */
	enum gate_mode mode;		     /* which conditions apply */
	int64_t gm_holdover_ns; /* grandmaster: clockClass 7 this long */
};

/* Why the state changed, in few words (a metrics label, a journal field). */
enum gate_cause {
	GATE_CAUSE_LOCK,	    /* conditions held for the lock dwell */
	GATE_CAUSE_STARTUP_TIMEOUT, /* no lock within the startup timeout */
	GATE_CAUSE_DEVICE,	    /* device or samples failed */
	GATE_CAUSE_QUALITY,	    /* quality bad for the unlock dwell */
	GATE_CAUSE_LINK,	    /* ptp4l link impaired: holding over */
	GATE_CAUSE_HOLDOVER_SPENT,  /* link impaired beyond the holdover */
	GATE_CAUSE_RECOVERED,	    /* link good again after holdover */
	GATE_CAUSE_OVERRIDE,	    /* operator override set or released */
	GATE_CAUSE_DISRUPTION,	    /* VMClock: the counter was disrupted */
	GATE_CAUSE_RESUMED,	    /* --privsep: the last worker fed it */
	GATE_CAUSE_COUNT
};

/* One state change. */
struct gate_transition {
	int64_t t_ns;
	enum gate_state from, to;
	enum gate_override override; /* in force after the change */
	enum gate_cause cause;
	char reason[GATE_REASON_MAX];
};

#define GATE_STATE_COUNT (GATE_FORCED + 1)

/* State of one source's gate; read it through the functions below. */
struct gate {
	struct gate_config cfg;
	enum gate_state state;
	enum gate_override override;	     /* in force */
	enum gate_override pending_override; /* applied at the next step */
	bool override_pending;
	bool started;
	int64_t start_ns;	/* first step */
	int64_t state_since_ns; /* entry into the current state */
	int64_t last_step_ns;
	/* condition timers: INT64_MIN when the condition does not hold */
	int64_t lock_ok_since_ns;
	int64_t qual_bad_since_ns;
	int64_t link_bad_since_ns;
	int64_t link_good_since_ns;
	int64_t holdover_budget_ns;
	int64_t gm_holdover_since_ns; /* clockClass 7 seen since */
	bool gm_mode;		      /* grandmaster conditions applied */
	bool gm_seen; /* auto: ptp4l its own GM with class 6 or 7 seen */
	/* flapping */
	int64_t ptp_entry_ns; /* last entry into PTP from NTP/STARTUP */
	int64_t ptp_exit_ns;  /* last fall back from PTP/HOLDOVER to NTP */
	int backoff;
	/* outputs */
	enum sockmsg_leap leap;
	char condition[GATE_REASON_MAX]; /* what holds the gate now */
	/* history (ring) and counters */
	struct gate_transition hist[GATE_HISTORY];
	int hist_head, hist_n;
	unsigned long transitions; /* every state change */
	unsigned long fallbacks;   /* feeding -> not feeding */
	unsigned long flaps;	   /* PTP -> NTP -> PTP within flap_window */
	/* state changes by from, to and cause */
	unsigned long by_cause[GATE_STATE_COUNT][GATE_STATE_COUNT]
			      [GATE_CAUSE_COUNT];
};

/*
 * gate_config_defaults - fill @c with the defaults:
 *   lock_offset 100 ns: ptp4l's servo with hardware timestamping holds a
 *     locked PHC within a few tens of ns; 100 ns says it has converged,
 *     and a PHC that close is far better than any NTP source.
 *   unlock_offset 1 us: 10x the lock threshold, so servo noise and path
 *     delay spikes never unlock, and below the +-1.5 us that ITU-T
 *     G.8271.1 allows at the end application of a telco node.
 *   lock_dwell 10 s: ten Syncs at ptp4l's default 1 Hz; offsets must stay
 *     good that long. unlock_dwell 3 s: three Syncs, so one bad sample
 *     never unlocks.
 *   holdover 10 s: covers ptp4l's announce receipt timeout (3 s) plus a
 *     BMCA change and UNCALIBRATED -> SLAVE; a NIC oscillator keeping its
 *     last frequency drifts well below 1 us in that time.
 *   recover_dwell 2 s; startup_timeout 60 s (ptp4l reaching SLAVE and
 *     converging at boot, plus the lock dwell).
 *   max_response_age 3 s (the daemon asks ptp4l every second: two missed
 *     answers); max_sync_age 4 s (a few 1 Hz Sync intervals plus the
 *     query interval).
 *   max_clock_class 135: accepts 6 (GM locked to its PRTC), 7 (GM in
 *     holdover within spec) and 135 (T-BC in holdover within spec) of
 *     ITU-T G.8275.1; refuses 140/150/160 (GM holdover out of spec), 165
 *     (T-BC out of spec) and 248 (free running, ptp4l's default).
 *   max_sample_age 3 s, max_sigma 10 us (a sanity bound, hypervisor
 *     PHCs included), max_reject 0.5, step_holdoff 5 s.
 *   flap_window 300 s, backoff_max 4 (lock dwell up to 160 s).
 *   initial_override AUTO.
 *   mode AUTO; gm_holdover 4 h: a T-GM announces clockClass 7 only while
 *     it judges its own holdover within specification, and a NIC
 *     oscillator in holdover stays far better than NTP for hours; the
 *     budget bounds a grandmaster that never leaves 7.
 */
void gate_config_defaults(struct gate_config *c);

/*
 * gate_config_set - set one configuration key from its text value, for
 * the [source] section parser.
 * @c: configuration to change.
 * @key: a key such as "gate_lock_offset" (see the keys in gate.c's table).
 * @value: its value with units, e.g. "100ns", "10s", "135", "auto".
 * Returns 0, -ENOENT when @key is not a gate key, -EINVAL when @value is
 * not valid for @key or outside its range (gate_config_range()).
 */
int gate_config_set(struct gate_config *c, const char *key, const char *value);

/*
 * gate_config_range - describe the values a gate key accepts, for an error
 * message: e.g. "a duration from 0s to 86400s" or "auto, ptp or ntp".
 * @key: a key such as "gate_holdover".
 * @buf: receives the text, NUL-terminated.
 * @len: size of @buf.
 * Returns 0, or -ENOENT when @key is not a gate key.
 */
int gate_config_range(const char *key, char *buf, size_t len);

/*
 * gate_config_equal - whether @a and @b agree on every key of gate.c's
 * table (the table, not a list kept here, says which fields count).
 */
bool gate_config_equal(const struct gate_config *a,
		       const struct gate_config *b);

/*
 * gate_config_key_name - the name of key @i of gate.c's table, in its
 * order, for listing the keys (configuration schema, documentation check).
 * Returns NULL when @i is past the last key.
 */
const char *gate_config_key_name(size_t i);

/*
 * gate_config_check - check the relations between keys, after parsing.
 * @c: configuration to check.
 * @err: on failure, what is wrong (may be NULL).
 * @errlen: size of @err.
 * Returns 0, or -EINVAL when lock_offset exceeds unlock_offset.
 */
int gate_config_check(const struct gate_config *c, char *err, size_t errlen);

/*
 * gate_init - a gate in STARTUP with the override of @cfg.
 * @g: gate to initialise.
 * @cfg: its configuration (copied).
 */
void gate_init(struct gate *g, const struct gate_config *cfg);

/*
 * gate_resume - before the first step, take over from a worker that died
 * (--privsep): @st PTP or HOLDOVER starts the gate in PTP at @now, feeding
 * at once (cause "resumed"; the usual rules may unlock it at the next
 * steps), any other state starts it as gate_init() did; an operator
 * override @ov other than AUTO is applied at the first step, as
 * initial_override is. Returns 0, or -EBUSY when the gate has stepped.
 */
int gate_resume(struct gate *g, enum gate_state st, enum gate_override ov,
		int64_t now);

/*
 * gate_step - evaluate one poll's inputs and change state if due.
 * @g: the gate.
 * @in: this poll's inputs; in->now_ns must not go backwards.
 * Returns true when the state (or, in FORCED, the override) changed;
 * gate_last_transition() then says from what, to what, and why.
 */
bool gate_step(struct gate *g, const struct gate_input *in);

/*
 * gate_set_override - request an operator override; it is applied, and
 * recorded as a transition, at the next gate_step().
 * @g: the gate.
 * @ov: GATE_OVERRIDE_PTP or _NTP to force, _AUTO to release.
 * Returns 0, or -EINVAL for a value outside enum gate_override.
 */
int gate_set_override(struct gate *g, enum gate_override ov);

/*
 * gate_override - the override in force (a pending request not included).
 */
enum gate_override gate_override(const struct gate *g);

/*
 * gate_state - the current state.
 */
enum gate_state gate_state(const struct gate *g);

/*
 * gate_feeding - whether the PHC's samples should go to chronyd now.
 * Returns true in PTP, HOLDOVER and FORCED with override PTP.
 */
bool gate_feeding(const struct gate *g);

/*
 * gate_leap - the leap second warning to send with samples.
 * Returns SOCKMSG_LEAP_INSERT or _DELETE when ptp4l's link is good (a
 * SLAVE port, or in grandmaster mode ptp4l its own grandmaster) and
 * its time properties are known with currentUtcOffsetValid set and exactly
 * one of leap61/leap59 set (the last such value is kept through HOLDOVER),
 * else SOCKMSG_LEAP_NONE.
 */
enum sockmsg_leap gate_leap(const struct gate *g);

/*
 * gate_condition - what holds the gate in its state at the last step,
 * e.g. "locking: conditions good for 3.2 s of 10.0 s" or "ptp4l port
 * state LISTENING". Returns a string owned by @g.
 */
const char *gate_condition(const struct gate *g);

/*
 * gate_state_since - when the current state was entered (in->now_ns
 * units); 0 before the first step.
 */
int64_t gate_state_since(const struct gate *g);

/*
 * gate_last_transition - the newest transition, NULL when none yet.
 */
const struct gate_transition *gate_last_transition(const struct gate *g);

/*
 * gate_history - one of the last GATE_HISTORY transitions.
 * @g: the gate.
 * @i: 0 for the newest, 1 for the one before, ...
 * Returns the transition, or NULL when fewer than @i + 1 are kept.
 */
const struct gate_transition *gate_history(const struct gate *g, int i);

/*
 * gate_state_name - "STARTUP", "PTP", "HOLDOVER", "NTP" or "FORCED"
 * ("UNKNOWN" for other values).
 */
const char *gate_state_name(enum gate_state st);

/*
 * gate_cause_name - "lock", "startup_timeout", "device", "quality", "link",
 * "holdover_spent", "recovered" or "override" ("unknown" otherwise).
 */
const char *gate_cause_name(enum gate_cause c);

/*
 * gate_transitions_by - how many times the state went from @from to @to
 * for @cause (0 for values out of range).
 */
unsigned long gate_transitions_by(const struct gate *g, enum gate_state from,
				  enum gate_state to, enum gate_cause cause);

/*
 * gate_override_name - "AUTO", "PTP" or "NTP" ("UNKNOWN" otherwise).
 */
const char *gate_override_name(enum gate_override ov);

/*
 * gate_mode_name - "auto", "slave" or "grandmaster" ("unknown" otherwise).
 */
const char *gate_mode_name(enum gate_mode m);

/*
 * gate_mode_parse - "auto", "slave" or "grandmaster" (any case) to a value.
 * Returns 0 or -EINVAL.
 */
int gate_mode_parse(const char *s, enum gate_mode *out);

/*
 * gate_gm_mode - whether the last step applied the grandmaster conditions
 * (gate_mode grandmaster, or auto with ptp4l its own grandmaster).
 */
bool gate_gm_mode(const struct gate *g);

/*
 * gate_override_parse - "auto", "ptp" or "ntp" (any case) to a value.
 * Returns 0 or -EINVAL.
 */
int gate_override_parse(const char *s, enum gate_override *out);

/* What a gate counted since it started. */
struct gate_counts {
	unsigned long transitions; /* state changes */
	unsigned long fallbacks;   /* changes that stopped feeding chronyd */
	unsigned long flaps;	   /* re-locks soon after an unlock */
};

/** gate_counts - the gate's counters. */
struct gate_counts gate_counts(const struct gate *g);

#endif /* PHCB_GATE_H */
