"""Benchmark normalization on series with and without a trend (issue 8).

Series (generated here, seeded):

- trend + season: 0.02 t + 2 sin(2 pi t / 20) + N(0, 0.3), t = 0..999,
  windows of 24; the test part lies above the training range;
- exponential: exp(0.004 t) (1 + N(0, 0.02)), t = 0..999, windows of 12;
- random walk: cumulative sum of N(0, 1), 1,000 steps, windows of 12;
- seed sine: sin(t) + N(0, 0.1), t = 0, 0.1, ..., 999.9, windows of 10.

Each is cut into windows (horizon 1) and the last 20% of the windows is
held out. Models: naive last value, Orange's linear regression on the lags,
Orange's Neural Network (NNRegressionLearner, its defaults), and the LSTM
and GRU of RecurrentLearner (its defaults: 50 units, 20 epochs, batch 32,
validation tail 10%, patience 5, seed 0) with normalization global, relative
and auto. Scores: 1-step RMSE on the held-out part; training CPU seconds of
the recurrent models (one torch thread), so that the cost of "auto" shows.

Run ``python benchmarks/bench_trend.py`` (a few minutes) or with ``--quick``
(shorter series but the trend, 3 epochs) for a smoke test; ``--json PATH`` writes results.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def trend_season(n=1000, seed=0):
    t = np.arange(n, dtype=float)
    rng = np.random.default_rng(seed)
    return 0.02 * t + 2 * np.sin(2 * np.pi * t / 20) + rng.normal(0, 0.3, n)


def exponential(n=1000, seed=0):
    t = np.arange(n, dtype=float)
    rng = np.random.default_rng(seed)
    return np.exp(0.004 * t) * (1 + rng.normal(0, 0.02, n))


def random_walk(n=1000, seed=0):
    return np.cumsum(np.random.default_rng(seed).normal(0, 1, n))


def seed_sine(n=10000, seed=0):
    t = np.arange(n) * 0.1
    return np.sin(t) + np.random.default_rng(seed).normal(0, 0.1, n)


#: name -> (values, window length)
def series(quick: bool) -> dict:
    scale = 4 if quick else 1
    return {
        "trend + season": (trend_season(), 24),
        "exponential": (exponential(1000 // scale), 12),
        "random walk": (random_walk(1000 // scale), 12),
        "seed sine": (seed_sine(10000 // (5 * scale if quick else 1)), 10),
    }


def rmse(pred, actual) -> float:
    return float(np.sqrt(np.mean((np.asarray(pred) - actual) ** 2)))


def split(values, window):
    from Orange.data import ContinuousVariable, Domain, Table
    from orangecontrib.recurrent.windowing import (
        chronological_split, make_windows,
    )
    table = Table.from_numpy(Domain([ContinuousVariable("y")]),
                             np.asarray(values, float)[:, None])
    return chronological_split(make_windows(table, window), 0.2)


def run(quick: bool) -> dict:
    import torch
    torch.set_num_threads(1)
    from Orange.regression import LinearRegressionLearner, NNRegressionLearner
    from orangecontrib.recurrent.learner import RecurrentLearner

    epochs = 3 if quick else 20
    # a first fit pays torch's one-time costs outside the timings
    warm_train, _ = split(seed_sine(300), 10)
    RecurrentLearner(hidden_size=4, epochs=1)(warm_train)
    RecurrentLearner(cell="gru", hidden_size=4, epochs=1)(warm_train)
    results = {}
    for name, (values, window) in series(quick).items():
        train, test = split(values, window)
        row = {"rows": [len(train), len(test)],
               "test above training max": float(
                   np.mean(test.Y > train.Y.max()))}
        row["naive last value"] = {"rmse": rmse(test.X[:, -1], test.Y)}
        row["linear regression"] = {
            "rmse": rmse(LinearRegressionLearner()(train)(test), test.Y)}
        nn = NNRegressionLearner(random_state=0,
                                 max_iter=50 if quick else 200)
        row["neural network (Orange)"] = {"rmse": rmse(nn(train)(test),
                                                       test.Y)}
        for cell in ("lstm", "gru"):
            for mode in ("global", "relative", "auto"):
                learner = RecurrentLearner(cell=cell, epochs=epochs,
                                           normalization=mode)
                start = time.process_time()
                model = learner(train)
                seconds = time.process_time() - start
                row[f"{cell.upper()} {mode}"] = {
                    "rmse": rmse(model(test), test.Y),
                    "cpu_s": seconds, "used": model.normalization_used,
                    "reason": model.normalization_reason,
                    "epochs": model.epochs_trained}
        results[name] = row
        print(f"done: {name}", file=sys.stderr, flush=True)
    return results


MODELS = ("naive last value", "linear regression", "neural network (Orange)",
          "LSTM global", "LSTM relative", "LSTM auto",
          "GRU global", "GRU relative", "GRU auto")


def report(results: dict) -> str:
    names = list(results)
    lines = ["1-step test RMSE on the last 20% of the windows "
             "(auto: the mode it chose)", "",
             "| model | " + " | ".join(names) + " |",
             "|---|" + "---:|" * len(names)]
    for model in MODELS:
        cells = []
        for name in names:
            entry = results[name][model]
            cell = f"{entry['rmse']:.4f}"
            if model.endswith("auto"):
                cell += f" ({entry['used']})"
            cells.append(cell)
        lines.append(f"| {model} | " + " | ".join(cells) + " |")
    lines += ["", "Training CPU seconds (one thread; auto trains a second, "
              "relative, network only when the global one does not clearly "
              "beat the naive last value on the validation tail)", "",
              "| model | " + " | ".join(names) + " |",
              "|---|" + "---:|" * len(names)]
    for model in MODELS[3:]:
        lines.append(f"| {model} | " + " | ".join(
            f"{results[n][model]['cpu_s']:.1f}" for n in names) + " |")
    lines += ["", "Bars"]
    trend = results.get("trend + season")
    if trend:
        for cell in ("LSTM", "GRU"):
            auto = trend[f"{cell} auto"]["rmse"]
            naive = trend["naive last value"]["rmse"]
            linear = trend["linear regression"]["rmse"]
            lines.append(
                f"- trend + season, {cell} auto: {100 * (1 - auto / naive):.0f}"
                f"% below the naive last value (bar: >= 30%), "
                f"x{auto / linear:.3f} of linear regression (bar: <= x1.10)")
    sine = results.get("seed sine")
    if sine:
        for cell in ("LSTM", "GRU"):
            ratio = sine[f"{cell} auto"]["rmse"] / sine[f"{cell} global"][
                "rmse"]
            lines.append(f"- seed sine, {cell} auto / global RMSE: "
                         f"x{ratio:.4f} (bar: <= x1.02)")
    lines += ["", "auto's reasons:"]
    for name in names:
        for cell in ("LSTM", "GRU"):
            lines.append(f"- {name}, {cell}: "
                         f"{results[name][f'{cell} auto']['reason']}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="short series and 3 epochs: a smoke test")
    parser.add_argument("--json", help="write the results to this file")
    args = parser.parse_args(argv)
    results = run(args.quick)
    print(report(results))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
