"""One series made ready: its time variable, time order and gaps filled.

Windowing cuts windows from a series prepared here, and forecasting
prepares the series it forecasts from the same way, so a model sees at
prediction time what it saw in training. No torch, no Qt.
"""
from typing import Dict, Optional, Sequence, Union

import numpy as np

from Orange.data import Domain, Table, TimeVariable, Variable

__all__ = ["find_time_variable", "time_order", "interpolate_inner",
           "time_irregularities",
           "resolve_variable", "choose_time_variable", "SeriesColumns",
           "series_columns"]

VarLike = Union[str, Variable]


def resolve_variable(domain: Domain, var: VarLike) -> Variable:
    """The domain's variable of this name; ValueError when it has none."""
    try:
        return domain[var if isinstance(var, str) else var.name]
    except (KeyError, ValueError, IndexError):
        raise ValueError(f"Variable '{var}' is not in the data.") from None


def choose_time_variable(data: Table, time=None,
                         windows: Optional[Domain] = None
                         ) -> Optional[Variable]:
    """The column whose order is time order; None: row order.

    ``time``: a variable or name; False for row order even when a date
    column exists; None for the default: what ``windows`` (a window table's
    domain) was sorted by, as its time meta says, else the table's own time
    variable (:func:`find_time_variable`).
    """
    if time is False:
        return None
    if time is not None:
        return resolve_variable(data.domain, time)
    if windows is not None:
        for meta in windows.metas:
            if meta.attributes.get("role") == "time":
                return data.domain[meta.name] if meta.name in data.domain \
                    else None
    return find_time_variable(data)


def find_time_variable(data: Table) -> Optional[Variable]:
    """The table's time variable: orange3-timeseries' ``time_variable``, else
    the first TimeVariable among attributes, class and metas."""
    time_var = getattr(data, "time_variable", None)
    if time_var is not None:
        return time_var
    for var in data.domain.variables + data.domain.metas:
        if isinstance(var, TimeVariable):
            return var
    return None


def time_order(data: Table, time_var: Optional[Variable]) -> tuple:
    """Row order that puts ``data`` in time order, and the times in that order.

    Rows are sorted by ``time_var``, ties kept in row order; without a time
    variable, row order is time order and the times are row indices. Returns
    ``(order, times)``; raises ValueError when the time has missing values.
    """
    if time_var is None:
        order = np.arange(len(data))
        return order, order.astype(float)
    times = data.get_column(time_var).astype(float)
    if np.isnan(times).any():
        raise ValueError(f"Time variable '{time_var.name}' has missing "
                         "values; rows cannot be put in time order.")
    order = np.argsort(times, kind="stable")
    return order, times[order]


def time_irregularities(times: np.ndarray) -> tuple:
    """Duplicate times and gaps in sorted ``times``.

    Returns ``(duplicates, gaps, step)``: how many times repeat the one
    before, how many steps are longer than 1.5 times the usual step (the
    median of the positive steps), and that usual step (0 when there is
    none). Windows take consecutive rows as consecutive steps, so both make
    a window span a different stretch of time than its length says.
    """
    steps = np.diff(np.asarray(times, dtype=float))
    positive = steps[steps > 0]
    if not len(positive):
        return int((steps == 0).sum()), 0, 0.0
    step = float(np.median(positive))
    return int((steps == 0).sum()), int((steps > 1.5 * step).sum()), step


def interpolate_inner(values: np.ndarray) -> tuple:
    """Linearly interpolate NaNs that lie between two observed values.

    Leading and trailing NaNs stay (nothing to interpolate from); returns the
    new array and the number of values filled.
    """
    values = np.array(values, dtype=float)
    missing = np.isnan(values)
    if not missing.any() or missing.all():
        return values, 0
    index = np.arange(len(values))
    known = index[~missing]
    inner = missing & (index > known[0]) & (index < known[-1])
    values[inner] = np.interp(index[inner], known, values[known])
    return values, int(inner.sum())



class SeriesColumns:
    """Columns of a table in time order, gaps inside each filled.

    ``columns`` maps a variable name to its float values in time order;
    ``times`` are the sorted times (row indices without a time variable);
    ``n_interpolated`` counts the values filled.
    """

    def __init__(self, columns: Dict[str, np.ndarray], times: np.ndarray,
                 time_var: Optional[Variable], n_interpolated: int):
        self.columns = columns
        self.times = times
        self.time_var = time_var
        self.n_interpolated = n_interpolated


def series_columns(data: Table, variables: Sequence[VarLike],
                   time_var: Optional[Variable],
                   interpolate: bool = True) -> SeriesColumns:
    """Put ``variables`` of ``data`` in time order and (by default) fill the
    gaps that lie between two observed values of numeric variables.

    A categorical variable is never interpolated (the mean of two class
    indices is no class, or the wrong one): its gaps stay missing."""
    order, times = time_order(data, time_var)
    columns, filled = {}, 0
    for var in variables:
        name = var if isinstance(var, str) else var.name
        values = data.get_column(name).astype(float)[order]
        if interpolate and data.domain[name].is_continuous:
            values, n = interpolate_inner(values)
            filled += n
        columns[name] = values
    return SeriesColumns(columns, times, time_var, filled)
