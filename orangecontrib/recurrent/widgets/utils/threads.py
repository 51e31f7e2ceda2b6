"""How many threads torch uses when the LSTM/GRU widget trains.

torch's default (one intra-op thread per core) lets a small recurrent
network fight the canvas, the other widgets and the rest of the machine for
every core; on a busy 2-core machine the same fit took 5-7 s or 104-162 s.
The rule, measured in benchmarks/README-threads.md:

- ``OMP_NUM_THREADS`` set in the environment: the user's choice, kept
  (torch reads it at start-up); nothing is changed;
- otherwise 1 thread on machines with at most 2 cores, else half the cores,
  at most 4 (recurrent steps are small matrix products that gain little
  from more threads).

This is the application's choice, made by the widget in its worker; the
library (RecurrentLearner) never changes torch's threads.
"""
import os
from typing import Mapping, Optional

__all__ = ["training_threads", "apply_thread_policy"]

MAX_THREADS = 4


def training_threads(cores: Optional[int] = None,
                     environ: Optional[Mapping[str, str]] = None
                     ) -> Optional[int]:
    """The number of torch threads for training in the widget, or None to
    leave torch as it is (``OMP_NUM_THREADS`` is set)."""
    environ = os.environ if environ is None else environ
    if environ.get("OMP_NUM_THREADS"):
        return None
    cores = (os.cpu_count() or 1) if cores is None else cores
    if cores <= 2:
        return 1
    return min(MAX_THREADS, cores // 2)


def apply_thread_policy() -> Optional[int]:
    """Set torch's intra-op threads by :func:`training_threads`; returns the
    number set, or None when left alone. Imports torch: call it where a
    model is about to train (the widget's worker), not at import."""
    threads = training_threads()
    if threads is not None:
        import torch  # pylint: disable=import-outside-toplevel
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
    return threads
