/* test_respond_enc.c: the responder's encoders rebuild ptp4l 3.1.1's bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ptp4l_codec.h"
#include "respond_enc.h"
#include "respond_model.h"

#ifndef PHCB_TOP_SRCDIR
#define PHCB_TOP_SRCDIR "."
#endif
#define CORPUS PHCB_TOP_SRCDIR "/tests/fuzz/corpus_ptpmgmt/"

/* Messages captured from ptp4l (see test_ptp4l_codec.c for how). */
static const char *const captured[] = {
	"default_ds_master.bin",
	"default_ds_slave.bin",
	"current_ds_master.bin",
	"current_ds_slave.bin",
	"current_ds_slave_36s.bin",
	"parent_ds_master.bin",
	"parent_ds_slave.bin",
	"time_properties_ds_master.bin",
	"time_properties_ds_slave.bin",
	"port_ds_master.bin",
	"port_ds_slave.bin",
	"port_ds_bc_port1.bin",
	"port_ds_bc_port2.bin",
	"time_status_master.bin",
	"time_status_slave.bin",
	"time_status_slave_36s.bin",
	"port_properties_master.bin",
	"subscribe_response.bin",
	"push_faulty.bin",
	"push_listening.bin",
	"err_command_ack.bin",
	"err_no_such_id.bin",
	"err_not_supported.bin",
	"err_set_refused.bin",
};

static size_t load(const char *name, uint8_t *buf, size_t size)
{
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s%s", CORPUS, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	n = fread(buf, 1, size, f);
	fclose(f);
	return n;
}

/* Decode a captured message and encode it again from the decoded fields. */
static int reencode(const uint8_t *in, size_t len, uint8_t *out, size_t size)
{
	struct ptpmgmt_msg m;
	struct ptpmgmt_addr a;
	int err = ptpmgmt_decode(in, len, in[4], &m), n;

	assert_true(err == 0 || err == -EPROTO);
	ptpmgmt_addr_init(&a, m.domain, &m.source, m.sequence_id);
	a.target = m.target;
	if (err == -EPROTO)
		n = respenc_error(&a, (enum ptpmgmt_action)m.action, m.error_id,
				  m.management_id, out, size);
	else
		n = respenc_response(&a, m.management_id, &m, out, size);
	if (n > 0)
		respenc_set_hops(out, m.starting_boundary_hops,
				 m.boundary_hops);
	return n;
}

static void test_captured_bytes(void **state)
{
	uint8_t in[PTPMGMT_MSG_MAX], out[PTPMGMT_MSG_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(captured) / sizeof(captured[0]); i++) {
		size_t len = load(captured[i], in, sizeof(in));
		int n = reencode(in, len, out, sizeof(out));

		if (n != (int)len || memcmp(in, out, len) != 0)
			fail_msg("%s: re-encoded %d bytes differ from the %zu "
				 "captured",
				 captured[i], n, len);
	}
}

static void test_errors(void **state)
{
	struct ptpmgmt_msg m;
	struct ptpmgmt_addr a;
	uint8_t buf[16];

	(void)state;
	memset(&m, 0, sizeof(m));
	ptpmgmt_addr_init(&a, 0, NULL, 1);
	assert_int_equal(
	    respenc_data(PTPMGMT_ID_NULL_MANAGEMENT, &m, buf, sizeof(buf)),
	    -ENOTSUP);
	assert_int_equal(
	    respenc_data(PTPMGMT_ID_PARENT_DATA_SET, &m, buf, sizeof(buf)),
	    -EMSGSIZE);
	assert_int_equal(
	    respenc_error(&a, PTPMGMT_RESPONSE, 1, 2, buf, sizeof(buf)),
	    -EMSGSIZE);
}

/* Every dataset the model fills survives encode and decode. */
static void test_model_roundtrip(void **state)
{
	static const uint16_t ids[] = {
	    PTPMGMT_ID_DEFAULT_DATA_SET,	 PTPMGMT_ID_CURRENT_DATA_SET,
	    PTPMGMT_ID_PARENT_DATA_SET,		 PTPMGMT_ID_PORT_DATA_SET,
	    PTPMGMT_ID_TIME_PROPERTIES_DATA_SET, PTPMGMT_ID_TIME_STATUS_NP,
	    PTPMGMT_ID_PORT_PROPERTIES_NP,
	};
	struct ptpmgmt_clock_identity id;
	struct respond_model m;
	struct ptpmgmt_msg in, out;
	struct ptpmgmt_addr a;
	uint8_t buf[PTPMGMT_MSG_MAX];
	char err[128];

	(void)state;
	assert_int_equal(
	    respmod_parse_clock_identity("001122.fffe.334455", &id), 0);
	respmod_init(&m, &id, 24);
	assert_int_equal(respmod_apply(&m,
				       "state SLAVE offset -1234 class 6 gm 1 "
				       "gmid aabbcc.fffe.ddeeff leap61 1 "
				       "utcvalid 1 delay 2.5us",
				       0, NULL, err, sizeof(err)),
			 0);
	ptpmgmt_addr_init(&a, 24, NULL, 7);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		int n;

		assert_int_equal(respmod_dataset(&m, ids[i], 5000000000LL, &in),
				 0);
		n = respenc_response(&a, ids[i], &in, buf, sizeof(buf));
		assert_true(n > 0);
		assert_int_equal(ptpmgmt_decode(buf, (size_t)n, 24, &out), 0);
		assert_true(out.has_data);
		assert_int_equal(out.management_id, ids[i]);
		assert_memory_equal(&out.u, &in.u, sizeof(in.u));
	}
	assert_int_equal(
	    respmod_dataset(&m, PTPMGMT_ID_TIME_STATUS_NP, 5300000000LL, &out),
	    0);
	assert_int_equal(out.u.time_status_np.master_offset_ns, -1234);
	assert_int_equal(out.u.time_status_np.ingress_time_ns, 5000000000LL);
	assert_true(out.u.time_status_np.gm_present);
}

static void test_model_commands(void **state)
{
	struct ptpmgmt_clock_identity id = {{0}};
	struct respond_model m;
	unsigned int changed = 0;
	char err[128];

	(void)state;
	respmod_init(&m, &id, 0);
	assert_int_equal(m.port_state, PTPMGMT_PS_LISTENING);
	assert_int_equal(respmod_apply(&m, "state uncalibrated # comment", 0,
				       &changed, err, sizeof(err)),
			 0);
	assert_int_equal(m.port_state, PTPMGMT_PS_UNCALIBRATED);
	assert_int_equal(changed, RESPMOD_CHANGED_PORT_STATE);
	changed = 0;
	assert_int_equal(
	    respmod_apply(&m, "state 8 silent", 0, &changed, err, sizeof(err)),
	    0);
	assert_int_equal(changed, 0);
	assert_true(m.silent);
	assert_int_equal(
	    respmod_apply(&m, "answer domain 3", 0, &changed, err, sizeof(err)),
	    0);
	assert_false(m.silent);
	assert_int_equal(changed, RESPMOD_CHANGED_DOMAIN);
	assert_int_equal(
	    respmod_apply(&m, "class 6 bogus 1", 0, NULL, err, sizeof(err)),
	    -EINVAL);
	assert_string_equal(err, "unknown word 'bogus'");
	assert_int_equal(m.clock_class, 6); /* applied before the error */
	assert_int_equal(
	    respmod_apply(&m, "class 300", 0, NULL, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "bad value '300' for class");
	assert_int_equal(respmod_apply(&m, "offset", 0, NULL, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "'offset' needs a value");
	/* Syncs on a 250 ms grid; frozen while off */
	assert_int_equal(
	    respmod_apply(&m, "syncinterval 250ms", 0, NULL, err, sizeof(err)),
	    0);
	assert_int_equal(respmod_ingress_ns(&m, 1100000000LL), 1000000000LL);
	assert_int_equal(
	    respmod_apply(&m, "sync off", 1300000000LL, NULL, err, sizeof(err)),
	    0);
	assert_int_equal(respmod_ingress_ns(&m, 9000000000LL), 1250000000LL);
	assert_int_equal(respmod_apply(&m, "quit", 0, NULL, err, sizeof(err)),
			 0);
	assert_true(m.quit);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_captured_bytes),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_model_roundtrip),
	    cmocka_unit_test(test_model_commands),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
