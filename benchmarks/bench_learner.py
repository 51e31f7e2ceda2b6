"""Benchmark the recurrent learner on the classroom task (issue 3's bars).

The task: sin(t) + N(0, 0.1) over t = 0, 0.1, ..., 999.9 (10,000 points),
min-max scaled, windows of 10, the last 20% of the windows held out. Compared
in one process with one torch thread:

- naive last value, Orange's linear regression on the lags, Orange's Neural
  Network (scikit-learn's MLP), a plain PyTorch loop (the same LSTM, data,
  epochs and batch; whole tensors, shuffled index batches), and
  RecurrentLearner;
- speed: seconds per epoch of RecurrentLearner (validation_size=0, patience
  off, so that the work equals the plain loop's) over the plain loop's,
  measured interleaved;
- accuracy: test RMSE, median over seeds 0-2, at 20 epochs.

A second part measures peak memory (ru_maxrss) of make_windows + one epoch on a
1,000,000-point series with window 50, in a fresh subprocess.

Run ``python benchmarks/bench_learner.py`` (a few minutes) or with ``--quick``
for a smoke test on tiny sizes.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def classroom_series(n=10000, noise=0.1, seed=0):
    t = np.arange(n) * 0.1
    values = np.sin(t) + np.random.default_rng(seed).normal(0, noise, n)
    return (values - values.min()) / (values.max() - values.min())


def windows(n, window):
    from Orange.data import ContinuousVariable, Domain, Table
    from orangecontrib.recurrent import chronological_split, make_windows
    values = classroom_series(n)
    table = Table.from_numpy(Domain([ContinuousVariable("y")]),
                             values[:, None])
    return chronological_split(make_windows(table, window), 0.2)


def rmse(pred, actual):
    return float(np.sqrt(np.mean((np.asarray(pred) - actual) ** 2)))


class PlainLoop:
    """What one would write by hand: the same LSTM + linear head, Adam, MSE,
    whole tensors, a shuffled permutation sliced into batches."""

    def __init__(self, hidden=50, lr=1e-3, batch=32, seed=0):
        import torch
        from torch import nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.rnn = nn.LSTM(1, hidden, batch_first=True)
                self.head = nn.Linear(hidden, 1)

            def forward(self, x):
                _, (h, _) = self.rnn(x)
                return self.head(h[-1])

        torch.manual_seed(seed)
        self.torch, self.net = torch, Net()
        self.lr, self.batch, self.seed = lr, batch, seed

    def fit(self, X, y, epochs):
        torch = self.torch
        X = torch.as_tensor(X, dtype=torch.float32)[:, :, None]
        y = torch.as_tensor(y, dtype=torch.float32)[:, None]
        optimizer = torch.optim.Adam(self.net.parameters(), lr=self.lr)
        loss_fn = torch.nn.MSELoss()
        generator = torch.Generator().manual_seed(self.seed)
        for _ in range(epochs):
            order = torch.randperm(len(X), generator=generator)
            for start in range(0, len(X), self.batch):
                index = order[start:start + self.batch]
                optimizer.zero_grad()
                loss = loss_fn(self.net(X[index]), y[index])
                loss.backward()
                optimizer.step()
        return self

    def predict(self, X):
        torch = self.torch
        with torch.no_grad():
            X = torch.as_tensor(X, dtype=torch.float32)[:, :, None]
            return self.net(X)[:, 0].numpy()


def learner(**kwargs):
    from orangecontrib.recurrent import RecurrentLearner
    return RecurrentLearner(**{"hidden_size": 50, "batch_size": 32,
                               "learning_rate": 1e-3, "device": "cpu",
                               **kwargs})


def time_per_epoch(fit, epochs):
    """(wall seconds, this process's CPU seconds) per epoch. With one torch
    thread the CPU time is the work itself, and it is steadier than the
    wall time when others share the machine."""
    wall, cpu = time.perf_counter(), time.process_time()
    fit()
    return ((time.perf_counter() - wall) / epochs,
            (time.process_time() - cpu) / epochs)


def speed(train, epochs, repeats):
    """Seconds per epoch, plain loop vs learner (with and without clipping),
    interleaved so that machine noise falls on all alike; ratios are the
    median of each round's ratio to that round's plain loop."""
    equal = dict(validation_size=0, patience=None)
    # Warm up torch's kernels and allocator first, outside the clock.
    PlainLoop().fit(train.X[:256], train.Y[:256], 1)
    learner(epochs=1, **equal)(train[:256])
    runs = {"plain loop": [], "learner": [], "learner, clip_norm=1": []}
    for r in range(repeats):
        runs["plain loop"].append(time_per_epoch(
            lambda: PlainLoop(seed=r).fit(train.X, train.Y, epochs), epochs))
        runs["learner"].append(time_per_epoch(
            lambda: learner(epochs=epochs, random_state=r, **equal)(train),
            epochs))
        runs["learner, clip_norm=1"].append(time_per_epoch(
            lambda: learner(epochs=epochs, random_state=r, clip_norm=1.0,
                            **equal)(train), epochs))
    plain = runs["plain loop"]

    def summary(times, which):
        ratios = [t[which] / p[which] for t, p in zip(times, plain)]
        return {"s_per_epoch": statistics.median(t[which] for t in times),
                "ratio": statistics.median(ratios), "ratios": ratios}

    return {name: {"wall": summary(times, 0), "cpu": summary(times, 1)}
            for name, times in runs.items()}


def accuracy(train, test, epochs, seeds):
    from Orange.regression import LinearRegressionLearner, NNRegressionLearner
    rows = {}
    rows["naive last value"] = [rmse(test.X[:, -1], test.Y)]
    rows["linear regression (Orange)"] = [
        rmse(LinearRegressionLearner()(train)(test), test.Y)]
    rows["Neural Network (Orange, defaults)"] = [
        rmse(NNRegressionLearner(random_state=s)(train)(test), test.Y)
        for s in seeds]
    rows["plain PyTorch loop"] = [
        rmse(PlainLoop(seed=s).fit(train.X, train.Y, epochs)
             .predict(test.X), test.Y) for s in seeds]
    rows["RecurrentLearner, defaults"] = [
        rmse(learner(epochs=epochs, random_state=s)(train)(test), test.Y)
        for s in seeds]
    rows["RecurrentLearner, no validation tail"] = [
        rmse(learner(epochs=epochs, random_state=s, validation_size=0,
                     patience=None)(train)(test), test.Y)
        for s in seeds]
    return {name: {"median": statistics.median(v), "runs": v}
            for name, v in rows.items()}


def _vm_hwm_mb():
    """This process's own peak RSS (Linux's VmHWM), for a cross-check."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def memory_child(n, window):
    """make_windows + one epoch on n points; prints peak RSS in MB."""
    import torch
    torch.set_num_threads(1)
    from Orange.data import ContinuousVariable, Domain, Table
    from orangecontrib.recurrent import RecurrentLearner, make_windows
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    values = classroom_series(n)
    table = Table.from_numpy(Domain([ContinuousVariable("y")]),
                             values[:, None])
    data = make_windows(table, window)
    del table
    # The learner's defaults (LSTM 50, batch 32, a validation tail), 1 epoch.
    model = RecurrentLearner(epochs=1, device="cpu")(data)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"points": n, "window": window,
                      "imports_mb": round(baseline),
                      "peak_mb": round(peak),
                      "vmhwm_mb": round(_vm_hwm_mb()),
                      "data_mb": round(data.X.nbytes / 2 ** 20),
                      "epochs": model.epochs_trained}))


def memory(n, window):
    """Run memory_child in a fresh interpreter. Call it while this process is
    still small: Linux carries a parent's peak RSS over fork + exec into the
    child's ru_maxrss, so a child started from a process that has imported
    torch and Orange would report at least the parent's size."""
    out = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(n), str(window)],
        capture_output=True, text=True, check=True,
        env=dict(os.environ, OMP_NUM_THREADS="1"))
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes, to check that it runs")
    parser.add_argument("--memory-child", nargs=2, type=int,
                        help=argparse.SUPPRESS)
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    if args.memory_child:
        memory_child(*args.memory_child)
        return

    if args.quick:
        n, epochs, seeds, repeats, mem = 600, 2, [0], 1, (5000, 50)
    else:
        n, epochs, seeds, repeats, mem = 10000, 20, [0, 1, 2], 5, \
            (1_000_000, 50)
    results = {"memory": memory(*mem)}  # first, see memory()
    import torch
    torch.set_num_threads(1)
    train, test = windows(n, 10)
    results["speed"] = speed(train, 2 if args.quick else 3, repeats)
    results["accuracy"] = accuracy(train, test, epochs, seeds)

    print(f"Speed (seconds per epoch, {len(train)} training windows, "
          "median of interleaved runs)")
    for name, row in results["speed"].items():
        wall, cpu = row["wall"], row["cpu"]
        print(f"  {name:22s} wall {wall['s_per_epoch']:.3f} s "
              f"x{wall['ratio']:.3f} | CPU {cpu['s_per_epoch']:.3f} s "
              f"x{cpu['ratio']:.3f} of the plain loop")
    print(f"Test RMSE on the last 20% ({len(test)} windows), "
          f"median over seeds {seeds}, {epochs} epochs")
    for name, row in results["accuracy"].items():
        runs = ", ".join(f"{v:.4f}" for v in row["runs"])
        print(f"  {name:46s} {row['median']:.4f}   ({runs})")
    m = results["memory"]
    print(f"Memory: make_windows + one epoch, {m['points']:,} points, window "
          f"{m['window']}: peak RSS {m['peak_mb']} MB (VmHWM "
          f"{m['vmhwm_mb']} MB; imports alone {m['imports_mb']} MB, window "
          f"table X {m['data_mb']} MB)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
