/* chrony_watch.h: asynchronous view of chronyd (tracking, sources), actions. */
#ifndef PHCB_CHRONYWATCH_H
#define PHCB_CHRONYWATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "chrony_codec.h"
#include "chrony_view.h"


/* The view (struct chronywatch_view) is in chrony_view.h. */
struct chronywatch;

/**
 * chronywatch_open - start polling chronyd at @server_path every
 * @interval_ms, never blocking the loop: one request is outstanding at a
 * time, read when the socket is readable, resent once after 500 ms.
 * @server_path: kept by reference: it must outlive the watcher
 * @client_path: our own socket, in a directory of ours (chronycmd_open())
 * Returns 0 and sets *@out, or a negative errno.
 */
int chronywatch_open(struct event_base *base, const char *server_path,
		     const char *client_path, int interval_ms,
		     struct chronywatch **out);

/**
 * chronywatch_explain - for an errno that only a change of privileges
 * cures (EACCES, EPERM), write the reason and the fix into @buf.
 * Returns true if it did, false for transient errors (chronyd not running,
 * restarting, slow).
 */
bool chronywatch_explain(int err, char *buf, size_t len);

/** chronywatch_close - stop and free. */
void chronywatch_close(struct chronywatch *w);

/** chronywatch_view - the last reports (valid until the next loop turn). */
const struct chronywatch_view *chronywatch_view(const struct chronywatch *w);

/**
 * chronywatch_request - queue actions (enum chronywatch_action bits); they
 * are sent at once if nothing is outstanding, else after the current
 * exchange, ahead of reports.
 */
void chronywatch_request(struct chronywatch *w, unsigned actions);

/**
 * chronywatch_select - queue a SELECTOPTS request (chronyd 4.4+) making
 * the refclock @refid selectable again, or noselect; sent ahead of reports.
 * Only meaningful when view->selectopts is 1.
 */
void chronywatch_select(struct chronywatch *w, const char *refid,
			bool selectable);

/**
 * chronywatch_source_state - chronyd's state for the refclock @refid in the
 * last report: enum candm_src_state, or -ENOENT.
 */
int chronywatch_source_state(const struct chronywatch *w, const char *refid);

/**
 * chronywatch_selected - whether chronyd's tracking reference is @refid.
 */
bool chronywatch_selected(const struct chronywatch *w, const char *refid);

#endif
