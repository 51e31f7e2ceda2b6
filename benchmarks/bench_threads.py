"""Torch threads for training in the widget, with and without load.

The same fit (RecurrentLearner, LSTM, hidden 50, the classroom sine cut
into windows of 20, seed 0, fixed epochs, no early stopping) runs in a fresh
subprocess per measurement with ``torch.set_num_threads(n)`` for n = 1 and
n = the machine's cores (torch's default), once on the machine as it is
and once beside a load of busy-looping processes, one per core (what a
second program, or the canvas' other widgets, do to a training run). Runs
are interleaved and repeated; the table gives the median wall and CPU
seconds (the child's user + system time, all threads) side by side.

Run ``nice python benchmarks/bench_threads.py`` (a few minutes) or with
``--quick`` for a smoke test on tiny sizes.
"""
import argparse
import json
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CHILD = """
import os, resource, sys, time
sys.path.insert(0, {root!r})
import torch
torch.set_num_threads({threads})
from orangecontrib.recurrent import RecurrentLearner, make_windows
from orangecontrib.recurrent.datasets import sine_with_noise
windows = make_windows(sine_with_noise(length={points}), 20)
learner = RecurrentLearner(hidden_size=50, epochs={epochs}, patience=None,
                           validation_size=0, random_state=0, device="cpu")
start, r0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
learner(windows)
r1 = resource.getrusage(resource.RUSAGE_SELF)
print(time.perf_counter() - start,
      r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
"""


def _spin(stop_at: float):
    while time.time() < stop_at:
        pass


def fit(threads: int, points: int, epochs: int, timeout: float) -> tuple:
    """(wall s, CPU s) of one fit in a fresh process with ``threads``;
    (inf, nan) when it did not finish within ``timeout`` seconds."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    try:
        out = subprocess.run(
            [sys.executable, "-c", CHILD.format(
                root=ROOT, threads=threads, points=points, epochs=epochs)],
            capture_output=True, text=True, check=True, env=env,
            timeout=timeout).stdout
    except subprocess.TimeoutExpired:
        return float("inf"), float("nan")
    wall, cpu = out.split()[-2:]
    return float(wall), float(cpu)


def measure(threads: int, load: int, points: int, epochs: int,
            timeout: float) -> tuple:
    """One fit, beside ``load`` busy processes (0: none)."""
    stop_at = time.time() + 3600
    spinners = [multiprocessing.Process(target=_spin, args=(stop_at,),
                                        daemon=True) for _ in range(load)]
    for proc in spinners:
        proc.start()
    try:
        return fit(threads, points, epochs, timeout)
    finally:
        for proc in spinners:
            proc.terminate()
            proc.join()


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", metavar="PATH")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=300,
                        help="give up on a fit after this many seconds")
    args = parser.parse_args(argv)
    points, epochs, repeats = (300, 1, 1) if args.quick \
        else (1500, 2, args.repeats)
    cores = os.cpu_count() or 1
    thread_counts = sorted({1, cores})
    loads = (0, cores)
    results = {}
    load_before = os.getloadavg()[0]
    for _ in range(repeats):
        for load in loads:
            for threads in thread_counts:
                results.setdefault(f"{threads},{load}", []).append(
                    measure(threads, load, points, epochs, args.timeout))
    print(f"{cores} cores; load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after; {points} points, window 20, "
          f"hidden 50, {epochs} epochs, median of {repeats}; a fit stopped "
          f"after {args.timeout:g} s shows as inf")
    print("| torch threads | extra load | wall s | CPU s | wall vs 1 thread |")
    print("|---|---|---|---|---|")
    table = {}
    for load in loads:
        base = statistics.median(w for w, _ in results[f"1,{load}"])
        for threads in thread_counts:
            runs = results[f"{threads},{load}"]
            wall = statistics.median(w for w, _ in runs)
            cpu = statistics.median(c for _, c in runs)
            table[f"{threads},{load}"] = {"wall": wall, "cpu": cpu}
            print(f"| {threads} | {load} busy processes | {wall:.2f} | "
                  f"{cpu:.2f} | x{wall / base:.2f} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"cores": cores, "table": table,
                       "runs": results}, f, indent=1)


if __name__ == "__main__":
    main()
