"""The trials table of a sweep results file as h5py users read it, texts in place.

Files of format version 2 keep the texts that most trials share or leave empty (message,
checkpoint, host, the data paths, mean and std) once, in table `texts`; the trials table holds
their numbers (0: empty, i: row i - 1 of `texts`). trials(path) gives the table with those
columns turned back into byte strings, as files of version 1 stored them, so both read alike:

    import sweep_h5
    t = sweep_h5.trials("results.h5")
    print(t["message"][0].decode())
"""
import h5py
import numpy as np


def trials(path):
    """Every row of the trials table of the results file at `path`, texts resolved."""
    with h5py.File(path, "r") as f:
        t = f["trials"][:]
        if "texts" not in f:
            return t  # format version 1: the texts are in the rows
        texts = np.concatenate([np.array([b""], dtype="S256"),
                                f["texts"]["text"][:].astype("S256")])
    refs = [n for n in t.dtype.names if t.dtype[n] == np.uint32]
    dtype = [(n, "S256" if n in refs else t.dtype[n]) for n in t.dtype.names]
    out = np.empty(t.shape, dtype=dtype)
    for n in t.dtype.names:
        out[n] = texts[t[n]] if n in refs else t[n]
    return out
