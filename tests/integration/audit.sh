#!/bin/bash
# audit.sh: the audit of competing clock disciplines, each competitor found
# and cleared, with the daemon run as the unit runs it:
#  - a systemd unit named like systemd-timesyncd: systemd's manager is
#    asked over D-Bus (ListUnitsByPatterns). There is no systemd as PID 1
#    here, so tests/integration/fake_systemd1 answers for it on a private
#    dbus-daemon (DBUS_SYSTEM_BUS_ADDRESS); the daemon's D-Bus code is the
#    production code;
#  - a process named phc2sys (a copy of sleep), found by /proc/PID/comm;
#  - Hyper-V's TimeSync on a fixture sysfs (its VMBus class id), info, then
#    a warning with hv_utils' timesync_implicit=Y;
#  - a real chronyd (as _chrony) with a second refclock, PHC, on the same
#    fakephc device the broker reads: a warning naming the file and line and
#    "in use" once chronyd has that refclock live;
#  - a foreign step: the system clock stepped by 5 ms away from the PHC
#    chronyd follows (fakephc --raw-clock: the PHC does not follow it), then
#    back (toward the PHC: chronyd-like, not reported); the finding clears
#    after ten audit intervals. The host's clock is stepped for this, and
#    stepped back;
#  - GET STATUS says healthy no with audit_warnings while warnings stand,
#    yes again when all are gone; each finding is logged once when found
#    and once when cleared.
. "$(dirname "$0")/lib.sh"
need_root
[ -c /dev/fuse ] || skip "no /dev/fuse (the PHC is a fakephc device)"
need_cmd fusermount3
need_cmd dbus-daemon
FAKEPHC=$PHCB_BUILDDIR/tests/fakephc/fakephc
FAKESD=$PHCB_BUILDDIR/tests/integration/fake_systemd1
CTL=$PHCB_BUILDDIR/phcbrokerctl
[ -x "$FAKEPHC" ] || fail "no fakephc at $FAKEPHC"
[ -x "$FAKESD" ] || fail "no fake_systemd1 at $FAKESD"
make_workdir
t0=$(now_ns)

# ---- a private system bus with a systemd manager that lists units ------
cat >"$WORK/bus.conf" <<EOC
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$WORK/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
  </policy>
</busconfig>
EOC
dbus-daemon --config-file="$WORK/bus.conf" --nofork --nopidfile 2>"$WORK/dbus.log" &
at_exit "kill $!"
wait_until 5 test -S "$WORK/system_bus_socket" || fail "dbus-daemon did not start: $(cat "$WORK/dbus.log")"
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$WORK/system_bus_socket
: >"$WORK/units"
"$FAKESD" "$DBUS_SYSTEM_BUS_ADDRESS" "$WORK/units" >"$WORK/fakesd.log" 2>&1 &
at_exit "kill $!"
wait_until 5 grep -qs ready "$WORK/fakesd.log" || fail "fake_systemd1: $(cat "$WORK/fakesd.log")"

# ---- the fixture host: a PHC (fakephc), a Hyper-V VMBus ---------------
sys=$WORK/sys dev=$WORK/dev mnt=$WORK/mnt
vmbus=$sys/bus/vmbus/devices
mkdir -p "$sys/class/ptp/ptp0" "$vmbus/2dd1ce17-079e-403c-b352-a1921ee207ee" "$dev" "$mnt"
echo "KVM virtual PTP" >"$sys/class/ptp/ptp0/clock_name"
echo "{0e0b6031-5213-4934-818b-38d90ced39db}" >"$vmbus/2dd1ce17-079e-403c-b352-a1921ee207ee/class_id" # shutdown IC
start_fakephc "$mnt" kvm --allow-other --raw-clock kvm=kvm
ln -s "$mnt/kvm" "$dev/ptp0"

# chronyd as _chrony reads the device too, through a symlink of its own name
sock=/run/chrony.phcbt-audit-$$.sock
start_chronyd c "refclock SOCK $sock refid AU poll 0 prefer trust
refclock PHC $dev/ptp0 poll 0 refid KVMP noselect"
# chrony.conf at a place of its own, 0644 as Debian ships
# /etc/chrony/chrony.conf, published again when chronyd's own file changes
# (the parent, which reads it for the audit, could read it in chronyd's
# 0750 directory too: the copy is the test's fixed path)
publish_conf() { install -m 644 "$WORK/c/chrony.conf" "$WORK/chrony.conf"; }
publish_conf
conf=$WORK/broker.conf
mport=$(free_tcp_port)
METRICS_ADDR=127.0.0.1:$mport # phcbrokerd-metrics.socket
scrape() { python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' "http://127.0.0.1:$mport/metrics"; }
cat >"$conf" <<EOC
$(broker_global c)
metrics_listen systemd
dev_root $dev
sysfs_root $sys
hypervisor kvm
chrony_conf $WORK/chrony.conf
audit_interval 1s
[source AU]
device $dev/ptp0
sock $sock
gate_lock_dwell 1s
EOC
start_broker "$conf"
wait_until 20 selected c AU || fail "AU not selected: $(tail -5 "$WORK/broker.log")"

ctl() { "$CTL" -s "$WORK/ctl.sock" "$@"; }
field() { awk -v k="$2" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' <<<"$1"; }
# finding OUT KIND SUBJECT: the record of that finding in GET AUDIT's OUT
finding() {
	awk -v k="$2" -v s="$3" '
		function flush() { if (on && kind == k && subj == s) printf "%s", rec; rec = ""; kind = ""; subj = "" }
		$1 == "phcbrokerd" && $2 == "RESPONSE" { flush(); on = ($3 == "AUDIT" && $4 != ""); next }
		/^sending:/ { flush(); on = 0; next }
		on { rec = rec $0 "\n"; if ($1 == "kind") kind = $2; if ($1 == "subject") { subj = $0; sub(/^[ \t]*subject[ \t]+/, "", subj) } }
		END { flush() }' <<<"$1"
}
status_field() { field "$(ctl 'GET STATUS')" "$1"; }
# found KIND SUBJECT SEVERITY: GET AUDIT has it, with that severity
found() {
	local rec
	rec=$(finding "$(ctl 'GET AUDIT')" "$1" "$2")
	[ -n "$rec" ] && [ "$(field "$rec" severity)" = "$3" ]
}
gone() { [ -z "$(finding "$(ctl 'GET AUDIT')" "$1" "$2")" ]; }
logged() { [ "$(grep -cF "audit: $1" "$WORK/broker.log")" = "${2:-1}" ]; }

# ---- chronyd's second refclock on the broker's PHC ----------------------
chronyc_of c sources | grep -q "^#,.,KVMP," || fail "chronyd has no KVMP refclock: $(chronyc_of c sources)"
wait_until 5 found chrony "$WORK/chrony.conf:7" warning || fail "refclock PHC not found: $(ctl 'GET AUDIT')"
# "in use" comes from the worker's view of chronyd's sources, which may
# lag the file's finding by a cycle
in_use() { field "$(finding "$(ctl 'GET AUDIT')" chrony "$WORK/chrony.conf:7")" detail |
	grep -q "refclock PHC $dev/ptp0 (refid KVMP, in use) reads the PHC of source AU"; }
wait_until 5 in_use || fail "detail: $(ctl 'GET AUDIT')"
[ "$(status_field healthy)" = no ] || fail "healthy with a warning: $(ctl 'GET STATUS')"
[ "$(status_field audit_warnings)" = 1 ] || fail "audit_warnings: $(ctl 'GET STATUS')"
scrape | grep -qx 'phcbroker_audit_findings{severity="warning"} 1' || fail "/metrics: $(scrape | grep audit)"
# the JSON form is the same records
ctl -j 'GET AUDIT' | python3 -c '
import json, sys
doc = json.load(sys.stdin)
text = json.dumps(doc)
assert "KVMP, in use" in text and "\"warnings\": \"1\"" in text.replace(": 1", ": \"1\""), text
' || fail "GET AUDIT -j"
note "chrony: refclock PHC on the broker's PHC found, in use; STATUS unhealthy"
# chronyd restarted without it: cleared, STATUS healthy again
stop_chronyd c
start_chronyd c "refclock SOCK $sock refid AU poll 0 prefer trust"
publish_conf
wait_until 5 gone chrony "$WORK/chrony.conf:7" || fail "not cleared: $(ctl 'GET AUDIT')"
wait_until 20 selected c AU || fail "AU not selected after chronyd's restart"
wait_until 5 sh -c "[ \"\$('$CTL' -s '$WORK/ctl.sock' 'GET STATUS' | awk '\$1 == \"healthy\" {print \$2}')\" = yes ]" ||
	fail "not healthy after the refclock went: $(ctl 'GET STATUS')"
logged "chrony $WORK/chrony.conf:7: refclock PHC" || fail "found not logged once: $(grep audit: "$WORK/broker.log")"
logged "chrony $WORK/chrony.conf:7 cleared" || fail "cleared not logged once: $(grep audit: "$WORK/broker.log")"
scrape | grep -qx 'phcbroker_audit_findings{severity="warning"} 0' || fail "/metrics: $(scrape | grep audit)"
note "chrony: cleared when chronyd's configuration dropped it; healthy again"

# ---- a foreign step of the system clock ----------------------------------
# step_clock MS: step CLOCK_REALTIME by MS milliseconds
step_clock() {
	python3 -c 'import sys, time
time.clock_settime_ns(time.CLOCK_REALTIME, time.clock_gettime_ns(time.CLOCK_REALTIME) + int(float(sys.argv[1]) * 1e6))' "$1"
}
synced_to_broker() { [ "$(status_field chronyd_synced_to_broker)" = yes ]; }
if step_clock 0 2>/dev/null; then
	at_exit 'step_clock -$stepped'
	stepped=0
	sleep 2 # the probe was a step of its own, of microseconds
	wait_until 20 synced_to_broker || fail "chronyd not synced to AU: $(ctl 'GET STATUS')"
	stepped=5
	step_clock 5
	wait_until 5 found step "system clock" warning || { step_clock -5; fail "foreign step not found: $(ctl 'GET AUDIT')"; }
	step_clock -5
	stepped=0
	rec=$(finding "$(ctl 'GET AUDIT')" step "system clock")
	field "$rec" detail | grep -Eq "stepped by \+(4\.9[0-9]|5\.0[0-9])[0-9] ms, away from source AU" || fail "detail: $rec"
	# the step back brought the clock toward the PHC: no second finding
	logged "step system clock: the system clock" || fail "foreign step not logged once"
	wait_until 15 gone step "system clock" || fail "foreign step not cleared"
	logged "step system clock cleared" || fail "foreign step cleared not logged once"
	note "step: a 5 ms step away from the PHC chronyd follows found, the step back not; cleared after ten audits"
else
	note "cannot set the system clock here (no CAP_SYS_TIME): foreign steps not tested"
fi

# ---- a unit named like a competitor -------------------------------------
echo "systemd-timesyncd.service" >"$WORK/units"
echo "sshd.service" >>"$WORK/units"
wait_until 5 found unit systemd-timesyncd.service warning || fail "unit not found: $(ctl 'GET AUDIT')"
gone unit sshd.service || fail "sshd.service is no competitor"
[ "$(status_field healthy)" = no ] || fail "healthy with timesyncd active"
# a process of that competitor is the unit's: no second finding
cp "$(command -v sleep)" "$WORK/systemd-timesyncd"
"$WORK/systemd-timesyncd" 60 &
tsd=$!
at_exit "kill $tsd"
sleep 1.5
gone process systemd-timesyn || fail "the unit's process was reported as well: $(ctl 'GET AUDIT')"
: >"$WORK/units"
wait_until 5 found process systemd-timesyn warning || fail "the process without its unit: $(ctl 'GET AUDIT')"
kill "$tsd"
wait_until 5 gone process systemd-timesyn || fail "process not cleared"
wait_until 5 gone unit systemd-timesyncd.service || fail "unit not cleared"
logged "unit systemd-timesyncd.service: systemd-timesyncd" || fail "unit found not logged once"
logged "unit systemd-timesyncd.service cleared" || fail "unit cleared not logged once"
note "unit: systemd-timesyncd.service found over D-Bus and cleared; its process counted only without the unit"

# ---- a process named phc2sys --------------------------------------------
cp "$(command -v sleep)" "$WORK/phc2sys"
"$WORK/phc2sys" 60 &
p2s=$!
at_exit "kill $p2s"
wait_until 5 found process phc2sys warning || fail "phc2sys not found: $(ctl 'GET AUDIT')"
field "$(finding "$(ctl 'GET AUDIT')" process phc2sys)" detail | grep -q "process $p2s" || fail "pid not named"
kill "$p2s"
wait_until 5 gone process phc2sys || fail "phc2sys not cleared"
logged "process phc2sys: phc2sys" || fail "phc2sys found not logged once"
logged "process phc2sys cleared" || fail "phc2sys cleared not logged once"
note "process: phc2sys found by name and cleared"

# ---- Hyper-V TimeSync ----------------------------------------------------
hv=$vmbus/9f8233ac-bd1e-4e44-8d11-4a29f2b5b1c5
mkdir -p "$hv" "$sys/module/hv_utils/parameters"
echo "{9527e630-d0ae-497b-adce-e80ab0175caf}" >"$hv/class_id"
echo N >"$sys/module/hv_utils/parameters/timesync_implicit"
wait_until 5 found hyperv timesync info || fail "TimeSync not found: $(ctl 'GET AUDIT')"
[ "$(status_field healthy)" = yes ] || fail "an info made STATUS unhealthy: $(ctl 'GET STATUS')"
echo Y >"$sys/module/hv_utils/parameters/timesync_implicit"
wait_until 5 found hyperv timesync_implicit warning || fail "timesync_implicit not found: $(ctl 'GET AUDIT')"
gone hyperv timesync || fail "both TimeSync findings at once"
rm -rf "$hv"
wait_until 5 gone hyperv timesync_implicit || fail "TimeSync not cleared"
note "hyperv: TimeSync an info, with timesync_implicit=Y a warning; cleared"

# ---- all clear; and a reload with the audit off --------------------------
wait_until 5 sh -c "[ \"\$('$CTL' -s '$WORK/ctl.sock' 'GET AUDIT' | awk '\$1 == \"findings\" {print \$2}')\" = 0 ]" ||
	fail "findings left: $(ctl 'GET AUDIT')"
[ "$(status_field audit_warnings)" = 0 ] || fail "audit_warnings not 0"
# a chrony.conf that cannot be read is a warning, not a silent skip
sed -i "s|^chrony_conf .*|chrony_conf $WORK/missing.conf|" "$conf"
kill -HUP "$BROKER_PID"
wait_until 10 found chrony_conf "$WORK/missing.conf" warning || fail "an unreadable chrony.conf not said: $(ctl 'GET AUDIT')"
sed -i "s|^chrony_conf .*|chrony_conf $WORK/chrony.conf|" "$conf"
kill -HUP "$BROKER_PID"
wait_until 10 gone chrony_conf "$WORK/missing.conf" || fail "the unreadable chrony.conf finding stayed"
note "chrony_conf: an unreadable file is a warning, cleared when it reads again"
sed -i 's/^audit_interval .*/audit_interval 0/' "$conf"
# the earlier reloads logged the same line: wait for one more
before=$(log_count "configuration reloaded")
kill -HUP "$BROKER_PID"
wait_until 10 more_logged "configuration reloaded" "$before" || fail "reload with audit_interval 0 not applied: $(tail -3 "$WORK/broker.log")"
"$WORK/phc2sys" 60 &
p2s=$!
at_exit "kill $p2s"
sleep 3 # beyond the 2 s for which GET AUDIT answers from the last audit
logged "process phc2sys: phc2sys" 1 || fail "audited with audit_interval 0"
found process phc2sys warning || fail "GET AUDIT does not audit on demand"
logged "process phc2sys: phc2sys" 2 || fail "the on-demand audit did not log the finding"
kill "$p2s"
kill -0 "$BROKER_PID" || fail "broker died"
stop_broker
echo "audit: found_and_cleared=chrony,step,unit,process,hyperv seconds=$(elapsed_s "$t0")"
