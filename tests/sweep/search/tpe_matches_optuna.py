#!/usr/bin/env python3
"""sweep's TPE against Optuna 3.1's TPESampler on fixed histories: the same observations in,
the same scores log l(x) - log g(x) of the same candidates out (so the same ranking and the
same choice among them), for float, log-float, int, log-int and categorical parameters, with
complete, pruned and running trials (Optuna's constant_liar), fewer and more than 25 trials
(the weights' ramp), and trials that do not use the parameter.

  tpe_matches_optuna.py TPE_SCORES_BINARY
Every case must give Optuna's scores to TOLERANCE, except where a group of more than 16
components (its observations and the prior) holds equal values: there Optuna orders the equal
ones by numpy's argsort, which is not stable beyond 16 elements, and sweep by a stable sort, so
they may get each other's bandwidths; such cases must still choose the same candidate, and
their largest difference is printed.
Exit 0 when every case agrees, 1 naming the first cases that differ, 77 (skipped, with a line
saying why) when Optuna 3.1 cannot be imported.
"""
import json
import math
import subprocess
import sys

TOLERANCE = 1e-9  # on each score, relative to max(1, |score|)

try:
    import numpy as np
    import optuna
    from optuna.distributions import (CategoricalDistribution, FloatDistribution,
                                      IntDistribution)
    from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator
    from optuna.samplers._tpe.sampler import _get_observation_pairs, _split_observation_pairs
    from optuna.trial import TrialState, create_trial
except ImportError as e:
    print(f"SKIP: tpe_matches_optuna: needs Optuna 3.1 and numpy (Debian: python3-optuna): {e}")
    sys.exit(77)
if not optuna.__version__.startswith("3.1"):
    print(f"SKIP: tpe_matches_optuna: written against Optuna 3.1, found {optuna.__version__}")
    sys.exit(77)
optuna.logging.set_verbosity(optuna.logging.ERROR)


def distribution(param):
    if param["kind"] == "float":
        return FloatDistribution(param["low"], param["high"], log=param["log"])
    if param["kind"] == "int":
        return IntDistribution(int(param["low"]), int(param["high"]), log=param["log"])
    return CategoricalDistribution(list(range(param["choices"])))


def optuna_scores(case):
    """Optuna 3.1's sample_independent, up to the comparison, on the case's candidates."""
    dist = distribution(case["param"])
    sampler = optuna.samplers.TPESampler(constant_liar=True, n_startup_trials=1)
    study = optuna.create_study(sampler=sampler)
    for h in case["history"]:
        params, dists = {}, {}
        if h["x"] is not None:
            value = h["x"]
            if case["param"]["kind"] == "int":
                value = int(value)
            elif case["param"]["kind"] == "categorical":
                value = int(value)  # the choices are the indices themselves
            params["p"], dists["p"] = value, dist
        if h["state"] == "complete":
            t = create_trial(state=TrialState.COMPLETE, value=h["loss"], params=params,
                             distributions=dists)
        elif h["state"] == "pruned":
            t = create_trial(state=TrialState.PRUNED, params=params, distributions=dists,
                             intermediate_values={h["step"]: h["loss"]})
        else:
            t = create_trial(state=TrialState.RUNNING, params=params, distributions=dists)
        study.add_trial(t)
    values, scores, violations = _get_observation_pairs(study, ["p"], True, False)
    n = sum(s < float("inf") for s, v in scores)
    below_idx, above_idx = _split_observation_pairs(scores, sampler._gamma(n), violations)
    config = np.asarray(values["p"], dtype=float)
    mask = ~np.isnan(config)
    below = {"p": config[below_idx[mask[below_idx]]]}
    above = {"p": config[above_idx[mask[above_idx]]]}
    params = sampler._parzen_estimator_parameters
    l = _ParzenEstimator(below, {"p": dist}, params)
    g = _ParzenEstimator(above, {"p": dist}, params)
    kind = case["param"]["kind"]
    cand = {"p": np.asarray([dist.to_internal_repr(c if kind == "float" else int(c))
                             for c in case["candidates"]],
                            dtype=int if kind == "categorical" else float)}
    # Whether a group's components (its observations and the prior, in the transformed space)
    # hold equal values and are more than 16: Optuna 3.1 orders them with numpy's argsort, whose
    # default (quicksort) keeps the order of equal values only below 17 elements (insertion
    # sort), where sweep's sort is stable; equal components may then get each other's
    # bandwidths (which matters with unequal weights, or when the prior is among them).
    ties = kind != "categorical" and any(has_ties(v, case["param"]) for v in (below["p"], above["p"]))
    return list(l.log_pdf(cand) - g.log_pdf(cand)), ties


def has_ties(observed, param):
    if param["kind"] == "int":
        lo, hi = param["low"] - 0.5, param["high"] + 0.5
    else:
        lo, hi = param["low"], param["high"]
    if param["log"]:
        mus = [math.log(v) for v in observed] + [0.5 * (math.log(lo) + math.log(hi))]
    else:
        mus = list(observed) + [0.5 * (lo + hi)]
    return len(mus) > 16 and len(set(mus)) < len(mus)


def sweep_scores(binary, case):
    out = subprocess.run([binary], input=json.dumps(case), capture_output=True, text=True,
                         check=True).stdout
    return [float(line) for line in out.split()]


def make_case(rng, param, n, pruned=0.0, running=0, unused=0.0):
    history = []
    for i in range(n):
        if param["kind"] == "float":
            lo, hi = param["low"], param["high"]
            x = math.exp(rng.uniform(math.log(lo), math.log(hi))) if param["log"] else rng.uniform(lo, hi)
        elif param["kind"] == "int":
            x = float(rng.randint(int(param["low"]), int(param["high"]) + 1))
        else:
            x = float(rng.randint(0, param["choices"]))
        if rng.uniform() < unused:
            x = None
        state = "pruned" if rng.uniform() < pruned else "complete"
        history.append({"x": x, "state": state, "loss": float(rng.uniform()),
                        "step": int(rng.randint(1, 6))})
    for _ in range(running):
        history.append({"x": history[rng.randint(0, n)]["x"], "state": "running"})
    if param["kind"] == "categorical":
        candidates = [float(c) for c in range(param["choices"])]
    elif param["kind"] == "int":
        candidates = sorted({float(v) for v in np.linspace(param["low"], param["high"], 12).round()})
    elif param["log"]:
        candidates = [float(v) for v in np.geomspace(param["low"], param["high"], 15)]
    else:
        candidates = [float(v) for v in np.linspace(param["low"], param["high"], 15)]
    return {"param": param, "history": history, "candidates": candidates}


def main():
    binary = sys.argv[1]
    rng = np.random.RandomState(2026)
    params = [
        {"kind": "float", "log": False, "low": -2.0, "high": 3.0},
        {"kind": "float", "log": True, "low": 1e-5, "high": 1e-1},
        {"kind": "int", "log": False, "low": 1, "high": 9},
        {"kind": "int", "log": False, "low": 1, "high": 1000},
        {"kind": "int", "log": True, "low": 8, "high": 512},
        {"kind": "categorical", "choices": 4},
    ]
    shapes = [dict(n=12), dict(n=40), dict(n=30, pruned=0.3), dict(n=20, running=3),
              dict(n=35, pruned=0.2, running=2, unused=0.2)]
    cases = failures = tied = 0
    worst = worst_tied = 0.0
    for param in params:
        for shape in shapes:
            case = make_case(rng, param, **shape)
            (want, ties), got = optuna_scores(case), sweep_scores(binary, case)
            cases += 1
            diff = max(abs(a - b) / max(1.0, abs(a)) for a, b in zip(want, got))
            same_choice = int(np.argmax(want)) == int(np.argmax(got))
            if ties:
                tied += 1
                worst_tied = max(worst_tied, diff)
            else:
                worst = max(worst, diff)
            if len(want) != len(got) or (diff > TOLERANCE and not ties) or not same_choice:
                failures += 1
                if failures <= 3:
                    print(f"differs: {param} {shape}: largest relative difference {diff:.3g}, "
                          f"Optuna picks {case['candidates'][int(np.argmax(want))]}, sweep "
                          f"{case['candidates'][int(np.argmax(got))]}\n  optuna {want}\n  sweep  {got}")
    print(f"tpe_matches_optuna: {cases - failures} of {cases} fixed histories agree with Optuna "
          f"3.1: {cases - tied} give its scores (largest relative difference {worst:.2g}, "
          f"tolerance {TOLERANCE:g}); {tied} with equal values among more than 16 components "
          f"choose the same candidate (their scores differ by up to {worst_tied:.2g})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
