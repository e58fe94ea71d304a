/* fuzz_candm_reply.c: libFuzzer target of chronyd's replies as the daemon takes them. */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chrony_codec.h"
#include "chrony_view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input is what chronyd sent, one datagram after another, separated by
 * FUZZ_SEP (a plain reply is a one-datagram input). For each request the
 * daemon sends (chrony_watch.c), the datagrams answer it and then the
 * requests chronywatch would send next, as on_readable() and advance() do:
 * -ESTALE waits for the next datagram, another error ends the exchange,
 * success goes through chronyview_take() and the report cycle (TRACKING,
 * N_SOURCES, SOURCE_DATA for each index, publish).
 */
#define FUZZ_SEP "\xff\xfe" "NEXT"
#define FUZZ_SEP_LEN 6
#define FUZZ_MAX_DGRAMS 64

struct dgram {
	const uint8_t *p;
	size_t len;
};

/* Requests as chronywatch builds them. */
enum kind {
	K_PROBE,
	K_SELECT,
	K_RESET,
	K_BURST,
	K_ONLINE,
	K_OFFLINE,
	K_TRACKING,
	K_N_SOURCES,
	K_SOURCE_DATA,
	K_COUNT,
};

static size_t split(const uint8_t *data, size_t size, struct dgram *d)
{
	size_t n = 0, start = 0;

	for (size_t i = 0; n < FUZZ_MAX_DGRAMS - 1 && i + FUZZ_SEP_LEN <= size;
	     i++) {
		if (memcmp(data + i, FUZZ_SEP, FUZZ_SEP_LEN) != 0)
			continue;
		d[n].p = data + start;
		d[n++].len = i - start;
		start = i + FUZZ_SEP_LEN;
		i = start - 1;
	}
	d[n].p = data + start;
	d[n++].len = size - start;
	return n;
}

static enum chronyview_step build(enum kind k, struct candm_request *req)
{
	switch (k) {
	case K_PROBE:
		candm_req_selectopts(req, NULL, 0, 0, 0);
		return CHRONYVIEW_PROBE;
	case K_SELECT:
		candm_req_selectopts(req, NULL, candm_refid_from_str("PHC0"),
				     CANDM_SELECT_NOSELECT,
				     CANDM_SELECT_NOSELECT);
		return CHRONYVIEW_SELECT;
	case K_RESET:
		candm_req_init(req, CANDM_CMD_RESET_SOURCES);
		return CHRONYVIEW_ACTION;
	case K_BURST:
		candm_req_burst(req, NULL, 4, 8);
		return CHRONYVIEW_ACTION;
	case K_ONLINE:
	case K_OFFLINE:
		candm_req_onoffline(req, k == K_ONLINE, NULL);
		return CHRONYVIEW_ACTION;
	case K_TRACKING:
		candm_req_init(req, CANDM_CMD_TRACKING);
		return CHRONYVIEW_TRACKING;
	case K_N_SOURCES:
		candm_req_init(req, CANDM_CMD_N_SOURCES);
		return CHRONYVIEW_N_SOURCES;
	default:
		candm_req_source_data(req, 0);
		return CHRONYVIEW_SOURCE_DATA;
	}
}

/* Decode @d as the answer to @req; the sequence is taken from the datagram
 * so that the fuzzer need not guess it (chronycmd numbers requests). */
static int decode(const struct dgram *d, struct candm_request *req,
		  struct candm_reply *rep)
{
	uint8_t buf[CANDM_MAX_MSG_LEN];
	uint8_t *copy;
	int ret;

	assert(candm_encode_request(req, buf, sizeof(buf)) ==
	       candm_request_length(req->command));
	if (d->len >= 20)
		req->sequence = (uint32_t)d->p[16] << 24 |
				(uint32_t)d->p[17] << 16 |
				(uint32_t)d->p[18] << 8 | d->p[19];
	/* an exact-size copy so that any over-read hits the redzone */
	copy = malloc(d->len ? d->len : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, d->p, d->len);
	ret = candm_decode_reply(copy, d->len, req, rep);
	free(copy);
	assert(ret == 0 || ret == -EBADMSG || ret == -ESTALE ||
	       ret == -EOPNOTSUPP || ret == -EPROTO);
	if (ret == 0 && rep->reply == CANDM_RPY_N_SOURCES)
		assert(rep->u.n_sources <= CANDM_MAX_SOURCES);
	(void)candm_status_str(rep->status);
	return ret;
}

/* What ctl_items.c shows of the view. */
static void check_view(const struct chronywatch_view *v,
		       const struct chronyview_cycle *c)
{
	char name[5];

	assert(v->n_sources >= 0 && v->n_sources <= CHRONYWATCH_SOURCES_MAX);
	assert(c->total <= CHRONYWATCH_SOURCES_MAX && c->index <= c->total);
	for (int i = 0; i < v->n_sources; i++) {
		(void)candm_src_state_name(v->sources[i].state);
		(void)candm_refid_str(v->sources[i].ref_id, name);
	}
	(void)candm_refid_str(v->tracking.ref_id, name);
}

/* The next request of the report cycle after a taken reply, as advance(). */
static enum chronyview_step next_request(struct chronywatch_view *v,
					 struct chronyview_cycle *c,
					 enum chronyview_step step,
					 struct candm_request *req)
{
	int index;

	switch (step) {
	case CHRONYVIEW_TRACKING:
		candm_req_init(req, CANDM_CMD_N_SOURCES);
		return CHRONYVIEW_N_SOURCES;
	case CHRONYVIEW_N_SOURCES:
	case CHRONYVIEW_SOURCE_DATA:
		index = chronyview_next_source(c);
		if (index >= 0) {
			assert(index < CHRONYWATCH_SOURCES_MAX);
			candm_req_source_data(req, index);
			return CHRONYVIEW_SOURCE_DATA;
		}
		chronyview_publish(v, c, 2);
		return CHRONYVIEW_IDLE;
	default:
		return CHRONYVIEW_IDLE;
	}
}

/* One conversation: request @k, answered by the datagrams in turn. */
static void converse(enum kind k, const struct dgram *d, size_t n)
{
	static struct chronywatch_view v;
	static struct chronyview_cycle c;
	struct candm_request req;
	struct candm_reply rep;
	enum chronyview_step step;
	int r;

	memset(&v, 0, sizeof(v));
	memset(&c, 0, sizeof(c));
	v.selectopts = -1;
	step = build(k, &req);
	for (size_t i = 0; i < n && step != CHRONYVIEW_IDLE; i++) {
		r = decode(&d[i], &req, &rep);
		if (r == -ESTALE)
			continue; /* another request's answer: keep waiting */
		if (step == CHRONYVIEW_PROBE &&
		    (r == -EOPNOTSUPP || r == -EPROTO)) {
			chronyview_probe_refused(&v, r);
			break;
		}
		if (r < 0)
			break; /* fail_exchange() */
		step = chronyview_take(&v, &c, step, &rep, 1);
		check_view(&v, &c);
		step = next_request(&v, &c, step, &req);
		check_view(&v, &c);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dgram d[FUZZ_MAX_DGRAMS];
	size_t n = split(data, size, d);

	for (int k = 0; k < K_COUNT; k++)
		converse((enum kind)k, d, n);
	return 0;
}
