#!/usr/bin/env bash
# Benchmark: sweep's TPE against Optuna 3.1's TPESampler (Debian's python3-optuna) and both
# tools' random search on Branin, Hartmann-6 and a mixed space (a categorical, an integer, a
# float and a log-scaled float): median regret over SEEDS seeds after 60 and 120 evaluations,
# both run here, in this one run. sweep's numbers come from sweep_tpe_functions (the pure TPE
# logic with simulated workers, tests/sweep/search/tpe_functions.h); Optuna's from
# tests/bench/tpe_functions.py on the same functions.
#   tests/bench/tpe_functions.sh            (builds first)
# Environment: SEEDS=20  WORKERS=2 (sweep's asynchronous rows)  OUT=tpe-functions.csv
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/jobscripts/build.sh" > /dev/null
cmake --build "$root/build" --target sweep_tpe_functions -- -j2 > /dev/null
SEEDS=${SEEDS:-20}
WORKERS=${WORKERS:-2}
OUT=${OUT:-tpe-functions.csv}
/usr/bin/python3 -c 'import optuna; assert optuna.__version__.startswith("3.1"), optuna.__version__' ||
  { echo "tpe_functions.sh: needs Optuna 3.1 (apt-get install python3-optuna)" >&2; exit 1; }
t0=$(date +%s.%N)
"$root/build/tests/sweep_tpe_functions" "$SEEDS" "$WORKERS" > "$OUT"
t1=$(date +%s.%N)
/usr/bin/python3 "$root/tests/bench/tpe_functions.py" "$SEEDS" | tail -n +2 >> "$OUT"
t2=$(date +%s.%N)
{ head -1 "$OUT"; tail -n +2 "$OUT" | sort -t, -k1,1 -s; } | column -s, -t
printf 'seconds: sweep %.1f, optuna %.1f (%s seeds x 120 evaluations x 3 functions, each method)\n' \
  "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" "$SEEDS"
