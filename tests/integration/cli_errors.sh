#!/usr/bin/env bash
# Bad input: a message naming the file, line or key; exit code 2; nothing written.
source "$(dirname "$0")/common.sh"
[ -d "$FASHION" ] || skip "Fashion-MNIST not installed at $FASHION (Debian package dataset-fashion-mnist)"

printf 'epochs = 1\ntrain_subset = 200\n[grid]\nfilterz = 4, 8\n' > unknown.ini
expect_exit 2 "$SWEEP" run unknown.ini
expect_err "unknown.ini:4: unknown key 'filterz'; did you mean 'filters'?"

printf 'epochs = 1\n[grid]\nfilters =\n' > empty.ini
expect_exit 2 "$SWEEP" run empty.ini
expect_err "empty.ini:3: key 'filters': empty list of values"

printf '[grid]\nlearning_rate = 0.01, fast\n' > unparsable.ini
expect_exit 2 "$SWEEP" run unparsable.ini
expect_err "unparsable.ini:2: key 'learning_rate': 'fast' is not a number"

printf 'epochs = 1\n' > good.ini
expect_exit 2 "$SWEEP" run good.ini --batch_size=0
expect_err "command line --batch_size: key 'batch_size': 0 is out of range"

printf 'data_dir = %s/nodata\n' "$WORK" > nodata.ini
expect_exit 2 "$SWEEP" run nodata.ini
expect_err "nodata.ini: data set: dataset idx: no train-images-idx3-ubyte[.gz] in '$WORK/nodata' (key data_dir)"

expect_exit 2 "$SWEEP" run missing.ini
expect_err "missing.ini: cannot open the grid file"
expect_exit 2 "$SWEEP" frobnicate
expect_err "unknown command 'frobnicate'"

# Under mpirun too: every rank stops, mpirun reports the code.
expect_exit 2 sweep_mpi 3 run unknown.ini
expect_err "unknown.ini:4: unknown key 'filterz'"

for f in unknown empty unparsable good nodata missing; do
  [ ! -e "$f.h5" ] || fail "$f.h5 was written for bad input"
done

# A results file that is not ours is refused and left as it was.
echo "my notes" > notes.h5
sum=$(md5sum < notes.h5)
expect_exit 2 "$SWEEP" run good.ini --out notes.h5
expect_err "notes.h5: not an HDF5 file"
[ "$(md5sum < notes.h5)" = "$sum" ] || fail "notes.h5 was changed"
echo "cli_errors: all bad inputs rejected with exit code 2 and nothing written"
