#!/usr/bin/env bash
# Keys robustness and dead_units as a user runs them: a Fashion-MNIST sweep checked under
# brightness and noise stores one row per perturbation and level, brightness 1.0 is the clean
# test accuracy exactly, robust_acc is their mean and ranks, and one activations row per layer;
# export and predict carry them; a trial group of 2 ranks stores the same tables; bad values
# exit 2 with nothing written; a file without the tables (older) still reads and an append
# creates them.
source "$(dirname "$0")/common.sh"
[ -d "$FASHION" ] || skip "Fashion-MNIST not installed at $FASHION (Debian package dataset-fashion-mnist)"
printf 'dataset = fashion_mnist\nepochs = 1\ntrain_subset = 1500\nfilters = 4\ndense_units = 16\nrobustness = brightness, noise:0.1/0.3\ndead_units = true\n[grid]\nlearning_rate = 0.005, 0.01\n' > r.ini
"$SWEEP" run r.ini --threads 1 --keep-best 1 > run.log 2>&1 || { cat run.log; fail "sweep run"; }
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
    # dead_units: the cnn's 4 conv ReLUs (4, 4, 8, 8 filters) and its dense ReLU (16 units).
    act = f["activations"][:]
    layers = act[act["trial_row"] == i]
    assert [l.decode() for l in layers["layer"]] == [
        "features.relu1", "features.relu2", "features.relu3", "features.relu4", "dense.relu"], layers
    assert list(layers["units"]) == [4, 4, 8, 8, 16], layers["units"]
    assert (layers["split"] == b"test").all() and (layers["trial_id"] == row["trial_id"]).all()
    fr = layers["dead_fraction"]
    assert ((fr >= 0) & (fr <= 1)).all() and all((fr * layers["units"]).round(9) % 1 == 0), fr
    print(f"  dead fractions per layer: {list(fr)}")
    # The reliability diagram: the test set's 10,000 images in bins, whose weighted gaps are ece.
    cal = f["calibration"][:]
    bins = cal[cal["trial_row"] == i]
    assert bins["rows"].sum() == 10000 and (bins["rows"] > 0).all(), bins["rows"]
    assert list(bins["bin"]) == sorted(bins["bin"]) and ((bins["bin"] >= 0) & (bins["bin"] < 15)).all()
    lo, hi = bins["bin"] / 15, (bins["bin"] + 1) / 15
    assert ((bins["mean_confidence"] > lo - 1e-12) & (bins["mean_confidence"] <= hi + 1e-12)).all()
    ece = (bins["rows"] * abs(bins["accuracy"] - bins["mean_confidence"])).sum() / 10000
    assert abs(ece - row["ece"]) < 1e-9, (ece, row["ece"])
PY
"$SWEEP" rank r.h5 --by robust_acc > rank.log
grep -q "ranked by robust_acc (higher is better): 2 of 2 trials" rank.log || { cat rank.log; fail "rank --by robust_acc"; }
grep -q "trials are chosen on the test set" rank.log || { cat rank.log; fail "rank --by robust_acc: no note that it selects on the test set"; }
"$SWEEP" rank r.h5 --by robust_acc --group-by learning_rate > group.log
grep -q "robust_acc by learning_rate (higher is better): 2 trials in 2 groups" group.log || { cat group.log; fail "--group-by with robust_acc"; }
"$SWEEP" report r.h5 --by robust_acc -o rb.html > /dev/null || fail "report --by robust_acc"
"$PY" - <<'PY'
import json, re
d = json.loads(re.search(r'<script id="sweep-data" type="application/json">(.*?)</script>', open("rb.html").read(), re.S).group(1))
assert d["metric"]["name"] == "robust_acc" and d["metric"]["higher_is_better"], d["metric"]
order = [t["id"] for t in sorted(d["trials"], key=lambda t: -t["metric"])]
assert d["top"] == order and [t["id"] for t in d["robustness"]] == order, (d["top"], order)
PY
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
"$SWEEP" export r.h5 --activations > layers.csv
[ "$(wc -l < layers.csv)" -eq 11 ] || fail "export --activations: $(wc -l < layers.csv) lines, expected a header and 10 rows"
head -1 layers.csv | grep -qx "trial_id,split,layer,units,dead_fraction" || fail "export --activations: header $(head -1 layers.csv)"
expect_exit 2 "$SWEEP" export r.h5 --robustness --curves
expect_err "--curves, --robustness, --activations and --calibration each give rows of their own"
"$SWEEP" export r.h5 --calibration --format json > bins.json
"$PY" -c '
import json, h5py
cal = h5py.File("r.h5", "r")["calibration"][:]
js = json.load(open("bins.json"))
assert sum(len(t["calibration"]) for t in js) == len(cal) and len(js) == 2
assert all(sum(b["rows"] for b in t["calibration"]) == 10000 for t in js)
'

# predict --robustness with the kept checkpoint reproduces the stored rows of its trial.
"$SWEEP" predict --from r.h5 --data "$FASHION" --threads 1 --robustness "brightness, noise:0.1/0.3" -o pd > pd.log 2>&1 || { cat pd.log; fail "predict --robustness"; }
grep -q "robustness: 9 rows in pd/robustness.csv" pd.log || { cat pd.log; fail "predict --robustness: no summary line"; }
[ -s pd/predictions.csv ] || fail "predict --robustness wrote no pd/predictions.csv"
"$PY" - "$(sed -n 's/^model: .* (trial \([0-9a-f]*\),.*/\1/p' pd.log)" <<'PY'
import csv, sys, h5py
kept = int(sys.argv[1], 16)
rb = h5py.File("r.h5", "r")["robustness"][:]
mine = rb[rb["trial_id"] == kept]
got = list(csv.DictReader(open("pd/robustness.csv")))
assert len(got) == len(mine) == 9, (len(got), len(mine))
for g, s in zip(got, mine):
    assert (g["perturbation"], float(g["level"])) == (s["perturbation"].decode(), s["level"]), (g, s)
    assert float(g["accuracy"]) == s["accuracy"] and float(g["macro_f1"]) == s["macro_f1"], (g, s)
print(f"predict --robustness: trial {kept:016x}'s 9 stored rows reproduced exactly")
PY
expect_exit 2 "$SWEEP" predict --from r.h5 --data "$FASHION" --robustness fog -o bad
expect_err "--robustness: unknown perturbation 'fog'"
expect_exit 2 "$SWEEP" predict --from r.h5 --data "$FASHION" --robustness noise
expect_err "needs -o DIR"
expect_exit 2 "$SWEEP" predict --from r.h5 --data "$FASHION" --robustness none -o bad
expect_err "--robustness: none asks nothing"
"$PY" "$(dirname "$0")/fashion_csv.py" "$FASHION" labelled.csv:0:50
cut -d, -f2- labelled.csv > nolabels.csv  # Kaggle's test.csv: pixels only
expect_exit 2 "$SWEEP" predict --from r.h5 --data nolabels.csv --robustness noise -o bad
expect_err "has no labels"
[ ! -e bad ] || fail "a refused predict wrote bad/"

# A group of 2 ranks evaluates in shares: the same table, brightness 1.0 still the clean one.
printf 'dataset = fashion_mnist\nepochs = 1\ntrain_subset = 1500\nfilters = 4\ndense_units = 16\nranks_per_trial = 2\nlearning_rate = 0.005\nrobustness = brightness:1/0.5, blur:1\ndead_units = true\n' > g.ini
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
assert len(f["activations"]) == 5 and list(f["activations"]["units"]) == [4, 4, 8, 8, 16]
print(f"group of 2: brightness 1.0 {rb['accuracy'][0]:.4f} = test_acc")
PY

# Successive halving: every stored rung result carries its own rows, from its own weights.
printf 'search = asha\nsamples = 3\nsearch_seed = 1\nmin_epochs = 1\nmax_epochs = 3\nreduction_factor = 3\ntrain_subset = 600\nfilters = 4\ndense_units = 8\nrobustness = brightness:1/0.5\ndead_units = true\n[grid]\nlearning_rate = loguniform(1e-3, 3e-2)\n' > a.ini
"$SWEEP" run a.ini --threads 1 > a.log 2>&1 || { cat a.log; fail "asha sweep"; }
"$PY" - <<'PY'
import h5py
f = h5py.File("a.h5", "r")
t, rb, act, cal = f["trials"][:], f["robustness"][:], f["activations"][:], f["calibration"][:]
assert len(t) == 4 and sorted(t["rung"]) == [0, 0, 0, 1], t["rung"]  # 3 at 1 epoch, 1 promoted to 3
for i, row in enumerate(t):
    mine = rb[rb["trial_row"] == i]
    assert len(mine) == 2 and mine["accuracy"][0] == row["test_acc"], (i, mine, row["test_acc"])
    assert (act["trial_row"] == i).sum() == 5 and cal[cal["trial_row"] == i]["rows"].sum() == 10000
print("asha: each of the 4 rung results has its own robustness, activations and calibration rows")
PY

# Bad values: exit 2 naming the key, nothing written.
for bad in "fog" "noise:3" "brightness, brightness" "blur:0"; do
  printf 'dataset = fashion_mnist\nepochs = 1\ntrain_subset = 300\nrobustness = %s\n' "$bad" > bad.ini
  expect_exit 2 "$SWEEP" run bad.ini --threads 1
  expect_err "bad.ini"
  expect_err "key 'robustness'"
  [ ! -e bad.h5 ] || fail "robustness = $bad wrote bad.h5"
done

# Neither key is swept: they change no training, so a [grid] of them is refused.
printf 'dataset = fashion_mnist\nepochs = 1\n[grid]\ndead_units = false, true\n' > swept.ini
expect_exit 2 "$SWEEP" run swept.ini
expect_err "dead_units"
[ ! -e swept.h5 ] || fail "a swept dead_units wrote swept.h5"

# A model without activations: dead_units and robustness name no trial's key.
for key in "dead_units = true" "robustness = noise"; do
  printf 'dataset = fashion_mnist\nmodel = noop\nepochs = 1\n%s\n' "$key" > noop.ini
  expect_exit 2 "$SWEEP" run noop.ini
  expect_err "${key%% *}"
  [ ! -e noop.h5 ] || fail "$key with model = noop wrote noop.h5"
done

# A file of an earlier version has no robustness table: it ranks, exports and reports, and a
# sweep that appends to it creates the table.
cp r.h5 old.h5
"$PY" -c "import h5py; f = h5py.File('old.h5', 'r+'); del f['robustness']; del f['activations']; del f['calibration']"
"$SWEEP" rank old.h5 --by robust_acc > old.log || { cat old.log; fail "rank of a file without the table"; }
"$SWEEP" export old.h5 > /dev/null || fail "export of a file without the table"
"$SWEEP" report old.h5 -o old.html > /dev/null 2>&1 || fail "report of a file without the table"
printf 'dataset = fashion_mnist\nepochs = 1\ntrain_subset = 1500\nfilters = 4\ndense_units = 16\nrobustness = brightness, noise:0.1/0.3\ndead_units = true\n[grid]\nlearning_rate = 0.005, 0.01, 0.002\n' > old.ini
"$SWEEP" run old.ini -o old.h5 --threads 1 > old_run.log 2>&1 || { cat old_run.log; fail "append to a file without the table"; }
"$PY" - <<'PY'
import h5py
f = h5py.File("old.h5", "r")
rb = f["robustness"][:]
assert len(f["trials"]) == 3 and len(rb) == 9 and (rb["trial_row"] == 2).all(), len(rb)
assert len(f["activations"]) == 5 and (f["activations"]["trial_row"][:] == 2).all()
assert f["calibration"]["rows"][:].sum() == 10000 and (f["calibration"]["trial_row"][:] == 2).all()
PY
echo "robustness and dead_units: tables, brightness 1.0 = clean accuracy, ranking, export, predict, groups, bad input, old files"
