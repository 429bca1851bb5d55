#!/usr/bin/env bash
# search = asha through mpirun and alone: every configuration starts at the bottom rung, the
# best third climbs, each (trial, rung) is stored once with its budget; a promoted trial goes
# on from the state another rank saved, and its top-rung metrics equal those of the same trial
# trained in one go by a grid; a stop (the running rung job saved where it stopped) and the
# same command again give the same rung results as an uninterrupted run; bad settings exit 2 and write nothing.
source "$(dirname "$0")/common.sh"
[ -d "$FASHION" ] || skip "Fashion-MNIST not installed at $FASHION (Debian package dataset-fashion-mnist)"
cat > a.ini <<'INI'
search = asha
samples = 9
search_seed = 2
min_epochs = 1
max_epochs = 9
reduction_factor = 3
train_subset = 600
dense_units = 8
[grid]
learning_rate = loguniform(1e-3, 3e-2)
filters = int(2, 4)
INI
"$SWEEP" plan a.ini > plan.log
grep -q "9 trials (successive halving (asha): 9 configurations asked, search_seed 2, rungs at 1 3 9 epochs, reduction factor 3" plan.log ||
  { cat plan.log; fail "plan does not describe the ASHA search"; }

# 1. Through mpirun: rung by rung, states passed between ranks, removed at the end.
sweep_mpi 3 run a.ini --out m.h5 --threads 1 --verbose > m.log 2>&1 || { cat m.log; fail "asha with 3 ranks"; }
grep -q "ASHA over 9 configurations in a.ini (rungs at 1 3 9 epochs" m.log || { cat m.log; fail "no ASHA header"; }
grep -Eq "^ASHA: 9 of 9 configurations started, [1-9] reached the top rung \(9 epochs\); [0-9]+ epochs trained in all, against 81" m.log ||
  { cat m.log; fail "no ASHA summary"; }
[ ! -e m.h5.state ] || fail "the training states were not removed after the sweep"
"$PY" - m.h5 > rungs_m.txt <<'PY' || fail "rung rows of m.h5"
import sys, h5py
t = h5py.File(sys.argv[1], "r")["trials"][:]
budget = {0: 1, 1: 3, 2: 9}
seen = {}
for r in t:
    key = (r["trial_id"], int(r["rung"]))
    assert key not in seen, f"trial {key} stored twice"
    assert r["status"] == b"ok", r
    assert r["epochs_run"] == budget[r["rung"]] and r["epochs"] == 9, (r["rung"], r["epochs_run"], r["epochs"])
    seen[key] = r
per_rung = [sum(1 for k in seen if k[1] == g) for g in range(3)]
# Asynchronous promotions: the top third of the rung's results at the moment a worker asks, so at
# least the final top 3 climb, and at most the 7 that could each have led the rung when results
# 3 to 9 came in (how many depends on the order results arrive, which timing decides).
assert per_rung[0] == 9 and 3 <= per_rung[1] <= 7 and 1 <= per_rung[2] <= per_rung[1], per_rung
for (tid, g) in seen:
    assert g == 0 or (tid, g - 1) in seen, f"{tid:016x} reached rung {g} without rung {g - 1}"
ranks = {int(seen[k]["rank"]) for k in seen}
assert ranks == {1, 2}, ranks
top = [seen[k] for k in seen if k[1] == 2]
tid = top[0]["trial_id"]
print(f"{tid:016x} {top[0]['learning_rate']!r} {top[0]['filters']} {top[0]['val_acc']!r} {top[0]['test_acc']!r}")
moved = sum(1 for (t, g) in seen if g > 0 and seen[(t, g)]["rank"] != seen[(t, g - 1)]["rank"])
print("asha: rung rows", per_rung, f"; {moved} of {per_rung[1] + per_rung[2]} promotions continued on another rank",
      file=sys.stderr)
PY
read -r tid lr filters val test < rungs_m.txt
# The same configuration trained to 9 epochs in one go (its id is the same trial id).
printf 'train_subset = 600\ndense_units = 8\nepochs = 9\nlearning_rate = %s\nfilters = %s\n' "$lr" "$filters" > one_go.ini
"$SWEEP" run one_go.ini --threads 1 -q > one_go.log 2>&1 || { cat one_go.log; fail "the one-go run"; }
"$PY" - "$tid" "$val" "$test" <<'PY' || fail "rung by rung differs from one go"
import sys, h5py
t = h5py.File("one_go.h5", "r")["trials"][:]
assert len(t) == 1 and f"{t[0]['trial_id']:016x}" == sys.argv[1], (t["trial_id"], sys.argv[1])
assert repr(t[0]["val_acc"]) == sys.argv[2] and repr(t[0]["test_acc"]) == sys.argv[3], (t[0]["val_acc"], t[0]["test_acc"], sys.argv[2:])
print(f"asha: trial {sys.argv[1]} trained 1+2+6 epochs through saved states = 9 epochs in one go (val_acc {sys.argv[2]})")
PY

# 2. Alone (deterministic): uninterrupted, and stopped after 4 results then resumed.
"$SWEEP" run a.ini --out one.h5 --threads 1 -q > one.log 2>&1 || { cat one.log; fail "asha alone"; }
"$SWEEP" run a.ini --out two.h5 --threads 1 --verbose --grace 0 > two1.log 2>&1 &
pid=$!
for _ in $(seq 1 600); do [ "$(grep -c '^\[' two1.log || true)" -ge 4 ] && break; sleep 0.1; done
kill -INT "$pid"
set +e
wait "$pid"
rc=$?
set -e
[ "$rc" -eq 75 ] || { cat two1.log; fail "the stopped ASHA run exited $rc, expected 75"; }
[ -d two.h5.state ] || fail "the training states were removed although the sweep stopped"
# The rung job that was running saved where it stopped (--grace 0: at its next batch; inside an
# epoch when the stop came there, which depends on timing: header bytes 32-39 hold the batch);
# the resumed run continues it there, and the rows below must equal the uninterrupted run's.
inside=0
for f in two.h5.state/*.state; do
  [ "$(od -An -t d8 -j 32 -N 8 "$f" | tr -d ' ')" -gt 0 ] && inside=$((inside + 1))
done
echo "asha: $inside rung job(s) saved inside an epoch at the stop"
"$SWEEP" run a.ini --out two.h5 --threads 1 --verbose > two2.log 2>&1 || { cat two2.log; fail "the resumed ASHA run"; }
grep -Eq "[4-9] rung results already in two.h5" two2.log || { cat two2.log; fail "the resume did not restore the rung results"; }
"$PY" - <<'PY' || fail "the resumed run differs from the uninterrupted one"
import h5py
def rungs(path):
    t = h5py.File(path, "r")["trials"][:]
    keys = [(int(r["trial_id"]), int(r["rung"])) for r in t]
    assert len(keys) == len(set(keys)), f"{path}: a rung stored twice"
    return {(int(r["trial_id"]), int(r["rung"])): (r["val_acc"], r["test_acc"]) for r in t}
a, b = rungs("one.h5"), rungs("two.h5")
assert a == b, (sorted(set(a) ^ set(b)))
print(f"asha: stopped and resumed = uninterrupted ({len(a)} rung results)")
PY

# 2b. test_eval = final, through mpirun with one worker (deterministic): the same rungs and
# validation results as one.h5; only the top rung's rows are evaluated on the test set (the
# same test results), the lower rungs on the validation split.
{ cat a.ini; } | sed 's/^\[grid\]$/test_eval = final\n[grid]/' > final.ini
grep -q "^test_eval = final" final.ini || fail "final.ini lacks test_eval"
sweep_mpi 2 run final.ini --out final.h5 --threads 1 -q > final.log 2>&1 || { cat final.log; fail "asha with test_eval = final"; }
"$PY" - <<'PY' || fail "test_eval = final"
import math, h5py
def rows(path):
    t = h5py.File(path, "r")["trials"][:]
    return {(int(r["trial_id"]), int(r["rung"])): r for r in t}
a, b = rows("one.h5"), rows("final.h5")
assert set(a) == set(b), sorted(set(a) ^ set(b))
top = 0
for k, r in b.items():
    assert r["val_acc"] == a[k]["val_acc"], (k, r["val_acc"], a[k]["val_acc"])
    if r["epochs_run"] == 9:
        top += 1
        assert r["test_acc"] == a[k]["test_acc"] and r["eval_split"] == b"test", (k, r["test_acc"], a[k]["test_acc"])
    else:
        assert math.isnan(r["test_acc"]) and r["eval_split"] == b"val", (k, r["test_acc"], r["eval_split"])
        assert not math.isnan(a[k]["test_acc"]), k
assert top >= 1
print(f"asha: test_eval = final: {len(b) - top} lower-rung rows on validation only, {top} top-rung rows tested as with all")
PY

# 3. Bad settings: exit 2, nothing written.
printf 'search = asha\nsamples = 4\n[grid]\nfilters = 2, 4\n' > bad1.ini
expect_exit 2 "$SWEEP" run bad1.ini
expect_err "bad1.ini:1: search = asha needs max_epochs = N"
printf 'search = asha\nsamples = 4\nmax_epochs = 3\nepochs = 2\n[grid]\nfilters = 2, 4\n' > bad2.ini
expect_exit 2 "$SWEEP" run bad2.ini
expect_err "bad2.ini:4: key 'epochs' is not used with search = asha"
printf 'search = asha\nsamples = 4\nmax_epochs = 3\nval_split = 0\n[grid]\nfilters = 2, 4\n' > bad3.ini
expect_exit 2 "$SWEEP" run bad3.ini
expect_err "val_split must be above 0"
expect_exit 2 "$SWEEP" run a.ini --shard 1/2 --out s.h5
expect_err "search = asha runs as one MPI job and cannot be split into shards"
printf 'min_epochs = 2\n[grid]\nfilters = 2, 4\n' > bad4.ini
expect_exit 2 "$SWEEP" run bad4.ini
expect_err "bad4.ini:1: min_epochs, max_epochs and reduction_factor are only used with search = asha or tpe"
ls bad*.h5 s.h5 2> /dev/null && fail "a refused run wrote a results file"
echo "asha: bad settings exit 2 and write nothing"
