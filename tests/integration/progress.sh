#!/usr/bin/env bash
# Live progress on rank 0: log lines every --progress-every seconds when stdout is a file (as in
# a Slurm/LSF log), also through mpirun; redrawn in place on a terminal (a pseudo-terminal made
# by `script`), also through mpirun, whose ranks always write to a pseudo-terminal; --quiet
# shows none; --verbose adds a line per trial with its swept values.
source "$(dirname "$0")/common.sh"
[ -d "$FASHION" ] || skip "Fashion-MNIST not installed at $FASHION (Debian package dataset-fashion-mnist)"
printf 'epochs = 3\ntrain_subset = 2000\nfilters = 2\ndense_units = 8\n[grid]\nlearning_rate = 0.001, 0.002, 0.003, 0.004\n' > p.ini

# 1. Not a terminal, through mpirun: progress lines, no per-trial lines.
sweep_mpi 3 run p.ini --out a.h5 --threads 1 --progress-every 0.3 > a.log 2>&1 || { cat a.log; fail "run a"; }
grep -Eq '^progress: [0-4]/4 done(, | \()' a.log || { cat a.log; fail "no progress line"; }
grep -Eq '^progress: .* \| [0-9]+s elapsed, ETA ' a.log || { cat a.log; fail "progress line lacks elapsed/ETA"; }
grep -q $'\r' a.log && { cat -v a.log; fail "a log file got terminal redraws"; }
grep -q '^\[' a.log && { cat a.log; fail "per-trial lines without --verbose"; }
if grep -q '^progress: [1-4]/4 done' a.log; then
  grep -Eq '^progress: [1-4]/4 done.* \| best val_acc 0\.[0-9]{4} \(test_acc 0\.[0-9]{4}, trial [0-9a-f]{16}\) .*trials/h$' a.log ||
    { cat a.log; fail "progress line lacks the best trial or the rate"; }
fi
echo "progress: log lines in a file through mpirun: $(grep -c '^progress:' a.log)"

# 2. --verbose: a line per trial with the swept values; --quiet: no progress at all.
"$SWEEP" run p.ini --out b.h5 --threads 1 --verbose --progress-every 600 > b.log 2>&1 || { cat b.log; fail "run b"; }
[ "$(grep -c '^\[[1-4]/4\] [0-9a-f]\{16\} ok .* rank 0 x1 thr  learning_rate=0\.00[1-4]$' b.log)" -eq 4 ] ||
  { cat b.log; fail "--verbose: expected 4 trial lines with their learning_rate"; }
"$SWEEP" run p.ini --out c.h5 --threads 1 --quiet --progress-every 0.1 > c.log 2>&1 || { cat c.log; fail "run c"; }
grep -Eq '^(progress:|\[)' c.log && { cat c.log; fail "--quiet still printed progress"; }
grep -q "^done: 4 trials" c.log || { cat c.log; fail "--quiet dropped the summary"; }
expect_exit 2 "$SWEEP" run p.ini --out d.h5 --quiet --verbose
expect_err "--quiet and --verbose exclude each other"
[ ! -e d.h5 ] || fail "a bad command line wrote d.h5"
echo "progress: --verbose prints 4 trial lines; --quiet prints none"

# 3. A terminal: one line redrawn in place (carriage return, erase to end of line), alone and
# through mpirun.
command -v script > /dev/null || skip "no 'script' command (util-linux) to make a terminal"
for np in 1 3; do
  rm -f t.h5
  script -q -e -c "mpirun -np $np --oversubscribe --bind-to none '$SWEEP' run p.ini --out t.h5 --threads 1" \
    "tty$np.log" > /dev/null || { cat "tty$np.log"; fail "run on a terminal, $np rank(s)"; }
  grep -q $'\r[0-4]/4 done, [0-9] running | .*\e\[K' "tty$np.log" || { cat -v "tty$np.log"; fail "no redrawn line on a terminal ($np rank(s))"; }
  grep -q '^progress:' "tty$np.log" && { cat -v "tty$np.log"; fail "log lines on a terminal"; }
  grep -q $'\r4/4 done, 0 running | best val_acc' "tty$np.log" || { cat -v "tty$np.log"; fail "the last redraw is not 4/4 ($np rank(s))"; }
done
echo "progress: redrawn in place on a terminal, with 1 and 3 ranks"
