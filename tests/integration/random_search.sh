#!/usr/bin/env bash
# search = random: the same grid file and search_seed draw the same trials (ids and metrics) with
# 3 ranks and with 1; raising samples keeps the trials already stored and runs only new ones;
# a distribution under search = grid is refused with exit 2 and nothing written.
source "$(dirname "$0")/common.sh"
[ -d "$FASHION" ] || skip "Fashion-MNIST not installed at $FASHION (Debian package dataset-fashion-mnist)"
cat > r.ini <<'INI'
search = random
samples = 4
search_seed = 7
epochs = 1
train_subset = 300
dense_units = 8
[grid]
learning_rate = loguniform(1e-4, 1e-1)
filters = int(2, 6)
dropout = uniform(0, 0.5)
batch_size = 32, 64
INI
"$SWEEP" plan r.ini > plan.log
grep -q "4 trials (random search: 4 samples asked, search_seed 7) learning_rate~loguniform(1e-04, 0.1) filters~int(2, 6)" plan.log ||
  { cat plan.log; fail "plan does not show the random search"; }
sweep_mpi 3 run r.ini --out three.h5 --threads 1 -q > three.log 2>&1 || { cat three.log; fail "run with 3 ranks"; }
grep -q "0 already in three.h5, 4 to run" three.log || { cat three.log; fail "3 ranks: not 4 trials"; }
sweep_mpi 3 run r.ini --out three.h5 --threads 1 -q --samples=6 > more.log 2>&1 || { cat more.log; fail "run with samples = 6"; }
grep -q "6 trials in r.ini, 4 already in three.h5, 2 to run" more.log || { cat more.log; fail "samples = 6 did not keep the first 4"; }
"$SWEEP" run r.ini --out one.h5 --threads 1 -q --samples=6 > one.log 2>&1 || { cat one.log; fail "run with 1 rank"; }
"$SWEEP" export three.h5 --format json -o three.json 2> /dev/null
"$SWEEP" export one.h5 --format json -o one.json 2> /dev/null
"$PY" - <<'PY'
import json
a = {t["trial_id"]: t for t in json.load(open("three.json"))}
b = {t["trial_id"]: t for t in json.load(open("one.json"))}
assert len(a) == 6 and set(a) == set(b), (sorted(a), sorted(b))
for i, t in a.items():
    assert 1e-4 <= t["learning_rate"] <= 0.1 and 2 <= t["filters"] <= 6 and 0 <= t["dropout"] <= 0.5, t
    assert t["batch_size"] in (32, 64), t
    for k in ("learning_rate", "filters", "dropout", "batch_size", "test_acc", "val_loss"):
        assert t[k] == b[i][k], (i, k, t[k], b[i][k])
print("random_search: 6 sampled trials, identical ids and metrics with 3 ranks and with 1")
PY
printf '[grid]\nlearning_rate = loguniform(1e-4, 1e-1)\n' > g.ini
expect_exit 2 "$SWEEP" run g.ini
expect_err "g.ini:2: key 'learning_rate' is a distribution, loguniform(1e-04, 0.1), which a grid cannot enumerate"
[ ! -e g.h5 ] || fail "a refused grid wrote g.h5"
echo "random_search: a distribution under search = grid exits 2, nothing written"
