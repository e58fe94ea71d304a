#!/bin/bash
# deb.sh: the Debian package, built, checked and installed into this
# machine's root the way a user would, then purged.
#
# Builds phcbroker_*.deb with dpkg-buildpackage -us -uc -b from the tree's
# distribution (make distdir, which carries debian/), runs lintian (no
# errors allowed; warnings are printed), installs it with dpkg -i, and
# checks: the files, both conffiles, the unit's user made (sysusers.d),
# the unit enabled the Debian way
# (deb-systemd-helper's wants link), phcbrokerd --version, the shipped
# configuration accepted by --check-config, systemd-analyze verify on the
# installed unit, an edited conffile kept by a reinstall and by a remove,
# and purge leaving nothing of the package behind. The machine is restored
# at exit whatever happens (apt-get purge).
#
# Not exercised here: the unit's start. There is no systemd as PID 1 on the
# test machines (deb-systemd-invoke skips the start without it); the
# integration tests run the daemon under the unit's own users and
# capabilities instead.
. "$(dirname "$0")/../integration/lib.sh"
[ "${PHCB_PACKAGE_TESTS:-yes}" = no ] && skip "package tests disabled by configure (--disable-package-tests: make distcheck, the sanitizer build)"
need_root
for c in dpkg-buildpackage dpkg-checkbuilddeps lintian systemd-analyze apt-get; do
	need_cmd "$c"
done
if dpkg-query -W -f='${Status}' phcbroker 2>/dev/null | grep -q installed; then
	skip "a phcbroker package is installed on this machine; the test would replace and purge it"
fi
make_workdir
# The package builds must not inherit the enclosing make's state: under
# make check, MAKEFLAGS carries automake's TEST_LOGS override, and the
# package's own check-unit would run every test of the enclosing suite.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

# ---- build ------------------------------------------------------------
version=$(sed -n 's/^PACKAGE_VERSION = //p' "$PHCB_BUILDDIR/Makefile")
src="$WORK/phcbroker-$version"
make -s -C "$PHCB_BUILDDIR" distdir distdir="$src" >"$WORK/dist.log" 2>&1 || fail "make distdir: $(tail -5 "$WORK/dist.log")"
deb_version=$(cd "$src" && dpkg-parsechangelog -S Version)
case "$deb_version" in
"$version"-*) ;;
*) fail "debian/changelog has $deb_version, configure.ac $version: keep them in step" ;;
esac
missing=$(cd "$src" && dpkg-checkbuilddeps 2>&1) ||
	skip "build dependencies missing ($missing); ./quickstart installs them"
(cd "$src" && DEB_BUILD_OPTIONS="parallel=$(nproc)" dpkg-buildpackage -us -uc -b) >"$WORK/build.log" 2>&1 ||
	fail "dpkg-buildpackage: $(tail -20 "$WORK/build.log")"
deb="$WORK/phcbroker_${deb_version}_$(dpkg --print-architecture).deb"
changes="$WORK/phcbroker_${deb_version}_$(dpkg --print-architecture).changes"
[ -f "$deb" ] || fail "no $deb: $(ls "$WORK")"
note "built $(basename "$deb") ($(stat -c %s "$deb") bytes)"

# ---- lintian: no errors ---------------------------------------------
lintian --info --display-info --pedantic "$changes" >"$WORK/lintian.log" 2>&1
grep -q '^E: ' "$WORK/lintian.log" && fail "lintian errors: $(grep '^E: ' "$WORK/lintian.log")"
n_warn=$(grep -c '^W: ' "$WORK/lintian.log")
note "lintian: 0 errors, $n_warn warnings"
grep -E '^(W|I|P): ' "$WORK/lintian.log" | sed 's/^/    lintian /'

# ---- the contents -----------------------------------------------------
contents=$(dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|')
unitdir=$(pkg-config --variable=systemdsystemunitdir systemd)
catalogdir=$(pkg-config --variable=catalogdir systemd)
for f in /usr/sbin/phcbrokerd /usr/bin/phcbrokerctl /usr/bin/phcbroker-machineconfig \
	/etc/phcbroker/phcbrokerd.conf \
	/etc/chrony/conf.d/phcbroker.conf "$unitdir/phcbrokerd.service" \
	"$unitdir/phcbroker-ptp-kvm.service" "$unitdir/phcbrokerd-metrics.socket" \
	"${catalogdir:-/usr/lib/systemd/catalog}/phcbroker.catalog" \
	"$(pkg-config --variable=sysusersdir systemd || echo /usr/lib/sysusers.d)/phcbroker.conf" \
	/usr/share/man/man8/phcbrokerd.8.gz /usr/share/man/man8/phcbrokerctl.8.gz \
	/usr/share/man/man5/phcbrokerd.conf.5.gz /usr/share/man/man1/phcbroker-machineconfig.1.gz \
	/usr/share/bash-completion/completions/phcbrokerctl \
	/usr/share/phcbroker/prometheus/phcbroker-rules.yml \
	/usr/share/phcbroker/openshift/phcbroker-prometheusrule.yaml \
	/usr/share/phcbroker/grafana/phcbroker-dashboard.json \
	/usr/share/phcbroker/grafana/provisioning-dashboards.yaml \
	/usr/share/doc/phcbroker/README.Debian /usr/share/doc/phcbroker/copyright; do
	printf '%s\n' "$contents" | grep -qx "$f" || fail "$f is not in the package: $contents"
done
printf '%s\n' "$contents" | grep -q 'system-preset' && fail "the .deb carries a systemd preset (Debian enables in postinst)"
conffiles=$(dpkg-deb -I "$deb" conffiles)
for f in /etc/phcbroker/phcbrokerd.conf /etc/chrony/conf.d/phcbroker.conf; do
	printf '%s\n' "$conffiles" | grep -qx "$f" || fail "$f is not a conffile: $conffiles"
done

# ---- install ----------------------------------------------------------
at_exit "DEBIAN_FRONTEND=noninteractive apt-get purge -y -q phcbroker"
wants=/etc/systemd/system/multi-user.target.wants/phcbrokerd.service
[ -e "$wants" ] && fail "$wants exists before the install"
# the unit's user is made by the install (dh_installsysusers runs
# systemd-sysusers on the shipped file): take away the one the tests made
if id phcbroker >/dev/null 2>&1; then
	userdel phcbroker || fail "cannot remove the user phcbroker before the install: $(ps -u phcbroker -o pid,args)"
	at_exit unit_user_ensure
fi
DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" </dev/null >"$WORK/install.log" 2>&1 ||
	fail "dpkg -i: $(tail -10 "$WORK/install.log")"
installed=$(dpkg -L phcbroker)
id phcbroker >/dev/null 2>&1 || fail "the install did not make the user phcbroker: $(tail -5 "$WORK/install.log")"
[ "$(getent passwd phcbroker | cut -d: -f7)" = /usr/sbin/nologin ] || fail "phcbroker has a login shell: $(getent passwd phcbroker)"
[ "$(id -u phcbroker)" -lt 1000 ] || fail "phcbroker is not a system user: uid $(id -u phcbroker)"
[ -L "$wants" ] || fail "the unit is not enabled: no $wants"
[ "$(readlink -f "$wants")" = "$(readlink -f "$unitdir/phcbrokerd.service")" ] || fail "$wants points to $(readlink "$wants")"
swants=/etc/systemd/system/sockets.target.wants/phcbrokerd-metrics.socket
[ -L "$swants" ] || fail "the metrics socket is not enabled: no $swants"
out=$(/usr/sbin/phcbrokerd --version) || fail "phcbrokerd --version failed"
case "$out" in *"$version"*) ;; *) fail "phcbrokerd --version says '$out', not $version" ;; esac
/usr/bin/phcbrokerctl -h >/dev/null 2>&1 || fail "phcbrokerctl -h failed"
/usr/bin/phcbroker-machineconfig --version | grep -qx "phcbroker-machineconfig $version" || fail "phcbroker-machineconfig --version failed"
/usr/sbin/phcbrokerd --check-config -f /etc/phcbroker/phcbrokerd.conf >"$WORK/check.log" 2>&1 ||
	fail "the shipped configuration is refused: $(cat "$WORK/check.log")"
systemd-analyze verify "$unitdir/phcbrokerd.service" "$unitdir/phcbroker-ptp-kvm.service" "$unitdir/phcbrokerd-metrics.socket" >"$WORK/verify.log" 2>&1 ||
	fail "systemd-analyze verify: $(cat "$WORK/verify.log")"
grep -q phcbroker "$WORK/verify.log" && fail "systemd-analyze verify complains: $(cat "$WORK/verify.log")"
note "installed: $(printf '%s\n' "$installed" | wc -l) paths, user phcbroker (uid $(id -u phcbroker)) made, unit enabled, --version '$out', unit verified"

# ---- an edited conffile survives a reinstall and a remove ------------
echo "# edited by deb.sh" >>/etc/phcbroker/phcbrokerd.conf
DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" </dev/null >"$WORK/reinstall.log" 2>&1 ||
	fail "reinstall: $(tail -10 "$WORK/reinstall.log")"
grep -q "edited by deb.sh" /etc/phcbroker/phcbrokerd.conf || fail "the reinstall lost the edited conffile"
[ -e /etc/phcbroker/phcbrokerd.conf.dpkg-new ] && fail "the reinstall left phcbrokerd.conf.dpkg-new"
DEBIAN_FRONTEND=noninteractive apt-get remove -y -q phcbroker >"$WORK/remove.log" 2>&1 || fail "apt-get remove: $(tail -10 "$WORK/remove.log")"
[ -e /usr/sbin/phcbrokerd ] && fail "remove left /usr/sbin/phcbrokerd"
grep -q "edited by deb.sh" /etc/phcbroker/phcbrokerd.conf 2>/dev/null || fail "remove did not keep the edited conffile"
[ -f /etc/chrony/conf.d/phcbroker.conf ] || fail "remove did not keep the chrony drop-in"
note "an edited conffile kept by a reinstall and by a remove"

# ---- purge: nothing left ----------------------------------------------
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q phcbroker >"$WORK/purge.log" 2>&1 || fail "apt-get purge: $(tail -10 "$WORK/purge.log")"
dpkg-query -W -f='${Status}' phcbroker 2>/dev/null | grep -q "installed\|config-files" && fail "dpkg still knows phcbroker after purge"
left=""
while IFS= read -r p; do
	# directories other packages share (/usr/sbin, /etc/chrony, /lib as
	# usrmerge's link ...) stay
	[ -d "$p" ] && continue
	[ -e "$p" ] || [ -L "$p" ] && left="$left $p"
done <<<"$installed"
for p in /etc/phcbroker /usr/share/doc/phcbroker "$wants" "$swants" \
	/var/lib/systemd/deb-systemd-helper-enabled/phcbrokerd.service.dsh-also \
	/var/lib/systemd/deb-systemd-helper-enabled/multi-user.target.wants/phcbrokerd.service; do
	[ -e "$p" ] || [ -L "$p" ] && left="$left $p"
done
[ -z "$left" ] || fail "purge left:$left"
note "purge removed everything"
echo "deb: package=$(basename "$deb") paths=$(printf '%s\n' "$installed" | wc -l) lintian_errors=0 lintian_warnings=$n_warn"
