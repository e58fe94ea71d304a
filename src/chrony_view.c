/* chrony_view.c: chronyd's view taken from decoded replies (pure). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "chrony_view.h"

/* chronyd's count of sources, as many as the table holds. */
static void take_count(struct chronyview_cycle *c, uint32_t n)
{
	c->total = n < CHRONYWATCH_SOURCES_MAX ? n : CHRONYWATCH_SOURCES_MAX;
	c->index = 0;
}

static void take_source(struct chronyview_cycle *c,
			const struct candm_source_data *s)
{
	if (c->index < c->total && c->index < CHRONYWATCH_SOURCES_MAX)
		c->scratch[c->index++] = *s;
}

enum chronyview_step chronyview_take(struct chronywatch_view *v,
				     struct chronyview_cycle *c,
				     enum chronyview_step step,
				     const struct candm_reply *rep,
				     int64_t now_ns)
{
	v->replies++;
	v->last_error = 0;
	switch (step) {
	case CHRONYVIEW_PROBE:
		v->selectopts = 1;
		return CHRONYVIEW_IDLE;
	case CHRONYVIEW_SELECT:
		v->selects_done++;
		v->actions_done++;
		return CHRONYVIEW_IDLE;
	case CHRONYVIEW_ACTION:
		v->actions_done++;
		return CHRONYVIEW_IDLE;
	case CHRONYVIEW_TRACKING:
		v->tracking = rep->u.tracking;
		v->have_tracking = true;
		v->tracking_at_ns = now_ns;
		break;
	case CHRONYVIEW_N_SOURCES:
		take_count(c, rep->u.n_sources);
		break;
	case CHRONYVIEW_SOURCE_DATA:
		take_source(c, &rep->u.source);
		break;
	case CHRONYVIEW_IDLE:
		break;
	}
	return step;
}

static int missing_index(const struct chronywatch_view *v, uint32_t ref_id)
{
	for (int i = 0; i < v->n_missing; i++)
		if (v->missing[i] == ref_id)
			return i;
	return -1;
}

bool chronyview_note_missing(struct chronywatch_view *v, uint32_t ref_id)
{
	v->replies++;
	if (missing_index(v, ref_id) >= 0 ||
	    v->n_missing >= CHRONYWATCH_MISSING_MAX)
		return false;
	v->missing[v->n_missing++] = ref_id;
	return true;
}

void chronyview_found(struct chronywatch_view *v, uint32_t ref_id)
{
	int i = missing_index(v, ref_id);

	if (i < 0)
		return;
	v->missing[i] = v->missing[--v->n_missing];
}

void chronyview_probe_refused(struct chronywatch_view *v, int err)
{
	v->selectopts = err == -EPROTO;
	v->replies++;
}

int chronyview_next_source(const struct chronyview_cycle *c)
{
	if (c->index < c->total && c->index < CHRONYWATCH_SOURCES_MAX)
		return (int)c->index;
	return -ENOENT;
}

void chronyview_publish(struct chronywatch_view *v,
			const struct chronyview_cycle *c, int64_t now_ns)
{
	uint32_t n = c->index < c->total ? c->index : c->total;

	if (n > CHRONYWATCH_SOURCES_MAX)
		n = CHRONYWATCH_SOURCES_MAX;
	memcpy(v->sources, c->scratch, sizeof(c->scratch[0]) * n);
	v->n_sources = (int)n;
	v->sources_at_ns = now_ns;
}

void chronyview_reference_name(const struct chronywatch_view *v, char *buf,
			       size_t len)
{
	char refid[5];

	if (!v->have_tracking || v->tracking.ref_id == 0)
		snprintf(buf, len, "none");
	else if (v->tracking.ip.family == CANDM_AF_UNSPEC)
		snprintf(buf, len, "%s", candm_refid_str(v->tracking.ref_id, refid));
	else
		snprintf(buf, len, "%08X", (unsigned)v->tracking.ref_id);
}
