"""How long does the LSTM/GRU widget keep Orange's event loop from turning?

The classroom task: sin(t) + N(0, 0.1) over t = 0, 0.1, ..., 999.9 (10,000
points), windows of 10, an LSTM with 50 units, batch 32, the widget's other
defaults (10% validation tail, early stopping after 5 epochs). The widget runs
offscreen in a real Qt event loop. A 5 ms QTimer ticks all the while; the
longest gap between two ticks, less the 5 ms, is the longest time the GUI
could not react (a click, a repaint). The goal is < 100 ms.

Three phases, one process:

- ``create``: constructing the widget and its first apply (no data yet).
- ``cold``: the first training, which imports torch in the worker thread.
- ``warm``: a second training (a new seed), torch already loaded.

Run ``python benchmarks/bench_gui_responsiveness.py`` (about a minute per
epoch count on two cores) or ``--quick`` for a smoke test on a tiny series;
``--threads N`` sets torch's intra-op threads before training (default:
torch's own choice).
"""
import argparse
import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

TICK_MS = 5


def classroom_table(n):
    from Orange.data import ContinuousVariable, Domain, Table
    t = np.arange(n) * 0.1
    values = np.sin(t) + np.random.default_rng(0).normal(0, 0.1, n)
    return Table.from_numpy(Domain([ContinuousVariable("y")]),
                            values[:, None])


class TickRecorder:
    """Records the time of every turn of a QTimer while the loop runs."""

    def __init__(self):
        from AnyQt.QtCore import QTimer
        self.times = []
        self.timer = QTimer(interval=TICK_MS)
        self.timer.timeout.connect(self._tick)

    def _tick(self):
        self.times.append(time.perf_counter())

    def run_until(self, done, timeout):
        """Run a nested event loop until ``done()``; return the gaps (s)."""
        from AnyQt.QtCore import QEventLoop, QTimer
        loop = QEventLoop()
        check = QTimer(interval=20)
        start = time.perf_counter()

        def poll():
            if done() or time.perf_counter() - start > timeout:
                loop.quit()

        check.timeout.connect(poll)
        self.times = [time.perf_counter()]
        self.timer.start()
        check.start()
        loop.exec()
        self.timer.stop()
        check.stop()
        self._tick()
        return np.diff(self.times)


def summarize(gaps):
    gaps_ms = 1000 * np.asarray(gaps)
    return dict(ticks=int(len(gaps_ms)),
                longest_gap_ms=float(gaps_ms.max()),
                longest_stall_ms=float(max(0.0, gaps_ms.max() - TICK_MS)),
                p99_gap_ms=float(np.percentile(gaps_ms, 99)),
                median_gap_ms=float(np.median(gaps_ms)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="tiny series and one epoch (smoke test)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0,
                        help="torch.set_num_threads before training (0: "
                             "leave torch's default)")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)
    n_points = 400 if args.quick else 10000
    hidden = 8 if args.quick else 50
    epochs = 1 if args.quick else args.epochs

    from AnyQt.QtWidgets import QApplication
    app = QApplication.instance() or QApplication(["bench"])
    from orangecontrib.recurrent.windowing import (
        chronological_split, make_windows,
    )
    from orangecontrib.recurrent.widgets.owrecurrentlearner import (
        OWRecurrentLearner,
    )
    train, _ = chronological_split(make_windows(classroom_table(n_points),
                                                10), 0.2)
    recorder = TickRecorder()
    results = dict(points=n_points, train_windows=len(train), hidden=hidden,
                   batch=32, epochs=epochs, tick_ms=TICK_MS)

    # Phase 1: the widget appears on the canvas (and applies once).
    torch_before = "torch" in sys.modules
    start = time.perf_counter()
    widget = OWRecurrentLearner()
    widget.hidden_size, widget.epochs, widget.batch_size = hidden, epochs, 32
    widget.fixed_epochs = True  # the epochs asked for, not sized to the data
    widget.settings_changed()
    app.processEvents()
    results["create_s"] = time.perf_counter() - start
    results["create_imports_torch"] = \
        not torch_before and "torch" in sys.modules

    import torch
    if args.threads:
        torch.set_num_threads(args.threads)
    results["torch_threads"] = torch.get_num_threads()
    results["cpus"] = os.cpu_count()

    def train_once(seed):
        widget.random_seed = seed
        widget.settings_changed()
        widget.set_data(train)
        widget.handleNewSignals()
        assert widget.task is not None, "training did not start"
        started = time.perf_counter()
        gaps = recorder.run_until(lambda: widget.task is None,
                                  timeout=3600)
        seconds = time.perf_counter() - started
        model = widget.model
        assert model is not None, widget.Error.active
        return dict(summarize(gaps), seconds=seconds,
                    epochs_trained=model.epochs_trained,
                    seconds_per_epoch=seconds / model.epochs_trained,
                    final_train_loss=model.history[-1].train_loss)

    results["cold"] = train_once(0)
    results["warm"] = train_once(1)
    widget.onDeleteWidget()

    print(f"Seed task: {n_points} points, {len(train)} training windows, "
          f"window 10, LSTM {hidden}, batch 32, {epochs} epochs; torch "
          f"threads {results['torch_threads']} on {results['cpus']} CPUs.")
    print(f"create: {results['create_s']:.2f} s in the GUI thread "
          f"(imports torch: {results['create_imports_torch']})")
    print(f"{'phase':<6} {'train s':>8} {'s/epoch':>8} {'ticks':>6} "
          f"{'median ms':>10} {'p99 ms':>8} {'longest ms':>11}")
    for phase in ("cold", "warm"):
        r = results[phase]
        print(f"{phase:<6} {r['seconds']:8.2f} {r['seconds_per_epoch']:8.2f} "
              f"{r['ticks']:6d} {r['median_gap_ms']:10.1f} "
              f"{r['p99_gap_ms']:8.1f} {r['longest_gap_ms']:11.1f}")
    worst = max(results[p]["longest_stall_ms"] for p in ("cold", "warm"))
    print(f"longest stall (gap - {TICK_MS} ms tick): {worst:.1f} ms; "
          f"goal < 100 ms: {'met' if worst < 100 else 'NOT met'}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=2)
    return results


if __name__ == "__main__":
    main()
