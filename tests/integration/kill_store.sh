#!/usr/bin/env bash
# kill -9 in the middle of appends: a helper appends synthetic trials to a results file as fast
# as it can and is killed at random moments, 20 times. After each kill the file must open with
# h5py and `sweep rank`, hold every trial the helper reported stored, each whole (its epochs
# and confusion cells, values derived from its id), and the next run must resume it.
source "$(dirname "$0")/common.sh"
[ -x "${STORE_APPEND_LOOP:-}" ] || fail "STORE_APPEND_LOOP does not name the helper binary"
RANDOM=7  # the same kill times on every run of the test
# Each read is bounded: a damaged metadata block makes HDF5 readers retry with growing sleeps,
# which looks like a hang (it did, before results files had paged file space).
check() {
  timeout 120 "$PY" - "$1" <<'PY'
import sys, h5py, numpy as np
reported = int(sys.argv[1])
with h5py.File("s.h5", "r", swmr=True) as f:
    t, e, c = f["trials"][:], f["epochs"][:], f["confusion"][:]
# An append cut short may leave, at the very end, a trial row without data (no status) and
# detail rows that belong to no stored trial row; sweep ignores and later drops them.
n = len(t)
while n > 0 and t["status"][n - 1] == b"":
    n -= 1
assert (t["status"][:n] == b"ok").all(), "a row without data before the end"
assert n >= reported, f"{n} trials in the file, {reported} reported stored"
ids = t["trial_id"][:n]
assert list(ids) == list(range(1, n + 1)), "trial ids not 1..n, once each"
for name, rows, per in (("epochs", e, 3), ("confusion", c, 9)):
    r = rows["trial_row"]
    ok = (r >= 0) & (r < n)
    ok[ok] = rows["trial_id"][ok] == ids[r[ok]]
    assert ok[:per * n].all() and not ok[per * n:].any(), f"{name}: rows not whole, in order"
assert np.allclose(e[:3 * n]["train_loss"], np.repeat(ids, 3) + np.tile([0.1, 0.2, 0.3], n))
assert (c[:9 * n]["count"] == np.repeat(ids * 10, 9) + np.tile(np.arange(9), n)).all()
print(n)
PY
}
total=0
progressed=0  # kills after which the file had grown (a slow start may append nothing)
for i in $(seq 1 20); do
  "$STORE_APPEND_LOOP" s.h5 100000000 > loop.log 2>loop.err &
  pid=$!
  sleep "0.$((RANDOM % 30 + 5))"
  kill -9 "$pid"
  wait "$pid" 2>/dev/null && fail "the helper ended by itself: $(cat loop.err)"
  reported=$(tail -n 1 loop.log | awk '{print $2}')
  n=$(check "${reported:-0}") || fail "kill $i: h5py found the file damaged, lost a trial or hung (exit $?)"
  timeout 120 "$SWEEP" rank s.h5 --top 1 > rank.log 2>&1 ||
    { cat rank.log; fail "kill $i: sweep rank cannot read the file or hung (exit $?)"; }
  grep -q "$n of $n trials" rank.log || { cat rank.log; fail "kill $i: sweep rank does not see $n trials"; }
  [ "$n" -gt "$total" ] && progressed=$((progressed + 1))
  total=$n
done
[ "$progressed" -ge 10 ] || fail "only $progressed of 20 runs appended anything before the kill"
"$PY" -c 'import h5py; h5py.File("s.h5", "r")' 2>/dev/null &&
  fail "a killed writer's file opened without swmr=True: HDF5 no longer marks it, update docs/results-file.md"
timeout 120 "$STORE_APPEND_LOOP" s.h5 $((total + 5)) > loop.log || fail "resume after the last kill"
"$PY" -c 'import h5py; assert len(h5py.File("s.h5", "r")["trials"]) == '$((total + 5)) ||
  fail "after a clean end the file must open plainly with all trials"
echo "kill_store: 20 kills inside appends; every reported trial whole each time; $((total + 5)) trials at the end"
