#!/usr/bin/env bash
# Nothing wrong passes silently, and nothing is written for it: bad data (an IDX body shorter or
# longer than its header, raw and gzip; a corrupt label that would make a 78-class model; a label
# outside mnist's 10 classes), a grid that sets nothing and a model that cannot fit in memory
# each stop `sweep run` before the first trial with exit code 2, a message naming the file and
# item (or the trial and its keys), and no results file. A byte-order mark is skipped, and
# num_classes accepts classes without training images.
source "$(dirname "$0")/common.sh"
"$PY" - <<'PY'
import gzip, os, struct
def images(n, body=None):
    body = n if body is None else body
    return struct.pack(">IIII", 0x803, n, 28, 28) + bytes((i * 7) % 251 for i in range(body * 784))
def labels(values):
    return struct.pack(">II", 0x801, len(values)) + bytes(values)
def write(folder, imgs, labs, gz=False):
    os.makedirs(folder, exist_ok=True)
    for name, data in (("train-images-idx3-ubyte", imgs), ("train-labels-idx1-ubyte", labs)):
        if gz:
            open(f"{folder}/{name}.gz", "wb").write(gzip.compress(data))
        else:
            open(f"{folder}/{name}", "wb").write(data)
good = [i % 10 for i in range(200)]
write("good", images(200), labels(good))
write("short_raw", images(8004, body=127), labels([i % 10 for i in range(8004)]))
write("short_gz", images(8004, body=127), labels([i % 10 for i in range(8004)]), gz=True)
write("long", images(200) + b"\0" * 784, labels(good))
gap = list(good)
gap[17] = 77
write("gap", images(200), labels(gap))
PY
run() { local dir=$1; shift; expect_exit 2 "$SWEEP" run g.ini --data_dir="$dir" -o out.h5 "$@"; [ ! -e out.h5 ] || fail "$dir: a results file was written"; }
printf 'dataset = idx\ndata_dir = good\nepochs = 1\nfilters = 2\ndense_units = 8\n[grid]\nlearning_rate = 0.001, 0.01\n' > g.ini

run short_raw
expect_err "short_raw/train-images-idx3-ubyte: truncated: the header promises 8004 images (6275136 bytes after the header) but the file holds 99568"
run short_gz
expect_err "short_gz/train-images-idx3-ubyte.gz: truncated: the header promises 8004 images"
run long
expect_err "long/train-images-idx3-ubyte: holds more than the 200 images its header promises"
run gap
expect_err "gap/train-labels-idx1-ubyte, item 17: label 77 leaves 67 class(es) below it without a training image (the first: 10)"
run gap --dataset=mnist
expect_err "gap/train-labels-idx1-ubyte, item 17: label 77 is outside the 10 classes (0-9) of dataset = mnist"
"$SWEEP" plan g.ini --data_dir=gap --num_classes=78 > gap.log 2>&1 || { cat gap.log; fail "num_classes = 78 refused"; }
echo "data_errors: IDX bodies against headers (raw, gzip, longer) and label gaps: exit 2, item named, nothing written"

: > empty.ini
expect_exit 2 "$SWEEP" run empty.ini -o out.h5
expect_err "empty.ini: sets no key (the file is empty or only comments"
[ ! -e out.h5 ] || fail "an empty grid wrote a results file"
printf '\xef\xbb\xbfdataset = idx\ndata_dir = good\nepochs = 1\nfilters = 2\ndense_units = 8\n' > bom.ini
"$SWEEP" plan bom.ini > bom.log 2>&1 || { cat bom.log; fail "a grid with a byte-order mark"; }
printf 'dataset = idx\ndata_dir = good\n[grid]\nfilters = 2, 4096\ndense_units = 1048576, 8\n' > huge.ini
expect_exit 2 "$SWEEP" run huge.ini -o out.h5
expect_err "(filters = 4096, dense_units = 1048576) needs at least 7.68 TiB for its model's weights, gradients and optimizer state"
[ ! -e out.h5 ] || fail "a trial that cannot fit wrote a results file"
echo "data_errors: an empty grid and a model that cannot fit: exit 2, nothing written; a byte-order mark is skipped"
