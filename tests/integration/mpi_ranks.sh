#!/usr/bin/env bash
# The same tiny grid over the shared MNIST digits with 1, 2 and 3 ranks: every trial is stored
# exactly once, and with fixed threads each trial's metrics are identical whatever the ranks.
source "$(dirname "$0")/common.sh"
DIGITS=$SHARED/data/mnist-digits
[ -f "$DIGITS/train-images-idx3-ubyte.gz" ] || skip "the shared MNIST digits are not at $DIGITS (a plain clone has no ../shared)"

cat > tiny.ini <<INI
dataset = mnist
data_dir = $DIGITS
epochs = 2
train_subset = 800
val_split = 0.25
batch_size = 32
dense_units = 16
[grid]
filters = 2, 4
learning_rate = 0.001, 0.01
dropout = 0, 0.5
INI
for np in 1 2 3; do
  sweep_mpi "$np" run tiny.ini --threads 1 --out "np$np.h5" > "np$np.log" 2>&1 || { cat "np$np.log"; fail "run with $np ranks"; }
  grep -q "ranked by val_acc" "np$np.log" || fail "no ranked table after the run with $np ranks"
done
"$PY" - <<'PY'
import sys, h5py, numpy as np
runs = {np_: h5py.File(f"np{np_}.h5", "r") for np_ in (1, 2, 3)}
ref = None
for np_, f in runs.items():
    t = f["trials"][:]
    ids = list(t["trial_id"])
    assert len(ids) == 8, f"{np_} ranks: {len(ids)} trials stored, expected 8"
    assert len(set(ids)) == 8, f"{np_} ranks: duplicate trial ids"
    assert set(t["status"]) == {b"ok"}, f"{np_} ranks: statuses {set(t['status'])}"
    ranks = set(t["rank"])
    want = {0} if np_ == 1 else set(range(1, np_))
    assert ranks == want, f"{np_} ranks: trials ran on ranks {ranks}, expected {want}"
    e = f["epochs"][:]
    assert len(e) == 16, f"{np_} ranks: {len(e)} epoch rows"
    by_id = {row["trial_id"]: row for row in t}
    curves = {(r["trial_id"], r["epoch"]): r for r in e}
    if ref is None:
        ref = (by_id, curves)
        continue
    for tid, row in by_id.items():
        r0 = ref[0][tid]
        for col in ("val_loss", "val_acc", "test_loss", "test_acc", "macro_f1", "filters", "learning_rate"):
            assert row[col] == r0[col], f"{np_} ranks: trial {tid:016x} {col} {row[col]} != {r0[col]}"
    for key, r in curves.items():
        assert r["train_loss"] == ref[1][key]["train_loss"], f"{np_} ranks: train_loss differs at {key}"
print("mpi_ranks: 8 trials stored once each with 1, 2 and 3 ranks; metrics bit-identical")
PY
