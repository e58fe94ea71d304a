#!/bin/bash
# machineconfig.sh: phcbroker-machineconfig's MachineConfig, applied to a
# scratch root and checked with the real tools (issue 13, item 4: the part
# that needs no daemons).
#
# Two typical invocations: a DU node whose NIC PHC ptp4l disciplines as a
# grandmaster, and a hypervisor PHC without ptp4l. mcapply.py applies each
# YAML to a temporary root (validating spec.config against the Ignition
# 3.2.0 JSON schema of ../shared/vendor when it is there), then:
#  - both files are there, mode 0644, with the expected lines; the refclock
#    line is the shipped drop-in's (refid replaced), [global] the shipped
#    phcbrokerd.conf's;
#  - phcbrokerd --check-config accepts phcbrokerd.conf, chronyd -p accepts
#    chrony.conf;
#  - systemd-analyze verify accepts the built phcbrokerd.service, which
#    reads the file the MachineConfig writes and orders itself before the
#    chronyd.service the MachineConfig enables;
#  - the only units are those two, enabled, without contents or drop-ins;
#    no timer, nothing that restarts chronyd;
#  - the YAML alone goes to standard output, the manual steps to standard
#    error or --instructions; the same options give the same bytes;
#  - bad options give one line "phcbroker-machineconfig: ...", exit 2, and
#    no output file (an existing one is left as it was); an unwritable
#    output gives exit 1;
#  - --help and the man page list the same options.
. "$(dirname "$0")/lib.sh"
need_cmd python3
python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml is not installed (./quickstart installs it)"
need_cmd "$CHRONYD"
need_cmd systemd-analyze
make_workdir
MCGEN="$PHCB_BUILDDIR/phcbroker-machineconfig"
APPLY="$PHCB_SRCDIR/tests/integration/mcapply.py"
MAN="$PHCB_SRCDIR/doc/phcbroker-machineconfig.1"
[ -x "$MCGEN" ] || fail "$MCGEN is not built"
schema="$PHCB_SRCDIR/../shared/vendor/ignition-v3_2.schema.json"
schema_args=()
if [ -f "$schema" ]; then
	python3 -c 'import jsonschema' 2>/dev/null || skip "python3-jsonschema is not installed (./quickstart installs it)"
	schema_args=(--schema "$schema")
	schema_state=valid
else
	note "no $schema (../shared is not beside the source tree): spec.config is not validated against the Ignition 3.2.0 schema"
	schema_state=not-checked
fi
note "chronyd under test: $CHRONYD, version $(chronyd_version)"

# The chrony drop-in's refclock line, and the shipped [global] section.
dropin_line=$(grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$PHCB_SRCDIR/conf.d/phcbroker.conf")
shipped_global=$(awk '/^\[/ { on = ($0 == "[global]") } on && !/^[[:space:]]*(#|$)/' "$PHCB_SRCDIR/conf.d/phcbrokerd.conf")
# content FILE: its lines that are neither comments nor blank.
content() { grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$1"; }

# apply_mc NAME: apply $WORK/NAME.yaml to $WORK/NAME-root; what was applied
# in $WORK/NAME.applied.
apply_mc() {
	python3 "$APPLY" --root "$WORK/$1-root" "${schema_args[@]}" "$WORK/$1.yaml" >"$WORK/$1.applied" 2>"$WORK/$1.apply-err" ||
		fail "mcapply $1: $(cat "$WORK/$1.apply-err")"
}

# check_applied NAME MC_NAME ROLE: the MachineConfig's shape, its two files
# (mode 0644) and two enabled units, and nothing else.
check_applied() {
	local name=$1 mc=$2 role=$3 root="$WORK/$1-root" f units
	local a="$WORK/$name.applied"
	grep -qx "machineconfig $mc role $role ignition 3.2.0" "$a" || fail "$name: metadata or version: $(cat "$a")"
	if [ "$schema_state" = valid ]; then
		grep -qx "schema valid $schema" "$a" || fail "$name: schema not validated: $(cat "$a")"
	fi
	[ "$(grep -c '^file ' "$a")" -eq 2 ] || fail "$name: not exactly two files: $(cat "$a")"
	for f in /etc/chrony.conf /etc/phcbroker/phcbrokerd.conf; do
		grep -qx "file $f mode 0644 bytes [0-9]*" "$a" || fail "$name: $f not applied with mode 0644: $(cat "$a")"
		[ "$(stat -c %a "$root$f")" = 644 ] || fail "$name: $root$f has mode $(stat -c %a "$root$f")"
	done
	units=$(grep '^unit ' "$a")
	[ "$units" = "unit phcbrokerd.service enabled yes mask no contents no dropins 0
unit phcbrokerd-metrics.socket enabled yes mask no contents no dropins 0
unit chronyd.service enabled yes mask no contents no dropins 0" ] || fail "$name: units: $units"
	[ "$(cat "$root/etc/systemd/system-preset/20-ignition.preset")" = "enable phcbrokerd.service
enable phcbrokerd-metrics.socket
enable chronyd.service" ] || fail "$name: presets: $(cat "$root/etc/systemd/system-preset/20-ignition.preset")"
	# no timer, no unit file or drop-in, nothing that runs systemctl
	f=$(find "$root" \( -name '*.timer' -o -path "$root/etc/systemd/system/*" \) -print)
	if [ -n "$f" ] || [ -d "$root/etc/systemd/system" ]; then
		fail "$name: units or timers written: $f"
	fi
	f=$(cat "$root/etc/chrony.conf" "$root/etc/phcbroker/phcbrokerd.conf" | grep -v '^[[:space:]]*#' |
		grep -i -E 'systemctl|restart|ExecStart|OnCalendar|OnUnitActiveSec|OnBootSec' || true)
	[ -z "$f" ] || fail "$name: a file would run or restart something: $f"
	grep -q -E '\.timer|OnCalendar' "$WORK/$name.yaml" && fail "$name: the YAML names a timer"
	return 0
}

# check_config NAME: phcbrokerd --check-config and chronyd -p accept the
# applied files.
check_config() {
	local name=$1 root="$WORK/$1-root" conf out
	conf="$root/etc/phcbroker/phcbrokerd.conf"
	if grep -q '^gate_mode ' "$conf" && [ "$gate_mode_known" = no ]; then
		# refused for gate_mode alone: checked without that line
		out=$("$PHCBROKERD" --check-config -f "$conf" 2>&1) && fail "$name: gate_mode accepted after the probe refused it"
		echo "$out" | grep -q "gate_mode" || fail "$name: --check-config refused more than gate_mode: $out"
		sed '/^gate_mode /d' "$conf" >"$WORK/$name-nogm.conf"
		conf="$WORK/$name-nogm.conf"
	fi
	out=$("$PHCBROKERD" --check-config -f "$conf" 2>&1) || fail "$name: phcbrokerd --check-config refused $conf: $out"
	echo "$out" | grep -q "configuration OK, 1 source" || fail "$name: --check-config said: $out"
	out=$("$CHRONYD" -p -f "$root/etc/chrony.conf" 2>&1) || fail "$name: chronyd -p refused chrony.conf: $out"
	echo "$out" | grep -q "^refclock SOCK " || fail "$name: chronyd -p printed no refclock line: $out"
	echo "$out" | grep -q -i -E 'error|invalid|could not' && fail "$name: chronyd -p complained: $out"
	return 0
}

# ---- does this phcbrokerd know gate_mode yet? ---------------------------
printf '[source PHC0]\ndevice sim\ngate_mode auto\n' >"$WORK/probe.conf"
if "$PHCBROKERD" --check-config -f "$WORK/probe.conf" >/dev/null 2>&1; then
	gate_mode_known=yes
else
	gate_mode_known=no
	note "this phcbrokerd does not know gate_mode yet: phcbrokerd.conf is checked without its gate_mode line"
fi

# ---- a DU node: NIC PHC, ptp4l grandmaster ------------------------------
"$MCGEN" --role master --interface ens1f0 --gate-mode grandmaster --domain 24 \
	--server 192.0.2.10 --pool 2.rhel.pool.ntp.org --nts-server time.cloudflare.com \
	--chrony-line 'minsources 1' -o "$WORK/nic.yaml" --instructions "$WORK/nic.txt" \
	>"$WORK/nic.stdout" 2>"$WORK/nic.stderr" || fail "generator (NIC): exit $?: $(cat "$WORK/nic.stderr")"
[ -s "$WORK/nic.stdout" ] && fail "NIC: standard output not empty with -o: $(head -3 "$WORK/nic.stdout")"
[ -s "$WORK/nic.stderr" ] && fail "NIC: standard error not empty with --instructions: $(head -3 "$WORK/nic.stderr")"
[ "$(stat -c %a "$WORK/nic.yaml")" = "$(printf '%o' $((0666 & ~$(umask))))" ] || fail "nic.yaml mode $(stat -c %a "$WORK/nic.yaml")"
apply_mc nic
# RHCOS's own chrony.conf lines, which the generated file keeps
rhcos_defaults="driftfile /var/lib/chrony/drift
makestep 1.0 3
rtcsync
keyfile /etc/chrony.keys
ntsdumpdir /var/lib/chrony
leapsectz right/UTC
logdir /var/log/chrony"
check_applied nic 99-master-phcbroker master
root="$WORK/nic-root"
[ "$(content "$root/etc/chrony.conf")" = "$dropin_line
server 192.0.2.10 iburst
pool 2.rhel.pool.ntp.org iburst
server time.cloudflare.com iburst nts
$rhcos_defaults
minsources 1" ] || fail "NIC chrony.conf: $(cat "$root/etc/chrony.conf")"
[ "$(content "$root/etc/phcbroker/phcbrokerd.conf")" = "$shipped_global
[source PHC0]
interface ens1f0
sock /run/chrony.PHC0.sock
rate 8Hz
readings 25
timescale tai
ptp4l_socket /var/run/ptp/ptp4l.0.socket
domain 24
gate_mode grandmaster" ] || fail "NIC phcbrokerd.conf: $(cat "$root/etc/phcbroker/phcbrokerd.conf")"
check_config nic
for s in 'phc2sysOpts: ""' 'service.chronyd=stop,disable' '05-chrony-dynamic' 'RPM' \
	"oc apply -f $WORK/nic.yaml" 'domainNumber must be 24'; do
	grep -qF -- "$s" "$WORK/nic.txt" || fail "the instructions lack '$s': $(cat "$WORK/nic.txt")"
done
head -1 "$WORK/nic.yaml" | grep -q '^# MachineConfig 99-master-phcbroker' || fail "no header comment: $(head -3 "$WORK/nic.yaml")"
grep -q "^# Generated by phcbroker-machineconfig [0-9]" "$WORK/nic.yaml" || fail "the header lacks the version"
grep -q "^#   --role master --interface ens1f0 --gate-mode grandmaster" "$WORK/nic.yaml" || fail "the header lacks the options: $(head -8 "$WORK/nic.yaml")"
note "NIC: applied $(tr '\n' ';' <"$WORK/nic.applied")"

# the same options, the same bytes
cp "$WORK/nic.yaml" "$WORK/nic.first.yaml" && cp "$WORK/nic.txt" "$WORK/nic.first.txt" || fail "cp"
"$MCGEN" --role master --interface ens1f0 --gate-mode grandmaster --domain 24 \
	--server 192.0.2.10 --pool 2.rhel.pool.ntp.org --nts-server time.cloudflare.com \
	--chrony-line 'minsources 1' -o "$WORK/nic.yaml" --instructions "$WORK/nic.txt" || fail "second run"
cmp -s "$WORK/nic.yaml" "$WORK/nic.first.yaml" || fail "two runs with the same options wrote different YAML"
cmp -s "$WORK/nic.txt" "$WORK/nic.first.txt" || fail "two runs with the same options wrote different instructions"

# ---- a hypervisor PHC, no ptp4l; YAML on stdout, steps on stderr -------
"$MCGEN" --role worker --name 50-worker-phcb --device /dev/ptp_hyperv --no-ptp4l --refid HV0 \
	--server ntp.example.com >"$WORK/hv.yaml" 2>"$WORK/hv.txt" || fail "generator (Hyper-V): exit $?: $(cat "$WORK/hv.txt")"
apply_mc hv
check_applied hv 50-worker-phcb worker
root="$WORK/hv-root"
[ "$(content "$root/etc/chrony.conf")" = "${dropin_line//PHC0/HV0}
server ntp.example.com iburst
$rhcos_defaults" ] || fail "Hyper-V chrony.conf: $(cat "$root/etc/chrony.conf")"
[ "$(content "$root/etc/phcbroker/phcbrokerd.conf")" = "$shipped_global
[source HV0]
device /dev/ptp_hyperv
sock /run/chrony.HV0.sock
rate 8Hz
readings 25
timescale utc" ] || fail "Hyper-V phcbrokerd.conf: $(cat "$root/etc/phcbroker/phcbrokerd.conf")"
check_config hv
grep -qF "oc apply -f 50-worker-phcb.yaml" "$WORK/hv.txt" || fail "stderr lacks the oc apply step: $(cat "$WORK/hv.txt")"
grep -qF "phc2sysOpts" "$WORK/hv.txt" || fail "stderr lacks the phc2sys step"
grep -q 'ptp4l\.N\.socket\|domainNumber' "$WORK/hv.txt" && fail "the steps for a PHC without ptp4l speak of ptp4l's socket"
note "Hyper-V: applied $(tr '\n' ';' <"$WORK/hv.applied")"

# ---- the unit the MachineConfig enables --------------------------------
unit="$PHCB_BUILDDIR/systemd/phcbrokerd.service"
[ -f "$unit" ] || fail "$unit is not built"
# built for the RPM (sysconfdir /etc), it reads the file the MC writes
sed -e 's|@sbindir@|/usr/sbin|g' -e 's|@sysconfdir@|/etc|g' "$PHCB_UNIT" |
	grep -q '^ExecStart=/usr/sbin/phcbrokerd .*-f /etc/phcbroker/phcbrokerd.conf$' ||
	fail "the unit built with sysconfdir /etc does not read /etc/phcbroker/phcbrokerd.conf"
grep -q '^Before=.*\bchronyd\.service\b' "$unit" || fail "the unit is not ordered before chronyd.service (RHCOS's name)"
# systemd-analyze verify checks that ExecStart's program exists: the built one
mkdir "$WORK/units"
sed -E "s|^(Exec[A-Za-z]*=)[^ ]*/phcbrokerd |\1$PHCBROKERD |" "$unit" >"$WORK/units/phcbrokerd.service"
grep -q "^ExecStart=$PHCBROKERD " "$WORK/units/phcbrokerd.service" || fail "could not point the unit at $PHCBROKERD"
# and that the man pages of Documentation= exist: the tree's own
mkdir -p "$WORK/man/man5" "$WORK/man/man8"
ln -s "$PHCB_SRCDIR/doc/phcbrokerd.8" "$PHCB_SRCDIR/doc/phcbrokerctl.8" "$WORK/man/man8/"
ln -s "$PHCB_SRCDIR/doc/phcbrokerd.conf.5" "$WORK/man/man5/"
out=$(MANPATH="$WORK/man" systemd-analyze verify "$WORK/units/phcbrokerd.service" 2>&1) || fail "systemd-analyze verify: $out"
echo "$out" | grep -q phcbrokerd && fail "systemd-analyze verify complains: $out"
note "systemd-analyze verify accepts the built phcbrokerd.service"

# ---- bad options: one line, exit 2, nothing written ---------------------
# bad TEXT ARG...: the generator run with -o bad.yaml and ARG... fails so.
n_bad=0
bad() {
	local want=$1 out rc
	shift
	n_bad=$((n_bad + 1))
	rm -f "$WORK/bad.yaml"
	out=$("$MCGEN" -o "$WORK/bad.yaml" "$@" 2>&1 >/dev/null)
	rc=$?
	[ $rc -eq 2 ] || fail "'$*': exit $rc, wanted 2 ($out)"
	[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "'$*': not one line: $out"
	case "$out" in
	"phcbroker-machineconfig: "*"$want"*) ;;
	*) fail "'$*': '$out' lacks '$want'" ;;
	esac
	[ -e "$WORK/bad.yaml" ] && fail "'$*': an output file was written"
	return 0
}
base=(--role master --interface ens1f0 --server ntp.example.com)
bad "--role POOL is required" --interface ens1f0 --server ntp.example.com
bad "no NTP fallback" --role master --interface ens1f0
bad "--refid 'PHC00' must be 1 to 4 letters or digits" "${base[@]}" --refid PHC00
bad "--interface and --device exclude each other" "${base[@]}" --device /dev/ptp0
bad "give --interface IFACE" --role master --server ntp.example.com
bad "--role 'Master' must be" --role Master --interface ens1f0 --server ntp.example.com
bad "--server 'ntp example.com' must be a host name" "${base[@]}" --server 'ntp example.com'
bad "--nts-server '\"ntp\"' must be a host name" "${base[@]}" --nts-server '"ntp"'
bad "--pool 'pool?server evil' must be" "${base[@]}" --pool "$(printf 'pool\nserver evil')"
bad "--chrony-line number 1 must be one line" "${base[@]}" --chrony-line "$(printf 'minsources 1\nmakestep 1000 -1')"
bad "--gate-mode 'boundary' must be auto, slave or grandmaster" "${base[@]}" --gate-mode boundary
bad "--gate-mode slave needs ptp4l" "${base[@]}" --no-ptp4l --gate-mode slave
bad "--domain '256' must be a number from 0 to 255" "${base[@]}" --domain 256
bad "--no-ptp4l and --ptp4l-socket exclude each other" "${base[@]}" --no-ptp4l --ptp4l-socket /var/run/ptp4l
bad "--role given twice" "${base[@]}" --role worker
bad "unknown option '--bogus'" "${base[@]}" --bogus
bad "option '--role' needs a value" --interface ens1f0 --server ntp.example.com --role
bad "unexpected argument 'extra'" "${base[@]}" extra
# an existing output is left as it was
echo "keep me" >"$WORK/keep.yaml"
"$MCGEN" --role master --interface ens1f0 -o "$WORK/keep.yaml" 2>/dev/null && fail "no servers accepted"
[ "$(cat "$WORK/keep.yaml")" = "keep me" ] || fail "a refused run changed the existing output file"
# an output that cannot be written: exit 1, one line, no temporary left
out=$("$MCGEN" "${base[@]}" -o "$WORK/nodir/mc.yaml" 2>&1 >/dev/null)
rc=$?
[ $rc -eq 1 ] || fail "an unwritable output gave exit $rc: $out"
case "$out" in "phcbroker-machineconfig: $WORK/nodir/mc.yaml: cannot create: "*) ;; *) fail "unclear I/O error: $out" ;; esac
mkdir "$WORK/adir"
out=$("$MCGEN" "${base[@]}" -o "$WORK/adir" 2>&1 >/dev/null)
rc=$?
[ $rc -eq 1 ] || fail "a directory as the output gave exit $rc: $out"
left=$(find "$WORK" -maxdepth 1 -name 'adir.*' -print)
[ -z "$left" ] || fail "temporary files left beside the output: $left"
note "bad options refused with exit 2 and one line each; I/O errors exit 1"

# ---- --help, --version, the man page ------------------------------------
help_opts=$("$MCGEN" --help | grep -o -e '--[a-z0-9-]*' | sort -u)
man_opts=$(sed 's/\\-/-/g' "$MAN" | grep -o -e '--[a-z0-9-]*' | sort -u)
[ "$help_opts" = "$man_opts" ] || fail "--help and the man page list different options: $(diff <(echo "$help_opts") <(echo "$man_opts"))"
version=$(sed -n 's/^PACKAGE_VERSION = //p' "$PHCB_BUILDDIR/Makefile")
[ "$("$MCGEN" --version)" = "phcbroker-machineconfig $version" ] || fail "--version: $("$MCGEN" --version)"

echo "machineconfig: schema=$schema_state chronyd=$(chronyd_version) gate_mode_checked=$gate_mode_known files=2 units=2 bad_options_refused=$n_bad"
