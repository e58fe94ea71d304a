#!/bin/bash
# reload-ptp.sh: a reload that restarts a source gated on ptp4l keeps
# watching ptp4l (issue 9). The old and the new watcher of the source must
# not share a client socket: closing the old one once removed the new one's
# file, ptp4l's answers stopped arriving and the gate stayed in STARTUP.
# A scripted ptp4l (the responder) answers SLAVE, offset 20 ns.
. "$(dirname "$0")/lib.sh"
need_root
CTL="$PHCB_BUILDDIR/phcbrokerctl"
make_workdir

start_responder "0.0 state SLAVE offset 20 class 6 gm 1"

write_conf() { # write_conf RATE
	cat >"$WORK/broker.conf" <<EOC
[global]
run_dir $WORK/run
control_socket $WORK/run/control.sock
chronyd_socket none
[source RLP]
device sim
sock $WORK/feed.sock
rate $1
ptp4l_socket $WORK/ptp4l.sock
gate_lock_dwell 1s
EOC
}
ptp_field() { "$CTL" -s "$WORK/run/control.sock" 'GET PTP' 2>/dev/null | awk -v k="$1" '$1 == k { print $2; exit }'; }
gate_state() { "$CTL" -s "$WORK/run/control.sock" 'GET GATE' 2>/dev/null | awk '$1 == "state" { print $2; exit }'; }
gate_is() { [ "$(gate_state)" = "$1" ]; }
fresh() { awk -v a="$(ptp_field response_age_s)" 'BEGIN { exit !(a != "" && a < 1.5) }'; }

write_conf 8Hz
start_broker "$WORK/broker.conf"
wait_until 15 gate_is PTP || fail "gate did not lock before the reload: $("$CTL" -s "$WORK/run/control.sock" 'GET GATE')"

reloads=0
for rate in 4Hz 8Hz 2Hz; do
	write_conf $rate
	t0=$(now_ns)
	kill -HUP "$BROKER_PID"
	restarted() { [ "$(grep -c "RLP: stopping (removed or changed" "$WORK/broker.log")" -gt "$reloads" ]; }
	wait_until 5 restarted || fail "the source was not restarted"
	wait_until 10 gate_is PTP || fail "after reload to $rate the gate stays $(gate_state): $("$CTL" -s "$WORK/run/control.sock" 'GET PTP')"
	relock=$(elapsed_s "$t0")
	# ptp4l keeps answering the new watcher, not just once
	sleep 3
	fresh || fail "after reload to $rate ptp4l's answers stopped: response_age_s=$(ptp_field response_age_s)"
	n=$(ls "$WORK/run" | grep -c '^ptp4l\.')
	[ "$n" = 1 ] || fail "$n ptp4l client sockets in run_dir after reload: $(ls "$WORK/run")"
	reloads=$((reloads + 1))
	note "reload to $rate: gate PTP again ${relock}s after the reload, ptp4l answering"
done
stop_broker
[ -z "$(ls "$WORK/run" | grep '^ptp4l\.')" ] || fail "ptp4l client socket left after exit: $(ls "$WORK/run")"
echo "reload-ptp: reloads=$reloads relock_s=$relock"
