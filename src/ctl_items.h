/* ctl_items.h: the daemon's answers to phcbrokerctl's GET and SET items. */
#ifndef PHCB_CTL_ITEMS_H
#define PHCB_CTL_ITEMS_H

#include <event2/buffer.h>

#include "control.h"

/**
 * ctl_items_handle - answer one control request (a control_handler_fn;
 * @ctx is the struct daemon): GET STATUS, DEVICES, SOURCES, FILTER, GATE,
 * PTP, CHRONY; SET GATE, LOG_LEVEL.
 */
void ctl_items_handle(void *ctx, const struct control_peer *peer,
		      const char *action, const char *item, const char *arg,
		      struct evbuffer *out);

#endif
