#!/usr/bin/env python3
"""The peer sweep: a grid written the way MPI users glue it together today (mpi4py + PyTorch).

Rank 0 expands the grid and scatters equal slices of it (comm.scatter, one slice per rank);
every rank loads the data, trains its trials one after another with the reference cnn of
train_cnn.py (same model, Adam, batches gathered from tensors in memory), evaluates each on the
test set, and rank 0 gathers the results and writes them as CSV.

  mpirun -np 2 python3 mpi4py_peer.py --threads 1 --subset 6400 --lrs 0.001,0.002 \
      --dropouts 0.25,0.5 [--out results.csv]
Prints one line per trial on rank 0 (lr, dropout, test_acc, seconds) and the total.
"""
import argparse, csv, itertools, os, sys, time

from mpi4py import MPI
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_cnn import Cnn, load_data  # noqa: E402  the same model and data as the reference


def train(cfg, o, x, ys, xt, yt):
    torch.manual_seed(cfg["seed"])
    model = Cnn(o.filters, o.dense, dropout=cfg["dropout"])
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    t0 = time.perf_counter()
    for _ in range(o.epochs):
        model.train()
        order = torch.randperm(x.shape[0])
        for s in range(0, x.shape[0], o.batch):
            bi = order[s : s + o.batch]
            xb, yb = x.index_select(0, bi), ys.index_select(0, bi)
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
    model.eval()
    correct = 0
    with torch.inference_mode():
        for s in range(0, xt.shape[0], 256):
            correct += (model(xt[s : s + 256]).argmax(1) == yt[s : s + 256]).sum().item()
    return dict(cfg, test_acc=correct / xt.shape[0], seconds=time.perf_counter() - t0)


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    a.add_argument("--threads", type=int, default=1)
    a.add_argument("--filters", type=int, default=32)
    a.add_argument("--dense", type=int, default=128)
    a.add_argument("--batch", type=int, default=64)
    a.add_argument("--subset", type=int, default=6400)
    a.add_argument("--epochs", type=int, default=1)
    a.add_argument("--lrs", default="0.001,0.002,0.003,0.004")
    a.add_argument("--dropouts", default="0.25,0.5")
    a.add_argument("--out", default="")
    o = a.parse_args()
    comm = MPI.COMM_WORLD
    rank, size = comm.Get_rank(), comm.Get_size()
    torch.set_num_threads(o.threads)
    torch.set_num_interop_threads(1)
    t_start = time.perf_counter()
    chunks = None
    if rank == 0:
        grid = [dict(lr=float(lr), dropout=float(d), seed=i) for i, (lr, d) in enumerate(
            itertools.product(o.lrs.split(","), o.dropouts.split(",")))]
        chunks = [grid[r::size] for r in range(size)]
    mine = comm.scatter(chunks, root=0)
    x, ys, xt, yt = load_data(o.data, o.subset)
    results = [train(cfg, o, x, ys, xt, yt) for cfg in mine]
    gathered = comm.gather(results, root=0)
    if rank == 0:
        rows = [r for part in gathered for r in part]
        for r in rows:
            print(f"lr={r['lr']} dropout={r['dropout']} test_acc={r['test_acc']:.4f} seconds={r['seconds']:.2f}")
        if o.out:
            with open(o.out, "w", newline="") as f:
                w = csv.DictWriter(f, fieldnames=list(rows[0]))
                w.writeheader()
                w.writerows(rows)
        print(f"trials={len(rows)} total_seconds={time.perf_counter() - t_start:.2f}")


if __name__ == "__main__":
    main()
