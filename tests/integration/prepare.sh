#!/usr/bin/env bash
# sweep prepare and training from its image cache, as a user runs them, on synthetic retina
# photographs (JPEG and PNG, with a truncated file, a text file, a label without an image, an
# image without a label, and a copy of one patient's image under another patient's name):
# the same cache under mpirun -np 1 and 2, the report and the skipped table, patient-level
# splits, the leakage check, the folder layout, a sweep over the cache through mpirun with
# predict on its test split, a group of 2 ranks per trial loading or streaming it,
# dataset = folder, and bad input (exit 2, nothing written).
source "$(dirname "$0")/common.sh"
[ -x "${MAKE_FUNDUS:-}" ] || fail "MAKE_FUNDUS (the test helper) is not set"
"$MAKE_FUNDUS" data 30 320 240

sweep_mpi 1 prepare --images data/images --labels data/trainLabels.csv --size 48 --lcn \
  --out one.h5 > one.log 2> one.err || { cat one.log one.err; fail "prepare -np 1"; }
sweep_mpi 2 prepare --images data/images --labels data/trainLabels.csv --size 48 --lcn \
  --out two.h5 > two.log 2> two.err || { cat two.log two.err; fail "prepare -np 2"; }
grep -q "^prepared 59 of 61 images into one.h5 (48x48, task grade, local contrast normalized)" one.log ||
  { cat one.log; fail "report line"; }
grep -q "images/s on 2 rank(s)" two.log || { cat two.log; fail "2 ranks not reported"; }
grep -q "^prepare: 61/61 images, .* images/s, ETA 0 s" one.err || { cat one.err; fail "no progress line"; }
for line in "skipped: 4" "  998_left: image without a label row" "  999_left: label row without an image file" \
            "  1_left: data/images/1_left.jpeg: corrupt JPEG" "  2_right: data/images/2_right.jpeg: neither a JPEG nor a PNG file"; do
  grep -qF -- "$line" one.log || { cat one.log; fail "report lacks: $line"; }
done
"$PY" - <<'PY'
import h5py, numpy as np
a, b = h5py.File("one.h5", "r"), h5py.File("two.h5", "r")
assert a["images"].shape == (59, 3, 48, 48) and a["images"].dtype == np.uint8, a["images"].shape
assert (a["images"][:] == b["images"][:]).all(), "the images differ between 1 and 2 ranks"
assert (a["index"][:] == b["index"][:]).all(), "the index differs between 1 and 2 ranks"
assert (a["skipped"][:] == b["skipped"][:]).all()
assert len(a["skipped"]) == 4, a["skipped"][:]
assert a.attrs["task"] == "grade" and a.attrs["size"] == 48 and a.attrs["lcn"] == 1
idx = a["index"][:]
# Both eyes of a patient are on the same side of every split.
by_patient = {}
for row in idx:
    by_patient.setdefault(row["patient_id"], set()).add(row["split"])
assert all(len(s) == 1 for s in by_patient.values()), by_patient
assert {s for v in by_patient.values() for s in v} <= {b"train", b"val", b"test"}
assert set(idx["label"]) <= {0, 1, 2, 3, 4}
# Labels follow the CSV.
csv = dict(l.strip().split(",") for l in open("data/trainLabels.csv").readlines()[1:])
for row in idx:
    assert int(csv[row["image_id"].decode()]) == row["label"], row
print(f"prepare: 59 images, same bytes on 1 and 2 ranks, {len(by_patient)} patients each in one split")
PY

# Leakage: 1000_left is a copy of 30_left; find a split seed that puts them apart.
found=""
for seed in $(seq 0 30); do
  rm -f leak.h5
  "$SWEEP" prepare --images data/images --labels data/trainLabels.csv --size 16 --val 0.3 --test 0.3 \
    --split-seed "$seed" --out leak.h5 > leak.log 2>/dev/null || fail "prepare seed $seed"
  apart=$("$PY" -c "
import h5py
i = h5py.File('leak.h5', 'r')['index'][:]
s = {r['image_id']: r['split'] for r in i}
print(int(s[b'1000_left'] != s[b'30_left']))")
  if [ "$apart" = 1 ]; then found=$seed; break; fi
  grep -q "no identical images across train/val/test" leak.log || { cat leak.log; fail "leak reported while together"; }
done
[ -n "$found" ] || fail "no seed in 0-30 split the two copies"
grep -q "leakage check: 1 group(s) of identical images across splits" leak.log || { cat leak.log; fail "leak not found"; }
grep -q "identical: 1000_left (.*) 30_left (" leak.log || { cat leak.log; fail "leak group names"; }

# The folder layout: classes are the subfolders.
"$SWEEP" prepare --images data/folder --size 32 --out folder-cache.h5 > folder.log 2>&1 || { cat folder.log; fail "folder"; }
"$PY" - <<'PY'
import h5py
f = h5py.File("folder-cache.h5", "r")
assert f.attrs["task"] == "folder" and f.attrs["class_names"] == "class_a,class_b,class_c", dict(f.attrs)
assert f.attrs["classes"] == 3 and len(f["index"]) == 12 and set(f["index"]["label"]) == {0, 1, 2}
PY

# A sweep over the cache, through mpirun: validation and test come from the cache's splits.
cat > retina.ini <<INI
dataset = hdf5
cache = one.h5
epochs = 2
batch_size = 8
[grid]
model = cnn, resnet
filters = 8
width = 0.0625
INI
sweep_mpi 3 run retina.ini --threads 1 --keep-best 1 > run.log 2>&1 || { cat run.log; fail "sweep over the cache"; }
"$PY" - <<'PY'
import h5py
c = h5py.File("one.h5", "r")["index"][:]
n_val, n_test = (c["split"] == b"val").sum(), (c["split"] == b"test").sum()
import sweep_h5
r = h5py.File("retina.h5", "r")
t = sweep_h5.trials("retina.h5")
assert len(t) == 2 and set(t["status"]) == {b"ok"}, (t["status"], t["message"])
assert (t["num_classes"] == 5).all() and (t["eval_split"] == b"test").all()
conf = r["confusion"][:]
for row in t:
    assert conf[conf["trial_id"] == row["trial_id"]]["count"].sum() == n_test
    assert 0 <= row["qwk"] <= 1 or row["qwk"] < 0 or row["qwk"] != row["qwk"]
e = r["epochs"][:]
assert (e["val_acc"] == e["val_acc"]).all(), "no validation accuracy: the cache's val split was not used"
# val accuracies are multiples of 1/n_val
for v in e["val_acc"]:
    assert abs(v * n_val - round(v * n_val)) < 1e-6, (v, n_val)
best = sorted(t, key=lambda x: (-x["val_acc"], x["trial_id"]))[0]
open("best.txt", "w").write(f"{best['test_acc']:.4f}\n")
print(f"prepare: 2 trials over the cache, {n_val} validation and {n_test} test images")
PY
# Streaming the cache (cache_memory = stream) trains the same trials to the same metrics.
sweep_mpi 3 run retina.ini --threads 1 --cache_memory=stream -o stream.h5 > stream.log 2>&1 || { cat stream.log; fail "streamed"; }
"$PY" - <<'PY'
import h5py, numpy as np
a = np.sort(h5py.File("retina.h5", "r")["trials"][:], order="trial_id")
b = np.sort(h5py.File("stream.h5", "r")["trials"][:], order="trial_id")
assert (a["trial_id"] == b["trial_id"]).all(), "cache_memory changed the trial ids"
for m in ("val_loss", "val_acc", "test_loss", "test_acc"):
    assert (a[m] == b[m]).all(), (m, a[m], b[m])
assert (b["cache_memory"] == b"stream").all()
PY
# cache_memory = auto (the default) loads a cache that fits the rank's share and streams one that
# does not, saying so; either way the same metrics (at the same thread count: --threads 1 in
# every run here, as metrics are only promised equal at equal threads).
sweep_mpi 2 run retina.ini --threads 1 --memory-per-rank=0 -o auto_small.h5 > auto_small.log 2>&1 || { cat auto_small.log; fail "auto, no memory"; }
grep -q "more than this rank's 0 MiB share of memory; streaming" auto_small.log || { cat auto_small.log; fail "auto did not stream"; }
sweep_mpi 2 run retina.ini --threads 1 -o auto_big.h5 > auto_big.log 2>&1 || { cat auto_big.log; fail "auto"; }
if grep -q "streaming" auto_big.log; then cat auto_big.log; fail "auto streamed a small cache"; fi
"$PY" - <<'PY'
import h5py, numpy as np
a = np.sort(h5py.File("retina.h5", "r")["trials"][:], order="trial_id")
for f in ("auto_small.h5", "auto_big.h5"):
    b = np.sort(h5py.File(f, "r")["trials"][:], order="trial_id")
    assert (a["trial_id"] == b["trial_id"]).all(), f
    for m in ("val_loss", "val_acc", "test_loss", "test_acc"):
        assert (a[m] == b[m]).all(), (f, m, a[m], b[m])
PY
# A group of 2 (ranks_per_trial = 2) loads the cache once between its members (stderr says so);
# streamed, nothing is held, the same metrics; under cache_memory = auto the first member's
# choice (to stream, with no memory) holds for both, the same metrics again.
sweep_mpi 3 run retina.ini --threads 1 --ranks_per_trial=2 -o group_load.h5 > group_load.log 2>&1 || { cat group_load.log; fail "a group over the cache"; }
grep -q "of pixels held once by the 2 ranks of this node that train together" group_load.log || { cat group_load.log; fail "the group did not share the cache"; }
sweep_mpi 3 run retina.ini --threads 1 --ranks_per_trial=2 --cache_memory=stream -o group_stream.h5 > group_stream.log 2>&1 || { cat group_stream.log; fail "a group streaming the cache"; }
if grep -q "held once" group_stream.log; then cat group_stream.log; fail "a streamed cache was loaded"; fi
sweep_mpi 3 run retina.ini --threads 1 --ranks_per_trial=2 --memory-per-rank=0 -o group_auto.h5 > group_auto.log 2>&1 || { cat group_auto.log; fail "a group, auto, no memory"; }
grep -q "streaming" group_auto.log || { cat group_auto.log; fail "auto did not stream in the group"; }
if grep -q "held once" group_auto.log; then cat group_auto.log; fail "auto both streamed and loaded"; fi
"$PY" - <<'PY'
import numpy as np, sweep_h5
a = np.sort(sweep_h5.trials("group_load.h5"), order="trial_id")
assert len(a) == 2 and (a["status"] == b"ok").all() and (a["ranks_per_trial"] == 2).all(), a["message"]
for f, mode in (("group_stream.h5", b"stream"), ("group_auto.h5", b"auto")):
    b = np.sort(sweep_h5.trials(f), order="trial_id")
    assert (a["trial_id"] == b["trial_id"]).all() and (b["cache_memory"] == mode).all(), (f, b["cache_memory"])
    for m in ("val_loss", "val_acc", "test_loss", "test_acc"):
        assert (a[m] == b[m]).all(), (f, m, a[m], b[m])
print("prepare: a group of 2 over the cache, loaded once, streamed or auto: the same metrics")
PY
"$SWEEP" predict --from retina.h5 --data one.h5 --threads 1 > predict.log 2>&1 || { cat predict.log; fail "predict on the cache"; }
grep -q "data: image cache one.h5, its test split" predict.log || { cat predict.log; fail "predict data"; }
grep -q "^accuracy $(cat best.txt) " predict.log || { cat predict.log best.txt; fail "predict accuracy"; }

# The documented retina grid is valid against such a cache.
"$SWEEP" plan "$(dirname "$0")/../../grids/retina.ini" --cache=one.h5 > plan.log 2>&1 || { cat plan.log; fail "grids/retina.ini"; }
grep -q "^grid .*retina.ini: 8 trials" plan.log || { cat plan.log; fail "retina.ini plan"; }

# dataset = folder: the images decoded and resized in each rank.
printf 'dataset = folder\ndata_dir = data/folder\nimage_size = 24\nepochs = 2\nval_split = 0.25\nfilters = 4\n' > folder.ini
"$SWEEP" run folder.ini > folder-run.log 2>&1 || { cat folder-run.log; fail "dataset = folder"; }
grep -q "1 of 1 trials" folder-run.log || { cat folder-run.log; fail "folder trial"; }
# A folder with a corrupt image: bad input before the first trial, the file named, nothing written.
cp -r data/folder badfolder
head -c 100 badfolder/class_b/img1.png > cut.png && mv cut.png badfolder/class_b/img1.png
expect_exit 2 "$SWEEP" run folder.ini --data_dir=badfolder -o badfolder.h5
expect_err "badfolder/class_b/img1.png"
[ ! -e badfolder.h5 ] || fail "a folder with a corrupt image let a results file be written"

# Bad input: exit 2, a message naming the file or option, nothing written.
expect_exit 2 "$SWEEP" prepare --images nowhere --labels data/trainLabels.csv --size 32 --out bad.h5
expect_err "nowhere: no such folder (--images)"
printf 'image,level\n1_left,7\n' > badlabels.csv
expect_exit 2 "$SWEEP" prepare --images data/images --labels badlabels.csv --size 32 --out bad.h5
expect_err "badlabels.csv:2: level '7' is not an integer 0-4"
printf 'name,grade\n' > nolevel.csv
expect_exit 2 "$SWEEP" prepare --images data/images --labels nolevel.csv --size 32 --out bad.h5
expect_err "nolevel.csv:1: no 'image' column"
expect_exit 2 "$SWEEP" prepare --images data/images --labels data/trainLabels.csv --size 4 --out bad.h5
expect_err "--size must be 8-4096"
[ ! -e bad.h5 ] && [ ! -e bad.h5.part ] || fail "bad input wrote a cache"
sum=$(md5sum < one.h5)
expect_exit 2 "$SWEEP" prepare --images data/images --labels data/trainLabels.csv --size 48 --out one.h5
expect_err "--out one.h5 exists"
[ "$(md5sum < one.h5)" = "$sum" ] || fail "an existing cache was changed"
printf 'dataset = hdf5\nepochs = 1\n' > nocache.ini
expect_exit 2 "$SWEEP" run nocache.ini
expect_err "key 'cache' is required when dataset = hdf5"
printf 'dataset = hdf5\ncache = missing.h5\nepochs = 1\n' > missing.ini
expect_exit 2 "$SWEEP" run missing.ini
expect_err "missing.h5: no such image cache"
expect_exit 2 "$SWEEP" run missing.ini --cache=retina.h5
expect_err "retina.h5: not an image cache of sweep prepare"
[ ! -e missing.h5 ] && [ ! -e nocache.h5 ] || fail "a refused run wrote a results file"
# A cache damaged after prepare: a label outside its classes, images of another shape.
cp one.h5 badlabel.h5
cp one.h5 badshape.h5
"$PY" - <<'PY'
import h5py
with h5py.File("badlabel.h5", "r+") as f:
    idx = f["index"][:]
    idx["label"][3] = 9
    f["index"][:] = idx
with h5py.File("badshape.h5", "r+") as f:
    n = f["images"].shape[0]
    f["images"].resize(n - 1, axis=0)
PY
expect_exit 2 "$SWEEP" run missing.ini --cache=badlabel.h5 -o damaged.h5
expect_err "badlabel.h5: index row 3"
expect_err "label 9 is outside the cache's 5 classes"
expect_exit 2 "$SWEEP" run missing.ini --cache=badshape.h5 -o damaged.h5
expect_err "badshape.h5: the images are"
[ ! -e damaged.h5 ] || fail "a damaged cache let a results file be written"
echo "prepare: caches, report, splits, leakage, sweeps and bad inputs as expected"
