"""Benchmark forecasters 1..12 steps ahead on the shipped series (issue 17).

Series (orangecontrib/recurrent/datasets): airline passengers (144 months,
windows of 12), sunspots (309 years, windows of 11), Nile flow (100 years,
windows of 10). The last 20% of the windows (counted for window + 12) is
held out; every model forecasts 1..12 steps from each origin of that part
with :func:`orangecontrib.recurrent.backtest`, so all are scored on the
same origins and values:

- naive: the last observed value for every step;
- linear regression (Orange) on the lags, recursive;
- LSTM recursive: RecurrentLearner on horizon-1 windows, rolled forward;
- LSTM direct: RecurrentLearner on direct windows (12 targets, one network
  with 12 outputs);
- ARIMA (orange3-timeseries), parameters estimated on the rows before the
  first origin and re-filtered at each origin (statsmodels ``apply``); and
  the same ARIMA refitted at every origin, to measure what honesty costs.

Both LSTMs: 32 units, up to 100 epochs, batch 8, learning rate 0.01,
relative normalization, validation tail 10%, patience 10; seeds 0, 1, 2
(RMSE is the mean over seeds, with min-max). CPU seconds: fitting (for
ARIMA, its whole backtest), one torch thread.

Run ``python benchmarks/bench_forecasters.py`` (a few minutes) or with
``--quick`` (airline only, one seed, 5 epochs) for a smoke test; ``--json
PATH`` writes the results.
"""
import argparse
import json
import os
import sys
import time
import warnings

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

STEPS = 12
SHOWN = (1, 2, 3, 6, 9, 12)
#: dataset -> (window length, ARIMA order)
SERIES = {"airpassengers": (12, (12, 1, 0)),
          "sunspots": (11, (9, 0, 0)),
          "nile": (10, (1, 1, 1))}


def cpu():
    return time.process_time()


def lstm(seed: int, epochs: int, name: str):
    from orangecontrib.recurrent import RecurrentLearner
    return RecurrentLearner(hidden_size=32, epochs=epochs, batch_size=8,
                            learning_rate=0.01, normalization="relative",
                            patience=10, random_state=seed, device="cpu",
                            name=name)


def naive_rmse(result) -> np.ndarray:
    """RMSE of the last observed value, on the backtest's origins."""
    actual = result.actual[0]
    # The origin's own value: the step-1 actual of the origin before it.
    last = np.r_[np.nan, actual[:-1, 0]]
    errors = actual - last[:, None]
    errors[0] = np.nan
    return np.sqrt(np.nanmean(errors ** 2, axis=0))


def one_series(name: str, seeds, epochs: int) -> dict:
    from Orange.regression import LinearRegressionLearner
    from orangecontrib.recurrent import backtest, chronological_split, \
        make_windows
    from orangecontrib.recurrent.datasets import load
    from orangecontrib.timeseries import ARIMA
    window, order = SERIES[name]
    data = load(name)
    test = 0.2
    train1, _ = chronological_split(make_windows(data, window), test)
    trainh, _ = chronological_split(
        make_windows(data, window, horizon=STEPS, direct=True), test)
    rows = {}
    start = cpu()
    linear = LinearRegressionLearner()(train1)
    linear_cpu = cpu() - start
    arima = ARIMA(order)
    arima.name = f"ARIMA{order}"
    recursive, direct, fit_cpu = [], [], {"recursive": [], "direct": []}
    for seed in seeds:
        start = cpu()
        recursive.append(lstm(seed, epochs, "LSTM recursive")(train1))
        fit_cpu["recursive"].append(cpu() - start)
        start = cpu()
        direct.append(lstm(seed, epochs, "LSTM direct")(trainh))
        fit_cpu["direct"].append(cpu() - start)
    # The held-out part is counted for window + 12 (the direct model's).
    result = backtest([linear, direct[0]], data, steps=STEPS,
                      test_size=test)
    rows["naive"] = dict(rmse=naive_rmse(result), cpu=0.0)
    rows["linear regression"] = dict(rmse=result.rmse[0], cpu=linear_cpu)
    n_test = len(result.times)
    for label, models in (("LSTM recursive", recursive),
                          ("LSTM direct", direct)):
        scores = backtest(models, data, steps=STEPS, test_size=n_test).rmse
        key = label.split()[1]
        rows[label] = dict(rmse=scores.mean(axis=0), low=scores.min(axis=0),
                           high=scores.max(axis=0),
                           cpu=float(np.mean(fit_cpu[key])))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for refit in (False, True):
            start = cpu()
            tested = backtest(arima, data, steps=STEPS, test_size=n_test,
                              refit=refit)
            label = f"ARIMA{order} " + ("refit" if refit else "re-filtered")
            share, _ = tested.achieved_coverage()
            rows[label] = dict(rmse=tested.rmse[0], cpu=cpu() - start,
                               coverage=share[0])
    for label in rows:
        rows[label]["origins"] = n_test
    return rows


def table(name: str, rows: dict) -> str:
    head = " | ".join(f"h={s}" for s in SHOWN)
    lines = [f"### {name} ({next(iter(rows.values()))['origins']} origins)",
             "", f"| model | {head} | mean 1..12 | fit CPU s |",
             "|---" * (len(SHOWN) + 3) + "|"]
    for label, row in rows.items():
        rmse = row["rmse"]
        cells = []
        for s in SHOWN:
            cell = f"{rmse[s - 1]:.1f}"
            if "low" in row:
                cell += f" ({row['low'][s - 1]:.0f}-{row['high'][s - 1]:.0f})"
            cells.append(cell)
        lines.append(f"| {label} | " + " | ".join(cells)
                     + f" | {np.nanmean(rmse):.1f} | {row['cpu']:.2f} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", metavar="PATH")
    args = parser.parse_args(argv)
    import torch
    torch.set_num_threads(1)
    names = ["airpassengers"] if args.quick else list(SERIES)
    seeds = [0] if args.quick else [0, 1, 2]
    epochs = 5 if args.quick else 100
    results = {}
    for name in names:
        rows = one_series(name, seeds, epochs)
        results[name] = rows
        print(table(name, rows), flush=True)
        print()
        for label, row in rows.items():
            if "coverage" in row:
                print(f"{label}: 90% interval coverage per step "
                      + " ".join(f"{c:.2f}" for c in row["coverage"]))
        print()
    if args.json:
        with open(args.json, "w") as f:
            json.dump({n: {label: {k: np.asarray(v).tolist()
                                   for k, v in row.items()}
                           for label, row in rows.items()}
                       for n, rows in results.items()}, f, indent=1)


if __name__ == "__main__":
    main()
