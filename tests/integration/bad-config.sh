#!/bin/bash
# bad-config.sh: malformed configuration is refused with file:line, exit 1.
. "$(dirname "$0")/lib.sh"
make_workdir

printf '[global]\nlog_level info\n[source PHC0]\ndevice sim\nrate fast\n' >"$WORK/bad.conf"
out=$("$PHCBROKERD" -n -f "$WORK/bad.conf" 2>&1)
rc=$?
[ $rc -eq 1 ] || fail "exit code $rc, wanted 1 (output: $out)"
echo "$out" | grep -q "$WORK/bad.conf:5: rate: 'fast'" || fail "no file:line in: $out"

out=$("$PHCBROKERD" --check-config -f "$WORK/bad.conf" 2>&1)
[ $? -eq 1 ] || fail "--check-config accepted a bad file"

out=$("$PHCBROKERD" -n -f "$WORK/missing.conf" 2>&1)
[ $? -eq 1 ] || fail "a missing file did not give exit 1"
echo "$out" | grep -q "missing.conf: cannot open" || fail "unclear error: $out"

out=$("$PHCBROKERD" --bogus 2>&1)
[ $? -eq 1 ] || fail "an unknown option did not give exit 1"

# values out of range are refused with file:line, key and range (a
# summary_interval of 1e20 s used to pass and then abort libevent)
printf '[global]\nsummary_interval 1e20\n[source PHC0]\n' >"$WORK/range.conf"
out=$("$PHCBROKERD" --check-config -f "$WORK/range.conf" 2>&1)
[ $? -eq 1 ] || fail "summary_interval 1e20 accepted: $out"
echo "$out" | grep -q "$WORK/range.conf:2: summary_interval: '1e20' is not 0 (never) or a duration from 1s to 86400s" \
	|| fail "unclear range error: $out"
printf '[source PHC0]\ndevice sim\ngate_holdover 1e300s\n' >"$WORK/range.conf"
out=$("$PHCBROKERD" --check-config -f "$WORK/range.conf" 2>&1)
[ $? -eq 1 ] || fail "gate_holdover 1e300s accepted: $out"
echo "$out" | grep -q "range.conf:3: gate_holdover: .*from 0s to 86400s" || fail "unclear range error: $out"

# trailing words in a section header are refused
printf '[global]\n[source PHC0 junk]\n' >"$WORK/hdr.conf"
out=$("$PHCBROKERD" --check-config -f "$WORK/hdr.conf" 2>&1)
[ $? -eq 1 ] || fail "[source PHC0 junk] accepted: $out"
echo "$out" | grep -q "hdr.conf:2: \[source PHC0\] is followed by more words" || fail "unclear header error: $out"

# a FIFO is not read (opening it would block until a writer came)
mkfifo "$WORK/fifo.conf"
out=$(timeout 5 "$PHCBROKERD" --check-config -f "$WORK/fifo.conf" 2>&1)
rc=$?
[ $rc -eq 1 ] || fail "a FIFO as the configuration gave exit $rc: $out"
echo "$out" | grep -q "fifo.conf: not a regular file" || fail "unclear FIFO error: $out"

# the shipped configuration is valid
out=$("$PHCBROKERD" --check-config -f "$PHCB_SRCDIR/conf.d/phcbrokerd.conf" 2>&1)
[ $? -eq 0 ] || fail "shipped phcbrokerd.conf refused: $out"
"$PHCBROKERD" --help | grep -q -- "--check-config" || fail "--help lacks --check-config"
"$PHCBROKERD" --version | grep -q "^phcbrokerd " || fail "--version"

# SIGHUP while the configuration file is a FIFO: refused at once, the
# daemon keeps running, and the next reload of a regular file works
write_conf() {
	cat >"$WORK/run.conf" <<EOC
[global]
control_socket $WORK/ctl.sock
chronyd_socket none
run_dir $WORK/run
summary_interval 0
[source FIFO]
device sim
sock $WORK/feed.sock
offset $1
EOC
}
unit_dir "$WORK/run" 700
write_conf 1us
start_broker "$WORK/run.conf"
# a daemon stuck in open() never handles SIGTERM: make sure it goes
at_exit "kill -9 $BROKER_PID"
wait_until 10 grep -q "running with 1 sources" "$WORK/broker.log" || fail "broker did not start: $(tail -3 "$WORK/broker.log")"
rm -f "$WORK/fifo.conf" && mkfifo "$WORK/fifo.conf" && mv -f "$WORK/fifo.conf" "$WORK/run.conf" || fail "cannot put a FIFO in place"
start=$(now_ns)
kill -HUP "$BROKER_PID"
wait_until 1 grep -q "reload refused: $WORK/run.conf: not a regular file" "$WORK/broker.log" \
	|| fail "FIFO reload not refused within 1 s: $(tail -3 "$WORK/broker.log")"
note "FIFO refused after $(elapsed_s "$start") s"
kill -0 "$BROKER_PID" 2>/dev/null || fail "broker died on a FIFO reload"
rm -f "$WORK/run.conf"
write_conf 2us
kill -HUP "$BROKER_PID"
wait_until 2 grep -q "configuration reloaded from $WORK/run.conf: 1 sources" "$WORK/broker.log" \
	|| fail "reload after the FIFO did not work: $(tail -3 "$WORK/broker.log")"
grep -q "FIFO: stopping (removed or changed" "$WORK/broker.log" || fail "changed source not restarted"
stop_broker
echo "bad-config: ok"
