#!/bin/bash
# eventfail.sh: every failure of the event loop to take an event is logged
# and handled (issue 10). The daemon is started once for each N with the
# Nth event_add() failing (tests/faults, an LD_PRELOAD seam), with a real
# chronyd (as _chrony) and a scripted ptp4l so that every watcher starts.
# Each run must end one of two ways: the daemon exits 2 with an error line,
# or it keeps running, answers GET STATUS, and either every source polls
# or an error line names what did not start. Never a crash, never a source
# that silently does nothing.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd "$CHRONYD"
FAIL_SO="$PHCB_BUILDDIR/tests/faults/eventfail.so"
CTL="$PHCB_BUILDDIR/phcbrokerctl"
[ -f "$FAIL_SO" ] || fail "$FAIL_SO not built"
: "${EVENTFAIL_MAX:=24}"
make_workdir

start_responder "0.0 state SLAVE offset 20 class 6 gm 1"
sock=/run/chrony.phcbt-evf-$$.sock
start_chronyd c "refclock SOCK $sock refid EVF poll 0"
cat >"$WORK/broker.conf" <<EOC
[global]
run_dir $WORK/run
control_socket $WORK/run/control.sock
chronyd_socket $WORK/c/chronyd.sock
[source EVF]
device sim
sock $sock
ptp4l_socket $WORK/ptp4l.sock
[source EVG]
device sim
sock $WORK/second.sock
EOC

get() { "$CTL" -s "$WORK/run/control.sock" 'GET STATUS' 2>/dev/null | awk -v k="$1" '$1 == k { print $2; exit }'; }
exited=0 logged=0 clean=0
for n in $(seq 1 "$EVENTFAIL_MAX"); do
	log="$WORK/broker.$n.log"
	LD_PRELOAD="$FAIL_SO" PHCB_EVENTFAIL_AT=$n \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		"${AS_UNIT[@]}" $PHCB_WRAPPER "$PHCBROKERD" -n -f "$WORK/broker.conf" >"$log" 2>&1 &
	pid=$!
	sleep 2.5
	if ! kill -0 "$pid" 2>/dev/null; then
		wait "$pid"; rc=$?
		[ $rc = 2 ] || fail "N=$n: daemon exited $rc: $(tail -5 "$log")"
		grep -q "err: " "$log" || fail "N=$n: exit 2 without an error line: $(cat "$log")"
		exited=$((exited + 1))
		continue
	fi
	status=$("$CTL" -s "$WORK/run/control.sock" 'GET STATUS' 'GET DEVICES' 2>&1)
	running=$(echo "$status" | awk '$1 == "sources_running" { print $2; exit }')
	if grep -q "err: " "$log"; then
		logged=$((logged + 1))
	else
		# nothing logged: then nothing may have been lost
		[ "$running" = 2 ] || fail "N=$n: $running of 2 sources running and no error logged: $status"
		sleep 1
		p1=$("$CTL" -s "$WORK/run/control.sock" 'GET DEVICES' | awk '$1 == "polls" { s += $2 } END { print s + 0 }')
		sleep 1
		p2=$("$CTL" -s "$WORK/run/control.sock" 'GET DEVICES' | awk '$1 == "polls" { s += $2 } END { print s + 0 }')
		[ "$p2" -gt "$p1" ] || fail "N=$n: sources stopped reading ($p1 -> $p2) and no error logged: $(cat "$log")"
		clean=$((clean + 1))
	fi
	kill "$pid"
	wait "$pid"; rc=$?
	[ $rc = 0 ] || fail "N=$n: daemon exited $rc at SIGTERM: $(tail -5 "$log")"
done
echo "eventfail: runs=$EVENTFAIL_MAX exited_with_error=$exited running_with_error_logged=$logged unaffected=$clean"
