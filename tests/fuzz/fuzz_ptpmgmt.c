/* fuzz_ptpmgmt.c: libFuzzer target of the ptp4l management message decoder. */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ptp4l_codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Offset of the dataField of a MANAGEMENT TLV. */
#define FUZZ_DATA_OFF (PTPMGMT_MIN_LEN)

/* Re-encode a decoded message and check that it decodes the same way. */
static void fuzz_roundtrip(const uint8_t *data, const struct ptpmgmt_msg *m)
{
	static uint8_t buf[PTPMGMT_MSG_MAX];
	struct ptpmgmt_msg again;
	struct ptpmgmt_addr addr;
	int n, err;

	if (m->tlv_type != PTPMGMT_TLV_MANAGEMENT)
		return;
	ptpmgmt_addr_init(&addr, m->domain, &m->source, m->sequence_id);
	addr.target = m->target;
	n = ptpmgmt_encode(&addr, (enum ptpmgmt_action)m->action,
			   m->management_id, data + FUZZ_DATA_OFF, m->data_len,
			   buf, sizeof(buf));
	if (n < 0) {
		assert(n == -EMSGSIZE);
		return;
	}
	err = ptpmgmt_decode(buf, (size_t)n, m->domain, &again);
	assert(err == 0);
	assert(again.sequence_id == m->sequence_id);
	assert(again.action == m->action);
	assert(again.management_id == m->management_id);
	assert(again.data_len == m->data_len);
	assert(again.has_data == m->has_data);
	assert(ptpmgmt_port_identity_equal(&again.source, &m->source));
	assert(ptpmgmt_port_identity_equal(&again.target, &m->target));
	if (m->has_data)
		assert(memcmp(&again.u, &m->u, sizeof(m->u)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ptpmgmt_msg m;
	char s[PTPMGMT_PORT_ID_STRLEN];
	uint8_t *copy;
	int err;

	/* An exact-size copy so any overread hits the redzone. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	err = ptpmgmt_decode(copy, size, size > 4 ? copy[4] : 0, &m);
	assert(err == 0 || err == -EBADMSG || err == -ENOTSUP ||
	       err == -EPROTO);
	if (err == 0) {
		(void)ptpmgmt_port_identity_str(&m.source, s);
		(void)ptpmgmt_action_name(m.action);
		(void)ptpmgmt_id_name(m.management_id);
		if (m.management_id == PTPMGMT_ID_PORT_DATA_SET && m.has_data)
			(void)ptpmgmt_port_state_name(m.u.port_ds.port_state);
		fuzz_roundtrip(copy, &m);
	} else if (err == -EPROTO) {
		(void)ptpmgmt_error_name(m.error_id);
	}
	(void)ptpmgmt_decode(copy, size, 0, &m);
	if (size >= 2)
		(void)ptpmgmt_decode_data((uint16_t)(copy[0] << 8 | copy[1]),
					  copy + 2, size - 2, &m);
	free(copy);
	return 0;
}
