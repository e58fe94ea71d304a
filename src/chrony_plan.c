/* chrony_plan.c: what to ask of chronyd when a source's gate changes (pure). */
#include "chrony_plan.h"
#include "chrony_view.h"

struct chrony_plan chrony_plan_for(bool feeding, int selectopts,
				   bool ntp_offline_while_locked)
{
	struct chrony_plan p = { 0, -1 };

	if (selectopts == 1) {
		/* chronyd applies new options at its next selection, and
		 * switches only to a source with a sample newer than its last
		 * reference update: burst the NTP servers for one, select now */
		p.select = feeding ? 1 : 0;
		p.actions = CHRONYWATCH_RESELECT;
		if (!feeding)
			p.actions |= CHRONYWATCH_BURST;
		if (ntp_offline_while_locked)
			p.actions |= feeding ? CHRONYWATCH_OFFLINE
					     : CHRONYWATCH_ONLINE;
	} else if (feeding) {
		p.actions = ntp_offline_while_locked ? CHRONYWATCH_OFFLINE : 0;
	} else {
		p.actions = CHRONYWATCH_RESET_SOURCES | CHRONYWATCH_BURST;
		if (ntp_offline_while_locked)
			p.actions |= CHRONYWATCH_ONLINE;
	}
	return p;
}
