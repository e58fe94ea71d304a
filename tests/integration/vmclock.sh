#!/bin/bash
# vmclock.sh: a live migration, told by the VMClock page, takes chronyd off
# the PHC at once and brings it back after the gate's holdoff and dwell.
# The PHC is a fakephc device whose sysfs clock_name is "vmclock0", so
# discovery picks it and "vmclock auto" maps <dev_root>/vmclock0: a file
# laid out like the page (tests/integration/vmclock_page.py), no kernel
# needed. The migration: the page's disruption marker changes while the
# PHC steps 200 us and its frequency changes by 20 ppm. Then the same
# migration with "vmclock none", seen only as the step in the samples.
# chronyd (as _chrony, refclock SOCK and an NTP server on loopback) logs
# every sample it gets; vmclock_errors.py compares them with fakephc's
# truth. Prints, last:
#   vmclock: chronyd=V path=P migration_to_ntp_s=A back_s=B max_error_during_us=C
#   vmclock: without: max_error_during_us=D stayed_on_phc=yes|no
. "$(dirname "$0")/lib.sh"
need_root
[ -c /dev/fuse ] || skip "no /dev/fuse (the PHC is a fakephc device)"
need_cmd fusermount3
FAKEPHC=$PHCB_BUILDDIR/tests/fakephc/fakephc
PROBE=$PHCB_BUILDDIR/tests/integration/fakephc_probe
CTL=$PHCB_BUILDDIR/phcbrokerctl
PAGE="python3 $PHCB_SRCDIR/tests/integration/vmclock_page.py"
ERRORS="python3 $PHCB_SRCDIR/tests/integration/vmclock_errors.py"
[ -x "$FAKEPHC" ] || fail "no fakephc at $FAKEPHC"
[ -x "$PROBE" ] || fail "no fakephc_probe at $PROBE"
make_workdir

# ---- the fixture host: VMClock's PHC and its page ----------------------
sys=$WORK/sys dev=$WORK/dev mnt=$WORK/mnt
mkdir -p "$sys/class/ptp/ptp0" "$dev" "$mnt"
echo vmclock0 >"$sys/class/ptp/ptp0/clock_name"
$PAGE init "$dev/vmclock0"
start_fakephc "$mnt" vm vm=kvm
ln -s "$mnt/vm" "$dev/ptp0"
truth_cmd() { "$PROBE" cmd "$WORK/truth.sock" "$@"; }

# ---- chronyd: NTP on loopback, the broker's refclock, a log of samples --
start_ntp_server ntp
sock=/run/chrony.phcbt-vmc-$$.sock
start_chronyd c "server 127.0.0.1 port $NTP_PORT iburst minpoll 6 maxpoll 6
refclock SOCK $sock refid VMC poll 0 prefer trust
logdir $WORK/c
log refclocks"
ntp_selected() { chronyc_of c sources | grep -q "^^,\*,127.0.0.1,"; }

mport=$(free_tcp_port)
METRICS_ADDR=127.0.0.1:$mport # phcbrokerd-metrics.socket
scrape() { python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' "http://127.0.0.1:$mport/metrics"; }
write_conf() {
	cat >"$WORK/broker.conf" <<EOC
$(broker_global c)
metrics_listen systemd
dev_root $dev
sysfs_root $sys
chrony_conf none
[source VMC]
device auto
vmclock $1
sock $sock
gate_lock_dwell 3s
gate_step_holdoff 2s
EOC
}
write_conf auto
start_broker "$WORK/broker.conf"
wait_until 30 selected c VMC || fail "VMC not selected: $(tail -5 "$WORK/broker.log")"
devs=$("$CTL" -s "$WORK/ctl.sock" 'GET DEVICES')
grep -qP "^\t\tvmclock\s+$dev/vmclock0$" <<<"$devs" || fail "vmclock auto did not map the page: $devs"
grep -qP "^\t\tvmclock_status\s+synchronized$" <<<"$devs" || fail "page status: $devs"
grep -qP "^\t\tvmclock_max_error_ns\s+1000$" <<<"$devs" || fail "page max error: $devs"
note "device auto took the vmclock0 PHC; its page is mapped"
sleep 5 # samples before the migration, for the sign of chrony's offsets

now_s() { awk -v t="$(now_ns)" 'BEGIN { printf "%.3f", t / 1e9 }'; }
# migrate: the page's marker and the PHC change together
migrate() {
	local marker=$1
	# the marker changed when the page's writer is done
	[ -n "$marker" ] && $PAGE set "$dev/vmclock0" "marker=$marker"
	t_mig=$(now_ns)
	t_step=$(truth_cmd STEP vm 200us "$2" | awk '$1 == "OK" { print $2 }')
	[ -n "$t_step" ] || fail "fakephc STEP"
}
# how long from the migration until COND holds (polled every 50 ms), or -1
time_until() {
	local limit=$1
	shift
	local end=$(($(now_ns) + limit * 1000000000))
	while [ "$(now_ns)" -lt $end ]; do
		if "$@"; then
			awk -v a="$t_mig" -v b="$(now_ns)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'
			return 0
		fi
		sleep 0.05
	done
	echo -1
}
not_selected() { ! selected c VMC; }
# stale_samples SECONDS: samples read after the PHC changed that chronyd
# got within SECONDS of the migration
stale_samples() {
	local to
	to=$(awk -v a="$t_mig" -v s="$1" 'BEGIN { printf "%.0f", a + s * 1e9 }')
	$ERRORS "$WORK/c/refclocks.log" VMC "$WORK/truth.sock" vm "$t_step" "$to" | sed -n 's/^samples=\([0-9]*\) .*/\1/p'
}

# ---- with VMClock -------------------------------------------------------
migrate 2 20ppm
to_ntp=$(time_until 10 not_selected)
[ "$to_ntp" != -1 ] || fail "chronyd stayed on the stale PHC: $(chronyc_of c sources)"
wait_until 5 grep -q "VMC: gate PTP -> NTP: VMClock disruption" "$WORK/broker.log" ||
	fail "no disruption transition: $(grep 'VMC:' "$WORK/broker.log" | tail -3)"
back=$(time_until 30 selected c VMC)
[ "$back" != -1 ] || fail "VMC not back within 30 s: $("$CTL" -s "$WORK/ctl.sock" 'GET GATE')"
t_back=$(now_ns)
sleep 3
res=$($ERRORS "$WORK/c/refclocks.log" VMC "$WORK/truth.sock" vm "$t_mig" "$(now_ns)") || fail "errors: $res"
err_with=$(sed -n 's/.*max_error_us=\([0-9.]*\) .*/\1/p' <<<"$res")
stale_with=$(stale_samples "$to_ntp")
note "with VMClock: off the PHC in ${to_ntp}s, back in ${back}s; samples after: $res; fed before chronyd left: $stale_with"
devs=$("$CTL" -s "$WORK/ctl.sock" 'GET DEVICES')
grep -qP "^\t\tvmclock_disruptions\s+1$" <<<"$devs" || fail "disruptions not counted: $devs"
grep -q "VMC: VMClock: disruption marker 1 -> 2" "$WORK/broker.log" || fail "disruption not logged"
m=$(scrape) || fail "no /metrics"
grep -qx 'phcbroker_vmclock_disruptions_total{source="VMC"} 1' <<<"$m" || fail "metrics: $(grep vmclock <<<"$m")"
grep -qx 'phcbroker_vmclock_synchronized{source="VMC"} 1' <<<"$m" || fail "metrics: $(grep vmclock <<<"$m")"

# freerunning: a bad link; holdover (feeding), then NTP after the budget
$PAGE set "$dev/vmclock0" status=freerunning
wait_until 5 grep -q "VMC: gate PTP -> HOLDOVER: VMClock status freerunning" "$WORK/broker.log" ||
	fail "freerunning did not hold over: $(grep 'VMC: gate' "$WORK/broker.log" | tail -2)"
sleep 0.2 # past the 100 ms during which scrapes share one rendering
scrape | grep -qx 'phcbroker_vmclock_synchronized{source="VMC"} 0' || fail "metrics: synchronized not 0 while freerunning"
$PAGE set "$dev/vmclock0" status=synchronized leap=1
wait_until 15 grep -q "VMC: gate HOLDOVER -> PTP" "$WORK/broker.log" || fail "no recovery from holdover"
src_leap() { "$CTL" -s "$WORK/ctl.sock" 'GET SOURCES' | awk '$1 == "leap" { print $2; exit }'; }
wait_until 5 sh -c "[ \"\$('$CTL' -s '$WORK/ctl.sock' 'GET SOURCES' | awk '\$1 == \"leap\" { print \$2; exit }')\" = 1 ]" ||
	fail "the page's leap indicator did not reach the samples: leap=$(src_leap)"
$PAGE set "$dev/vmclock0" leap=0
note "freerunning held over and recovered; the page's leap indicator reached the samples"

# ---- without VMClock: the same migration, seen only as a step ----------
write_conf none
kill -HUP "$BROKER_PID"
wait_until 10 grep -q "configuration reloaded" "$WORK/broker.log" || fail "reload"
wait_until 40 selected c VMC || fail "VMC not selected after the reload"
sleep 8
migrate "" -20ppm
left=$(time_until 15 not_selected)
sleep 5
res=$($ERRORS "$WORK/c/refclocks.log" VMC "$WORK/truth.sock" vm "$t_mig" "$(now_ns)") || fail "errors: $res"
err_without=$(sed -n 's/.*max_error_us=\([0-9.]*\) .*/\1/p' <<<"$res")
stayed=yes
[ "$left" = -1 ] || stayed=no
stale_without=$(stale_samples "$([ $stayed = yes ] && echo 15 || echo "$left")")
steps=$(sed -n '/configuration reloaded/,$p' "$WORK/broker.log" | grep -c "VMC: phase step")
note "without VMClock: chronyd left the PHC: $([ $stayed = yes ] && echo never || echo "after ${left}s"); samples after: $res"

kill -0 "$BROKER_PID" || fail "broker died"
stop_broker
# the goal: off the stale PHC within 1 s where chronyd can be told at once
# (SELECTOPTS, 4.4+); 4.3 needs its reset and three NTP samples, ~4 s
limit=1.0
[ "$(gate_path)" = selectopts ] || limit=6.0
awk -v a="$to_ntp" -v l=$limit 'BEGIN { exit !(a <= l) }' || fail "migration_to_ntp_s=$to_ntp above $limit s for chronyd $(chronyd_version)"
awk -v a="$back" 'BEGIN { exit !(a <= 20) }' || fail "back_s=$back: not back within the holdoff and dwell"
[ "$stale_with" = 0 ] || fail "$stale_with samples read after the migration reached chronyd"
echo "vmclock: chronyd=$(chronyd_version) path=$(gate_path) migration_to_ntp_s=$to_ntp back_s=$back max_error_during_us=$err_with fed_after_migration=$stale_with"
echo "vmclock: without: left_phc_s=$left max_error_during_us=$err_without fed_before_leaving=$stale_without phase_step_lines=$steps"
