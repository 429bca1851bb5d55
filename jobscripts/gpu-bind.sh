#!/usr/bin/env bash
# Runs its arguments with one GPU per MPI rank of a node: CUDA_VISIBLE_DEVICES becomes entry
# (local rank mod count) of the node's GPUs: those CUDA_VISIBLE_DEVICES already lists (Slurm
# and LSF set it for allocated GPUs), else those nvidia-smi finds, else SWEEP_GPUS_PER_NODE.
# Rank 0 only coordinates, so with one task more than GPUs per node every worker has its own.
# Without GPUs it changes nothing.
set -euo pipefail
# A stop (SIGUSR1) that mpirun forwards while sweep is still being loaded (LibTorch takes a
# while) would kill the rank: ignore it until sweep installs its own handler (sweep_launch
# repeats the signal every 5 s, so a stop is never lost).
trap '' USR1
local_rank=${OMPI_COMM_WORLD_LOCAL_RANK:-${SLURM_LOCALID:-0}}
if [ -n "${CUDA_VISIBLE_DEVICES:-}" ]; then
  IFS=, read -r -a gpus <<< "$CUDA_VISIBLE_DEVICES"
else
  n=${SWEEP_GPUS_PER_NODE:-0}
  if [ "$n" -eq 0 ] && command -v nvidia-smi > /dev/null 2>&1; then
    n=$(nvidia-smi -L 2> /dev/null | grep -c '^GPU' || true)
  fi
  gpus=()
  for ((i = 0; i < n; i++)); do gpus+=("$i"); done
fi
if [ "${#gpus[@]}" -gt 0 ]; then
  export CUDA_VISIBLE_DEVICES=${gpus[$((local_rank % ${#gpus[@]}))]}
fi
exec "$@"
