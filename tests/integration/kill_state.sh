#!/usr/bin/env bash
# kill -9 in the middle of state writes: a helper saves a trial's state (a few MB) over and over
# and is killed at random moments, 20 times (more, up to 60, until 3 kills came inside a write:
# on a loaded machine the helper's timings shift). After each kill the state file must load whole,
# with the weights of the epoch it holds, at least the last epoch the helper reported saved;
# a half-written state (the .part the kill left) is never read.
source "$(dirname "$0")/common.sh"
[ -x "${STATE_WRITE_LOOP:-}" ] || fail "STATE_WRITE_LOOP does not name the helper binary"
RANDOM=11  # the same kill times on every run of the test
parts=0      # kills that left a .part behind: the kill came inside a write
progressed=0
kills=0
for i in $(seq 1 60); do
  if [ "$kills" -ge 20 ] && [ "$parts" -ge 3 ]; then break; fi
  kills=$i
  "$STATE_WRITE_LOOP" write t.state > loop.log 2> loop.err &
  pid=$!
  sleep "1.$((RANDOM % 10))"  # LibTorch starts in about 0.5 s, then ~15 saves a second
  kill -9 "$pid"
  wait "$pid" 2>/dev/null && fail "the helper ended by itself: $(cat loop.err)"
  reported=$(tail -n 1 loop.log | awk '{print $2}')
  [ -e t.state.part ] && parts=$((parts + 1))
  if [ ! -e t.state ]; then
    [ -z "$reported" ] || fail "kill $i: epoch $reported was reported saved, and there is no state"
    continue
  fi
  epoch=$("$STATE_WRITE_LOOP" check t.state 2> check.err) || fail "kill $i: the state does not load: $(cat check.err)"
  [ "$epoch" -ge "${reported:-0}" ] || fail "kill $i: the state holds epoch $epoch, $reported was reported saved"
  progressed=$((progressed + 1))
  rm -f t.state  # each run starts again from epoch 1, so each kill lands in a fresh sequence
done
[ "$progressed" -ge $((kills / 2)) ] || fail "only $progressed of $kills runs saved anything before the kill"
[ "$parts" -ge 3 ] || fail "only $parts of $kills kills came inside a write: the test did not test it"
echo "kill_state: $kills kills, $parts inside a write; every state loaded whole, never older than reported"
