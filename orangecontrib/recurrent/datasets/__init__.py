"""Small series shipped with the add-on, and two generated ones.

Every loader returns an Orange :class:`~Orange.data.Table` with rows in time
order. Real series carry their dates in a :class:`~Orange.data.TimeVariable`
meta column (Windowing finds it there); their sources and licences are in
``README.md`` beside this file. Nothing is downloaded.

- :func:`sine_with_noise` -- the classroom series sin(t) + N(0, noise^2).
- :func:`load` -- ``"sunspots"``, ``"airpassengers"`` or ``"nile"``.
- :func:`cylinder_bell_funnel` -- labelled shapes, one whole sequence per
  row, for sequence classification (Saito 1994).
- :func:`adding_problem` -- a long-memory task (two channels, the target is
  the sum of two marked values); in :mod:`.memory`.

This module imports neither Qt nor torch.
"""
import csv
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Dict

import numpy as np

from Orange.data import (
    ContinuousVariable, DiscreteVariable, Domain, Table, TimeVariable,
)

from orangecontrib.recurrent.datasets.memory import (
    adding_problem, ADDING_BASELINE_MSE,
)

__all__ = ["sine_with_noise", "cylinder_bell_funnel", "adding_problem",
           "ADDING_BASELINE_MSE", "load", "DATASETS", "DatasetInfo", "SHAPES"]

DIR = os.path.dirname(os.path.abspath(__file__))

#: Class values of :func:`cylinder_bell_funnel`, in this order.
SHAPES = ("cylinder", "bell", "funnel")


def sine_with_noise(length: int = 10000, noise: float = 0.1, seed: int = 0,
                    step: float = 0.1) -> Table:
    """The classroom series: y = sin(t) + N(0, noise^2), t = 0, step, ...

    With the defaults, t = 0, 0.1, ..., 999.9 (10,000 points, a period every
    ~63 points). The noise comes from ``numpy.random.default_rng(seed)``, so
    a seed gives the same series on every machine.

    Returns
    -------
    Table
        Attribute ``y``; meta ``t`` (the argument of the sine).
    """
    t = np.arange(length) * step
    rng = np.random.default_rng(seed)
    y = np.sin(t) + rng.normal(0, noise, length)
    domain = Domain([ContinuousVariable("y")],
                    metas=[ContinuousVariable("t", number_of_decimals=1)])
    table = Table.from_numpy(domain, y.reshape(-1, 1),
                             metas=t.reshape(-1, 1).astype(object))
    table.name = "Sine with noise"
    return table


def cylinder_bell_funnel(per_class: int = 100, length: int = 128,
                         seed: int = 0) -> Table:
    """Cylinder-bell-funnel shapes (Saito 1994), one whole sequence per row.

    For each sequence, a ~ U{16..32}, b = a + U{32..96} (scaled to `length`
    when it is not 128), eta ~ N(0, 1) and e(t) ~ N(0, 1); on [a, b] the
    cylinder is a plateau 6 + eta, the bell rises linearly to it and the
    funnel falls linearly from it; outside [a, b] there is noise only.
    Rows are shuffled (with the same seed) so that any split sees all
    classes.

    Returns
    -------
    Table
        Attributes ``t1`` ... ``t<length>`` in time order (no window
        metadata: the recurrent learner reads each row as one sequence);
        class ``shape`` with values cylinder, bell, funnel.
    """
    rng = np.random.default_rng(seed)
    scale = length / 128
    n = per_class * len(SHAPES)
    X = rng.normal(0, 1, (n, length))
    y = np.repeat(np.arange(len(SHAPES)), per_class)
    t = np.arange(length)
    for row, shape in enumerate(y):
        a = int(round(rng.integers(16, 33) * scale))
        b = min(a + int(round(rng.integers(32, 97) * scale)), length - 1)
        height = 6 + rng.normal(0, 1)
        inside = (t >= a) & (t <= b)
        ramp = (t - a) / (b - a)
        profile = (np.ones(length), ramp, 1 - ramp)[shape]
        X[row] += height * inside * profile
    order = rng.permutation(n)
    domain = Domain(
        [ContinuousVariable(f"t{i + 1}") for i in range(length)],
        DiscreteVariable("shape", values=SHAPES))
    table = Table.from_numpy(domain, X[order], y[order].astype(float))
    table.name = "Cylinder-bell-funnel"
    return table


def _timestamp(text: str) -> float:
    """Seconds since the epoch (UTC) of '1949-01' or '1700'."""
    parts = [int(p) for p in text.split("-")] + [1, 1]
    return datetime(parts[0], parts[1], parts[2],
                    tzinfo=timezone.utc).timestamp()


def _load_csv(filename: str, time_name: str, value_name: str,
              title: str) -> Table:
    with open(os.path.join(DIR, filename), newline="",
              encoding="utf-8") as f:
        rows = list(csv.reader(f))[1:]
    times = np.array([_timestamp(r[0]) for r in rows])
    values = np.array([float(r[1]) for r in rows])
    time_var = TimeVariable(time_name, have_date=1)
    domain = Domain([ContinuousVariable(value_name)], metas=[time_var])
    table = Table.from_numpy(domain, values.reshape(-1, 1),
                             metas=times.reshape(-1, 1).astype(object))
    table.name = title
    return table


@dataclass(frozen=True)
class DatasetInfo:
    """A series the Sample Series widget offers."""
    title: str
    description: str
    loader: Callable[[], Table]


#: Shipped real series by key, in the order the widget lists them.
DATASETS: Dict[str, DatasetInfo] = {
    "sunspots": DatasetInfo(
        "Sunspots (yearly, 1700-2008)",
        "Yearly mean sunspot numbers (309 years, an ~11-year cycle); "
        "NOAA NGDC, public domain.",
        lambda: _load_csv("sunspots.csv", "Year", "Sunspots", "Sunspots")),
    "airpassengers": DatasetInfo(
        "Airline passengers (monthly, 1949-1960)",
        "International airline passengers in thousands (144 months, trend "
        "and yearly season); Box & Jenkins.",
        lambda: _load_csv("airpassengers.csv", "Month", "Passengers",
                          "Airline passengers")),
    "nile": DatasetInfo(
        "Nile flow (yearly, 1871-1970)",
        "Annual flow of the Nile at Aswan, 10^8 m^3 (100 years, a level "
        "shift near 1898); public domain.",
        lambda: _load_csv("nile.csv", "Year", "Flow", "Nile")),
}


def load(name: str) -> Table:
    """One of the shipped real series by key (see :data:`DATASETS`)."""
    try:
        return DATASETS[name].loader()
    except KeyError:
        raise ValueError(f"no dataset {name!r}; choose one of "
                         + ", ".join(DATASETS)) from None
