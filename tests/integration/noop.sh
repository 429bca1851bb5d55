#!/usr/bin/env bash
# model = noop (the benchmark tool) through the real coordinator: 600 trials with 1, 3 and 7
# ranks (7 oversubscribe the 2 cores). Short trials arrive together and rank 0 stores them in
# batches; whatever the batching, every trial is stored exactly once, whole (its 3 epoch rows,
# nonzero confusion cells (1,000 images) and 10 per-class rows belong to its trial row), with the same metrics.
# Also: noop needs no data, sleep_ms is refused for other models, and a stop signal during
# sleeping trials abandons them and resumes.
source "$(dirname "$0")/common.sh"

cat > noop.ini <<'INI'
model = noop
epochs = 3
dataset = idx
data_dir = /nonexistent/noop-needs-no-data
[grid]
seed = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20
learning_rate = 0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.007, 0.008, 0.009, 0.01
batch_size = 16, 32, 64
INI
for np in 1 3 7; do
  sweep_mpi "$np" run noop.ini -q --out "np$np.h5" > "np$np.log" 2>&1 || { cat "np$np.log"; fail "noop with $np ranks"; }
  grep -q "^done: 600 trials" "np$np.log" || { cat "np$np.log"; fail "not 600 trials with $np ranks"; }
done
# With 6 workers answering at once, results share writes (one flush for several).
writes=$(sed -n 's/.* stored in \([0-9]*\) writes.*/\1/p' np7.log)
[ -n "$writes" ] && [ "$writes" -lt 600 ] || { cat np7.log; fail "7 ranks: 600 results took ${writes:-?} writes; no batching"; }
"$PY" - <<'PY'
import h5py, numpy as np
ref = None
for np_ in (1, 3, 7):
    with h5py.File(f"np{np_}.h5", "r") as f:
        t, e, c, p = f["trials"][:], f["epochs"][:], f["confusion"][:], f["per_class"][:]
    assert len(t) == 600 and len(set(t["trial_id"])) == 600, f"{np_} ranks: trials not stored once each"
    assert (t["status"] == b"ok").all()
    for name, rows, per in (("epochs", e, 3), ("confusion", c, None), ("per_class", p, 10)):
        r = rows["trial_row"]
        assert (rows["trial_id"] == t["trial_id"][r]).all(), f"{np_} ranks: {name} rows of another trial"
        if per is None:  # confusion: only the cells that are not zero, 10 to 20 of a noop's 100
            assert (c["count"] > 0).all(), f"{np_} ranks: a zero confusion cell was stored"
            assert (np.bincount(r, minlength=600) >= 10).all(), f"{np_} ranks: confusion rows missing"
            continue
        assert len(rows) == per * 600, (np_, name, len(rows))
        assert (np.bincount(r, minlength=600) == per).all(), f"{np_} ranks: {name} rows not whole"
    cells = {(int(t["trial_id"][r]), int(a), int(b)): int(n) for r, a, b, n in
             zip(c["trial_row"], c["true_label"], c["pred_label"], c["count"])}
    m = {int(i): (a, b, f1) for i, a, b, f1 in zip(t["trial_id"], t["val_acc"], t["test_acc"], t["macro_f1"])}
    m["cells"] = cells
    if ref is None:
        ref = m
    assert m == ref, f"{np_} ranks: metrics differ from 1 rank"
    assert (np.bincount(c["trial_row"], weights=c["count"], minlength=600) == 1000).all()
print("noop: 600 trials stored once and whole with 1, 3 and 7 ranks, same metrics")
PY
"$SWEEP" plan noop.ini > plan.log 2>&1 || { cat plan.log; fail "plan"; }
grep -q "data: none (model = noop loads no data)" plan.log || { cat plan.log; fail "plan data line"; }

# sleep_ms belongs to noop only.
printf 'model = cnn\nsleep_ms = 5\n' > bad.ini
expect_exit 2 "$SWEEP" run bad.ini
expect_err "sleep_ms"

# A stop signal while noop trials sleep: they are abandoned and the next run finishes them.
cat > slow.ini <<'INI'
model = noop
epochs = 2
sleep_ms = 1500
[grid]
seed = 1, 2, 3, 4
INI
set +e
mpirun -np 3 --oversubscribe --bind-to none "$SWEEP" run slow.ini -q --grace 0 --out slow.h5 > slow.log 2>&1 &
pid=$!
# Signal only once the results file exists: mpirun and every rank have their handlers by then
# (a USR1 during mpirun's own start-up kills it, exit 138, which a loaded machine made happen).
for _ in $(seq 1 600); do [ -e slow.h5 ] && break; sleep 0.1; done
[ -e slow.h5 ] || { cat slow.log; fail "the slow sweep did not start within 60 s"; }
sleep 0.5
kill -USR1 "$pid"
wait "$pid"
rc=$?
set -e
[ "$rc" -eq 75 ] || { cat slow.log; fail "stopped noop sweep exited $rc, expected 75"; }
sweep_mpi 3 run slow.ini -q --out slow.h5 > slow2.log 2>&1 || { cat slow2.log; fail "resume"; }
grep -q "^done: 4 trials" slow2.log || { cat slow2.log; fail "the resume did not run the 4 abandoned trials"; }
echo "noop: stop and resume of sleeping trials"
