# Shared set-up of the integration tests: bash TEST.sh SWEEP_BINARY SHARED_DIR WORK_DIR
set -euo pipefail
# sweep_h5.py (the trials table with its texts resolved) for the tests' Python snippets.
export PYTHONPATH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)${PYTHONPATH:+:$PYTHONPATH}"
SWEEP=$1
SHARED=$2
WORK=$3
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
PY=/usr/bin/python3  # Debian's python3 with python3-h5py
FASHION=/usr/share/datasets/fashion-mnist

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
sweep_mpi() { local np=$1; shift; mpirun -np "$np" --oversubscribe --bind-to none "$SWEEP" "$@"; }

# expect_exit CODE CMD...: runs CMD, keeps its stderr in $WORK/err, fails unless it exits CODE.
expect_exit() {
  local want=$1; shift
  set +e
  "$@" >"$WORK/out" 2>"$WORK/err"
  local got=$?
  set -e
  [ "$got" -eq "$want" ] || { cat "$WORK/out" "$WORK/err" >&2; fail "'$*' exited $got, expected $want"; }
}
expect_err() { grep -qF -- "$1" "$WORK/err" || { cat "$WORK/err" >&2; fail "stderr lacks: $1"; }; }

# Trials that fail at run time, not bad input: device = cuda where no CUDA device is seen (CI's
# machines; Debian's LibTorch is built without CUDA). On a machine whose build sees a GPU they
# would train, so the tests that need failed trials call need_failing_trials first.
FAIL_TRIALS=--device=cuda
gpu_visible() { command -v nvidia-smi > /dev/null 2>&1 && nvidia-smi -L 2> /dev/null | grep -q '^GPU'; }
need_failing_trials() {
  if gpu_visible; then skip "a GPU is visible: device = cuda trials would not fail here"; fi
}
