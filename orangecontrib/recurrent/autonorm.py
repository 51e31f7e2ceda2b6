"""How ``normalization="auto"`` chooses between a global and a relative
network, its thresholds and the reasons it gives.

On a stationary series (the noisy sine) auto costs nothing and gives exactly
the global model; on a trend or a random walk it costs a second training
(benchmarks/README-trend.md has the figures). No torch here: the networks are
fit by the ``fit(relative, run)`` callable the learner passes in.
"""
from typing import Callable

import numpy as np

from orangecontrib.recurrent.model import RecurrentModel
from orangecontrib.recurrent.options import REGRESSION
from orangecontrib.recurrent.reports import StopReason

__all__ = ["AUTO_NAIVE_SHARE", "AUTO_OUTSIDE_SHARE", "auto_by_range",
           "auto_after_global", "multiplicative", "MULTIPLICATIVE_FACTOR"]

#: "auto" also trains a relative model when the global one's validation
#: RMSE is not below this share of the naive last value's ...
AUTO_NAIVE_SHARE = 0.9
#: ... or when more than this share of the validation targets lie outside
#: the range of the targets the global model was fit on.
AUTO_OUTSIDE_SHARE = 0.01

#: A positive series is multiplicative when the spread of its steps changes
#: between its halves by at least this factor more than the spread of its
#: log steps does (airline: x2.4 against x0.9).
MULTIPLICATIVE_FACTOR = 1.5

Fit = Callable[..., RecurrentModel]


def multiplicative(values: np.ndarray) -> bool:
    """Whether a series (in time order) is positive and its swings grow (or
    shrink) with its level, so that logarithms make them even: the standard
    deviation of its steps changes more between the first and the second
    half than that of its log steps, by MULTIPLICATIVE_FACTOR."""
    values = np.asarray(values, dtype=np.float64)
    if len(values) < 8 or not np.all(values > 0):
        return False

    def change(steps):
        half = len(steps) // 2
        first, second = np.std(steps[:half]), np.std(steps[half:])
        if not (first > 0 and second > 0):
            return 0.0
        return abs(np.log(second / first))

    return change(np.diff(values)) - change(np.diff(np.log(values))) \
        > np.log(MULTIPLICATIVE_FACTOR)


def _rmse(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(np.mean((a - b) ** 2)))


def _outside(values: np.ndarray, reference: np.ndarray) -> float:
    """Share of ``values`` outside the range of ``reference``."""
    return float(np.mean((values < reference.min())
                         | (values > reference.max())))


def auto_by_range(fit: Fit, y: np.ndarray) -> RecurrentModel:
    """"auto" without a validation tail: relative when more than
    AUTO_OUTSIDE_SHARE of the last 10% of the targets lie outside the range
    of those before them (a trend, or a wandering level)."""
    n_tail = max(1, len(y) // 10)
    outside = _outside(y[-n_tail:], y[:-n_tail])
    model = fit(outside > AUTO_OUTSIDE_SHARE)
    model.normalization_reason = (
        f"auto: {model.normalization_used}, since {100 * outside:.0f}% of "
        "the last 10% of the targets lie outside the range of those before "
        "them (no validation tail to compare errors on)")
    return model


def auto_after_global(model: RecurrentModel, fit: Fit, series
                      ) -> RecurrentModel:
    """Keep the global ``model``, or train a relative one too and keep the
    one with the lower validation RMSE. ``series`` is the
    :class:`~orangecontrib.recurrent.seriesfit.SeriesData` it was fit on."""
    if model.task != REGRESSION or series.target_index is None:
        why = ("classification" if model.task != REGRESSION else
               "the target's series is not in the window")
        model.normalization_reason = (
            f"auto: global, since relative is not possible ({why})")
        return model
    n_val = model.n_validation
    if not n_val:  # (the fit loop found the tail shorter than a batch)
        model.normalization_reason = (
            "auto: global, since there is no validation tail to compare on")
        return model
    if model.stop is StopReason.CALLBACK:
        model.normalization_reason = "auto: global, since training was stopped"
        return model
    y = series.y
    n_fit = len(y) - n_val
    # the validation tail: the last rows, as the fit loop held them back
    val_X, val_y = series.X[n_fit:], y[n_fit:]
    naive = series.sequences[n_fit:, -1, series.target_index] \
        .astype(np.float64)
    if y.ndim == 2:  # direct multi-step: the last value for every step
        naive = naive[:, None]
    rmse_naive = _rmse(val_y, naive)
    rmse_global = _rmse(val_y, model.predict(val_X))
    outside = _outside(val_y, y[:n_fit])
    figures = (f"validation RMSE {rmse_global:.4g}, naive last value "
               f"{rmse_naive:.4g}, {100 * outside:.0f}% of the validation "
               "targets outside the training range")
    if rmse_global < AUTO_NAIVE_SHARE * rmse_naive \
            and outside <= AUTO_OUTSIDE_SHARE:
        model.normalization_reason = (
            f"auto: global ({figures}); relative not tried")
        return model
    relative = fit(True, run=2)
    rmse_relative = _rmse(val_y, relative.predict(val_X))
    keep = relative if rmse_relative < rmse_global else model
    keep.normalization_reason = (
        f"auto: {keep.normalization_used} (validation RMSE "
        f"{relative.normalization_used} {rmse_relative:.4g}, global "
        f"{rmse_global:.4g}, naive last value {rmse_naive:.4g})")
    return keep
