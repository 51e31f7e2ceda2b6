"""Time series -> window table, and the window-metadata contract.

Every variable that :func:`make_windows` creates carries two attributes:

- ``attributes["series"]``: the name of the source column it was cut from;
- ``attributes["offset"]``: its time offset k relative to the window's last
  observation t (k <= 0 for features ``x(t-k)``, k = h for the target ``x(t+h)``;
  a direct multi-step table has h targets ``x(t+1)`` ... ``x(t+h)``, offsets 1..h).

Anything that consumes windows (the recurrent learner, forecasting) reads the
layout back from these attributes with :func:`window_layout`, so a window table
saved to a file and loaded again still works. This module imports neither Qt
nor torch.
"""
from dataclasses import dataclass
from typing import Optional, Sequence, Union

import numpy as np

from Orange.data import (
    ContinuousVariable, DiscreteVariable, Domain, Table, TimeVariable, Variable,
)

from orangecontrib.recurrent.directsteps import (
    direct_class_vars, direct_targets, direct_values, use_direct,
)
from orangecontrib.recurrent.series import (
    choose_time_variable, resolve_variable, series_columns,
    time_irregularities,
)
from orangecontrib.recurrent.windowsize import check_window_memory

__all__ = [
    "make_windows", "chronological_split", "window_layout", "WindowLayout",
    "sequences_from_rows", "series_name", "lag_name", "WindowingReport",
    "held_out_rows", "requested_test_rows",
]

#: What to do with missing values inside a series.
MISSING_INTERPOLATE = "interpolate"
MISSING_DROP = "drop"

VarLike = Union[str, Variable]


def lag_name(series: str, offset: int) -> str:
    """Column name for ``series`` at ``offset`` from the window's end, e.g. x(t-3)."""
    if offset == 0:
        return f"{series}(t)"
    return f"{series}(t{offset:+d})"


@dataclass(frozen=True)
class WindowingReport:
    """What :func:`make_windows` did; kept in ``table.attributes["windowing"]``."""
    series: tuple
    target: str
    window_length: int
    horizon: int
    time: Optional[str]
    n_input_rows: int
    n_windows: int
    n_interpolated: int
    n_dropped: int
    #: windows dropped because their categorical target is missing (a
    #: class is never interpolated; counted in n_dropped too)
    n_target_missing: int = 0
    #: times equal to the one before, and steps longer than 1.5 times the
    #: usual one (time_step), in the sorted time variable; 0 in row order
    n_duplicate_times: int = 0
    n_time_gaps: int = 0
    time_step: float = 0.0
    direct: bool = False


@dataclass(frozen=True)
class WindowLayout:
    """Where each (step, series) value of a window sits among the attributes.

    ``columns[i, j]`` is the attribute index holding series ``series[j]`` at
    step i (step 0 is the oldest, step L-1 the last observation t).
    ``target_offsets``: 1..h for direct multi-step targets, else empty.
    """
    series: tuple
    offsets: tuple
    columns: np.ndarray
    target_series: Optional[str]
    horizon: Optional[int]
    target_offsets: tuple = ()

    @property
    def direct(self) -> bool:  # targets: steps 1..h of one series, h > 1
        return len(self.target_offsets) > 1

    @property
    def window_length(self) -> int:
        return len(self.offsets)

    @property
    def n_series(self) -> int:
        return len(self.series)


def series_name(var: Variable) -> Optional[str]:
    return var.attributes.get("series") if var.attributes else None


def _offset(var: Variable) -> Optional[int]:
    try:
        return int(var.attributes["offset"])
    except (KeyError, TypeError, ValueError):
        return None


def window_layout(domain: Domain) -> Optional[WindowLayout]:
    """Read the window layout from the attributes' metadata.

    Returns None when the domain does not follow the contract (some attribute
    lacks ``series``/``offset``, or the grid of series x offsets is incomplete);
    callers then read each row as one univariate sequence.
    """
    attrs = domain.attributes
    if not attrs:
        return None
    keys = [(series_name(a), _offset(a)) for a in attrs]
    if any(s is None or k is None or k > 0 for s, k in keys):
        return None
    series = tuple(dict.fromkeys(s for s, _ in keys))
    offsets = tuple(sorted(set(k for _, k in keys)))
    if len(keys) != len(series) * len(offsets) or len(set(keys)) != len(keys):
        return None
    position = {key: i for i, key in enumerate(keys)}
    columns = np.array([[position[(s, k)] for s in series] for k in offsets])
    target_series = horizon = None
    if domain.class_var is not None:
        target_series = series_name(domain.class_var)
        horizon = _offset(domain.class_var)
    elif len(domain.class_vars) > 1:
        return WindowLayout(series, offsets, columns,
                            *direct_targets(domain.class_vars))
    return WindowLayout(series, offsets, columns, target_series, horizon)


def sequences_from_rows(X: np.ndarray, domain: Domain,
                        dtype=np.float32) -> np.ndarray:
    """Rows of a (window) table -> array of shape (rows, steps, series).

    With window metadata the steps run from the oldest lag to x(t); without it,
    each row is one univariate sequence with columns in domain order.
    """
    X = np.asarray(X)
    layout = window_layout(domain)
    if layout is None:
        return X.astype(dtype, copy=False)[:, :, None]
    if np.array_equal(layout.columns.ravel(), np.arange(X.shape[1])):
        # Columns already in (step, series) order: a reshape, no copy.
        return X.astype(dtype, copy=False).reshape(
            len(X), layout.window_length, layout.n_series)
    return X[:, layout.columns].astype(dtype, copy=False)


def _sliding(values: np.ndarray, window_length: int) -> np.ndarray:
    return np.lib.stride_tricks.sliding_window_view(values, window_length)


def _tagged(var: Variable, series: str, offset: int) -> Variable:
    var.attributes["series"] = series
    var.attributes["offset"] = offset
    return var


def make_windows(data: Table, window_length: int, horizon: int = 1,
                 series: Optional[Sequence[VarLike]] = None,
                 target: Optional[VarLike] = None,
                 time: Optional[VarLike] = None,
                 missing: str = MISSING_INTERPOLATE,
                 direct: bool = False) -> Table:
    """Turn a time-ordered table into one row per window.

    Parameters
    ----------
    data : Table
        Rows are time points. If the table has a time variable (``time``, a
        Timeseries' ``time_variable`` or a TimeVariable), rows are sorted by it;
        otherwise row order is time order.
    window_length : int
        L, the number of past observations per series in each row.
    horizon : int
        h >= 1: the target is the value h steps after the window's last one.
    series : list of variables or names, optional
        Numeric columns to cut into lags; default: the target, if it is
        numeric, else all numeric attributes.
    target : variable or name, optional
        Column to predict; default: the class variable, else the first series.
        A numeric target becomes ``target(t+h)``; a categorical one is passed
        through, taken at time t+h.
    time : variable or name, False or None
        Column whose order is time order; None: the table's time variable
        (:func:`find_time_variable`), if it has one; False: row order, even
        when the table has a time variable.
    missing : "interpolate" or "drop"
        "interpolate" fills gaps inside each numeric series linearly, then
        drops the windows that still hold a missing value; "drop" only
        drops. A categorical target is never interpolated: windows whose
        class is missing are dropped (``n_target_missing`` in the report).
        Too large an output raises ValueError before anything is allocated
        (:func:`check_window_memory`).
    direct : bool
        h targets ``target(t+1) .. target(t+h)`` (:mod:`.directsteps`).

    Returns
    -------
    Table
        Features ``x(t-L+1) .. x(t)`` grouped by step (oldest first), target(s),
        and the (last) target row's time (or row index) as a meta. Rows are in time
        order. ``table.attributes["windowing"]`` holds a :class:`WindowingReport`.
    """
    window_length, horizon = int(window_length), int(horizon)
    if window_length < 1:
        raise ValueError("Window length must be at least 1.")
    if horizon < 1:
        raise ValueError("Horizon must be at least 1.")
    if missing not in (MISSING_INTERPOLATE, MISSING_DROP):
        raise ValueError(f"Unknown missing-value handling '{missing}'.")
    if data is None or len(data) == 0:
        raise ValueError("The data is empty.")
    domain = data.domain

    time_var = choose_time_variable(data, time)
    target_var = resolve_variable(domain, target) if target is not None \
        else domain.class_var
    if series is not None:
        series_vars = [resolve_variable(domain, s) for s in series]
    elif target_var is not None and target_var.is_continuous:
        series_vars = [target_var]
    else:
        series_vars = [a for a in domain.attributes
                       if a.is_continuous and a is not time_var]
    series_vars = list(dict.fromkeys(series_vars))
    if not series_vars:
        raise ValueError("The data has no numeric column to make windows from.")
    for var in series_vars:
        if not var.is_continuous:
            raise ValueError(f"'{var.name}' is not numeric.")
    if target_var is None:
        target_var = series_vars[0]
    if not (target_var.is_continuous or target_var.is_discrete):
        raise ValueError(f"Target '{target_var.name}' must be numeric or "
                         "categorical.")
    direct = use_direct(direct, horizon, target_var)

    n_rows = len(data)
    needed = window_length + horizon
    if n_rows < needed:
        raise ValueError(
            f"The series has {n_rows} rows; window length {window_length} "
            f"plus horizon {horizon} needs at least {needed}.")

    n_windows = n_rows - window_length - horizon + 1
    check_window_memory(n_rows, n_windows, window_length, len(series_vars))
    prepared = series_columns(data, list(dict.fromkeys(series_vars
                                                       + [target_var])),
                              time_var, missing == MISSING_INTERPOLATE)
    columns = {var: prepared.columns[var.name]
               for var in dict.fromkeys(series_vars + [target_var])}
    times, n_interpolated = prepared.times, prepared.n_interpolated

    # (windows, L, series): views into the series, no copy until the stack.
    lags = np.stack([_sliding(columns[v], window_length)[:n_windows]
                     for v in series_vars], axis=2)
    y = columns[target_var][window_length - 1 + horizon:]
    if direct:
        y = direct_values(columns[target_var], window_length, horizon)
    target_rows = np.arange(window_length - 1 + horizon, n_rows)
    X = lags.reshape(n_windows, window_length * len(series_vars))

    keep = ~(np.isnan(X).any(axis=1)
             | np.isnan(y.reshape(n_windows, -1)).any(axis=1))
    n_dropped = int(n_windows - keep.sum())
    n_target_missing = 0 if target_var.is_continuous \
        else int(np.isnan(y).sum())
    if not keep.any():
        raise ValueError("Every window holds a missing value; no rows left.")
    if not keep.all():
        X, y, target_rows = X[keep], y[keep], target_rows[keep]

    attributes = []
    offsets = range(-window_length + 1, 1)
    for k in offsets:
        for var in series_vars:
            attributes.append(_tagged(
                ContinuousVariable(lag_name(var.name, k),
                                   number_of_decimals=var.number_of_decimals),
                var.name, k))
    if direct:
        class_var = direct_class_vars(target_var, horizon, lag_name)
    elif target_var.is_continuous:
        class_var = ContinuousVariable(
            lag_name(target_var.name, horizon),
            number_of_decimals=target_var.number_of_decimals)
    else:
        class_var = DiscreteVariable(target_var.name, values=target_var.values)
    if not direct:
        _tagged(class_var, target_var.name, horizon)
    if time_var is not None:
        time_meta = time_var.copy(name=time_var.name) \
            if isinstance(time_var, TimeVariable) \
            else ContinuousVariable(time_var.name)
    else:
        time_meta = ContinuousVariable("row")
    time_meta.attributes = dict(time_meta.attributes, role="time")
    out_domain = Domain(attributes, class_var, metas=[time_meta])
    metas = times[target_rows][:, None].astype(object)
    table = Table.from_numpy(out_domain, X, y, metas)
    table.name = f"{getattr(data, 'name', '') or 'data'} (windows)"
    report = WindowingReport(
        series=tuple(v.name for v in series_vars), target=target_var.name,
        window_length=window_length, horizon=horizon,
        time=time_var.name if time_var is not None else None,
        n_input_rows=n_rows, n_windows=int(len(X)),
        n_interpolated=n_interpolated, n_dropped=n_dropped,
        n_target_missing=n_target_missing,
        direct=direct,
        **_time_report(times if time_var is not None else None))
    table.attributes = {"windowing": report}
    return table


def _time_report(times) -> dict:
    """The report's duplicate and gap counts (none in row order)."""
    if times is None:
        return {}
    duplicates, gaps, step = time_irregularities(times)
    return dict(n_duplicate_times=duplicates, n_time_gaps=gaps,
                time_step=step)


def chronological_split(table: Table, test_size: float = 0.2) -> tuple:
    """Split rows in their order: the first part trains, the last part tests.

    ``test_size`` is a share in (0, 1) or a number of rows >= 1. Returns
    ``(train, test)``; never shuffles, so no future value leaks into training.
    """
    n = len(table)
    n_test = held_out_rows(n, test_size)
    return table[:n - n_test], table[n - n_test:]


def requested_test_rows(n: int, test_size: float = 0.2) -> int:
    """The test rows that ``test_size`` asks for out of ``n``, before
    :func:`held_out_rows` keeps at least one row on each side: a share in
    (0, 1) is rounded, a count >= 1 is taken as it is."""
    if isinstance(test_size, float) and 0 < test_size < 1:
        return int(round(n * test_size))
    if test_size >= 1 and float(test_size).is_integer():
        return int(test_size)
    raise ValueError("test_size must be a share in (0, 1) or a row count.")


def held_out_rows(n: int, test_size: float = 0.2) -> int:
    """How many of ``n`` rows :func:`chronological_split` puts in the test part.

    ``test_size`` is a share in (0, 1) or a row count >= 1; the result is at
    least 1 and leaves at least one training row.
    """
    n_test = requested_test_rows(n, test_size)
    n_test = min(max(n_test, 1), n - 1) if n >= 2 else 0
    if n_test == 0:
        raise ValueError("Need at least two rows to split into train and test.")
    return n_test
