/* source_gate.c: feed the gate each poll, and act on chronyd when it decides. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chrony_plan.h"
#include "chrony_watch.h"
#include "log.h"
#include "resume.h"
#include "source.h"
#include "privsep_client.h"
#include "source_gate.h"
#include "timeutil.h"

#define REJECT_EWMA 0.05 /* weight of one sample in the reject fraction */
#define VM_RETRY_NS (5 * NS_PER_SEC) /* mapping the VMClock page again */

/* What the gate needs to remember of a poll's outcome. */
static void note_samples(struct source_gate *slot, int64_t mono,
			 const struct source_event *ev)
{
	unsigned n = ev->accepted + ev->rejected;

	if (ev->accepted)
		slot->last_accept_mono_ns = mono;
	if (ev->step)
		slot->last_step_mono_ns = mono;
	for (unsigned i = 0; i < n; i++)
		slot->reject_fraction = (1 - REJECT_EWMA) * slot->reject_fraction +
					REJECT_EWMA * (i < ev->rejected ? 1.0 : 0.0);
}

static int64_t age(int64_t now, int64_t then)
{
	return then ? now - then : -1;
}

/* Whether ptp4l is its own grandmaster: PARENT_DATA_SET names its clock. */
static bool local_grandmaster(const struct ptpwatch_view *v)
{
	return v->have_parent && v->n_ports > 0 &&
	       memcmp(v->parent.grandmaster_identity.id,
		      v->ports[0].port_identity.clock.id,
		      sizeof(v->parent.grandmaster_identity.id)) == 0;
}

static void ptp_input(const struct ptpwatch_view *v, int64_t mono,
		      struct gate_ptp *p)
{
	p->configured = true;
	p->response_age_ns = age(mono, v->last_response_ns);
	p->port_state = v->port_state;
	p->master_offset_ns = v->have_time_status ? v->time_status.master_offset_ns : 0;
	p->ingress_age_ns = v->have_time_status ? age(mono, v->ingress_changed_ns) : -1;
	p->gm_present = v->have_time_status && v->time_status.gm_present;
	p->clock_class = v->have_parent ?
				 v->parent.grandmaster_clock_quality.clock_class : 0;
	p->local_gm = local_grandmaster(v);
	p->time_props_known = v->have_time_properties;
	p->leap61 = v->time_properties.leap61;
	p->leap59 = v->time_properties.leap59;
	p->utc_offset_valid = v->time_properties.utc_offset_valid;
	p->current_utc_offset = v->time_properties.current_utc_offset;
}

static void build_input(const struct source_gate *slot,
			const struct source *s, int64_t mono,
			struct gate_input *in)
{
	memset(in, 0, sizeof(*in));
	in->now_ns = mono;
	in->dev.running = s->state == SOURCE_RUNNING;
	in->dev.sample_age_ns = age(mono, slot->last_accept_mono_ns);
	/* the tracker judges nothing before it has a model */
	in->dev.sigma_ns = s->pipe.trk.accepted < TRK_MIN_POINTS ? NAN
								 : s->pipe.trk.sigma_ns;
	in->dev.reject_fraction = slot->reject_fraction;
	in->dev.step_age_ns = age(mono, slot->last_step_mono_ns);
	if (slot->ptp)
		ptp_input(ptpwatch_view(slot->ptp), mono, &in->ptp);
	if (slot->vm.page) {
		in->vm.configured = true;
		in->vm.readable = slot->vm_have && slot->vm_error == 0;
		in->vm.status = slot->vm_last.clock_status;
		/* a page without a counter tells disruptions only */
		in->vm.has_clock = slot->vm_last.counter_id !=
				   VMCLOCK_COUNTER_INVALID;
		in->vm.disruption_age_ns = age(mono, slot->vm_disrupted_mono_ns);
	}
}

/* Map the source's VMClock page (for auto, once its PHC is open and
 * named); retried every VM_RETRY_NS, each new failure logged once. */
/* The page at @path (for the log; under privilege separation the parent
 * resolves it from its own configuration and opens it). */
static int vm_open(const struct source *s, const char *path,
		   struct vmclock_map *m)
{
	int fd, r;

	if (!privsep_client_active())
		return vmclock_map_open(path, m);
	r = privsep_open_vmclock((unsigned)s->index, &fd);
	return r < 0 ? r : vmclock_map_fd(fd, m);
}

static void vm_try_map(struct source_gate *g, const struct source *s,
		       int64_t mono)
{
	char path[CONFIG_PATH_MAX];
	int r;

	if (g->vm.page || mono < g->vm_next_try_mono_ns)
		return;
	/* auto needs the PHC's name: wait for the device, not VM_RETRY_NS */
	if (strcmp(s->cfg.vmclock, "auto") == 0 && !s->clock_name[0])
		return;
	g->vm_next_try_mono_ns = mono + VM_RETRY_NS;
	if (vmclock_map_path(s->cfg.vmclock, s->dev_root, s->clock_name, path,
			     sizeof(path)) < 0)
		return;
	snprintf(g->vm_path, sizeof(g->vm_path), "%s", path);
	r = vm_open(s, path, &g->vm);
	if (r < 0 && r != g->vm_error)
		log_warn(s->cfg.name, "cannot map the VMClock page %s: %s; "
			 "live migrations show only as steps", path,
			 strerror(-r));
	else if (r == 0)
		log_notice(s->cfg.name, "VMClock page %s mapped: live "
			   "migrations stop the feed at once", path);
	g->vm_error = r;
	g->vm_have = false;
}

/* A live migration: forget the model of the old host's clock. */
static void vm_disrupted(struct source_gate *g, struct source *s,
			 const struct vmclock_state *st, int64_t mono)
{
	g->vm_disrupted_mono_ns = mono;
	g->vm_disruptions++;
	pipeline_init(&s->pipe);
	log_warn(s->cfg.name, "VMClock: disruption marker %llu -> %llu (live "
		 "migration): the clock's model is reset",
		 (unsigned long long)g->vm_last.disruption_marker,
		 (unsigned long long)st->disruption_marker);
}

/* Read the page; note a disruption since the last consistent copy. */
static void vm_poll(struct source_gate *g, struct source *s, int64_t mono)
{
	struct vmclock_state st;
	int r;

	vm_try_map(g, s, mono);
	if (!g->vm.page)
		return;
	r = vmclock_map_read(&g->vm, &st);
	if (r < 0) {
		if (r != g->vm_error)
			log_warn(s->cfg.name, "VMClock page %s: %s", g->vm_path,
				 strerror(-r));
		g->vm_error = r;
		return;
	}
	if (g->vm_error)
		log_notice(s->cfg.name, "VMClock page %s readable again",
			   g->vm_path);
	g->vm_error = 0;
	if (g->vm_have && vmclock_disrupted(&g->vm_last, &st))
		vm_disrupted(g, s, &st, mono);
	g->vm_last = st;
	g->vm_have = true;
}

/* What VMClock adds to what is fed: its leap warning where ptp4l gave
 * none, its maximum error to the error bound. */
static void vm_apply(const struct source_gate *g, struct source *s)
{
	const struct vmclock_state *st = &g->vm_last;

	s->vm_maxerror_ns = 0.0;
	if (!g->vm.page || !g->vm_have || g->vm_error)
		return;
	if (s->leap == SOCKMSG_LEAP_NONE && vmclock_usable(st))
		s->leap = vmclock_leap_sock(st->leap_indicator);
	if (st->time_maxerror_valid)
		s->vm_maxerror_ns = (double)st->time_maxerror_ns;
}

/* Tell chronyd: leave the PHC at once, or come back to it. */
static void act_on_chronyd(struct chronywatch *chrony, struct source *s,
			   bool feeding)
{
	struct chrony_plan plan;

	if (!chrony) {
		log_warn(s->cfg.name, "chronyd is not reachable: it will notice "
			 "the change only when its refclock goes stale");
		return;
	}
	plan = chrony_plan_for(feeding, chronywatch_view(chrony)->selectopts,
			       s->cfg.ntp_offline_while_locked);
	if (plan.select >= 0)
		chronywatch_select(chrony, s->cfg.name, plan.select == 1);
	if (plan.actions)
		chronywatch_request(chrony, plan.actions);
}

/* ptp4l's TAI - UTC and leap announcement, placed on the PHC's time. */
static void note_time_properties(struct source *s, const struct ptpwatch *ptp)
{
	const struct ptpwatch_view *v = ptpwatch_view(ptp);
	const struct ptpmgmt_time_properties_ds *tp = &v->time_properties;

	if (!s->last.sys_ns || !v->have_time_properties)
		return;
	taiutc_update(&s->tai, tp->utc_offset_valid, tp->current_utc_offset,
		      tp->leap61, tp->leap59,
		      s->last.sys_ns + (int64_t)s->last.offset_ns +
			      (int64_t)s->tai_utc_fed_s * NS_PER_SEC);
}

/* A gate transition as a journal event (LOG_EVENT_GATE_TRANSITION). */
static void log_transition(const struct source *s,
			   const struct gate_transition *t)
{
	struct log_fields f;

	log_fields_init(&f);
	log_fields_add(&f, "PHCB_GATE_FROM", "%s", gate_state_name(t->from));
	log_fields_add(&f, "PHCB_GATE_TO", "%s", gate_state_name(t->to));
	log_fields_add(&f, "PHCB_GATE_CAUSE", "%s", gate_cause_name(t->cause));
	log_fields_add(&f, "PHCB_GATE_OVERRIDE", "%s",
		       gate_override_name(t->override));
	log_fields_add(&f, "PHCB_REASON", "%s", t->reason);
	log_event(LOG_NOTICE, LOG_EVENT_GATE_TRANSITION, s->cfg.name, &f,
		  "gate %s -> %s: %s", gate_state_name(t->from),
		  gate_state_name(t->to), t->reason);
}

void source_gate_poll(struct source_gate *slot, struct source *s,
		      struct chronywatch *chrony, int64_t mono,
		      const struct source_event *ev)
{
	struct gate_input in;
	bool was_feeding = s->feeding || slot->vm_held;

	if (slot->ptp)
		note_time_properties(s, slot->ptp);
	note_samples(slot, mono, ev);
	build_input(slot, s, mono, &in);
	if (gate_step(&s->gate, &in))
		log_transition(s, gate_last_transition(&s->gate));
	slot->vm_held = false;
	s->feeding = gate_feeding(&s->gate);
	s->leap = (int)gate_leap(&s->gate);
	vm_apply(slot, s);
	if (s->feeding != was_feeding) {
		log_notice(s->cfg.name, "%s feeding chronyd", s->feeding ?
			   "resumed" : "stopped");
		act_on_chronyd(chrony, s, s->feeding);
	}
}

void source_gate_resume(struct source *s, const char *text, int64_t mono)
{
	enum gate_state st;
	enum gate_override ov;
	unsigned long before = s->gate.transitions;
	int r = resume_find(text, s->cfg.name, &st, &ov);

	if (r == -EINVAL)
		log_warn(s->cfg.name, "the gate state handed on by the last "
			 "worker is malformed; starting afresh");
	if (r < 0)
		return;
	gate_resume(&s->gate, st, ov, mono);
	if (s->gate.transitions != before)
		log_transition(s, gate_last_transition(&s->gate));
}

void source_gate_before_poll(struct source_gate *slot, struct source *s,
			     int64_t mono)
{
	unsigned long before = slot->vm_disruptions;

	if (!s->cfg.vmclock[0])
		return;
	vm_poll(slot, s, mono);
	if (slot->vm_disruptions != before && s->feeding) {
		/* not one sample more from the old host's clock */
		s->feeding = false;
		slot->vm_held = true;
	}
}

int source_gate_open(struct source_gate *g, struct event_base *base,
		     const struct source_config *sc, int index,
		     const char *run_dir, unsigned generation)
{
	char client[CONFIG_PATH_MAX + 32];
	int r;

	memset(g, 0, sizeof(*g));
	if (!sc->ptp4l_socket[0])
		return 0;
	ptpmgmt_client_path(client, sizeof(client), run_dir, sc->name,
			    generation);
	r = ptpwatch_open(base, sc->name, sc->ptp4l_socket, client, sc->domain,
			  PTP_POLL_MS, index, generation, &g->ptp);
	if (r < 0)
		log_err(sc->name, "cannot watch ptp4l at %s (client socket "
			"%s): %s; gating on the device alone", sc->ptp4l_socket,
			client, strerror(-r));
	return r;
}

void source_gate_close(struct source_gate *g)
{
	ptpwatch_close(g->ptp);
	g->ptp = NULL;
	vmclock_map_close(&g->vm);
}
