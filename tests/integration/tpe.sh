#!/usr/bin/env bash
# search = tpe through mpirun with model = noop (no data, instant trials): samples distinct
# trials within the space, the first startup_trials random and the rest from the model; with one
# worker the same grid file and results give the same suggestions, so a sweep stopped at 20
# trials and resumed with samples = 30 holds the same 30 trials, in the same order, as one run
# of 30; `status` counts the sweep's trials; bad TPE settings exit 2 with nothing written.
source "$(dirname "$0")/common.sh"
cat > tpe.ini <<'INI'
model = noop
epochs = 2
dataset = idx
data_dir = /nonexistent/noop-needs-no-data
search = tpe
samples = 30
search_seed = 3
startup_trials = 5
[grid]
learning_rate = loguniform(1e-4, 1e-1)
train_subset = int(2, 32)
label_smoothing = uniform(0, 0.5)
batch_size = 16, 32, 64
INI
"$SWEEP" plan tpe.ini > plan.log
grep -q "(tpe: 30 trials asked, the first 5 at random" plan.log || { cat plan.log; fail "plan does not show the TPE search"; }
sweep_mpi 3 run tpe.ini -q --out three.h5 > three.log 2>&1 || { cat three.log; fail "run with 3 ranks"; }
grep -q "TPE over 30 trials in tpe.ini (the first 5 drawn at random.*0 already in three.h5, 30 to run on 2 worker rank(s)" three.log ||
  { cat three.log; fail "3 ranks: no TPE header"; }
model=$(sed -n 's/^TPE: 30 of 30 trials in the file, \([0-9]*\) suggested by the model.*/\1/p' three.log)
[ -n "$model" ] && [ "$model" -ge 23 ] || { cat three.log; fail "3 ranks: ${model:-no} trials from the model, expected 30 - 5 startup - at most 2 while the first results came"; }
"$SWEEP" status tpe.ini three.h5 > status.log
grep -q "grid: 30 trials: 30 done, 0 failed, 0 missing" status.log || { cat status.log; fail "status of a TPE sweep"; }
# One worker: results arrive in the order trials were handed out, so the run is a function of
# the grid file and seed; a stop after 20 and a resume give the same trials in the same order.
sweep_mpi 2 run tpe.ini -q --out whole.h5 > whole.log 2>&1 || { cat whole.log; fail "run of 30 with 1 worker"; }
sweep_mpi 2 run tpe.ini -q --out parts.h5 --samples=20 > part1.log 2>&1 || { cat part1.log; fail "run of 20 with 1 worker"; }
sweep_mpi 2 run tpe.ini -q --out parts.h5 > part2.log 2>&1 || { cat part2.log; fail "resume to 30 with 1 worker"; }
grep -q "20 already in parts.h5, 10 to run" part2.log || { cat part2.log; fail "the resume did not keep the first 20"; }
"$SWEEP" export three.h5 --format json -o three.json 2> /dev/null
"$PY" - <<'PY'
import h5py, json
t = json.load(open("three.json"))
assert len(t) == 30 and len({x["trial_id"] for x in t}) == 30, "3 ranks: not 30 distinct trials"
for x in t:
    assert 1e-4 <= x["learning_rate"] <= 0.1 and 2 <= x["train_subset"] <= 32, x
    assert 0 <= x["label_smoothing"] <= 0.5 and x["batch_size"] in (16, 32, 64), x
    assert x["train_subset"] == int(x["train_subset"]), x
ids = {}
for name in ("whole", "parts"):
    with h5py.File(f"{name}.h5", "r") as f:
        ids[name] = list(f["trials"]["trial_id"])
assert len(ids["whole"]) == 30 and ids["whole"] == ids["parts"], (ids["whole"], ids["parts"])
print("tpe: 30 distinct trials in the space; stopped at 20 and resumed = one run of 30, in order")
PY
# The report shows the search: which trials TPE suggested, learning_rate on log axes.
"$SWEEP" report whole.h5 -o whole.html > /dev/null || fail "report of a TPE sweep"
"$PY" - <<'PY'
import h5py, json, re
d = json.loads(re.search(r'<script id="sweep-data" type="application/json">(.*?)</script>', open("whole.html").read(), re.S).group(1))
h = d["history"]
assert h["search"] == "tpe" and h["startup_trials"] == 5, h
assert d["log_keys"] == ["learning_rate"], d["log_keys"]
with h5py.File("whole.h5", "r") as f:
    order = [format(int(i), "016x") for i in f["trials"]["trial_id"]]
# One worker: each trial starts after the one before finished, so the first 5 are the startup.
assert [p["id"] for p in h["points"]] == order, "history not in the order trials finished"
assert [p["phase"] for p in h["points"]] == ["startup"] * 5 + ["model"] * 25, [p["phase"] for p in h["points"]]
print("tpe: the report marks 5 startup and 25 suggested trials; learning_rate on log axes")
PY
# TPE with successive halving (as BOHB): configurations suggested by TPE, promoted by rung;
# with one worker the same every time; a rerun on the complete file runs nothing.
cat > bohb.ini <<'INI'
model = noop
dataset = idx
data_dir = /nonexistent/noop-needs-no-data
search = tpe
samples = 12
search_seed = 1
startup_trials = 4
min_epochs = 1
max_epochs = 4
reduction_factor = 2
[grid]
learning_rate = loguniform(1e-4, 1e-1)
label_smoothing = uniform(0, 0.5)
INI
"$SWEEP" plan bohb.ini > bplan.log
grep -q "(tpe with successive halving: 12 configurations asked, each suggested by TPE when it starts (the first 4 at random), search_seed 1, rungs at 1 2 4 epochs" bplan.log ||
  { cat bplan.log; fail "plan does not show TPE with successive halving"; }
for f in b1 b2; do
  sweep_mpi 2 run bohb.ini -q --out $f.h5 > $f.log 2>&1 || { cat $f.log; fail "TPE with successive halving ($f)"; }
done
grep -q "^sweep [0-9.]*: ASHA over 12 configurations in bohb.ini (rungs at 1 2 4 epochs, reduction factor 2.*; new configurations suggested by TPE" b1.log ||
  { cat b1.log; fail "no TPE/ASHA header"; }
grep -q "^TPE: 8 configurations suggested by the model in this run, the rest at random" b1.log || { cat b1.log; fail "not 8 of 12 configurations from the model"; }
sweep_mpi 2 run bohb.ini -q --out b1.h5 > again.log 2>&1 || { cat again.log; fail "rerun on the complete file"; }
grep -q "^done: 0 rung jobs" again.log || { cat again.log; fail "a rerun on the complete file ran rung jobs"; }
"$PY" - <<'PY'
import h5py
rows = {}
for name in ("b1", "b2"):
    with h5py.File(f"{name}.h5", "r") as f:
        t = f["trials"][:]
    rows[name] = [(int(r["trial_id"]), int(r["rung"]), int(r["epochs_run"])) for r in t]
assert rows["b1"] == rows["b2"], "one worker: two runs differ"
bottom = [r for r in rows["b1"] if r[1] == 0]
assert len(bottom) == 12 and len({r[0] for r in bottom}) == 12, bottom
assert {r[2] for r in rows["b1"]} <= {1, 2, 4} and any(r[1] == 2 for r in rows["b1"]), rows["b1"]
for tid, rung, _ in rows["b1"]:
    assert rung == 0 or (tid, rung - 1) in {(r[0], r[1]) for r in rows["b1"]}, (tid, rung)
print(f"tpe: successive halving with TPE: 12 configurations, {len(rows['b1'])} rung rows, the same twice")
PY
# Bad settings: exit 2, nothing written.
printf 'model = noop\ndataset = idx\ndata_dir = /x\nsearch = random\nsamples = 3\nstartup_trials = 4\n[grid]\nlearning_rate = loguniform(1e-4, 1e-1)\n' > s.ini
expect_exit 2 "$SWEEP" run s.ini
expect_err "s.ini:6: startup_trials and ei_candidates are only used with search = tpe"
printf 'model = noop\ndataset = idx\ndata_dir = /x\nsearch = tpe\n[grid]\nlearning_rate = loguniform(1e-4, 1e-1)\n' > n.ini
expect_exit 2 "$SWEEP" run n.ini
expect_err "n.ini:4: search = tpe needs samples = N"
printf 'model = noop\ndataset = idx\ndata_dir = /x\nsearch = tpe\nsamples = 5\nval_split = 0\n[grid]\nlearning_rate = loguniform(1e-4, 1e-1)\n' > v.ini
expect_exit 2 "$SWEEP" run v.ini
expect_err "v.ini:6: search = tpe learns from validation accuracy; val_split must be above 0"
printf 'model = noop\ndataset = idx\ndata_dir = /x\nsearch = tpe\nsamples = 5\nlearning_rate = 0.01\n' > a.ini
expect_exit 2 "$SWEEP" run a.ini
expect_err "a.ini:4: search = tpe needs a [grid] section with at least one key to search"
expect_exit 2 "$SWEEP" run tpe.ini --shard 1/2 --out shard.h5
expect_err "search = tpe runs as one MPI job and cannot be split into shards"
for f in s n v a shard; do [ ! -e "$f.h5" ] || fail "a refused run wrote $f.h5"; done
echo "tpe: bad settings exit 2, nothing written"
