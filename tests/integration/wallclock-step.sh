#!/bin/bash
# wallclock-step.sh: the daemon's ages, dwells and timeouts do not follow
# the wall clock (issue 10). chronyd steers CLOCK_REALTIME and may step it
# by seconds or years (makestep at boot); the daemon must time everything
# but the samples on CLOCK_MONOTONIC. The wall clock the daemon sees is
# stepped by +1 h and then -1 h (tests/timeshift, an LD_PRELOAD seam; the
# host's clock is not touched) while its gate is PTP on a scripted ptp4l:
# no gate transition, no negative or huge age in GET PTP or GET STATUS.
# The simulated PHC follows the same shifted clock, so only the daemon's
# timing is under test, not the samples.
. "$(dirname "$0")/lib.sh"
need_root
SHIFT_SO="$PHCB_BUILDDIR/tests/timeshift/timeshift.so"
CTL="$PHCB_BUILDDIR/phcbrokerctl"
[ -f "$SHIFT_SO" ] || fail "$SHIFT_SO not built"
# An ASan build carries its own clock_gettime interceptor in the
# executable, which comes before any preloaded library: the seam cannot
# reach it (the plain build runs this test).
grep -qa __asan_init "$PHCBROKERD" &&
	skip "phcbrokerd is built with ASan, whose clock_gettime interceptor the LD_PRELOAD seam cannot override"
make_workdir

start_responder "0.0 state SLAVE offset 20 class 6 gm 1"

cat >"$WORK/broker.conf" <<EOC
[global]
run_dir $WORK/run
control_socket $WORK/run/control.sock
chronyd_socket none
[source WCS]
device sim
sock $WORK/feed.sock
ptp4l_socket $WORK/ptp4l.sock
gate_lock_dwell 1s
gate_max_response_age 3s
gate_max_sync_age 3s
EOC
echo 0 >"$WORK/shift"
# ASan wants to be first in the library list; the seam is preloaded
LD_PRELOAD="$SHIFT_SO" PHCB_TIMESHIFT_FILE="$WORK/shift" \
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	start_broker "$WORK/broker.conf"

get() { "$CTL" -s "$WORK/run/control.sock" "$1" 2>/dev/null | awk -v k="$2" '$1 == k { print $2; exit }'; }
gate_is() { [ "$(get 'GET GATE' state)" = "$1" ]; }
# age_ok ITEM KEY MAX: the age is a number in [0, MAX] seconds
age_ok() {
	local a
	a=$(get "$1" "$2")
	awk -v a="$a" -v m="$3" 'BEGIN { exit !(a != "" && a + 0 >= 0 && a + 0 <= m) }' ||
		fail "$1 $2 is '$a' (want 0..$3 s) with the wall clock shifted by $(cat "$WORK/shift") s"
}
wait_until 20 gate_is PTP || fail "gate did not lock: $("$CTL" -s "$WORK/run/control.sock" 'GET GATE')"
transitions=$(get 'GET GATE' transitions)

steps=0
for shift in 3600 -3600 0; do
	echo "$shift" >"$WORK/shift"
	# past every dwell and timeout of the gate (3 s), with room
	sleep 5
	gate_is PTP || fail "gate left PTP after a wall clock step of $shift s: $("$CTL" -s "$WORK/run/control.sock" 'GET GATE')"
	[ "$(get 'GET GATE' transitions)" = "$transitions" ] || fail "gate transitions after a step of $shift s: $(get 'GET GATE' transitions) (was $transitions)"
	age_ok 'GET PTP' response_age_s 2
	age_ok 'GET PTP' sync_age_s 3
	age_ok 'GET STATUS' last_sample_age_s 1
	up=$(get 'GET STATUS' uptime_s)
	[ "$up" -ge 0 ] && [ "$up" -lt 600 ] || fail "uptime_s $up after a step of $shift s"
	steps=$((steps + 1))
	note "wall clock stepped to $shift s: gate PTP, $transitions transition(s), ages fine"
done
stop_broker
echo "wallclock-step: steps=$steps transitions=$transitions"
