#!/bin/bash
# smoke.sh: the accuracy benchmark runs and produces numbers, its CPU phase
# one profile at a time (not a timed test: it asserts nothing about the
# values). Skips only without root or
# /dev/fuse, as the benchmark itself does.
out=$("$PHCB_SRCDIR/tests/bench/accuracy" --smoke 2>&1)
rc=$?
echo "$out"
[ $rc = 77 ] && exit 77
line=$(echo "$out" | tail -1)
echo "$line" | grep -Eq '^accuracy: worst_rms_ratio=[0-9.]+ worst_p99_ratio=[0-9.]+ cpu_ratio=[0-9.]+$' ||
	{ echo "FAIL: no numeric accuracy line (exit $rc)"; exit 1; }
[ $rc = 0 ] || { echo "FAIL: accuracy exited $rc"; exit 1; }
# the CPU came from each profile alone, and every window was counted
echo "$out" | grep -q "each profile's processes alone" || { echo "FAIL: the CPU phase was not isolated"; exit 1; }
echo "$out" | grep -Eq 'ratio = broker / anchor, the median and range over 1 window of' ||
	{ echo "FAIL: expected one isolated window per profile"; exit 1; }
echo PASS
