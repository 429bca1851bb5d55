#!/usr/bin/env bash
# Installs missing dependencies (jobscripts/install-deps.sh) and builds sweep into BUILD_DIR
# (default: build/). The program is BUILD_DIR/bin/sweep (with BUILD_DIR/bin/sweep-torch beside
# it, which it hands the commands that train).
#   BUILD_DIR=build  BUILD_TYPE=Release  JOBS=$(nproc)  SKIP_INSTALL=0
#   TARGET=all: everything, the tests and the benchmarks' helpers included (test.sh);
#   TARGET=sweep_bin: the two binaries only (workstation.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$root/build}
[ "${SKIP_INSTALL:-0}" = 1 ] || "$root/jobscripts/install-deps.sh"
cmake -S "$root" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" >/dev/null
cmake --build "$BUILD_DIR" -j "${JOBS:-$(nproc)}" --target "${TARGET:-all}"
