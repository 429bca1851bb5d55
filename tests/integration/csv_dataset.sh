#!/usr/bin/env bash
# dataset = csv end to end: Kaggle-style CSVs (made here from Fashion-MNIST) train and evaluate.
source "$(dirname "$0")/common.sh"
[ -d "$FASHION" ] || skip "Fashion-MNIST not installed at $FASHION (Debian package dataset-fashion-mnist)"
"$PY" "$(dirname "$0")/fashion_csv.py" "$FASHION" train.csv:0:400 test.csv:400:500
printf 'dataset = csv\ntrain_csv = train.csv\ntest_csv = test.csv\nepochs = 8\nlearning_rate = 0.003\nfilters = 4\ndense_units = 16\n' > csv.ini
"$SWEEP" run csv.ini > run.log 2>&1 || { cat run.log; fail "run"; }
"$PY" - <<'PY'
import h5py, sweep_h5
t = sweep_h5.trials("csv.h5")
assert len(t) == 1 and t["status"][0] == b"ok", (t["status"], t["message"])
assert t["eval_split"][0] == b"test" and 0.3 < t["test_acc"][0] <= 1, t["test_acc"]
c = h5py.File("csv.h5", "r")["confusion"][:]
assert c["count"].sum() == 100, c["count"].sum()
print(f"csv_dataset: trained from CSV, test_acc {t['test_acc'][0]:.3f} on 100 test rows")
PY
