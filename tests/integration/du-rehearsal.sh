#!/bin/bash
# du-rehearsal.sh: an OpenShift DU node rehearsed as far as this machine
# allows. phcbroker-machineconfig writes the MachineConfig for a NIC PHC
# gated on linuxptp-daemon's ptp4l; the test's applier (mcapply.py) writes
# its files into a scratch root with their modes, and then the written
# chrony.conf and phcbrokerd.conf run for real, with these rewrites only:
# - paths: chronyd's state and sockets, the broker's control socket, the
#   host's /var/run/ptp and the SOCK path move under the test's directory,
#   and the broker's dev_root and sysfs_root point at a fixture where the
#   NIC ens1f0 has the PHC ptp0, an emulated device (tests/fakephc);
# - the NTP server's port (the test's server listens on a free one);
# - the gate's offsets, widened for software timestamping (100us/500us).
# ptp4l (a slaveOnly slave of a real master, in network namespaces) listens
# at linuxptp-daemon's path under that root, /var/run/ptp/ptp4l.0.socket.
# chronyd must select the PHC, go to NTP when the master is killed, come
# back when it returns, its PID unchanged. Prints, last:
#   gate: rehearsal chronyd=V ptp4l=W path=P ptp_to_ntp_s=A ntp_to_ptp_s=B chronyd_restarts=0
. "$(dirname "$0")/lib.sh"
PATH=$PATH:/usr/sbin:/sbin
need_root
need_cmd "$CHRONYD"
need_cmd "$PTP4L"
need_cmd ip
need_cmd python3
[ -c /dev/fuse ] || skip "no /dev/fuse (the NIC's PHC is an emulated device)"
python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml is not installed"
make_workdir
GEN="$PHCB_BUILDDIR/phcbroker-machineconfig"
APPLY="$PHCB_SRCDIR/tests/integration/mcapply.py"
FAKEPHC="$PHCB_BUILDDIR/tests/fakephc/fakephc"
CTL="$PHCB_BUILDDIR/phcbrokerctl"
[ -x "$GEN" ] || fail "no $GEN"
root="$WORK/root"

# ---- the MachineConfig, applied to the scratch root ----
start_ntp_server ntp
"$GEN" --role master --name 99-master-phcbroker --interface ens1f0 \
	--server 127.0.0.1 --instructions "$WORK/changes.txt" -o "$WORK/mc.yaml" ||
	fail "the generator failed"
schema="$PHCB_SRCDIR/../shared/vendor/ignition-v3_2.schema.json"
schema_opt=()
if [ -f "$schema" ] && python3 -c 'import jsonschema' 2>/dev/null; then
	schema_opt=(--schema "$schema")
else
	note "spec.config not validated here (no $schema or no python3-jsonschema); machineconfig.sh says more"
fi
python3 "$APPLY" "${schema_opt[@]}" --root "$root" "$WORK/mc.yaml" >"$WORK/apply.log" 2>&1 ||
	fail "the MachineConfig did not apply: $(tail -5 "$WORK/apply.log")"
for f in etc/chrony.conf etc/phcbroker/phcbrokerd.conf; do
	[ -f "$root/$f" ] || fail "the MachineConfig wrote no /$f"
done
note "applied: $(grep -c . "$WORK/apply.log") lines from the applier; $(grep -c '^refclock SOCK' "$root/etc/chrony.conf") refclock line"

# ---- the NIC's PHC: an emulated device behind a sysfs fixture ----
mkdir -p "$WORK/mnt" "$WORK/sys/class/net/ens1f0/device/ptp/ptp0" "$WORK/dev"
# a NIC PHC as ptp4l keeps it: in TAI, 37 s ahead of UTC (allow_other: the
# daemon reads it as its own user)
"$FAKEPHC" -m "$WORK/mnt" --allow-other --truth-socket "$WORK/truth.sock" nic=nic,offset=37s >>"$WORK/fakephc.log" 2>&1 &
fpid=$!
at_exit "kill $fpid; wait $fpid; grep -q ' $WORK/mnt ' /proc/mounts && umount -l '$WORK/mnt'"
wait_until 10 test -S "$WORK/truth.sock" || fail "fakephc did not come up: $(cat "$WORK/fakephc.log")"
ln -s "$WORK/mnt/nic" "$WORK/dev/ptp0"

# ---- ptp4l at linuxptp-daemon's socket path under the root ----
mkdir -p "$root/var/run/ptp"
ptp_master_slave du "$root/var/run/ptp/ptp4l.0.socket"

# ---- the written configurations, rewritten to run here ----
sock=/run/chrony.phcbt-du-$$.sock
at_exit "rm -f $sock"
mkdir -p "$WORK/c"
sed -e "s|/run/chrony.PHC0.sock|$sock|" \
	-e "s|/var/lib/chrony|$WORK/c|" -e "s|/var/log/chrony|$WORK/c|" \
	-e "s|/etc/chrony.keys|$WORK/c/chrony.keys|" \
	-e "s|^server 127.0.0.1 iburst|server 127.0.0.1 port $NTP_PORT iburst minpoll 6 maxpoll 6|" \
	-e '/^driftfile/d' "$root/etc/chrony.conf" >"$WORK/chrony.run.conf"
grep -q "port $NTP_PORT" "$WORK/chrony.run.conf" || fail "no fallback server line to rewrite in: $(cat "$root/etc/chrony.conf")"
: >"$WORK/c/chrony.keys"
start_chronyd c "$(cat "$WORK/chrony.run.conf")"
chronyd_pid=$(cat "$WORK/c/pid")
sed -e "s|^control_socket .*|control_socket $WORK/ctl.sock\nrun_dir $WORK/run\ndev_root $WORK/dev\nsysfs_root $WORK/sys|" \
	-e "s|^chronyd_socket .*|chronyd_socket $WORK/c/chronyd.sock|" \
	-e "s|/run/chrony.PHC0.sock|$sock|" \
	-e "s|/var/run/ptp/|$root/var/run/ptp/|" \
	"$root/etc/phcbroker/phcbrokerd.conf" >"$WORK/broker.conf"
printf 'gate_lock_offset 100us\ngate_unlock_offset 500us\n' >>"$WORK/broker.conf"
grep -q "^ptp4l_socket $root/var/run/ptp/ptp4l.0.socket" "$WORK/broker.conf" ||
	fail "the broker's configuration does not watch linuxptp-daemon's ptp4l: $(cat "$root/etc/phcbroker/phcbrokerd.conf")"
"$PHCBROKERD" --check-config -f "$WORK/broker.conf" >"$WORK/check.log" 2>&1 ||
	fail "the rewritten configuration was refused: $(cat "$WORK/check.log")"
grep -qx "metrics_listen systemd" "$WORK/broker.conf" || fail "the MachineConfig's phcbrokerd.conf does not take /metrics from systemd"
METRICS_ADDR=127.0.0.1:$(free_tcp_port) # as phcbrokerd-metrics.socket passes it
start_broker "$WORK/broker.conf"

ctl() { "$CTL" -s "$WORK/ctl.sock" "$@" 2>/dev/null; }
gate_field() { ctl 'GET GATE' | awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }'; }
gate_is() { [ "$(gate_field state)" = "$1" ]; }
ntp_selected() { chronyc_of c sources | grep -q "^^,\*,127.0.0.1,"; }
since_decision() { awk -v n="$(now_ns)" -v s="$(gate_field since_s)" 'BEGIN { printf "%.0f", n - s * 1e9 }'; }
secs_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }

# ---- the node at work: the PHC of ens1f0, found through sysfs ----
wait_until 90 gate_is PTP || fail "the gate never locked: $(gate_field condition); $(tail -3 "$WORK/broker.log")"
ctl 'GET DEVICES' | grep -q "$WORK/dev/ptp0" || fail "the PHC of ens1f0 was not found through sysfs: $(ctl 'GET DEVICES')"
wait_until 20 selected c PHC0 || fail "chronyd did not select PHC0: $(chronyc_of c sources)"
note "chronyd follows PHC0 (ens1f0's ptp0) through the generated configuration"
python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' \
	"http://$METRICS_ADDR/metrics" >"$WORK/scrape.txt" || fail "no /metrics on the socket systemd would pass"
grep -q '^phcbroker_' "$WORK/scrape.txt" || fail "/metrics has no phcbroker series: $(head -3 "$WORK/scrape.txt")"

# ---- ptp4l loses its master: NTP; it comes back: the PHC ----
kill "$PTP_MASTER_PID"
wait_until 30 gate_is NTP || fail "the gate did not leave PTP: $(gate_field condition)"
t_decision=$(since_decision)
wait_until 10 ntp_selected || fail "chronyd did not move to NTP: $(chronyc_of c sources)"
ptp_to_ntp=$(secs_between "$t_decision" "$(now_ns)")
note "master killed: $(grep 'PHC0: gate' "$WORK/broker.log" | tail -1)"
ptp_start_master
wait_until 90 gate_is PTP || fail "the gate did not lock again: $(gate_field condition)"
t_lock=$(since_decision)
wait_until 20 selected c PHC0 || fail "chronyd did not come back to PHC0: $(chronyc_of c sources)"
ntp_to_ptp=$(secs_between "$t_lock" "$(now_ns)")

[ "$(cat "$WORK/c/chronyd.pid")" = "$chronyd_pid" ] && kill -0 "$chronyd_pid" || fail "chronyd was restarted"
stop_broker
limit=2.0
[ "$(gate_path)" = selectopts ] || limit=6.0
awk -v a="$ptp_to_ntp" -v l=$limit 'BEGIN { exit !(a <= l) }' || fail "ptp_to_ntp_s=$ptp_to_ntp above $limit s"
awk -v b="$ntp_to_ptp" 'BEGIN { exit !(b <= 5.0) }' || fail "ntp_to_ptp_s=$ntp_to_ptp above 5 s"
echo "gate: rehearsal chronyd=$(chronyd_version) ptp4l=$("$PTP4L" -v 2>&1 | head -1) path=$(gate_path) ptp_to_ntp_s=$ptp_to_ntp ntp_to_ptp_s=$ntp_to_ptp chronyd_restarts=0"
