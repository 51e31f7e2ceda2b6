"""Benchmark hyperparameter search (issue 16).

1. Overhead: ``tune()`` against the same trials run one by one by hand (the
   learner built with the point's parameters, fitted on the same training
   rows, scored on the same validation rows, the same seeds), side by side
   in one process, interleaved over rounds. Two learners: the recurrent one
   (a 2 x 2 grid of hidden size x learning rate, a few epochs) and Orange's
   KNN regression (a fit of about a millisecond, so that the search's own
   cost per trial shows). CPU seconds (``time.process_time``, one torch
   thread) and wall seconds; the scores of both must be identical.
2. Search results on the noisy sine (sin(t) + N(0, 0.1), t = 0, 0.1, ...,
   2,000 points, windows of 10) and on sunspots (windows of 11): grid (hidden
   size 16, 32, 64 x learning rate 0.001, 0.003, 0.01), random (9 trials,
   hidden size 8..64, learning rate 0.001..0.03 log-uniform) and Bayesian
   (Optuna's TPE, 9 trials, the same ranges), each on the first 80% of the
   windows (validation: its chronological last 20%); then the best learner
   is trained on those 80% and tested on the last 20%, beside Linear
   Regression and the LSTM at its defaults.

Run ``python benchmarks/bench_tuning.py`` (a few minutes) or ``--quick``
(tiny sizes) for a smoke test; ``--json PATH`` writes the results.
"""
import argparse
import itertools
import json
import os
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def rmse(pred, actual) -> float:
    return float(np.sqrt(np.mean((np.asarray(pred) - actual) ** 2)))


def sine_windows(n: int):
    from orangecontrib.recurrent import datasets, make_windows
    return make_windows(datasets.sine_with_noise(n, noise=0.1, seed=0), 10)


def sunspot_windows():
    from orangecontrib.recurrent import datasets, make_windows
    return make_windows(datasets.load("sunspots"), 11)


def by_hand(make, points, train, valid):
    """The trials as one writes them without tune(): scores in order."""
    scores = []
    for point in points:
        model = make(**point)(train)
        scores.append(rmse(model(valid), valid.Y))
    return scores


def overhead(quick: bool) -> dict:
    from Orange.regression import KNNRegressionLearner
    from orangecontrib.recurrent import RecurrentLearner, tune
    from orangecontrib.recurrent.tuning import validation_split
    data = sine_windows(600 if quick else 2000)
    epochs = 1 if quick else 5
    base = dict(epochs=epochs, patience=None, device="cpu", random_state=0)
    cases = {
        "LSTM, 2 x 2 grid": (
            lambda **p: RecurrentLearner(**{**base, **p}),
            {"hidden_size": [8, 16], "learning_rate": [1e-3, 1e-2]}),
        "KNN regression, 8 values": (
            lambda **p: KNNRegressionLearner(**p),
            {"n_neighbors": [1, 3, 5, 7, 9, 11, 13, 15]}),
    }
    rounds = 1 if quick else 5
    train_rows, val_rows, _ = validation_split(data, 0.2, 0)
    train, valid = data[train_rows], data[val_rows]
    RecurrentLearner(**base)(train)  # warm-up: torch import, first kernels
    out = {}
    for name, (make, space) in cases.items():
        names = list(space)
        points = [dict(zip(names, v)) for v in
                  itertools.product(*space.values())]
        times = {"tune": [], "by hand": []}
        for _ in range(rounds):
            for how in ("tune", "by hand"):  # interleaved: load hits both
                wall, cpu = time.perf_counter(), time.process_time()
                if how == "tune":
                    result = tune(make(), data, space)
                    scores = [t.score for t in result.trials]
                else:
                    hand = by_hand(make, points, train, valid)
                times[how].append((time.process_time() - cpu,
                                   time.perf_counter() - wall))
        assert scores == hand, (name, scores, hand)
        cpu = {k: float(np.median([c for c, _ in v])) for k, v in
               times.items()}
        wall = {k: float(np.median([w for _, w in v])) for k, v in
                times.items()}
        ratios = [t[0] / h[0] for t, h in zip(times["tune"], times["by hand"])]
        out[name] = dict(
            trials=len(points), rounds=rounds, cpu=cpu, wall=wall,
            cpu_ratio=float(np.median(ratios)), cpu_ratios=ratios,
            overhead_ms_per_trial=1000 * (cpu["tune"] - cpu["by hand"])
            / len(points), same_scores=True)
    return out


def searches(quick: bool) -> dict:
    from Orange.regression import LinearRegressionLearner
    from orangecontrib.recurrent import (
        LogRange, Range, RecurrentLearner, chronological_split, tune,
    )
    n_trials = 3 if quick else 9
    grid = {"hidden_size": [16, 32, 64],
            "learning_rate": [0.001, 0.003, 0.01]}
    ranges = {"hidden_size": Range(8, 64),
              "learning_rate": LogRange(0.001, 0.03)}
    if quick:
        grid = {"hidden_size": [8, 16], "learning_rate": [0.001, 0.01]}
    out = {}
    for name, data, batch in (
            ("sine", sine_windows(600 if quick else 2000), 32),
            ("sunspots", sunspot_windows(), 16)):
        train, test = chronological_split(data, 0.2)
        base = RecurrentLearner(epochs=2 if quick else 30, batch_size=batch,
                                patience=5, device="cpu", random_state=0)
        rows = {"Linear Regression": dict(
            test_rmse=rmse(LinearRegressionLearner()(train)(test), test.Y))}
        default = RecurrentLearner(device="cpu", random_state=0)
        rows["LSTM, defaults (50 units, lr 0.001, 20 epochs)"] = dict(
            test_rmse=rmse(default(train)(test), test.Y))
        for method, space in (("grid", grid), ("random", ranges),
                              ("bayes", ranges)):
            cpu = time.process_time()
            result = tune(base, train, space, method=method,
                          n_trials=None if method == "grid" else n_trials,
                          random_state=0)
            cpu = time.process_time() - cpu
            best = result.best_trial
            model = result.best_learner(train)
            rows[f"tuned: {method}"] = dict(
                trials=len(result.trials), cpu_seconds=cpu,
                best_params=best.params, validation_rmse=best.score,
                test_rmse=rmse(model(test), test.Y))
        out[name] = dict(train=len(train), test=len(test),
                         validation=int(round(0.2 * len(train))), rows=rows)
    return out


def fmt_params(params: dict) -> str:
    return ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}"
                     for k, v in params.items())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    import torch
    torch.set_num_threads(1)
    results = {"overhead": overhead(args.quick),
               "searches": searches(args.quick)}
    print("## Overhead: tune() against the same trials by hand "
          "(median over rounds)\n")
    print("| case | trials | rounds | by hand CPU s | tune CPU s | CPU ratio "
          "| overhead per trial (CPU ms) | wall by hand / tune s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in results["overhead"].items():
        print(f"| {name} | {r['trials']} | {r['rounds']} | "
              f"{r['cpu']['by hand']:.3f} | {r['cpu']['tune']:.3f} | "
              f"x{r['cpu_ratio']:.3f} | {r['overhead_ms_per_trial']:.1f} | "
              f"{r['wall']['by hand']:.3f} / {r['wall']['tune']:.3f} |")
    for name, r in results["searches"].items():
        print(f"\n## {name}: {r['train']} training windows (validation: "
              f"the last {r['validation']}), {r['test']} test windows\n")
        print("| model | trials | search CPU s | best parameters | "
              "validation RMSE | test RMSE |")
        print("|---|---:|---:|---|---:|---:|")
        for model, row in r["rows"].items():
            if "trials" in row:
                print(f"| {model} | {row['trials']} | "
                      f"{row['cpu_seconds']:.1f} | "
                      f"{fmt_params(row['best_params'])} | "
                      f"{row['validation_rmse']:.4g} | "
                      f"{row['test_rmse']:.4g} |")
            else:
                print(f"| {model} | | | | | {row['test_rmse']:.4g} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
