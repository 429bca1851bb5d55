#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (unit tests and MPI
# integration tests) with ctest. CI runs exactly this.
#   jobscripts/test.sh [extra ctest arguments, e.g. -R grid]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/jobscripts/build.sh"
cd "$root/build"
rc=0
ctest --output-on-failure --timeout 600 "$@" || rc=$?
# ctest shows a skipped test's output only when verbose: print why each was skipped.
grep -h '^SKIP: ' Testing/Temporary/LastTest.log 2>/dev/null | sort -u || true
exit $rc
