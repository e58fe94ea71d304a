/* test_ptp4l_codec.c: tests of ptpmgmt on bytes captured from ptp4l 3.1.1. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "ptp4l_client.h"
#include "ptp4l_codec.h"

/*
 * How the vectors below were captured (Debian linuxptp 3.1.1, as root):
 *
 * - Network namespaces pmA and pmB joined by a veth pair (pmva, pmvb), and
 *   pmC holding two veth pairs (pmc1/pmd1, pmc2/pmd2) with all four ends.
 *   In each namespace ptp4l ran inside `unshare -U -r` (so it could not
 *   adjust the host clock; it logged "failed to adjust the clock: Operation
 *   not permitted") with software timestamping:
 *     A: ptp4l -S -i pmva -m, config "uds_address .../ptp4l-a, priority1 100"
 *        (clock a25ec9.fffe.339ad5, became MASTER and grandmaster)
 *     B: ptp4l -S -i pmvb -m, config "uds_address .../ptp4l-b, slaveOnly 1"
 *        (clock 1a4180.fffe.d1529c, became SLAVE of A)
 *     C: ptp4l -S -i pmc1 -i pmc2 -m (clock 56c975.fffe.aea340, two ports,
 *        both MASTER)
 * - Responses to pmc were captured with
 *     strace -f -e trace=sendto,recvfrom -xx -s 4000 \
 *         pmc -u -b 0 -s .../ptp4l-X 'GET <DATASET>'
 *   taking the bytes of the recvfrom() (and, for vec_pmc_get_time_status,
 *   the sendto() of pmc's own request). pmc sends its pid as source port
 *   number, so the responses target clock 0000000000000000 port <pid>.
 *   The "_36s" vectors and vec_parent_ds_slave/vec_time_properties_ds_slave
 *   were taken after `pmc 'SET GRANDMASTER_SETTINGS_NP clockClass 6
 *   clockAccuracy 0x21 offsetScaledLogVariance 0x4e5d currentUtcOffset 37
 *   leap61 0 leap59 1 currentUtcOffsetValid 1 ptpTimescale 1
 *   timeTraceable 1 frequencyTraceable 0 timeSource 0x20'` on A, which made
 *   A's time PTP timescale and B's offset about 36 s.
 * - Messages pmc refuses to send (GET TIME, COMMAND ENABLE_PORT, GET of an
 *   unknown id, SET TIME_STATUS_NP, GET PORT_DATA_SET on the two-port C,
 *   SET SUBSCRIBE_EVENTS_NP) were sent by a 40-line Python script that
 *   binds its own AF_UNIX datagram socket, sends one hand-built management
 *   message (source 0102030405060708-0x4242, wildcard target, hops 0/0)
 *   and hex-dumps every datagram received for a few seconds. The port state
 *   pushes were received by that script after subscribing to B (duration
 *   60 s, NOTIFY_PORT_STATE) while `ip link set pmvb down` and `up` made
 *   B's port go SLAVE -> FAULTY -> LISTENING.
 */

static const uint8_t vec_default_ds_master[74] = {
	0x0d, 0x02, 0x00, 0x4a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa2, 0x5e, 0xc9, 0xff,
	0xfe, 0x33, 0x9a, 0xd5, 0x00, 0x00, 0x00, 0x00, 0x04, 0x7f, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11, 0x73, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x01, 0x00, 0x16, 0x20, 0x00, 0x01, 0x00, 0x00, 0x01, 0x64, 0xf8,
	0xfe, 0xff, 0xff, 0x80, 0xa2, 0x5e, 0xc9, 0xff, 0xfe, 0x33, 0x9a, 0xd5,
	0x00, 0x00,
};

static const uint8_t vec_default_ds_slave[74] = {
	0x0d, 0x02, 0x00, 0x4a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1a, 0x41, 0x80, 0xff,
	0xfe, 0xd1, 0x52, 0x9c, 0x00, 0x00, 0x00, 0x00, 0x04, 0x7f, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11, 0xa9, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x01, 0x00, 0x16, 0x20, 0x00, 0x03, 0x00, 0x00, 0x01, 0x80, 0xff,
	0xfe, 0xff, 0xff, 0x80, 0x1a, 0x41, 0x80, 0xff, 0xfe, 0xd1, 0x52, 0x9c,
	0x00, 0x00,
};

static const uint8_t vec_current_ds_master[72] = {
	0x0d, 0x02, 0x00, 0x48, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa2, 0x5e, 0xc9, 0xff,
	0xfe, 0x33, 0x9a, 0xd5, 0x00, 0x00, 0x00, 0x00, 0x04, 0x7f, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11, 0x7c, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x01, 0x00, 0x14, 0x20, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t vec_current_ds_slave[72] = {
	0x0d, 0x02, 0x00, 0x48, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1a, 0x41, 0x80, 0xff,
	0xfe, 0xd1, 0x52, 0x9c, 0x00, 0x00, 0x00, 0x00, 0x04, 0x7f, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11, 0xb2, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x01, 0x00, 0x14, 0x20, 0x01, 0x00, 0x01, 0xff, 0xff, 0xff, 0xff,
	0xfd, 0x2a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0xe6, 0x00, 0x00,
};

static const uint8_t vec_current_ds_slave_36s[72] = {
	0x0d, 0x02, 0x00, 0x48, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1a, 0x41, 0x80, 0xff,
	0xfe, 0xd1, 0x52, 0x9c, 0x00, 0x00, 0x00, 0x00, 0x04, 0x7f, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1c, 0x23, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x01, 0x00, 0x14, 0x20, 0x01, 0x00, 0x01, 0x00, 0x08, 0x61, 0xc4,
	0x67, 0x24, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0xae, 0x00, 0x00,
};

static const uint8_t vec_parent_ds_master[86] = {
	0x0d, 0x02, 0x00, 0x56, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa2, 0x5e, 0xc9, 0xff,
	0xfe, 0x33, 0x9a, 0xd5, 0x00, 0x00, 0x00, 0x00, 0x04, 0x7f, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11, 0x85, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x01, 0x00, 0x22, 0x20, 0x02, 0xa2, 0x5e, 0xc9, 0xff, 0xfe, 0x33,
	0x9a, 0xd5, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff,
	0x64, 0xf8, 0xfe, 0xff, 0xff, 0x80, 0xa2, 0x5e, 0xc9, 0xff, 0xfe, 0x33,
	0x9a, 0xd5,
};

static const uint8_t vec_parent_ds_slave[86] = {
	0x0d, 0x02, 0x00, 0x56, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1a, 0x41, 0x80, 0xff,
	0xfe, 0xd1, 0x52, 0x9c, 0x00, 0x00, 0x00, 0x00, 0x04, 0x7f, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1c, 0x17, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x01, 0x00, 0x22, 0x20, 0x02, 0xa2, 0x5e, 0xc9, 0xff, 0xfe, 0x33,
	0x9a, 0xd5, 0x00, 0x01, 0x00, 0x00, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff,
	0x64, 0x06, 0x21, 0x4e, 0x5d, 0x80, 0xa2, 0x5e, 0xc9, 0xff, 0xfe, 0x33,
	0x9a, 0xd5,
};

static const uint8_t vec_time_properties_ds_master[58] = {
	0x0d, 0x02, 0x00, 0x3a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa2, 0x5e, 0xc9, 0xff,
	0xfe, 0x33, 0x9a, 0xd5, 0x00, 0x00, 0x00, 0x00, 0x04, 0x7f, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11, 0x8e, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x01, 0x00, 0x06, 0x20, 0x03, 0x00, 0x25, 0x00, 0xa0,
};

static const uint8_t vec_time_properties_ds_slave[58] = {
	0x0d, 0x02, 0x00, 0x3a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1a, 0x41, 0x80, 0xff,
	0xfe, 0xd1, 0x52, 0x9c, 0x00, 0x00, 0x00, 0x00, 0x04, 0x7f, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1c, 0x11, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x01, 0x00, 0x06, 0x20, 0x03, 0x00, 0x25, 0x1e, 0x20,
};

static const uint8_t vec_port_ds_master[80] = {
	0x0d, 0x02, 0x00, 0x50, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa2, 0x5e, 0xc9, 0xff,
	0xfe, 0x33, 0x9a, 0xd5, 0x00, 0x01, 0x00, 0x00, 0x04, 0x7f, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11, 0x97, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x01, 0x00, 0x1c, 0x20, 0x04, 0xa2, 0x5e, 0xc9, 0xff, 0xfe, 0x33,
	0x9a, 0xd5, 0x00, 0x01, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x03, 0x00, 0x01, 0x00, 0x02,
};

static const uint8_t vec_port_ds_slave[80] = {
	0x0d, 0x02, 0x00, 0x50, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1a, 0x41, 0x80, 0xff,
	0xfe, 0xd1, 0x52, 0x9c, 0x00, 0x01, 0x00, 0x00, 0x04, 0x7f, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11, 0xe3, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x01, 0x00, 0x1c, 0x20, 0x04, 0x1a, 0x41, 0x80, 0xff, 0xfe, 0xd1,
	0x52, 0x9c, 0x00, 0x01, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x03, 0x00, 0x01, 0x00, 0x02,
};

static const uint8_t vec_port_ds_bc_port1[80] = {
	0x0d, 0x02, 0x00, 0x50, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x56, 0xc9, 0x75, 0xff,
	0xfe, 0xae, 0xa3, 0x40, 0x00, 0x01, 0x01, 0x02, 0x04, 0x7f, 0x01, 0x02,
	0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x42, 0x42, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x01, 0x00, 0x1c, 0x20, 0x04, 0x56, 0xc9, 0x75, 0xff, 0xfe, 0xae,
	0xa3, 0x40, 0x00, 0x01, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x03, 0x00, 0x01, 0x00, 0x02,
};

static const uint8_t vec_port_ds_bc_port2[80] = {
	0x0d, 0x02, 0x00, 0x50, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x56, 0xc9, 0x75, 0xff,
	0xfe, 0xae, 0xa3, 0x40, 0x00, 0x02, 0x01, 0x02, 0x04, 0x7f, 0x01, 0x02,
	0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x42, 0x42, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x01, 0x00, 0x1c, 0x20, 0x04, 0x56, 0xc9, 0x75, 0xff, 0xfe, 0xae,
	0xa3, 0x40, 0x00, 0x02, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x03, 0x00, 0x01, 0x00, 0x02,
};

static const uint8_t vec_time_status_master[104] = {
	0x0d, 0x02, 0x00, 0x68, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa2, 0x5e, 0xc9, 0xff,
	0xfe, 0x33, 0x9a, 0xd5, 0x00, 0x00, 0x00, 0x00, 0x04, 0x7f, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11, 0xa0, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x01, 0x00, 0x34, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xa2, 0x5e, 0xc9, 0xff, 0xfe, 0x33, 0x9a, 0xd5,
};

static const uint8_t vec_time_status_slave[104] = {
	0x0d, 0x02, 0x00, 0x68, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1a, 0x41, 0x80, 0xff,
	0xfe, 0xd1, 0x52, 0x9c, 0x00, 0x00, 0x00, 0x00, 0x04, 0x7f, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11, 0xec, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x01, 0x00, 0x34, 0xc0, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xfd, 0x2a, 0x18, 0xea, 0x3f, 0x99, 0xae, 0x99, 0x4c, 0x1c, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xa2, 0x5e, 0xc9, 0xff, 0xfe, 0x33, 0x9a, 0xd5,
};

static const uint8_t vec_time_status_slave_36s[104] = {
	0x0d, 0x02, 0x00, 0x68, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1a, 0x41, 0x80, 0xff,
	0xfe, 0xd1, 0x52, 0x9c, 0x00, 0x00, 0x00, 0x00, 0x04, 0x7f, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1c, 0x1d, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x01, 0x00, 0x34, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x08, 0x61, 0xc4,
	0x67, 0x24, 0x18, 0xea, 0x3f, 0xbb, 0x0b, 0x87, 0x9d, 0xda, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xa2, 0x5e, 0xc9, 0xff, 0xfe, 0x33, 0x9a, 0xd5,
};

static const uint8_t vec_port_properties_master[72] = {
	0x0d, 0x02, 0x00, 0x48, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa2, 0x5e, 0xc9, 0xff,
	0xfe, 0x33, 0x9a, 0xd5, 0x00, 0x01, 0x00, 0x00, 0x04, 0x7f, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x12, 0x4a, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x01, 0x00, 0x14, 0xc0, 0x04, 0xa2, 0x5e, 0xc9, 0xff, 0xfe, 0x33,
	0x9a, 0xd5, 0x00, 0x01, 0x06, 0x00, 0x04, 0x70, 0x6d, 0x76, 0x61, 0x00,
};

static const uint8_t vec_null_management[54] = {
	0x0d, 0x02, 0x00, 0x36, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1a, 0x41, 0x80, 0xff,
	0xfe, 0xd1, 0x52, 0x9c, 0x00, 0x01, 0x00, 0x00, 0x04, 0x7f, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x12, 0x44, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x01, 0x00, 0x02, 0x00, 0x00,
};

static const uint8_t vec_priority1[56] = {
	0x0d, 0x02, 0x00, 0x38, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1a, 0x41, 0x80, 0xff,
	0xfe, 0xd1, 0x52, 0x9c, 0x00, 0x00, 0x00, 0x00, 0x04, 0x7f, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x12, 0x38, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x01, 0x00, 0x04, 0x20, 0x05, 0x80, 0x00,
};

static const uint8_t vec_subscribe_response[120] = {
	0x0d, 0x02, 0x00, 0x78, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1a, 0x41, 0x80, 0xff,
	0xfe, 0xd1, 0x52, 0x9c, 0x00, 0x00, 0x00, 0x07, 0x04, 0x7f, 0x01, 0x02,
	0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x42, 0x42, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x01, 0x00, 0x44, 0xc0, 0x03, 0x00, 0x3c, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t vec_push_faulty[80] = {
	0x0d, 0x02, 0x00, 0x50, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1a, 0x41, 0x80, 0xff,
	0xfe, 0xd1, 0x52, 0x9c, 0x00, 0x01, 0x00, 0x00, 0x04, 0x7f, 0x01, 0x02,
	0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x42, 0x42, 0x01, 0x01, 0x02, 0x00,
	0x00, 0x01, 0x00, 0x1c, 0x20, 0x04, 0x1a, 0x41, 0x80, 0xff, 0xfe, 0xd1,
	0x52, 0x9c, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x03, 0x00, 0x01, 0x00, 0x02,
};

static const uint8_t vec_push_listening[80] = {
	0x0d, 0x02, 0x00, 0x50, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1a, 0x41, 0x80, 0xff,
	0xfe, 0xd1, 0x52, 0x9c, 0x00, 0x01, 0x00, 0x01, 0x04, 0x7f, 0x01, 0x02,
	0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x42, 0x42, 0x01, 0x01, 0x02, 0x00,
	0x00, 0x01, 0x00, 0x1c, 0x20, 0x04, 0x1a, 0x41, 0x80, 0xff, 0xfe, 0xd1,
	0x52, 0x9c, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x03, 0x00, 0x01, 0x00, 0x02,
};

static const uint8_t vec_err_not_supported[60] = {
	0x0d, 0x02, 0x00, 0x3c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1a, 0x41, 0x80, 0xff,
	0xfe, 0xd1, 0x52, 0x9c, 0x00, 0x00, 0x01, 0x05, 0x04, 0x7f, 0x01, 0x02,
	0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x42, 0x42, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x02, 0x00, 0x08, 0x00, 0x06, 0x20, 0x0f, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t vec_err_no_such_id[60] = {
	0x0d, 0x02, 0x00, 0x3c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x56, 0xc9, 0x75, 0xff,
	0xfe, 0xae, 0xa3, 0x40, 0x00, 0x01, 0x01, 0x03, 0x04, 0x7f, 0x01, 0x02,
	0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x42, 0x42, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x02, 0x00, 0x08, 0x00, 0x02, 0x77, 0x77, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t vec_err_command_ack[60] = {
	0x0d, 0x02, 0x00, 0x3c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1a, 0x41, 0x80, 0xff,
	0xfe, 0xd1, 0x52, 0x9c, 0x00, 0x01, 0x01, 0x06, 0x04, 0x7f, 0x01, 0x02,
	0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x42, 0x42, 0x00, 0x00, 0x04, 0x00,
	0x00, 0x02, 0x00, 0x08, 0x00, 0x06, 0x20, 0x0d, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t vec_err_set_refused[60] = {
	0x0d, 0x02, 0x00, 0x3c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1a, 0x41, 0x80, 0xff,
	0xfe, 0xd1, 0x52, 0x9c, 0x00, 0x00, 0x01, 0x07, 0x04, 0x7f, 0x01, 0x02,
	0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x42, 0x42, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x02, 0x00, 0x08, 0x00, 0x06, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t vec_pmc_get_time_status[104] = {
	0x0d, 0x02, 0x00, 0x68, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x11, 0xec, 0x00, 0x00, 0x04, 0x7f, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x00, 0x34, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

#define VEC(v) { #v, v, sizeof(v) }

struct vec {
	const char *name;
	const uint8_t *buf;
	size_t len;
};

static const struct vec all_vectors[] = {
	VEC(vec_default_ds_master), VEC(vec_default_ds_slave),
	VEC(vec_current_ds_master), VEC(vec_current_ds_slave),
	VEC(vec_current_ds_slave_36s), VEC(vec_parent_ds_master),
	VEC(vec_parent_ds_slave), VEC(vec_time_properties_ds_master),
	VEC(vec_time_properties_ds_slave), VEC(vec_port_ds_master),
	VEC(vec_port_ds_slave), VEC(vec_port_ds_bc_port1),
	VEC(vec_port_ds_bc_port2), VEC(vec_time_status_master),
	VEC(vec_time_status_slave), VEC(vec_time_status_slave_36s),
	VEC(vec_port_properties_master), VEC(vec_null_management),
	VEC(vec_priority1), VEC(vec_subscribe_response), VEC(vec_push_faulty),
	VEC(vec_push_listening), VEC(vec_err_not_supported),
	VEC(vec_err_no_such_id), VEC(vec_err_command_ack),
	VEC(vec_err_set_refused), VEC(vec_pmc_get_time_status),
};

#define N_VECTORS (sizeof(all_vectors) / sizeof(all_vectors[0]))

static const struct ptpmgmt_clock_identity id_master = {
	{ 0xa2, 0x5e, 0xc9, 0xff, 0xfe, 0x33, 0x9a, 0xd5 } };
static const struct ptpmgmt_clock_identity id_slave = {
	{ 0x1a, 0x41, 0x80, 0xff, 0xfe, 0xd1, 0x52, 0x9c } };
static const struct ptpmgmt_clock_identity id_bc = {
	{ 0x56, 0xc9, 0x75, 0xff, 0xfe, 0xae, 0xa3, 0x40 } };

static void assert_clock_id(const struct ptpmgmt_clock_identity *got,
			    const struct ptpmgmt_clock_identity *want)
{
	assert_memory_equal(got->id, want->id, sizeof(want->id));
}

static void assert_port_id(const struct ptpmgmt_port_identity *got,
			   const struct ptpmgmt_clock_identity *clock,
			   uint16_t port)
{
	assert_clock_id(&got->clock, clock);
	assert_int_equal(got->port, port);
}

/* Decode from an exact-size heap copy so that overreads are caught. */
static int decode_copy(const uint8_t *buf, size_t len, uint8_t domain,
		       struct ptpmgmt_msg *m)
{
	uint8_t *copy = malloc(len ? len : 1);
	int err;

	assert_non_null(copy);
	if (len)
		memcpy(copy, buf, len);
	err = ptpmgmt_decode(copy, len, domain, m);
	free(copy);
	return err;
}

static void decode_ok(const uint8_t *buf, size_t len, uint16_t id,
		      struct ptpmgmt_msg *m)
{
	assert_int_equal(decode_copy(buf, len, 0, m), 0);
	assert_int_equal(m->domain, 0);
	assert_int_equal(m->tlv_type, PTPMGMT_TLV_MANAGEMENT);
	assert_int_equal(m->management_id, id);
	assert_true(m->has_data);
}

static void test_default_ds(void **state)
{
	struct ptpmgmt_msg m;
	const struct ptpmgmt_default_ds *d = &m.u.default_ds;

	(void)state;
	decode_ok(vec_default_ds_master, sizeof(vec_default_ds_master),
		  PTPMGMT_ID_DEFAULT_DATA_SET, &m);
	assert_int_equal(m.action, PTPMGMT_RESPONSE);
	assert_port_id(&m.source, &id_master, 0);
	assert_int_equal(m.sequence_id, 0);
	assert_int_equal(m.data_len, 20);
	assert_true(d->two_step);
	assert_false(d->slave_only);
	assert_int_equal(d->number_ports, 1);
	assert_int_equal(d->priority1, 100);
	assert_int_equal(d->clock_quality.clock_class, 248);
	assert_int_equal(d->clock_quality.clock_accuracy, 0xfe);
	assert_int_equal(d->clock_quality.offset_scaled_log_variance, 0xffff);
	assert_int_equal(d->priority2, 128);
	assert_clock_id(&d->clock_identity, &id_master);
	assert_int_equal(d->domain_number, 0);

	decode_ok(vec_default_ds_slave, sizeof(vec_default_ds_slave),
		  PTPMGMT_ID_DEFAULT_DATA_SET, &m);
	assert_true(d->two_step);
	assert_true(d->slave_only);
	assert_int_equal(d->priority1, 128);
	assert_int_equal(d->clock_quality.clock_class, 255);
	assert_clock_id(&d->clock_identity, &id_slave);
}

static void test_current_ds(void **state)
{
	struct ptpmgmt_msg m;
	const struct ptpmgmt_current_ds *d = &m.u.current_ds;

	(void)state;
	decode_ok(vec_current_ds_master, sizeof(vec_current_ds_master),
		  PTPMGMT_ID_CURRENT_DATA_SET, &m);
	assert_int_equal(d->steps_removed, 0);
	assert_true(d->offset_from_master_ns == 0.0);
	assert_true(d->mean_path_delay_ns == 0.0);

	/* pmc printed: stepsRemoved 1, offsetFromMaster -726.0, 2278.0 */
	decode_ok(vec_current_ds_slave, sizeof(vec_current_ds_slave),
		  PTPMGMT_ID_CURRENT_DATA_SET, &m);
	assert_int_equal(d->steps_removed, 1);
	assert_true(d->offset_from_master_ns == -726.0);
	assert_true(d->mean_path_delay_ns == 2278.0);

	/* pmc printed: offsetFromMaster 35999999780.0, meanPathDelay 2734.0 */
	decode_ok(vec_current_ds_slave_36s, sizeof(vec_current_ds_slave_36s),
		  PTPMGMT_ID_CURRENT_DATA_SET, &m);
	assert_true(d->offset_from_master_ns == 35999999780.0);
	assert_true(d->mean_path_delay_ns == 2734.0);
}

static void test_parent_ds(void **state)
{
	struct ptpmgmt_msg m;
	const struct ptpmgmt_parent_ds *d = &m.u.parent_ds;

	(void)state;
	decode_ok(vec_parent_ds_master, sizeof(vec_parent_ds_master),
		  PTPMGMT_ID_PARENT_DATA_SET, &m);
	assert_port_id(&d->parent_port_identity, &id_master, 0);
	assert_false(d->parent_stats);
	assert_int_equal(d->observed_parent_offset_scaled_log_variance, 0xffff);
	assert_int_equal(d->observed_parent_clock_phase_change_rate,
			 0x7fffffff);
	assert_int_equal(d->grandmaster_priority1, 100);
	assert_int_equal(d->grandmaster_clock_quality.clock_class, 248);
	assert_int_equal(d->grandmaster_clock_quality.clock_accuracy, 0xfe);
	assert_int_equal(d->grandmaster_priority2, 128);
	assert_clock_id(&d->grandmaster_identity, &id_master);

	decode_ok(vec_parent_ds_slave, sizeof(vec_parent_ds_slave),
		  PTPMGMT_ID_PARENT_DATA_SET, &m);
	assert_port_id(&m.source, &id_slave, 0);
	assert_port_id(&d->parent_port_identity, &id_master, 1);
	assert_int_equal(d->grandmaster_clock_quality.clock_class, 6);
	assert_int_equal(d->grandmaster_clock_quality.clock_accuracy, 0x21);
	assert_int_equal(
		d->grandmaster_clock_quality.offset_scaled_log_variance,
		0x4e5d);
	assert_clock_id(&d->grandmaster_identity, &id_master);
}

static void test_time_properties_ds(void **state)
{
	struct ptpmgmt_msg m;
	const struct ptpmgmt_time_properties_ds *d = &m.u.time_properties_ds;

	(void)state;
	decode_ok(vec_time_properties_ds_master,
		  sizeof(vec_time_properties_ds_master),
		  PTPMGMT_ID_TIME_PROPERTIES_DATA_SET, &m);
	assert_int_equal(d->current_utc_offset, 37);
	assert_int_equal(d->flags, 0);
	assert_false(d->leap61 || d->leap59 || d->utc_offset_valid ||
		     d->ptp_timescale || d->time_traceable ||
		     d->frequency_traceable);
	assert_int_equal(d->time_source, 0xa0);

	decode_ok(vec_time_properties_ds_slave,
		  sizeof(vec_time_properties_ds_slave),
		  PTPMGMT_ID_TIME_PROPERTIES_DATA_SET, &m);
	assert_int_equal(d->current_utc_offset, 37);
	assert_false(d->leap61);
	assert_true(d->leap59);
	assert_true(d->utc_offset_valid);
	assert_true(d->ptp_timescale);
	assert_true(d->time_traceable);
	assert_false(d->frequency_traceable);
	assert_int_equal(d->time_source, 0x20);
}

static void check_port_ds(const struct ptpmgmt_msg *m,
			  const struct ptpmgmt_clock_identity *clock,
			  uint16_t port, int state)
{
	const struct ptpmgmt_port_ds *d = &m->u.port_ds;

	assert_port_id(&m->source, clock, port);
	assert_port_id(&d->port_identity, clock, port);
	assert_int_equal(d->port_state, state);
	assert_int_equal(d->log_min_delay_req_interval, 0);
	assert_true(d->peer_mean_path_delay_ns == 0.0);
	assert_int_equal(d->log_announce_interval, 1);
	assert_int_equal(d->announce_receipt_timeout, 3);
	assert_int_equal(d->log_sync_interval, 0);
	assert_int_equal(d->delay_mechanism, 1);
	assert_int_equal(d->log_min_pdelay_req_interval, 0);
	assert_int_equal(d->version_number, 2);
}

static void test_port_ds(void **state)
{
	struct ptpmgmt_msg m;

	(void)state;
	decode_ok(vec_port_ds_master, sizeof(vec_port_ds_master),
		  PTPMGMT_ID_PORT_DATA_SET, &m);
	check_port_ds(&m, &id_master, 1, PTPMGMT_PS_MASTER);
	decode_ok(vec_port_ds_slave, sizeof(vec_port_ds_slave),
		  PTPMGMT_ID_PORT_DATA_SET, &m);
	check_port_ds(&m, &id_slave, 1, PTPMGMT_PS_SLAVE);
	/* Two responses of a two-port clock to one wildcard GET. */
	decode_ok(vec_port_ds_bc_port1, sizeof(vec_port_ds_bc_port1),
		  PTPMGMT_ID_PORT_DATA_SET, &m);
	check_port_ds(&m, &id_bc, 1, PTPMGMT_PS_MASTER);
	assert_int_equal(m.sequence_id, 0x0102);
	decode_ok(vec_port_ds_bc_port2, sizeof(vec_port_ds_bc_port2),
		  PTPMGMT_ID_PORT_DATA_SET, &m);
	check_port_ds(&m, &id_bc, 2, PTPMGMT_PS_MASTER);
	assert_int_equal(m.sequence_id, 0x0102);
}

static void test_time_status_np(void **state)
{
	struct ptpmgmt_msg m;
	const struct ptpmgmt_time_status_np *d = &m.u.time_status_np;

	(void)state;
	decode_ok(vec_time_status_master, sizeof(vec_time_status_master),
		  PTPMGMT_ID_TIME_STATUS_NP, &m);
	assert_int_equal(d->master_offset_ns, 0);
	assert_int_equal(d->ingress_time_ns, 0);
	assert_false(d->gm_present);
	assert_clock_id(&d->gm_identity, &id_master);

	/* pmc printed: master_offset -726, ingress_time 1795317330752392220 */
	decode_ok(vec_time_status_slave, sizeof(vec_time_status_slave),
		  PTPMGMT_ID_TIME_STATUS_NP, &m);
	assert_true(d->master_offset_ns == -726);
	assert_true(d->ingress_time_ns == 1795317330752392220LL);
	assert_int_equal(d->cumulative_scaled_rate_offset, 0);
	assert_int_equal(d->scaled_last_gm_phase_change, 0);
	assert_int_equal(d->gm_time_base_indicator, 0);
	assert_int_equal(d->last_gm_phase_change.nanoseconds_msb, 0);
	assert_true(d->last_gm_phase_change.nanoseconds_lsb == 0);
	assert_int_equal(d->last_gm_phase_change.fractional_nanoseconds, 0);
	assert_true(d->gm_present);
	assert_clock_id(&d->gm_identity, &id_master);

	/* pmc printed: 35999999780, ingress_time 1795317474045435354 */
	decode_ok(vec_time_status_slave_36s, sizeof(vec_time_status_slave_36s),
		  PTPMGMT_ID_TIME_STATUS_NP, &m);
	assert_true(d->master_offset_ns == 35999999780LL);
	assert_true(d->ingress_time_ns == 1795317474045435354LL);
	assert_true(d->gm_present);
}

static void test_port_properties_np(void **state)
{
	struct ptpmgmt_msg m;
	const struct ptpmgmt_port_properties_np *d = &m.u.port_properties_np;

	(void)state;
	decode_ok(vec_port_properties_master,
		  sizeof(vec_port_properties_master),
		  PTPMGMT_ID_PORT_PROPERTIES_NP, &m);
	assert_port_id(&d->port_identity, &id_master, 1);
	assert_int_equal(d->port_state, PTPMGMT_PS_MASTER);
	assert_int_equal(d->timestamping, 0);
	assert_string_equal(d->interface, "pmva");
}

static void test_null_and_unknown(void **state)
{
	struct ptpmgmt_msg m;

	(void)state;
	assert_int_equal(decode_copy(vec_null_management,
				     sizeof(vec_null_management), 0, &m),
			 0);
	assert_int_equal(m.management_id, PTPMGMT_ID_NULL_MANAGEMENT);
	assert_false(m.has_data);
	assert_port_id(&m.source, &id_slave, 1);

	/* PRIORITY1 (0x2005) is valid but not decoded: header still filled. */
	assert_int_equal(decode_copy(vec_priority1, sizeof(vec_priority1), 0,
				     &m),
			 -ENOTSUP);
	assert_int_equal(m.management_id, 0x2005);
	assert_int_equal(m.action, PTPMGMT_RESPONSE);
	assert_int_equal(m.data_len, 2);
	assert_false(m.has_data);
}

static void test_subscribe_response(void **state)
{
	struct ptpmgmt_msg m;
	const struct ptpmgmt_subscribe_events_np *d = &m.u.subscribe_events_np;
	unsigned int i;

	(void)state;
	decode_ok(vec_subscribe_response, sizeof(vec_subscribe_response),
		  PTPMGMT_ID_SUBSCRIBE_EVENTS_NP, &m);
	assert_int_equal(m.action, PTPMGMT_RESPONSE);
	assert_int_equal(m.sequence_id, 7);
	assert_port_id(&m.source, &id_slave, 0);
	assert_int_equal(m.starting_boundary_hops, 0);
	assert_int_equal(m.boundary_hops, 0);
	assert_int_equal(d->duration_s, 60);
	assert_true(ptpmgmt_subscribe_has_event(d, PTPMGMT_NOTIFY_PORT_STATE));
	for (i = 1; i < 8 * PTPMGMT_EVENT_BITMASK_LEN; i++)
		assert_false(ptpmgmt_subscribe_has_event(d, i));
}

static void test_port_state_push(void **state)
{
	static const struct ptpmgmt_clock_identity subscriber = {
		{ 1, 2, 3, 4, 5, 6, 7, 8 } };
	struct ptpmgmt_msg m;

	(void)state;
	/* ptp4l 3.1.1 pushes a RESPONSE PORT_DATA_SET with hops 1/1 and its
	 * own per-port sequence counter, targeted at the subscriber. */
	decode_ok(vec_push_faulty, sizeof(vec_push_faulty),
		  PTPMGMT_ID_PORT_DATA_SET, &m);
	assert_int_equal(m.action, PTPMGMT_RESPONSE);
	assert_int_equal(m.starting_boundary_hops, 1);
	assert_int_equal(m.boundary_hops, 1);
	assert_int_equal(m.sequence_id, 0);
	assert_port_id(&m.target, &subscriber, 0x4242);
	assert_port_id(&m.u.port_ds.port_identity, &id_slave, 1);
	assert_int_equal(m.u.port_ds.port_state, PTPMGMT_PS_FAULTY);

	decode_ok(vec_push_listening, sizeof(vec_push_listening),
		  PTPMGMT_ID_PORT_DATA_SET, &m);
	assert_int_equal(m.sequence_id, 1);
	assert_int_equal(m.u.port_ds.port_state, PTPMGMT_PS_LISTENING);
}

static void check_error(const uint8_t *buf, size_t len, int action,
			uint16_t error_id, uint16_t id, uint16_t seq)
{
	struct ptpmgmt_msg m;

	assert_int_equal(decode_copy(buf, len, 0, &m), -EPROTO);
	assert_int_equal(m.tlv_type, PTPMGMT_TLV_MANAGEMENT_ERROR_STATUS);
	assert_int_equal(m.action, action);
	assert_int_equal(m.error_id, error_id);
	assert_int_equal(m.management_id, id);
	assert_int_equal(m.sequence_id, seq);
	assert_false(m.has_data);
}

static void test_error_tlv(void **state)
{
	(void)state;
	/* GET TIME (0x200F) */
	check_error(vec_err_not_supported, sizeof(vec_err_not_supported),
		    PTPMGMT_RESPONSE, PTPMGMT_ERR_NOT_SUPPORTED, 0x200f,
		    0x0105);
	/* GET of an id that does not exist, two-port clock: one answer */
	check_error(vec_err_no_such_id, sizeof(vec_err_no_such_id),
		    PTPMGMT_RESPONSE, PTPMGMT_ERR_NO_SUCH_ID, 0x7777, 0x0103);
	/* COMMAND ENABLE_PORT: the error comes back as ACKNOWLEDGE */
	check_error(vec_err_command_ack, sizeof(vec_err_command_ack),
		    PTPMGMT_ACKNOWLEDGE, PTPMGMT_ERR_NOT_SUPPORTED, 0x200d,
		    0x0106);
	/* SET TIME_STATUS_NP */
	check_error(vec_err_set_refused, sizeof(vec_err_set_refused),
		    PTPMGMT_RESPONSE, PTPMGMT_ERR_NOT_SUPPORTED,
		    PTPMGMT_ID_TIME_STATUS_NP, 0x0107);
	assert_string_equal(ptpmgmt_error_name(PTPMGMT_ERR_NOT_SUPPORTED),
			    "NOT_SUPPORTED");
	assert_string_equal(ptpmgmt_error_name(0x1234), "UNKNOWN");
}

/* Every proper prefix of every captured vector is rejected. */
static void test_truncation(void **state)
{
	struct ptpmgmt_msg m;
	size_t i, len;

	(void)state;
	for (i = 0; i < N_VECTORS; i++) {
		const struct vec *v = &all_vectors[i];

		for (len = 0; len < v->len; len++) {
			int err = decode_copy(v->buf, len, 0, &m);

			if (err != -EBADMSG)
				fail_msg("%s truncated to %zu: %d", v->name,
					 len, err);
		}
		assert_int_not_equal(decode_copy(v->buf, v->len, 0, &m),
				     -EBADMSG);
	}
	assert_int_equal(ptpmgmt_decode(NULL, 0, 0, &m), -EBADMSG);
}

/* Each vector with messageLength and lengthField cut together so that the
 * message is self-consistent but the dataset is short. */
static void test_short_dataset(void **state)
{
	uint8_t buf[PTPMGMT_MSG_MAX];
	struct ptpmgmt_msg m;
	size_t i, cut;

	(void)state;
	for (i = 0; i < N_VECTORS; i++) {
		const struct vec *v = &all_vectors[i];
		unsigned int tlv_len = (v->buf[50] << 8) | v->buf[51];

		if (v->buf[49] != PTPMGMT_TLV_MANAGEMENT || tlv_len <= 2 ||
		    v->buf[46] != PTPMGMT_RESPONSE)
			continue;
		for (cut = 2; cut <= tlv_len - 2; cut += 2) {
			int err;

			memcpy(buf, v->buf, v->len);
			buf[2] = (uint8_t)((v->len - cut) >> 8);
			buf[3] = (uint8_t)(v->len - cut);
			buf[50] = (uint8_t)((tlv_len - cut) >> 8);
			buf[51] = (uint8_t)(tlv_len - cut);
			err = decode_copy(buf, v->len - cut, 0, &m);
			if (err != -EBADMSG && err != -ENOTSUP)
				fail_msg("%s cut %zu: %d", v->name, cut, err);
		}
	}
}

static void test_header_checks(void **state)
{
	uint8_t buf[sizeof(vec_port_ds_slave)];
	struct ptpmgmt_msg m;

	(void)state;
	/* wrong domain, either way round */
	assert_int_equal(decode_copy(vec_port_ds_slave, sizeof(buf), 1, &m),
			 -EBADMSG);
	memcpy(buf, vec_port_ds_slave, sizeof(buf));
	buf[4] = 24;
	assert_int_equal(decode_copy(buf, sizeof(buf), 0, &m), -EBADMSG);
	assert_int_equal(decode_copy(buf, sizeof(buf), 24, &m), 0);
	assert_int_equal(m.domain, 24);

	/* versionPTP 1 rejected; minorVersionPTP (upper nibble) ignored */
	memcpy(buf, vec_port_ds_slave, sizeof(buf));
	buf[1] = 0x01;
	assert_int_equal(decode_copy(buf, sizeof(buf), 0, &m), -EBADMSG);
	buf[1] = 0x12;
	assert_int_equal(decode_copy(buf, sizeof(buf), 0, &m), 0);

	/* messageType: Announce (0xb) rejected; transportSpecific ignored */
	memcpy(buf, vec_port_ds_slave, sizeof(buf));
	buf[0] = 0x0b;
	assert_int_equal(decode_copy(buf, sizeof(buf), 0, &m), -EBADMSG);
	buf[0] = 0x1d;
	assert_int_equal(decode_copy(buf, sizeof(buf), 0, &m), 0);

	/* actionField beyond ACKNOWLEDGE */
	memcpy(buf, vec_port_ds_slave, sizeof(buf));
	buf[46] = 5;
	assert_int_equal(decode_copy(buf, sizeof(buf), 0, &m), -EBADMSG);

	/* messageLength larger than the datagram, or too small */
	memcpy(buf, vec_port_ds_slave, sizeof(buf));
	buf[3] = (uint8_t)(sizeof(buf) + 2);
	assert_int_equal(decode_copy(buf, sizeof(buf), 0, &m), -EBADMSG);
	buf[3] = 50;
	assert_int_equal(decode_copy(buf, sizeof(buf), 0, &m), -EBADMSG);

	/* TLV longer than the message, odd, or shorter than a managementId */
	memcpy(buf, vec_port_ds_slave, sizeof(buf));
	buf[51] = 0x1e;
	assert_int_equal(decode_copy(buf, sizeof(buf), 0, &m), -EBADMSG);
	buf[51] = 0x1b;
	assert_int_equal(decode_copy(buf, sizeof(buf), 0, &m), -EBADMSG);
	buf[51] = 0x00;
	assert_int_equal(decode_copy(buf, sizeof(buf), 0, &m), -EBADMSG);

	/* unknown TLV type */
	memcpy(buf, vec_port_ds_slave, sizeof(buf));
	buf[49] = 0x03;
	assert_int_equal(decode_copy(buf, sizeof(buf), 0, &m), -ENOTSUP);

	/* RESPONSE of a dataset without data */
	memcpy(buf, vec_port_ds_slave, sizeof(buf));
	buf[3] = 54;
	buf[51] = 2;
	assert_int_equal(decode_copy(buf, 54, 0, &m), -EBADMSG);

	/* trailing bytes after messageLength are ignored */
	{
		uint8_t longer[sizeof(vec_port_ds_slave) + 6] = { 0 };

		memcpy(longer, vec_port_ds_slave, sizeof(vec_port_ds_slave));
		assert_int_equal(decode_copy(longer, sizeof(longer), 0, &m), 0);
		assert_int_equal(m.u.port_ds.port_state, PTPMGMT_PS_SLAVE);
	}

	/* a PTPText with an embedded NUL is malformed */
	{
		uint8_t p[sizeof(vec_port_properties_master)];

		memcpy(p, vec_port_properties_master, sizeof(p));
		p[67] = 0;
		assert_int_equal(decode_copy(p, sizeof(p), 0, &m), -EBADMSG);
	}
}

static void test_encode_matches_pmc(void **state)
{
	/* pmc's GET TIME_STATUS_NP: zero-filled dataField, source port = pid */
	static const uint8_t zeros[50];
	struct ptpmgmt_port_identity src = { .port = 0x11ec };
	struct ptpmgmt_addr addr;
	uint8_t buf[PTPMGMT_MSG_MAX];
	int n;

	(void)state;
	ptpmgmt_addr_init(&addr, 0, &src, 0);
	n = ptpmgmt_encode(&addr, PTPMGMT_GET, PTPMGMT_ID_TIME_STATUS_NP,
			   zeros, sizeof(zeros), buf, sizeof(buf));
	assert_int_equal(n, sizeof(vec_pmc_get_time_status));
	assert_memory_equal(buf, vec_pmc_get_time_status, (size_t)n);
}

static void test_encode_get_roundtrip(void **state)
{
	struct ptpmgmt_port_identity src = {
		.clock = { { 1, 2, 3, 4, 5, 6, 7, 8 } }, .port = 0x4242 };
	struct ptpmgmt_addr addr;
	struct ptpmgmt_msg m;
	uint8_t buf[PTPMGMT_MSG_MAX];
	int n;

	(void)state;
	ptpmgmt_addr_init(&addr, 3, &src, 0xbeef);
	n = ptpmgmt_encode_get(&addr, PTPMGMT_ID_PORT_DATA_SET, buf,
			       sizeof(buf));
	assert_int_equal(n, PTPMGMT_MIN_LEN);
	assert_int_equal(buf[0], 0x0d);
	assert_int_equal(buf[1], 0x02);
	assert_int_equal(buf[32], 0x04);
	assert_int_equal(buf[33], 0x7f);
	assert_int_equal(ptpmgmt_decode(buf, (size_t)n, 3, &m), 0);
	assert_int_equal(m.domain, 3);
	assert_int_equal(m.sequence_id, 0xbeef);
	assert_true(ptpmgmt_port_identity_equal(&m.source, &src));
	assert_true(ptpmgmt_port_identity_equal(&m.target, &addr.target));
	assert_int_equal(m.target.port, PTPMGMT_PORT_ALL);
	assert_int_equal(m.starting_boundary_hops, 0);
	assert_int_equal(m.boundary_hops, 0);
	assert_int_equal(m.action, PTPMGMT_GET);
	assert_int_equal(m.management_id, PTPMGMT_ID_PORT_DATA_SET);
	assert_int_equal(m.data_len, 0);
	assert_false(m.has_data);
	assert_int_equal(ptpmgmt_decode(buf, (size_t)n, 0, &m), -EBADMSG);

	/* a GET of an id the codec does not decode */
	n = ptpmgmt_encode_get(&addr, 0x2005, buf, sizeof(buf));
	assert_int_equal(ptpmgmt_decode(buf, (size_t)n, 3, &m), -ENOTSUP);
	assert_int_equal(m.management_id, 0x2005);

	/* a COMMAND with an odd dataField is padded to an even TLV */
	{
		static const uint8_t odd[3] = { 0xaa, 0xbb, 0xcc };

		n = ptpmgmt_encode(&addr, PTPMGMT_COMMAND, 0x7777, odd,
				   sizeof(odd), buf, sizeof(buf));
		assert_int_equal(n, PTPMGMT_MIN_LEN + 4);
		assert_int_equal(buf[51], 6);
		assert_int_equal(buf[57], 0);
		assert_int_equal(ptpmgmt_decode(buf, (size_t)n, 3, &m),
				 -ENOTSUP);
		assert_int_equal(m.action, PTPMGMT_COMMAND);
		assert_int_equal(m.data_len, 4);
	}
}

static void test_encode_subscribe_roundtrip(void **state)
{
	struct ptpmgmt_subscribe_events_np sub = { .duration_s = 60 };
	struct ptpmgmt_port_identity src = {
		.clock = { { 1, 2, 3, 4, 5, 6, 7, 8 } }, .port = 0x4242 };
	struct ptpmgmt_addr addr;
	struct ptpmgmt_msg m;
	uint8_t buf[PTPMGMT_MSG_MAX];
	int n;

	(void)state;
	assert_int_equal(ptpmgmt_subscribe_set_event(
				 &sub, PTPMGMT_NOTIFY_PORT_STATE, true),
			 0);
	assert_int_equal(ptpmgmt_subscribe_set_event(&sub, 512, true), -EINVAL);
	ptpmgmt_addr_init(&addr, 0, &src, 7);
	n = ptpmgmt_encode_subscribe(&addr, &sub, buf, sizeof(buf));
	assert_int_equal(n, 120);
	/* the echo ptp4l sent back carries the same TLV */
	assert_memory_equal(buf + 48, vec_subscribe_response + 48, 72);
	assert_int_equal(ptpmgmt_decode(buf, (size_t)n, 0, &m), 0);
	assert_int_equal(m.action, PTPMGMT_SET);
	assert_true(m.has_data);
	assert_int_equal(m.u.subscribe_events_np.duration_s, 60);
	assert_memory_equal(m.u.subscribe_events_np.bitmask, sub.bitmask,
			    sizeof(sub.bitmask));
	assert_int_equal(ptpmgmt_subscribe_set_event(&sub, 0, false), 0);
	assert_false(ptpmgmt_subscribe_has_event(&sub, 0));
	assert_false(ptpmgmt_subscribe_has_event(&sub, 100000));
}

static void test_encode_errors(void **state)
{
	static uint8_t big[PTPMGMT_MSG_MAX];
	struct ptpmgmt_addr addr;
	uint8_t buf[PTPMGMT_MSG_MAX];
	size_t size;

	(void)state;
	ptpmgmt_addr_init(&addr, 0, NULL, 1);
	for (size = 0; size < PTPMGMT_MIN_LEN; size++)
		assert_int_equal(ptpmgmt_encode_get(&addr, 0x2000, buf, size),
				 -EMSGSIZE);
	assert_int_equal(ptpmgmt_encode_get(&addr, 0x2000, buf,
					    PTPMGMT_MIN_LEN),
			 PTPMGMT_MIN_LEN);
	assert_int_equal(ptpmgmt_encode(&addr, PTPMGMT_SET, 0x2000, big,
					sizeof(big), buf, sizeof(buf)),
			 -EMSGSIZE);
	assert_int_equal(ptpmgmt_encode(&addr, PTPMGMT_SET, 0x2000, NULL, 4,
					buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(ptpmgmt_encode_get(NULL, 0x2000, buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(ptpmgmt_encode_subscribe(&addr, NULL, buf,
						  sizeof(buf)),
			 -EINVAL);
}

static void test_names(void **state)
{
	static const char *const want[] = {
		"UNKNOWN",   "INITIALIZING", "FAULTY",	     "DISABLED",
		"LISTENING", "PRE_MASTER",   "MASTER",	     "PASSIVE",
		"UNCALIBRATED", "SLAVE",     "UNKNOWN",
	};
	char s[PTPMGMT_PORT_ID_STRLEN];
	struct ptpmgmt_port_identity pid = { .clock = id_master,
					     .port = 65535 };
	int i;

	(void)state;
	for (i = 0; i <= 10; i++)
		assert_string_equal(ptpmgmt_port_state_name(i), want[i]);
	assert_string_equal(ptpmgmt_port_state_name(-1), "UNKNOWN");
	assert_string_equal(ptpmgmt_action_name(PTPMGMT_ACKNOWLEDGE),
			    "ACKNOWLEDGE");
	assert_string_equal(ptpmgmt_action_name(5), "UNKNOWN");
	assert_string_equal(ptpmgmt_id_name(0xc000), "TIME_STATUS_NP");
	assert_string_equal(ptpmgmt_id_name(0x2005), "UNKNOWN");
	assert_string_equal(ptpmgmt_clock_identity_str(&id_master, s),
			    "a25ec9.fffe.339ad5");
	assert_string_equal(ptpmgmt_port_identity_str(&pid, s),
			    "a25ec9.fffe.339ad5-65535");
	assert_true(ptpmgmt_time_interval_to_ns(-726LL * 65536) == -726.0);
	assert_true(ptpmgmt_time_interval_to_ns(1) == 1.0 / 65536);
}

/* --- the client, against a fake ptp4l replaying the captured bytes --- */

struct fake {
	char dir[64];
	char server_path[96];
	char client_path[96];
	int server_fd;
	struct sockaddr_un peer;
	socklen_t peer_len;
	struct ptpmgmt_client *client;
};

static int fake_setup(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_ptpmgmt.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->server_path, sizeof(f->server_path), "%s/ptp4l", f->dir);
	snprintf(f->client_path, sizeof(f->client_path), "%s/client", f->dir);
	f->server_fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_true(f->server_fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", f->server_path);
	assert_int_equal(bind(f->server_fd, (struct sockaddr *)&sa,
			      sizeof(sa)),
			 0);
	assert_int_equal(ptpmgmt_client_open(f->server_path, f->client_path, 0,
					     &f->client),
			 0);
	*state = f;
	return 0;
}

static int fake_teardown(void **state)
{
	struct fake *f = *state;

	ptpmgmt_client_close(f->client);
	close(f->server_fd);
	unlink(f->server_path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Receive the client's request; returns its decoded form. */
static void fake_get_request(struct fake *f, struct ptpmgmt_msg *req)
{
	uint8_t buf[PTPMGMT_MSG_MAX];
	ssize_t n;

	f->peer_len = sizeof(f->peer);
	n = recvfrom(f->server_fd, buf, sizeof(buf), MSG_DONTWAIT,
		     (struct sockaddr *)&f->peer, &f->peer_len);
	assert_true(n > 0);
	assert_int_not_equal(ptpmgmt_decode(buf, (size_t)n, 0, req), -EBADMSG);
}

/* Replay a captured message, readdressed to the request's sender. */
static void fake_reply(struct fake *f, const uint8_t *vec, size_t len,
		       const struct ptpmgmt_msg *req, bool push)
{
	uint8_t buf[PTPMGMT_MSG_MAX];

	memcpy(buf, vec, len);
	memcpy(buf + 34, req->source.clock.id, 8);
	buf[42] = (uint8_t)(req->source.port >> 8);
	buf[43] = (uint8_t)req->source.port;
	if (!push) {
		buf[30] = (uint8_t)(req->sequence_id >> 8);
		buf[31] = (uint8_t)req->sequence_id;
	}
	assert_int_equal(sendto(f->server_fd, buf, len, 0,
				(struct sockaddr *)&f->peer, f->peer_len),
			 (ssize_t)len);
}

static void test_client_socket(void **state)
{
	struct fake *f = *state;
	struct stat st;

	assert_int_equal(stat(f->client_path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_true(ptpmgmt_client_fd(f->client) >= 0);
	assert_int_equal(ptpmgmt_client_pending(f->client), 0);
	{
		struct ptpmgmt_response r;

		assert_int_equal(ptpmgmt_client_recv(f->client, &r), -EAGAIN);
	}
}

static void test_client_get_reply(void **state)
{
	struct fake *f = *state;
	struct ptpmgmt_msg req;
	struct ptpmgmt_response r;
	int seq;

	seq = ptpmgmt_client_send_get(f->client, PTPMGMT_ID_TIME_STATUS_NP,
				      1000);
	assert_true(seq >= 0);
	assert_int_equal(ptpmgmt_client_pending(f->client), 1);
	fake_get_request(f, &req);
	assert_int_equal(req.action, PTPMGMT_GET);
	assert_int_equal(req.sequence_id, seq);
	assert_int_equal(req.management_id, PTPMGMT_ID_TIME_STATUS_NP);
	assert_int_equal(req.target.port, PTPMGMT_PORT_ALL);
	assert_true(ptpmgmt_port_identity_equal(
		&req.source, ptpmgmt_client_source(f->client)));

	fake_reply(f, vec_time_status_slave, sizeof(vec_time_status_slave),
		   &req, false);
	assert_int_equal(ptpmgmt_client_recv(f->client, &r), 0);
	assert_int_equal(r.kind, PTPMGMT_REPLY);
	assert_int_equal(r.status, 0);
	assert_true(r.final);
	assert_int_equal(r.sent_ns, 1000);
	assert_int_equal(r.msg.sequence_id, seq);
	assert_true(r.msg.u.time_status_np.master_offset_ns == -726);
	assert_int_equal(ptpmgmt_client_pending(f->client), 0);

	/* a duplicate of an answered request is dropped */
	fake_reply(f, vec_time_status_slave, sizeof(vec_time_status_slave),
		   &req, false);
	assert_int_equal(ptpmgmt_client_recv(f->client, &r), -ENOMSG);
	assert_int_equal(ptpmgmt_client_recv(f->client, &r), -EAGAIN);
}

static void test_client_wildcard_two_ports(void **state)
{
	struct fake *f = *state;
	struct ptpmgmt_msg req;
	struct ptpmgmt_response r;

	assert_true(ptpmgmt_client_send_get(f->client, PTPMGMT_ID_PORT_DATA_SET,
					    5000) >= 0);
	fake_get_request(f, &req);
	fake_reply(f, vec_port_ds_bc_port1, sizeof(vec_port_ds_bc_port1), &req,
		   false);
	fake_reply(f, vec_port_ds_bc_port2, sizeof(vec_port_ds_bc_port2), &req,
		   false);
	assert_int_equal(ptpmgmt_client_recv(f->client, &r), 0);
	assert_int_equal(r.kind, PTPMGMT_REPLY);
	assert_false(r.final);
	assert_int_equal(r.msg.u.port_ds.port_identity.port, 1);
	assert_int_equal(ptpmgmt_client_recv(f->client, &r), 0);
	assert_int_equal(r.kind, PTPMGMT_REPLY);
	assert_false(r.final);
	assert_int_equal(r.msg.u.port_ds.port_identity.port, 2);
	assert_int_equal(ptpmgmt_client_recv(f->client, &r), -EAGAIN);
	assert_int_equal(ptpmgmt_client_pending(f->client), 1);
	/* answered requests retire without counting as timeouts */
	assert_int_equal(ptpmgmt_client_expire(f->client, 5999, 1000), 0);
	assert_int_equal(ptpmgmt_client_pending(f->client), 1);
	assert_int_equal(ptpmgmt_client_expire(f->client, 6000, 1000), 0);
	assert_int_equal(ptpmgmt_client_pending(f->client), 0);
}

static void test_client_error_and_timeout(void **state)
{
	struct fake *f = *state;
	struct ptpmgmt_msg req;
	struct ptpmgmt_response r;

	assert_true(ptpmgmt_client_send_get(f->client, 0x200f, 0) >= 0);
	fake_get_request(f, &req);
	fake_reply(f, vec_err_not_supported, sizeof(vec_err_not_supported),
		   &req, false);
	assert_int_equal(ptpmgmt_client_recv(f->client, &r), 0);
	assert_int_equal(r.kind, PTPMGMT_REPLY);
	assert_int_equal(r.status, -EPROTO);
	assert_int_equal(r.msg.error_id, PTPMGMT_ERR_NOT_SUPPORTED);
	assert_true(r.final);

	/* two unanswered requests time out */
	assert_true(ptpmgmt_client_send_get(f->client, 0x2000, 100) >= 0);
	assert_true(ptpmgmt_client_send_get(f->client, 0x2001, 200) >= 0);
	assert_int_equal(ptpmgmt_client_expire(f->client, 1099, 1000), 0);
	assert_int_equal(ptpmgmt_client_expire(f->client, 1100, 1000), 1);
	assert_int_equal(ptpmgmt_client_expire(f->client, 5000, 1000), 1);
	assert_int_equal(ptpmgmt_client_pending(f->client), 0);
}

static void test_client_subscribe_push(void **state)
{
	struct fake *f = *state;
	struct ptpmgmt_msg req;
	struct ptpmgmt_response r;
	uint8_t bad[10] = { 0x0d, 0x02 };

	assert_true(ptpmgmt_client_subscribe(f->client, 60, 0) >= 0);
	fake_get_request(f, &req);
	assert_int_equal(req.action, PTPMGMT_SET);
	assert_int_equal(req.management_id, PTPMGMT_ID_SUBSCRIBE_EVENTS_NP);
	assert_true(req.has_data);
	assert_int_equal(req.u.subscribe_events_np.duration_s, 60);
	assert_true(ptpmgmt_subscribe_has_event(&req.u.subscribe_events_np,
						PTPMGMT_NOTIFY_PORT_STATE));
	fake_reply(f, vec_subscribe_response, sizeof(vec_subscribe_response),
		   &req, false);
	assert_int_equal(ptpmgmt_client_recv(f->client, &r), 0);
	assert_int_equal(r.kind, PTPMGMT_REPLY);
	assert_true(r.final);

	/* a pending PORT_DATA_SET whose seq collides with the push's */
	assert_true(ptpmgmt_client_send_get(f->client, PTPMGMT_ID_PORT_DATA_SET,
					    0) >= 0);
	fake_reply(f, vec_push_faulty, sizeof(vec_push_faulty), &req, true);
	sendto(f->server_fd, bad, sizeof(bad), 0, (struct sockaddr *)&f->peer,
	       f->peer_len);
	fake_reply(f, vec_push_listening, sizeof(vec_push_listening), &req,
		   true);
	assert_int_equal(ptpmgmt_client_recv(f->client, &r), 0);
	assert_int_equal(r.kind, PTPMGMT_NOTIFICATION);
	assert_int_equal(r.msg.u.port_ds.port_state, PTPMGMT_PS_FAULTY);
	assert_int_equal(ptpmgmt_client_recv(f->client, &r), -EBADMSG);
	assert_int_equal(ptpmgmt_client_recv(f->client, &r), 0);
	assert_int_equal(r.kind, PTPMGMT_NOTIFICATION);
	assert_int_equal(r.msg.u.port_ds.port_state, PTPMGMT_PS_LISTENING);
	assert_int_equal(ptpmgmt_client_recv(f->client, &r), -EAGAIN);
	/* the pushes did not consume the pending GET */
	assert_int_equal(ptpmgmt_client_pending(f->client), 1);
}

static void test_client_pending_limit(void **state)
{
	struct fake *f = *state;
	struct ptpmgmt_msg req;
	int i, err = 0;

	for (i = 0; i < PTPMGMT_CLIENT_MAX_PENDING; i++) {
		assert_true(ptpmgmt_client_send_get(f->client, 0x2000, i) >= 0);
		fake_get_request(f, &req);
	}
	assert_int_equal(ptpmgmt_client_send_get(f->client, 0x2000, 99),
			 -ENOBUFS);
	assert_int_equal(ptpmgmt_client_expire(f->client, 1000, 10),
			 PTPMGMT_CLIENT_MAX_PENDING);
	/* a ptp4l that does not read: its queue fills, send says -EAGAIN */
	for (i = 0; i < 10000; i++) {
		err = ptpmgmt_client_send_get(f->client, 0x2000, 0);
		if (err < 0)
			break;
		assert_int_equal(ptpmgmt_client_expire(f->client, 1, 1), 1);
	}
	assert_int_equal(err, -EAGAIN);
	assert_int_equal(ptpmgmt_client_pending(f->client), 0);
}

static void test_client_no_server(void **state)
{
	struct ptpmgmt_client *c;
	char dir[] = "/tmp/test_ptpmgmt.XXXXXX";
	char srv[96], cli[96];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(srv, sizeof(srv), "%s/ptp4l", dir);
	snprintf(cli, sizeof(cli), "%s/client", dir);
	assert_int_equal(ptpmgmt_client_open(srv, cli, 0, &c), 0);
	/* no socket at all */
	assert_int_equal(ptpmgmt_client_send_get(c, 0x2004, 0), -ENOENT);
	/* a stale socket file nobody listens on */
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", srv);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	assert_int_equal(ptpmgmt_client_send_get(c, 0x2004, 0), -ECONNREFUSED);
	assert_int_equal(ptpmgmt_client_pending(c), 0);
	ptpmgmt_client_close(c);
	assert_int_equal(access(cli, F_OK), -1);

	/* the stale socket is replaced; a regular file is not */
	assert_int_equal(ptpmgmt_client_open("/nonexistent", srv, 0, &c), 0);
	ptpmgmt_client_close(c);
	fd = creat(cli, 0600);
	close(fd);
	assert_int_equal(ptpmgmt_client_open(srv, cli, 0, &c), -EEXIST);
	assert_null(c);
	unlink(cli);
	assert_int_equal(ptpmgmt_client_open(srv, cli, 256, &c), -EINVAL);
	{
		char longp[200];

		memset(longp, 'x', sizeof(longp) - 1);
		longp[sizeof(longp) - 1] = '\0';
		assert_int_equal(ptpmgmt_client_open(srv, longp, 0, &c),
				 -ENAMETOOLONG);
	}
	unlink(srv);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_ds),
		cmocka_unit_test(test_current_ds),
		cmocka_unit_test(test_parent_ds),
		cmocka_unit_test(test_time_properties_ds),
		cmocka_unit_test(test_port_ds),
		cmocka_unit_test(test_time_status_np),
		cmocka_unit_test(test_port_properties_np),
		cmocka_unit_test(test_null_and_unknown),
		cmocka_unit_test(test_subscribe_response),
		cmocka_unit_test(test_port_state_push),
		cmocka_unit_test(test_error_tlv),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_short_dataset),
		cmocka_unit_test(test_header_checks),
		cmocka_unit_test(test_encode_matches_pmc),
		cmocka_unit_test(test_encode_get_roundtrip),
		cmocka_unit_test(test_encode_subscribe_roundtrip),
		cmocka_unit_test(test_encode_errors),
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_client_socket, fake_setup,
						fake_teardown),
		cmocka_unit_test_setup_teardown(test_client_get_reply,
						fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_client_wildcard_two_ports,
						fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_client_error_and_timeout,
						fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_client_subscribe_push,
						fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_client_pending_limit,
						fake_setup, fake_teardown),
		cmocka_unit_test(test_client_no_server),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
