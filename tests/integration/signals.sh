#!/usr/bin/env bash
# Stop signals: SIGINT (alone, no mpirun), SIGUSR1 to mpirun (what a Slurm --signal warning
# becomes), SIGTERM with --grace 0, Ctrl-C twice. Each stops handing out work, lets or does not
# let the running trial finish, closes the file cleanly, exits 75; the same command resumes.
source "$(dirname "$0")/common.sh"
[ -d "$FASHION" ] || skip "Fashion-MNIST not installed at $FASHION (Debian package dataset-fashion-mnist)"
printf 'epochs = 2\ntrain_subset = 8000\nfilters = 2\ndense_units = 8\n[grid]\nlearning_rate = 0.001, 0.002, 0.003, 0.004, 0.005, 0.006\n' > s.ini

finished() { grep -c '^\[' "$1" || true; }
wait_for_lines() {  # wait_for_lines LOG N
  for _ in $(seq 1 1800); do [ "$(finished "$1")" -ge "$2" ] && return 0; sleep 0.1; done
  cat "$1"; fail "timed out waiting for $2 finished trials in $1"
}
stopped_run() {  # stopped_run LOG SIGNALS... -- COMMAND...: sends the signals after the first
                 # finished trial, 0.3 s apart; expects exit code 75
  local log=$1; shift
  local sigs=()
  while [ "$1" != "--" ]; do sigs+=("$1"); shift; done
  shift
  "$@" > "$log" 2>&1 &
  local pid=$!
  wait_for_lines "$log" 1
  for s in "${sigs[@]}"; do kill "-$s" "$pid"; sleep 0.3; done
  set +e
  wait "$pid"
  local rc=$?
  set -e
  [ "$rc" -eq 75 ] || { cat "$log"; fail "$log: exit code $rc after ${sigs[*]}, expected 75"; }
  grep -q "run the same command again to resume" "$log" || { cat "$log"; fail "$log: no resume hint"; }
}
count() {  # count FILE: trials stored; a plain h5py open proves the file was closed cleanly
  "$PY" - "$1" <<'PY'
import sys, h5py
t = h5py.File(sys.argv[1], "r")["trials"][:]
assert len(set(t["trial_id"])) == len(t), "a trial is stored twice"
assert (t["status"] == b"ok").all(), t["status"]
print(len(t))
PY
}
resume() {  # resume LOG COMMAND...: the same command again runs the rest and exits 0
  local log=$1; shift
  "$@" > "$log" 2>&1 || { cat "$log"; fail "$log: the resumed run failed"; }
}

# 1. SIGINT to a lone `sweep run`: the running trial finishes within the grace.
stopped_run a1.log INT -- "$SWEEP" run s.ini --out a.h5 --threads 1 --verbose
grep -q "SIGINT: stopping; no more trials handed out" a1.log || { cat a1.log; fail "no stop message"; }
n=$(count a.h5)
[ "$n" -eq "$(finished a1.log)" ] && [ "$n" -ge 2 ] || { cat a1.log; fail "a.h5 holds $n trials"; }
grep -q "0 abandoned" a1.log || { cat a1.log; fail "a trial was abandoned within the grace"; }
resume a2.log "$SWEEP" run s.ini --out a.h5 --threads 1 --verbose
grep -q "$n already in a.h5, $((6 - n)) to run" a2.log || { cat a2.log; fail "a: no resume"; }
[ "$(count a.h5)" -eq 6 ] || fail "a.h5 is not complete after the resume"
echo "signals: SIGINT stopped a lone run after $n trials (the running one finished); resumed to 6"

# 2. SIGUSR1 to mpirun, which forwards it to every rank; rank 0 stops, workers finish.
stopped_run b1.log USR1 -- mpirun -np 3 --oversubscribe --bind-to none "$SWEEP" run s.ini --out b.h5 --threads 1 --verbose
grep -q "SIGUSR1: stopping" b1.log || { cat b1.log; fail "no SIGUSR1 stop message"; }
n=$(count b.h5)
[ "$n" -eq "$(finished b1.log)" ] && [ "$n" -lt 6 ] || { cat b1.log; fail "b.h5 holds $n trials"; }
resume b2.log mpirun -np 3 --oversubscribe --bind-to none "$SWEEP" run s.ini --out b.h5 --threads 1 --verbose
[ "$(count b.h5)" -eq 6 ] || fail "b.h5 is not complete after the resume"
echo "signals: SIGUSR1 through mpirun stopped 3 ranks after $n trials; resumed to 6"

# 3. SIGTERM with --grace 0: the running trial is abandoned at its next batch, not stored.
stopped_run c1.log TERM -- "$SWEEP" run s.ini --out c.h5 --threads 1 --verbose --grace 0
grep -q "1 abandoned" c1.log || { cat c1.log; fail "the running trial was not abandoned"; }
n=$(count c.h5)
[ "$n" -eq "$(finished c1.log)" ] || { cat c1.log; fail "c.h5 holds $n trials"; }

# 4. Ctrl-C twice: the second abandons the running trial at once despite the grace.
stopped_run d1.log INT INT -- "$SWEEP" run s.ini --out d.h5 --threads 1 --verbose --grace 600
grep -q "1 abandoned" d1.log || { cat d1.log; fail "a second SIGINT did not abandon"; }
resume d2.log "$SWEEP" run s.ini --out d.h5 --threads 1 --verbose
[ "$(count d.h5)" -eq 6 ] || fail "d.h5 is not complete after the resume"
echo "signals: SIGTERM with --grace 0 and a double Ctrl-C abandoned the running trial; resumed"

# 5. SIGUSR1 through mpirun with --grace 0: the workers abandon their running trials (the
# answer travels back to rank 0 as a result with status abandoned); nothing partial is stored.
stopped_run h1.log USR1 -- mpirun -np 3 --oversubscribe --bind-to none "$SWEEP" run s.ini --out h.h5 --threads 1 --verbose --grace 0
grep -Eq "[12] abandoned" h1.log || { cat h1.log; fail "the workers' running trials were not abandoned"; }
n=$(count h.h5)
[ "$n" -eq "$(finished h1.log)" ] || { cat h1.log; fail "h.h5 holds $n trials"; }
resume h2.log mpirun -np 3 --oversubscribe --bind-to none "$SWEEP" run s.ini --out h.h5 --threads 1 --verbose
[ "$(count h.h5)" -eq 6 ] || fail "h.h5 is not complete after the resume"
echo "signals: SIGUSR1 with --grace 0 through mpirun abandoned the workers' trials; resumed to 6"

# 6. Ctrl-C at a terminal running jobscripts/workstation.sh: the terminal signals the whole
# foreground process group (simulated: the script in a session of its own, SIGINT to its
# group). mpirun runs in its own session, so only the script gets it and passes it on as
# SIGUSR1: the running trials finish, exit 75. Twice: mpirun is ended at once, nothing lost.
SRC=$(cd "$(dirname "$0")/../.." && pwd)
ctrl_c() {  # ctrl_c LOG COUNT OUT: runs workstation.sh, sends COUNT Ctrl-Cs after 1 trial
  # A background job of this script would start with SIGINT ignored (and untrappable), unlike
  # a command at a terminal: python puts the default back before it becomes the script.
  SKIP_BUILD=1 SWEEP="$SWEEP" SWEEP_HOME="$SRC" GRID=s.ini OUT=$3 NP=3 setsid "$PY" -c \
    'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp("bash", ["bash"] + sys.argv[1:])' \
    "$SRC/jobscripts/workstation.sh" --threads 1 --verbose > "$1" 2>&1 &
  local pid=$!
  wait_for_lines "$1" 1
  for _ in $(seq 1 "$2"); do kill -INT -- "-$pid"; sleep 0.3; done
  set +e
  wait "$pid"
  CTRL_C_RC=$?
  set -e
}
ctrl_c e1.log 1 e.h5
[ "$CTRL_C_RC" -eq 75 ] || { cat e1.log; fail "Ctrl-C: workstation.sh exited $CTRL_C_RC, expected 75"; }
grep -q "0 abandoned" e1.log || { cat e1.log; fail "Ctrl-C abandoned a running trial"; }
[ "$(count e.h5)" -eq "$(finished e1.log)" ] || { cat e1.log; fail "e.h5 does not hold the finished trials"; }
ctrl_c f1.log 2 f.h5
[ "$CTRL_C_RC" -ne 0 ] || { cat f1.log; fail "two Ctrl-Cs: workstation.sh exited 0"; }
"$PY" -c 'import h5py, sys; t = h5py.File("f.h5", "r", swmr=True)["trials"][:]; sys.exit(len(t) < int(sys.argv[1]))' "$(finished f1.log)" ||
  fail "two Ctrl-Cs lost a finished trial"
echo "signals: Ctrl-C in workstation.sh stops gracefully (exit 75); twice stops at once, nothing lost"
