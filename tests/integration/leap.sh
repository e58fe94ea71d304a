#!/bin/bash
# leap.sh: TAI - UTC from ptp4l, and a leap second at its instant (issue 10).
#
# A simulated NIC PHC keeps TAI; a scripted ptp4l says currentUtcOffset 37,
# valid, and announces leap61. The PHC is set so that its UTC is 8 s before
# a UTC midnight. The samples phcbrokerd sends (read here from the SOCK
# socket) must carry offset PHC - 37 s and leap 1 up to the instant the
# inserted second starts, and PHC - 38 s from that instant on, although
# ptp4l only says 38 a second later, as a real ptp4l polled once a second
# would. (The host's clock takes no leap here, so the samples step by 1 s;
# on a real host the kernel steps the system clock at the same instant.)
. "$(dirname "$0")/lib.sh"
need_root
need_cmd python3
make_workdir

start_responder "0.0 state SLAVE offset 20 class 6 gm 1 utcoffset 37 utcvalid 1 leap61 1"

# the PHC's offset O (s): its UTC (TAI - 37) is 8 s before the last UTC
# midnight plus ... i.e. 8 s before a midnight, whichever keeps |O| small
now=$(date +%s)
midnight=$(( now / 86400 * 86400 ))
O=$(( midnight - 8 + 37 - now ))
# the system time at which the PHC reaches the leap instant (TAI midnight+37)
sys_leap=$(( midnight + 37 - O ))

python3 - "$WORK/feed.sock" "$WORK/samples" <<'EOP' &
import socket, struct, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(30)
with open(sys.argv[2], "w", buffering=1) as out:
    end = time.time() + 30
    while time.time() < end:
        try:
            b = s.recv(64)
        except socket.timeout:
            break
        if len(b) != 40:
            continue
        sec, usec, off, pulse, leap, pad, magic = struct.unpack("<qqdiiii", b)
        out.write("%d.%06d %.9f %d\n" % (sec, usec, off, leap))
EOP
at_exit "kill $!"
wait_until 5 test -S "$WORK/feed.sock" || fail "sample reader did not start"

cat >"$WORK/broker.conf" <<EOC
[global]
run_dir $WORK/run
control_socket $WORK/run/control.sock
chronyd_socket none
log_level info
[source LEAP]
device sim
sock $WORK/feed.sock
offset ${O}s
timescale tai
utc_offset 30
ptp4l_socket $WORK/ptp4l.sock
gate_lock_dwell 1s
gate_step_holdoff 0s
EOC
start_broker "$WORK/broker.conf"
# ptp4l reports the new offset a second late, flag down
sleep_until=$(( sys_leap + 1 ))
while [ "$(date +%s)" -lt "$sleep_until" ]; do sleep 0.1; done
rctl "utcoffset 38"
rctl "leap61 0"
sleep 4
stop_broker

awk -v O="$O" -v L="$sys_leap" '
	{ t = $1; off = $2; leap = $3
	  if (t < L - 0.01) { n1++; if (off - (O - 37) > 1e-3 || (O - 37) - off > 1e-3) bad1++; if (leap != 1) badleap++ }
	  else if (t > L + 0.01) { n2++; if (off - (O - 38) > 1e-3 || (O - 38) - off > 1e-3) bad2++ } }
	END { printf "%d %d %d %d %d\n", n1, n2, bad1, bad2, badleap }' "$WORK/samples" >"$WORK/verdict"
read -r before after bad_before bad_after bad_leap <"$WORK/verdict"
note "samples: $before before the leap, $after after; wrong offset $bad_before before, $bad_after after; leap flag missing $bad_leap"
[ "$before" -ge 10 ] || fail "only $before samples before the leap: $(tail -5 "$WORK/broker.log")"
[ "$after" -ge 10 ] || fail "only $after samples after the leap: $(tail -5 "$WORK/broker.log")"
[ "$bad_before" = 0 ] || fail "$bad_before samples before the leap without TAI - UTC 37: $(awk -v L="$sys_leap" '$1 < L' "$WORK/samples" | tail -3)"
[ "$bad_after" = 0 ] || fail "$bad_after samples after the leap without TAI - UTC 38: $(awk -v L="$sys_leap" '$1 > L' "$WORK/samples" | head -3)"
[ "$bad_leap" = 0 ] || fail "$bad_leap samples before the leap without leap 1"
grep -q "TAI - UTC is now 37 s (was 30 s; from ptp4l)" "$WORK/broker.log" || fail "ptp4l's offset replacing utc_offset not logged"
grep -q "TAI - UTC is now 38 s (was 37 s; from ptp4l)" "$WORK/broker.log" || fail "the leap not logged"
echo "leap: samples_before=$before samples_after=$after wrong=0"
