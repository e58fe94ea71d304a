/* chrony_codec.h: pure codec of chronyd's command protocol (chronyc's). */
#ifndef PHCB_CANDM_MSG_H
#define PHCB_CANDM_MSG_H

#include <stddef.h>
#include <stdint.h>

/*
 * Wire facts (protocol version 6, checked against chronyd 4.3): every field
 * is big-endian. A request is a 20-byte header (version, pkt_type 1, res1,
 * res2, command, attempt, sequence, two zero words) followed by the command
 * data; a reply is a 28-byte header (version, pkt_type 2, res1, res2,
 * command, reply code, status, three zero half-words, sequence, two zero
 * words) followed by the report. chronyd answers a request that is shorter
 * than the reply it would send with status BADPKTLENGTH, and silently drops
 * requests shorter than 28 bytes, so requests are zero-padded to the length
 * of their reply.
 */

#define CANDM_PROTO_VERSION 6
#define CANDM_PKT_REQUEST 1
#define CANDM_PKT_REPLY 2
#define CANDM_REQ_HDR_LEN 20
#define CANDM_RPY_HDR_LEN 28
/* Largest request or reply this codec produces or accepts. */
#define CANDM_MAX_MSG_LEN 512
/*
 * Largest source count an N_SOURCES reply may carry. The wire field is 32
 * bits, but a source is then named by a signed 32-bit SOURCE_DATA index and
 * read with one exchange each, so the protocol cannot use more than
 * INT32_MAX, and a chronyd with more than a few hundred sources is unheard
 * of. 65536 keeps every count an int and every index an int32_t with room
 * to spare; a larger count is a malformed reply (-EBADMSG).
 */
#define CANDM_MAX_SOURCES 65536

/* Request command codes (the subset this codec encodes). */
enum candm_cmd {
	CANDM_CMD_NULL = 0,
	CANDM_CMD_ONLINE = 1,
	CANDM_CMD_OFFLINE = 2,
	CANDM_CMD_BURST = 3,
	CANDM_CMD_N_SOURCES = 14,
	CANDM_CMD_SOURCE_DATA = 15,
	CANDM_CMD_TRACKING = 33,
	CANDM_CMD_SOURCESTATS = 34,
	CANDM_CMD_ACTIVITY = 44,
	CANDM_CMD_RESELECT = 48,
	CANDM_CMD_RESET_SOURCES = 66,
	CANDM_CMD_SELECTOPTS = 72, /* chrony 4.4+ */
};

/* Reply codes (the report carried by a reply). */
enum candm_rpy {
	CANDM_RPY_NULL = 1,
	CANDM_RPY_N_SOURCES = 2,
	CANDM_RPY_SOURCE_DATA = 3,
	CANDM_RPY_TRACKING = 5,
	CANDM_RPY_SOURCESTATS = 6,
	CANDM_RPY_ACTIVITY = 12,
};

/* Reply status codes. */
enum candm_status {
	CANDM_STT_SUCCESS = 0,
	CANDM_STT_FAILED = 1,
	CANDM_STT_UNAUTH = 2,
	CANDM_STT_INVALID = 3, /* unknown command: older chronyd */
	CANDM_STT_NOSUCHSOURCE = 4,
	CANDM_STT_INVALIDTS = 5,
	CANDM_STT_NOTENABLED = 6,
	CANDM_STT_BADSUBNET = 7,
	CANDM_STT_ACCESSALLOWED = 8,
	CANDM_STT_ACCESSDENIED = 9,
	CANDM_STT_NOHOSTACCESS = 10,
	CANDM_STT_SOURCEALREADYKNOWN = 11,
	CANDM_STT_TOOMANYSOURCES = 12,
	CANDM_STT_NORTC = 13,
	CANDM_STT_BADRTCFILE = 14,
	CANDM_STT_INACTIVE = 15,
	CANDM_STT_BADSAMPLE = 16,
	CANDM_STT_INVALIDAF = 17,
	CANDM_STT_BADPKTVERSION = 18,
	CANDM_STT_BADPKTLENGTH = 19,
};

/* Address families of struct candm_ip. */
enum candm_af {
	CANDM_AF_UNSPEC = 0,
	CANDM_AF_INET4 = 1,
	CANDM_AF_INET6 = 2,
	CANDM_AF_ID = 3,
};

/* Source selection state, as chronyc's `sources` S column shows it. */
enum candm_src_state {
	CANDM_SRC_SELECTED = 0,	    /* '*' */
	CANDM_SRC_UNSELECTABLE = 1, /* '?' */
	CANDM_SRC_FALSETICKER = 2,  /* 'x' */
	CANDM_SRC_JITTERY = 3,	    /* '~' */
	CANDM_SRC_CANDIDATE = 4,    /* '+' combined with the selected one */
	CANDM_SRC_OUTLIER = 5,	    /* '-' selectable, not combined */
};

/* Source mode, as chronyc's `sources` M column shows it. */
enum candm_src_mode {
	CANDM_MODE_CLIENT = 0,	 /* '^' */
	CANDM_MODE_PEER = 1,	 /* '=' */
	CANDM_MODE_REFCLOCK = 2, /* '#' */
};

/* Selection options of the SELECTOPTS request (mask and options). */
enum candm_select_opt {
	CANDM_SELECT_NOSELECT = 0x1,
	CANDM_SELECT_PREFER = 0x2,
	CANDM_SELECT_TRUST = 0x4,
	CANDM_SELECT_REQUIRE = 0x8,
};

/* Leap status of the tracking report. */
enum candm_leap {
	CANDM_LEAP_NORMAL = 0,
	CANDM_LEAP_INSERT = 1,
	CANDM_LEAP_DELETE = 2,
	CANDM_LEAP_UNSYNC = 3,
};

/* "Never sampled" value of candm_source_data.since_sample. */
#define CANDM_SINCE_NEVER 0xffffffffu

/* An address as chrony sends it: IPv4 in host order, IPv6 as 16 bytes. */
struct candm_ip {
	uint16_t family; /* enum candm_af */
	union {
		uint32_t in4;
		uint8_t in6[16];
		uint32_t id;
	} addr;
};

/* Data of a BURST, ONLINE or OFFLINE request: sources whose address equals
 * `address` under `mask`; both CANDM_AF_UNSPEC select every NTP source. */
struct candm_req_select {
	struct candm_ip mask;
	struct candm_ip address;
};

/* A request before encoding. */
struct candm_request {
	uint16_t command;  /* enum candm_cmd */
	uint16_t attempt;  /* retry number, 0 first */
	uint32_t sequence; /* echoed by chronyd; set by the sender */
	union {
		int32_t index;			/* SOURCE_DATA, SOURCESTATS */
		struct candm_req_select select; /* ONLINE, OFFLINE */
		struct {
			struct candm_req_select select;
			int32_t n_good;
			int32_t n_total;
		} burst;
		struct {
			struct candm_ip
			    address; /* CANDM_AF_UNSPEC: use ref_id */
			uint32_t ref_id;
			uint32_t
			    mask; /* enum candm_select_opt bits to change */
			uint32_t options; /* new values of those bits */
		} selectopts;
	} u;
};

/* TRACKING report. */
struct candm_tracking {
	uint32_t ref_id;
	struct candm_ip ip;
	uint16_t stratum;
	uint16_t leap_status; /* enum candm_leap */
	int64_t ref_time_sec;
	uint32_t ref_time_nsec;
	double current_correction; /* s, chronyc's "System time" */
	double last_offset;	   /* s */
	double rms_offset;	   /* s */
	double freq_ppm;
	double resid_freq_ppm;
	double skew_ppm;
	double root_delay;	     /* s */
	double root_dispersion;	     /* s */
	double last_update_interval; /* s */
};

/* SOURCE_DATA report: one line of chronyc `sources`. */
struct candm_source_data {
	struct candm_ip ip; /* refclocks: CANDM_AF_INET4 carrying the refid */
	uint32_t ref_id;    /* refclocks: the refid; others 0 */
	int16_t poll;	    /* log2 s */
	uint16_t stratum;
	uint16_t state; /* enum candm_src_state */
	uint16_t mode;	/* enum candm_src_mode */
	uint16_t flags;
	uint16_t reachability; /* 8-bit register */
	uint32_t since_sample; /* s, CANDM_SINCE_NEVER if none */
	double
	    orig_latest_meas;	/* s, chronyc's measured offset [in brackets] */
	double latest_meas;	/* s, chronyc's adjusted offset */
	double latest_meas_err; /* s, chronyc's +/- error */
};

/* SOURCESTATS report: one line of chronyc `sourcestats`. */
struct candm_sourcestats {
	uint32_t ref_id;
	struct candm_ip ip; /* CANDM_AF_UNSPEC for refclocks */
	uint32_t n_samples;
	uint32_t n_runs;
	uint32_t span_seconds;
	double sd; /* s */
	double resid_freq_ppm;
	double skew_ppm;
	double est_offset;     /* s */
	double est_offset_err; /* s */
};

/* ACTIVITY report: counts of NTP sources by connectivity (never negative). */
struct candm_activity {
	int32_t online;
	int32_t offline;
	int32_t burst_online;
	int32_t burst_offline;
	int32_t unresolved;
};

/* A decoded reply. */
struct candm_reply {
	uint16_t command;  /* echoed request command */
	uint16_t reply;	   /* enum candm_rpy */
	uint16_t status;   /* enum candm_status */
	uint32_t sequence; /* echoed request sequence */
	union {
		uint32_t n_sources; /* 0 .. CANDM_MAX_SOURCES */
		struct candm_tracking tracking;
		struct candm_source_data source;
		struct candm_sourcestats sourcestats;
		struct candm_activity activity;
	} u;
};

/*
 * candm_float_decode - convert chrony's 32-bit wire float to a double.
 * @x: the word in host order: a 7-bit two's-complement exponent above a
 *     25-bit two's-complement coefficient; value = coef * 2^(exp - 25).
 * Returns the value (exact).
 */
double candm_float_decode(uint32_t x);

/*
 * candm_float_encode - convert a double to chrony's 32-bit wire float.
 * @v: the value; rounded to the nearest representable value, saturated at
 *     the largest magnitudes, flushed towards zero below the smallest; NaN
 *     encodes as 0.
 * Returns the word in host order.
 */
uint32_t candm_float_encode(double v);

/*
 * candm_req_init - reset a request to a command with no data.
 * @req: the request to fill.
 * @command: enum candm_cmd value.
 * Sequence and attempt are left 0 for the sender to set.
 */
void candm_req_init(struct candm_request *req, uint16_t command);

/*
 * candm_req_source_data - fill a SOURCE_DATA request.
 * @req: the request to fill.
 * @index: source index, 0 .. n_sources - 1.
 */
void candm_req_source_data(struct candm_request *req, int32_t index);

/*
 * candm_req_sourcestats - fill a SOURCESTATS request.
 * @req: the request to fill.
 * @index: source index, 0 .. n_sources - 1.
 */
void candm_req_sourcestats(struct candm_request *req, int32_t index);

/*
 * candm_req_burst - fill a BURST request.
 * @req: the request to fill.
 * @sel: sources to burst (NULL: all NTP sources).
 * @n_good: good samples wanted; @n_total: samples at most.
 */
void candm_req_burst(struct candm_request *req,
		     const struct candm_req_select *sel, int32_t n_good,
		     int32_t n_total);

/*
 * candm_req_onoffline - fill an ONLINE or OFFLINE request.
 * @req: the request to fill.
 * @online: nonzero for ONLINE, zero for OFFLINE.
 * @sel: sources to switch (NULL: all NTP sources).
 */
void candm_req_onoffline(struct candm_request *req, int online,
			 const struct candm_req_select *sel);

/*
 * candm_req_selectopts - fill a SELECTOPTS request (chronyd 4.4+).
 * @req: the request to fill.
 * @address: NTP source address, or NULL to name the source by @ref_id.
 * @ref_id: refid of a refclock when @address is NULL (e.g. 'PHC0').
 * @mask: enum candm_select_opt bits to change.
 * @options: new values of the bits in @mask.
 */
void candm_req_selectopts(struct candm_request *req,
			  const struct candm_ip *address, uint32_t ref_id,
			  uint32_t mask, uint32_t options);

/*
 * candm_request_length - length of an encoded request, padding included.
 * @command: enum candm_cmd value.
 * Returns the length in bytes, or -EOPNOTSUPP for a command this codec
 * does not encode.
 */
int candm_request_length(uint16_t command);

/*
 * candm_encode_request - encode a request.
 * @req: the request (command, attempt, sequence, data).
 * @buf: output buffer; @len: its size.
 * Returns the number of bytes written (always candm_request_length()),
 * -EOPNOTSUPP for an unknown command, -ENOBUFS if @buf is too small.
 */
int candm_encode_request(const struct candm_request *req, uint8_t *buf,
			 size_t len);

/*
 * candm_decode_reply - validate and decode a reply to a given request.
 * @buf: the datagram; @len: its length.
 * @req: the request it should answer (command and sequence must match).
 * @out: filled with the header fields and, on success, the report.
 * Returns 0 on success;
 * -EBADMSG if malformed (too short for its header or report, longer than
 *   CANDM_MAX_MSG_LEN, wrong version or packet type, nonzero reserved
 *   bytes, report code not the one the command expects, a source count
 *   above CANDM_MAX_SOURCES, a negative ACTIVITY count);
 * -ESTALE if well formed but answering another request (command or
 *   sequence differ): keep waiting for the right one;
 * -EOPNOTSUPP if chronyd answered INVALID (command unknown to it);
 * -EPROTO for any other error status, left in @out->status.
 * Never reads past @len.
 */
int candm_decode_reply(const uint8_t *buf, size_t len,
		       const struct candm_request *req,
		       struct candm_reply *out);

/*
 * candm_status_str - short text for a reply status.
 * @status: enum candm_status value.
 * Returns a static string ("unknown status" for other values).
 */
const char *candm_status_str(uint16_t status);

/*
 * candm_refid_str - printable form of a refid, as chronyc shows it.
 * @ref_id: the refid ('P','H','C','0' from the high byte down).
 * @buf: output, at least 5 bytes; nonprintable bytes (NULs included) are
 *       left out.
 * Returns @buf.
 */
char *candm_refid_str(uint32_t ref_id, char buf[5]);

/*
 * candm_refid_from_str - refid of a name of up to 4 characters.
 * @name: e.g. "PHC0"; longer names are truncated to 4 characters.
 * Returns the refid, first character in the high byte, zero-filled.
 */
uint32_t candm_refid_from_str(const char *name);

/*
 * candm_src_state_name - name of an enum candm_src_state: "selected",
 * "unselectable", "falseticker", "jittery", "candidate", "outlier", or
 * "unknown".
 */
const char *candm_src_state_name(int state);

#endif /* PHCB_CANDM_MSG_H */
