#!/usr/bin/env bash
# Failed trials are kept as failed and skipped on resume; --retry-failed runs them again, and
# afterwards rank, status and merge count each trial once, by its best row. A results file is
# refused (exit 2, left unchanged) when written for another parameter set or while another
# process writes it.
source "$(dirname "$0")/common.sh"
[ -d "$FASHION" ] || skip "Fashion-MNIST not installed at $FASHION (Debian package dataset-fashion-mnist)"
"$PY" "$(dirname "$0")/fashion_csv.py" "$FASHION" good.csv:0:300 test.csv:300:400
"$PY" - <<'PY'
lines = open("good.csv").read().splitlines()
lines[250] = lines[250].replace(",", ",x", 1)  # a bad pixel value on line 251
open("train.csv", "w").write("\n".join(lines) + "\n")
PY
printf 'dataset = csv\ntrain_csv = train.csv\ntest_csv = test.csv\nepochs = 1\nfilters = 2\ndense_units = 8\n[grid]\nlearning_rate = 0.001, 0.01\n' > r.ini

"$SWEEP" run r.ini --verbose > run1.log 2>&1 || { cat run1.log; fail "run 1"; }
[ "$(grep -c ' failed ' run1.log)" -eq 2 ] || { cat run1.log; fail "run 1: both trials should fail"; }
grep -q "train.csv:251" run1.log || { cat run1.log; fail "the failure does not name the line"; }
"$SWEEP" run r.ini > run2.log 2>&1 || { cat run2.log; fail "run 2"; }
grep -q "2 already in r.h5, 0 to run" run2.log || { cat run2.log; fail "failed trials ran again without --retry-failed"; }
"$SWEEP" plan r.ini --retry-failed > plan.log
grep -q "to run: 2 trials (0 already done" plan.log || { cat plan.log; fail "plan --retry-failed"; }

cp good.csv train.csv  # the data are fixed; paths are not part of a trial's id
"$SWEEP" run r.ini --retry-failed --verbose > run3.log 2>&1 || { cat run3.log; fail "run 3"; }
grep -q "0 already in r.h5, 2 to run" run3.log || { cat run3.log; fail "--retry-failed did not rerun them"; }
[ "$(grep -c ' ok ' run3.log)" -eq 2 ] || { cat run3.log; fail "run 3: both trials should succeed"; }
"$PY" - <<'PY'
import h5py
t = h5py.File("r.h5", "r")["trials"][:]
assert sorted(t["status"]) == [b"failed", b"failed", b"ok", b"ok"], t["status"]
assert len(set(t["trial_id"])) == 2
PY
"$SWEEP" rank r.h5 > rank.log
grep -q "2 of 2 trials" rank.log || { cat rank.log; fail "rank does not count each trial once"; }
grep -q "failed" rank.log && { cat rank.log; fail "rank still counts the replaced failures"; }
"$SWEEP" status r.ini r.h5 > status.log
grep -q "grid: 2 trials: 2 done, 0 failed, 0 missing" status.log && grep -Eq "^r.h5 +- +2 +0 +0 +0" status.log || { cat status.log; fail "status"; }
"$SWEEP" merge m.h5 r.h5 > merge.log 2>&1
grep -q "into m.h5: 2 trials" merge.log || { cat merge.log; fail "merge"; }
grep -q "^sweep: conflict" merge.log && { cat merge.log; fail "merge reported a retried trial as a conflict"; }
echo "retry: 2 failed trials skipped on resume, rerun ok with --retry-failed, counted once"

sum=$(md5sum < r.h5)
expect_exit 2 "$SWEEP" run r.ini --seed=5
expect_err "r.h5: written for a different parameter set"
expect_err "this grid: dataset=csv; keys: dense_units epochs filters learning_rate seed"
expect_exit 2 "$SWEEP" run r.ini --dataset=fashion_mnist --data_dir="$FASHION"
expect_err "this grid: dataset=fashion_mnist;"
[ "$(md5sum < r.h5)" = "$sum" ] || fail "a refused run changed r.h5"
"$SWEEP" run r.ini --learning_rate=0.001,0.01,0.1 > run4.log 2>&1 || { cat run4.log; fail "adding a value was refused"; }
grep -q "2 already in r.h5, 1 to run" run4.log || { cat run4.log; fail "run 4"; }

"$STORE_APPEND_LOOP" busy.h5 100000000 > loop.log &
loop=$!
for _ in $(seq 1 100); do [ -s loop.log ] && break; sleep 0.1; done
expect_exit 2 "$SWEEP" run r.ini --out busy.h5
kill -9 "$loop"
expect_err "busy.h5: another sweep is writing this file right now"
echo "retry: another parameter set and a file being written are refused with exit 2, unchanged"
