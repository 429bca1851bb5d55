#!/usr/bin/env bash
# The whole set-up on a workstation: install what is missing, build, and run a sweep with
# NP MPI ranks (rank 0 coordinates, the others train), then print the ranked table.
#   jobscripts/workstation.sh                       # the default quick Fashion-MNIST sweep
#   GRID=grids/mnist.ini NP=5 jobscripts/workstation.sh --epochs=3
# Environment (defaults): GRID=grids/quick.ini  NP=cores+1 (rank 0 coordinates, one single-thread
#   trial per core: the most samples/s, see `sweep plan`)  OUT=<grid name>.h5 in the current folder
#   GRACE=60 (seconds running trials may finish after Ctrl-C)  SKIP_BUILD=1 (use SWEEP as is)
# Extra arguments are passed to `sweep run` (e.g. --threads 1, --filters=8,16).
# Ctrl-C stops it gracefully: no more trials start, running ones finish within GRACE, exit 75;
# the same command resumes. A second Ctrl-C stops at once (finished trials are kept).
set -euo pipefail
SWEEP_HOME=$(cd "$(dirname "$0")/.." && pwd)
GRACE=${GRACE:-60}
# Only the program: the tests and benchmarks are test.sh's.
[ "${SKIP_BUILD:-0}" = 1 ] || TARGET=sweep_bin "$SWEEP_HOME/jobscripts/build.sh"
source "$SWEEP_HOME/jobscripts/lib.sh"
out_args=()
[ -n "${OUT:-}" ] && out_args=(--out "$OUT")
rc=0
SWEEP_OWN_SESSION=1 sweep_launch "${NP:-$(($(nproc) + 1))}" "" run "$GRID" "${out_args[@]}" "$@" || rc=$?
exit "$rc"
