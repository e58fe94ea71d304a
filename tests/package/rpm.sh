#!/bin/bash
# rpm.sh: the RPM builds from `make dist`'s tarball with rpmbuild -ta, and
# holds exactly what `make install` installs.
#
# On Debian (package rpm) without build dependencies' RPMs: --nodeps. The
# spec's %build is taken from the spec itself (rpm --eval, every macro
# expanded) and run on a second copy of the tarball, then `make install
# DESTDIR=`; its file list must equal `rpm -qlp`'s, man pages compared
# without the .gz that rpm's brp-compress adds, and without the
# /usr/lib/.build-id links rpm adds for each binary. The spec's scriptlets and
# the preset are checked as text: no RPM database is touched.
. "$(dirname "$0")/../integration/lib.sh"
[ "${PHCB_PACKAGE_TESTS:-yes}" = no ] && skip "package tests disabled by configure (--disable-package-tests: make distcheck, the sanitizer build)"
for c in rpmbuild rpm; do
	need_cmd "$c"
done
make_workdir
# The package builds must not inherit the enclosing make's state: under
# make check, MAKEFLAGS carries automake's TEST_LOGS override, and the
# package's own check-unit would run every test of the enclosing suite.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

version=$(sed -n 's/^PACKAGE_VERSION = //p' "$PHCB_BUILDDIR/Makefile")
name=phcbroker-$version
make -s -C "$PHCB_BUILDDIR" distdir distdir="$WORK/$name" >"$WORK/dist.log" 2>&1 || fail "make distdir: $(tail -5 "$WORK/dist.log")"
tar -C "$WORK" -czf "$WORK/$name.tar.gz" "$name" || fail "tar"
[ -f "$WORK/$name/phcbroker.spec" ] || fail "the distribution has no phcbroker.spec"
grep -q "^Version: *$version\$" "$WORK/$name/phcbroker.spec" || fail "phcbroker.spec is not filled with version $version"
rm -rf "$WORK/$name"

# ---- build ------------------------------------------------------------
top="$WORK/rpmbuild"
rpmbuild -ta --nodeps --define "_topdir $top" "$WORK/$name.tar.gz" >"$WORK/build.log" 2>&1 ||
	fail "rpmbuild -ta: $(tail -20 "$WORK/build.log")"
rpmfile=$(find "$top/RPMS" -name "$name-*.rpm" | head -1)
[ -f "$rpmfile" ] || fail "no binary RPM in $top/RPMS: $(find "$top" -name '*.rpm')"
note "built $(basename "$rpmfile") ($(stat -c %s "$rpmfile") bytes)"

# ---- the same files as make install ----------------------------------
# %build of the spec with every macro expanded (rpm --eval, after the
# spec's own fallback definitions), run on a fresh copy
tar -C "$WORK" -xzf "$WORK/$name.tar.gz"
spec="$WORK/$name/phcbroker.spec"
rpm --define "_topdir $top" --eval "$(grep '^%{!?' "$spec")
$(awk '/^%build/ { on = 1; next } /^%(prep|install|check|clean|files|changelog|description|package|pre|post|preun|postun)([ \t]|$)/ { on = 0 } on' "$spec")" >"$WORK/build.sh" 2>"$WORK/eval.log" ||
	fail "rpm --eval of %build: $(cat "$WORK/eval.log")"
grep -q "configure" "$WORK/build.sh" || fail "no configure in the spec's %build: $(cat "$WORK/build.sh")"
(cd "$WORK/$name" && sh -e "$WORK/build.sh") >"$WORK/make.log" 2>&1 || fail "the spec's %build by hand: $(tail -10 "$WORK/make.log")"
make -s -C "$WORK/$name" install DESTDIR="$WORK/dest" >>"$WORK/make.log" 2>&1 || fail "make install: $(tail -10 "$WORK/make.log")"
(cd "$WORK/dest" && find . ! -type d | sed 's|^\.||' | sed -E 's|^(/usr/share/man/.*)\.gz$|\1|' | sort) >"$WORK/make-install.list"
# rpm -qlp lists the directories the package owns too: only files here;
# and the /usr/lib/.build-id links rpm itself adds for every ELF file
rpm -qlp --dump "$rpmfile" 2>/dev/null | awk '{ mode = $5; if (substr(mode, length(mode) - 4, 1) != "4") print $1 }' |
	grep -v '^/usr/lib/\.build-id/' |
	sed -E 's|^(/usr/share/man/.*)\.gz$|\1|' | sort >"$WORK/rpm.list"
[ -s "$WORK/rpm.list" ] || fail "rpm -qlp listed nothing"
if ! diff -u "$WORK/make-install.list" "$WORK/rpm.list" >"$WORK/diff"; then
	fail "rpm -qlp differs from make install DESTDIR=: $(cat "$WORK/diff")"
fi
note "rpm -qlp equals make install's $(wc -l <"$WORK/make-install.list") files"

# ---- configs, preset, scriptlets --------------------------------------
configs=$(rpm -qcp "$rpmfile" 2>/dev/null | sort | tr '\n' ' ')
[ "$configs" = "/etc/chrony.d/phcbroker.conf /etc/phcbroker/phcbrokerd.conf " ] ||
	fail "config files are '$configs'"
for f in /etc/chrony.d/phcbroker.conf /etc/phcbroker/phcbrokerd.conf; do
	rpm -qp --qf '[%{FILENAMES} %{FILEFLAGS:fflags}\n]' "$rpmfile" | grep -qx "$f cn" ||
		fail "$f is not %config(noreplace): $(rpm -qp --qf '[%{FILENAMES} %{FILEFLAGS:fflags}\n]' "$rpmfile" | grep "$f")"
done
preset=$(rpm -qlp "$rpmfile" | grep 'system-preset/.*\.preset$')
[ -n "$preset" ] || fail "no systemd preset in the package"
grep -qx "enable phcbrokerd.service" "$WORK/dest$preset" || fail "$preset does not enable phcbrokerd.service"
grep -qx "enable phcbrokerd-metrics.socket" "$WORK/dest$preset" || fail "$preset does not enable phcbrokerd-metrics.socket"
scripts=$(rpm -qp --scripts "$rpmfile")
printf '%s\n' "$scripts" | grep -q 'preset phcbrokerd\.service\|install-system-units phcbrokerd\.service' ||
	fail "%post does not apply the preset to phcbrokerd.service: $scripts"
printf '%s\n' "$scripts" | grep -q 'systemctl.*enable' && fail "a scriptlet enables the unit itself: $scripts"
unitpath=$(rpm -qlp "$rpmfile" | grep '/phcbrokerd.service$')
case "$unitpath" in /usr/lib/systemd/system/*) ;; *) fail "the unit is at $unitpath, not in /usr/lib/systemd/system" ;; esac
rpm -qlp "$rpmfile" | grep -qx "${unitpath%/*}/phcbroker-ptp-kvm.service" ||
	fail "phcbroker-ptp-kvm.service is not beside phcbrokerd.service"
rpm -qlp "$rpmfile" | grep -qx "${unitpath%/*}/phcbrokerd-metrics.socket" ||
	fail "phcbrokerd-metrics.socket is not beside phcbrokerd.service"
note "configs noreplace: $configs; preset $preset; unit $unitpath"
echo "rpm: package=$(basename "$rpmfile") files=$(wc -l <"$WORK/rpm.list") configs=2 preset=yes"
