#!/usr/bin/env bash
# Submits a sharded sweep to LSF: a job array "NAME[1-SHARDS]%THROTTLE" in job group GROUP,
# then the merge with -w "done(NAME)" (it runs when every element is done). From the checkout:
#   SHARDS=8 THROTTLE=4 GRID=grids/fashion_mnist.ini jobscripts/lsf-submit-array.sh
# Environment (defaults): SHARDS (4), THROTTLE (2), NAME (sweep), GROUP (/sweep), GRID, OUT,
# SWEEP_ARGS, GRACE, THREADS, SWEEP, SWEEP_HOME (this checkout), BSUB_ARGS (extra bsub
# options for the array, e.g. "-n 5 -W 8:00"). LSF passes this environment on to the jobs.
set -euo pipefail
SWEEP_HOME=${SWEEP_HOME:-$(cd "$(dirname "$0")/.." && pwd)}
export SWEEP_HOME GRID=${GRID:-$SWEEP_HOME/grids/quick.ini} SHARDS=${SHARDS:-4}
THROTTLE=${THROTTLE:-2}
NAME=${NAME:-sweep}
GROUP=${GROUP:-/sweep}
# shellcheck disable=SC2086  # BSUB_ARGS is a list of options
bsub -J "$NAME[1-$SHARDS]%$THROTTLE" -g "$GROUP" -o "${NAME}_%J_%I.out" ${BSUB_ARGS:-} \
  < "$SWEEP_HOME/jobscripts/lsf-array.bsub"
bsub -J "$NAME-merge" -g "$GROUP" -w "done($NAME)" -o "${NAME}_merge_%J.out" \
  < "$SWEEP_HOME/jobscripts/lsf-merge.bsub"
