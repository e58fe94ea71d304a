#!/bin/bash
# ptpresponder.sh: the scripted ptp4l stand-in, checked with the real pmc.
#
# Debian's pmc (linuxptp 3.1.1) must print what the responder's script and
# run-time commands say: port state, master offset, grandmaster class and
# identity, leap flags, UTC offset, for each dataset. Also: silence, the
# domain filter, frozen Syncs, errors for unsupported ids, commands on stdin
# and the control socket, and port state pushes to a subscriber.
# PHCB_WRAPPER (e.g. "valgrind --error-exitcode=99") wraps the responder.
. "$(dirname "$0")/lib.sh"
PATH=$PATH:/usr/sbin:/sbin
need_cmd pmc
RESP="$PHCB_BUILDDIR/tests/ptpresponder/ptpresponder"
PROBE="$PHCB_BUILDDIR/tests/integration/ptpmgmt_probe"
[ -x "$RESP" ] || fail "$RESP not built"
make_workdir

npmc=0
# pmcq [pmc options] 'GET X': one query, on a private client socket.
pmcq() {
	npmc=$((npmc + 1))
	pmc -u -b 0 -s "$WORK/ptp4l" -i "$WORK/pmc.$npmc" "$@" 2>&1
}
ctl() { "$RESP" -C "$WORK/ctl" "$@"; }

# expect 'GET X' FIELD VALUE: pmc's line "FIELD VALUE" for dataset X.
expect() {
	local out
	out=$(pmcq "$1")
	echo "$out" | grep -Eq "^[[:space:]]+$2[[:space:]]+$3\$" ||
		fail "$1: expected '$2 $3', pmc printed:
$out"
}
# shows 'GET X' FIELD VALUE: like expect, for wait_until.
shows() { pmcq "$1" | grep -Eq "^[[:space:]]+$2[[:space:]]+$3\$"; }
answered() { pmcq "$@" | grep -q "RESPONSE MANAGEMENT"; }
field() { pmcq "$1" | awk -v f="$2" '$1 == f { print $2 }'; }

note "a script the responder follows"
cat >"$WORK/script" <<'EOS'
# time  what
0.0 state SLAVE offset 20 class 6 gm 1 gmid aabbcc.fffe.ddeeff
0.0 utcoffset 37 utcvalid 1 ptptimescale 1 traceable 1 delay 512 steps 1
8.0 state UNCALIBRATED offset -5000   # a timed change
EOS
$PHCB_WRAPPER "$RESP" -s "$WORK/ptp4l" -c "$WORK/ctl" -f "$WORK/script" -i 001122.fffe.334455 \
	-t 120 -v </dev/null 2>"$WORK/resp.log" &
rpid=$!
at_exit "kill $rpid"
wait_until 5 test -S "$WORK/ctl" || fail "responder did not start: $(cat "$WORK/resp.log")"
start=$(now_ns)

note "pmc reads every dataset as scripted"
expect 'GET PORT_DATA_SET' portIdentity 001122.fffe.334455-1
expect 'GET PORT_DATA_SET' portState SLAVE
expect 'GET TIME_STATUS_NP' master_offset 20
expect 'GET TIME_STATUS_NP' gmPresent true
expect 'GET TIME_STATUS_NP' gmIdentity aabbcc.fffe.ddeeff
expect 'GET PARENT_DATA_SET' gm.ClockClass 6
expect 'GET PARENT_DATA_SET' grandmasterIdentity aabbcc.fffe.ddeeff
expect 'GET PARENT_DATA_SET' parentPortIdentity aabbcc.fffe.ddeeff-1
expect 'GET TIME_PROPERTIES_DATA_SET' currentUtcOffset 37
expect 'GET TIME_PROPERTIES_DATA_SET' currentUtcOffsetValid 1
expect 'GET TIME_PROPERTIES_DATA_SET' leap61 0
expect 'GET TIME_PROPERTIES_DATA_SET' leap59 0
expect 'GET TIME_PROPERTIES_DATA_SET' ptpTimescale 1
expect 'GET TIME_PROPERTIES_DATA_SET' timeTraceable 1
expect 'GET CURRENT_DATA_SET' offsetFromMaster 20.0
expect 'GET CURRENT_DATA_SET' meanPathDelay 512.0
expect 'GET CURRENT_DATA_SET' stepsRemoved 1
expect 'GET DEFAULT_DATA_SET' clockIdentity 001122.fffe.334455
expect 'GET DEFAULT_DATA_SET' numberPorts 1
expect 'GET DEFAULT_DATA_SET' domainNumber 0

abs_diff_ok "$(elapsed_s "$start")" 0 7 || fail "pmc too slow to check before 8 s"

note "pmc sees the timed change at 8 s"
wait_until 10 shows 'GET PORT_DATA_SET' portState UNCALIBRATED ||
	fail "state did not change"
t=$(elapsed_s "$start")
abs_diff_ok "$t" 8.0 1.0 || fail "change seen at $t s, scripted at 8.0 s"
expect 'GET TIME_STATUS_NP' master_offset -5000
expect 'GET CURRENT_DATA_SET' offsetFromMaster -5000.0

note "run-time commands over the control socket"
[ "$(ctl leap61 1 class 248 gm 0)" = ok ] || fail "control command refused"
expect 'GET TIME_PROPERTIES_DATA_SET' leap61 1
expect 'GET PARENT_DATA_SET' gm.ClockClass 248
expect 'GET TIME_STATUS_NP' gmPresent false
ctl show | grep -q "state UNCALIBRATED offset -5000" || fail "show: $(ctl show)"
ctl state NOSUCH >/dev/null && fail "a bad command was accepted"
ctl leap61 0 leap59 1 state 9 offset 1.5us >/dev/null || fail "control refused"
expect 'GET TIME_PROPERTIES_DATA_SET' leap59 1
expect 'GET PORT_DATA_SET' portState SLAVE
expect 'GET TIME_STATUS_NP' master_offset 1500

note "a timed command at run time (+1 s)"
ctl +1 state MASTER >/dev/null || fail "timed control command refused"
expect 'GET PORT_DATA_SET' portState SLAVE
wait_until 5 shows 'GET PORT_DATA_SET' portState MASTER || fail "+1 s command"
ctl state SLAVE >/dev/null

note "ingress_time advances with Syncs and freezes with 'sync off'"
ctl syncinterval 250ms >/dev/null
i1=$(field 'GET TIME_STATUS_NP' ingress_time)
sleep 0.6
i2=$(field 'GET TIME_STATUS_NP' ingress_time)
[ -n "$i1" ] && [ "$i2" -gt "$i1" ] || fail "ingress_time did not advance ($i1, $i2)"
ctl sync off >/dev/null
i1=$(field 'GET TIME_STATUS_NP' ingress_time)
sleep 0.6
i2=$(field 'GET TIME_STATUS_NP' ingress_time)
[ "$i1" = "$i2" ] || fail "ingress_time moved with sync off ($i1, $i2)"
ctl sync on >/dev/null

note "silent: no answers; answer: back"
ctl silent >/dev/null
answered 'GET PORT_DATA_SET' && fail "answered while silent"
ctl answer >/dev/null
answered 'GET PORT_DATA_SET' || fail "no answer after 'answer'"

note "other domains are ignored, like ptp4l"
answered -d 1 'GET DEFAULT_DATA_SET' && fail "answered domain 1"
ctl domain 3 >/dev/null
answered 'GET DEFAULT_DATA_SET' && fail "answered domain 0 while in 3"
expect_d3=$(pmcq -d 3 'GET DEFAULT_DATA_SET')
echo "$expect_d3" | grep -Eq 'domainNumber +3$' || fail "domain 3: $expect_d3"
ctl domain 0 >/dev/null

note "unsupported ids get an error status, as from ptp4l"
pmcq 'GET PRIORITY1' | grep -q "RESPONSE MANAGEMENT_ERROR_STATUS" ||
	fail "no error status for GET PRIORITY1"
grep -q "GET UNKNOWN .* -> error NOT_SUPPORTED\|error NOT_SUPPORTED" "$WORK/resp.log" ||
	fail "error not logged"

if [ -x "$PROBE" ]; then
	note "port state pushes to a subscriber (phcbroker's own client)"
	"$PROBE" "$WORK/ptp4l" "$WORK/probe/probe.sock" subscribe 60 10 2 >"$WORK/probe.out" 2>&1 &
	ppid=$!
	at_exit "kill $ppid"
	wait_until 5 grep -q SUBSCRIBED "$WORK/probe.out" || fail "no subscription: $(cat "$WORK/probe.out")"
	ctl state FAULTY >/dev/null
	ctl state LISTENING >/dev/null
	wait "$ppid" || fail "probe: $(cat "$WORK/probe.out")"
	grep -q "^NOTIFY PORT_DATA_SET portIdentity=001122.fffe.334455-1 portState=FAULTY" \
		"$WORK/probe.out" || fail "no FAULTY push: $(cat "$WORK/probe.out")"
	grep -q "^NOTIFY PORT_DATA_SET .*portState=LISTENING" "$WORK/probe.out" ||
		fail "no LISTENING push"
	grep -q "push FAULTY to $WORK/probe/probe.sock" "$WORK/resp.log" || fail "push not logged"
	ctl state SLAVE >/dev/null
	"$PROBE" "$WORK/ptp4l" "$WORK/probe/probe2.sock" get >"$WORK/probe2.out" 2>&1 ||
		fail "probe get: $(cat "$WORK/probe2.out")"
	grep -q "portState=SLAVE" "$WORK/probe2.out" || fail "probe get: $(cat "$WORK/probe2.out")"
else
	note "ptpmgmt_probe not built: subscription pushes not checked"
fi

note "quit ends the responder and removes its sockets"
ctl quit >/dev/null
wait_until 5 sh -c "! kill -0 $rpid 2>/dev/null" || fail "did not quit"
wait "$rpid" || fail "responder exited with $?"
[ -e "$WORK/ptp4l" ] && fail "server socket left behind"

note "commands on stdin, timed and not"
mkfifo "$WORK/in"
$PHCB_WRAPPER "$RESP" -s "$WORK/ptp4l" -t 60 <"$WORK/in" >"$WORK/stdin.out" 2>&1 &
rpid=$!
at_exit "kill $rpid"
exec 3>"$WORK/in"
at_exit "exec 3>&-"
echo "state PASSIVE class 7" >&3
wait_until 5 shows 'GET PORT_DATA_SET' portState PASSIVE || fail "stdin command"
expect 'GET PARENT_DATA_SET' gm.ClockClass 7
echo "+0.5 state SLAVE" >&3
wait_until 5 shows 'GET PORT_DATA_SET' portState SLAVE || fail "timed stdin command"
echo "show" >&3
wait_until 5 grep -q "^state SLAVE" "$WORK/stdin.out" || fail "show on stdin"
echo "quit" >&3
wait "$rpid" || fail "responder (stdin) exited with $?"

note "the script as an operand, commands with --send"
printf '0 state MASTER\n' >"$WORK/s2"
$PHCB_WRAPPER "$RESP" -s "$WORK/ptp4l" -c "$WORK/ctl" -t 60 "$WORK/s2" </dev/null &
rpid=$!
at_exit "kill $rpid"
wait_until 5 test -S "$WORK/ctl" || fail "responder (operand script) did not start"
expect 'GET PORT_DATA_SET' portState MASTER
[ "$("$RESP" -c "$WORK/ctl" --send state SLAVE)" = ok ] || fail "--send"
expect 'GET PORT_DATA_SET' portState SLAVE
"$RESP" -c "$WORK/ctl" --send quit >/dev/null
wait "$rpid" || fail "responder (operand script) exited with $?"

note "a bad script is refused at start"
echo "1.0 state SLAVE ofset 5" >"$WORK/bad"
if $PHCB_WRAPPER "$RESP" -s "$WORK/ptp4l" -f "$WORK/bad" -n -t 5 2>"$WORK/bad.err"; then
	fail "bad script accepted"
fi
grep -q "bad:1: unknown word 'ofset'" "$WORK/bad.err" || fail "message: $(cat "$WORK/bad.err")"

echo "ptpresponder: pmc read every scripted value"
