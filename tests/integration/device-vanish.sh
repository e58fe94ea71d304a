#!/bin/bash
# device-vanish.sh: a PHC that disappears and returns: the broker notices,
# retries, reopens, and chronyd selects the source again.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd "$CHRONYD"
need_cmd "$CHRONYC"
make_workdir

sock=/run/chrony.phcbt-vanish-$$.sock
start_chronyd c "refclock SOCK $sock refid VAN poll 0 prefer trust"
cat >"$WORK/broker.conf" <<EOC
[global]
run_dir $WORK/run
control_socket $WORK/run/control.sock
[source VAN]
device sim
sock $sock
offset 5us
gate_lock_dwell 1s
vanish_at 8s
vanish_for 4s
EOC
start_broker "$WORK/broker.conf"
wait_until 8 selected c VAN || fail "VAN not selected before vanishing"
wait_until 10 grep -q "VAN: device vanished: sim: No such device" "$WORK/broker.log" || fail "vanishing not noticed: $(tail -3 "$WORK/broker.log")"
t0=$(now_ns)
wait_until 10 sh -c "[ \$(grep -c 'VAN: opened' '$WORK/broker.log') -ge 2 ]" || fail "not reopened"
back=$(elapsed_s "$t0")
wait_until 15 selected c VAN || fail "VAN not reselected after returning"
# the gate stopped feeding while the device was gone, then resumed
grep -q "VAN: gate PTP -> NTP" "$WORK/broker.log" || fail "gate did not fall back: $(grep gate "$WORK/broker.log")"
grep -q "VAN: resumed feeding chronyd" "$WORK/broker.log" || fail "feeding not resumed"
kill -0 "$BROKER_PID" || fail "broker died"
stop_broker
echo "device-vanish: reopened_after_s=$back"
