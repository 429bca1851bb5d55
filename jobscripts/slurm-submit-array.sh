#!/usr/bin/env bash
# Submits a sharded sweep to Slurm: an array job of SHARDS tasks, at most THROTTLE at a time
# (--array=1-SHARDS%THROTTLE), then the merge, which runs only when all tasks succeeded
# (--dependency=afterok; it is cancelled if one fails). Run it from the checkout:
#   SHARDS=8 THROTTLE=4 GRID=grids/fashion_mnist.ini jobscripts/slurm-submit-array.sh [sweep run options]
# Environment (defaults): SHARDS (4), THROTTLE (2), GRID, OUT, GRACE, THREADS, SWEEP, SWEEP_HOME
# (this checkout), SBATCH_ARGS (extra sbatch options for the array, e.g. "-n 5 -t 8:00:00"),
# WAIT=1 (wait for the merge and exit with its exit code, as `sbatch --wait` does).
# The sweep run options (e.g. --epochs=5) go to every task and to the merge's status check.
set -euo pipefail
SWEEP_HOME=${SWEEP_HOME:-$(cd "$(dirname "$0")/.." && pwd)}
export SWEEP_HOME GRID=${GRID:-$SWEEP_HOME/grids/quick.ini}
export SHARDS=${SHARDS:-4} OVERRIDES="$*"
THROTTLE=${THROTTLE:-2}
# shellcheck disable=SC2086  # SBATCH_ARGS is a list of options
array=$(sbatch --parsable --array="1-$SHARDS%$THROTTLE" ${SBATCH_ARGS:-} \
  "$SWEEP_HOME/jobscripts/slurm-array.sbatch" "$@")
array=${array%%;*}
echo "array job $array: $SHARDS shards of $GRID, $THROTTLE at a time"
wait_opt=()
[ "${WAIT:-0}" = 1 ] && wait_opt=(--wait)
merge=$(sbatch --parsable "${wait_opt[@]}" --dependency="afterok:$array" --kill-on-invalid-dep=yes \
  "$SWEEP_HOME/jobscripts/slurm-merge.sbatch") || { echo "merge job failed or was cancelled" >&2; exit 1; }
echo "merge job ${merge%%;*}: after array job $array succeeds"
