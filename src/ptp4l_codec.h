/* ptp4l_codec.h: pure codec of ptp4l's IEEE 1588 management messages. */
#ifndef PHCB_PTPMGMT_MSG_H
#define PHCB_PTPMGMT_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Wire sizes (IEEE 1588-2008 clauses 13.3 and 15.4). */
#define PTPMGMT_HEADER_LEN 34 /* common PTP header */
#define PTPMGMT_BODY_LEN 14   /* targetPortIdentity .. reserved */
#define PTPMGMT_TLV_HDR_LEN 4 /* tlvType + lengthField */
/* A management message with an empty dataField: header, body, TLV, id. */
#define PTPMGMT_MIN_LEN \
	(PTPMGMT_HEADER_LEN + PTPMGMT_BODY_LEN + PTPMGMT_TLV_HDR_LEN + 2)
#define PTPMGMT_MSG_MAX 1500 /* largest message this codec builds or reads */
#define PTPMGMT_EVENT_BITMASK_LEN 64

/* TLV types found in management messages. */
#define PTPMGMT_TLV_MANAGEMENT 0x0001
#define PTPMGMT_TLV_MANAGEMENT_ERROR_STATUS 0x0002

/* The wildcard port number (all ones), also used in targetPortIdentity. */
#define PTPMGMT_PORT_ALL 0xffff

/* actionField of a management message. */
enum ptpmgmt_action {
	PTPMGMT_GET = 0,
	PTPMGMT_SET = 1,
	PTPMGMT_RESPONSE = 2,
	PTPMGMT_COMMAND = 3,
	PTPMGMT_ACKNOWLEDGE = 4,
};

/*
 * managementId values this module knows. The datasets up to
 * PORT_PROPERTIES_NP are decoded; the other linuxptp extensions only have
 * names (for logs): their answers decode to -ENOTSUP, header filled.
 * Those from PORT_SERVICE_STATS_NP on are answered by linuxptp 4.x only
 * (3.1.1 says NO_SUCH_ID).
 */
enum ptpmgmt_id {
	PTPMGMT_ID_NULL_MANAGEMENT = 0x0000,
	PTPMGMT_ID_DEFAULT_DATA_SET = 0x2000,
	PTPMGMT_ID_CURRENT_DATA_SET = 0x2001,
	PTPMGMT_ID_PARENT_DATA_SET = 0x2002,
	PTPMGMT_ID_TIME_PROPERTIES_DATA_SET = 0x2003,
	PTPMGMT_ID_PORT_DATA_SET = 0x2004,
	PTPMGMT_ID_TIME_STATUS_NP = 0xc000,
	PTPMGMT_ID_GRANDMASTER_SETTINGS_NP = 0xc001,
	PTPMGMT_ID_PORT_DATA_SET_NP = 0xc002,
	PTPMGMT_ID_SUBSCRIBE_EVENTS_NP = 0xc003,
	PTPMGMT_ID_PORT_PROPERTIES_NP = 0xc004,
	PTPMGMT_ID_PORT_STATS_NP = 0xc005,
	PTPMGMT_ID_SYNCHRONIZATION_UNCERTAIN_NP = 0xc006,
	PTPMGMT_ID_PORT_SERVICE_STATS_NP = 0xc007,
	PTPMGMT_ID_UNICAST_MASTER_TABLE_NP = 0xc008,
	PTPMGMT_ID_PORT_HWCLOCK_NP = 0xc009,
	PTPMGMT_ID_POWER_PROFILE_SETTINGS_NP = 0xc00a,
	PTPMGMT_ID_CMLDS_INFO_NP = 0xc00b,
};

/* portState values (IEEE 1588-2008 table 8). */
enum ptpmgmt_port_state {
	PTPMGMT_PS_INITIALIZING = 1,
	PTPMGMT_PS_FAULTY = 2,
	PTPMGMT_PS_DISABLED = 3,
	PTPMGMT_PS_LISTENING = 4,
	PTPMGMT_PS_PRE_MASTER = 5,
	PTPMGMT_PS_MASTER = 6,
	PTPMGMT_PS_PASSIVE = 7,
	PTPMGMT_PS_UNCALIBRATED = 8,
	PTPMGMT_PS_SLAVE = 9,
};

/* managementErrorId values (IEEE 1588-2008 table 72). */
enum ptpmgmt_error_id {
	PTPMGMT_ERR_RESPONSE_TOO_BIG = 0x0001,
	PTPMGMT_ERR_NO_SUCH_ID = 0x0002,
	PTPMGMT_ERR_WRONG_LENGTH = 0x0003,
	PTPMGMT_ERR_WRONG_VALUE = 0x0004,
	PTPMGMT_ERR_NOT_SETABLE = 0x0005,
	PTPMGMT_ERR_NOT_SUPPORTED = 0x0006,
	PTPMGMT_ERR_GENERAL_ERROR = 0xfffe,
};

/*
 * Event numbers of SUBSCRIBE_EVENTS_NP's bitmask (bit n of byte n / 8) and
 * what ptp4l pushes for each: PORT_DATA_SET of a port whose state changed;
 * from linuxptp 4.x also TIME_STATUS_NP after each clock update, a
 * PARENT_DATA_SET when it changes and CMLDS_INFO_NP of a port (3.1.1
 * accepts those bits but pushes nothing for them).
 */
enum ptpmgmt_event {
	PTPMGMT_NOTIFY_PORT_STATE = 0,
	PTPMGMT_NOTIFY_TIME_SYNC = 1,
	PTPMGMT_NOTIFY_PARENT_DATA_SET = 2,
	PTPMGMT_NOTIFY_CMLDS = 3,
};

/*
 * What an answer to SET SUBSCRIBE_EVENTS_NP says (ptpmgmt_subscribe_answer).
 * ptp4l refuses SET with NOT_SUPPORTED on every port but its read-write
 * uds_address; in practice that is linuxptp 4.x's read-only socket
 * (uds_ro_address), which answers GET as the read-write one does.
 */
enum ptpmgmt_sub_answer {
	PTPMGMT_SUB_NOT_ANSWER = 0, /* not a RESPONSE to SUBSCRIBE_EVENTS_NP */
	PTPMGMT_SUB_ACCEPTED,       /* the subscription echoed back */
	PTPMGMT_SUB_READ_ONLY,      /* NOT_SUPPORTED: a read-only socket */
	PTPMGMT_SUB_REFUSED,        /* another error, e.g. NO_SUCH_ID */
};

/* timeProperties flag bits (IEEE 1588-2008 table 20). */
#define PTPMGMT_FLAG_LEAP_61 0x01
#define PTPMGMT_FLAG_LEAP_59 0x02
#define PTPMGMT_FLAG_UTC_OFF_VALID 0x04
#define PTPMGMT_FLAG_PTP_TIMESCALE 0x08
#define PTPMGMT_FLAG_TIME_TRACEABLE 0x10
#define PTPMGMT_FLAG_FREQ_TRACEABLE 0x20

struct ptpmgmt_clock_identity {
	uint8_t id[8];
};

struct ptpmgmt_port_identity {
	struct ptpmgmt_clock_identity clock;
	uint16_t port;
};

struct ptpmgmt_clock_quality {
	uint8_t clock_class;
	uint8_t clock_accuracy;
	uint16_t offset_scaled_log_variance;
};

/* DEFAULT_DATA_SET (0x2000). */
struct ptpmgmt_default_ds {
	bool two_step;
	bool slave_only;
	uint16_t number_ports;
	uint8_t priority1;
	struct ptpmgmt_clock_quality clock_quality;
	uint8_t priority2;
	struct ptpmgmt_clock_identity clock_identity;
	uint8_t domain_number;
};

/* CURRENT_DATA_SET (0x2001); TimeIntervals are ns * 2^16 on the wire. */
struct ptpmgmt_current_ds {
	uint16_t steps_removed;
	double offset_from_master_ns;
	double mean_path_delay_ns;
};

/* PARENT_DATA_SET (0x2002). */
struct ptpmgmt_parent_ds {
	struct ptpmgmt_port_identity parent_port_identity;
	bool parent_stats;
	uint16_t observed_parent_offset_scaled_log_variance;
	int32_t observed_parent_clock_phase_change_rate;
	uint8_t grandmaster_priority1;
	struct ptpmgmt_clock_quality grandmaster_clock_quality;
	uint8_t grandmaster_priority2;
	struct ptpmgmt_clock_identity grandmaster_identity;
};

/* TIME_PROPERTIES_DATA_SET (0x2003). */
struct ptpmgmt_time_properties_ds {
	int16_t current_utc_offset;
	uint8_t flags; /* PTPMGMT_FLAG_* bits as on the wire */
	bool leap61;
	bool leap59;
	bool utc_offset_valid;
	bool ptp_timescale;
	bool time_traceable;
	bool frequency_traceable;
	uint8_t time_source;
};

/* PORT_DATA_SET (0x2004); also the payload of ptp4l's port state push. */
struct ptpmgmt_port_ds {
	struct ptpmgmt_port_identity port_identity;
	uint8_t port_state; /* enum ptpmgmt_port_state */
	int8_t log_min_delay_req_interval;
	double peer_mean_path_delay_ns;
	int8_t log_announce_interval;
	uint8_t announce_receipt_timeout;
	int8_t log_sync_interval;
	uint8_t delay_mechanism;
	int8_t log_min_pdelay_req_interval;
	uint8_t version_number;
};

/* ScaledNs: a 96-bit count of 2^-16 ns. */
struct ptpmgmt_scaled_ns {
	uint16_t nanoseconds_msb;
	uint64_t nanoseconds_lsb;
	uint16_t fractional_nanoseconds;
};

/* TIME_STATUS_NP (0xC000), linuxptp's extension. */
struct ptpmgmt_time_status_np {
	int64_t master_offset_ns;
	int64_t ingress_time_ns;
	int32_t cumulative_scaled_rate_offset;
	int32_t scaled_last_gm_phase_change;
	uint16_t gm_time_base_indicator;
	struct ptpmgmt_scaled_ns last_gm_phase_change;
	bool gm_present;
	struct ptpmgmt_clock_identity gm_identity;
};

/* SUBSCRIBE_EVENTS_NP (0xC003). */
struct ptpmgmt_subscribe_events_np {
	uint16_t duration_s;
	uint8_t bitmask[PTPMGMT_EVENT_BITMASK_LEN];
};

/* PORT_PROPERTIES_NP (0xC004). */
struct ptpmgmt_port_properties_np {
	struct ptpmgmt_port_identity port_identity;
	uint8_t port_state;
	uint8_t timestamping;
	char interface[256]; /* PTPText, NUL-terminated here */
};

/* One decoded management message. */
struct ptpmgmt_msg {
	uint8_t domain;
	uint16_t sequence_id;
	struct ptpmgmt_port_identity source;  /* sourcePortIdentity */
	struct ptpmgmt_port_identity target;  /* targetPortIdentity */
	uint8_t starting_boundary_hops;
	uint8_t boundary_hops;
	uint8_t action;           /* enum ptpmgmt_action */
	uint16_t tlv_type;        /* PTPMGMT_TLV_MANAGEMENT or _ERROR_STATUS */
	uint16_t management_id;   /* enum ptpmgmt_id or any other value */
	uint16_t error_id;        /* enum ptpmgmt_error_id, error TLV only */
	size_t data_len;          /* length of the TLV's dataField */
	bool has_data;            /* true when the union below was filled */
	union {
		struct ptpmgmt_default_ds default_ds;
		struct ptpmgmt_current_ds current_ds;
		struct ptpmgmt_parent_ds parent_ds;
		struct ptpmgmt_time_properties_ds time_properties_ds;
		struct ptpmgmt_port_ds port_ds;
		struct ptpmgmt_time_status_np time_status_np;
		struct ptpmgmt_subscribe_events_np subscribe_events_np;
		struct ptpmgmt_port_properties_np port_properties_np;
	} u;
};

/* Addressing fields of a message to encode. */
struct ptpmgmt_addr {
	uint8_t domain;
	uint16_t sequence_id;
	struct ptpmgmt_port_identity source;
	struct ptpmgmt_port_identity target;
};

/*
 * ptpmgmt_addr_init - fill addressing fields, target = wildcard (all ones).
 * @addr: filled in.
 * @domain: domainNumber; ptp4l ignores messages of another domain.
 * @source: our sourcePortIdentity; NULL means all zeros.
 * @sequence_id: sequenceId; ptp4l echoes it in its responses.
 */
void ptpmgmt_addr_init(struct ptpmgmt_addr *addr, uint8_t domain,
		       const struct ptpmgmt_port_identity *source,
		       uint16_t sequence_id);

/*
 * ptpmgmt_encode - build one management message with a MANAGEMENT TLV.
 * @addr: domain, sequenceId, source and target port identities.
 * @action: PTPMGMT_GET, _SET, _COMMAND (or any other action).
 * @management_id: managementId.
 * @data: dataField, may be NULL when @data_len is 0.
 * @data_len: length of @data; an odd length is padded with one zero byte.
 * @buf: output buffer.
 * @size: size of @buf.
 * Returns the message length, -EINVAL on bad arguments or -EMSGSIZE when
 * the message does not fit in @size (or in PTPMGMT_MSG_MAX).
 */
int ptpmgmt_encode(const struct ptpmgmt_addr *addr, enum ptpmgmt_action action,
		   uint16_t management_id, const uint8_t *data, size_t data_len,
		   uint8_t *buf, size_t size);

/*
 * ptpmgmt_encode_get - build a GET (empty dataField) for @management_id.
 * Parameters and return value as for ptpmgmt_encode().
 */
int ptpmgmt_encode_get(const struct ptpmgmt_addr *addr, uint16_t management_id,
		       uint8_t *buf, size_t size);

/*
 * ptpmgmt_encode_subscribe - build a SET SUBSCRIBE_EVENTS_NP.
 * @addr: addressing fields.
 * @sub: duration in seconds and the event bitmask (PTPMGMT_NOTIFY_*).
 * @buf, @size: output buffer.
 * Returns the message length or a negative errno as ptpmgmt_encode().
 */
int ptpmgmt_encode_subscribe(const struct ptpmgmt_addr *addr,
			     const struct ptpmgmt_subscribe_events_np *sub,
			     uint8_t *buf, size_t size);

/*
 * ptpmgmt_subscribe_set_event - set or clear one event bit.
 * @sub: subscription to change.
 * @event: event number (enum ptpmgmt_event), below 8 * bitmask length.
 * @on: true to subscribe.
 * Returns 0 or -EINVAL for an event number out of range.
 */
int ptpmgmt_subscribe_set_event(struct ptpmgmt_subscribe_events_np *sub,
				unsigned int event, bool on);

/*
 * ptpmgmt_subscribe_has_event - tell whether an event bit is set.
 * Returns true if @event is within range and set in @sub.
 */
bool ptpmgmt_subscribe_has_event(const struct ptpmgmt_subscribe_events_np *sub,
				 unsigned int event);

/*
 * ptpmgmt_subscribe_answer - classify an answer to SET SUBSCRIBE_EVENTS_NP.
 * @status: what ptpmgmt_decode() returned for @m (0, -EPROTO, -ENOTSUP).
 * @m: the decoded message.
 * Returns PTPMGMT_SUB_ACCEPTED for a RESPONSE carrying the subscription,
 * PTPMGMT_SUB_READ_ONLY for the error NOT_SUPPORTED or an empty RESPONSE
 * (linuxptp 4.x's read-only socket answers a GET so), PTPMGMT_SUB_REFUSED
 * for any other error and PTPMGMT_SUB_NOT_ANSWER for messages of another
 * managementId or action and for pushes (boundary hops set).
 */
enum ptpmgmt_sub_answer ptpmgmt_subscribe_answer(int status,
						 const struct ptpmgmt_msg *m);

/*
 * ptpmgmt_decode - parse and check one management message.
 * @buf: the datagram.
 * @len: its length; never read beyond.
 * @domain: expected domainNumber.
 * @out: filled in; on -ENOTSUP and -EPROTO the header, action,
 *       management_id (and error_id) are valid, the union is not.
 * Returns 0 (out->has_data tells whether a dataset was decoded; an empty
 * dataField, as in a GET, decodes without data, and so does the empty
 * RESPONSE SUBSCRIBE_EVENTS_NP of linuxptp 4.x's read-only socket, while
 * an empty RESPONSE or SET of another dataset is malformed), -EBADMSG for
 * a malformed message or one of another messageType, major versionPTP
 * (minorVersionPTP is ignored: 3.1.1 sends 0x02, 4.x 0x12) or domain, -ENOTSUP
 * for a managementId (or TLV type) this codec does not decode, -EPROTO for
 * a MANAGEMENT_ERROR_STATUS TLV (out->error_id says which error), -EINVAL
 * when @out is NULL.
 */
int ptpmgmt_decode(const uint8_t *buf, size_t len, uint8_t domain,
		   struct ptpmgmt_msg *out);

/*
 * ptpmgmt_decode_data - decode one dataField by managementId.
 * @management_id: which dataset @data holds.
 * @data: the dataField.
 * @len: its length.
 * @out: the union member of struct ptpmgmt_msg for @management_id.
 * Returns 0, -EBADMSG when @data is too short or inconsistent, -ENOTSUP
 * for an unknown @management_id, -EINVAL for a NULL @out (or a NULL @data
 * with a non-zero @len).
 */
int ptpmgmt_decode_data(uint16_t management_id, const uint8_t *data, size_t len,
			struct ptpmgmt_msg *out);

/*
 * ptpmgmt_port_state_name - name of a portState value, e.g. "MASTER".
 * Returns a static string; "UNKNOWN" for values outside 1..9.
 */
const char *ptpmgmt_port_state_name(int state);

/*
 * ptpmgmt_action_name - name of an actionField value, e.g. "RESPONSE".
 * Returns a static string; "UNKNOWN" for values outside 0..4.
 */
const char *ptpmgmt_action_name(int action);

/*
 * ptpmgmt_id_name - name of a managementId, e.g. "PORT_DATA_SET".
 * Returns a static string; "UNKNOWN" for ids not in enum ptpmgmt_id.
 */
const char *ptpmgmt_id_name(uint16_t management_id);

/*
 * ptpmgmt_error_name - name of a managementErrorId, e.g. "NOT_SUPPORTED".
 * Returns a static string; "UNKNOWN" for other values.
 */
const char *ptpmgmt_error_name(uint16_t error_id);

#define PTPMGMT_CLOCK_ID_STRLEN 19 /* "xxxxxx.xxxx.xxxxxx" + NUL */
#define PTPMGMT_PORT_ID_STRLEN 25  /* clock id + "-65535" + NUL */

/*
 * ptpmgmt_clock_identity_str - format as pmc does: "a25ec9.fffe.339ad5".
 * @id: identity to format.
 * @buf: at least PTPMGMT_CLOCK_ID_STRLEN bytes.
 * Returns @buf.
 */
char *ptpmgmt_clock_identity_str(const struct ptpmgmt_clock_identity *id,
				 char *buf);

/*
 * ptpmgmt_port_identity_str - format as "a25ec9.fffe.339ad5-1".
 * @id: identity to format.
 * @buf: at least PTPMGMT_PORT_ID_STRLEN bytes.
 * Returns @buf.
 */
char *ptpmgmt_port_identity_str(const struct ptpmgmt_port_identity *id,
				char *buf);

/*
 * ptpmgmt_port_identity_equal - compare two port identities.
 * Returns true when clock identity and port number are equal.
 */
bool ptpmgmt_port_identity_equal(const struct ptpmgmt_port_identity *a,
				 const struct ptpmgmt_port_identity *b);

/*
 * ptpmgmt_time_interval_to_ns - convert a TimeInterval (ns * 2^16) to ns.
 * Returns the value in nanoseconds.
 */
double ptpmgmt_time_interval_to_ns(int64_t time_interval);

#endif /* PHCB_PTPMGMT_MSG_H */
