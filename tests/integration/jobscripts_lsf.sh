#!/usr/bin/env bash
# The LSF job scripts, run as LSF runs them (LSF itself cannot be installed here): with the
# LSB_* variables LSF sets for an array element or a parallel job, and bsub replaced by a stub
# that records what lsf-submit-array.sh asks for. Also the GPU mapping of gpu-bind.sh.
source "$(dirname "$0")/common.sh"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
[ -d "$FASHION" ] || skip "Fashion-MNIST not installed at $FASHION (Debian package dataset-fashion-mnist)"
printf 'epochs = 1\ntrain_subset = 500\nfilters = 2\ndense_units = 8\n[grid]\nbatch_size = 32, 64\nlearning_rate = 0.001, 0.01, 0.1\n' > g.ini
export SWEEP SWEEP_HOME="$SRC" GRID=g.ini GRACE=5 SWEEP_ARGS="--threads 1" LS_SUBCWD="$WORK"
printf '%s\n%s\n' "$(hostname)" "$(hostname)" > hosts  # LSB_DJOB_HOSTFILE: one line per slot

# bsub -J "sweep[1-3]%2" -n 2 < lsf-array.bsub: three elements, each with 2 slots.
for i in 1 2 3; do
  LSB_JOBID=4242 LSB_JOBINDEX=$i LSB_JOBINDEX_END=3 LSB_DJOB_NUMPROC=2 LSB_DJOB_HOSTFILE=hosts \
    bash "$SRC/jobscripts/lsf-array.bsub" > "element_$i.out" 2>&1 || { cat "element_$i.out"; fail "array element $i"; }
  grep -q "shard $i of 3 (LSF array)" "element_$i.out" || { cat "element_$i.out"; fail "element $i did not run shard $i"; }
  grep -q "on 1 worker rank(s)" "element_$i.out" || { cat "element_$i.out"; fail "element $i did not use its 2 slots"; }
done
LSB_JOBID=4243 SHARDS=3 bash "$SRC/jobscripts/lsf-merge.bsub" > merge.out 2>&1 || { cat merge.out; fail "merge"; }
grep -q "grid: 6 trials: 6 done, 0 failed, 0 missing" merge.out || { cat merge.out; fail "merge status"; }
"$PY" -c '
import h5py
t = h5py.File("g.h5", "r")["trials"][:]
assert len(t) == 6 == len(set(t["trial_id"])), t["trial_id"]'
echo "jobscripts_lsf: 3 array elements and the merge: 6 trials, each once"

# Elements whose only problem is failed trials exit 0, so that the merge (-w "done(...)") runs;
# the merge finds them and exits 3 (ALLOW_FAILED=1: 0).
if gpu_visible; then
  echo "SKIP: failed-trial elements: a GPU is visible, device = cuda trials would not fail here"
else
  printf 'epochs = 1\ntrain_subset = 200\nfilters = 2\ndense_units = 8\n[grid]\nlearning_rate = 0.001, 0.01\n' > f.ini
  for i in 1 2; do
    GRID=f.ini SWEEP_ARGS="--threads 1 $FAIL_TRIALS" LSB_JOBID=4250 LSB_JOBINDEX=$i LSB_JOBINDEX_END=2 \
      LSB_DJOB_NUMPROC=1 bash "$SRC/jobscripts/lsf-array.bsub" > "f_$i.out" 2>&1 || { cat "f_$i.out"; fail "failing element $i did not exit 0"; }
    grep -q "some trials of this shard failed (stored as failed); exiting 0" "f_$i.out" || { cat "f_$i.out"; fail "element $i says nothing of its failures"; }
  done
  expect_exit 3 env GRID=f.ini LSB_JOBID=4251 SHARDS=2 bash "$SRC/jobscripts/lsf-merge.bsub"
  expect_err "merged; some trials are stored as failed in f.h5"
  grep -q "grid: 2 trials: 0 done, 2 failed, 0 missing" "$WORK/out" || { cat "$WORK/out"; fail "merge status of failed trials"; }
  rm -f f.h5
  GRID=f.ini LSB_JOBID=4252 SHARDS=2 ALLOW_FAILED=1 bash "$SRC/jobscripts/lsf-merge.bsub" > fmerge.out 2>&1 || { cat fmerge.out; fail "ALLOW_FAILED=1 merge"; }
  echo "jobscripts_lsf: elements with failed trials exit 0, the merge exits 3 (ALLOW_FAILED=1: 0)"
fi

# bsub -n 3 < lsf-mpi.bsub, then SIGUSR1 (LSF's -wa USR1 warning) to the job's shell.
LSB_JOBID=4244 LSB_DJOB_NUMPROC=3 LSB_DJOB_HOSTFILE=hosts OUT=mpi.h5 \
  bash "$SRC/jobscripts/lsf-mpi.bsub" > mpi.out 2>&1 || { cat mpi.out; fail "lsf-mpi.bsub"; }
grep -q "6 to run on 2 worker rank(s)" mpi.out || { cat mpi.out; fail "the MPI job did not use 3 slots"; }
printf 'epochs = 2\ntrain_subset = 3000\nfilters = 2\ndense_units = 8\n[grid]\nlearning_rate = 0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.007, 0.008\n' > long.ini
SWEEP_ARGS=--verbose GRID=long.ini LSB_JOBID=4245 LSB_DJOB_NUMPROC=3 bash "$SRC/jobscripts/lsf-mpi.bsub" > long.out 2>&1 &
job=$!
for _ in $(seq 1 600); do grep -q '^\[1/' long.out && break; sleep 0.1; done
kill -USR1 "$job"
set +e
wait "$job"
rc=$?
set -e
[ "$rc" -eq 75 ] || { cat long.out; fail "the warned job exited $rc, expected 75"; }
grep -q "SIGUSR1: stopping" long.out || { cat long.out; fail "no SIGUSR1 stop"; }
echo "jobscripts_lsf: MPI job over 3 slots; SIGUSR1 to the job stops it with exit 75"
# With #BSUB -Q "75" LSF requeues it: the script counts the requeue, the requeued job (same
# LSB_JOBID) resumes to the end and forgets the count; past MAX_REQUEUES a stop exits 1.
grep -q '^#BSUB -Q "75"' "$SRC/jobscripts/lsf-mpi.bsub" || fail "lsf-mpi.bsub does not requeue on 75"
grep -q "LSF requeues job 4245 to resume (requeue 1 of at most 10)" long.out || { cat long.out; fail "no requeue line"; }
[ "$(cat .sweep-requeues-4245)" = 1 ] || fail "the requeue was not counted"
GRID=long.ini LSB_JOBID=4245 LSB_DJOB_NUMPROC=3 bash "$SRC/jobscripts/lsf-mpi.bsub" > long2.out 2>&1 || { cat long2.out; fail "the requeued job"; }
[ ! -e .sweep-requeues-4245 ] || fail "the count outlived the finished job"
"$SWEEP" status long.ini long.h5 | grep -q "8 trials: 8 done" || fail "the requeued job did not finish the sweep"
echo 2 > .sweep-requeues-4246
MAX_REQUEUES=2 OUT=bound.h5 SWEEP_ARGS=--verbose GRID=long.ini LSB_JOBID=4246 LSB_DJOB_NUMPROC=3 \
  bash "$SRC/jobscripts/lsf-mpi.bsub" > bound.out 2>&1 &
job=$!
for _ in $(seq 1 600); do grep -q '^\[1/' bound.out && break; sleep 0.1; done
kill -USR1 "$job"
set +e; wait "$job"; rc=$?; set -e
[ "$rc" -eq 1 ] || { cat bound.out; fail "a stop past MAX_REQUEUES exited $rc, expected 1"; }
grep -q "was requeued 2 times (MAX_REQUEUES): exiting 1" bound.out || { cat bound.out; fail "no MAX_REQUEUES message"; }
echo "jobscripts_lsf: exit 75 is requeued (counted), the requeued job resumes; MAX_REQUEUES bounds it"

# lsf-submit-array.sh asks bsub for the array (name[1-N]%K, job group, %J_%I logs) and the
# merge that waits for it.
mkdir -p stub
cat > stub/bsub <<'STUB'
#!/usr/bin/env bash
{ printf 'bsub'; printf ' [%s]' "$@"; printf ' < %s\n' "$(sed -n 's/^#BSUB -J //p')"; } >> "$BSUB_LOG"
echo "Job <1> is submitted to default queue <normal>."
STUB
chmod +x stub/bsub
BSUB_LOG=$WORK/bsub.log PATH="$WORK/stub:$PATH" SHARDS=3 THROTTLE=2 bash "$SRC/jobscripts/lsf-submit-array.sh" > submit.out
grep -qF 'bsub [-J] [sweep[1-3]%2] [-g] [/sweep] [-o] [sweep_%J_%I.out] < "sweep[1-4]%2"' bsub.log || { cat bsub.log; fail "array submission"; }
grep -qF 'bsub [-J] [sweep-merge] [-g] [/sweep] [-w] [done(sweep)]' bsub.log || { cat bsub.log; fail "merge submission"; }
echo "jobscripts_lsf: lsf-submit-array.sh submits sweep[1-3]%2 in /sweep and the merge on done(sweep)"

gpu() { env -u CUDA_VISIBLE_DEVICES "$@" bash "$SRC/jobscripts/gpu-bind.sh" bash -c 'echo "${CUDA_VISIBLE_DEVICES:-none}"'; }
[ "$(gpu OMPI_COMM_WORLD_LOCAL_RANK=5 CUDA_VISIBLE_DEVICES=4,5,6,7)" = 5 ] || fail "gpu-bind with a device list"
[ "$(gpu OMPI_COMM_WORLD_LOCAL_RANK=2 SWEEP_GPUS_PER_NODE=4)" = 2 ] || fail "gpu-bind with a count"
[ "$(gpu OMPI_COMM_WORLD_LOCAL_RANK=2 SWEEP_GPUS_PER_NODE=0 PATH=/usr/bin:/bin)" = none ] || fail "gpu-bind without GPUs"
echo "jobscripts_lsf: gpu-bind.sh gives local rank r GPU r mod count"
