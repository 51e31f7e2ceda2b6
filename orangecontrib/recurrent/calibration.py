"""Forecast intervals on the held-out part, and how often they held.

A window model's band is its forecast plus quantiles of its own held-out
errors. Measuring its coverage on the very errors the quantiles came from
would give the nominal value by construction, so the bands scored here are
the ones a forecaster would have had at each origin: quantiles of the
errors already observed then (for step s from origin i, the errors of the
origins whose step-s value lies at or before origin i). Origins with fewer
than ``min_errors`` such errors get no band and are not counted.

A model with its own intervals (ARIMA, VAR) is scored on those, at the same
origins. Achieved coverage is the share of (origin, step) actual values
inside the band. No Qt, no torch.
"""
import bisect
from typing import Optional

import numpy as np

from Orange.data import ContinuousVariable, DiscreteVariable, Domain, Table
from Orange.data.util import get_unique_names_duplicates

__all__ = ["past_error_bounds", "achieved_coverage", "coverage_table"]

#: Errors needed before an origin gets a band from past errors.
MIN_ERRORS = 5


def past_error_bounds(actual: np.ndarray, predictions: np.ndarray,
                      coverage: float, min_errors: int = MIN_ERRORS) -> tuple:
    """Bands from the errors observed before each origin.

    Parameters
    ----------
    actual, predictions : ndarray, shape (origins, steps)
        One model's backtest; origins are consecutive rows.
    coverage : float
        Nominal coverage in (0, 1).
    min_errors : int
        Origins with fewer past errors for a step get NaN bounds.

    Returns
    -------
    (lower, upper) : ndarrays, shape (origins, steps)
    """
    errors = actual - predictions
    n_origins, n_steps = errors.shape
    lower = np.full(errors.shape, np.nan)
    upper = np.full(errors.shape, np.nan)
    quantiles = ((1 - coverage) / 2, (1 + coverage) / 2)
    for step in range(n_steps):
        column, past = errors[:, step], []
        for origin in range(n_origins):
            # Origin j's step (step + 1) value is row j + step + 1, known at
            # origin i when j <= i - step - 1: one more error per origin,
            # kept sorted (quantiles of every prefix, without re-sorting).
            known = origin - step - 1
            if known >= 0 and not np.isnan(column[known]):
                bisect.insort(past, column[known])
            forecast = predictions[origin, step]
            if len(past) >= min_errors and not np.isnan(forecast):
                lower[origin, step] = forecast + _quantile(past, quantiles[0])
                upper[origin, step] = forecast + _quantile(past, quantiles[1])
    return lower, upper


def _quantile(values: list, q: float) -> float:
    """``np.quantile`` (linear) of sorted ``values``."""
    position = (len(values) - 1) * q
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def achieved_coverage(actual: np.ndarray, lower: np.ndarray,
                      upper: np.ndarray) -> tuple:
    """Share of actual values inside ``[lower, upper]`` per step ahead.

    Arrays of shape (..., origins, steps); returns ``(share, count)`` of
    shape (..., steps), where ``count`` is the number of origins that had
    both a band and an actual value (share is NaN where it is 0).
    """
    known = ~(np.isnan(actual) | np.isnan(lower) | np.isnan(upper))
    inside = known & (actual >= lower) & (actual <= upper)
    count = known.sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(count > 0, inside.sum(axis=-2) / count, np.nan)
    return share, count


def coverage_table(names, coverage: float, share: np.ndarray,
                   count: np.ndarray, sources=(),
                   max_steps: Optional[int] = None) -> Table:
    """Achieved against nominal coverage as a Table: Model, Steps ahead,
    Nominal, Achieved (shares), Origins (how many were scored) and, as a
    meta, where the band came from. One row per model and step that has
    scored origins."""
    n_steps = share.shape[1] if max_steps is None \
        else min(int(max_steps), share.shape[1])
    model_var = DiscreteVariable(
        "Model", values=get_unique_names_duplicates(list(names)))
    sources = list(sources) or ["" for _ in names]
    source_values = sorted(set(sources))
    source_var = DiscreteVariable("Interval", values=source_values)
    domain = Domain([model_var,
                     ContinuousVariable("Steps ahead", number_of_decimals=0),
                     ContinuousVariable("Nominal", number_of_decimals=2),
                     ContinuousVariable("Achieved", number_of_decimals=2),
                     ContinuousVariable("Origins", number_of_decimals=0)],
                    metas=[source_var])
    rows = [(m, s + 1, coverage, share[m, s], count[m, s])
            for m in range(len(names)) for s in range(n_steps)
            if count[m, s] > 0]
    metas = [[source_values.index(sources[int(r[0])])] for r in rows]
    X = np.array(rows, dtype=float).reshape(len(rows), 5)
    table = Table.from_numpy(domain, X,
                             metas=np.array(metas, dtype=object)
                             .reshape(len(rows), 1))
    table.name = "Interval coverage"
    return table
