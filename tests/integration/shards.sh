#!/usr/bin/env bash
# Shards of one grid, chosen with --shard or as a Slurm or LSF array job sets the environment:
# together they hold every trial of the grid exactly once, each in its own default-named file.
source "$(dirname "$0")/common.sh"
[ -d "$FASHION" ] || skip "Fashion-MNIST not installed at $FASHION (Debian package dataset-fashion-mnist)"
printf 'epochs = 1\ntrain_subset = 200\ndense_units = 8\n[grid]\nfilters = 1, 2, 3\nlearning_rate = 0.001, 0.01\n' > g.ini

"$SWEEP" plan g.ini --shard 2/3 > plan.log
grep -q "shard 2 of 3 (--shard): " plan.log || { cat plan.log; fail "plan does not show the shard"; }
grep -q "results file: g.shard-2-of-3.h5" plan.log || { cat plan.log; fail "plan: default shard file name"; }

# The same 3-way split three ways: --shard, a Slurm array (--array=0-2), an LSF array (g[1-3]).
"$SWEEP" run g.ini --shard 1/3 > a.log 2>&1 || { cat a.log; fail "--shard 1/3"; }
SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=2 SLURM_ARRAY_TASK_COUNT=3 \
  sweep_mpi 2 run g.ini > b.log 2>&1 || { cat b.log; fail "Slurm array task 1"; }
grep -q "shard 2 of 3 (Slurm array)" b.log || { cat b.log; fail "Slurm array not detected"; }
LSB_JOBINDEX=3 LSB_JOBINDEX_END=3 "$SWEEP" run g.ini > c.log 2>&1 || { cat c.log; fail "LSF array index 3"; }
grep -q "shard 3 of 3 (LSF array)" c.log || { cat c.log; fail "LSF array not detected"; }

expect_exit 2 "$SWEEP" run g.ini --shard 4/3
expect_err "--shard: shard 4 of 3 is outside 1..3"
[ ! -e g.shard-4-of-3.h5 ] || fail "a file was written for a bad shard"

"$PY" - <<'PY'
import h5py
ids = []
for i in (1, 2, 3):
    f = h5py.File(f"g.shard-{i}-of-3.h5", "r")
    assert f.attrs["shard"] == f"{i}-of-3", f.attrs["shard"]
    t = f["trials"][:]
    assert len(t) >= 1, f"shard {i} is empty"
    ids += list(t["trial_id"])
assert len(ids) == 6 and len(set(ids)) == 6, f"{len(ids)} rows, {len(set(ids))} distinct, expected 6"
print("shards: 6 trials split over 3 shard files (--shard, Slurm, LSF), each exactly once")
PY

# Status of the grid over the shard files: everything done; without shard 3, its trials missing.
"$SWEEP" status g.ini g.shard-1-of-3.h5 g.shard-2-of-3.h5 g.shard-3-of-3.h5 > status.log
grep -q "grid: 6 trials: 6 done, 0 failed, 0 missing" status.log || { cat status.log; fail "status of all shards"; }
n3=$("$PY" -c 'import h5py; print(len(h5py.File("g.shard-3-of-3.h5", "r")["trials"]))')
"$SWEEP" status g.ini g.shard-1-of-3.h5 g.shard-2-of-3.h5 > status2.log
grep -q "grid: 6 trials: $((6 - n3)) done, 0 failed, $n3 missing" status2.log || { cat status2.log; fail "status without shard 3"; }
grep -qE "^g.shard-1-of-3.h5 +1-of-3 +[0-9]+ +0 +0 +0$" status2.log || { cat status2.log; fail "status per shard"; }

# Merge the shards (one of them twice: an identical duplicate) and rank the result.
"$SWEEP" merge all.h5 g.shard-1-of-3.h5 g.shard-2-of-3.h5 g.shard-3-of-3.h5 g.shard-1-of-3.h5 > merge.log 2>&1 \
  || { cat merge.log; fail "merge"; }
grep -q "into all.h5: 6 trials" merge.log || { cat merge.log; fail "merge did not write 6 trials"; }
grep -q "identical duplicates dropped, 0 conflicting" merge.log || { cat merge.log; fail "merge duplicates"; }
"$SWEEP" rank all.h5 --top 0 > rank.log
grep -q "6 of 6 trials" rank.log || { cat rank.log; fail "rank of the merged file"; }
expect_exit 2 "$SWEEP" merge all.h5 g.shard-1-of-3.h5
expect_err "all.h5: already exists; merge writes a new file"
"$PY" - <<'PY'
import h5py
f = h5py.File("all.h5", "r")
t = f["trials"][:]
assert len(t) == 6 and len(set(t["trial_id"])) == 6
lines = f.attrs["merged_from"].strip().split("\n")
assert [l.split("\t")[1] for l in lines] == ["1-of-3", "2-of-3", "3-of-3", "1-of-3"], lines
assert len(f["epochs"]) == 6, len(f["epochs"])
print("shards: merged into all.h5, 6 trials once each, provenance of the 4 inputs kept")
PY
