#!/usr/bin/env bash
# Installs missing dependencies (jobscripts/install-deps.sh) and builds sweep into BUILD_DIR
# (default: build/). The program is BUILD_DIR/bin/sweep (with BUILD_DIR/bin/sweep-torch beside
# it, which it hands the commands that train).
#   BUILD_DIR=build  BUILD_TYPE=Release  JOBS=$(nproc)  SKIP_INSTALL=0
#   TARGET=all: the program and the tests with their helpers (test.sh; the benchmarks' helpers
#   that link LibTorch are built by their scripts: TARGET=sweep_roof, sweep_state_cost,
#   sweep_epoch_profile);
#   TARGET=sweep_bin: the two binaries only (workstation.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$root/build}
[ "${SKIP_INSTALL:-0}" = 1 ] || "$root/jobscripts/install-deps.sh"
cmake -S "$root" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" >/dev/null
cmake --build "$BUILD_DIR" -j "${JOBS:-$(nproc)}" --target "${TARGET:-all}"
