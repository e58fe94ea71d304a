/* respond_enc.c: encoders of the management RESPONSE bodies ptp4l sends. */
#include "be.h"
#include "respond_enc.h"

#include <errno.h>
#include <math.h>
#include <string.h>

/* Offsets in a management message (IEEE 1588-2008 15.4.1). */
#define OFF_STARTING_HOPS 44
#define OFF_HOPS 45
#define OFF_TLV 48
#define ERROR_TLV_LEN 8 /* errorId, managementId, 4 reserved */

/* A big-endian writer that stops at the end of its buffer. */
struct respenc_wr {
	uint8_t *p;
	size_t size;
	size_t off;
	int err;
};

static void wr_bytes(struct respenc_wr *w, const void *src, size_t n)
{
	if (w->err || n > w->size - w->off) {
		w->err = -EMSGSIZE;
		return;
	}
	memcpy(w->p + w->off, src, n);
	w->off += n;
}

static void wr_u8(struct respenc_wr *w, uint8_t v)
{
	wr_bytes(w, &v, 1);
}

static void wr_u16(struct respenc_wr *w, uint16_t v)
{
	uint8_t b[2];

	be_put16(b, v);
	wr_bytes(w, b, sizeof(b));
}

static void wr_u32(struct respenc_wr *w, uint32_t v)
{
	uint8_t b[4];

	be_put32(b, v);
	wr_bytes(w, b, sizeof(b));
}

static void wr_u64(struct respenc_wr *w, uint64_t v)
{
	uint8_t b[8];

	be_put64(b, v);
	wr_bytes(w, b, sizeof(b));
}

static void wr_clock_identity(struct respenc_wr *w,
			      const struct ptpmgmt_clock_identity *id)
{
	wr_bytes(w, id->id, sizeof(id->id));
}

static void wr_port_identity(struct respenc_wr *w,
			     const struct ptpmgmt_port_identity *id)
{
	wr_clock_identity(w, &id->clock);
	wr_u16(w, id->port);
}

static void wr_clock_quality(struct respenc_wr *w,
			     const struct ptpmgmt_clock_quality *q)
{
	wr_u8(w, q->clock_class);
	wr_u8(w, q->clock_accuracy);
	wr_u16(w, q->offset_scaled_log_variance);
}

/* A TimeInterval: nanoseconds scaled by 2^16. */
static void wr_time_interval(struct respenc_wr *w, double ns)
{
	wr_u64(w, (uint64_t)llround(ns * 65536.0));
}

static void enc_default_ds(struct respenc_wr *w,
			   const struct ptpmgmt_default_ds *d)
{
	wr_u8(w,
	      (uint8_t)((d->two_step ? 0x01 : 0) | (d->slave_only ? 0x02 : 0)));
	wr_u8(w, 0);
	wr_u16(w, d->number_ports);
	wr_u8(w, d->priority1);
	wr_clock_quality(w, &d->clock_quality);
	wr_u8(w, d->priority2);
	wr_clock_identity(w, &d->clock_identity);
	wr_u8(w, d->domain_number);
	wr_u8(w, 0);
}

static void enc_current_ds(struct respenc_wr *w,
			   const struct ptpmgmt_current_ds *d)
{
	wr_u16(w, d->steps_removed);
	wr_time_interval(w, d->offset_from_master_ns);
	wr_time_interval(w, d->mean_path_delay_ns);
}

static void enc_parent_ds(struct respenc_wr *w,
			  const struct ptpmgmt_parent_ds *d)
{
	wr_port_identity(w, &d->parent_port_identity);
	wr_u8(w, d->parent_stats ? 1 : 0);
	wr_u8(w, 0);
	wr_u16(w, d->observed_parent_offset_scaled_log_variance);
	wr_u32(w, (uint32_t)d->observed_parent_clock_phase_change_rate);
	wr_u8(w, d->grandmaster_priority1);
	wr_clock_quality(w, &d->grandmaster_clock_quality);
	wr_u8(w, d->grandmaster_priority2);
	wr_clock_identity(w, &d->grandmaster_identity);
}

static void enc_time_properties_ds(struct respenc_wr *w,
				   const struct ptpmgmt_time_properties_ds *d)
{
	uint8_t flags = 0;

	flags |= d->leap61 ? PTPMGMT_FLAG_LEAP_61 : 0;
	flags |= d->leap59 ? PTPMGMT_FLAG_LEAP_59 : 0;
	flags |= d->utc_offset_valid ? PTPMGMT_FLAG_UTC_OFF_VALID : 0;
	flags |= d->ptp_timescale ? PTPMGMT_FLAG_PTP_TIMESCALE : 0;
	flags |= d->time_traceable ? PTPMGMT_FLAG_TIME_TRACEABLE : 0;
	flags |= d->frequency_traceable ? PTPMGMT_FLAG_FREQ_TRACEABLE : 0;
	wr_u16(w, (uint16_t)d->current_utc_offset);
	wr_u8(w, flags);
	wr_u8(w, d->time_source);
}

static void enc_port_ds(struct respenc_wr *w, const struct ptpmgmt_port_ds *d)
{
	wr_port_identity(w, &d->port_identity);
	wr_u8(w, d->port_state);
	wr_u8(w, (uint8_t)d->log_min_delay_req_interval);
	wr_time_interval(w, d->peer_mean_path_delay_ns);
	wr_u8(w, (uint8_t)d->log_announce_interval);
	wr_u8(w, d->announce_receipt_timeout);
	wr_u8(w, (uint8_t)d->log_sync_interval);
	wr_u8(w, d->delay_mechanism);
	wr_u8(w, (uint8_t)d->log_min_pdelay_req_interval);
	wr_u8(w, d->version_number & 0x0f);
}

static void enc_time_status_np(struct respenc_wr *w,
			       const struct ptpmgmt_time_status_np *d)
{
	wr_u64(w, (uint64_t)d->master_offset_ns);
	wr_u64(w, (uint64_t)d->ingress_time_ns);
	wr_u32(w, (uint32_t)d->cumulative_scaled_rate_offset);
	wr_u32(w, (uint32_t)d->scaled_last_gm_phase_change);
	wr_u16(w, d->gm_time_base_indicator);
	wr_u16(w, d->last_gm_phase_change.nanoseconds_msb);
	wr_u64(w, d->last_gm_phase_change.nanoseconds_lsb);
	wr_u16(w, d->last_gm_phase_change.fractional_nanoseconds);
	wr_u32(w, d->gm_present ? 1 : 0);
	wr_clock_identity(w, &d->gm_identity);
}

static void enc_subscribe_events_np(struct respenc_wr *w,
				    const struct ptpmgmt_subscribe_events_np *d)
{
	wr_u16(w, d->duration_s);
	wr_bytes(w, d->bitmask, sizeof(d->bitmask));
}

static void enc_port_properties_np(struct respenc_wr *w,
				   const struct ptpmgmt_port_properties_np *d)
{
	size_t len = strnlen(d->interface, sizeof(d->interface) - 1);

	wr_port_identity(w, &d->port_identity);
	wr_u8(w, d->port_state);
	wr_u8(w, d->timestamping);
	wr_u8(w, (uint8_t)len);
	wr_bytes(w, d->interface, len);
}

int respenc_data(uint16_t management_id, const struct ptpmgmt_msg *msg,
		 uint8_t *buf, size_t size)
{
	struct respenc_wr w = {buf, size, 0, 0};

	switch (management_id) {
	case PTPMGMT_ID_DEFAULT_DATA_SET:
		enc_default_ds(&w, &msg->u.default_ds);
		break;
	case PTPMGMT_ID_CURRENT_DATA_SET:
		enc_current_ds(&w, &msg->u.current_ds);
		break;
	case PTPMGMT_ID_PARENT_DATA_SET:
		enc_parent_ds(&w, &msg->u.parent_ds);
		break;
	case PTPMGMT_ID_TIME_PROPERTIES_DATA_SET:
		enc_time_properties_ds(&w, &msg->u.time_properties_ds);
		break;
	case PTPMGMT_ID_PORT_DATA_SET:
		enc_port_ds(&w, &msg->u.port_ds);
		break;
	case PTPMGMT_ID_TIME_STATUS_NP:
		enc_time_status_np(&w, &msg->u.time_status_np);
		break;
	case PTPMGMT_ID_SUBSCRIBE_EVENTS_NP:
		enc_subscribe_events_np(&w, &msg->u.subscribe_events_np);
		break;
	case PTPMGMT_ID_PORT_PROPERTIES_NP:
		enc_port_properties_np(&w, &msg->u.port_properties_np);
		break;
	default:
		return -ENOTSUP;
	}
	return w.err ? w.err : (int)w.off;
}

int respenc_response(const struct ptpmgmt_addr *addr, uint16_t management_id,
		     const struct ptpmgmt_msg *msg, uint8_t *buf, size_t size)
{
	uint8_t data[RESPENC_DATA_MAX];
	int len = respenc_data(management_id, msg, data, sizeof(data));

	if (len < 0)
		return len;
	return ptpmgmt_encode(addr, PTPMGMT_RESPONSE, management_id, data,
			      (size_t)len, buf, size);
}

int respenc_error(const struct ptpmgmt_addr *addr, enum ptpmgmt_action action,
		  uint16_t error_id, uint16_t management_id, uint8_t *buf,
		  size_t size)
{
	/* Build a MANAGEMENT TLV of the same size, then turn it into the
	 * error TLV: type, length, errorId, managementId, 4 reserved. */
	uint8_t pad[ERROR_TLV_LEN - 2] = {0};
	int len = ptpmgmt_encode(addr, action, management_id, pad, sizeof(pad),
				 buf, size);

	if (len < 0)
		return len;
	buf[OFF_TLV] = (uint8_t)(PTPMGMT_TLV_MANAGEMENT_ERROR_STATUS >> 8);
	buf[OFF_TLV + 1] = (uint8_t)PTPMGMT_TLV_MANAGEMENT_ERROR_STATUS;
	buf[OFF_TLV + 2] = 0;
	buf[OFF_TLV + 3] = ERROR_TLV_LEN;
	buf[OFF_TLV + 4] = (uint8_t)(error_id >> 8);
	buf[OFF_TLV + 5] = (uint8_t)error_id;
	buf[OFF_TLV + 6] = (uint8_t)(management_id >> 8);
	buf[OFF_TLV + 7] = (uint8_t)management_id;
	memset(buf + OFF_TLV + 8, 0, 4);
	return len;
}

void respenc_set_hops(uint8_t *buf, uint8_t starting, uint8_t hops)
{
	buf[OFF_STARTING_HOPS] = starting;
	buf[OFF_HOPS] = hops;
}
