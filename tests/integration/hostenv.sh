#!/bin/bash
# hostenv.sh: the daemon knows where it runs. On a fixture sysfs (a KVM
# guest's DMI, its "KVM virtual PTP" clock backed by a fakephc device, a
# NIC's PHC without a device node), run as the unit runs it:
#  - GET ENVIRONMENT names the hypervisor and how it was found, each PHC
#    with its kind, driver, interfaces, probed method and the source that
#    reads it; -j gives the same as JSON;
#  - the start logs the host once; a reload after ptp_kvm "went away"
#    (its clock and module gone from sysfs) warns with the fix, and GET
#    ENVIRONMENT says the clock is missing;
#  - hypervisor auto on this machine agrees with systemd-detect-virt;
#  - --print-chrony-conf prints the SOCK line, makestep for a VM, and a
#    WARNING for a refclock PHC on the same clock in an included file;
#  - systemd-analyze verify accepts phcbroker-ptp-kvm.service.
. "$(dirname "$0")/lib.sh"
need_root
[ -c /dev/fuse ] || skip "no /dev/fuse (the PHC is a fakephc device)"
need_cmd fusermount3
FAKEPHC=$PHCB_BUILDDIR/tests/fakephc/fakephc
CTL=$PHCB_BUILDDIR/phcbrokerctl
[ -x "$FAKEPHC" ] || fail "no fakephc at $FAKEPHC"
make_workdir

# ---- the fixture host: DMI of a KVM guest, two PHCs ----------------------
sys=$WORK/sys dev=$WORK/dev mnt=$WORK/mnt
mkdir -p "$sys/class/dmi/id" "$sys/class/ptp/ptp0" "$sys/class/ptp/ptp1/device/net/ens9" \
	"$sys/module/ptp_kvm" "$sys/bus/pci/drivers/ice" "$dev" "$mnt"
echo QEMU >"$sys/class/dmi/id/sys_vendor"
echo "Standard PC (Q35 + ICH9, 2009)" >"$sys/class/dmi/id/product_name"
echo "KVM virtual PTP" >"$sys/class/ptp/ptp0/clock_name"
echo "ice-0000:51:00.0-clk" >"$sys/class/ptp/ptp1/clock_name"
ln -s "$sys/bus/pci/drivers/ice" "$sys/class/ptp/ptp1/device/driver"

start_fakephc "$mnt" kvm kvm=kvm
ln -s "$mnt/kvm" "$dev/ptp0" # ptp1 has no node: opening it fails

sock=/run/chrony.phcbt-hostenv-$$.sock
start_chronyd c "refclock SOCK $sock refid HV poll 0 prefer trust"
conf=$WORK/broker.conf
mport=$(free_tcp_port)
METRICS_ADDR=127.0.0.1:$mport # phcbrokerd-metrics.socket
write_conf() {
	cat >"$conf" <<EOC
$(broker_global c)
metrics_listen systemd
dev_root $dev
sysfs_root $sys
hypervisor $1
[source HV]
device auto
sock $sock
gate_lock_dwell 1s
EOC
}
write_conf kvm
start_broker "$conf"
wait_until 20 selected c HV || fail "HV not selected: $(tail -5 "$WORK/broker.log")"

field() { awk -v k="$2" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' <<<"$1"; }
# record OUT [NAME]: the fields of block "phcbrokerd RESPONSE ENVIRONMENT
# [NAME]" (the host's without NAME)
record() {
	awk -v n="${2:-}" '$1 == "phcbrokerd" && $2 == "RESPONSE" { on = ($3 == "ENVIRONMENT" && $4 == n); next }
		/^sending:/ { on = 0 } on' <<<"$1"
}
expect() { # expect TEXT KEY VALUE
	local got
	got=$(field "$1" "$2")
	[ "$got" = "$3" ] || fail "$2 is '$got', wanted '$3' in: $1"
}

out=$("$CTL" -s "$WORK/ctl.sock" 'GET ENVIRONMENT') || fail "GET ENVIRONMENT: $out"
host=$(record "$out")
expect "$host" hypervisor kvm
expect "$host" detected_by config
expect "$host" sys_vendor QEMU
expect "$host" phcs 2
expect "$host" hypervisor_phc "KVM virtual PTP"
expect "$host" hypervisor_phc_present yes
expect "$host" hypervisor_phc_module ptp_kvm
expect "$host" hypervisor_phc_module_loaded yes
p0=$(record "$out" ptp0)
expect "$p0" kind hypervisor
expect "$p0" of_hypervisor kvm
expect "$p0" used_by HV
expect "$p0" method precise # fakephc's kvm cross-timestamps, as ptp_kvm does
expect "$p0" cross_timestamping yes
p1=$(record "$out" ptp1)
expect "$p1" kind nic
expect "$p1" driver ice
expect "$p1" interfaces ens9
expect "$p1" used_by -
expect "$p1" open_error "No such file or directory"
note "GET ENVIRONMENT: kvm by config; ptp0 hypervisor precise used by HV; ptp1 nic ice ens9"

json=$("$CTL" -s "$WORK/ctl.sock" -j 'GET ENVIRONMENT') || fail "GET ENVIRONMENT -j"
python3 - "$json" <<'EOP' || fail "JSON of GET ENVIRONMENT: $json"
import json, sys
doc = json.loads(sys.argv[1])
text = json.dumps(doc)
for want in ('"hypervisor": "kvm"', '"ptp0"', '"ptp1"', '"used_by": "HV"'):
    assert want in text, want
EOP

scrape() { python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' "http://127.0.0.1:$mport/metrics"; }
m=$(scrape) || fail "no /metrics"
grep -qx 'phcbroker_host_info{hypervisor="kvm",detected_by="config",cloud=""} 1' <<<"$m" || fail "host_info: $(grep host_ <<<"$m")"
grep -qx 'phcbroker_host_hypervisor_phc_missing 0' <<<"$m" || fail "phc_missing: $(grep host_ <<<"$m")"

grep -q "host: hypervisor kvm (config), 2 PHCs: ptp0 'KVM virtual PTP' hypervisor; ptp1 'ice-0000:51:00.0-clk' nic" "$WORK/broker.log" ||
	fail "the start did not log the host: $(grep host: "$WORK/broker.log")"
[ "$(grep -c 'host: hypervisor' "$WORK/broker.log")" = 1 ] || fail "the host logged more than once"

# ---- the hypervisor's clock goes away: a reload warns ------------------
rm -rf "$sys/class/ptp/ptp0" "$sys/module/ptp_kvm"
kill -HUP "$BROKER_PID"
wait_until 10 grep -q "host: no 'KVM virtual PTP' PHC on this kvm guest (module ptp_kvm not loaded): load ptp_kvm" "$WORK/broker.log" ||
	fail "no warning after the clock went: $(tail -5 "$WORK/broker.log")"
out=$(record "$("$CTL" -s "$WORK/ctl.sock" 'GET ENVIRONMENT')")
expect "$out" hypervisor_phc_present no
expect "$out" hypervisor_phc_module_loaded no
field "$out" hint | grep -q "phcbroker-ptp-kvm.service" || fail "no hint: $out"
sleep 0.2 # past the 100 ms during which scrapes share one rendering
scrape | grep -qx 'phcbroker_host_hypervisor_phc_missing 1' || fail "/metrics does not say the clock is missing"
# a reload that changes nothing logs nothing
n=$(grep -c "host: " "$WORK/broker.log")
kill -HUP "$BROKER_PID"
wait_until 10 sh -c "[ \$(grep -c 'configuration reloaded' '$WORK/broker.log') -ge 2 ]" || fail "second reload"
[ "$(grep -c "host: " "$WORK/broker.log")" = "$n" ] || fail "an unchanged host was logged again"
note "reload: the missing clock is warned about once, with the fix"

# ---- hypervisor auto: what this machine says ---------------------------
write_conf auto
kill -HUP "$BROKER_PID"
wait_until 10 sh -c "[ \$(grep -c 'configuration reloaded' '$WORK/broker.log') -ge 3 ]" || fail "reload to auto"
out=$(record "$("$CTL" -s "$WORK/ctl.sock" 'GET ENVIRONMENT')")
by=$(field "$out" detected_by) hv=$(field "$out" hypervisor)
case $by in
systemd | cpuid) ;;
# no bus and a CPU that shows no hypervisor (bare metal, or valgrind's
# CPUID): DMI decides, and DMI here is the fixture's QEMU
dmi) [ "$hv" = qemu ] || fail "hypervisor auto by dmi says '$hv', the fixture's DMI is QEMU" ;;
*) fail "detected_by '$by' with the fixture's DMI present" ;;
esac
if [ "$by" != dmi ] && command -v systemd-detect-virt >/dev/null 2>&1; then
	sd=$(systemd-detect-virt --vm 2>/dev/null)
	# systemd-detect-virt knows hypervisors (PVM, ...) we have no name for
	case $sd in
	kvm | microsoft | vmware | xen | amazon | google | qemu | oracle | bochs | parallels | bhyve | qnx | acrn | none)
		[ "$hv" = "$sd" ] || fail "hypervisor auto says '$hv' ($by), systemd-detect-virt '$sd'" ;;
	*) note "systemd-detect-virt says '$sd', a name outside our table; we say '$hv'" ;;
	esac
fi
note "hypervisor auto on this machine: $hv ($by)"
kill -0 "$BROKER_PID" || fail "broker died"
stop_broker

# ---- --print-chrony-conf -----------------------------------------------
mkdir -p "$WORK/chrony/conf.d"
printf 'pool 2.debian.pool.ntp.org iburst\nconfdir %s/chrony/conf.d\n' "$WORK" >"$WORK/chrony/chrony.conf"
printf '# left over\nrefclock PHC %s/ptp0 poll 2\n' "$dev" >"$WORK/chrony/conf.d/old.conf"
echo "KVM virtual PTP" >"$WORK/clockname" && mkdir -p "$sys/class/ptp/ptp0" && mv "$WORK/clockname" "$sys/class/ptp/ptp0/clock_name"
write_conf kvm
gen=$("$PHCBROKERD" -f "$conf" --print-chrony-conf --chrony-conf "$WORK/chrony/chrony.conf") || fail "--print-chrony-conf: $gen"
grep -qx "refclock SOCK $sock refid HV poll 0 precision 1e-8 prefer trust" <<<"$gen" || fail "no SOCK line: $gen"
grep -qx "makestep 1 -1" <<<"$gen" || fail "no makestep on a VM: $gen"
grep -q "^# WARNING: $WORK/chrony/conf.d/old.conf:2 reads $dev/ptp0 with refclock PHC, the PHC (ptp0) that source HV" <<<"$gen" ||
	fail "no warning for the second refclock on ptp0: $gen"
# the generated lines are chrony's own syntax: chronyd -p parses them
"$CHRONYD" -p -f <(grep -v '^#' <<<"$gen") >/dev/null 2>&1 || fail "chronyd -p refuses the lines: $gen"
"$PHCBROKERD" -f "$conf" --print-chrony-conf --chrony-conf "$WORK/none.conf" >/dev/null 2>"$WORK/err" &&
	fail "a missing --chrony-conf file was not an error"
grep -q "none.conf: No such file or directory" "$WORK/err" || fail "unclear error: $(cat "$WORK/err")"
note "--print-chrony-conf: SOCK line, makestep, the competing refclock PHC found"

# ---- the ptp_kvm unit ----------------------------------------------------
unit=$PHCB_SRCDIR/systemd/phcbroker-ptp-kvm.service
grep -qx "ConditionVirtualization=kvm" "$unit" || fail "the ptp_kvm unit is not limited to KVM"
if command -v systemd-analyze >/dev/null 2>&1 && [ -x /sbin/modprobe ]; then
	mkdir -p "$WORK/units" "$WORK/man/man8"
	cp "$unit" "$WORK/units/"
	ln -s "$PHCB_SRCDIR/doc/phcbrokerd.8" "$WORK/man/man8/"
	v=$(MANPATH="$WORK/man" systemd-analyze verify "$WORK/units/phcbroker-ptp-kvm.service" 2>&1) || fail "systemd-analyze verify: $v"
	grep -q "ptp-kvm" <<<"$v" && fail "systemd-analyze verify complains: $v"
	note "systemd-analyze verify accepts phcbroker-ptp-kvm.service"
else
	note "systemd-analyze or /sbin/modprobe missing (./quickstart installs systemd and kmod): the unit is not verified"
fi
echo "hostenv: hypervisor_auto=$hv detected_by=$by"
