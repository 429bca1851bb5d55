#!/usr/bin/env bash
# stopping = median through mpirun with model = noop (whose validation curves never cross):
# trials below the median of the completed ones at an epoch are stored as pruned after it;
# the rule is checked against the file itself; one worker and one rank alone decide alike; a
# sweep of 8 raised to 16 decides as one run of 16 (the references come back from the file);
# with TPE too; the progress lines show the running trials' epochs and an ETA before any trial
# finished; rank and status know pruned trials; bad settings exit 2 with nothing written.
source "$(dirname "$0")/common.sh"
cat > m.ini <<'INI'
model = noop
epochs = 6
sleep_ms = 20
dataset = idx
data_dir = /nonexistent/noop-needs-no-data
search = random
samples = 16
search_seed = 2
stopping = median
stopping_min_trials = 3
[grid]
learning_rate = loguniform(1e-4, 1e-1)
INI
sweep_mpi 2 run m.ini -q --out two.h5 > two.log 2>&1 || { cat two.log; fail "run with 1 worker"; }
grep -q "stopped early by the stopping rule, pruned (not ranked)" two.log || { cat two.log; fail "rank does not name the pruned trials"; }
"$SWEEP" run m.ini -q --out one.h5 > one.log 2>&1 || { cat one.log; fail "run with 1 rank"; }
sweep_mpi 2 run m.ini -q --out parts.h5 --samples=8 > p1.log 2>&1 || { cat p1.log; fail "run of 8"; }
sweep_mpi 2 run m.ini -q --out parts.h5 > p2.log 2>&1 || { cat p2.log; fail "raised to 16"; }
grep -q "8 already in parts.h5, 8 to run" p2.log || { cat p2.log; fail "the second run did not keep the first 8"; }
sweep_mpi 3 run m.ini -q --out three.h5 > three.log 2>&1 || { cat three.log; fail "run with 2 workers"; }
"$SWEEP" status m.ini two.h5 > status.log
grep -q "grid: 16 trials: 16 done, 0 failed, 0 missing" status.log || { cat status.log; fail "status does not count pruned trials as done"; }
# export and merge carry the status; a --where selects it.
"$SWEEP" merge merged.h5 two.h5 one.h5 > merge.log 2>&1 || { cat merge.log; fail "merge of two files with pruned trials"; }
"$SWEEP" export merged.h5 --format json -o merged.json 2> /dev/null || fail "export of the merged file"
"$SWEEP" rank two.h5 --where status=pruned --top 0 > where.log 2>&1 || { cat where.log; fail "rank --where status=pruned"; }
"$PY" - <<'PY'
import h5py, statistics, sweep_h5
def load(name):
    t = sweep_h5.trials(name)
    with h5py.File(name, "r") as f:
        e = f["epochs"][:]
    rows = []
    for i, r in enumerate(t):
        curve = sorted((int(x["epoch"]), float(x["val_acc"])) for x in e[e["trial_row"] == i])
        rows.append((int(r["trial_id"]), r["status"].decode(), int(r["epochs_run"]), r["message"].decode(), curve))
    return rows
two = load("two.h5")
assert len(two) == 16, len(two)
pruned = [r for r in two if r[1] == "pruned"]
ok = [r for r in two if r[1] == "ok"]
assert len(pruned) >= 3 and len(ok) >= 3 and len(pruned) + len(ok) == 16, [r[1] for r in two]
# The rule, replayed on the file (one worker: file order is the order results came): a trial
# stops at the first epoch (before its last) where its best val_acc is below the median of the
# completed trials before it at that epoch, once 3 had completed; the others never were below.
refs = []
for tid, status, run, message, curve in two:
    stop_at = None
    if len(refs) >= 3:
        best = -1
        for epoch, v in curve[:5]:
            best = max(best, v)
            at = [dict(c)[epoch] for c in refs if epoch in dict(c)]
            if at and best < statistics.median(at):
                stop_at = epoch
                break
    if stop_at is None:
        assert status == "ok" and run == 6, (tid, status, run)
        refs.append(curve)
    else:
        assert status == "pruned" and run == stop_at and len(curve) == stop_at, (tid, status, run, stop_at)
        assert message.startswith(f"stopped at epoch {stop_at} by the median rule: best val_acc "), message
for name in ("one.h5", "parts.h5"):
    other = {r[0]: r[1:3] for r in load(name)}
    assert other == {r[0]: r[1:3] for r in two}, (name, other)
import json
where = open("where.log").read()
assert f"ranked by val_acc (higher is better): 0 of {len(pruned)} trials matching --where" in where, where
assert f"{len(pruned)} stopped early by the stopping rule, pruned (not ranked)" in where, where
merged = {t["trial_id"]: t["status"] for t in json.load(open("merged.json"))}
want = {format(r[0], "016x"): r[1] for r in two}
assert merged == want or merged == {int(k, 16): v for k, v in want.items()}, (merged, want)
three = load("three.h5")
assert len(three) == 16 and any(r[1] == "pruned" for r in three), [r[1] for r in three]
print(f"median_stopping: {len(pruned)} of 16 pruned as the rule says; 1 rank, 1 worker, 8 + 8 alike; 2 workers stored all 16")
PY
# TPE with median stopping runs to its 12 trials (pruned ones count among them); progress shows
# the epochs of running trials and an ETA. How TPE ranks pruned trials among its observations is
# the unit test Tpe.PrunedTrialsRankAfterCompleteOnesAndByTheirLastStep.
sed -e 's/^search = random/search = tpe/' -e 's/^samples = 16/samples = 12/' -e 's/^sleep_ms = 20/sleep_ms = 150/' m.ini > t.ini
sweep_mpi 3 run t.ini --out tpe.h5 --progress-every 0.1 > tpe.log 2>&1 || { cat tpe.log; fail "TPE with median stopping"; }
grep -q "^TPE: 12 of 12 trials in the file" tpe.log || { cat tpe.log; fail "TPE did not run 12 trials"; }
grep -Eq '^progress: 0/12 done, 2 running \(epoch [1-5]/6 val_acc 0\.[0-9]{4}.*\| no result yet \| [0-9]+s elapsed, ETA [0-9]+s' tpe.log ||
  { cat tpe.log; fail "no progress line with the running trials' epochs and an ETA before the first result"; }
echo "median_stopping: with TPE, 12 of 12 trials; progress lines show running epochs and an ETA from the first epoch"
# Bad settings: exit 2, nothing written.
base='model = noop\ndataset = idx\ndata_dir = /x\n'
printf "${base}search = asha\nsamples = 3\nmax_epochs = 3\nstopping = median\n[grid]\nlearning_rate = loguniform(1e-4, 1e-1)\n" > a.ini
expect_exit 2 "$SWEEP" run a.ini
expect_err "a.ini:7: stopping = median cannot be used with successive halving (search = asha, or tpe with max_epochs)"
printf "${base}stopping_warmup = 2\n[grid]\nseed = 1, 2\n" > w.ini
expect_exit 2 "$SWEEP" run w.ini
expect_err "w.ini:4: stopping_warmup and stopping_min_trials are only used with stopping = median"
printf "${base}stopping = median\nval_split = 0\n[grid]\nseed = 1, 2\n" > v.ini
expect_exit 2 "$SWEEP" run v.ini
expect_err "v.ini:5: stopping = median compares validation accuracy; val_split must be above 0"
printf "${base}stopping = mean\n[grid]\nseed = 1, 2\n" > u.ini
expect_exit 2 "$SWEEP" run u.ini
expect_err "u.ini:4: key 'stopping': 'mean' is not a known value; expected none or median"
for f in a w v u; do [ ! -e "$f.h5" ] || fail "a refused run wrote $f.h5"; done
echo "median_stopping: bad settings exit 2, nothing written"
