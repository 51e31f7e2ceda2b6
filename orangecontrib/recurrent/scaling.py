"""Statistics of the training rows: what the model scales inputs and target
by, whether anything varies, and the class prior.

Computed on the training rows only and kept inside the model, so that Test
and Score cannot leak test rows into the scaling. No torch here.
"""
from typing import Optional

import numpy as np

from Orange.data import Domain

from orangecontrib.recurrent.windowing import window_layout

__all__ = ["series_statistics", "is_constant", "safe_scale",
           "check_inputs_vary", "check_target_varies", "missing_message",
           "relative_target", "class_shares"]

#: Values per chunk when computing the statistics.
_CHUNK_VALUES = 1 << 16
#: A standard deviation at most this share of the level is no variation
#: (float64 rounding noise).
_RELATIVE_TOLERANCE = 1e-12
#: Below this a standard deviation cannot scale float32 values (float32's
#: smallest normal number is 1.2e-38); far below any measured quantity.
_SCALE_FLOOR = 1e-30


def series_statistics(sequences: np.ndarray, relative: bool = False):
    """Per-series mean and standard deviation of (rows, steps, series), in
    float64, chunk by chunk so that no full float64 copy is made.

    Returns ``(mean, std, all values finite)``. ``relative``: of the
    differences from each window's last step, ``x - x(t)``, as a relative
    network reads them.
    """
    n_series = sequences.shape[2]
    rows = max(1, _CHUNK_VALUES // (sequences.shape[1] * n_series))
    count, mean, m2 = 0, np.zeros(n_series), np.zeros(n_series)
    for start in range(0, len(sequences), rows):
        chunk = sequences[start:start + rows].astype(np.float64)
        if relative:
            chunk = chunk - chunk[:, -1:, :]
        chunk = chunk.reshape(-1, n_series)
        if not np.isfinite(chunk).all():
            return None, None, False
        c_count = len(chunk)
        c_mean = chunk.mean(axis=0)
        c_m2 = ((chunk - c_mean) ** 2).sum(axis=0)
        delta = c_mean - mean
        total = count + c_count
        # Chan et al.'s pairwise combination of means and squared deviations.
        mean = mean + delta * c_count / total
        m2 = m2 + c_m2 + delta ** 2 * count * c_count / total
        count = total
    return mean, np.sqrt(m2 / count), True


def is_constant(std: float, mean: float) -> bool:
    """Whether values with this standard deviation and mean do not vary.

    Relative to the values' own level, not to 1: ``1e-12 * sin(t)`` varies
    (its std is as large as its values), ``1e8 + 1e-6`` noise does not
    vary beyond float64 rounding. The one rule for inputs and targets.
    """
    return not std > max(_RELATIVE_TOLERANCE * abs(mean), _SCALE_FLOOR)


def safe_scale(std: float, mean: float) -> float:
    """A standard deviation to divide by: 1 for a constant."""
    return 1.0 if is_constant(std, mean) else float(std)


def _sequence_names(domain: Domain) -> tuple:
    """How error messages name each input series."""
    layout = window_layout(domain)
    if layout is None:
        return ("Every value of every row",)
    return tuple(f"Series '{name}'" for name in layout.series)


def check_inputs_vary(domain: Domain, mean: np.ndarray,
                      std: np.ndarray) -> None:
    """ValueError naming the first input series that is constant."""
    for name, m, s in zip(_sequence_names(domain), mean, std):
        if is_constant(s, m):
            raise ValueError(f"{name} is constant ({m:g}); a constant "
                             "input carries nothing to learn from.")


def check_target_varies(name: str, y: np.ndarray) -> None:
    """ValueError when a numeric target does not vary."""
    mean = float(y.mean())
    if is_constant(float(y.std()), mean):
        raise ValueError(f"The target '{name}' is constant ({mean:g}); "
                         "there is nothing to learn.")


def missing_message(X: np.ndarray, domain: Domain) -> str:
    """What to say when inputs hold missing or infinite values."""
    bad = ~np.isfinite(X).all(axis=0)
    names = [var.name for var, b in zip(domain.attributes, bad) if b]
    shown = ", ".join(f"'{n}'" for n in names[:5])
    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
    return (f"Missing (or infinite) values in {shown}{more}. Recurrent "
            "networks need complete windows: let Windowing interpolate the "
            "gaps (or drop those windows), or impute the data first.")


def relative_target(domain: Domain) -> Optional[int]:
    """Index of the target's series among the window's series, the value that
    relative normalization takes differences from; None when the target's
    series is not in the window. Rows without window metadata are one
    sequence each, so their target is relative to the row's last value."""
    layout = window_layout(domain)
    if layout is None:
        return 0
    if layout.target_series in layout.series:
        return layout.series.index(layout.target_series)
    return None


def class_shares(targets: np.ndarray, class_var) -> np.ndarray:
    """Each class's share of the training rows (the model's prior).

    Raises ValueError when fewer than two classes occur: a classifier
    needs at least two.
    """
    counts = np.bincount(targets, minlength=len(class_var.values))
    present = np.flatnonzero(counts)
    if len(present) < 2:
        raise ValueError(
            f"The target '{class_var.name}' has one class "
            f"('{class_var.values[present[0]]}') in the training data; "
            "classification needs at least two.")
    return counts / counts.sum()
