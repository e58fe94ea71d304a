#!/bin/bash
# unit-sandbox.sh: the shipped unit's privileges, end to end (issue 9).
#
# chronyd runs as _chrony with its command socket in a 0750 _chrony
# directory (as Debian runs it); phcbrokerd runs as the unit's User=
# (phcbroker) with exactly its AmbientCapabilities= and
# CapabilityBoundingSet= (setpriv) and its SystemCallFilter= (lib.sh,
# seccomp_exec). Checks:
#  - the daemon runs as the unit's user with the two capabilities
#    effective and no others, has a seccomp filter, and a call outside
#    the filter is killed;
#  - the gate reaches chronyd: SET GATE NTP makes chronyd drop the PHC for
#    its NTP server (reset sources + burst on 4.3), SET GATE AUTO brings it
#    back, chronyd's PID never changes;
#  - nothing of the daemon's is created in chronyd's directory; its reply
#    socket is 0660 in chronyd's group, in its own run_dir; nothing there
#    is world-writable; control_group gets a 0660 control socket;
#  - without capabilities (the user alone) the daemon says at error
#    level and in GET STATUS why it cannot reach chronyd and how to fix it;
#  - an unsafe run_dir (another owner, or writable by others) is refused;
#  - a second instance refuses to start, names the first one's PID, and
#    leaves it running with its control socket;
#  - a live socket at control_socket is not taken over.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd "$CHRONYD"
need_cmd "$CHRONYC"
need_cmd setpriv
make_workdir
CTL="$PHCB_BUILDDIR/phcbrokerctl"

start_ntp_server ntp
ntp_port=$NTP_PORT
sock=/run/chrony.phcbt-usb-$$.sock
start_chronyd c "server 127.0.0.1 port $ntp_port iburst minpoll -1 maxpoll 0
refclock SOCK $sock refid USB poll 0 prefer trust"
chronyd_pid=$(cat "$WORK/c/pid")
ntp_selected() { chronyc_of c sources | grep -q "^^,\*,127.0.0.1,"; }
ctl() { "$CTL" -s "$WORK/run/control.sock" "$@"; }
field() { ctl "$1" | awk -v k="$2" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }'; }

write_conf() { # write_conf FILE RUN_DIR [EXTRA_GLOBAL_LINE]
	cat >"$1" <<EOC
[global]
run_dir $2
control_socket $2/control.sock
chronyd_socket $WORK/c/chronyd.sock
control_group adm
$3
[source USB]
device sim
sock $sock
offset 3us
gate_lock_dwell 1s
EOC
}
write_conf "$WORK/broker.conf" "$WORK/run"

note "phcbrokerd with the unit's bounding set: $(unit_bounding_set)"
start_broker "$WORK/broker.conf"
reachable() { [ "$(field 'GET CHRONY' reachable)" = yes ]; }
wait_until 10 reachable || fail "chronyd not reachable under the unit's capabilities: $(ctl 'GET CHRONY'; tail -5 "$WORK/broker.log")"
caps=$(awk '/^CapBnd/ { print $2 }' "/proc/$BROKER_PID/status")
note "daemon pid $BROKER_PID, CapBnd $caps"
[ "$caps" = 0000000000000003 ] || fail "the daemon's bounding set is $caps, not CAP_CHOWN|CAP_DAC_OVERRIDE"
eff=$(awk '/^CapEff/ { print $2 }' "/proc/$BROKER_PID/status")
[ "$eff" = 0000000000000003 ] || fail "the daemon's effective set is $eff, not CAP_CHOWN|CAP_DAC_OVERRIDE"
uid=$(awk '/^Uid/ { print $2 }' "/proc/$BROKER_PID/status")
[ "$uid" = "$(id -u "$UNIT_USER")" ] && [ "$uid" != 0 ] || fail "the daemon runs as uid $uid, not the unit's user $UNIT_USER"
note "as $UNIT_USER (uid $uid), CapEff $eff"
# the unit's SystemCallFilter= (lib.sh: seccomp_exec) is on the daemon,
# and the tool does kill a call outside it (setpriority: @resources)
if [[ " ${AS_UNIT[*]} " == *seccomp_exec* ]]; then
	mode=$(awk '/^Seccomp:/ { print $2 }' "/proc/$BROKER_PID/status")
	[ "$mode" = 2 ] || fail "the daemon runs without a seccomp filter (Seccomp: $mode)"
	("${AS_UNIT[@]}" python3 -c 'import os; os.nice(1)') 2>/dev/null
	rc=$?
	[ $rc = 159 ] || fail "a call outside the unit's SystemCallFilter= was not killed (exit $rc, not 128+SIGSYS)"
	note "under the unit's SystemCallFilter= ($(wc -l <"$WORK/unit-syscalls") calls); setpriority outside it: killed with SIGSYS"
	seccomp=on
else
	seccomp=off
fi

# what the daemon made, and where
client="$WORK/run/chronyd-client.sock"
[ -S "$client" ] || fail "no chronyd client socket at $client: $(ls -la "$WORK/run")"
[ "$(stat -c '%a %U %G' "$client")" = "660 $UNIT_USER $PHCB_CHRONY_USER" ] ||
	fail "client socket is $(stat -c '%a %U %G' "$client"), not 660 $UNIT_USER $PHCB_CHRONY_USER"
[ "$(stat -c '%a %G' "$WORK/run/control.sock")" = "660 adm" ] ||
	fail "control socket is $(stat -c '%a %G' "$WORK/run/control.sock"), not 660 adm"
theirs=$(find "$WORK/c" -mindepth 1 ! -name chrony.conf ! -name 'chronyd.*' ! -name pid ! -name drift -print)
[ -z "$theirs" ] || fail "files appeared in chronyd's directory: $theirs"
ww=$(find "$WORK/run" -perm -o+w -print)
[ -z "$ww" ] || fail "world-writable in run_dir: $ww"
note "client socket 660 $UNIT_USER:$PHCB_CHRONY_USER, control socket 660 $UNIT_USER:adm, nothing in chronyd's directory, nothing world-writable"

# the gate acts on chronyd: lock, then force NTP and back
gate_is() { [ "$(field 'GET GATE' state)" = "$1" ]; }
wait_until 20 gate_is PTP || fail "gate did not lock: $(field 'GET GATE' condition)"
wait_until 20 selected c USB || fail "chronyd did not select USB: $(chronyc_of c sources)"
actions0=$(field 'GET CHRONY' actions_done)
sel0=$(field 'GET CHRONY' selects_done)
res0=$(field 'GET CHRONY' resets_done)
t0=$(now_ns)
ctl 'SET GATE NTP' >/dev/null || fail "SET GATE NTP"
wait_until 15 ntp_selected || fail "chronyd did not move to NTP: $(chronyc_of c sources); $(ctl 'GET CHRONY')"
to_ntp=$(elapsed_s "$t0")
actions1=$(field 'GET CHRONY' actions_done)
[ "$actions1" -gt "$actions0" ] || fail "no action reached chronyd ($actions0 -> $actions1)"
sel1=$(field 'GET CHRONY' selects_done)
res1=$(field 'GET CHRONY' resets_done)
gate_path_ok "$sel0" "$res0" "$sel1" "$res1" ||
	fail "chronyd $(chronyd_version) must be moved by $(gate_path): SELECTOPTS $sel0 -> $sel1, resets $res0 -> $res1"
ctl 'SET GATE AUTO' >/dev/null || fail "SET GATE AUTO"
t0=$(now_ns)
wait_until 30 selected c USB || fail "chronyd did not come back to USB: $(chronyc_of c sources)"
to_ptp=$(elapsed_s "$t0")
[ "$(cat "$WORK/c/pid")" = "$chronyd_pid" ] && kill -0 "$chronyd_pid" || fail "chronyd was restarted"
note "gate under the unit: NTP in ${to_ntp}s ($((actions1 - actions0)) actions, by $(gate_path)), back to the PHC in ${to_ptp}s, chronyd pid unchanged"

# a second instance refuses and leaves the first alone
out=$("${AS_UNIT[@]}" "$PHCBROKERD" -n -f "$WORK/broker.conf" 2>&1); rc=$?
[ $rc = 2 ] || fail "second instance exited $rc, not 2: $out"
echo "$out" | grep -q "another phcbrokerd (pid $BROKER_PID)" || fail "second instance did not name pid $BROKER_PID: $out"
[ -S "$WORK/run/control.sock" ] && ctl 'GET STATUS' >/dev/null || fail "the first instance lost its control socket"
note "second instance: $out"
stop_broker

# the unit's user without its capabilities (the old unit had none):
# control_group cannot be given (no CAP_CHOWN): said at error level, no
# socket left behind.
no_caps=(setpriv --reuid="$UNIT_USER" --regid="$UNIT_GROUP" --clear-groups --bounding-set=-all --inh-caps=-all --no-new-privs --)
: >"$WORK/broker.log"
"${no_caps[@]}" "$PHCBROKERD" -n -f "$WORK/broker.conf" >>"$WORK/broker.log" 2>&1 &
BROKER_PID=$!
at_exit "kill $BROKER_PID"
wait_until 10 grep -q "err: cannot give the control socket .* to group adm: .*CAP_CHOWN" "$WORK/broker.log" ||
	fail "no error for control_group without CAP_CHOWN: $(cat "$WORK/broker.log")"
[ ! -e "$WORK/run/control.sock" ] || fail "a control socket was left: $(ls -la "$WORK/run")"
stop_broker
# and chronyd's socket is out of reach: GET STATUS says why and how to fix
sed -i '/^control_group/d' "$WORK/broker.conf"
: >"$WORK/broker.log"
"${no_caps[@]}" "$PHCBROKERD" -n -f "$WORK/broker.conf" >>"$WORK/broker.log" 2>&1 &
BROKER_PID=$!
at_exit "kill $BROKER_PID"
has_problem() { ctl 'GET STATUS' 2>/dev/null | grep -q 'chronyd_problem .*CAP_DAC_OVERRIDE'; }
wait_until 10 has_problem || fail "GET STATUS does not explain the missing privilege: $(ctl 'GET STATUS')"
ctl 'GET STATUS' >/dev/null; rc=$?
[ $rc = 1 ] || fail "phcbrokerctl exit $rc for a daemon that cannot reach chronyd (want 1: degraded)"
grep -q "err: cannot reach chronyd's command socket .*CAP_DAC_OVERRIDE" "$WORK/broker.log" ||
	fail "no error-level log line about chronyd: $(cat "$WORK/broker.log")"
[ "$(grep -c "cannot reach chronyd" "$WORK/broker.log")" = 1 ] || fail "the error was logged more than once"
note "no capabilities: $(grep -o "err: cannot reach chronyd.*" "$WORK/broker.log" | cut -c1-110)..."
stop_broker

# unsafe run directories are refused
bad=0
for how in "chown nobody" "chmod 0777" "chmod 0775"; do
	unit_dir "$WORK/bad"
	$how "$WORK/bad"
	write_conf "$WORK/bad.conf" "$WORK/bad"
	out=$("${AS_UNIT[@]}" "$PHCBROKERD" -n -f "$WORK/bad.conf" 2>&1); rc=$?
	[ $rc = 2 ] && echo "$out" | grep -q "run_dir: $WORK/bad is owned by" ||
		fail "run_dir after '$how' not refused (exit $rc): $out"
	[ -z "$(ls -A "$WORK/bad")" ] || fail "files made in a refused run_dir: $(ls -A "$WORK/bad")"
	bad=$((bad + 1))
	rm -rf "$WORK/bad"
done
ln -s "$WORK/run" "$WORK/link"
write_conf "$WORK/bad.conf" "$WORK/link"
out=$("${AS_UNIT[@]}" "$PHCBROKERD" -n -f "$WORK/bad.conf" 2>&1); rc=$?
[ $rc = 2 ] && echo "$out" | grep -q "is not a directory" || fail "a symlinked run_dir was not refused (exit $rc): $out"
bad=$((bad + 1))
note "unsafe run_dir refused: $bad cases"

# a live socket at control_socket is not taken over
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.bind(sys.argv[1]); s.listen(1)
time.sleep(30)' "$WORK/live.sock" &
at_exit "kill $!"
wait_until 5 test -S "$WORK/live.sock" || fail "listener did not start"
ino=$(stat -c %i "$WORK/live.sock")
write_conf "$WORK/live.conf" "$WORK/run2" "control_socket $WORK/live.sock"
: >"$WORK/broker.log"
start_broker "$WORK/live.conf"
wait_until 10 grep -q "another process listens there" "$WORK/broker.log" || fail "no refusal for a live control socket: $(cat "$WORK/broker.log")"
[ "$(stat -c %i "$WORK/live.sock")" = "$ino" ] || fail "the live socket was replaced"
stop_broker
[ "$(stat -c %i "$WORK/live.sock" 2>/dev/null)" = "$ino" ] || fail "the live socket was removed at exit"
note "a live socket at control_socket kept"

# /metrics under RestrictAddressFamilies=AF_UNIX: the shipped socket unit
# passes what the shipped configuration asks for, and the service pulls it
sockunit=$PHCB_SRCDIR/systemd/phcbrokerd-metrics.socket
grep -qx "RestrictAddressFamilies=AF_UNIX" "$PHCB_UNIT" || fail "the unit allows more than AF_UNIX: $(unit_key RestrictAddressFamilies)"
grep -qx "FileDescriptorName=metrics" "$sockunit" || fail "$sockunit does not name its socket 'metrics'"
grep -qx "Service=phcbrokerd.service" "$sockunit" || fail "$sockunit does not pass its socket to phcbrokerd.service"
grep -qx "ListenStream=127.0.0.1:9817" "$sockunit" || fail "$sockunit does not listen on 127.0.0.1:9817"
grep -q "^Wants=.*phcbrokerd-metrics\.socket" "$PHCB_UNIT" || fail "the service does not pull its metrics socket"
grep -qx "metrics_listen systemd" "$PHCB_SRCDIR/conf.d/phcbrokerd.conf" || fail "the shipped configuration does not take /metrics from systemd"

# the unit's exposure as systemd rates it (4.2 before the sandbox work of
# issue 9, 3.8 after it, 2.4 with the device policy and SystemCallFilter=,
# 2.2 as its own user with ambient capabilities and RemoveIPC=, 1.9 with
# AF_UNIX alone, /metrics's socket coming from systemd)
score=none
if command -v systemd-analyze >/dev/null 2>&1; then
	sed -e 's|@sbindir@|/usr/sbin|g' -e 's|@sysconfdir@|/etc|g' "$PHCB_UNIT" >"$WORK/phcbrokerd.service"
	score=$(systemd-analyze security --offline=yes "$WORK/phcbrokerd.service" 2>/dev/null |
		sed -n 's/.*exposure level for phcbrokerd.service: \([0-9.]*\).*/\1/p')
	[ -n "$score" ] || fail "systemd-analyze security gave no score"
	awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }' || fail "the unit's exposure is $score (limit 2.0)"
else
	note "systemd-analyze not installed: exposure score not measured"
fi

echo "unit-sandbox: chronyd=$(chronyd_version) gate_path=$(gate_path) caps=$(unit_bounding_set) to_ntp_s=$to_ntp to_ptp_s=$to_ptp unsafe_run_dirs_refused=$bad seccomp=$seccomp exposure=$score"
