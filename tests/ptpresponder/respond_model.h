/* respond_model.h: the scripted ptp4l state the responder reports. */
#ifndef PHCB_RESPOND_MODEL_H
#define PHCB_RESPOND_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ptp4l_codec.h"

/* What a ptp4l with one port would report; changed by script commands. */
struct respond_model {
	struct ptpmgmt_clock_identity clock; /* ours (port 1 is the port) */
	uint8_t domain;
	int port_state;		  /* enum ptpmgmt_port_state */
	int64_t master_offset_ns; /* TIME_STATUS_NP; also offsetFromMaster */
	double path_delay_ns;	  /* CURRENT_DATA_SET meanPathDelay */
	int steps_removed;
	int clock_class; /* grandmaster's clockClass */
	int clock_accuracy;
	int own_class; /* our DEFAULT_DATA_SET clockClass */
	bool gm_present;
	struct ptpmgmt_clock_identity gm; /* grandmaster identity */
	int utc_offset;
	bool leap61, leap59, utc_valid, ptp_timescale, time_traceable,
	    freq_traceable;
	int time_source;
	bool silent;  /* answer nothing */
	bool sync_on; /* Syncs arrive: ingress_time advances */
	int64_t sync_interval_ns;
	int64_t ingress_frozen_ns; /* ingress_time while sync is off */
	bool quit;		   /* "quit" was given */
};

/* What respmod_apply changed, for the caller to act on. */
#define RESPMOD_CHANGED_PORT_STATE 0x01
#define RESPMOD_CHANGED_DOMAIN 0x02

/*
 * respmod_init - a LISTENING port of a free-running clock: clockClass 248,
 * no grandmaster, offset 0, UTC offset 37 (not valid), Syncs every second.
 * @m: model to fill.
 * @clock: our clock identity.
 * @domain: domainNumber.
 */
void respmod_init(struct respond_model *m,
		  const struct ptpmgmt_clock_identity *clock, uint8_t domain);

/*
 * respmod_apply - apply one command line: "KEY VALUE [KEY VALUE ...]" or a
 * single word (silent, answer, quit).
 * @m: model to change.
 * @line: the command, without a leading time; '#' starts a comment.
 * @now_ns: the clock ingress_time is kept on (for "sync off").
 * @changed: ORed with RESPMOD_CHANGED_* (may be NULL).
 * @err: why a line was refused.
 * @errlen: size of @err.
 * Returns 0, or -EINVAL with @err filled; on error nothing after the bad
 * word is applied (earlier pairs on the line are).
 */
int respmod_apply(struct respond_model *m, const char *line, int64_t now_ns,
		  unsigned int *changed, char *err, size_t errlen);

/*
 * respmod_ingress_ns - ingress_time to report at @now_ns: the last Sync,
 * on a grid of sync_interval, or the frozen value while Syncs are off.
 */
int64_t respmod_ingress_ns(const struct respond_model *m, int64_t now_ns);

/*
 * respmod_dataset - fill msg->u with dataset @management_id.
 * @m: the model.
 * @management_id: one of the ids respenc_data() encodes, except
 *                 SUBSCRIBE_EVENTS_NP.
 * @now_ns: for ingress_time.
 * @msg: filled (msg->u only).
 * Returns 0, or -ENOTSUP for other ids.
 */
int respmod_dataset(const struct respond_model *m, uint16_t management_id,
		    int64_t now_ns, struct ptpmgmt_msg *msg);

/*
 * respmod_is_port_dataset - whether @management_id is answered by the port
 * (sourcePortIdentity port 1) rather than by the clock (port 0).
 */
bool respmod_is_port_dataset(uint16_t management_id);

/*
 * respmod_describe - one line "state SLAVE offset 20 ..." of the model.
 * Returns the length written (as snprintf).
 */
int respmod_describe(const struct respond_model *m, char *buf, size_t len);

/*
 * respmod_parse_clock_identity - "001122.fffe.334455" (pmc's format) or 16
 * hex digits to an identity. Returns 0 or -EINVAL.
 */
int respmod_parse_clock_identity(const char *s,
				 struct ptpmgmt_clock_identity *id);

#endif /* PHCB_RESPOND_MODEL_H */
