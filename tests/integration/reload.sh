#!/bin/bash
# reload.sh: SIGHUP with a bad file keeps the running configuration and
# keeps feeding; so does a file that changes a [global] key needing a
# restart (refused, the key named, nothing of it applied); log_level and
# summary_interval take effect; a good file restarts only the sources that
# changed.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd "$CHRONYD"
need_cmd "$CHRONYC"
make_workdir
CTL="$PHCB_BUILDDIR/phcbrokerctl"

sa=/run/chrony.phcbt-reloada-$$.sock
sb=/run/chrony.phcbt-reloadb-$$.sock
start_chronyd c "refclock SOCK $sa refid RLA poll 0 prefer trust
refclock SOCK $sb refid RLB poll 0 noselect"
# what write_conf writes besides RLB's offset
ctl_sock=$WORK/run/control.sock
chronyd_sock=$WORK/c/chronyd.sock
summary=60s
level=info
write_conf() {
	cat >"$WORK/broker.conf" <<EOC
[global]
run_dir $WORK/run
control_socket $ctl_sock
chronyd_socket $chronyd_sock
summary_interval $summary
log_level $level
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
# reload_ok: SIGHUP, and the daemon logs that it reloaded
reload_ok() {
	local n
	n=$(log_count "configuration reloaded")
	kill -HUP "$BROKER_PID"
	wait_until 5 more_logged "configuration reloaded" "$n" \
		|| fail "reload not logged: $(tail -3 "$WORK/broker.log")"
}
# reload_refused KEY: SIGHUP, refused naming KEY, nothing reloaded
reload_refused() {
	local n
	n=$(log_count "configuration reloaded")
	kill -HUP "$BROKER_PID"
	wait_until 5 grep -q "reload refused: $1: changing it needs a restart; keeping the running configuration" "$WORK/broker.log" \
		|| fail "reload changing $1 not refused: $(tail -3 "$WORK/broker.log")"
	sleep 1
	[ "$(log_count "configuration reloaded")" = "$n" ] || fail "reload changing $1 applied"
}
# summaries_in SECONDS: RLA's summary lines logged in the next SECONDS
summaries_in() {
	local n
	n=$(log_count "info: RLA: summary:")
	sleep "$1"
	echo $(($(log_count "info: RLA: summary:") - n))
}
ctl() { "$CTL" -s "$ctl_sock" "$@"; }
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

# a [global] key that needs a restart, with a change to RLB: refused as a
# whole, the key named; RLB keeps running unchanged and GET shows the
# running values
write_conf 20us # the running file again
opens_b=$(log_count "RLB: opened")
chronyd_sock=$WORK/c/other.sock
write_conf 30us
reload_refused chronyd_socket
ctl 'GET CHRONY' | grep -qP "^\t\tsocket\s+$WORK/c/chronyd.sock\$" \
	|| fail "GET CHRONY does not show the running chronyd_socket: $(ctl 'GET CHRONY')"
[ "$(log_count "RLB: opened")" = "$opens_b" ] || fail "RLB restarted by a refused reload"
rlb_offset_near -10e-6 || fail "RLB's offset changed by a refused reload: $(chronyc_of c sources)"
chronyd_sock=$WORK/c/chronyd.sock
# the control socket: the daemon keeps answering on the old one
ctl_sock_new=$WORK/run/other.sock
sed -i "s|^control_socket .*|control_socket $ctl_sock_new|" "$WORK/broker.conf"
reload_refused control_socket
ctl 'GET STATUS' | grep -qP '^\t\tsources\s+2$' || fail "no answer on the old control socket: $(ctl 'GET STATUS')"
ctl 'GET STATUS' | grep -qP "^\t\tconfig\s+$WORK/broker.conf\$" || fail "GET STATUS: config"
[ ! -e "$ctl_sock_new" ] || fail "a refused reload opened $ctl_sock_new"
selected c RLA || fail "RLA deselected after refused reloads"

# summary_interval takes effect: from 60s to 1s, summaries every second
summary=1s
write_conf 20us
opens_a=$(log_count "RLA: opened")
reload_ok
n=$(summaries_in 3.5)
[ "$n" -ge 2 ] || fail "summary_interval 1s: $n summaries of RLA in 3.5 s"
[ "$(log_count "RLA: opened")" = "$opens_a" ] || fail "summary_interval change restarted RLA"
[ "$(log_count "RLB: opened")" = "$opens_b" ] || fail "summary_interval change restarted RLB"
# log_level takes effect: at notice the (info) summaries stop, at info
# they are back
level=notice
write_conf 20us
reload_ok
sleep 1
n=$(summaries_in 3)
[ "$n" = 0 ] || fail "log_level notice: $n info summaries in 3 s"
level=info
write_conf 20us
reload_ok
n=$(summaries_in 3)
[ "$n" -ge 2 ] || fail "log_level info again: $n summaries of RLA in 3 s"
# summary_interval 0: none
summary=0
write_conf 20us
reload_ok
sleep 1
n=$(summaries_in 3)
[ "$n" = 0 ] || fail "summary_interval 0: $n summaries in 3 s"

# a valid change to RLB only: RLA keeps running, RLB restarts
write_conf 30us
opens_a=$(grep -c "RLA: opened" "$WORK/broker.log")
reload_ok
sleep 2
[ "$(grep -c "RLA: opened" "$WORK/broker.log")" = "$opens_a" ] || fail "unchanged RLA was reopened"
grep -q "RLB: stopping (removed or changed" "$WORK/broker.log" || fail "changed RLB not restarted"
[ "$(grep -c "RLB: opened" "$WORK/broker.log")" = $((opens_b + 1)) ] || fail "RLB not reopened"
# RLB's return makes chronyd 4.4+ select again (SELECTOPTS): RLA waits for
# its next sample ('U' in selectdata) for up to its 1 s poll
wait_until 5 selected c RLA || fail "RLA deselected after good reload: $(chronyc_of c sources; chronyc_of c selectdata)"
# RLB's new offset reaches chronyd: sources shows its offset against the
# clock chronyd corrected to RLA (10 us), so 20 us before and -20 us after
wait_until 10 rlb_offset_near -20e-6 \
	|| fail "RLB's new offset not seen by chronyd: $(chronyc_of c sources) $(tail -5 "$WORK/broker.log")"
stop_broker
echo "reload: ok"
