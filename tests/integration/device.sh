#!/usr/bin/env bash
# The device keys on a machine without a GPU (CI has none; the CUDA path is measured on a GPU
# machine, see docs/performance.md): device = auto trains on the CPU with the same metrics as
# device = cpu; device = cuda stores every trial as failed with a message that says why, and
# the sweep goes on; trials_per_gpu with device = cpu is a grid error.
source "$(dirname "$0")/common.sh"
need_failing_trials
DIGITS=$SHARED/data/mnist-digits
[ -f "$DIGITS/train-images-idx3-ubyte.gz" ] || skip "the shared MNIST digits are not at $DIGITS (a plain clone has no ../shared)"
"$SWEEP" --version > /dev/null
cat > d.ini <<INI
dataset = mnist
data_dir = $DIGITS
epochs = 1
train_subset = 400
batch_size = 32
filters = 4
dense_units = 16
[grid]
learning_rate = 0.001, 0.01
INI
sweep_mpi 3 run d.ini --threads 1 --device=cpu -q -o cpu.h5 > cpu.log 2>&1 || { cat cpu.log; fail "device = cpu"; }
sweep_mpi 3 run d.ini --threads 1 -q -o auto.h5 > auto.log 2>&1 || { cat auto.log; fail "device = auto"; }
# Every trial fails and is stored; the sweep goes on to the end and exits 3 (through mpirun).
expect_exit 3 sweep_mpi 3 run d.ini --threads 1 --device=cuda -q -o cuda.h5
expect_err "sweep: 2 of 2 trials failed"
"$PY" - <<'PY'
import numpy as np, sweep_h5
a = np.sort(sweep_h5.trials("cpu.h5"), order="trial_id")
b = np.sort(sweep_h5.trials("auto.h5"), order="trial_id")
c = np.sort(sweep_h5.trials("cuda.h5"), order="trial_id")
assert (a["trial_id"] == b["trial_id"]).all() and (a["trial_id"] == c["trial_id"]).all(), "device entered the trial id"
assert (a["status"] == b"ok").all() and (b["status"] == b"ok").all()
for m in ("test_acc", "test_loss", "val_acc"):
    assert (a[m] == b[m]).all(), (m, a[m], b[m])
assert (b["device"] == b"cpu").all(), b["device"]
assert (c["status"] == b"failed").all(), c["status"]
assert all(b"device = cuda: this rank sees no CUDA device" in m for m in c["message"]), c["message"]
print("device: auto = cpu on a machine without GPU; cuda fails each trial with its reason")
PY
printf 'device = cpu\ntrials_per_gpu = 2\n' > bad.ini
expect_exit 2 "$SWEEP" run bad.ini
expect_err "trials_per_gpu"
