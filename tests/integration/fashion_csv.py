"""Writes Kaggle-style CSVs (label,pixel0..pixel783 with a header) from Fashion-MNIST rows.
usage: fashion_csv.py FASHION_DIR NAME:FIRST:END...   e.g. train.csv:0:400 test.csv:400:500"""
import gzip
import sys

import numpy as np


def idx(folder, name, offset):
    with gzip.open(f"{folder}/{name}.gz") as f:
        return np.frombuffer(f.read(), np.uint8)[offset:]


folder = sys.argv[1]
x = idx(folder, "train-images-idx3-ubyte", 16).reshape(-1, 784)
y = idx(folder, "train-labels-idx1-ubyte", 8)
head = "label," + ",".join(f"pixel{i}" for i in range(784))
for spec in sys.argv[2:]:
    name, lo, hi = spec.split(":")
    rows = np.column_stack([y[int(lo):int(hi)], x[int(lo):int(hi)]]).astype(int)
    np.savetxt(name, rows, fmt="%d", delimiter=",", header=head, comments="")
