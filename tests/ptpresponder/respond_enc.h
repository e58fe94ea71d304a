/* respond_enc.h: encoders of the management RESPONSE bodies ptp4l sends. */
#ifndef PHCB_RESPOND_ENC_H
#define PHCB_RESPOND_ENC_H

#include <stddef.h>
#include <stdint.h>

#include "ptp4l_codec.h"

/* Largest dataField these encoders produce (PORT_PROPERTIES_NP's text). */
#define RESPENC_DATA_MAX 300

/*
 * respenc_data - encode the dataField of one dataset, as ptp4l 3.1.1 does.
 * @management_id: PTPMGMT_ID_DEFAULT_DATA_SET, _CURRENT_DATA_SET,
 *                 _PARENT_DATA_SET, _TIME_PROPERTIES_DATA_SET,
 *                 _PORT_DATA_SET, _TIME_STATUS_NP, _SUBSCRIBE_EVENTS_NP or
 *                 _PORT_PROPERTIES_NP.
 * @msg: the union member of struct ptpmgmt_msg for @management_id (only
 *       msg->u is read).
 * @buf: output, at least RESPENC_DATA_MAX bytes.
 * @size: size of @buf.
 * Returns the dataField length (odd lengths are padded by ptpmgmt_encode),
 * -ENOTSUP for another id, -EMSGSIZE when @buf is too small.
 */
int respenc_data(uint16_t management_id, const struct ptpmgmt_msg *msg,
		 uint8_t *buf, size_t size);

/*
 * respenc_response - a whole RESPONSE message carrying one dataset.
 * @addr: domain, sequenceId (the request's), source (the answering port)
 *        and target (the requester's sourcePortIdentity).
 * @management_id, @msg: as for respenc_data().
 * @buf, @size: output buffer (PTPMGMT_MSG_MAX is always enough).
 * Returns the message length or a negative errno.
 */
int respenc_response(const struct ptpmgmt_addr *addr, uint16_t management_id,
		     const struct ptpmgmt_msg *msg, uint8_t *buf, size_t size);

/*
 * respenc_error - a message with a MANAGEMENT_ERROR_STATUS TLV.
 * @addr: addressing as for respenc_response().
 * @action: PTPMGMT_RESPONSE (answer to GET/SET) or PTPMGMT_ACKNOWLEDGE
 *          (answer to COMMAND).
 * @error_id: enum ptpmgmt_error_id.
 * @management_id: the id the request named.
 * @buf, @size: output buffer.
 * Returns the message length (60) or -EMSGSIZE.
 */
int respenc_error(const struct ptpmgmt_addr *addr, enum ptpmgmt_action action,
		  uint16_t error_id, uint16_t management_id, uint8_t *buf,
		  size_t size);

/*
 * respenc_set_hops - set startingBoundaryHops and boundaryHops of an
 * encoded message (ptp4l's event notifications carry 1 and 1).
 * @buf: a message of at least PTPMGMT_MIN_LEN bytes.
 */
void respenc_set_hops(uint8_t *buf, uint8_t starting, uint8_t hops);

#endif /* PHCB_RESPOND_ENC_H */
