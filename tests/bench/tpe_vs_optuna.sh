#!/usr/bin/env bash
# Benchmark: quality per wall-clock second on Fashion-MNIST, sweep's model-based search against
# Optuna 3.1 on this machine in one run. Each run gets the same wall-clock budget from its launch
# (start-up and data loading included) and the same 2 cores: Optuna as two worker processes
# sharing one SQLite storage (TPESampler(constant_liar=True) + MedianPruner(), the cnn of
# tests/bench/train_cnn.py in PyTorch, 1 thread each), sweep under mpirun -np 3 --threads 1
# (2 worker ranks) with search = tpe alone, with successive halving (rungs 1, 2, 4 epochs), and
# with stopping = median. Same space, data subset, epochs and Adam, and the same validation images
# (the Optuna side draws sweep's split for `seed = SEED`; the summary checks it on the validation
# mistakes sweep stores, and exits 1 if the two differ); the test
# set is evaluated once per trial, at its end, on both sides (sweep: test_eval = final; Optuna:
# complete trials only, none for pruned ones). Every run is
# stopped at the budget (sweep by SIGUSR1, which mpirun passes on, with --grace 0: finished
# trials are stored; Optuna's processes are killed); what finished within the budget counts.
# Needs python3-optuna and python3-torch.
#   tests/bench/tpe_vs_optuna.sh            (builds first)
# Environment: BUDGET=120 (seconds per run)  SEEDS="1 2 3"  SUBSET=3000  EPOCHS=4
#              VAL=0.1 (the fraction of SUBSET held out for validation, on both sides)
#              METHODS="optuna sweep-tpe sweep-tpe-halving sweep-tpe-median"  OUT=tpe-vs-optuna
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/jobscripts/build.sh" > /dev/null
SWEEP=$root/build/bin/sweep
PY=/usr/bin/python3
BUDGET=${BUDGET:-120}
SEEDS=${SEEDS:-1 2 3}
SUBSET=${SUBSET:-3000}
EPOCHS=${EPOCHS:-4}
VAL=${VAL:-0.1}
METHODS=${METHODS:-optuna sweep-tpe sweep-tpe-halving sweep-tpe-median}
OUT=${OUT:-tpe-vs-optuna}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
$PY -c 'import optuna; assert optuna.__version__.startswith("3.1"), optuna.__version__' ||
  { echo "tpe_vs_optuna.sh: needs Optuna 3.1 (apt-get install python3-optuna)" >&2; exit 1; }
mkdir -p "$OUT"
now() { date +%s.%N; }
grid() {  # grid SEED EXTRA...: the sweep grid of a run
  local seed=$1; shift
  printf 'dataset = fashion_mnist\ndata_dir = /usr/share/datasets/fashion-mnist\nmodel = cnn\n'
  printf 'train_subset = %s\nval_split = %s\noptimizer = adam\nsearch = tpe\nsamples = 1000\n' "$SUBSET" "$VAL"
  printf 'seed = %s\nsearch_seed = %s\nmistakes = 20\ntest_eval = final\n' "$seed" "$seed"
  printf '%s\n' "$@"
  printf '[grid]\nlearning_rate = loguniform(1e-4, 1e-1)\nfilters = int(4, 24)\n'
  printf 'dense_units = int(16, 128)\ndropout = uniform(0, 0.5)\nbatch_size = 32, 64, 128\n'
}
for seed in $SEEDS; do
  for method in $METHODS; do
    run="$OUT/$method-seed$seed"
    rm -rf "$run".*
    echo "== $method, seed $seed, $BUDGET s" >&2
    if [ "$method" = optuna ]; then
      $PY -c "import optuna; optuna.logging.set_verbosity(optuna.logging.WARNING); optuna.create_study(study_name='bench', storage='sqlite:///$run.db', direction='maximize')"
      now > "$run.db.launch"
      for w in 0 1; do
        timeout -s KILL "$BUDGET" $PY "$root/tests/bench/tpe_vs_optuna.py" worker "$run.db" "$seed" "$w" "$SUBSET" "$EPOCHS" "$VAL" &
      done
      wait || true
      continue
    fi
    case $method in
      sweep-tpe) grid "$seed" "epochs = $EPOCHS" > "$run.ini" ;;
      sweep-tpe-halving) grid "$seed" "min_epochs = 1" "max_epochs = $EPOCHS" "reduction_factor = 2" > "$run.ini" ;;
      sweep-tpe-median) grid "$seed" "epochs = $EPOCHS" "stopping = median" > "$run.ini" ;;
      *) echo "unknown method $method" >&2; exit 2 ;;
    esac
    now > "$run.h5.launch"
    timeout -s USR1 -k 30 "$BUDGET" mpirun -np 3 --oversubscribe --bind-to none "$SWEEP" run "$run.ini" \
      --out "$run.h5" --threads 1 --grace 0 -q > "$run.log" 2>&1 || true
  done
done
$PY "$root/tests/bench/tpe_vs_optuna.py" summary "$OUT" "$BUDGET" "$SUBSET" "$VAL"
