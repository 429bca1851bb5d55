#!/usr/bin/env bash
# The step after an array job: merges the shard files NAME.shard-*-of-SHARDS.h5 of GRID into
# OUT (default NAME.h5; an older OUT is replaced only once the new one is complete), prints
# `sweep status` and exits 1 when a trial of the grid is missing, 3 when none is missing but
# some are stored as failed (ALLOW_FAILED=1: 0 then). Used by slurm-merge.sbatch and
# lsf-merge.bsub; run it by hand the same way: SHARDS=8 GRID=... jobscripts/merge-shards.sh
# Environment: SWEEP_HOME (this checkout), SWEEP, GRID, SHARDS (required), OUT, OVERRIDES (the
# --key=value options the array ran with, space-separated).
set -euo pipefail
SWEEP_HOME=${SWEEP_HOME:-$(cd "$(dirname "$0")/.." && pwd)}
source "$SWEEP_HOME/jobscripts/lib.sh"
: "${SHARDS:?set SHARDS to the number of array tasks}"
name=$(basename "$GRID")
name=${name%.*}
OUT=${OUT:-$name.h5}
shards=()
for i in $(seq 1 "$SHARDS"); do
  f="$name.shard-$i-of-$SHARDS.h5"
  [ -f "$f" ] && shards+=("$f") || echo "sweep: shard $i of $SHARDS has no file $f" >&2
done
[ "${#shards[@]}" -gt 0 ] || { echo "sweep: no shard files to merge" >&2; exit 1; }
tmp="${OUT%.h5}.merging-$$.h5"
"$SWEEP" merge "$tmp" "${shards[@]}"
mv -f "$tmp" "$OUT"
keys=()  # the --key=value options of OVERRIDES; the others (--threads 2) are not the grid's
for o in ${OVERRIDES:-}; do [[ $o == --*=* ]] && keys+=("$o"); done
"$SWEEP" status "$GRID" "$OUT" "${keys[@]}" | tee "$OUT.status"
grep -q ", 0 missing" "$OUT.status" || { echo "sweep: trials are missing from $OUT" >&2; exit 1; }
if ! grep -q " 0 failed, 0 missing" "$OUT.status"; then
  echo "sweep: merged; some trials are stored as failed in $OUT (\`sweep export $OUT\` lists" \
    "them with their messages)" >&2
  [ "${ALLOW_FAILED:-0}" = 1 ] || exit 3
fi
