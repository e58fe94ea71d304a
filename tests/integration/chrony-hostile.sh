#!/bin/bash
# chrony-hostile.sh: a hostile chronyd (fakechronyd.py) answers the broker's
# command requests with bad replies: huge source counts (2^31, 2^32-1, ...),
# every truncation of a reply, wrong sequences and commands, garbage, replies
# too long for the codec or the daemon's buffer, fields at their limits, no
# answer. The daemon must survive every one and keep answering its control
# socket, and see chronyd again as it is once the fake turns good.
. "$(dirname "$0")/lib.sh"
need_cmd python3
make_workdir
CTL="$PHCB_BUILDDIR/phcbrokerctl"
fake="$PHCB_SRCDIR/tests/integration/fakechronyd.py"
[ -f "$fake" ] || fail "$fake not found"

python3 "$fake" "$WORK/chronyd.sock" "$WORK/fake.done" >"$WORK/fake.log" 2>&1 &
fake_pid=$!
at_exit "kill $fake_pid"
wait_until 10 test -S "$WORK/chronyd.sock" || fail "fakechronyd did not start: $(cat "$WORK/fake.log")"

unit_dir "$WORK/run"
cat >"$WORK/broker.conf" <<EOC
[global]
control_socket $WORK/ctl.sock
chronyd_socket $WORK/chronyd.sock
run_dir $WORK/run
log_level info
[source HOST]
device sim
sock $WORK/refclock.sock
EOC
start_broker "$WORK/broker.conf"
wait_until 10 test -S "$WORK/ctl.sock" || fail "no control socket: $(tail -5 "$WORK/broker.log")"

# alive: the daemon runs and answers GET STATUS.
alive() {
	if ! kill -0 "$BROKER_PID" 2>/dev/null; then
		wait "$BROKER_PID"
		fail "phcbrokerd died (exit $?) after $(tail -1 "$WORK/fake.log"): $(tail -5 "$WORK/broker.log")"
	fi
	# exit 1 only says "healthy no": no chronyd feeds on the refclock
	local rc=0
	"$CTL" -s "$WORK/ctl.sock" 'GET STATUS' >"$WORK/status.out" 2>&1 || rc=$?
	[ $rc -le 1 ] && grep -q "RESPONSE STATUS" "$WORK/status.out" ||
		fail "GET STATUS failed (exit $rc) after $(tail -1 "$WORK/fake.log"): $(cat "$WORK/status.out")"
}

# Each bad reply that ends an exchange costs a report cycle (1 s).
t0=$(now_ns)
until [ -f "$WORK/fake.done" ]; do
	alive
	[ $(( ($(now_ns) - t0) / 1000000000 )) -lt 240 ] ||
		fail "the fake sent only $(grep -c '^case' "$WORK/fake.log") cases in 240 s"
	sleep 0.5
done
alive
note "all cases sent in $(elapsed_s "$t0") s: $(cat "$WORK/fake.done")"

# Now answered well, the daemon sees the fake's two sources again.
chrony_field() { "$CTL" -s "$WORK/ctl.sock" 'GET CHRONY' | awk -v k="$1" '$1 == k { print $2 }'; }
recovered() { [ "$(chrony_field reachable)" = yes ] && [ "$(chrony_field sources)" = 2 ]; }
wait_until 10 recovered || fail "no recovery: $("$CTL" -s "$WORK/ctl.sock" 'GET CHRONY')"
alive
grep -q "runtime error:\|AddressSanitizer" "$WORK/broker.log" && fail "sanitizer report: $(grep -m3 "runtime error:\|AddressSanitizer" "$WORK/broker.log")"
stop_broker
bad=$(sed -n 's/^bad_replies=\([0-9]*\).*/\1/p' "$WORK/fake.done")
echo "chrony-hostile: bad_replies=$bad crashes=0"
