# Per-channel normalization and a frozen backbone (keys normalize, mean, std), as a user runs it:
# - make_normalized_set writes a 3-class RGB folder set whose channels sit at different levels,
#   and a TorchScript backbone trained in C++ on those images normalized per channel;
# - a head trained on the frozen backbone reaches high accuracy with the backbone's own
#   normalization (normalize = data, or custom with its statistics) and clearly lower with a
#   mismatched one (none, imagenet, and one mean and std for all channels, sweep's old rule);
# - the keys are columns and in the trial ids;
# - an image cache of sweep prepare: the kept checkpoint's per-channel values make predict give
#   exactly the stored test accuracy and confusion matrix;
# - bad input before the first trial (exit 2, nothing written): imagenet on grayscale digits,
#   custom without mean, mean and std of different lengths, 2 values for 3 channels, and a
#   backbone whose first layer takes another image size (named in the message).
source "$(dirname "$0")/common.sh"
[ -x "${MAKE_NORMALIZED_SET:-}" ] || fail "MAKE_NORMALIZED_SET (the test helper) is not set"
"$MAKE_NORMALIZED_SET" set > make.log || { cat make.log; fail "make_normalized_set"; }

cat > frozen.ini <<EOF
dataset = folder
data_dir = set/folder
image_size = 16
model = torchscript
backbone = set/backbone.pt
freeze = backbone
epochs = 15
batch_size = 16
learning_rate = 0.01
val_split = 0.3
$(cat set/stats.ini)

[grid]
normalize = data, none, imagenet, custom
EOF
sweep_mpi 3 run frozen.ini --threads 1 -o frozen.h5 > frozen.log 2>&1 || { cat frozen.log; fail "frozen backbone sweep"; }
read -r global_mean global_std < <("$PY" - <<'PY'
m, s = ([float(v) for v in line.split("=")[1].split()] for line in open("set/stats.ini"))
g = sum(m) / 3  # every channel has as many pixels
print(g, (sum(si * si + mi * mi for si, mi in zip(s, m)) / 3 - g * g) ** 0.5)
PY
)
sweep_mpi 2 run frozen.ini --threads 1 -o global.h5 --normalize=custom --mean="$global_mean" \
  --std="$global_std" > global.log 2>&1 || { cat global.log; fail "one mean and std for all channels"; }
"$PY" - <<'PY'
import h5py, sweep_h5
t = {r["normalize"].decode(): r for r in sweep_h5.trials("frozen.h5")}
assert sorted(t) == ["custom", "data", "imagenet", "none"], sorted(t)
acc = {k: float(r["val_acc"]) for k, r in t.items()}
acc["global"] = float(h5py.File("global.h5", "r")["trials"][0]["val_acc"])
print("validation accuracy of the head on the frozen backbone:", acc)
assert acc["data"] >= 0.9 and acc["custom"] >= 0.9, acc
for k in ("none", "imagenet", "global"):
    assert acc[k] <= acc["data"] - 0.15, (k, acc)
stats = [line.split("=")[1].split() for line in open("set/stats.ini")]
assert [float(v) for v in t["custom"]["mean"].split()] == [float(v) for v in stats[0]], t["custom"]["mean"]
assert [float(v) for v in t["custom"]["std"].split()] == [float(v) for v in stats[1]]
assert t["data"]["mean"] == b"" and len({int(r["trial_id"]) for r in t.values()}) == 4
PY
# normalize = data is the default: a grid without the key has the same trial id; the other
# values change it (four distinct ids above).
sed '/^normalize = /d; /^\[grid\]/d; /^mean =/d; /^std =/d' frozen.ini > implicit.ini
"$SWEEP" plan implicit.ini -o fresh.h5 > plan.log 2>&1 || { cat plan.log; fail "plan"; }
data_id=$("$PY" -c "
import h5py
print(['%016x' % r['trial_id'] for r in h5py.File('frozen.h5', 'r')['trials'][:] if r['normalize'] == b'data'][0])")
grep -q "^  $data_id " plan.log || { cat plan.log; fail "the default normalization changed the id ($data_id)"; }

# An image cache of the same images: train, keep the best, predict its test split exactly.
sweep_mpi 1 prepare --images set/folder --size 16 --val 0.2 --test 0.25 --out cache.h5 > prep.log 2>&1 ||
  { cat prep.log; fail "prepare"; }
sed 's/^dataset = folder/dataset = hdf5\ncache = cache.h5/; /^data_dir/d; /^image_size/d; /^val_split/d; s/^normalize = .*/normalize = data, imagenet/' \
  frozen.ini | grep -v '^mean =\|^std =' > cache.ini
sweep_mpi 2 run cache.ini --threads 1 --keep-best 2 -o cached.h5 > cached.log 2>&1 || { cat cached.log; fail "cache sweep"; }
for which in data imagenet; do
  id=$("$PY" -c "
import h5py
for r in h5py.File('cached.h5', 'r')['trials'][:]:
    if r['normalize'] == b'$which': print('%016x' % r['trial_id'])")
  "$SWEEP" predict --model "cached.h5.checkpoints/$id.pt" --data cache.h5 --threads 1 -o "p_$which.csv" \
    > "predict_$which.log" 2>&1 || { cat "predict_$which.log"; fail "predict ($which)"; }
  "$PY" - "$id" "p_$which.csv" <<'PY'
import csv, sys, h5py
import numpy as np
tid, path = int(sys.argv[1], 16), sys.argv[2]
f = h5py.File("cached.h5", "r")
row = [r for r in f["trials"][:] if r["trial_id"] == tid][0]
rows = list(csv.DictReader(open(path)))
correct = sum(r["Label"] == r["TrueLabel"] for r in rows)
assert correct / len(rows) == row["test_acc"], (correct, len(rows), row["test_acc"])
stored = {(int(c["true_label"]), int(c["pred_label"])): int(c["count"])
          for c in f["confusion"][:] if c["trial_id"] == tid and c["split"] == b"test"}
mine = {}
for r in rows:
    k = (int(r["TrueLabel"]), int(r["Label"]))
    mine[k] = mine.get(k, 0) + 1
assert {k: v for k, v in stored.items() if v} == mine, (stored, mine)
print(path, "test accuracy", row["test_acc"], "reproduced")
PY
done
grep -q "^normalization: mean 0.485 0.456 0.406 std 0.229 0.224 0.225 (pixels on the 0-1 scale)" predict_imagenet.log ||
  { cat predict_imagenet.log; fail "predict did not print the imagenet normalization"; }
grep -q "^normalization: mean 0.8[0-9]* 0.15[0-9]* 0.49[0-9]* std 0.03[0-9]* 0.01[0-9]* 0.01[0-9]* " predict_data.log ||
  { cat predict_data.log; fail "predict did not print the per-channel statistics"; }

# Bad input: exit 2, the key named, nothing written.
printf 'dataset = mnist\ndata_dir = %s\nnormalize = imagenet\n' "$SHARED/data/mnist-digits" > gray.ini
expect_exit 2 "$SWEEP" run gray.ini -o gray.h5
expect_err "key 'normalize': normalize = imagenet gives 3 value(s)"
expect_err "1 channel(s)"
[ ! -e gray.h5 ] || fail "bad input wrote a results file"
printf 'dataset = mnist\ndata_dir = %s\nnormalize = custom\n' "$SHARED/data/mnist-digits" > nomean.ini
expect_exit 2 "$SWEEP" run nomean.ini -o nomean.h5
expect_err "normalize = custom needs keys 'mean' and 'std'"
printf 'dataset = mnist\ndata_dir = %s\nnormalize = custom\nmean = 0.1 0.2\nstd = 0.3\n' "$SHARED/data/mnist-digits" > lengths.ini
expect_exit 2 "$SWEEP" run lengths.ini -o lengths.h5
expect_err "lengths.ini:5: key 'std' has 1 value(s) and key 'mean' 2"
printf 'mean = 0.5\n' >> gray.ini
expect_exit 2 "$SWEEP" plan gray.ini
expect_err "key 'mean' is only used when normalize is custom"
expect_exit 2 "$SWEEP" run frozen.ini -o two.h5 --normalize=custom --mean="0.5 0.5" --std="0.2 0.2"
expect_err "key 'mean': normalize = custom gives 2 value(s) per image and the images have 3 channel(s)"
expect_exit 2 "$SWEEP" run frozen.ini -o linear.h5 --backbone=set/linear_backbone.pt
expect_err "set/linear_backbone.pt: does not take 3x16x16 images"
expect_err "expects 3x20x20 images"
[ ! -e two.h5 ] && [ ! -e linear.h5 ] && [ ! -e nomean.h5 ] && [ ! -e lengths.h5 ] || fail "bad input wrote files"
echo "normalize: ok"
