#!/usr/bin/env bash
# Builds the unit tests with AddressSanitizer and UndefinedBehaviorSanitizer (g++,
# -DSWEEP_SANITIZE=ON) in BUILD_DIR (default build-asan/) and runs them with ctest; any
# report (an invalid access, a leak of the project's own, undefined behaviour) fails them.
# jobscripts/test.sh runs it after the suite.
#   tests/sanitize.sh [extra ctest arguments]
# Environment: BUILD_DIR (build-asan), JOBS (nproc)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-asan}
# -O1: the sanitizers' usual level; it builds much faster than -O2 and keeps stacks readable.
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1" \
  -DSWEEP_SANITIZE=ON > /dev/null
cmake --build "$build" -j "${JOBS:-$(nproc)}" --target core_unit_tests sweep_unit_tests \
  results_unit_tests worker_unit_tests tpe_scores > "$build/build.log" 2>&1 || { tail -50 "$build/build.log"; exit 1; }
# Leaks that LeakSanitizer finds inside the libraries (not in our code) are named in
# tests/lsan.supp.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export LSAN_OPTIONS=suppressions=$root/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd "$build"
ctest -L unit -E '^architecture\.' --output-on-failure "$@"
