#!/usr/bin/env bash
# Builds the unit tests with AddressSanitizer and UndefinedBehaviorSanitizer (g++,
# -DSWEEP_SANITIZE=ON) in BUILD_DIR (default build-asan/) and runs them; any report (an invalid
# access, a leak of the project's own, undefined behaviour) fails them. Each test binary runs
# its tests in one process (JOBS binaries at a time), not one process per test as ctest does:
# under ASan a process that loads LibTorch takes about 3 s to start, which for ~290 tests cost
# more than the tests. Then the ctest-only unit tests (TpeMatchesOptuna) run through ctest.
# jobscripts/test.sh runs it after the suite.
#   tests/sanitize.sh [GTEST_FILTER, e.g. 'Store.*']
# Environment: BUILD_DIR (build-asan), JOBS (nproc)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-asan}
jobs=${JOBS:-$(nproc)}
binaries=(worker_unit_tests sweep_unit_tests results_unit_tests core_unit_tests)
# -O1: the sanitizers' usual level; it builds much faster than -O2 and keeps stacks readable.
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1" \
  -DSWEEP_SANITIZE=ON > /dev/null
cmake --build "$build" -j "$jobs" --target "${binaries[@]}" tpe_scores > "$build/build.log" 2>&1 ||
  { tail -50 "$build/build.log"; exit 1; }
# Leaks that LeakSanitizer finds inside the libraries (not in our code) are named in
# tests/lsan.supp.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export LSAN_OPTIONS=suppressions=$root/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd "$build/tests"  # where ctest runs them (gtest_discover_tests' working directory)
filter=${1:-*}
start=$(date +%s)
printf '%s\n' "${binaries[@]}" | xargs -P "$jobs" -I{} sh -c \
  './{} --gtest_filter="$1" --gtest_brief=1 > {}.asan.log 2>&1; echo $? > {}.asan.rc' _ "$filter"
rc=0
for b in "${binaries[@]}"; do
  code=$(cat "$b.asan.rc")
  summary=$(grep -E '^\[  (PASSED|FAILED|SKIPPED) \]|^\[  (PASSED|FAILED)  \]' "$b.asan.log" | tr '\n' ' ')
  echo "$b: exit $code; $summary"
  if [ "$code" != 0 ]; then
    tail -60 "$b.asan.log"
    rc=1
  fi
done
cd "$build"
ctest -R '^TpeMatchesOptuna\.' --output-on-failure || rc=1
echo "sanitized unit tests: $(( $(date +%s) - start )) s"
exit $rc
