#!/bin/bash
# smoke.sh: the accuracy benchmark runs and produces numbers (not a timed
# test: it asserts nothing about the values). Skips only without root or
# /dev/fuse, as the benchmark itself does.
out=$("$PHCB_SRCDIR/tests/bench/accuracy" --smoke 2>&1)
rc=$?
echo "$out"
[ $rc = 77 ] && exit 77
line=$(echo "$out" | tail -1)
echo "$line" | grep -Eq '^accuracy: worst_rms_ratio=[0-9.]+ worst_p99_ratio=[0-9.]+ cpu_ratio=[0-9.]+$' ||
	{ echo "FAIL: no numeric accuracy line (exit $rc)"; exit 1; }
[ $rc = 0 ] || { echo "FAIL: accuracy exited $rc"; exit 1; }
echo PASS
