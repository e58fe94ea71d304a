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

# the shipped configuration is valid
out=$("$PHCBROKERD" --check-config -f "$PHCB_SRCDIR/conf.d/phcbrokerd.conf" 2>&1)
[ $? -eq 0 ] || fail "shipped phcbrokerd.conf refused: $out"
"$PHCBROKERD" --help | grep -q -- "--check-config" || fail "--help lacks --check-config"
"$PHCBROKERD" --version | grep -q "^phcbrokerd " || fail "--version"
echo "bad-config: ok"
