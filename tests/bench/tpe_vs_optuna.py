#!/usr/bin/env python3
"""Optuna 3.1 side of tests/bench/tpe_vs_optuna.sh, and the summary of both sides.

  tpe_vs_optuna.py worker DB SEED W SUBSET EPOCHS [VAL]   Optuna worker process W: TPESampler(
      seed=10 SEED + W, constant_liar=True) + MedianPruner() on the study in the SQLite file DB (shared by the
      workers), the cnn of tests/bench/train_cnn.py on the first SUBSET Fashion-MNIST training
      images (the fraction VAL, default 0.1, held out for validation), EPOCHS epochs, val_acc reported each epoch; runs
      until it is killed.
  tpe_vs_optuna.py summary OUT BUDGET              the table of every run under OUT: best
      val_acc (and that trial's test_acc) within BUDGET seconds of the launch, trials finished,
      and the time each sweep run needed to reach the Optuna runs' mean final best val_acc.
The search space on both sides: learning_rate loguniform(1e-4, 1e-1), filters int(4, 24),
dense_units int(16, 128), dropout uniform(0, 0.5), batch_size choice(32, 64, 128); Adam.
"""
import copy
import glob
import json
import os
import statistics
import sys
import time
import warnings


def worker(db, seed, w, subset, epochs, val=0.1):
    import optuna
    import torch
    import torch.nn.functional as F

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from train_cnn import Cnn, load_data

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    x, y, xt, yt = load_data("/usr/share/datasets/fashion-mnist", subset)
    perm = torch.randperm(x.shape[0], generator=torch.Generator().manual_seed(seed))
    n_val = round(val * x.shape[0])
    xv, yv = x[perm[:n_val]], y[perm[:n_val]]
    x, y = x[perm[n_val:]], y[perm[n_val:]]

    def accuracy(model, xs, ys):
        model.eval()
        correct = 0
        with torch.inference_mode():
            for s in range(0, xs.shape[0], 256):
                correct += (model(xs[s:s + 256]).argmax(1) == ys[s:s + 256]).sum().item()
        return correct / xs.shape[0]

    def objective(trial):
        lr = trial.suggest_float("learning_rate", 1e-4, 1e-1, log=True)
        filters = trial.suggest_int("filters", 4, 24)
        dense = trial.suggest_int("dense_units", 16, 128)
        dropout = trial.suggest_float("dropout", 0.0, 0.5)
        batch = trial.suggest_categorical("batch_size", [32, 64, 128])
        torch.manual_seed(seed * 100003 + trial.number)
        model = Cnn(filters, dense, dropout=dropout)
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        best, best_state = -1.0, None
        for epoch in range(1, epochs + 1):
            model.train()
            order = torch.randperm(x.shape[0])
            for s in range(0, x.shape[0], batch):
                bi = order[s:s + batch]
                opt.zero_grad()
                loss = F.cross_entropy(model(x[bi]), y[bi])
                loss.backward()
                opt.step()
            v = accuracy(model, xv, yv)
            if v > best:  # the best epoch's weights, as sweep keeps them
                best, best_state = v, copy.deepcopy(model.state_dict())
            trial.report(v, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()
        model.load_state_dict(best_state)
        best_test = accuracy(model, xt, yt)  # once, at the end, as sweep evaluates the test set
        trial.set_user_attr("test_acc", best_test)
        trial.set_user_attr("finished_unix", time.time())
        return best

    study = optuna.load_study(study_name="bench", storage=f"sqlite:///{db}",
                              sampler=optuna.samplers.TPESampler(seed=10 * seed + w,
                                                                 constant_liar=True),
                              pruner=optuna.pruners.MedianPruner())
    study.optimize(objective, n_trials=100000)


def curve_of_optuna(db):
    """(seconds since launch, val_acc, test_acc) of each complete trial, by finish time."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.load_study(study_name="bench", storage=f"sqlite:///{db}")
    launch = float(open(db + ".launch").read())
    out = []
    for t in study.get_trials(deepcopy=False):
        if t.state == optuna.trial.TrialState.COMPLETE and "finished_unix" in t.user_attrs:
            out.append((t.user_attrs["finished_unix"] - launch, t.value, t.user_attrs["test_acc"]))
    return sorted(out), len(study.trials)


def curve_of_sweep(h5):
    """(seconds since launch, val_acc, test_acc) of each ok row (rung rows included)."""
    import h5py

    launch = float(open(h5 + ".launch").read())
    with h5py.File(h5, "r") as f:
        t = f["trials"][:]
    out = [(float(r["finished_unix"]) - launch, float(r["val_acc"]), float(r["test_acc"]))
           for r in t if r["status"] == b"ok"]
    return sorted(out), len(t)


def best_within(curve, budget):
    """The best val_acc finished within budget seconds and that row's test_acc."""
    best = (None, None)
    for s, v, test in curve:
        if s <= budget and (best[0] is None or v > best[0]):
            best = (v, test)
    return best


def time_to(curve, target):
    for s, v, _ in curve:
        if v >= target:
            return s
    return None


def summary(out, budget):
    runs = {}
    for path in sorted(glob.glob(os.path.join(out, "*.db"))) + sorted(glob.glob(os.path.join(out, "*.h5"))):
        method = os.path.basename(path).rsplit("-seed", 1)[0]
        curve, rows = curve_of_optuna(path) if path.endswith(".db") else curve_of_sweep(path)
        runs.setdefault(method, []).append((path, curve, rows))
    optuna_best = [best_within(c, budget)[0] for _, c, _ in runs.get("optuna", [])]
    target = statistics.mean(v for v in optuna_best if v is not None) if optuna_best else None
    optuna_time = statistics.mean(
        time_to(c, target) or budget for _, c, _ in runs.get("optuna", [])) if target else None
    print(f"budget {budget:.0f} s per run; Optuna's mean final best val_acc {target:.4f}"
          if target else f"budget {budget:.0f} s per run; no Optuna run")
    # Seed by seed: the Optuna run of the same seed, its final best and when it got there.
    seed_of = lambda path: path.rsplit("-seed", 1)[1].split(".")[0]
    optuna_by_seed = {}
    for path, c, _ in runs.get("optuna", []):
        b = best_within(c, budget)[0]
        if b is not None:
            optuna_by_seed[seed_of(path)] = (b, time_to(c, b))
    print("| method | seeds | trials (rows) finished | best val_acc (mean) | its test_acc (mean) | "
          "time to Optuna's mean final best val_acc (mean) | per seed: time to that seed's Optuna "
          "final best / Optuna's time to it |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    table = {}
    for method, rs in runs.items():
        bests = [best_within(c, budget) for _, c, _ in rs]
        vals = [b[0] for b in bests if b[0] is not None]
        tests = [b[1] for b in bests if b[1] is not None]
        done = [sum(1 for s, _, _ in c if s <= budget) for _, c, _ in rs]
        times = [time_to(c, target) if target else None for _, c, _ in rs]
        reached = [t for t in times if t is not None and t <= budget]
        share = (f"{statistics.mean(reached):.0f} s ({100 * statistics.mean(reached) / optuna_time:.0f}% of "
                 f"Optuna's {optuna_time:.0f} s), {len(reached)} of {len(rs)} seeds"
                 if reached and optuna_time else f"not reached ({len(rs)} seeds)")
        per_seed = []
        for path, c, _ in rs:
            b, t_optuna = optuna_by_seed.get(seed_of(path), (None, None))
            t = time_to(c, b) if b is not None else None
            per_seed.append("-" if b is None else
                            f"{t:.0f}/{t_optuna:.0f} s" if t is not None and t <= budget else
                            f"not reached/{t_optuna:.0f} s")
        row = [method, len(rs), f"{statistics.mean(done):.1f}",
               f"{statistics.mean(vals):.4f}" if vals else "-",
               f"{statistics.mean(tests):.4f}" if tests else "-", share, ", ".join(per_seed)]
        print("| " + " | ".join(str(c) for c in row) + " |")
        table[method] = {"best_val": vals, "test": tests, "finished": done, "times": times}
    json.dump({"budget": budget, "optuna_target": target, "methods": table},
              open(os.path.join(out, "summary.json"), "w"), indent=1)


if __name__ == "__main__":
    if sys.argv[1] == "worker":
        worker(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]),
               float(sys.argv[7]) if len(sys.argv) > 7 else 0.1)
    else:
        summary(sys.argv[2], float(sys.argv[3]))
