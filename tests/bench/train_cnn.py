#!/usr/bin/env python3
"""The reference comparison: the `cnn` of sweep trained in plain PyTorch, the same way.

Same model definition, data (Fashion-MNIST IDX, first N training images, normalized with their
mean/std), Adam, batch size, cross-entropy, gathering batches from tensors in memory (no
DataLoader), then a test-set evaluation in batches of 256 under inference mode.

  python3 train_cnn.py --threads 1 --filters 32 --dense 128 --batch 64 --subset 6400 \
      --lr 0.001 --epochs 1 [--data /usr/share/datasets/fashion-mnist] [--device cuda]
      [--lrs 0.001,0.002,...]
With --device cuda the data live on the GPU and batches are gathered there (the best plain
practice). --lrs trains one trial per learning rate, one after another in this process (the
data loaded once), and prints one line per trial.
Prints one line per trial: samples/s=... test_acc=... seconds=...
"""
import argparse, gzip, os, struct, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        magic, n = struct.unpack(">II", f.read(8))
        if magic == 2051:
            rows, cols = struct.unpack(">II", f.read(8))
            return np.frombuffer(f.read(), np.uint8).reshape(n, 1, rows, cols)
        return np.frombuffer(f.read(), np.uint8).astype(np.int64)


def idx(data, name):
    for p in (os.path.join(data, name), os.path.join(data, name + ".gz")):
        if os.path.exists(p):
            return read_idx(p)
    raise SystemExit(f"no {name} in {data}")


def load_data(data, subset):
    """The first `subset` training images and all test images of the IDX set in `data`, normalized
    with the training images' mean and std: (x, y, x_test, y_test)."""
    xs = idx(data, "train-images-idx3-ubyte")[:subset]
    ys = torch.from_numpy(idx(data, "train-labels-idx1-ubyte")[:subset].copy())
    x = torch.from_numpy(xs.astype(np.float32) / 255.0)
    mean, std = x.mean(), x.std()
    x = (x - mean) / std
    xt = (torch.from_numpy(idx(data, "t10k-images-idx3-ubyte").astype(np.float32) / 255.0) - mean) / std
    yt = torch.from_numpy(idx(data, "t10k-labels-idx1-ubyte").copy())
    return x, ys, xt, yt


class Cnn(nn.Module):
    def __init__(self, filters, dense, classes=10, dropout=0.25):
        super().__init__()
        f = filters
        self.conv1 = nn.Conv2d(1, f, 3, padding=1)
        self.conv2 = nn.Conv2d(f, f, 3, padding=1)
        self.conv3 = nn.Conv2d(f, 2 * f, 3, padding=1)
        self.conv4 = nn.Conv2d(2 * f, 2 * f, 3, padding=1)
        self.dense = nn.Linear(2 * f * 7 * 7, dense)
        self.drop = nn.Dropout(dropout)
        self.out = nn.Linear(dense, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv2(F.relu(self.conv1(x)))), 2)
        x = F.max_pool2d(F.relu(self.conv4(F.relu(self.conv3(x)))), 2)
        return self.out(self.drop(F.relu(self.dense(x.flatten(1)))))


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    a.add_argument("--threads", type=int, default=1)
    a.add_argument("--filters", type=int, default=32)
    a.add_argument("--dense", type=int, default=128)
    a.add_argument("--batch", type=int, default=64)
    a.add_argument("--subset", type=int, default=6400)
    a.add_argument("--lr", type=float, default=1e-3)
    a.add_argument("--epochs", type=int, default=1)
    a.add_argument("--seed", type=int, default=0)
    a.add_argument("--device", default="cpu")
    a.add_argument("--lrs", default="")
    o = a.parse_args()
    dev = torch.device(o.device)
    torch.set_num_threads(o.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(o.seed)
    t_start = time.perf_counter()
    x, ys, xt, yt = load_data(o.data, o.subset)
    x, ys, xt, yt = x.to(dev), ys.to(dev), xt.to(dev), yt.to(dev)
    for lr in [float(v) for v in o.lrs.split(",")] if o.lrs else [o.lr]:
        trial(o, lr, x, ys, xt, yt, dev, t_start)
        t_start = time.perf_counter()


def trial(o, lr, x, ys, xt, yt, dev, t_start):
    model = Cnn(o.filters, o.dense).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    n = x.shape[0]
    train_time = 0.0
    for _ in range(o.epochs):
        t0 = time.perf_counter()
        model.train()
        order = torch.randperm(n, device=dev)
        for s in range(0, n, o.batch):
            bi = order[s : s + o.batch]
            xb, yb = x.index_select(0, bi), ys.index_select(0, bi)
            opt.zero_grad()
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            loss.backward()
            opt.step()
            loss.item()
            (logits.detach().argmax(1) == yb).sum().item()
        train_time += time.perf_counter() - t0
    model.eval()
    correct = 0
    with torch.inference_mode():
        for s in range(0, xt.shape[0], 256):
            correct += (model(xt[s : s + 256]).argmax(1) == yt[s : s + 256]).sum().item()
    print(f"samples/s={o.epochs * n / train_time:.1f} test_acc={correct / xt.shape[0]:.4f} "
          f"seconds={time.perf_counter() - t_start:.2f}")


if __name__ == "__main__":
    main()
