#!/usr/bin/env bash
# `sweep` loads neither LibTorch nor MPI: rank, export, report, merge, status, --help and
# --version run in it alone; every other command is handed to sweep-torch beside it, in the same process.
# Checked on the binary's dynamic dependencies, on the libraries the loader initializes while
# it ranks (LD_DEBUG), and on the hand-over's failure when sweep-torch is missing.
source "$(dirname "$0")/common.sh" "$@"
BIN=$(dirname "$SWEEP")

# 1. No LibTorch, c10 or MPI among the libraries sweep needs; sweep-torch needs both.
ldd "$SWEEP" > sweep.ldd
if grep -Ei 'libtorch|libc10|libmpi' sweep.ldd; then fail "sweep links LibTorch or MPI"; fi
ldd "$BIN/sweep-torch" > torch.ldd  # a file, not a pipe: grep -q would cut ldd off (pipefail)
grep -q libtorch torch.ldd || fail "sweep-torch does not link LibTorch"
grep -q libmpi torch.ldd || fail "sweep-torch does not link MPI"

# 2. The offline commands answer from sweep itself, on a real results file.
cat > g.ini <<'INI'
model = noop
epochs = 1
sleep_ms = 0
dataset = idx
data_dir = /nonexistent/noop-needs-no-data
[grid]
learning_rate = 0.1, 0.01, 0.001
INI
"$SWEEP" run g.ini --out r.h5 > run.log 2>&1 || { cat run.log; fail "run through the hand-over"; }
grep -q 'trials' run.log || { cat run.log; fail "run printed no table"; }
"$SWEEP" --version > version.log && grep -q '^sweep ' version.log || fail "--version"
"$SWEEP" rank r.h5 > rank.log || fail "rank"
[ "$(grep -c '^ *[0-9]\+ ' rank.log)" -ge 3 ] || { cat rank.log; fail "rank lists fewer than 3 trials"; }
"$SWEEP" export r.h5 -o r.csv && [ "$(wc -l < r.csv)" -eq 4 ] || fail "export"
"$SWEEP" status g.ini r.h5 > status.log || fail "status"
grep -q 'grid: 3 trials: 3 done, 0 failed, 0 missing' status.log || { cat status.log; fail "status does not count 3 done"; }
# While sweep ranks, the loader initializes no LibTorch or MPI library (LD_DEBUG lists each).
for cmd in "rank r.h5" "status g.ini r.h5"; do
  # shellcheck disable=SC2086
  LD_DEBUG=libs "$SWEEP" $cmd > /dev/null 2> loader.log
  grep -q 'calling init' loader.log || fail "LD_DEBUG printed nothing to check"
  if grep -Ei 'calling init: .*(libtorch|libc10|libmpi)' loader.log; then
    fail "sweep $cmd loaded LibTorch or MPI"
  fi
done

# 3. Without sweep-torch beside it: offline commands still work, the others fail clearly.
mkdir alone
cp "$SWEEP" alone/sweep
alone/sweep rank r.h5 > /dev/null || fail "rank without sweep-torch"
expect_exit 1 alone/sweep plan g.ini
expect_err "cannot start $WORK/alone/sweep-torch"
echo "offline_start: sweep needs no LibTorch or MPI, ranks alone, hands run/plan over"
