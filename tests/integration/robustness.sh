#!/usr/bin/env bash
# Key robustness as a user runs it: a Fashion-MNIST sweep checked under brightness and noise
# stores one row per perturbation and level, brightness 1.0 is the clean test accuracy exactly,
# robust_acc is their mean and ranks; a trial group of 2 ranks stores the same kind of table;
# bad values exit 2 with nothing written; a file without the table (older) still reads and an
# append creates it.
source "$(dirname "$0")/common.sh"
[ -d "$FASHION" ] || skip "Fashion-MNIST not installed at $FASHION (Debian package dataset-fashion-mnist)"
printf 'dataset = fashion_mnist\nepochs = 1\ntrain_subset = 1500\nfilters = 4\ndense_units = 16\nrobustness = brightness, noise:0.1/0.3\n[grid]\nlearning_rate = 0.005, 0.01\n' > r.ini
"$SWEEP" run r.ini --threads 1 > run.log 2>&1 || { cat run.log; fail "sweep run"; }
"$PY" - r.h5 9 <<'PY'
import sys, h5py, numpy as np
path, per_trial = sys.argv[1], int(sys.argv[2])
f = h5py.File(path, "r")
t = f["trials"][:]
rb = f["robustness"][:]
assert len(t) == 2 and len(rb) == 2 * per_trial, (len(t), len(rb))
for i, row in enumerate(t):
    mine = rb[rb["trial_row"] == i]
    assert (mine["trial_id"] == row["trial_id"]).all()
    assert (mine["split"] == b"test").all() and row["eval_split"] == b"test"
    names = [p.decode() for p in mine["perturbation"]]
    levels = list(mine["level"])
    want = [("brightness", l) for l in (0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.5)]
    want += [("noise", 0.1), ("noise", 0.3)]
    assert list(zip(names, levels)) == want, list(zip(names, levels))
    one = mine[(mine["perturbation"] == b"brightness") & (mine["level"] == 1.0)][0]
    # Brightness 1.0 is the clean evaluation, bit for bit.
    assert one["accuracy"] == row["test_acc"], (one["accuracy"], row["test_acc"])
    assert one["macro_f1"] == row["macro_f1"], (one["macro_f1"], row["macro_f1"])
    assert abs(row["robust_acc"] - mine["accuracy"].mean()) < 1e-12, row["robust_acc"]
    # The darkest images are not classified as well as the clean ones: the check sees something.
    dark = mine[(mine["perturbation"] == b"brightness") & (mine["level"] == 0.2)][0]
    assert dark["accuracy"] != one["accuracy"], dark["accuracy"]
    print(f"trial {row['trial_id']:016x}: test_acc {row['test_acc']:.4f} = brightness 1.0; "
          f"brightness 0.2 {dark['accuracy']:.4f}; robust_acc {row['robust_acc']:.4f}")
PY
"$SWEEP" rank r.h5 --by robust_acc > rank.log
grep -q "ranked by robust_acc (higher is better): 2 of 2 trials" rank.log || { cat rank.log; fail "rank --by robust_acc"; }
grep -q "trials are chosen on the test set" rank.log || { cat rank.log; fail "rank --by robust_acc: no note that it selects on the test set"; }
"$SWEEP" rank r.h5 --by robust_acc --group-by learning_rate > group.log
grep -q "robust_acc by learning_rate (higher is better): 2 trials in 2 groups" group.log || { cat group.log; fail "--group-by with robust_acc"; }
"$SWEEP" export r.h5 -o r.csv 2> /dev/null
"$PY" - <<'PY'
import csv, h5py
rows = {f"{r['trial_id']:016x}": r for r in h5py.File("r.h5", "r")["trials"][:]}
for c in csv.DictReader(open("r.csv")):
    assert float(c["robust_acc"]) == rows[c["trial_id"]]["robust_acc"], c["robust_acc"]
    assert "robustness" not in c  # not a column: the table holds it
PY

# export --robustness: the table's rows, per trial, in CSV and JSON.
"$SWEEP" export r.h5 --robustness > points.csv
"$SWEEP" export r.h5 --robustness --format json > points.json
"$PY" - <<'PY'
import csv, json, h5py
rb = h5py.File("r.h5", "r")["robustness"][:]
rows = list(csv.DictReader(open("points.csv")))
assert len(rows) == len(rb) == 18, len(rows)
want = sorted((f"{r['trial_id']:016x}", r["perturbation"].decode(), r["level"], r["accuracy"]) for r in rb)
assert sorted((c["trial_id"], c["perturbation"], float(c["level"]), float(c["accuracy"])) for c in rows) == want
js = json.load(open("points.json"))
assert sorted((t["trial_id"], p["perturbation"], p["level"], p["accuracy"]) for t in js for p in t["robustness"]) == want
PY
expect_exit 2 "$SWEEP" export r.h5 --robustness --curves
expect_err "--curves and --robustness"

# A group of 2 ranks evaluates in shares: the same table, brightness 1.0 still the clean one.
printf 'dataset = fashion_mnist\nepochs = 1\ntrain_subset = 1500\nfilters = 4\ndense_units = 16\nranks_per_trial = 2\nlearning_rate = 0.005\nrobustness = brightness:1/0.5, blur:1\n' > g.ini
sweep_mpi 3 run g.ini --threads 1 > g.log 2>&1 || { cat g.log; fail "group sweep"; }
"$PY" - <<'PY'
import h5py
f = h5py.File("g.h5", "r")
t, rb = f["trials"][:], f["robustness"][:]
assert len(t) == 1 and len(rb) == 3, (len(t), len(rb))
assert [(p.decode(), l) for p, l in zip(rb["perturbation"], rb["level"])] == [
    ("brightness", 1.0), ("brightness", 0.5), ("blur", 1.0)]
assert rb["accuracy"][0] == t["test_acc"][0], (rb["accuracy"][0], t["test_acc"][0])
assert t["test_acc"][0] > 0.15, t["test_acc"][0]  # it learned: the equality says something
print(f"group of 2: brightness 1.0 {rb['accuracy'][0]:.4f} = test_acc")
PY

# Bad values: exit 2 naming the key, nothing written.
for bad in "fog" "noise:3" "brightness, brightness" "blur:0"; do
  printf 'dataset = fashion_mnist\nepochs = 1\ntrain_subset = 300\nrobustness = %s\n' "$bad" > bad.ini
  expect_exit 2 "$SWEEP" run bad.ini --threads 1
  expect_err "bad.ini"
  expect_err "key 'robustness'"
  [ ! -e bad.h5 ] || fail "robustness = $bad wrote bad.h5"
done

# A file of an earlier version has no robustness table: it ranks, exports and reports, and a
# sweep that appends to it creates the table.
cp r.h5 old.h5
"$PY" -c "import h5py; f = h5py.File('old.h5', 'r+'); del f['robustness']"
"$SWEEP" rank old.h5 --by robust_acc > old.log || { cat old.log; fail "rank of a file without the table"; }
"$SWEEP" export old.h5 > /dev/null || fail "export of a file without the table"
"$SWEEP" report old.h5 -o old.html > /dev/null 2>&1 || fail "report of a file without the table"
printf 'dataset = fashion_mnist\nepochs = 1\ntrain_subset = 1500\nfilters = 4\ndense_units = 16\nrobustness = brightness, noise:0.1/0.3\n[grid]\nlearning_rate = 0.005, 0.01, 0.002\n' > old.ini
"$SWEEP" run old.ini -o old.h5 --threads 1 > old_run.log 2>&1 || { cat old_run.log; fail "append to a file without the table"; }
"$PY" - <<'PY'
import h5py
f = h5py.File("old.h5", "r")
rb = f["robustness"][:]
assert len(f["trials"]) == 3 and len(rb) == 9 and (rb["trial_row"] == 2).all(), len(rb)
PY
echo "robustness: tables, brightness 1.0 = clean accuracy, ranking, groups, bad input, old files"
