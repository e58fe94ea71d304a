#!/bin/bash
# selectopts.sh: against a chronyd that knows SELECTOPTS (4.4+, played by a
# scripted peer speaking the command protocol), the broker drops and
# restores just its refclock with SELECTOPTS instead of reset sources and
# burst; against the real chronyd 4.3 it detects that SELECTOPTS is absent.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd python3
need_cmd chronyd
make_workdir
CTL="$PHCB_BUILDDIR/phcbrokerctl"

# A chronyd 4.4 stand-in: answers SELECTOPTS (command 72) with success,
# RESET_SOURCES/BURST with success too (so a wrong choice would show), and
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
    elif cmd in (66, 3):
        out.write({66: "RESET_SOURCES\n", 3: "BURST\n"}[cmd])
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
n0=$(grep -c "SELECTOPTS SOPT mask=1 options=0" "$WORK/fake.log")
"$CTL" -s "$WORK/ctl.sock" 'SET GATE AUTO' >/dev/null || fail "SET GATE AUTO"
wait_until 5 sh -c "[ \$(grep -c 'SELECTOPTS SOPT mask=1 options=0' '$WORK/fake.log') -gt $n0 ]" || fail "noselect not lifted: $(cat "$WORK/fake.log")"
grep -q "RESET_SOURCES\|BURST" "$WORK/fake.log" && fail "reset/burst used although SELECTOPTS exists"
grep -q "SOPT: gate override NTP set by uid 0" "$WORK/broker.log" || fail "override not audited"
stop_broker

# the real chronyd 4.3: no SELECTOPTS, so the broker falls back to reset+burst
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
wait_until 10 sh -c "'$CTL' -s '$WORK/ctl.sock' 'GET CHRONY' | grep -q 'selectopts.*no (chronyd before 4.4)'" || fail "4.3 not detected: $(chrony_field selectopts)"
stop_broker
echo "selectopts: ok"
