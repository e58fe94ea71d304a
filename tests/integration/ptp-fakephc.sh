#!/bin/bash
# ptp-fakephc.sh: the ptp driver's real ioctl path against emulated PHCs.
#
# Mounts tests/fakephc/fakephc and runs ptp_fakephc_probe, which drives
# phc_driver_ptp (drivers/ptp.c) exactly as phcbrokerd does: open and caps,
# PRECISE on kvm, EXTENDED on nic (25 readings) and vmw (7), every read
# window checked against fakephc's truth, the device vanishing and
# returning, and a second mount with --real-methods where a clock without
# PRECISE or EXTENDED is refused. Skips only without root or /dev/fuse.
. "$(dirname "$0")/lib.sh"
PATH=$PATH:/usr/sbin:/sbin
FAKEPHC=${FAKEPHC:-$PHCB_BUILDDIR/tests/fakephc/fakephc}
PROBE=$PHCB_BUILDDIR/tests/integration/ptp_fakephc_probe

[ "$(id -u)" = 0 ] || skip "needs root (FUSE mount)"
[ -c /dev/fuse ] || skip "no /dev/fuse"
[ -x "$FAKEPHC" ] || fail "no fakephc at $FAKEPHC"
[ -x "$PROBE" ] || fail "no ptp_fakephc_probe at $PROBE"
make_workdir

# mount_fakephc DIR SOCK ARGS...: fakephc in the background, stopped at exit
mount_fakephc() {
	local mnt=$1 sock=$2 pid
	shift 2
	mkdir -p "$mnt"
	"$FAKEPHC" -m "$mnt" --truth-socket "$sock" "$@" >>"$WORK/fakephc.log" 2>&1 &
	pid=$!
	at_exit "kill $pid; wait $pid; grep -q ' $mnt ' /proc/mounts && umount -l '$mnt'"
	wait_until 10 test -S "$sock" || fail "fakephc did not come up: $(cat "$WORK/fakephc.log")"
}

mount_fakephc "$WORK/mnt" "$WORK/truth.sock" kvm=kvm nic=nic vmw=vmw
"$PROBE" precise "$WORK/mnt/kvm" "$WORK/truth.sock" kvm || fail "PRECISE on kvm"
"$PROBE" extended "$WORK/mnt/nic" "$WORK/truth.sock" nic 25 62499999 || fail "EXTENDED on nic"
"$PROBE" extended "$WORK/mnt/vmw" "$WORK/truth.sock" vmw 7 0 || fail "EXTENDED on vmw"
"$PROBE" vanish "$WORK/mnt/nic" "$WORK/truth.sock" nic || fail "vanish and return"

# as the real kernel drivers: hyperv answers neither PRECISE nor EXTENDED
mount_fakephc "$WORK/real" "$WORK/real.sock" --real-methods hyperv=hyperv kvm=kvm
"$PROBE" nomethod "$WORK/real/hyperv" || fail "a clock without a usable method"
"$PROBE" precise "$WORK/real/kvm" "$WORK/real.sock" kvm || fail "PRECISE on kvm, real methods"
echo PASS
