#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite: unit tests and MPI
# integration tests (ctest), then the fuzz targets for a bounded time (tests/fuzz/run.sh), then
# the unit tests under AddressSanitizer and UndefinedBehaviorSanitizer (tests/sanitize.sh).
# CI runs exactly this.
#   jobscripts/test.sh [extra ctest arguments, e.g. -R grid]
# With ctest arguments only those tests run (no fuzzing, no sanitizer build).
# Environment: FUZZ_SECONDS (20 per target; 0 skips fuzzing), SANITIZE=0 (skips the sanitizer
# build), each with a line saying so.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/jobscripts/build.sh"
cd "$root/build"
rc=0
ctest --output-on-failure --timeout 600 -j "$(nproc)" "$@" || rc=$?
# ctest shows a skipped test's output only when verbose: print why each was skipped.
grep -h '^SKIP: ' Testing/Temporary/LastTest.log 2>/dev/null | sort -u || true
if [ $# -gt 0 ]; then
  echo "SKIP: fuzzing and sanitizers (ctest arguments given: only those tests ran)"
  exit $rc
fi
export FUZZ_SECONDS=${FUZZ_SECONDS:-20}  # time-boxed: CI stays under 45 minutes
if [ "$FUZZ_SECONDS" != 0 ]; then
  echo "== fuzzing: each target $FUZZ_SECONDS s (tests/fuzz/run.sh)"
  "$root/tests/fuzz/run.sh" || rc=1
else
  echo "SKIP: fuzzing (FUZZ_SECONDS=0)"
fi
if [ "${SANITIZE:-1}" != 0 ]; then
  echo "== unit tests under AddressSanitizer and UndefinedBehaviorSanitizer (tests/sanitize.sh)"
  "$root/tests/sanitize.sh" > "$root/build/sanitize.log" 2>&1 || {
    tail -60 "$root/build/sanitize.log"
    rc=1
  }
  grep -E '^[a-z_]+_tests: exit|tests passed|^sanitized unit tests' "$root/build/sanitize.log" || true
else
  echo "SKIP: sanitizers (SANITIZE=0)"
fi
exit $rc
