#!/usr/bin/env bash
# rank --where/--group-by and export (csv, json, --curves) on the shards of a small sweep read
# as one sweep, on an empty file and on a file with failed trials only; exports are parsed back
# and compared with the HDF5 file.
source "$(dirname "$0")/common.sh"
need_failing_trials
[ -d "$FASHION" ] || skip "Fashion-MNIST not installed at $FASHION (Debian package dataset-fashion-mnist)"
[ -x "${STORE_APPEND_LOOP:-}" ] || fail "STORE_APPEND_LOOP does not name the helper binary"
printf 'epochs = 2\ntrain_subset = 300\ndense_units = 8\n[grid]\nfilters = 2, 4\nlearning_rate = 0.001, 0.01\n' > a.ini
for i in 1 2; do "$SWEEP" run a.ini --shard "$i/2" --threads 1 > "run$i.log" 2>&1 || { cat "run$i.log"; fail "shard $i"; }; done
shards=(a.shard-1-of-2.h5 a.shard-2-of-2.h5)

"$SWEEP" rank "${shards[@]}" --group-by filters > group.log
grep -q "val_acc by filters (higher is better): 4 trials in 2 groups" group.log || { cat group.log; fail "group-by"; }
"$SWEEP" rank "${shards[@]}" --where "filters=4, learning_rate=1e-2" --top 0 > where.log
grep -q "1 of 1 trials matching --where" where.log || { cat where.log; fail "where"; }
"$SWEEP" rank "${shards[@]}" --by ece > ece.log
grep -q "ranked by ece (lower is better): 4 of 4 trials" ece.log || { cat ece.log; fail "rank --by ece"; }
expect_exit 2 "$SWEEP" rank "${shards[@]}" --group-by colour
expect_err "--group-by: unknown key 'colour'"

"$SWEEP" export "${shards[@]}" -o t.csv 2> /dev/null
"$SWEEP" export "${shards[@]}" --format json -o t.json 2> /dev/null
"$SWEEP" export "${shards[@]}" --curves > c.csv
"$PY" - "${shards[@]}" <<'PY'
import csv, json, sys, h5py, numpy as np
rows = {}
for path in sys.argv[1:]:
    f = h5py.File(path, "r")
    for r in f["trials"][:]:
        rows[f"{r['trial_id']:016x}"] = r
    epochs = sum(len(h5py.File(p, "r")["epochs"]) for p in sys.argv[1:])
out = list(csv.DictReader(open("t.csv")))
js = json.load(open("t.json"))
assert len(out) == len(js) == len(rows) == 4, (len(out), len(js), len(rows))
for c, j in zip(out, js):
    r = rows[c["trial_id"]]
    assert c["trial_id"] == j["trial_id"]
    for k in ("test_acc", "val_loss", "macro_f1", "ece", "brier", "learning_rate", "wall_seconds"):
        assert float(c[k]) == j[k] == float(r[k]), (k, c[k], j[k], r[k])
    # Calibration of every trial, on its test set: ECE in [0, 1], Brier in [0, 2].
    assert 0 <= r["ece"] <= 1 and 0 <= r["brier"] <= 2, (r["ece"], r["brier"])
    assert int(c["filters"]) == j["filters"] == int(r["filters"])
    assert c["status"] == j["status"] == r["status"].decode()
curves = list(csv.DictReader(open("c.csv")))
assert len(curves) == epochs == 8, len(curves)
assert {c["trial_id"] for c in curves} == set(rows)
print("analysis: csv and json exports match the HDF5 files (4 trials, 8 epoch rows)")
PY

"$STORE_APPEND_LOOP" empty.h5 0 > /dev/null
"$SWEEP" rank empty.h5 > empty.log
grep -q "0 of 0 trials" empty.log || { cat empty.log; fail "rank of an empty file"; }
[ "$("$SWEEP" export empty.h5 --format json | tr -d ' \n')" = "[]" ] || fail "json export of an empty file"
[ "$("$SWEEP" export empty.h5 | wc -l)" -eq 1 ] || fail "csv export of an empty file: header only"

"$PY" "$(dirname "$0")/fashion_csv.py" "$FASHION" train.csv:0:200 test.csv:200:300
printf 'dataset = csv\ntrain_csv = train.csv\ntest_csv = test.csv\nepochs = 1\n[grid]\nfilters = 2, 4\n' > bad.ini
expect_exit 3 "$SWEEP" run bad.ini "$FAIL_TRIALS"  # every trial fails
"$SWEEP" rank bad.h5 > badrank.log
grep -q "0 of 2 trials" badrank.log && grep -q "2 failed, 0 diverged" badrank.log || { cat badrank.log; fail "rank of failed trials"; }
"$SWEEP" rank bad.h5 --group-by status | grep -Eq "^failed +2 +0 " || fail "group-by status"
[ "$("$SWEEP" export bad.h5 | grep -c ',failed,')" -eq 2 ] || fail "export of failed trials"

expect_exit 2 "$SWEEP" export "${shards[@]}" --format xml -o never.csv
[ ! -e never.csv ] && [ ! -e never.csv.part ] || fail "a refused export wrote a file"
echo "analysis: empty file, failed-only file and bad options handled"
