"""Running a window model forward: which windows it reads, the series it
reads them from, and forecast paths from many origins at once.

Any Orange regression model trained on a window table (this add-on's
RecurrentModel, or Orange's Neural Network, Linear Regression, ...) can be
rolled out: the window-metadata contract (:mod:`.windowing`) says which value
of which series goes into which column, so the next window can be cut from
the series' tail and handed to the model as a Table in its own window domain.

- When the window holds the target series alone, paths are *recursive*: step
  s comes from the window ending at ``origin + s - h``, whose values are
  observed ones or forecasts of earlier steps; with h > 1, steps go in blocks
  of h. One block is one model call for all origins.
- A *direct* model (h targets, steps 1..h; see :func:`make_windows`'s
  ``direct``) gives steps 1..h from the window ending at the origin in one
  call; past h, windows of the target alone continue in blocks of h, each
  from the window ending at the last step of the block before.
- When the window holds other series (whose future is unknown), only steps
  1..h can be forecast; :func:`limited_reason` says so.

This module imports neither Qt nor torch.
"""
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from Orange.data import Domain, Table, Variable

from orangecontrib.recurrent.series import choose_time_variable, series_columns
from orangecontrib.recurrent.windowing import WindowLayout, window_layout

__all__ = [
    "ForecastError", "NotWindowedError", "CategoricalTargetError",
    "MissingSeriesError", "model_name", "model_window", "check_model",
    "limited_reason", "prepare_series", "SeriesValues", "forecast_paths",
    "first_origin", "future_times", "strategy",
]


class ForecastError(ValueError):
    """The model or the data cannot give a forecast."""


class NotWindowedError(ForecastError):
    """The model's columns do not carry the window metadata."""


class CategoricalTargetError(ForecastError):
    """The model predicts a class, not a number."""


class MissingSeriesError(ForecastError):
    """The series table lacks a column the model's windows were cut from."""


def model_name(model) -> str:
    """The name a model's learner gave it, else its class name."""
    return getattr(model, "name", None) or type(model).__name__


def model_window(model) -> tuple:
    """The window domain a model was trained on, and its layout.

    Orange models keep the training data's domain in ``original_domain``
    (their ``domain`` may be a preprocessed one); that is where the window
    metadata lives. Returns ``(domain, layout)``; raises
    :class:`NotWindowedError` or :class:`CategoricalTargetError`.
    """
    name = model_name(model)
    for domain in (getattr(model, "original_domain", None),
                   getattr(model, "domain", None)):
        if domain is None:
            continue
        layout = window_layout(domain)
        if layout is not None and layout.horizon is not None:
            break
    else:
        raise NotWindowedError(
            f"'{name}' was not trained on windows: its columns carry no "
            "window metadata (series, offset). Train it on the output of "
            "Windowing.")
    if layout.direct:
        return domain, layout
    if not domain.class_var.is_continuous:
        raise CategoricalTargetError(
            f"'{name}' predicts the categorical '{domain.class_var.name}'; "
            "only numeric targets can be forecast.")
    if layout.horizon < 1:
        raise NotWindowedError(
            f"'{name}': the target's offset {layout.horizon} is not a "
            "horizon of at least 1.")
    return domain, layout


def _recursive(layout: WindowLayout) -> bool:
    return layout.series == (layout.target_series,)


def strategy(layout: WindowLayout) -> str:
    """How the model forecasts, in words: "direct 1..h", "recursive" or
    "h ahead only"."""
    if layout.direct:
        return f"direct 1..{layout.horizon}"
    return "recursive" if _recursive(layout) else \
        f"{layout.horizon} ahead only"


def limited_reason(name: str, layout: WindowLayout, steps: int):
    if _recursive(layout) or steps <= layout.horizon:
        return None
    others = ", ".join(repr(s) for s in layout.series
                       if s != layout.target_series)
    return (f"'{name}' also reads {others} in its windows; their future "
            f"values are unknown, so it forecasts only {layout.horizon} "
            f"step{'s' if layout.horizon > 1 else ''} ahead (its horizon).")


@dataclass(frozen=True)
class SeriesValues:
    """A series table as one model sees it: time-ordered, gaps filled."""
    values: np.ndarray          # (rows, n_series), in layout.series order
    target: Optional[np.ndarray]  # (rows,), None when not needed
    times: np.ndarray           # (rows,), sorted; row indices without time
    time_var: Optional[Variable]


def _columns(model, layout: WindowLayout, data: Table,
             need_target: bool = True) -> list:
    """Names of the series columns the model needs; raises
    :class:`MissingSeriesError` when the data lacks one."""
    names = list(layout.series)
    if need_target and layout.target_series not in names:
        names.append(layout.target_series)
    lacking = [n for n in names if n not in data.domain
               or not data.domain[n].is_continuous]
    if lacking:
        raise MissingSeriesError(
            f"The data lacks the numeric column{'s' if len(lacking) > 1 else ''}"
            f" {', '.join(repr(n) for n in lacking)} that "
            f"'{model_name(model)}' was trained on.")
    return names


def check_model(model, data: Table) -> tuple:
    """Raise the :class:`ForecastError` that forecasting ``model`` on ``data``
    would meet first (not windowed, categorical target, missing columns);
    else return the model's ``(domain, layout)``. Cheap: no predictions."""
    domain, layout = model_window(model)
    _columns(model, layout, data)
    return domain, layout


def prepare_series(data: Table, model, domain: Domain, layout: WindowLayout,
            time=None, need_target: bool = True) -> "SeriesValues":
    """Sort and interpolate the model's series as :func:`make_windows` does."""
    if data is None or len(data) == 0:
        raise ForecastError("The data is empty.")
    names = _columns(model, layout, data, need_target)
    try:
        time_var = choose_time_variable(data, time, windows=domain)
    except ValueError as err:
        raise ForecastError(str(err)) from None
    prepared = series_columns(data, names, time_var)
    columns = prepared.columns
    values = np.column_stack([columns[n] for n in layout.series])
    target = columns[layout.target_series] if need_target else None
    return SeriesValues(values, target, prepared.times, time_var)


def _predict(model, domain: Domain, layout: WindowLayout,
             windows: np.ndarray) -> np.ndarray:
    """Windows (rows, L, series) -> the model's predictions (rows,), or
    (rows, h) for a direct model.

    The rows are built as a Table in the model's window domain, so that
    ``model(table)`` works for any Orange model; rows with a missing value
    give NaN instead of whatever a model's imputer would make up.
    """
    n_rows = len(windows)
    out = np.full((n_rows, layout.horizon) if layout.direct else n_rows,
                  np.nan)
    valid = ~np.isnan(windows).any(axis=(1, 2))
    if not valid.any():
        return out
    windows = windows[valid]
    rows = len(windows)
    X = np.empty((rows, len(domain.attributes)))
    X[:, layout.columns.ravel()] = windows.reshape(rows, -1)
    Y = np.full((rows, len(domain.class_vars)), np.nan)
    metas = np.full((rows, len(domain.metas)), np.nan, dtype=object)
    table = Table.from_numpy(domain, X, Y, metas)
    out[valid] = np.asarray(model(table), dtype=float).reshape(
        out[valid].shape)
    return out


def forecast_paths(model, domain: Domain, layout: WindowLayout, values: np.ndarray,
           origins: np.ndarray, n_steps: int,
           progress: Optional[Callable[[float], None]] = None) -> np.ndarray:
    """Forecasts of steps 1..n_steps from each origin (the index of the last
    observed row), shape (origins, n_steps); NaN past a limited model's
    horizon. All origins of one block of steps go in one model call, after
    which ``progress`` gets the share of steps done."""
    h = layout.horizon
    offsets = np.asarray(layout.offsets)
    n_origins = len(origins)
    out = np.full((n_origins, n_steps), np.nan)
    recursive = _recursive(layout)
    last = n_steps if recursive else min(n_steps, h)
    history = values[:, 0]
    for start in range(1, last + 1, h):
        steps = np.arange(start, min(start + h, last + 1))
        # The window for step s ends at origin + s - h; a direct model's
        # window for the whole block ends at origin + start - 1.
        ends = np.array([start - 1]) if layout.direct else steps - h
        index = (origins[:, None, None] + ends[None, :, None]
                 + offsets[None, None, :])                  # (O, B, L)
        if recursive:
            ahead = index - origins[:, None, None]          # > 0: a forecast
            from_history = history[np.clip(index, 0, len(history) - 1)]
            from_forecast = out[np.arange(n_origins)[:, None, None],
                                np.clip(ahead - 1, 0, None)]
            windows = np.where(ahead > 0, from_forecast, from_history)
            windows = windows[..., None]
        else:
            windows = values[index]                         # (O, B, L, S)
        windows = windows.reshape(-1, len(offsets), values.shape[1])
        predictions = _predict(model, domain, layout, windows)
        if layout.direct:
            predictions = predictions[:, :len(steps)]
        out[:, steps - 1] = predictions.reshape(n_origins, len(steps))
        if progress is not None:
            progress(steps[-1] / last)
    return out


def first_origin(layout: WindowLayout) -> int:
    """The earliest origin whose step-1 window starts at row 0 or later."""
    if layout.direct:  # steps 1..h come from the window ending at the origin
        return -min(layout.offsets)
    return layout.horizon - 1 - min(layout.offsets)


def future_times(times: np.ndarray, n_steps: int) -> np.ndarray:
    """Times of the next n_steps rows: the last time plus multiples of the
    median step between rows (1 when there is none)."""
    diffs = np.diff(times)
    diffs = diffs[diffs > 0]
    step = float(np.median(diffs)) if len(diffs) else 1.0
    last = times[-1] if len(times) else -1.0
    return last + step * np.arange(1, n_steps + 1)


