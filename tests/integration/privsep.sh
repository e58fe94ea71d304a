#!/bin/bash
# privsep.sh: phcbrokerd --privsep, the parent that keeps its worker
# running (issue 16, first step), under the unit's capabilities and system
# call filter, feeding the real chronyd (as _chrony). Checks:
#  - the parent runs the worker as its child with the same bounding set,
#    but without any capability (CapEff, CapPrm, CapAmb 0; its
#    credentials cannot open a root 0600 file, as the PHCs are), and with
#    a seccomp filter of its own on top of the parent's, which refuses
#    its own open() (EACCES; SET OPEN, a hook of the test build);
#    the pid file names the parent;
#  - the worker reads chronyd's view on the client socket the parent
#    bound and connected (OPEN_CHRONY);
#  - a PHC (fakephc, where /dev/fuse is) is opened by the parent, which
#    holds it, also between workers; the worker reads a passed copy and
#    chronyd gets its samples (sent on a socket the parent connected);
#  - a worker that crashes (SET CRASH, a hook of the test build
#    tests/phcbrokerd-hooks, the binary run here: a write through a null
#    pointer, SIGSEGV; an abort in a sanitizer build, which would report
#    the fault) is logged with its cause and started again
#    at once after a stable run; feeding resumes and chronyd's last sample
#    of the source never gets older than 3 s (its poll is 1 s);
#  - the new worker takes over the gate's PTP (cause "resumed") and an
#    operator's override (SET GATE NTP) from the one before;
#  - /metrics, on the socket systemd passes (metrics_listen systemd), is
#    the parent's to keep: each worker serves a copy, and a scrape that
#    comes while no worker runs is answered by the next one;
#  - a worker that keeps dying is started again after 1 s, then 2 s;
#    SIGSYS is reported as its seccomp filter's doing;
#  - a stopped (wedged) worker is killed after 10 s without heartbeats and
#    replaced; one stopped for 12 s with its parent is kept;
#  - the configuration is root's, mode 0600, which the worker's
#    credentials cannot read: the parent gives it the text at start and,
#    read again, on SIGHUP (a change applies; a directory in its place is
#    refused with why, the running configuration kept);
#  - a worker that fails before it is ready (run_dir held by another
#    instance) ends the parent with its exit status, 2, not a restart loop;
#  - SIGTERM stops both (exit 0); a parent killed with SIGKILL takes its
#    worker along (PR_SET_PDEATHSIG).
# Prints: privsep: restart_gap_s=G max_chronyd_lastrx_s=L wedged_restart_s=W
. "$(dirname "$0")/lib.sh"
need_root
need_cmd "$CHRONYD"
need_cmd "$CHRONYC"
need_cmd setpriv
make_workdir
ulimit -c 0 # the crashes below leave no core files
CTL="$PHCB_BUILDDIR/phcbrokerctl"
# the daemon with the test-only hooks (SET CRASH), which make check builds
PHCBROKERD="$PHCB_BUILDDIR/tests/phcbrokerd-hooks"
[ -x "$PHCBROKERD" ] || fail "no $PHCBROKERD: make check builds it (make tests/phcbrokerd-hooks)"

sock=/run/chrony.phcbt-psep-$$.sock sock2=/run/chrony.phcbt-psep2-$$.sock
# a PHC the parent opens (a fakephc device) where FUSE is there
phc=no
if [ -c /dev/fuse ] && command -v fusermount3 >/dev/null; then
	phc=yes
	mkdir -p "$WORK/dev" "$WORK/mnt" "$WORK/sys"
	start_fakephc "$WORK/mnt" vm vm=kvm
	ln -s "$WORK/mnt/vm" "$WORK/dev/ptp0"
else
	note "no /dev/fuse or fusermount3: the PHC held by the parent is not checked"
fi
start_chronyd c "refclock SOCK $sock refid PSEP poll 0 precision 1e-8 prefer trust
refclock SOCK $sock2 refid PPHC poll 0 precision 1e-8 noselect"
cat >"$WORK/broker.conf" <<EOC
[global]
run_dir $WORK/run
control_socket $WORK/run/control.sock
chronyd_socket $WORK/c/chronyd.sock
chrony_conf none
log_level info
metrics_listen systemd
[source PSEP]
device sim
sock $sock
offset 5us
EOC
[ $phc = yes ] && cat >>"$WORK/broker.conf" <<EOC
[source PPHC]
device $WORK/dev/ptp0
sock $sock2
EOC
# root's alone: the worker gets the text from its parent (HELLO, RELOAD)
chmod 600 "$WORK/broker.conf"
ctl() { "$CTL" -s "$WORK/run/control.sock" "$@" 2>/dev/null; }
field() { ctl "$1" | awk -v k="$2" '$1 == k { print $2; exit }'; }
worker_of() { pgrep -P "$1" -x phcbrokerd | head -1; }
# replaced OLD: the parent has a worker, and not OLD
replaced() { local w; w=$(worker_of "$parent"); [ -n "$w" ] && [ "$w" != "$1" ]; }
feeding() { [ "$(field 'GET SOURCES' chronyd_receiving)" = yes ] && [ "$(field 'GET SOURCES' samples_sent)" -gt 0 ] 2>/dev/null; }
# lastrx: seconds since chronyd's last sample of PSEP
lastrx() { chronyc_of c sources | awk -F, '$3 == "PSEP" { print $7; exit }'; }

scrape() { python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=8).read().decode())' "http://$METRICS_ADDR/metrics"; }
METRICS_ADDR=127.0.0.1:$(free_tcp_port) # as phcbrokerd-metrics.socket
PHCB_BROKER_ARGS=--privsep start_broker "$WORK/broker.conf"
parent=$BROKER_PID
wait_until 30 selected c PSEP || fail "chronyd did not select PSEP: $(chronyc_of c sources; tail -5 "$WORK/broker.log")"
w1=$(worker_of "$parent")
[ -n "$w1" ] || fail "no worker under parent $parent: $(ps -o pid,ppid,args --ppid "$parent")"
cap_p=$(awk '/^CapBnd/ { print $2 }' "/proc/$parent/status")
cap_w=$(awk '/^CapBnd/ { print $2 }' "/proc/$w1/status")
[ "$cap_w" = "$cap_p" ] || fail "worker's bounding set $cap_w, parent's $cap_p"
# the pid file names the process to signal: the parent (a TERM to the
# worker alone would only get it restarted)
[ "$(cat "$WORK/run/phcbrokerd.pid")" = "$parent" ] || fail "phcbrokerd.pid holds $(cat "$WORK/run/phcbrokerd.pid"), not the parent $parent"
grep -q -- "--worker-fd" "/proc/$w1/cmdline" || fail "worker started without --worker-fd: $(tr '\0' ' ' <"/proc/$w1/cmdline")"
# no NOTIFY_SOCKET here: the worker makes no STATUS= lines for nobody
grep -q -- "--worker-status" "/proc/$w1/cmdline" && fail "worker told to send STATUS= without a NOTIFY_SOCKET: $(tr '\0' ' ' <"/proc/$w1/cmdline")"
note "parent $parent, worker $w1, CapBnd $cap_w"
# the worker has no capabilities (the parent cleared its ambient set; as
# the unit's user the exec left it none); the parent keeps the unit's
caps() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status"; }
if [ "$(id -u "$UNIT_USER")" != 0 ]; then
	for k in CapEff CapPrm CapAmb; do
		[ "$(caps "$w1" $k)" = 0000000000000000 ] || fail "worker's $k is $(caps "$w1" $k), not empty"
	done
	[ "$(caps "$parent" CapEff)" = "$cap_p" ] || fail "parent's CapEff $(caps "$parent" CapEff), not the unit's $cap_p"
	[ "$(awk '$1 == "NoNewPrivs:" { print $2 }' "/proc/$w1/status")" = 1 ] || fail "worker without NO_NEW_PRIVS"
	# so what the parent opens with CAP_DAC_OVERRIDE, a root file of mode
	# 0600 (as /dev/ptp* are), is closed to it: tried by a process with
	# the worker's credentials as /proc shows them (uid, gid, groups, no
	# capabilities)
	install -m 600 /dev/null "$WORK/root-only"
	wuid=$(awk '$1 == "Uid:" { print $2 }' "/proc/$w1/status")
	wgid=$(awk '$1 == "Gid:" { print $2 }' "/proc/$w1/status")
	wgroups=$(awk '$1 == "Groups:" { $1 = ""; print }' "/proc/$w1/status" | xargs | tr ' ' ,)
	out=$(setpriv --reuid "$wuid" --regid "$wgid" ${wgroups:+--groups "$wgroups"} ${wgroups:---clear-groups} \
		--inh-caps=-all --ambient-caps=-all -- cat "$WORK/root-only" 2>&1) &&
		fail "the worker's credentials opened a root 0600 file"
	grep -q "Permission denied" <<<"$out" || fail "the worker's credentials: $out"
	note "the worker's credentials: a root 0600 file refused (EACCES)"
	as_worker() { setpriv --reuid "$wuid" --regid "$wgid" ${wgroups:+--groups "$wgroups"} ${wgroups:---clear-groups} \
		--inh-caps=-all --ambient-caps=-all -- "$@"; }
	as_worker cat "$WORK/broker.conf" >/dev/null 2>&1 && fail "the worker's credentials read the configuration: it is not the parent's alone"
	note "worker: CapEff=CapPrm=CapAmb=0, NoNewPrivs; parent CapEff $cap_p"
else
	note "the unit's user is root: the worker keeps root's capabilities"
fi
# the worker's own system call filter, on top of whatever the parent has
# (tests/unit/test_worker_filter checks what it refuses)
filters() { awk '$1 == "Seccomp_filters:" { print $2 }' "/proc/$1/status"; }
if grep -q "no system call filter of its own" "$WORK/broker.log"; then
	note "built without libseccomp: the worker has no filter of its own"
else
	[ "$(filters "$w1")" -gt "$(filters "$parent")" ] ||
		fail "the worker has $(filters "$w1") seccomp filters, its parent $(filters "$parent"): none of its own"
	note "the worker runs under $(filters "$w1") seccomp filters, its parent $(filters "$parent")"
fi
# the worker opens, binds and connects nothing itself once started: its
# filter refuses even a file every user may read (EACCES; the test
# build's SET OPEN tries it in the worker)
out=$(ctl 'SET OPEN /dev/null')
if grep -q "no system call filter of its own" "$WORK/broker.log"; then
	:
elif grep -qP '^\t\tsanitizer_build\s+yes' <<<"$out"; then
	note "a sanitizer build: its worker filter lists what it kills, open() is not among them"
else
	grep -qP '^\t\topen\s+Permission denied' <<<"$out" || fail "the worker opened /dev/null itself: $out"
	[ "$(worker_of "$parent")" = "$w1" ] || fail "the refused open() cost the worker its life"
	note "the worker's own open() of /dev/null: refused (EACCES), the worker unharmed"
fi
# chronyd's command socket: the client socket the parent bound (in
# chronyd's group) and connected, used by the worker
synced() { ctl 'GET CHRONY' | grep -q "synced_to_broker *yes"; }
wait_until 15 synced || fail "the worker does not see chronyd follow PSEP: $(ctl 'GET CHRONY' | head -5)"
[ -S "$WORK/run/chronyd-client.sock" ] || fail "no client socket in run_dir"

# ---- the PHC: opened by the parent, which keeps it; the worker's a copy ----
# receives NAME: chronyd's reach of refclock NAME is not 0
receives() { local r; r=$(chronyc_of c sources | awk -F, -v n="$1" '$3 == n { print $6; exit }'); [ -n "$r" ] && [ "$r" != 0 ]; }
holds() { ls -l "/proc/$1/fd" 2>/dev/null | grep -q -- "-> $WORK/mnt/vm\$"; }
if [ $phc = yes ]; then
	wait_until 10 grep -q "PPHC: opened $WORK/dev/ptp0" "$WORK/broker.log" || fail "PPHC not opened: $(grep PPHC "$WORK/broker.log" | tail -3)"
	holds "$parent" || fail "the parent does not hold the PHC: $(ls -l /proc/$parent/fd)"
	holds "$w1" || fail "the worker has no copy of the PHC: $(ls -l /proc/$w1/fd)"
	wait_until 15 receives PPHC ||
		fail "chronyd gets no PPHC samples: $(chronyc_of c sources)"
	note "PHC opened by the parent (held), the worker's a passed copy; chronyd receives its samples"
fi

# ---- a crash after a stable run: started again at once ----
sleep 11 # past the 10 s that count as stable
watch_lastrx() { # the largest LastRx chronyd shows, every 0.2 s for $1 s
	local end=$(( $(date +%s) + $1 )) worst=0 v
	while [ "$(date +%s)" -lt "$end" ]; do
		v=$(lastrx)
		[ -n "$v" ] && [ "$v" -gt "$worst" ] && worst=$v
		sleep 0.2
	done
	echo "$worst"
}
watch_lastrx 6 >"$WORK/lastrx" &
wpid=$!
t0=$(now_ns)
"$CTL" -s "$WORK/run/control.sock" 'SET CRASH now' >/dev/null 2>&1 # no answer: it dies
wait_until 10 replaced "$w1" || fail "no new worker after SET CRASH: $(tail -3 "$WORK/broker.log")"
wait_until 10 feeding || fail "the new worker does not feed chronyd: $(ctl 'GET SOURCES')"
gap=$(elapsed_s "$t0")
wait "$wpid"
max_lastrx=$(cat "$WORK/lastrx")
# SIGSEGV, or SIGABRT in a sanitizer build (the hook says which)
sig=$(sed -n 's/.*SET CRASH by uid [0-9]*: crashing on purpose (\(SIG[A-Z]*\),.*/\1/p' "$WORK/broker.log" | head -1)
[ -n "$sig" ] || fail "the worker did not take SET CRASH: $(grep -i crash "$WORK/broker.log" | head -3)"
grep -q "err: worker was killed by signal $sig after [0-9]* s; starting it again in 0 s (restart 1)" "$WORK/broker.log" ||
	fail "the crash was not logged with its cause ($sig): $(grep worker "$WORK/broker.log" | tail -3)"
grep -q "PSEP: gate STARTUP -> PTP: resumed: the worker before this one fed the source" "$WORK/broker.log" ||
	fail "the new worker did not take over the gate's PTP: $(grep 'PSEP: gate' "$WORK/broker.log" | tail -2)"
[ "$max_lastrx" -le 3 ] || fail "chronyd's last PSEP sample got $max_lastrx s old across the restart"
selected c PSEP || fail "chronyd lost PSEP after the restart: $(chronyc_of c sources)"
note "SET CRASH ($sig): feeding again after ${gap}s, chronyd's last sample at most ${max_lastrx}s old, PSEP still selected"
scrape | grep -q '^phcbroker_build_info' || fail "the new worker does not serve /metrics"

# ---- dying again at once: backoff 1 s, then 2 s; SIGSYS named ----
w2=$(worker_of "$parent")
kill -SYS "$w2"
wait_until 1 sh -c "! kill -0 $w2 2>/dev/null" || fail "worker $w2 did not die of SIGSYS"
if [ $phc = yes ]; then # in the 1 s without a worker the device stays open
	[ -z "$(worker_of "$parent")" ] || fail "a worker already, during the 1 s backoff"
	holds "$parent" || fail "the parent let the PHC go with its worker"
	note "between workers the parent holds the PHC"
fi
# a scrape while no worker runs waits in systemd's socket for the next
scrape >"$WORK/scrape.gap" 2>&1 &
spid=$!
wait_until 10 replaced "$w2" || fail "no worker after SIGSYS"
wait "$spid" || fail "a scrape during the restart was not answered: $(cat "$WORK/scrape.gap")"
grep -q '^phcbroker_build_info' "$WORK/scrape.gap" || fail "the scrape during the restart: $(head -3 "$WORK/scrape.gap")"
note "/metrics: a scrape sent while no worker ran answered by the next one"
grep -q "worker was killed by its seccomp filter (SIGSYS) after [0-9]* s; starting it again in 1 s (restart 2)" "$WORK/broker.log" ||
	fail "SIGSYS not reported as the filter's: $(grep worker "$WORK/broker.log" | tail -2)"
w3=$(worker_of "$parent")
kill -ABRT "$w3"
wait_until 10 replaced "$w3" || fail "no worker after the third crash"
grep -q "starting it again in 2 s (restart 3)" "$WORK/broker.log" || fail "no backoff to 2 s: $(grep worker "$WORK/broker.log" | tail -2)"
note "crash loop: started again after 1 s, then 2 s"

# ---- a wedged worker: killed after 10 s of silence ----
wait_until 10 feeding || fail "not feeding before the wedge test"
w4=$(worker_of "$parent")
t0=$(now_ns)
kill -STOP "$w4"
wait_until 20 replaced "$w4" || fail "a stopped worker was not replaced: $(tail -3 "$WORK/broker.log")"
wedged=$(elapsed_s "$t0")
grep -q "worker (pid $w4) sent nothing for 10 s; killing it" "$WORK/broker.log" || fail "the wedge was not logged"
wait_until 10 feeding || fail "not feeding after the wedged worker's replacement"
note "a stopped worker replaced after ${wedged}s"

# ---- parent and worker stopped together: no kill when they go on ----
# (a paused machine, a benchmark stopping the pipeline: the parent did not
# run either, so the worker's silence is not held against it)
w5=$(worker_of "$parent")
kill -STOP "$parent" "$w5"
sleep 12
kill -CONT "$w5" "$parent"
wait_until 10 grep -q "woken [0-9.]* s late (stopped or paused?)" "$WORK/broker.log" ||
	fail "the parent did not notice it ran late: $(tail -3 "$WORK/broker.log")"
sleep 10 # past the grace (two heartbeats, 8 s): the heartbeats came
[ "$(worker_of "$parent")" = "$w5" ] || fail "the worker stopped with its parent was replaced: $(grep worker "$WORK/broker.log" | tail -2)"
note "stopped together for 12 s: the worker kept"

# ---- an operator's override outlives the worker ----
ctl 'SET GATE NTP' >/dev/null || fail "SET GATE NTP refused"
wait_until 5 sh -c "'$CTL' -s '$WORK/run/control.sock' 'GET GATE' | grep -q 'override *NTP'" || fail "SET GATE NTP not applied"
wo=$(worker_of "$parent")
sleep 0.5 # the new state reaches the parent
kill -ABRT "$wo"
wait_until 10 replaced "$wo" || fail "no worker after the crash under override"
wait_until 10 sh -c "'$CTL' -s '$WORK/run/control.sock' 'GET GATE' | grep -q 'override *NTP'" || fail "the override NTP was lost with the worker: $(ctl 'GET GATE' | head -8)"
ctl 'SET GATE AUTO' >/dev/null || fail "SET GATE AUTO refused"
note "SET GATE NTP kept across a worker restart"

# ---- SIGHUP: the parent reads the file again for the worker ----
# (mode 0600, root's: the worker could not read it itself); a change
# applies, then a file that cannot be read is refused with why
sed -i 's/^offset 5us/offset 7us/' "$WORK/broker.conf"
kill -HUP "$parent"
wait_until 10 grep -q "configuration reloaded" "$WORK/broker.log" || fail "SIGHUP did not reach the worker: $(tail -3 "$WORK/broker.log")"
grep -q "PSEP: stopping (removed or changed" "$WORK/broker.log" ||
	fail "the changed source PSEP was not restarted: $(grep PSEP "$WORK/broker.log" | tail -2)"
# the restarted PSEP feeds chronyd (the old one stopped: 3 s without it
# would show)
fresh() { local l; l=$(lastrx); [ -n "$l" ] && [ "$l" -le 2 ] 2>/dev/null; }
sleep 3
wait_until 10 fresh || fail "chronyd gets no samples of PSEP after the reload: lastrx $(lastrx)"
mv "$WORK/broker.conf" "$WORK/broker.conf.good"
mkdir "$WORK/broker.conf"
kill -HUP "$parent"
wait_until 10 grep -q "reload refused: $WORK/broker.conf: not a regular file" "$WORK/broker.log" ||
	fail "a directory in place of the file was not refused with why: $(grep reload "$WORK/broker.log" | tail -2)"
rmdir "$WORK/broker.conf"
mv "$WORK/broker.conf.good" "$WORK/broker.conf"
note "reload through the parent: a change applied, a directory refused"

# ---- a worker that never gets ready: the parent ends with its status ----
out=$("${AS_UNIT[@]}" "$PHCBROKERD" --privsep -n -f "$WORK/broker.conf" 2>&1)
rc=$?
[ $rc = 2 ] || fail "a second --privsep instance exited with $rc, not 2: $out"
grep -q "another phcbrokerd" <<<"$out" && grep -q "before it was ready; stopping" <<<"$out" ||
	fail "a second instance did not say why: $out"
note "second instance: exit 2, $(grep -o 'worker exited.*' <<<"$out")"

# ---- stop: both gone, exit 0 ----
w5=$(worker_of "$parent")
stop_broker
kill -0 "$w5" 2>/dev/null && fail "worker $w5 outlived its parent's stop"

# ---- a parent killed outright takes its worker along ----
PHCB_BROKER_ARGS=--privsep start_broker "$WORK/broker.conf"
wait_until 10 sh -c "pgrep -P $BROKER_PID -x phcbrokerd >/dev/null" || fail "no worker in the second run"
w6=$(worker_of "$BROKER_PID")
{ kill -KILL "$BROKER_PID"; wait "$BROKER_PID"; } 2>/dev/null
wait_until 5 sh -c "! kill -0 $w6 2>/dev/null" || fail "worker $w6 outlived a parent killed with SIGKILL"
grep -q "ERROR\|Segmentation\|AddressSanitizer" "$WORK/broker.log" && fail "broker log: $(grep -m3 "ERROR\|AddressSanitizer" "$WORK/broker.log")"
echo "privsep: restart_gap_s=$gap max_chronyd_lastrx_s=$max_lastrx wedged_restart_s=$wedged"
