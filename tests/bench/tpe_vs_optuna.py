#!/usr/bin/env python3
"""Optuna 3.1 side of tests/bench/tpe_vs_optuna.sh, and the summary of both sides.

  tpe_vs_optuna.py worker DB SEED W SUBSET EPOCHS [VAL]   Optuna worker process W: TPESampler(
      seed=10 SEED + W, constant_liar=True) + MedianPruner() on the study in the SQLite file DB (shared by the
      workers), the cnn of tests/bench/train_cnn.py on the first SUBSET Fashion-MNIST training
      images (the fraction VAL, default 0.1, held out for validation: the rows sweep holds out for
      `seed = SEED`, see split_of), EPOCHS epochs, val_acc reported each epoch; runs
      until it is killed.
  tpe_vs_optuna.py summary OUT BUDGET SUBSET VAL   the table of every run under OUT: the test_acc
      of the trial with the best val_acc within BUDGET seconds of the launch, that val_acc, the time
      each run needed to reach the Optuna runs' mean final best val_acc, rows finished,
      configurations tried, pruned and at the top rung; first it checks that sweep validated on
      the rows the Optuna side validated on (exit 1 if not).
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


def split_seed_of(user_seed):
    """sweep's split_seed_of (worker/config/train_config.cpp): the generator seed of the split."""
    m = (1 << 64) - 1
    z = (user_seed + 0x9e3779b97f4a7c15) & m
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & m
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & m
    return (z ^ (z >> 31)) & 0x7fffffffffffffff


def split_of(seed, n, val):
    """(validation rows, training rows) of the first n training images, drawn as sweep draws them
    for `seed = SEED` and `val_split = val` (worker/training/trial_training.cpp, make_split): one
    torch.randperm from a CPU generator, the first llround(val n) rows held out. The summary
    checks that sweep's runs validated on these rows."""
    import torch

    perm = torch.randperm(n, generator=torch.Generator().manual_seed(split_seed_of(seed)))
    n_val = int(val * n + 0.5)
    return perm[:n_val], perm[n_val:]


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
    val_rows, train_rows = split_of(seed, x.shape[0], val)
    xv, yv = x[val_rows], y[val_rows]
    x, y = x[train_rows], y[train_rows]

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


KEYS = ("learning_rate", "filters", "dense_units", "dropout", "batch_size")


def run_of_optuna(db, budget):
    """A run of the Optuna side: curve ((seconds since launch, val_acc, test_acc) of each complete
    trial, by finish time), configurations that finished within budget (complete or pruned), those
    pruned, and None for the rows of sweep's validation mistakes (there are none)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.load_study(study_name="bench", storage=f"sqlite:///{db}")
    launch = float(open(db + ".launch").read())
    curve, tried, pruned = [], 0, 0
    for t in study.get_trials(deepcopy=False):
        if t.state == optuna.trial.TrialState.COMPLETE and "finished_unix" in t.user_attrs:
            if t.user_attrs["finished_unix"] - launch <= budget:
                tried += 1
            curve.append((t.user_attrs["finished_unix"] - launch, t.value, t.user_attrs["test_acc"]))
        elif t.state == optuna.trial.TrialState.PRUNED and t.datetime_complete is not None:
            if t.datetime_complete.timestamp() - launch <= budget:
                tried += 1
                pruned += 1
    return {"curve": sorted(curve), "rows": len(curve), "tried": tried, "pruned": pruned,
            "top": None, "val_mistake_rows": None}


def run_of_sweep(h5, budget):
    """A run of the sweep side: curve ((seconds since launch, val_acc, test_acc) of each ok row,
    rung rows included), ok and pruned rows within budget, configurations (the five searched
    values) with such a row, those whose row is pruned, those with an ok row at the file's top
    rung (successive halving, else None), and the `row` of every validation mistake stored."""
    import h5py

    launch = float(open(h5 + ".launch").read())
    with h5py.File(h5, "r") as f:
        t = f["trials"][:]
        m = f["mistakes"][:] if "mistakes" in f else []
    done = [r for r in t if r["status"] in (b"ok", b"pruned") and r["finished_unix"] - launch <= budget]
    config = lambda r: tuple(r[k].item() for k in KEYS)
    curve = [(float(r["finished_unix"]) - launch, float(r["val_acc"]), float(r["test_acc"]))
             for r in t if r["status"] == b"ok"]
    top_rung = max((int(r["rung"]) for r in done), default=0)
    return {"curve": sorted(curve), "rows": len(done), "tried": len({config(r) for r in done}),
            "pruned": len({config(r) for r in done if r["status"] == b"pruned"}),
            "top": len({config(r) for r in done if r["status"] == b"ok" and r["rung"] == top_rung})
            if top_rung > 0 else None,
            "val_mistake_rows": [int(x["row"]) for x in m if x["split"].rstrip(b"\0") == b"val"]}


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


def check_split(runs, subset, val):
    """Exits 1 unless every validation mistake that a sweep run stored is a row of the validation
    split the Optuna side used for that seed; prints how many rows were checked."""
    checked, seeds = 0, set()
    for method, rs in runs.items():
        for path, r in rs:
            if r["val_mistake_rows"] is None:
                continue
            seed = int(seed_of(path))
            val_rows = set(split_of(seed, subset, val)[0].tolist())
            outside = [x for x in r["val_mistake_rows"] if x not in val_rows]
            if outside:
                print(f"{path}: {len(outside)} validation mistakes outside the Optuna side's "
                      f"validation split (rows {outside[:5]}): the two sides did not validate on "
                      "the same images", file=sys.stderr)
                sys.exit(1)
            checked += len(r["val_mistake_rows"])
            seeds.add(seed)
    n_val = int(val * subset + 0.5)
    print(f"one validation split per seed, the same {n_val} of the first {subset} training images on "
          f"both sides: checked on {checked} validation mistakes stored by sweep (seeds "
          f"{', '.join(str(s) for s in sorted(seeds))}), all in the Optuna side's split")


def seed_of(path):
    return os.path.basename(path).rsplit("-seed", 1)[1].split(".")[0]


def summary(out, budget, subset, val):
    runs = {}
    for path in sorted(glob.glob(os.path.join(out, "*.db"))) + sorted(glob.glob(os.path.join(out, "*.h5"))):
        method = os.path.basename(path).rsplit("-seed", 1)[0]
        r = run_of_optuna(path, budget) if path.endswith(".db") else run_of_sweep(path, budget)
        runs.setdefault(method, []).append((path, r))
    check_split(runs, subset, val)
    optuna_best = [best_within(r["curve"], budget)[0] for _, r in runs.get("optuna", [])]
    optuna_best = [v for v in optuna_best if v is not None]
    target = statistics.mean(optuna_best) if optuna_best else None
    optuna_time = statistics.mean(
        time_to(r["curve"], target) or budget for _, r in runs.get("optuna", [])) if target else None
    print(f"budget {budget:.0f} s per run; Optuna's mean final best val_acc {target:.4f}"
          if target else f"budget {budget:.0f} s per run; no Optuna run")
    # Seed by seed: the Optuna run of the same seed, its final best and when it got there.
    optuna_by_seed = {}
    for path, r in runs.get("optuna", []):
        b = best_within(r["curve"], budget)[0]
        if b is not None:
            optuna_by_seed[seed_of(path)] = (b, time_to(r["curve"], b))
    print("| method | seeds | test_acc of the trial chosen on validation (mean) | its val_acc, the "
          "best (mean) | time to Optuna's mean final best val_acc (mean) | per seed: time to that "
          "seed's Optuna final best / Optuna's time to it | rows finished (mean) | configurations "
          "tried, per seed | of them pruned | of them at the top rung |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    table = {}
    per = lambda rs, key: ", ".join("-" if r[key] is None else str(r[key]) for _, r in rs)
    for method, rs in runs.items():
        bests = [best_within(r["curve"], budget) for _, r in rs]
        vals = [b[0] for b in bests if b[0] is not None]
        tests = [b[1] for b in bests if b[1] is not None]
        times = [time_to(r["curve"], target) if target else None for _, r in rs]
        reached = [t for t in times if t is not None and t <= budget]
        share = (f"{statistics.mean(reached):.0f} s ({100 * statistics.mean(reached) / optuna_time:.0f}% of "
                 f"Optuna's {optuna_time:.0f} s), {len(reached)} of {len(rs)} seeds"
                 if reached and optuna_time else f"not reached ({len(rs)} seeds)")
        per_seed = []
        for path, r in rs:
            b, t_optuna = optuna_by_seed.get(seed_of(path), (None, None))
            t = time_to(r["curve"], b) if b is not None else None
            per_seed.append("-" if b is None else
                            f"{t:.0f}/{t_optuna:.0f} s" if t is not None and t <= budget else
                            f"not reached/{t_optuna:.0f} s")
        row = [method, ", ".join(seed_of(p) for p, _ in rs),
               f"{statistics.mean(tests):.4f}" if tests else "-",
               f"{statistics.mean(vals):.4f}" if vals else "-", share, ", ".join(per_seed),
               f"{statistics.mean(r['rows'] for _, r in rs):.1f}", per(rs, "tried"),
               per(rs, "pruned"), per(rs, "top")]
        print("| " + " | ".join(str(c) for c in row) + " |")
        table[method] = {"best_val": vals, "test": tests, "times": times,
                         "rows": [r["rows"] for _, r in rs], "tried": [r["tried"] for _, r in rs],
                         "pruned": [r["pruned"] for _, r in rs], "top": [r["top"] for _, r in rs]}
    json.dump({"budget": budget, "optuna_target": target, "methods": table},
              open(os.path.join(out, "summary.json"), "w"), indent=1)


if __name__ == "__main__":
    if sys.argv[1] == "worker":
        worker(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]),
               float(sys.argv[7]) if len(sys.argv) > 7 else 0.1)
    else:
        summary(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
