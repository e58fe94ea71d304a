#!/bin/bash
# chrony-restart.sh: chronyd restarted mid-run; the broker keeps running,
# reaches the new chronyd, and chronyd reselects the source within 10 s.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd "$CHRONYD"
need_cmd "$CHRONYC"
make_workdir

sock=/run/chrony.phcbt-restart-$$.sock
refclock="refclock SOCK $sock refid SIMR poll 0 precision 1e-8 prefer trust"
start_chronyd c "$refclock"
cat >"$WORK/broker.conf" <<EOC
[global]
run_dir $WORK/run
control_socket $WORK/run/control.sock
[source SIMR]
device sim
sock $sock
offset -40us
freq -1ppm
EOC
start_broker "$WORK/broker.conf"
wait_until 30 selected c SIMR || fail "chronyd did not select SIMR: $(chronyc_of c sources)"
note "selected; restarting chronyd"

stop_chronyd c
sleep 2 # the broker sends into the void meanwhile
kill -0 "$BROKER_PID" || fail "phcbrokerd died while chronyd was down"
t0=$(now_ns)
start_chronyd c "$refclock"
wait_until 10 selected c SIMR || fail "chronyd did not reselect SIMR within 10 s: $(chronyc_of c sources)"
reselect=$(elapsed_s "$t0")
note "reselected after ${reselect}s"

# and once more, to be sure recovery is not a one-off
stop_chronyd c
start_chronyd c "$refclock"
wait_until 10 selected c SIMR || fail "second restart: not reselected within 10 s"
grep -q "cannot send to chronyd" "$WORK/broker.log" || fail "the broker did not log the lost chronyd"
grep -q "receiving samples on $sock again" "$WORK/broker.log" || fail "the broker did not log the recovery"
stop_broker
echo "restart: reselect_s=$reselect"
