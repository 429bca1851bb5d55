#!/usr/bin/env bash
# Benchmark (needs an NVIDIA GPU and sweep built against a CUDA LibTorch, see docs/performance.md):
# trials/hour for one Fashion-MNIST grid on one GPU, three ways:
#   sweep       mpirun -np K+1 with trials_per_gpu = K (K workers share the GPU), K = PER_GPU
#   python x1   tests/bench/train_cnn.py --device cuda running the trials one after another
#               (data on the GPU, batches gathered there, no DataLoader: its best plain practice)
#   python x8   8 such processes at once, the trials shared out among them
# The grid: the reference cnn (filters 32, dense 128, dropout 0.25), Adam, batch BATCH, EPOCHS
# epochs over the 60,000 training images, no validation split, then the 10,000 test images;
# 8 learning rates 0.0005-0.004.
#   tests/bench/gpu.sh            (SWEEP: a CUDA build of sweep; exits 77 with the reason when
#                                  there is no GPU or the build has no CUDA)
# Environment: SWEEP  PER_GPU=8  BATCH=256  EPOCHS=3  PY=python3 (with a CUDA torch)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
SWEEP=${SWEEP:-$root/build/bin/sweep}
PER_GPU=${PER_GPU:-8}
BATCH=${BATCH:-256}
EPOCHS=${EPOCHS:-3}
PY=${PY:-python3}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
if ! nvidia-smi -L 2> /dev/null | grep -q '^GPU'; then
  echo "SKIP: no NVIDIA GPU here (nvidia-smi lists none)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
lrs="0.0005, 0.001, 0.0015, 0.002, 0.0025, 0.003, 0.0035, 0.004"
cat > "$work/gpu.ini" <<INI
device = cuda
trials_per_gpu = $PER_GPU
epochs = $EPOCHS
val_split = 0
filters = 32
dense_units = 128
dropout = 0.25
batch_size = $BATCH
[grid]
learning_rate = $lrs
INI
"$SWEEP" run "$work/gpu.ini" --epochs=1 --train_subset=256 --learning_rate=0.001 -q \
  --out "$work/probe.h5" > "$work/probe.log" 2>&1 || { cat "$work/probe.log"; exit 1; }
if ! "$PY" -c "import h5py, sys; sys.exit(h5py.File('$work/probe.h5')['trials']['status'][0] != b'ok')"; then
  echo "SKIP: this sweep build cannot train on the GPU (build it against a CUDA LibTorch):"
  PYTHONPATH="$root/tests/integration" "$PY" -c "import sweep_h5; print(sweep_h5.trials('$work/probe.h5')['message'][0].decode())"
  exit 77
fi
echo "GPU: $(nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | head -1)"
echo "8 trials: cnn 32/128, batch $BATCH, $EPOCHS epochs over 60,000 Fashion-MNIST images"
per_hour() { awk -v s="$1" 'BEGIN { printf "%8.1f s %10.0f trials/hour\n", s, 8 * 3600 / s }'; }

t0=$(date +%s.%N)
mpirun -np $((PER_GPU + 1)) --oversubscribe --bind-to none "$SWEEP" run "$work/gpu.ini" -q \
  --threads 1 --out "$work/gpu.h5" > "$work/gpu.log" 2>&1 || { cat "$work/gpu.log"; exit 1; }
t1=$(date +%s.%N)
printf '%-34s' "sweep, $PER_GPU workers on the GPU:"; per_hour "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"

t0=$(date +%s.%N)
"$PY" "$root/tests/bench/train_cnn.py" --device cuda --threads 1 --subset 60000 \
  --batch "$BATCH" --epochs "$EPOCHS" --lrs "${lrs// /}" > "$work/py1.log"
t1=$(date +%s.%N)
printf '%-34s' "python, 1 process in turn:"; per_hour "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"

t0=$(date +%s.%N)
for lr in ${lrs//,/ }; do
  "$PY" "$root/tests/bench/train_cnn.py" --device cuda --threads 1 --subset 60000 \
    --batch "$BATCH" --epochs "$EPOCHS" --lr "$lr" > "$work/py8-$lr.log" &
done
wait
t1=$(date +%s.%N)
printf '%-34s' "python, 8 processes at once:"; per_hour "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
echo "best test accuracy: sweep $("$PY" -c "import h5py; print('%.4f' % h5py.File('$work/gpu.h5')['trials']['test_acc'].max())"), python $(cat "$work/py1.log" | sed 's/.*test_acc=\([0-9.]*\).*/\1/' | sort -r | head -1)"
