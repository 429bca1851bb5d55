#!/usr/bin/env python3
"""Optuna 3.1's TPESampler (defaults) and RandomSampler on the functions of
tests/sweep/search/tpe_functions.h: median regret over SEEDS seeds after 60 and 120
sequential trials, one CSV line per function and method (the format of sweep_tpe_functions).
   tests/bench/tpe_functions.py [SEEDS=20]"""
import math
import statistics
import sys
import warnings

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
warnings.filterwarnings("ignore")


def branin(t):
    x1, x2 = t.suggest_float("x1", -5, 10), t.suggest_float("x2", 0, 15)
    b, c, s = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - s) * math.cos(x1) + 10


ALPHA = [1.0, 1.2, 3.0, 3.2]
A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8],
     [17, 8, 0.05, 10, 0.1, 14]]
P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
     [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]


def hartmann6(t):
    x = [t.suggest_float(f"x{j}", 0, 1) for j in range(6)]
    return -sum(ALPHA[i] * math.exp(-sum(A[i][j] * (x[j] - 1e-4 * P[i][j]) ** 2
                                         for j in range(6))) for i in range(4))


def mixed(t):
    c = t.suggest_categorical("c", ["a", "b", "c", "d"])
    k = t.suggest_int("k", 1, 20)
    x = t.suggest_float("x", -5, 5)
    lr = t.suggest_float("lr", 1e-5, 0.1, log=True)
    return ({"a": 0, "b": 0.5, "c": 1, "d": 2}[c] + ((k - 13) / 5) ** 2 + (x - 1.3) ** 2
            + (math.log10(lr) + 3) ** 2)


FUNCTIONS = [("branin", branin, 0.397887357729738), ("hartmann6", hartmann6, -3.32236801141551),
             ("mixed", mixed, 0.0)]


def main():
    seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    print("function,method,workers,median_regret_60,median_regret_120")
    for name, f, minimum in FUNCTIONS:
        for method, make in (("optuna-tpe", lambda s: optuna.samplers.TPESampler(seed=s)),
                             ("optuna-random", lambda s: optuna.samplers.RandomSampler(seed=s))):
            at60, at120 = [], []
            for s in range(seeds):
                study = optuna.create_study(sampler=make(s))
                study.optimize(f, n_trials=120)
                best, curve = math.inf, []
                for t in study.trials:
                    best = min(best, t.value)
                    curve.append(best - minimum)
                at60.append(curve[59])
                at120.append(curve[119])
            print(f"{name},{method},1,{statistics.median(at60):.4g},{statistics.median(at120):.4g}",
                  flush=True)


if __name__ == "__main__":
    main()
