#!/bin/bash
# reload.sh: SIGHUP with a bad file keeps the running configuration and
# keeps feeding; a good file restarts only the sources that changed.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd chronyd
need_cmd chronyc
make_workdir

sa=/run/chrony.phcbt-reloada-$$.sock
sb=/run/chrony.phcbt-reloadb-$$.sock
start_chronyd c "refclock SOCK $sa refid RLA poll 0 prefer trust
refclock SOCK $sb refid RLB poll 0 noselect"
write_conf() {
	cat >"$WORK/broker.conf" <<EOC
[global]
run_dir $WORK/run
control_socket $WORK/run/control.sock
summary_interval 1s
log_level info
[source RLA]
device sim
sock $sa
offset 10us
gate_lock_dwell 1s
[source RLB]
device sim
sock $sb
gate_lock_dwell 1s
offset $1
EOC
}
# rlb_offset_near X: chronyc sources shows RLB's offset within 1 us of X
rlb_offset_near() {
	chronyc_of c sources | awk -F, -v x="$1" '$3 == "RLB" { d = $9 - x; if (d < 1e-6 && d > -1e-6) f = 1 } END { exit !f }'
}
write_conf 20us
start_broker "$WORK/broker.conf"
wait_until 30 selected c RLA || fail "RLA not selected: $(chronyc_of c sources)"
wait_until 10 rlb_offset_near -10e-6 || fail "RLB not at -10 us: $(chronyc_of c sources)"

# an invalid file: refused with file:line, old configuration kept
printf '[source RLA]\ndevice sim\nreadings 99\n' >"$WORK/broker.conf"
kill -HUP "$BROKER_PID"
wait_until 5 grep -q "reload refused: $WORK/broker.conf:3:" "$WORK/broker.log" || fail "bad reload not reported: $(tail -3 "$WORK/broker.log")"
# still feeding: chronyd keeps receiving fresh samples
sleep 3
kill -0 "$BROKER_PID" || fail "broker died on a bad reload"
lastrx=$(chronyc_of c sources | awk -F, '$3 == "RLA" { print $7 }')
[ -n "$lastrx" ] && [ "$lastrx" -le 2 ] || fail "RLA not fed after bad reload (lastrx=$lastrx)"
selected c RLA || fail "RLA deselected after bad reload"

# a valid change to RLB only: RLA keeps running, RLB restarts
write_conf 30us
opens_a=$(grep -c "RLA: opened" "$WORK/broker.log")
kill -HUP "$BROKER_PID"
wait_until 5 grep -q "configuration reloaded" "$WORK/broker.log" || fail "good reload not logged"
sleep 2
[ "$(grep -c "RLA: opened" "$WORK/broker.log")" = "$opens_a" ] || fail "unchanged RLA was reopened"
grep -q "RLB: stopping (removed or changed" "$WORK/broker.log" || fail "changed RLB not restarted"
[ "$(grep -c "RLB: opened" "$WORK/broker.log")" = 2 ] || fail "RLB not reopened"
selected c RLA || fail "RLA deselected after good reload"
# RLB's new offset reaches chronyd: sources shows its offset against the
# clock chronyd corrected to RLA (10 us), so 20 us before and -20 us after
wait_until 10 rlb_offset_near -20e-6 \
	|| fail "RLB's new offset not seen by chronyd: $(chronyc_of c sources) $(tail -5 "$WORK/broker.log")"
stop_broker
echo "reload: ok"
