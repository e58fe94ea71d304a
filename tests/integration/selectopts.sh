#!/bin/bash
# selectopts.sh: against a chronyd that knows SELECTOPTS (4.4+, played by a
# scripted peer speaking the command protocol), the broker drops and
# restores just its refclock with SELECTOPTS instead of reset sources and
# burst; against a real chronyd before 4.4 (Debian 12's 4.3) it detects that
# SELECTOPTS is absent, and against a real 4.4 or later (tests/matrix runs
# it on 4.8) it takes the SELECTOPTS path, as chronyd itself shows.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd python3
need_cmd "$CHRONYD"
make_workdir
CTL="$PHCB_BUILDDIR/phcbrokerctl"

# A chronyd 4.4 stand-in: answers SELECTOPTS (command 72) with success,
# RESET_SOURCES/BURST with success too (so a wrong choice would show),
# RESELECT (which must follow each SELECTOPTS) with success, and
# everything else with status INVALID; logs what it was asked. Options
# travel in add-source numbering: noselect is 0x10.
cat >"$WORK/fake.py" <<'EOP'
import socket, struct, sys
path, log = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
out = open(log, "w", buffering=1)
while True:
    data, addr = s.recvfrom(4096)
    if len(data) < 20 or data[0] != 6 or data[1] != 1:
        continue
    cmd, seq = struct.unpack(">H", data[4:6])[0], data[8:12]
    if cmd == 72:
        refid, mask, opts = struct.unpack(">III", data[40:52])
        out.write("SELECTOPTS %s mask=%d options=%d\n" % (refid.to_bytes(4, "big").rstrip(b"\0").decode(), mask, opts))
        status = 0
    elif cmd in (66, 3, 48):
        out.write({66: "RESET_SOURCES\n", 3: "BURST\n", 48: "RESELECT\n"}[cmd])
        status = 0
    else:
        status = 3  # INVALID
    reply = struct.pack(">BBBBHHH6s4s8s", 6, 2, 0, 0, cmd, 1, status, b"", seq, b"")
    s.sendto(reply, addr)
EOP
mkdir -m 700 "$WORK/fake"
python3 "$WORK/fake.py" "$WORK/fake/chronyd.sock" "$WORK/fake.log" &
at_exit "kill $!"
wait_until 5 test -S "$WORK/fake/chronyd.sock" || fail "fake chronyd did not start"

cat >"$WORK/broker.conf" <<EOC
[global]
run_dir $WORK/run
control_socket $WORK/ctl.sock
chronyd_socket $WORK/fake/chronyd.sock
[source SOPT]
device sim
sock $WORK/nowhere.sock
gate_lock_dwell 1s
EOC
start_broker "$WORK/broker.conf"
chrony_field() { "$CTL" -s "$WORK/ctl.sock" 'GET CHRONY' | awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }'; }
wait_until 10 sh -c "'$CTL' -s '$WORK/ctl.sock' 'GET CHRONY' | grep -q 'selectopts.*yes'" || fail "SELECTOPTS not detected: $(chrony_field selectopts)"
wait_until 10 sh -c "'$CTL' -s '$WORK/ctl.sock' 'GET GATE' | grep -qP '^\t\tstate\s+PTP$'" || fail "gate did not lock"

"$CTL" -s "$WORK/ctl.sock" 'SET GATE NTP' >/dev/null || fail "SET GATE NTP"
wait_until 5 grep -q "SELECTOPTS SOPT mask=1 options=16" "$WORK/fake.log" || fail "no noselect sent: $(cat "$WORK/fake.log")"
wait_until 5 sh -c "grep -A2 'SELECTOPTS SOPT mask=1 options=16' '$WORK/fake.log' | grep -q RESELECT" ||
	fail "no RESELECT after the noselect: $(cat "$WORK/fake.log")"
n0=$(grep -c "SELECTOPTS SOPT mask=1 options=0" "$WORK/fake.log")
"$CTL" -s "$WORK/ctl.sock" 'SET GATE AUTO' >/dev/null || fail "SET GATE AUTO"
wait_until 5 sh -c "[ \$(grep -c 'SELECTOPTS SOPT mask=1 options=0' '$WORK/fake.log') -gt $n0 ]" || fail "noselect not lifted: $(cat "$WORK/fake.log")"
grep -q "RESET_SOURCES" "$WORK/fake.log" && fail "reset used although SELECTOPTS exists"
# leaving the PHC: noselect, a burst for a fresh NTP sample, then RESELECT
grep -A2 'SELECTOPTS SOPT mask=1 options=16' "$WORK/fake.log" | tr '\n' ' ' | grep -q "options=16 BURST RESELECT" ||
	fail "expected SELECTOPTS noselect, BURST, RESELECT: $(cat "$WORK/fake.log")"
# returning: no burst (the refclock's own samples update chronyd)
grep -A2 'SELECTOPTS SOPT mask=1 options=0' "$WORK/fake.log" | grep -q BURST &&
	fail "burst sent when returning to the PHC: $(cat "$WORK/fake.log")"
grep -q "SOPT: gate override NTP set by uid 0" "$WORK/broker.log" || fail "override not audited"
stop_broker

# the real chronyd: before 4.4 it has no SELECTOPTS and the broker detects
# that; from 4.4 the broker drops and restores its refclock with SELECTOPTS
# alone, which chronyd itself shows (selectdata), keeping its NTP samples
# (a reset would clear them) and its PID.
chrony_ver=$(chronyd_version)
if ! chronyd_at_least 4 4; then
	start_chronyd c ""
	cat >"$WORK/broker43.conf" <<EOC
[global]
run_dir $WORK/run
control_socket $WORK/ctl.sock
chronyd_socket $WORK/c/chronyd.sock
[source SOPT]
device sim
sock $WORK/nowhere.sock
EOC
	start_broker "$WORK/broker43.conf"
	wait_until 10 sh -c "'$CTL' -s '$WORK/ctl.sock' 'GET CHRONY' | grep -q 'selectopts.*no (chronyd before 4.4)'" || fail "$chrony_ver not detected: $(chrony_field selectopts)"
	stop_broker
	echo "selectopts: chronyd=$chrony_ver selectopts=no"
	exit 0
fi

# The NTP server polled as chrony's default does (64 s, after iburst):
# chronyd switches only to a source with a sample newer than its last
# reference update, so the switch within 2 s below needs the broker's
# burst; without it chronyd waits for the next poll.
sock=/run/chrony.phcbt-sopt-$$.sock
at_exit "rm -f '$sock'"
start_ntp_server ntp
start_chronyd c "server 127.0.0.1 port $NTP_PORT iburst minpoll 6 maxpoll 6
refclock SOCK $sock refid SOPR poll 0 prefer trust"
chronyd_pid=$(cat "$WORK/c/pid")
cat >"$WORK/broker48.conf" <<EOC
[global]
run_dir $WORK/run
control_socket $WORK/ctl.sock
chronyd_socket $WORK/c/chronyd.sock
log_level info
[source SOPR]
device sim
sock $sock
offset 2us
gate_lock_dwell 1s
EOC
: >"$WORK/broker.log"
start_broker "$WORK/broker48.conf"
# selectdata -c: field 2 name, 4 configured noselect (N or -)
noselect_of() { chronyc_of c selectdata | awk -F, -v n="$1" '$2 == n { print $4; exit }'; }
ntp_samples() { chronyc_of c sourcestats | awk -F, '$1 == "127.0.0.1" { print $2; exit }'; }
ntp_selected() { chronyc_of c sources | grep -q "^^,\*,127.0.0.1,"; }
wait_until 10 sh -c "'$CTL' -s '$WORK/ctl.sock' 'GET CHRONY' | grep -q 'selectopts.*yes (chronyd 4.4+)'" || fail "SELECTOPTS of chronyd $chrony_ver not detected: $(chrony_field selectopts)"
wait_until 30 selected c SOPR || fail "chronyd did not select SOPR: $(chronyc_of c sources)"
ntp_samples_at_least() { [ "$(ntp_samples)" -ge "$1" ] 2>/dev/null; }
wait_until 20 ntp_samples_at_least 4 ||
	fail "chronyd has no NTP samples to keep: $(chronyc_of c sourcestats)"
# the NTP server's last sample well behind the refclock's last update of
# chronyd's reference (sources -c: field 7 is LastRx in seconds)
ntp_last_rx_at_least() { [ "$(chronyc_of c sources | awk -F, '$3 == "127.0.0.1" { print $7; exit }')" -ge "$1" ] 2>/dev/null; }
wait_until 30 ntp_last_rx_at_least 4 || fail "chronyd's NTP server still polled often: $(chronyc_of c sources)"
sel0=$(chrony_field selects_done)
res0=$(chrony_field resets_done)
samples0=$(ntp_samples)

t0=$(now_ns)
"$CTL" -s "$WORK/ctl.sock" 'SET GATE NTP' >/dev/null || fail "SET GATE NTP"
wait_until 10 ntp_selected || fail "chronyd did not move to NTP: $(chronyc_of c sources)"
to_ntp=$(elapsed_s "$t0")
awk -v a="$to_ntp" 'BEGIN { exit !(a <= 2.0) }' ||
	fail "chronyd took ${to_ntp}s to select its NTP server (polled every 64 s): was it burst?"
[ "$(noselect_of SOPR)" = N ] || fail "chronyd does not show SOPR noselect: $(chronyc_of c selectdata)"
samples1=$(ntp_samples)
[ "$samples1" -ge "$samples0" ] || fail "chronyd's NTP samples fell $samples0 -> $samples1: were its sources reset?"

t0=$(now_ns)
"$CTL" -s "$WORK/ctl.sock" 'SET GATE AUTO' >/dev/null || fail "SET GATE AUTO"
wait_until 15 selected c SOPR || fail "chronyd did not come back to SOPR: $(chronyc_of c sources)"
to_ptp=$(elapsed_s "$t0")
[ "$(noselect_of SOPR)" = - ] || fail "SOPR still noselect: $(chronyc_of c selectdata)"
sel1=$(chrony_field selects_done)
res1=$(chrony_field resets_done)
[ "$sel1" -ge $((sel0 + 2)) ] || fail "expected two SELECTOPTS (drop, restore): $sel0 -> $sel1"
[ "$res1" = "$res0" ] || fail "reset sources sent to chronyd $chrony_ver: $res0 -> $res1"
[ "$(cat "$WORK/c/chronyd.pid")" = "$chronyd_pid" ] && kill -0 "$chronyd_pid" || fail "chronyd was restarted"
stop_broker
note "chronyd $chrony_ver: noselect set and lifted by SELECTOPTS ($((sel1 - sel0)) requests, 0 resets); NTP samples kept ($samples0 -> $samples1)"
echo "selectopts: chronyd=$chrony_ver selectopts=yes to_ntp_s=$to_ntp to_ptp_s=$to_ptp resets=0"
