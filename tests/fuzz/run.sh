#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (-fsanitize=fuzzer,address,undefined) and runs each
# for FUZZ_SECONDS on a copy of its seed corpus (tests/fuzz/corpus/TARGET), after replaying its
# regression inputs (tests/fuzz/regressions/TARGET: inputs that once crashed it). Prints per
# target the executions, the time and the corpus size; exits 1 when a target crashes, leaks,
# times out or runs out of memory, leaving the input in FUZZ_OUT. jobscripts/test.sh runs it.
#   tests/fuzz/run.sh [TARGET...]
# Environment: FUZZ_SECONDS (30 per target), FUZZ_PARALLEL (targets run at once, nproc),
# FUZZ_BUILD_DIR (build-fuzz), FUZZ_OUT (build-fuzz/findings), FUZZ_JOBS (build jobs, nproc)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
out=${FUZZ_OUT:-$build/findings}
seconds=${FUZZ_SECONDS:-30}
targets=("$@")
[ ${#targets[@]} -gt 0 ] ||
  targets=(grid_file_fuzz search_space_fuzz idx_reader_fuzz csv_reader_fuzz protocol_fuzz labels_csv_fuzz
           state_file_fuzz)
command -v clang++ > /dev/null || { echo "fuzz: no clang++ (Debian packages clang, libclang-rt-14-dev)" >&2; exit 1; }
cmake -S "$root/tests/fuzz" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ > /dev/null
cmake --build "$build" -j "${FUZZ_JOBS:-$(nproc)}" > "$build/build.log" 2>&1 || { cat "$build/build.log"; exit 1; }
mkdir -p "$out"
# fuzz_one TARGET: replays its regressions, fuzzes it; writes its table line to $out/TARGET.row
# and returns 1 when it found something.
fuzz_one() {
  local t=$1 bin=$build/$1 regressions=$root/tests/fuzz/regressions/$1 corpus rc runs took size result
  if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
    if ! "$bin" "$regressions"/* > "$out/$t.regressions.log" 2>&1; then
      printf '%-18s %12s %8s %8s  %s\n' "$t" - - - "FAILS a regression input (see $out/$t.regressions.log)" > "$out/$t.row"
      tail -30 "$out/$t.regressions.log" >> "$out/$t.row"
      return 1
    fi
  fi
  corpus=$(mktemp -d)
  cp -r "$root/tests/fuzz/corpus/$t/." "$corpus/"
  set +e
  "$bin" "$corpus" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$out/$t-" > "$out/$t.log" 2>&1
  rc=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log")
  took=$(sed -n 's/^stat::.*total_time.*: *//p' "$out/$t.log" | head -1)
  [ -n "$took" ] || took=$seconds
  size=$(find "$corpus" -type f | wc -l)
  rm -rf "$corpus"
  if [ $rc -eq 0 ]; then
    result=ok
  else
    result="FOUND (exit $rc): $(ls "$out/$t-"* 2> /dev/null | head -1)"
  fi
  printf '%-18s %12s %8s %8s  %s\n' "$t" "${runs:-?}" "$took" "$size" "$result" > "$out/$t.row"
  [ $rc -eq 0 ] || { grep -E 'ERROR|SUMMARY|runtime error' "$out/$t.log" | head -5 >> "$out/$t.row"; return 1; }
}
# FUZZ_PARALLEL targets at a time (default: one per core), each single-threaded.
parallel=${FUZZ_PARALLEL:-$(nproc)}
failed=0
pids=()
for t in "${targets[@]}"; do
  rm -f "$out/$t.row"
  fuzz_one "$t" &
  pids+=($!)
  if [ ${#pids[@]} -ge "$parallel" ]; then
    wait "${pids[0]}" || failed=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || failed=1; done
printf '%-18s %12s %8s %8s  %s\n' target executions seconds corpus result
for t in "${targets[@]}"; do
  cat "$out/$t.row" 2> /dev/null || { echo "$t: ended without a result (see $out/$t.log)"; failed=1; }
done
exit $failed
