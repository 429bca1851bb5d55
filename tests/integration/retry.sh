#!/usr/bin/env bash
# Bad data is bad input: a malformed CSV row or a label that leaves classes without training
# images stops the sweep before it starts (exit 2, the line named, no results file). Trials that
# fail at run time are kept as failed, the sweep goes on and exits 3 with the failures grouped
# by message (--allow-failed: 0); they are skipped on resume (still exit 3) and --retry-failed
# runs them again, after which rank, status and merge count each trial once, by its best row. A
# results file is refused (exit 2, left unchanged) when written for another parameter set or
# while another process writes it.
source "$(dirname "$0")/common.sh"
need_failing_trials
[ -d "$FASHION" ] || skip "Fashion-MNIST not installed at $FASHION (Debian package dataset-fashion-mnist)"
"$PY" "$(dirname "$0")/fashion_csv.py" "$FASHION" train.csv:0:300 test.csv:300:400
"$PY" - <<'PY'
lines = open("train.csv").read().splitlines()
bad = list(lines)
bad[250] = bad[250].replace(",", ",x", 1)  # a bad pixel value on line 251
open("bad.csv", "w").write("\n".join(bad) + "\n")
gap = list(lines)
gap[120] = "77" + gap[120][gap[120].index(","):]  # one label 77 among the classes 0-9
open("gap.csv", "w").write("\n".join(gap) + "\n")
PY
printf 'dataset = csv\ntrain_csv = train.csv\ntest_csv = test.csv\nepochs = 1\nfilters = 2\ndense_units = 8\n[grid]\nlearning_rate = 0.001, 0.01\n' > r.ini

expect_exit 2 "$SWEEP" run r.ini --train_csv=bad.csv
expect_err "bad.csv:251: field 2 is not an integer"
expect_exit 2 "$SWEEP" run r.ini --train_csv=gap.csv
expect_err "gap.csv:121: label 77 leaves 67 class(es) below it without a training image (the first: 10)"
expect_err "set num_classes = 78"
[ ! -e r.h5 ] || fail "bad data left a results file"
"$SWEEP" plan r.ini --train_csv=gap.csv --num_classes=78 > gap_plan.log || { cat gap_plan.log; fail "num_classes = 78"; }
grep -q "read and checked in" gap_plan.log || { cat gap_plan.log; fail "plan does not say it checked the data"; }
echo "retry: a bad CSV row and a label gap are bad input (exit 2, the line named, nothing written)"

expect_exit 3 "$SWEEP" run r.ini --verbose "$FAIL_TRIALS"
cp "$WORK/out" run1.log
[ "$(grep -c ' failed ' run1.log)" -eq 2 ] || { cat run1.log; fail "run 1: both trials should fail"; }
expect_err "sweep: 2 of 2 trials failed (stored in r.h5 with their messages"
expect_err "  2 x device = cuda: this rank sees no CUDA device"
expect_err "sweep: exit code 3: some trials failed"
expect_exit 3 "$SWEEP" run r.ini  # resumed: nothing to run, the failures are still there
grep -q "2 already in r.h5, 0 to run" "$WORK/out" || { cat "$WORK/out"; fail "failed trials ran again without --retry-failed"; }
"$SWEEP" run r.ini --allow-failed > allow.log 2>&1 || { cat allow.log; fail "--allow-failed did not exit 0"; }
grep -q "exit code 0 (--allow-failed)" allow.log || { cat allow.log; fail "--allow-failed says nothing"; }
"$SWEEP" plan r.ini --retry-failed > plan.log
grep -q "to run: 2 trials (0 already done" plan.log || { cat plan.log; fail "plan --retry-failed"; }

# device is not part of a trial's id: the same trials, retried on the CPU.
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
echo "retry: failed trials exit 3 (0 with --allow-failed), are skipped on resume, rerun ok with --retry-failed, counted once"

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
