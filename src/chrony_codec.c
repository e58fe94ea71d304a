/* chrony_codec.c: pure codec of chronyd's command protocol (chronyc's). */
#include "be.h"
#include "chrony_codec.h"

#include <errno.h>
#include <math.h>
#include <string.h>

/* The wire float: 7-bit exponent, 25-bit coefficient, both signed. */
#define FLT_EXP_BITS 7
#define FLT_COEF_BITS 25
#define FLT_EXP_MIN (-(1 << (FLT_EXP_BITS - 1)))
#define FLT_EXP_MAX ((1 << (FLT_EXP_BITS - 1)) - 1)
#define FLT_COEF_MIN (-(1L << (FLT_COEF_BITS - 1)))
#define FLT_COEF_MAX ((1L << (FLT_COEF_BITS - 1)) - 1)
#define FLT_COEF_MASK ((1UL << FLT_COEF_BITS) - 1)

/* Sizes of the pieces of a message. */
#define IP_WIRE_LEN 20
#define TS_WIRE_LEN 12
/* High word of a timestamp sent by a chronyd with a 32-bit time_t. */
#define TS_NO_HIGH_SEC 0x7fffffffu

/* Option bits of SELECTOPTS `options` use the add-source flag numbering. */
#define ADDSRC_PREFER 0x08u
#define ADDSRC_NOSELECT 0x10u
#define ADDSRC_TRUST 0x20u
#define ADDSRC_REQUIRE 0x40u

/* Reply lengths, header included. */
#define RPY_LEN_NULL CANDM_RPY_HDR_LEN
#define RPY_LEN_N_SOURCES (CANDM_RPY_HDR_LEN + 4)
#define RPY_LEN_SOURCE_DATA (CANDM_RPY_HDR_LEN + IP_WIRE_LEN + 16 + 12)
#define RPY_LEN_TRACKING                                                       \
	(CANDM_RPY_HDR_LEN + 4 + IP_WIRE_LEN + 4 + TS_WIRE_LEN + 36)
#define RPY_LEN_SOURCESTATS (CANDM_RPY_HDR_LEN + 4 + IP_WIRE_LEN + 12 + 20)
#define RPY_LEN_ACTIVITY (CANDM_RPY_HDR_LEN + 20)

/* What one command looks like on the wire. */
struct cmd_shape {
	uint16_t command;
	uint16_t req_data_len; /* request data after the header */
	uint16_t reply;	       /* report code of a successful reply */
	uint16_t reply_len;    /* length of that reply */
};

static const struct cmd_shape cmd_shapes[] = {
    {CANDM_CMD_NULL, 0, CANDM_RPY_NULL, RPY_LEN_NULL},
    {CANDM_CMD_ONLINE, 2 * IP_WIRE_LEN, CANDM_RPY_NULL, RPY_LEN_NULL},
    {CANDM_CMD_OFFLINE, 2 * IP_WIRE_LEN, CANDM_RPY_NULL, RPY_LEN_NULL},
    {CANDM_CMD_BURST, 2 * IP_WIRE_LEN + 8, CANDM_RPY_NULL, RPY_LEN_NULL},
    {CANDM_CMD_N_SOURCES, 0, CANDM_RPY_N_SOURCES, RPY_LEN_N_SOURCES},
    {CANDM_CMD_SOURCE_DATA, 4, CANDM_RPY_SOURCE_DATA, RPY_LEN_SOURCE_DATA},
    {CANDM_CMD_TRACKING, 0, CANDM_RPY_TRACKING, RPY_LEN_TRACKING},
    {CANDM_CMD_SOURCESTATS, 4, CANDM_RPY_SOURCESTATS, RPY_LEN_SOURCESTATS},
    {CANDM_CMD_ACTIVITY, 0, CANDM_RPY_ACTIVITY, RPY_LEN_ACTIVITY},
    {CANDM_CMD_RESELECT, 0, CANDM_RPY_NULL, RPY_LEN_NULL},
    {CANDM_CMD_RESET_SOURCES, 0, CANDM_RPY_NULL, RPY_LEN_NULL},
    {CANDM_CMD_SELECTOPTS, IP_WIRE_LEN + 12, CANDM_RPY_NULL, RPY_LEN_NULL},
};

static const struct cmd_shape *cmd_shape_find(uint16_t command)
{
	for (size_t i = 0; i < sizeof(cmd_shapes) / sizeof(cmd_shapes[0]);
	     i++) {
		if (cmd_shapes[i].command == command)
			return &cmd_shapes[i];
	}
	return NULL;
}

/* ---- big-endian accessors ---- */

static double get_float(const uint8_t *p)
{
	return candm_float_decode(be_get32(p));
}

/* ---- float ---- */

double candm_float_decode(uint32_t x)
{
	int32_t exp = (int32_t)(x >> FLT_COEF_BITS);
	int32_t coef = (int32_t)(x & FLT_COEF_MASK);

	if (exp > FLT_EXP_MAX)
		exp -= 1 << FLT_EXP_BITS;
	if (coef > FLT_COEF_MAX)
		coef -= 1L << FLT_COEF_BITS;
	return ldexp((double)coef, exp - FLT_COEF_BITS);
}

static uint32_t float_pack(int32_t exp, int32_t coef)
{
	return ((uint32_t)exp << FLT_COEF_BITS) |
	       ((uint32_t)coef & FLT_COEF_MASK);
}

uint32_t candm_float_encode(double v)
{
	int e;
	double m, c;
	int32_t exp;

	if (isnan(v) || v == 0.0)
		return 0;
	if (isinf(v))
		return float_pack(FLT_EXP_MAX,
				  v > 0 ? FLT_COEF_MAX : FLT_COEF_MIN);
	/* v = m * 2^e with 0.5 <= |m| < 1; the coefficient keeps 24 bits of m.
	 */
	m = frexp(v, &e);
	exp = e + 1;
	c = nearbyint(ldexp(m, FLT_COEF_BITS - 1));
	if (c > FLT_COEF_MAX) { /* rounded up to 2^24 */
		c = ldexp(1.0, FLT_COEF_BITS - 2);
		exp++;
	}
	if (exp > FLT_EXP_MAX)
		return float_pack(FLT_EXP_MAX,
				  v > 0 ? FLT_COEF_MAX : FLT_COEF_MIN);
	if (exp < FLT_EXP_MIN) { /* denormalise, flushing to zero at the end */
		c = nearbyint(ldexp(c, exp - FLT_EXP_MIN));
		exp = FLT_EXP_MIN;
		if (c == 0.0)
			return 0;
	}
	return float_pack(exp, (int32_t)c);
}

/* ---- addresses, timestamps, refids ---- */

static void put_ip(uint8_t *p, const struct candm_ip *ip)
{
	memset(p, 0, IP_WIRE_LEN);
	if (!ip)
		return;
	switch (ip->family) {
	case CANDM_AF_INET4:
		be_put32(p, ip->addr.in4);
		break;
	case CANDM_AF_INET6:
		memcpy(p, ip->addr.in6, 16);
		break;
	case CANDM_AF_ID:
		be_put32(p, ip->addr.id);
		break;
	default:
		return;
	}
	be_put16(p + 16, ip->family);
}

static void get_ip(const uint8_t *p, struct candm_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	ip->family = be_get16(p + 16);
	switch (ip->family) {
	case CANDM_AF_INET4:
		ip->addr.in4 = be_get32(p);
		break;
	case CANDM_AF_INET6:
		memcpy(ip->addr.in6, p, 16);
		break;
	case CANDM_AF_ID:
		ip->addr.id = be_get32(p);
		break;
	default:
		break;
	}
}

static void get_timespec(const uint8_t *p, int64_t *sec, uint32_t *nsec)
{
	uint32_t high = be_get32(p);

	if (high == TS_NO_HIGH_SEC)
		high = 0;
	*sec = (int64_t)(((uint64_t)high << 32) | be_get32(p + 4));
	*nsec = be_get32(p + 8);
}

char *candm_refid_str(uint32_t ref_id, char buf[5])
{
	int n = 0;

	for (int shift = 24; shift >= 0; shift -= 8) {
		unsigned char ch = (unsigned char)(ref_id >> shift);

		if (ch >= 0x20 && ch < 0x7f)
			buf[n++] = (char)ch;
	}
	buf[n] = '\0';
	return buf;
}

uint32_t candm_refid_from_str(const char *name)
{
	uint32_t id = 0;
	size_t i;

	for (i = 0; i < 4 && name && name[i]; i++)
		id |= (uint32_t)(unsigned char)name[i] << (24 - 8 * i);
	return id;
}

/* ---- requests ---- */

void candm_req_init(struct candm_request *req, uint16_t command)
{
	memset(req, 0, sizeof(*req));
	req->command = command;
}

void candm_req_source_data(struct candm_request *req, int32_t index)
{
	candm_req_init(req, CANDM_CMD_SOURCE_DATA);
	req->u.index = index;
}

void candm_req_sourcestats(struct candm_request *req, int32_t index)
{
	candm_req_init(req, CANDM_CMD_SOURCESTATS);
	req->u.index = index;
}

void candm_req_burst(struct candm_request *req,
		     const struct candm_req_select *sel, int32_t n_good,
		     int32_t n_total)
{
	candm_req_init(req, CANDM_CMD_BURST);
	if (sel)
		req->u.burst.select = *sel;
	req->u.burst.n_good = n_good;
	req->u.burst.n_total = n_total;
}

void candm_req_onoffline(struct candm_request *req, int online,
			 const struct candm_req_select *sel)
{
	candm_req_init(req, online ? CANDM_CMD_ONLINE : CANDM_CMD_OFFLINE);
	if (sel)
		req->u.select = *sel;
}

void candm_req_selectopts(struct candm_request *req,
			  const struct candm_ip *address, uint32_t ref_id,
			  uint32_t mask, uint32_t options)
{
	candm_req_init(req, CANDM_CMD_SELECTOPTS);
	if (address)
		req->u.selectopts.address = *address;
	else
		req->u.selectopts.ref_id = ref_id;
	req->u.selectopts.mask = mask;
	req->u.selectopts.options = options;
}

int candm_request_length(uint16_t command)
{
	const struct cmd_shape *shape = cmd_shape_find(command);
	int len;

	if (!shape)
		return -EOPNOTSUPP;
	len = CANDM_REQ_HDR_LEN + shape->req_data_len;
	/* chronyd wants the request at least as long as its reply. */
	return len > shape->reply_len ? len : shape->reply_len;
}

static uint32_t selectopts_wire_options(uint32_t options)
{
	uint32_t w = 0;

	if (options & CANDM_SELECT_PREFER)
		w |= ADDSRC_PREFER;
	if (options & CANDM_SELECT_NOSELECT)
		w |= ADDSRC_NOSELECT;
	if (options & CANDM_SELECT_TRUST)
		w |= ADDSRC_TRUST;
	if (options & CANDM_SELECT_REQUIRE)
		w |= ADDSRC_REQUIRE;
	return w;
}

static void encode_data(const struct candm_request *req, uint8_t *d)
{
	switch (req->command) {
	case CANDM_CMD_SOURCE_DATA:
	case CANDM_CMD_SOURCESTATS:
		be_put32(d, (uint32_t)req->u.index);
		break;
	case CANDM_CMD_ONLINE:
	case CANDM_CMD_OFFLINE:
		put_ip(d, &req->u.select.mask);
		put_ip(d + IP_WIRE_LEN, &req->u.select.address);
		break;
	case CANDM_CMD_BURST:
		put_ip(d, &req->u.burst.select.mask);
		put_ip(d + IP_WIRE_LEN, &req->u.burst.select.address);
		be_put32(d + 2 * IP_WIRE_LEN, (uint32_t)req->u.burst.n_good);
		be_put32(d + 2 * IP_WIRE_LEN + 4,
			(uint32_t)req->u.burst.n_total);
		break;
	case CANDM_CMD_SELECTOPTS:
		put_ip(d, &req->u.selectopts.address);
		be_put32(d + IP_WIRE_LEN, req->u.selectopts.ref_id);
		/* The mask goes as is, the new values in add-source numbering.
		 */
		be_put32(d + IP_WIRE_LEN + 4, req->u.selectopts.mask);
		be_put32(d + IP_WIRE_LEN + 8,
			selectopts_wire_options(req->u.selectopts.options));
		break;
	default:
		break;
	}
}

int candm_encode_request(const struct candm_request *req, uint8_t *buf,
			 size_t len)
{
	int total = candm_request_length(req->command);

	if (total < 0)
		return total;
	if (len < (size_t)total)
		return -ENOBUFS;
	memset(buf, 0, (size_t)total);
	buf[0] = CANDM_PROTO_VERSION;
	buf[1] = CANDM_PKT_REQUEST;
	be_put16(buf + 4, req->command);
	be_put16(buf + 6, req->attempt);
	be_put32(buf + 8, req->sequence);
	encode_data(req, buf + CANDM_REQ_HDR_LEN);
	return total;
}

/* ---- replies ---- */

static void decode_tracking(const uint8_t *d, struct candm_tracking *t)
{
	const uint8_t *f = d + 4 + IP_WIRE_LEN + 4 + TS_WIRE_LEN;

	t->ref_id = be_get32(d);
	get_ip(d + 4, &t->ip);
	t->stratum = be_get16(d + 4 + IP_WIRE_LEN);
	t->leap_status = be_get16(d + 4 + IP_WIRE_LEN + 2);
	get_timespec(d + 4 + IP_WIRE_LEN + 4, &t->ref_time_sec,
		     &t->ref_time_nsec);
	t->current_correction = get_float(f);
	t->last_offset = get_float(f + 4);
	t->rms_offset = get_float(f + 8);
	t->freq_ppm = get_float(f + 12);
	t->resid_freq_ppm = get_float(f + 16);
	t->skew_ppm = get_float(f + 20);
	t->root_delay = get_float(f + 24);
	t->root_dispersion = get_float(f + 28);
	t->last_update_interval = get_float(f + 32);
}

static void decode_source_data(const uint8_t *d, struct candm_source_data *s)
{
	const uint8_t *p = d + IP_WIRE_LEN;

	get_ip(d, &s->ip);
	s->poll = (int16_t)be_get16(p);
	s->stratum = be_get16(p + 2);
	s->state = be_get16(p + 4);
	s->mode = be_get16(p + 6);
	s->flags = be_get16(p + 8);
	s->reachability = be_get16(p + 10);
	s->since_sample = be_get32(p + 12);
	s->orig_latest_meas = get_float(p + 16);
	s->latest_meas = get_float(p + 20);
	s->latest_meas_err = get_float(p + 24);
	s->ref_id = s->mode == CANDM_MODE_REFCLOCK ? s->ip.addr.in4 : 0;
}

static void decode_sourcestats(const uint8_t *d, struct candm_sourcestats *s)
{
	const uint8_t *p = d + 4 + IP_WIRE_LEN;

	s->ref_id = be_get32(d);
	get_ip(d + 4, &s->ip);
	s->n_samples = be_get32(p);
	s->n_runs = be_get32(p + 4);
	s->span_seconds = be_get32(p + 8);
	s->sd = get_float(p + 12);
	s->resid_freq_ppm = get_float(p + 16);
	s->skew_ppm = get_float(p + 20);
	s->est_offset = get_float(p + 24);
	s->est_offset_err = get_float(p + 28);
}

/* The counts are int32 on the wire; chronyd never sends a negative one. */
static int decode_activity(const uint8_t *d, struct candm_activity *a)
{
	a->online = (int32_t)be_get32(d);
	a->offline = (int32_t)be_get32(d + 4);
	a->burst_online = (int32_t)be_get32(d + 8);
	a->burst_offline = (int32_t)be_get32(d + 12);
	a->unresolved = (int32_t)be_get32(d + 16);
	if (a->online < 0 || a->offline < 0 || a->burst_online < 0 ||
	    a->burst_offline < 0 || a->unresolved < 0)
		return -EBADMSG;
	return 0;
}

static int decode_n_sources(const uint8_t *d, uint32_t *n)
{
	*n = be_get32(d);
	return *n <= CANDM_MAX_SOURCES ? 0 : -EBADMSG;
}

/* Decode the report; -EBADMSG if a count is beyond what the protocol
 * allows. */
static int decode_report(const uint8_t *d, struct candm_reply *out)
{
	switch (out->reply) {
	case CANDM_RPY_N_SOURCES:
		return decode_n_sources(d, &out->u.n_sources);
	case CANDM_RPY_ACTIVITY:
		return decode_activity(d, &out->u.activity);
	case CANDM_RPY_TRACKING:
		decode_tracking(d, &out->u.tracking);
		break;
	case CANDM_RPY_SOURCE_DATA:
		decode_source_data(d, &out->u.source);
		break;
	case CANDM_RPY_SOURCESTATS:
		decode_sourcestats(d, &out->u.sourcestats);
		break;
	default:
		break;
	}
	return 0;
}

/* Header checks that do not depend on the request. */
static int check_header(const uint8_t *buf, size_t len)
{
	if (len < CANDM_RPY_HDR_LEN || len > CANDM_MAX_MSG_LEN)
		return -EBADMSG;
	if (buf[1] != CANDM_PKT_REPLY || buf[2] != 0 || buf[3] != 0)
		return -EBADMSG;
	/* chronyd answers other versions with BADPKTVERSION in its own. */
	if (buf[0] != CANDM_PROTO_VERSION &&
	    be_get16(buf + 8) != CANDM_STT_BADPKTVERSION)
		return -EBADMSG;
	return 0;
}

static int status_error(uint16_t status)
{
	return status == CANDM_STT_INVALID ? -EOPNOTSUPP : -EPROTO;
}

int candm_decode_reply(const uint8_t *buf, size_t len,
		       const struct candm_request *req, struct candm_reply *out)
{
	const struct cmd_shape *shape;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = check_header(buf, len);
	if (ret < 0)
		return ret;
	out->command = be_get16(buf + 4);
	out->reply = be_get16(buf + 6);
	out->status = be_get16(buf + 8);
	out->sequence = be_get32(buf + 16);
	if (out->command != req->command || out->sequence != req->sequence)
		return -ESTALE;
	if (out->status != CANDM_STT_SUCCESS)
		return status_error(out->status);
	if (buf[0] != CANDM_PROTO_VERSION)
		return -EBADMSG;
	shape = cmd_shape_find(req->command);
	if (!shape || out->reply != shape->reply || len < shape->reply_len)
		return -EBADMSG;
	ret = decode_report(buf + CANDM_RPY_HDR_LEN, out);
	if (ret < 0)
		memset(&out->u, 0, sizeof(out->u));
	return ret;
}

const char *candm_status_str(uint16_t status)
{
	static const char *const names[] = {
	    [CANDM_STT_SUCCESS] = "success",
	    [CANDM_STT_FAILED] = "failed",
	    [CANDM_STT_UNAUTH] = "not authorised",
	    [CANDM_STT_INVALID] = "invalid command",
	    [CANDM_STT_NOSUCHSOURCE] = "no such source",
	    [CANDM_STT_INVALIDTS] = "invalid timestamp",
	    [CANDM_STT_NOTENABLED] = "facility not enabled",
	    [CANDM_STT_BADSUBNET] = "bad subnet",
	    [CANDM_STT_ACCESSALLOWED] = "access allowed",
	    [CANDM_STT_ACCESSDENIED] = "access denied",
	    [CANDM_STT_NOHOSTACCESS] = "no command access from this host",
	    [CANDM_STT_SOURCEALREADYKNOWN] = "source already present",
	    [CANDM_STT_TOOMANYSOURCES] = "too many sources",
	    [CANDM_STT_NORTC] = "RTC driver not running",
	    [CANDM_STT_BADRTCFILE] = "cannot write RTC parameters",
	    [CANDM_STT_INACTIVE] = "client logging not active",
	    [CANDM_STT_BADSAMPLE] = "sample index out of range",
	    [CANDM_STT_INVALIDAF] = "invalid address family",
	    [CANDM_STT_BADPKTVERSION] = "protocol version mismatch",
	    [CANDM_STT_BADPKTLENGTH] = "packet length mismatch",
	};

	if (status < sizeof(names) / sizeof(names[0]) && names[status])
		return names[status];
	return "unknown status";
}

const char *candm_src_state_name(int state)
{
	static const char *const names[] = {
		[CANDM_SRC_SELECTED] = "selected",
		[CANDM_SRC_UNSELECTABLE] = "unselectable",
		[CANDM_SRC_FALSETICKER] = "falseticker",
		[CANDM_SRC_JITTERY] = "jittery",
		[CANDM_SRC_CANDIDATE] = "candidate",
		[CANDM_SRC_OUTLIER] = "outlier",
	};
	if (state < 0 || state > CANDM_SRC_OUTLIER)
		return "unknown";
	return names[state];
}
