/* ptp4l_codec.c: pure codec of ptp4l's IEEE 1588 management messages. */
#include "be.h"
#include "ptp4l_codec.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define PTPMGMT_MSGTYPE_MANAGEMENT 0xd
#define PTPMGMT_VERSION 2
#define PTPMGMT_CONTROL_MANAGEMENT 0x04
#define PTPMGMT_LOG_INTERVAL_NONE 0x7f

/* Offsets inside a management message. */
#define OFF_LENGTH 2
#define OFF_DOMAIN 4
#define OFF_SOURCE 20
#define OFF_SEQUENCE 30
#define OFF_CONTROL 32
#define OFF_LOG_INTERVAL 33
#define OFF_TARGET 34
#define OFF_STARTING_HOPS 44
#define OFF_HOPS 45
#define OFF_ACTION 46
#define OFF_TLV 48

/* Dataset sizes on the wire. */
#define LEN_DEFAULT_DS 20
#define LEN_CURRENT_DS 18
#define LEN_PARENT_DS 32
#define LEN_TIME_PROPERTIES_DS 4
#define LEN_PORT_DS 26
#define LEN_TIME_STATUS_NP 50
#define LEN_SUBSCRIBE_EVENTS_NP (2 + PTPMGMT_EVENT_BITMASK_LEN)
#define LEN_PORT_PROPERTIES_NP 13 /* portIdentity, state, tstamp, text len */

/* A bounds-checked big-endian reader; any overrun makes it sticky-bad. */
struct ptpmgmt_rd {
	const uint8_t *p;
	size_t len;
	size_t off;
	bool bad;
};

static void rd_init(struct ptpmgmt_rd *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->off = 0;
	r->bad = false;
}

static const uint8_t *rd_take(struct ptpmgmt_rd *r, size_t n)
{
	const uint8_t *q;

	if (r->bad || n > r->len - r->off) {
		r->bad = true;
		return NULL;
	}
	q = r->p + r->off;
	r->off += n;
	return q;
}

static uint8_t rd_u8(struct ptpmgmt_rd *r)
{
	const uint8_t *q = rd_take(r, 1);

	return q ? q[0] : 0;
}

static uint16_t rd_u16(struct ptpmgmt_rd *r)
{
	const uint8_t *q = rd_take(r, 2);

	return q ? be_get16(q) : 0;
}

static uint32_t rd_u32(struct ptpmgmt_rd *r)
{
	const uint8_t *q = rd_take(r, 4);

	return q ? be_get32(q) : 0;
}

static uint64_t rd_u64(struct ptpmgmt_rd *r)
{
	const uint8_t *q = rd_take(r, 8);

	return q ? be_get64(q) : 0;
}

static int8_t rd_i8(struct ptpmgmt_rd *r)
{
	return (int8_t)rd_u8(r);
}

static int16_t rd_i16(struct ptpmgmt_rd *r)
{
	return (int16_t)rd_u16(r);
}

static int32_t rd_i32(struct ptpmgmt_rd *r)
{
	return (int32_t)rd_u32(r);
}

static int64_t rd_i64(struct ptpmgmt_rd *r)
{
	return (int64_t)rd_u64(r);
}

static void rd_skip(struct ptpmgmt_rd *r, size_t n)
{
	(void)rd_take(r, n);
}

static void rd_clock_identity(struct ptpmgmt_rd *r,
			      struct ptpmgmt_clock_identity *id)
{
	const uint8_t *q = rd_take(r, sizeof(id->id));

	if (q)
		memcpy(id->id, q, sizeof(id->id));
	else
		memset(id->id, 0, sizeof(id->id));
}

static void rd_port_identity(struct ptpmgmt_rd *r,
			     struct ptpmgmt_port_identity *id)
{
	rd_clock_identity(r, &id->clock);
	id->port = rd_u16(r);
}

static void rd_clock_quality(struct ptpmgmt_rd *r,
			     struct ptpmgmt_clock_quality *q)
{
	q->clock_class = rd_u8(r);
	q->clock_accuracy = rd_u8(r);
	q->offset_scaled_log_variance = rd_u16(r);
}

/* Big-endian writers; callers have checked the buffer size. */
static void wr_u8(uint8_t *p, uint8_t v)
{
	p[0] = v;
}

static void wr_port_identity(uint8_t *p, const struct ptpmgmt_port_identity *id)
{
	memcpy(p, id->clock.id, sizeof(id->clock.id));
	be_put16(p + sizeof(id->clock.id), id->port);
}

void ptpmgmt_addr_init(struct ptpmgmt_addr *addr, uint8_t domain,
		       const struct ptpmgmt_port_identity *source,
		       uint16_t sequence_id)
{
	memset(addr, 0, sizeof(*addr));
	addr->domain = domain;
	addr->sequence_id = sequence_id;
	if (source)
		addr->source = *source;
	memset(addr->target.clock.id, 0xff, sizeof(addr->target.clock.id));
	addr->target.port = PTPMGMT_PORT_ALL;
}

static void encode_header(const struct ptpmgmt_addr *addr, size_t total,
			  uint8_t *buf)
{
	memset(buf, 0, PTPMGMT_HEADER_LEN);
	wr_u8(buf, PTPMGMT_MSGTYPE_MANAGEMENT);
	wr_u8(buf + 1, PTPMGMT_VERSION);
	be_put16(buf + OFF_LENGTH, (uint16_t)total);
	wr_u8(buf + OFF_DOMAIN, addr->domain);
	wr_port_identity(buf + OFF_SOURCE, &addr->source);
	be_put16(buf + OFF_SEQUENCE, addr->sequence_id);
	wr_u8(buf + OFF_CONTROL, PTPMGMT_CONTROL_MANAGEMENT);
	wr_u8(buf + OFF_LOG_INTERVAL, PTPMGMT_LOG_INTERVAL_NONE);
}

static void encode_body(const struct ptpmgmt_addr *addr,
			enum ptpmgmt_action action, uint8_t *buf)
{
	wr_port_identity(buf + OFF_TARGET, &addr->target);
	wr_u8(buf + OFF_STARTING_HOPS, 0);
	wr_u8(buf + OFF_HOPS, 0);
	wr_u8(buf + OFF_ACTION, (uint8_t)(action & 0x0f));
	wr_u8(buf + OFF_ACTION + 1, 0);
}

int ptpmgmt_encode(const struct ptpmgmt_addr *addr, enum ptpmgmt_action action,
		   uint16_t management_id, const uint8_t *data, size_t data_len,
		   uint8_t *buf, size_t size)
{
	size_t padded, total;

	if (!addr || !buf || (data_len && !data) || (unsigned int)action > 0x0f)
		return -EINVAL;
	if (data_len > PTPMGMT_MSG_MAX)
		return -EMSGSIZE;
	padded = data_len + (data_len & 1);
	total = PTPMGMT_MIN_LEN + padded;
	if (total > PTPMGMT_MSG_MAX || total > size)
		return -EMSGSIZE;
	encode_header(addr, total, buf);
	encode_body(addr, action, buf);
	be_put16(buf + OFF_TLV, PTPMGMT_TLV_MANAGEMENT);
	be_put16(buf + OFF_TLV + 2, (uint16_t)(2 + padded));
	be_put16(buf + OFF_TLV + 4, management_id);
	if (data_len)
		memcpy(buf + PTPMGMT_MIN_LEN, data, data_len);
	if (padded != data_len)
		buf[PTPMGMT_MIN_LEN + data_len] = 0;
	return (int)total;
}

int ptpmgmt_encode_get(const struct ptpmgmt_addr *addr, uint16_t management_id,
		       uint8_t *buf, size_t size)
{
	return ptpmgmt_encode(addr, PTPMGMT_GET, management_id, NULL, 0, buf,
			      size);
}

int ptpmgmt_encode_subscribe(const struct ptpmgmt_addr *addr,
			     const struct ptpmgmt_subscribe_events_np *sub,
			     uint8_t *buf, size_t size)
{
	uint8_t data[LEN_SUBSCRIBE_EVENTS_NP];

	if (!sub)
		return -EINVAL;
	be_put16(data, sub->duration_s);
	memcpy(data + 2, sub->bitmask, sizeof(sub->bitmask));
	return ptpmgmt_encode(addr, PTPMGMT_SET,
			      PTPMGMT_ID_SUBSCRIBE_EVENTS_NP, data,
			      sizeof(data), buf, size);
}

int ptpmgmt_subscribe_set_event(struct ptpmgmt_subscribe_events_np *sub,
				unsigned int event, bool on)
{
	uint8_t bit;

	if (!sub || event >= 8 * PTPMGMT_EVENT_BITMASK_LEN)
		return -EINVAL;
	bit = (uint8_t)(1u << (event % 8));
	if (on)
		sub->bitmask[event / 8] |= bit;
	else
		sub->bitmask[event / 8] &= (uint8_t)~bit;
	return 0;
}

bool ptpmgmt_subscribe_has_event(const struct ptpmgmt_subscribe_events_np *sub,
				 unsigned int event)
{
	if (!sub || event >= 8 * PTPMGMT_EVENT_BITMASK_LEN)
		return false;
	return (sub->bitmask[event / 8] >> (event % 8)) & 1;
}

double ptpmgmt_time_interval_to_ns(int64_t time_interval)
{
	return (double)time_interval / 65536.0;
}

static int decode_default_ds(struct ptpmgmt_rd *r, struct ptpmgmt_default_ds *d)
{
	uint8_t flags = rd_u8(r);

	d->two_step = flags & 0x01;
	d->slave_only = (flags >> 1) & 0x01;
	rd_skip(r, 1);
	d->number_ports = rd_u16(r);
	d->priority1 = rd_u8(r);
	rd_clock_quality(r, &d->clock_quality);
	d->priority2 = rd_u8(r);
	rd_clock_identity(r, &d->clock_identity);
	d->domain_number = rd_u8(r);
	rd_skip(r, 1);
	return 0;
}

static int decode_current_ds(struct ptpmgmt_rd *r, struct ptpmgmt_current_ds *d)
{
	d->steps_removed = rd_u16(r);
	d->offset_from_master_ns = ptpmgmt_time_interval_to_ns(rd_i64(r));
	d->mean_path_delay_ns = ptpmgmt_time_interval_to_ns(rd_i64(r));
	return 0;
}

static int decode_parent_ds(struct ptpmgmt_rd *r, struct ptpmgmt_parent_ds *d)
{
	rd_port_identity(r, &d->parent_port_identity);
	d->parent_stats = rd_u8(r) & 0x01;
	rd_skip(r, 1);
	d->observed_parent_offset_scaled_log_variance = rd_u16(r);
	d->observed_parent_clock_phase_change_rate = rd_i32(r);
	d->grandmaster_priority1 = rd_u8(r);
	rd_clock_quality(r, &d->grandmaster_clock_quality);
	d->grandmaster_priority2 = rd_u8(r);
	rd_clock_identity(r, &d->grandmaster_identity);
	return 0;
}

static int decode_time_properties_ds(struct ptpmgmt_rd *r,
				     struct ptpmgmt_time_properties_ds *d)
{
	d->current_utc_offset = rd_i16(r);
	d->flags = rd_u8(r);
	d->leap61 = d->flags & PTPMGMT_FLAG_LEAP_61;
	d->leap59 = d->flags & PTPMGMT_FLAG_LEAP_59;
	d->utc_offset_valid = d->flags & PTPMGMT_FLAG_UTC_OFF_VALID;
	d->ptp_timescale = d->flags & PTPMGMT_FLAG_PTP_TIMESCALE;
	d->time_traceable = d->flags & PTPMGMT_FLAG_TIME_TRACEABLE;
	d->frequency_traceable = d->flags & PTPMGMT_FLAG_FREQ_TRACEABLE;
	d->time_source = rd_u8(r);
	return 0;
}

static int decode_port_ds(struct ptpmgmt_rd *r, struct ptpmgmt_port_ds *d)
{
	rd_port_identity(r, &d->port_identity);
	d->port_state = rd_u8(r);
	d->log_min_delay_req_interval = rd_i8(r);
	d->peer_mean_path_delay_ns = ptpmgmt_time_interval_to_ns(rd_i64(r));
	d->log_announce_interval = rd_i8(r);
	d->announce_receipt_timeout = rd_u8(r);
	d->log_sync_interval = rd_i8(r);
	d->delay_mechanism = rd_u8(r);
	d->log_min_pdelay_req_interval = rd_i8(r);
	d->version_number = rd_u8(r) & 0x0f;
	return 0;
}

static int decode_time_status_np(struct ptpmgmt_rd *r,
				 struct ptpmgmt_time_status_np *d)
{
	d->master_offset_ns = rd_i64(r);
	d->ingress_time_ns = rd_i64(r);
	d->cumulative_scaled_rate_offset = rd_i32(r);
	d->scaled_last_gm_phase_change = rd_i32(r);
	d->gm_time_base_indicator = rd_u16(r);
	d->last_gm_phase_change.nanoseconds_msb = rd_u16(r);
	d->last_gm_phase_change.nanoseconds_lsb = rd_u64(r);
	d->last_gm_phase_change.fractional_nanoseconds = rd_u16(r);
	d->gm_present = rd_i32(r) != 0;
	rd_clock_identity(r, &d->gm_identity);
	return 0;
}

static int decode_subscribe_events_np(struct ptpmgmt_rd *r,
				      struct ptpmgmt_subscribe_events_np *d)
{
	const uint8_t *mask;

	d->duration_s = rd_u16(r);
	mask = rd_take(r, sizeof(d->bitmask));
	if (mask)
		memcpy(d->bitmask, mask, sizeof(d->bitmask));
	return 0;
}

static int decode_port_properties_np(struct ptpmgmt_rd *r,
				     struct ptpmgmt_port_properties_np *d)
{
	const uint8_t *text;
	uint8_t text_len;

	rd_port_identity(r, &d->port_identity);
	d->port_state = rd_u8(r);
	d->timestamping = rd_u8(r);
	text_len = rd_u8(r);
	text = rd_take(r, text_len);
	d->interface[0] = '\0';
	if (!text)
		return -EBADMSG;
	memcpy(d->interface, text, text_len);
	d->interface[text_len] = '\0';
	if (strlen(d->interface) != text_len)
		return -EBADMSG; /* embedded NUL */
	return 0;
}

/* Wire size of a dataset, or 0 for ids this codec does not decode. */
static size_t data_min_len(uint16_t management_id)
{
	switch (management_id) {
	case PTPMGMT_ID_DEFAULT_DATA_SET:
		return LEN_DEFAULT_DS;
	case PTPMGMT_ID_CURRENT_DATA_SET:
		return LEN_CURRENT_DS;
	case PTPMGMT_ID_PARENT_DATA_SET:
		return LEN_PARENT_DS;
	case PTPMGMT_ID_TIME_PROPERTIES_DATA_SET:
		return LEN_TIME_PROPERTIES_DS;
	case PTPMGMT_ID_PORT_DATA_SET:
		return LEN_PORT_DS;
	case PTPMGMT_ID_TIME_STATUS_NP:
		return LEN_TIME_STATUS_NP;
	case PTPMGMT_ID_SUBSCRIBE_EVENTS_NP:
		return LEN_SUBSCRIBE_EVENTS_NP;
	case PTPMGMT_ID_PORT_PROPERTIES_NP:
		return LEN_PORT_PROPERTIES_NP;
	default:
		return 0;
	}
}

static int decode_by_id(uint16_t management_id, struct ptpmgmt_rd *r,
			struct ptpmgmt_msg *out)
{
	switch (management_id) {
	case PTPMGMT_ID_DEFAULT_DATA_SET:
		return decode_default_ds(r, &out->u.default_ds);
	case PTPMGMT_ID_CURRENT_DATA_SET:
		return decode_current_ds(r, &out->u.current_ds);
	case PTPMGMT_ID_PARENT_DATA_SET:
		return decode_parent_ds(r, &out->u.parent_ds);
	case PTPMGMT_ID_TIME_PROPERTIES_DATA_SET:
		return decode_time_properties_ds(r, &out->u.time_properties_ds);
	case PTPMGMT_ID_PORT_DATA_SET:
		return decode_port_ds(r, &out->u.port_ds);
	case PTPMGMT_ID_TIME_STATUS_NP:
		return decode_time_status_np(r, &out->u.time_status_np);
	case PTPMGMT_ID_SUBSCRIBE_EVENTS_NP:
		return decode_subscribe_events_np(r,
						  &out->u.subscribe_events_np);
	case PTPMGMT_ID_PORT_PROPERTIES_NP:
		return decode_port_properties_np(r, &out->u.port_properties_np);
	default:
		return -ENOTSUP;
	}
}

int ptpmgmt_decode_data(uint16_t management_id, const uint8_t *data, size_t len,
			struct ptpmgmt_msg *out)
{
	struct ptpmgmt_rd r;
	size_t need = data_min_len(management_id);
	int err;

	if (!out || (len && !data))
		return -EINVAL;
	memset(&out->u, 0, sizeof(out->u));
	if (!need)
		return -ENOTSUP;
	if (len < need)
		return -EBADMSG;
	rd_init(&r, data, len);
	err = decode_by_id(management_id, &r, out);
	if (!err && r.bad)
		err = -EBADMSG;
	if (err)
		memset(&out->u, 0, sizeof(out->u));
	return err;
}

/* Common header checks and fields; returns the messageLength or -errno. */
static int decode_header(const uint8_t *buf, size_t len, uint8_t domain,
			 struct ptpmgmt_msg *out)
{
	struct ptpmgmt_rd r;
	uint16_t msg_len;
	uint8_t type, version;

	rd_init(&r, buf, len);
	type = rd_u8(&r) & 0x0f;
	version = rd_u8(&r) & 0x0f;
	msg_len = rd_u16(&r);
	out->domain = rd_u8(&r);
	if (r.bad || len < PTPMGMT_MIN_LEN)
		return -EBADMSG;
	if (type != PTPMGMT_MSGTYPE_MANAGEMENT || version != PTPMGMT_VERSION ||
	    out->domain != domain)
		return -EBADMSG;
	if (msg_len < PTPMGMT_MIN_LEN || msg_len > len)
		return -EBADMSG;
	rd_skip(&r, OFF_SOURCE - OFF_DOMAIN - 1);
	rd_port_identity(&r, &out->source);
	out->sequence_id = rd_u16(&r);
	rd_skip(&r, 2); /* controlField, logMessageInterval */
	rd_port_identity(&r, &out->target);
	out->starting_boundary_hops = rd_u8(&r);
	out->boundary_hops = rd_u8(&r);
	out->action = rd_u8(&r) & 0x0f;
	if (r.bad || out->action > PTPMGMT_ACKNOWLEDGE)
		return -EBADMSG;
	return msg_len;
}

/* An error TLV: managementErrorId, managementId, 4 reserved, displayData. */
static int decode_error_tlv(struct ptpmgmt_rd *tlv, struct ptpmgmt_msg *out)
{
	out->error_id = rd_u16(tlv);
	out->management_id = rd_u16(tlv);
	if (tlv->bad)
		return -EBADMSG;
	return -EPROTO;
}

/* Does a RESPONSE of this id carry a dataset? */
static bool id_needs_data(uint16_t management_id)
{
	return data_min_len(management_id) != 0;
}

static int decode_management_tlv(struct ptpmgmt_rd *tlv,
				 struct ptpmgmt_msg *out)
{
	const uint8_t *data;
	int err;

	out->management_id = rd_u16(tlv);
	if (tlv->bad)
		return -EBADMSG;
	out->data_len = tlv->len - tlv->off;
	data = tlv->p + tlv->off;
	if (out->data_len == 0) {
		if (out->management_id == PTPMGMT_ID_NULL_MANAGEMENT)
			return 0;
		if (!id_needs_data(out->management_id))
			return -ENOTSUP;
		if (out->action == PTPMGMT_RESPONSE &&
		    out->management_id == PTPMGMT_ID_SUBSCRIBE_EVENTS_NP)
			return 0; /* 4.x read-only socket: no subscriptions */
		if (out->action == PTPMGMT_RESPONSE ||
		    out->action == PTPMGMT_SET)
			return -EBADMSG;
		return 0;
	}
	err = ptpmgmt_decode_data(out->management_id, data, out->data_len, out);
	if (err == 0)
		out->has_data = true;
	return err;
}

int ptpmgmt_decode(const uint8_t *buf, size_t len, uint8_t domain,
		   struct ptpmgmt_msg *out)
{
	struct ptpmgmt_rd r, tlv;
	uint16_t tlv_len;
	int msg_len;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!buf)
		return -EBADMSG;
	msg_len = decode_header(buf, len, domain, out);
	if (msg_len < 0)
		return msg_len;
	rd_init(&r, buf, (size_t)msg_len);
	rd_skip(&r, OFF_TLV);
	out->tlv_type = rd_u16(&r);
	tlv_len = rd_u16(&r);
	if (r.bad || (tlv_len & 1) || tlv_len < 2)
		return -EBADMSG;
	rd_init(&tlv, rd_take(&r, tlv_len), tlv_len);
	if (r.bad)
		return -EBADMSG;
	switch (out->tlv_type) {
	case PTPMGMT_TLV_MANAGEMENT:
		return decode_management_tlv(&tlv, out);
	case PTPMGMT_TLV_MANAGEMENT_ERROR_STATUS:
		return decode_error_tlv(&tlv, out);
	default:
		return -ENOTSUP;
	}
}

enum ptpmgmt_sub_answer ptpmgmt_subscribe_answer(int status,
						 const struct ptpmgmt_msg *m)
{
	if (!m || m->management_id != PTPMGMT_ID_SUBSCRIBE_EVENTS_NP ||
	    m->action != PTPMGMT_RESPONSE || m->boundary_hops)
		return PTPMGMT_SUB_NOT_ANSWER;
	if (status == -EPROTO)
		return m->error_id == PTPMGMT_ERR_NOT_SUPPORTED ?
			       PTPMGMT_SUB_READ_ONLY :
			       PTPMGMT_SUB_REFUSED;
	if (status != 0)
		return PTPMGMT_SUB_NOT_ANSWER;
	return m->has_data ? PTPMGMT_SUB_ACCEPTED : PTPMGMT_SUB_READ_ONLY;
}

const char *ptpmgmt_port_state_name(int state)
{
	static const char *const names[] = {
		[PTPMGMT_PS_INITIALIZING] = "INITIALIZING",
		[PTPMGMT_PS_FAULTY] = "FAULTY",
		[PTPMGMT_PS_DISABLED] = "DISABLED",
		[PTPMGMT_PS_LISTENING] = "LISTENING",
		[PTPMGMT_PS_PRE_MASTER] = "PRE_MASTER",
		[PTPMGMT_PS_MASTER] = "MASTER",
		[PTPMGMT_PS_PASSIVE] = "PASSIVE",
		[PTPMGMT_PS_UNCALIBRATED] = "UNCALIBRATED",
		[PTPMGMT_PS_SLAVE] = "SLAVE",
	};

	if (state < PTPMGMT_PS_INITIALIZING || state > PTPMGMT_PS_SLAVE)
		return "UNKNOWN";
	return names[state];
}

const char *ptpmgmt_action_name(int action)
{
	static const char *const names[] = {
		[PTPMGMT_GET] = "GET",
		[PTPMGMT_SET] = "SET",
		[PTPMGMT_RESPONSE] = "RESPONSE",
		[PTPMGMT_COMMAND] = "COMMAND",
		[PTPMGMT_ACKNOWLEDGE] = "ACKNOWLEDGE",
	};

	if (action < PTPMGMT_GET || action > PTPMGMT_ACKNOWLEDGE)
		return "UNKNOWN";
	return names[action];
}

/* Names of the linuxptp extensions this codec does not decode. */
static const char *extension_id_name(uint16_t management_id)
{
	switch (management_id) {
	case PTPMGMT_ID_GRANDMASTER_SETTINGS_NP:
		return "GRANDMASTER_SETTINGS_NP";
	case PTPMGMT_ID_PORT_DATA_SET_NP:
		return "PORT_DATA_SET_NP";
	case PTPMGMT_ID_PORT_STATS_NP:
		return "PORT_STATS_NP";
	case PTPMGMT_ID_SYNCHRONIZATION_UNCERTAIN_NP:
		return "SYNCHRONIZATION_UNCERTAIN_NP";
	case PTPMGMT_ID_PORT_SERVICE_STATS_NP:
		return "PORT_SERVICE_STATS_NP";
	case PTPMGMT_ID_UNICAST_MASTER_TABLE_NP:
		return "UNICAST_MASTER_TABLE_NP";
	case PTPMGMT_ID_PORT_HWCLOCK_NP:
		return "PORT_HWCLOCK_NP";
	case PTPMGMT_ID_POWER_PROFILE_SETTINGS_NP:
		return "POWER_PROFILE_SETTINGS_NP";
	case PTPMGMT_ID_CMLDS_INFO_NP:
		return "CMLDS_INFO_NP";
	default:
		return "UNKNOWN";
	}
}

const char *ptpmgmt_id_name(uint16_t management_id)
{
	switch (management_id) {
	case PTPMGMT_ID_NULL_MANAGEMENT:
		return "NULL_MANAGEMENT";
	case PTPMGMT_ID_DEFAULT_DATA_SET:
		return "DEFAULT_DATA_SET";
	case PTPMGMT_ID_CURRENT_DATA_SET:
		return "CURRENT_DATA_SET";
	case PTPMGMT_ID_PARENT_DATA_SET:
		return "PARENT_DATA_SET";
	case PTPMGMT_ID_TIME_PROPERTIES_DATA_SET:
		return "TIME_PROPERTIES_DATA_SET";
	case PTPMGMT_ID_PORT_DATA_SET:
		return "PORT_DATA_SET";
	case PTPMGMT_ID_TIME_STATUS_NP:
		return "TIME_STATUS_NP";
	case PTPMGMT_ID_SUBSCRIBE_EVENTS_NP:
		return "SUBSCRIBE_EVENTS_NP";
	case PTPMGMT_ID_PORT_PROPERTIES_NP:
		return "PORT_PROPERTIES_NP";
	default:
		return extension_id_name(management_id);
	}
}

const char *ptpmgmt_error_name(uint16_t error_id)
{
	switch (error_id) {
	case PTPMGMT_ERR_RESPONSE_TOO_BIG:
		return "RESPONSE_TOO_BIG";
	case PTPMGMT_ERR_NO_SUCH_ID:
		return "NO_SUCH_ID";
	case PTPMGMT_ERR_WRONG_LENGTH:
		return "WRONG_LENGTH";
	case PTPMGMT_ERR_WRONG_VALUE:
		return "WRONG_VALUE";
	case PTPMGMT_ERR_NOT_SETABLE:
		return "NOT_SETABLE";
	case PTPMGMT_ERR_NOT_SUPPORTED:
		return "NOT_SUPPORTED";
	case PTPMGMT_ERR_GENERAL_ERROR:
		return "GENERAL_ERROR";
	default:
		return "UNKNOWN";
	}
}

char *ptpmgmt_clock_identity_str(const struct ptpmgmt_clock_identity *id,
				 char *buf)
{
	const uint8_t *b = id->id;

	snprintf(buf, PTPMGMT_CLOCK_ID_STRLEN,
		 "%02x%02x%02x.%02x%02x.%02x%02x%02x", b[0], b[1], b[2], b[3],
		 b[4], b[5], b[6], b[7]);
	return buf;
}

char *ptpmgmt_port_identity_str(const struct ptpmgmt_port_identity *id,
				char *buf)
{
	char clock[PTPMGMT_CLOCK_ID_STRLEN];

	snprintf(buf, PTPMGMT_PORT_ID_STRLEN, "%s-%u",
		 ptpmgmt_clock_identity_str(&id->clock, clock),
		 (unsigned int)id->port);
	return buf;
}

bool ptpmgmt_port_identity_equal(const struct ptpmgmt_port_identity *a,
				 const struct ptpmgmt_port_identity *b)
{
	return a->port == b->port &&
	       memcmp(a->clock.id, b->clock.id, sizeof(a->clock.id)) == 0;
}
