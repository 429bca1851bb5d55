#!/usr/bin/env bash
# Models, training options, metrics, --keep-best and `sweep predict`, as a user runs them:
# a grid over cnn, resnet, vit and a TorchScript backbone through mpirun, the kept checkpoints,
# predictions on the IDX test set and on Kaggle-style CSVs with and without labels, and the
# bad inputs (exit 2, nothing written).
source "$(dirname "$0")/common.sh"
MNIST="$SHARED/data/mnist-digits"
[ -d "$MNIST" ] || skip "the shared MNIST digits are not at $MNIST"
[ -x "${MAKE_BACKBONE:-}" ] || fail "MAKE_BACKBONE (the test helper) is not set"
"$MAKE_BACKBONE" backbone.pt

cat > models.ini <<INI
dataset = mnist
data_dir = $MNIST
train_subset = 800
epochs = 2
val_split = 0.25
batch_size = 32
optimizer = adamw
weight_decay = 0.01
schedule = cosine
learning_rate = 0.003
label_smoothing = 0.05
rotation = 8
translate = 0.05
[grid]
model = cnn, resnet, vit, torchscript
filters = 8
batch_norm = true
width = 0.0625
embed_dim = 16
heads = 2
depth = 0
backbone = backbone.pt
freeze = backbone
INI
sweep_mpi 3 run models.ini --threads 1 --keep-best 2 --verbose > run.log 2>&1 || { cat run.log; fail "run"; }
grep -q "4 trials in models.ini" run.log || { cat run.log; fail "expected 4 trials"; }

"$PY" - <<'PY'
import glob, os
import h5py, sweep_h5
f = h5py.File("models.h5", "r")
t = sweep_h5.trials("models.h5")
assert len(t) == 4, len(t)
assert set(t["status"]) == {b"ok"}, (t["status"], t["message"])
assert sorted(t["model"]) == [b"cnn", b"resnet", b"torchscript", b"vit"], t["model"]
for row in t:
    m = row["model"].decode()
    assert 0.1 < row["test_acc"] <= 1, (m, row["test_acc"])
    assert 1 <= row["best_epoch"] <= 2, (m, row["best_epoch"])
    assert -1 <= row["qwk"] <= 1, (m, row["qwk"])
    assert row["auc"] != row["auc"], "AUC is for two classes only"
    assert row["checkpoint"] == f"models.h5.checkpoints/{row['trial_id']:016x}.pt".encode(), row["checkpoint"]
# Unused keys hold their defaults: filters only matters to the cnn.
assert {r["filters"] for r in t if r["model"] != b"cnn"} == {32}, t["filters"]
# Per-class precision/recall: 10 classes per trial, supports summing to the 1996 test images.
pc = f["per_class"][:]
for row in t:
    mine = pc[pc["trial_id"] == row["trial_id"]]
    assert len(mine) == 10 and mine["support"].sum() == 1996, (len(mine), mine["support"].sum())
    assert (mine["split"] == b"test").all()
# The 2 best by validation accuracy kept their checkpoints; the others were deleted.
order = sorted(t, key=lambda r: (-r["val_acc"], r["trial_id"]))
kept = sorted(os.path.basename(p) for p in glob.glob("models.h5.checkpoints/*"))
want = sorted(f"{r['trial_id']:016x}.pt" for r in order[:2])
assert kept == want, (kept, want)
best = order[0]
# auto: cnn in channels-last, a resnet of width 0.0625 (too narrow for it), vit and a TorchScript
# backbone contiguous.
layout = {r["model"].decode(): r["memory_format"].decode() for r in t}
assert layout == {"cnn": "channels_last", "resnet": "contiguous", "vit": "contiguous",
                  "torchscript": "contiguous"}, layout
open("best.txt", "w").write(f"{best['trial_id']:016x} {best['test_acc']:.4f} {best['memory_format'].decode()}\n")
print("models: 4 models trained;", ", ".join(f"{r['model'].decode()} {r['test_acc']:.3f}" for r in t),
      "; kept", kept)
PY
read -r best_id best_acc best_layout < best.txt

# predict --from: the best kept trial, on the IDX test set: the stored test accuracy again.
"$SWEEP" predict --from models.h5 --data "$MNIST" --threads 1 -o preds.csv > predict.log 2>&1 ||
  { cat predict.log; fail "predict --from"; }
grep -q "trial $best_id" predict.log || { cat predict.log; fail "predict used another trial than $best_id"; }
grep -q "^accuracy $best_acc " predict.log || { cat predict.log; fail "predict accuracy is not the stored $best_acc"; }
grep -q "confusion (rows: true label" predict.log || fail "no confusion matrix printed"
grep -q "^memory format: $best_layout$" predict.log || { cat predict.log; fail "predict ran another layout than the trial's $best_layout"; }
[ "$(head -1 preds.csv)" = "ImageId,Label,Confidence,TrueLabel" ] || fail "labelled CSV header"
[ "$(wc -l < preds.csv)" -eq 1997 ] || fail "expected 1996 prediction rows"

# Kaggle CSVs: with labels (metrics printed), without (the submission format, ImageId from 1).
"$PY" - "$MNIST" <<'PY'
import gzip, sys
import numpy as np
d = sys.argv[1]
x = np.frombuffer(gzip.open(f"{d}/t10k-images-idx3-ubyte.gz").read(), np.uint8)[16:].reshape(-1, 784)[:50]
y = np.frombuffer(gzip.open(f"{d}/t10k-labels-idx1-ubyte.gz").read(), np.uint8)[8:][:50]
pix = ",".join(f"pixel{i}" for i in range(784))
np.savetxt("test.csv", x, fmt="%d", delimiter=",", header=pix, comments="")
np.savetxt("labelled.csv", np.column_stack([y, x]), fmt="%d", delimiter=",", header="label," + pix, comments="")
PY
"$SWEEP" predict --model "models.h5.checkpoints/$best_id.pt" --data test.csv -o submission.csv > kaggle.log 2>&1 ||
  { cat kaggle.log; fail "predict on an unlabelled CSV"; }
grep -q "no labels" kaggle.log || fail "unlabelled CSV not recognized"
[ "$(head -1 submission.csv)" = "ImageId,Label" ] || fail "submission header"
[ "$(sed -n 2p submission.csv | cut -d, -f1)" = "1" ] || fail "ImageId starts at 1"
[ "$(wc -l < submission.csv)" -eq 51 ] || fail "expected 50 submission rows"
"$SWEEP" predict --model "models.h5.checkpoints/$best_id.pt" --data labelled.csv > labelled.log 2>&1 ||
  fail "predict on a labelled CSV"
# The same 50 images give the same predictions with or without their labels.
"$SWEEP" predict --model "models.h5.checkpoints/$best_id.pt" --data labelled.csv -o l.csv > /dev/null
diff <(cut -d, -f2 submission.csv | tail -n +2) <(cut -d, -f2 l.csv | tail -n +2) ||
  fail "predictions differ between the labelled and unlabelled CSV"

# A resume deletes checkpoint files a kill left behind (not kept, not referenced).
touch "models.h5.checkpoints/0123456789abcdef.pt" "models.h5.checkpoints/$best_id.pt.part"
"$SWEEP" run models.ini --keep-best 2 > resume.log 2>&1 || { cat resume.log; fail "resume"; }
[ "$(ls models.h5.checkpoints | wc -l)" -eq 2 ] || { ls models.h5.checkpoints; fail "leftover files kept"; }

# Bad input: exit 2, a message naming the key, nothing written.
printf 'dataset = mnist\ndata_dir = %s\nepochs = 1\n' "$MNIST" > base.ini
expect_exit 2 "$SWEEP" run models.ini --momentum=0.5 -o bad.h5
expect_err "command line --momentum: key 'momentum' is only used when optimizer is sgd"
expect_exit 2 "$SWEEP" run models.ini --model=cnn -o bad.h5
expect_err "models.ini:18: key 'width' is only used when model is resnet, and this grid has model = cnn"
expect_exit 2 "$SWEEP" run base.ini --conv_blocks=5 -o bad.h5
expect_err "key 'conv_blocks': 5 blocks halve a 28x28 image to nothing"
expect_exit 2 "$SWEEP" run base.ini --model=resnet --depth=50 -o bad.h5
expect_err "key 'depth': resnet has depth 18 or 34"
expect_exit 2 "$SWEEP" run base.ini --model=resnet --width=0.125 --memory_format=channels_last -o bad.h5
expect_err "key 'memory_format': channels_last with resnet width 0.125 (a first stage of 8 channels) would crash"
expect_exit 2 "$SWEEP" run base.ini --memory_format=nhwc -o bad.h5
expect_err "memory_format"
expect_exit 2 "$SWEEP" run base.ini --model=torchscript --backbone=missing.pt -o bad.h5
expect_err "key 'backbone': no such file 'missing.pt'"
expect_exit 2 "$SWEEP" run base.ini --keep-best 1 --keep-by accuracy -o bad.h5
expect_err "--keep-by: unknown metric 'accuracy'"
[ ! -e bad.h5 ] && [ ! -e bad.h5.checkpoints ] || fail "bad input wrote files"
expect_exit 2 "$SWEEP" predict --from bad.h5 --data "$MNIST"
expect_exit 2 "$SWEEP" predict --model backbone.pt --data "$MNIST"
expect_err "backbone.pt: not a sweep checkpoint"
expect_exit 2 "$SWEEP" predict --model "models.h5.checkpoints/$best_id.pt" --data "$FASHION/../nothing"
printf 'label,a,b,c,d\n1,0,0,0,0\n' > small.csv
expect_exit 2 "$SWEEP" predict --model "models.h5.checkpoints/$best_id.pt" --data small.csv -o x.csv
[ ! -e x.csv ] || fail "predict wrote output on bad input"
expect_exit 2 "$SWEEP" predict --data "$MNIST"
expect_err "give either --model CHECKPOINT or --from RESULTS.h5"
echo "models: keep-best, predict and bad inputs as expected"
