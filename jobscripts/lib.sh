# Shared by the Slurm and LSF job scripts (sourced, not run): settings from the environment
# with their defaults, and the launch of `sweep` under mpirun with signal forwarding.
#
# Environment (defaults):
#   SWEEP_HOME  the sweep checkout (set by the calling script)
#   SWEEP       the binary                          ($SWEEP_HOME/build/bin/sweep)
#   GRID        the grid file                       ($SWEEP_HOME/grids/quick.ini)
#   GRACE       seconds running trials may go on after a stop signal (120); keep it below the
#               warning time of the script (--signal / -wt) minus a minute for the flush
#   THREADS     LibTorch threads per worker         (empty: each worker's share of the node)
#   SWEEP_OWN_SESSION=1  start mpirun in a session of its own (setsid), so that a terminal's
#               Ctrl-C reaches only this shell, which passes it on gracefully (workstation.sh)

# A stop signal that comes before sweep runs (Slurm may send its warning early) is noted, not
# fatal; sweep_launch then does not start sweep at all.
SWEEP_STOP=0
trap 'SWEEP_STOP=1' USR1 TERM INT

SWEEP=${SWEEP:-$SWEEP_HOME/build/bin/sweep}
GRID=${GRID:-$SWEEP_HOME/grids/quick.ini}
GRACE=${GRACE:-120}
THREADS=${THREADS:-}
# Open MPI refuses to run as root unless told twice (containers, test clusters).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Not raised on purpose: OMPI_MCA_odls_base_sigkill_timeout (1 s). mpirun that gets SIGTERM
# itself (scancel and bkill signal every process of the job) kills the ranks 2 s later; a
# larger value would also delay mpirun's exit by twice as much whenever sweep exits 75. The
# graceful stop is SIGUSR1 to the batch shell: --signal=B:USR1, -wa USR1, or by hand
# `scancel --batch --signal=USR1 JOB` / `bkill -s USR1 JOB`.

# sweep_launch NP HOSTFILE ARGS...: runs `sweep ARGS --grace $GRACE` with NP MPI ranks (rank 0
# coordinates, the others train, each with one GPU when the node has GPUs; NP = 1: alone,
# without mpirun) on the hosts of HOSTFILE ("" = this node). SIGUSR1, SIGTERM and SIGINT
# sent to this shell reach sweep as SIGUSR1: stop handing out work, finish within the grace,
# exit 75. Returns sweep's exit code, or 75 without starting it after an earlier stop signal.
sweep_launch() {
  local np=$1 hostfile=$2
  shift 2
  local args=("$@" --grace "$GRACE") pid="" rc=0 resender=""
  [ -n "$THREADS" ] && args+=(--threads "$THREADS")
  trap '_sweep_stop USR1' USR1 TERM
  trap '_sweep_stop INT' INT
  if [ "$SWEEP_STOP" = 1 ]; then
    echo "sweep: a stop signal came before sweep started; nothing was run"
    return 75
  fi
  if [ "$np" -le 1 ]; then
    # SIGUSR1 ignored until sweep installs its handler (see gpu-bind.sh).
    (trap '' USR1 && exec "$SWEEP" "${args[@]}") &
  else
    local hosts=()
    [ -n "$hostfile" ] && hosts=(--hostfile "$hostfile")
    # --oversubscribe: rank 0 mostly sleeps; --bind-to none: sweep shares out the cores itself.
    local session=()
    [ "${SWEEP_OWN_SESSION:-0}" = 1 ] && session=(setsid)
    "${session[@]}" mpirun -np "$np" "${hosts[@]}" --oversubscribe --bind-to none \
      "$SWEEP_HOME/jobscripts/gpu-bind.sh" "$SWEEP" "${args[@]}" &
  fi
  pid=$!
  [ "$SWEEP_STOP" = 1 ] && _sweep_stop USR1  # came while it was being started
  while :; do
    wait "$pid" && rc=0 || rc=$?
    kill -0 "$pid" 2>/dev/null || break  # wait was only interrupted by a trapped signal
  done
  [ -n "$resender" ] && kill "$resender" 2>/dev/null
  trap 'SWEEP_STOP=1' USR1 TERM INT
  return "$rc"
}

# The trap of sweep_launch (uses its locals pid and resender): passes a stop on as SIGUSR1; a
# second SIGINT (Ctrl-C twice) sends SIGTERM instead, which ends mpirun within 2 s (running
# trials are lost, finished ones kept).
# mpirun passes SIGUSR1 on to every rank at once (SIGTERM only after its kill timeout), but
# drops one that comes before the ranks run, so it is repeated every 5 s until sweep ends
# (repeats are harmless: only a second SIGINT shortens the grace).
_sweep_stop() {
  if [ "$1" = INT ] && [ "$SWEEP_STOP" = 1 ] && [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null
    return 0
  fi
  SWEEP_STOP=1
  [ -n "$pid" ] || return 0
  kill -USR1 "$pid" 2>/dev/null
  if [ -z "$resender" ]; then
    (while kill -0 "$pid" 2>/dev/null; do
      sleep 5
      kill -USR1 "$pid" 2>/dev/null
    done) &
    resender=$!
  fi
}

# slurm_seconds_left: the running Slurm job's time left in seconds (squeue's %L, [D-][H:]M:S),
# or nothing when unknown (no job, no limit, squeue unreachable).
slurm_seconds_left() {
  local l d=0 a b c
  l=$(squeue -h -j "${SLURM_JOB_ID:-}" -o %L 2> /dev/null) || return 0
  case "$l" in "" | *[!0-9:-]*) return 0 ;; esac
  if [[ $l == *-* ]]; then d=${l%%-*}; l=${l#*-}; fi
  IFS=: read -r a b c <<< "$l"
  if [ -n "$c" ]; then echo $(((10#$d * 24 + 10#$a) * 3600 + 10#$b * 60 + 10#$c))
  elif [ -n "$b" ]; then echo $((10#$d * 86400 + 10#$a * 60 + 10#$b))
  else echo $((10#$d * 86400 + 10#$a)); fi
}

# sweep_finish RC: explains the exit code of sweep_launch and exits with it.
sweep_finish() {
  case "$1" in
    0) echo "sweep: done" ;;
    3) echo "sweep: done, but some trials failed (stored with their messages; see above)" ;;
    75) echo "sweep: stopped by a signal; every finished trial is stored; submit again to resume" ;;
    2) echo "sweep: bad input (see above); nothing was written" ;;
    *) echo "sweep: failed with exit code $1" ;;
  esac
  exit "$1"
}

# sweep_finish_shard RC: as sweep_finish for one array task, except that a shard whose only
# problem is failed trials (exit 3) ends with 0, so that the merge (afterok / done()) still
# runs; the merge reports the failed trials and exits 3 itself.
sweep_finish_shard() {
  if [ "$1" = 3 ]; then
    echo "sweep: done, but some trials of this shard failed (stored as failed); exiting 0 so" \
      "that the merge runs and reports them"
    exit 0
  fi
  sweep_finish "$1"
}
