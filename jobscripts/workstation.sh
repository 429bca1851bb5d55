#!/usr/bin/env bash
# The whole set-up on a workstation: install what is missing, build, and run a sweep with
# NP MPI ranks (rank 0 coordinates, the others train), then print the ranked table.
#   jobscripts/workstation.sh                       # the default quick Fashion-MNIST sweep
#   GRID=grids/mnist.ini NP=5 jobscripts/workstation.sh --epochs=3
# Environment (defaults): GRID=grids/quick.ini  NP=3  OUT=<grid name>.h5 in the current folder
# Extra arguments are passed to `sweep run` (e.g. --threads 1, --filters=8,16).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
GRID=${GRID:-$root/grids/quick.ini}
NP=${NP:-3}
"$root/jobscripts/build.sh"
# Open MPI refuses to run as root unless told twice.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
out_args=()
[ -n "${OUT:-}" ] && out_args=(--out "$OUT")
# --oversubscribe: more ranks than cores is fine (rank 0 mostly sleeps);
# --bind-to none: sweep divides the node's cores among its workers itself.
exec mpirun -np "$NP" --oversubscribe --bind-to none "$root/build/bin/sweep" run "$GRID" "${out_args[@]}" "$@"
