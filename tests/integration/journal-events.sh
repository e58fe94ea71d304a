#!/bin/bash
# journal-events.sh: the daemon's journal events as journald would get them,
# without journald: in a private mount namespace a directory of ours covers
# /run/systemd/journal, where journal_capture.py takes the native protocol's
# datagrams. phcbrokerd logs there (JOURNAL_STREAM names its stderr) while a
# simulated PHC opens, locks, steps and vanishes, chronyd's SOCK socket and
# ptp4l's management socket appear late, and two SIGHUPs bring a good and a
# broken file. Each event must come with its MESSAGE_ID and sane fields.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root (a private mount namespace, a bind mount over /run/systemd)"
need_cmd python3
need_cmd unshare
if [ -z "${PHCB_JOURNAL_NS:-}" ]; then
	unshare -m --propagation private true 2>/dev/null ||
		skip "cannot make a private mount namespace (unshare -m: $(unshare -m true 2>&1 | head -1))"
	PHCB_JOURNAL_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
make_workdir
CAP="python3 $PHCB_SRCDIR/tests/integration/journal_capture.py"
EVENTS_H="$PHCB_SRCDIR/src/log_events.h"

# ---- a journal socket of our own, in this namespace only ----
# Cover the deepest of /run/systemd/journal, /run/systemd, /run that exists
# (a host without journald has no /run/systemd/journal).
jdir=/run/systemd/journal
mnt=$jdir
while [ ! -d "$mnt" ]; do mnt=$(dirname "$mnt"); done
[ "$mnt" != / ] || skip "no /run to cover"
mkdir -p "$WORK/jroot${jdir#"$mnt"}"
mount --bind "$WORK/jroot" "$mnt" || skip "cannot bind-mount over $mnt"
$CAP listen "$jdir/socket" "$WORK/journal.jsonl" 2>"$WORK/capture.log" &
at_exit "kill $!"
wait_until 5 test -S "$jdir/socket" || fail "capture did not start: $(cat "$WORK/capture.log")"

# msgid NAME: the MESSAGE_ID of LOG_EVENT_ID_NAME in src/log_events.h
msgid() { sed -n "s/^#define LOG_EVENT_ID_$1 \"\([0-9a-f]*\)\"$/\1/p" "$EVENTS_H"; }
# want TIMEOUT NAME COND...: an event NAME with fields matching COND (KEY=VALUE
# or KEY~REGEX) is captured within TIMEOUT s
want() {
	local t=$1 name=$2
	shift 2
	wait_until "$t" $CAP expect "$WORK/journal.jsonl" "$(msgid "$name")" "$@" ||
		fail "no $name event with $*; captured: $($CAP show "$WORK/journal.jsonl" "$(msgid "$name")" | tail -3)"
	note "$name: $*"
}

cat >"$WORK/broker.conf" <<EOC
[global]
control_socket none
chronyd_socket $WORK/nochronyd/chronyd.sock
run_dir $WORK/run
log_level info
summary_interval 0
audit_interval 1s
chrony_conf none
[source JEV]
device sim
sock $WORK/JEV.sock
offset 5us
gate_lock_dwell 1s
gate_step_holdoff 0s
step_interval 2s
step 50us
vanish_at 8s
vanish_for 2s
[source JEP]
device sim
sock $WORK/JEP.sock
ptp4l_socket $WORK/ptp4l.sock
EOC
conf=$(realpath "$WORK/broker.conf")
# journald's stream protocol: stderr is "connected to the journal" when
# JOURNAL_STREAM names it; the daemon then logs natively to the socket
: >"$WORK/broker.log"
JOURNAL_STREAM=$(stat -c '%d:%i' "$WORK/broker.log")
export JOURNAL_STREAM
start_broker "$WORK/broker.conf"
unset JOURNAL_STREAM
t0=$(now_ns)

NUM='-?[0-9]+'
want 5 DEVICE_OPENED PHCB_SOURCE=JEV PHCB_DEVICE=sim PHCB_METHOD=sim PHCB_CLOCK_NAME=simulated PHCB_EVENT=device_opened PRIORITY=5
# ptp4l: not there at first, then a stand-in answers
want 5 PTP4L_LOST PHCB_SOURCE=JEP "PHCB_PTP4L_SOCKET=$WORK/ptp4l.sock" PHCB_ERRNO=2 PRIORITY=4
start_responder "0.0 state SLAVE offset 20 class 6 gm 1"
want 5 PTP4L_BACK PHCB_SOURCE=JEP "PHCB_PTP4L_SOCKET=$WORK/ptp4l.sock"
# the gate locks on the device alone; the feed then finds no chronyd
want 10 GATE_TRANSITION PHCB_SOURCE=JEV PHCB_GATE_FROM=STARTUP PHCB_GATE_TO=PTP PHCB_GATE_CAUSE=lock \
	PHCB_GATE_OVERRIDE=AUTO 'PHCB_REASON~.+' 'MESSAGE~JEV: gate STARTUP -> PTP: .+'
want 5 CHRONYD_LOST PHCB_SOURCE=JEV "PHCB_SOCK=$WORK/JEV.sock" PHCB_ERRNO=2 PRIORITY=4
# chronyd "restarts": its socket appears
$CAP sink "$WORK/JEV.sock" &
at_exit "kill $!"
want 5 CHRONYD_BACK PHCB_SOURCE=JEV "PHCB_SOCK=$WORK/JEV.sock" PHCB_RECONNECTS=1
# steps of 50 us, about every 2 s
want 15 PHASE_STEP PHCB_SOURCE=JEV "PHCB_OFFSET_NS~$NUM" 'MESSAGE~JEV: phase step of [-+][0-9.]+us detected'
step=$($CAP show "$WORK/journal.jsonl" "$(msgid PHASE_STEP)" | head -1 |
	python3 -c 'import json, sys; print(json.loads(sys.stdin.readline())["PHCB_OFFSET_NS"])')
awk -v s="$step" 'BEGIN { if (s < 0) s = -s; exit !(s >= 40000 && s <= 60000) }' ||
	fail "PHCB_OFFSET_NS=$step for a 50 us step"
# the device vanishes for 2 s, 8 s after the start
want 15 DEVICE_LOST PHCB_SOURCE=JEV PHCB_DEVICE=sim PHCB_ERRNO=19 'PHCB_REASON=device vanished: No such device' PRIORITY=4
want 5 GATE_TRANSITION PHCB_SOURCE=JEV PHCB_GATE_FROM=PTP PHCB_GATE_TO=NTP PHCB_GATE_CAUSE=device
opened2() { [ "$($CAP show "$WORK/journal.jsonl" "$(msgid DEVICE_OPENED)" | grep -c '"PHCB_SOURCE": "JEV"')" -ge 2 ]; }
wait_until 5 opened2 || fail "JEV not reopened: $($CAP show "$WORK/journal.jsonl" "$(msgid DEVICE_OPENED)")"
note "DEVICE_OPENED again after the device came back"

# ---- the audit: a process named phc2sys comes and goes ----
cp "$(command -v sleep)" "$WORK/phc2sys"
"$WORK/phc2sys" 60 &
p2s=$!
at_exit "kill $p2s"
want 5 AUDIT_FOUND PHCB_AUDIT_KIND=process PHCB_AUDIT_SUBJECT=phc2sys PHCB_AUDIT_SEVERITY=warning PRIORITY=4
kill "$p2s"
want 5 AUDIT_CLEARED PHCB_AUDIT_KIND=process PHCB_AUDIT_SUBJECT=phc2sys PHCB_AUDIT_SEVERITY=warning PRIORITY=5

# ---- reloads: the same file (applied), a broken one (refused) ----
kill -HUP "$BROKER_PID"
want 5 RELOAD_APPLIED "PHCB_CONFIG=$conf" PHCB_SOURCES=2 PRIORITY=5 "MESSAGE=configuration reloaded from $conf: 2 sources"
echo "no_such_key 1" >>"$WORK/broker.conf"
kill -HUP "$BROKER_PID"
want 5 RELOAD_REFUSED "PHCB_CONFIG=$conf" "PHCB_REASON~$conf:[0-9]+: .*no_such_key.*" PRIORITY=3
$CAP expect "$WORK/journal.jsonl" "$(msgid RELOAD_REFUSED)" 'PHCB_SOURCE~.*' &&
	fail "a reload event names a source"

# ---- every entry well-formed; stderr got nothing ----
$CAP sane "$WORK/journal.jsonl" || fail "malformed journal entries"
kill -0 "$BROKER_PID" || fail "broker died"
stop_broker
grep -q '^phcbrokerd\[' "$WORK/broker.log" && fail "log lines went to stderr: $(head -3 "$WORK/broker.log")"
# the fields the examples and the catalog use are all among those captured
python3 "$PHCB_SRCDIR/tests/observability/check-journal-fields.py" \
	--capture "$WORK/journal.jsonl" "$PHCB_SRCDIR" || fail "examples or catalog name fields not captured"
n=$(wc -l <"$WORK/journal.jsonl")
kinds=$(grep -o '"PHCB_EVENT": \["[a-z0-9_]*"' "$WORK/journal.jsonl" | sort -u | wc -l)
echo "journal-events: entries=$n kinds=$kinds seconds=$(elapsed_s "$t0")"
