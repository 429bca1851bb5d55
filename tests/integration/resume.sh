#!/usr/bin/env bash
# Running the same command again skips what is stored; a grid that adds values adds only the
# new trials; `sweep plan` says what would be skipped; `sweep rank` reads the file.
source "$(dirname "$0")/common.sh"
[ -d "$FASHION" ] || skip "Fashion-MNIST not installed at $FASHION (Debian package dataset-fashion-mnist)"
printf 'epochs = 1\ntrain_subset = 300\nfilters = 2\ndense_units = 8\n[grid]\nlearning_rate = 0.001, 0.01\n' > r.ini

sweep_mpi 2 run r.ini > run1.log 2>&1 || { cat run1.log; fail "first run"; }
grep -q "2 to run" run1.log || fail "first run did not plan 2 trials"
sweep_mpi 2 run r.ini > run2.log 2>&1 || { cat run2.log; fail "second run"; }
grep -q "2 already in r.h5, 0 to run" run2.log || { cat run2.log; fail "second run did not skip both"; }
"$SWEEP" plan r.ini --learning_rate=0.001,0.01,0.1 > plan.log
grep -q "to run: 1 trials (2 already done, skipped)" plan.log || { cat plan.log; fail "plan"; }
sweep_mpi 3 run r.ini --learning_rate=0.001,0.01,0.1 > run3.log 2>&1 || { cat run3.log; fail "third run"; }
grep -q "2 already in r.h5, 1 to run" run3.log || { cat run3.log; fail "third run"; }
"$SWEEP" rank r.h5 --by val_acc --top 0 > rank.log
grep -q "ranked by val_acc (higher is better): 3 of 3 trials" rank.log || { cat rank.log; fail "rank"; }
"$PY" - <<'PY'
import h5py
t = h5py.File("r.h5", "r")["trials"][:]
assert len(t) == 3 and len(set(t["trial_id"])) == 3, t["trial_id"]
assert sorted(t["learning_rate"]) == [0.001, 0.01, 0.1], t["learning_rate"]
print("resume: 3 distinct trials after 3 runs; nothing duplicated")
PY
