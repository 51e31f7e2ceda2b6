"""Multi-step forecasts and rolling-origin backtests for models fit on windows.

Any Orange regression model trained on a window table (this add-on's
RecurrentModel, or Orange's Neural Network, Linear Regression, Random Forest,
...) can forecast: the window-metadata contract (see :mod:`.windowing`) says
which value of which series goes into which column, so the next window can be
cut from the series' tail and handed to the model as a Table in the model's
own window domain.

How far ahead
-------------
A model with horizon h predicts ``x(t+h)`` from the window ending at t.

- When the window holds the target series alone, forecasts are *recursive*:
  step s comes from the window ending at ``origin + s - h``, whose values are
  observed ones or forecasts of earlier steps. With h = 1 that is predict,
  append, slide, repeat; with h > 1, steps go in blocks of h (steps 1..h use
  observed windows only, so they are direct h-ahead forecasts; steps h+1..2h
  use windows that end in the first block's forecasts, and so on). One block
  is one model call.
- When the window holds other series (whose future is unknown), only steps
  1..h can be forecast; the result says so in ``limited_reason``.

Intervals
---------
Bands come from the model's own errors: a rolling-origin :func:`backtest` over
the last part of the series gives the residuals ``actual - forecast`` for
each step ahead, and the band is the forecast plus their empirical
``(1 - coverage) / 2`` and ``(1 + coverage) / 2`` quantiles. They are honest
only when the held-out part was not used to train the model: keep
``test_size`` at least as large as the test part of the windows.

This module imports neither Qt nor torch.
"""
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence, Union

import numpy as np

from Orange.data import (
    ContinuousVariable, DiscreteVariable, Domain, Table, TimeVariable, Variable,
)
from Orange.data.util import get_unique_names_duplicates

from orangecontrib.recurrent.windowing import (
    WindowLayout, find_time_variable, held_out_rows, interpolate_inner,
    time_order, window_layout,
)

__all__ = [
    "forecast", "backtest", "forecast_table", "ForecastResult",
    "BacktestResult", "ForecastError", "NotWindowedError",
    "CategoricalTargetError", "MissingSeriesError", "model_window",
    "model_name", "check_model",
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


def _limited_reason(name: str, layout: WindowLayout, steps: int):
    if _recursive(layout) or steps <= layout.horizon:
        return None
    others = ", ".join(repr(s) for s in layout.series
                       if s != layout.target_series)
    return (f"'{name}' also reads {others} in its windows; their future "
            f"values are unknown, so it forecasts only {layout.horizon} "
            f"step{'s' if layout.horizon > 1 else ''} ahead (its horizon).")


@dataclass(frozen=True)
class _Series:
    """A series table as one model sees it: time-ordered, gaps filled."""
    values: np.ndarray          # (rows, n_series), in layout.series order
    target: Optional[np.ndarray]  # (rows,), None when not needed
    times: np.ndarray           # (rows,), sorted; row indices without time
    time_var: Optional[Variable]


def _time_variable(data: Table, domain: Domain, time) -> Optional[Variable]:
    """The column to sort the series by, as windowing did; None: row order.

    ``time`` as in :func:`~.windowing.make_windows` (a variable or name;
    False for row order). By default the window table's time meta says what
    windowing used: a column of the data with its name, else row order.
    Only windows without that meta fall back to the data's time variable.
    """
    if time is False:
        return None
    if time is not None:
        name = time if isinstance(time, str) else time.name
        if name not in data.domain:
            raise ForecastError(f"Time variable '{name}' is not in the data.")
        return data.domain[name]
    for meta in domain.metas:
        if meta.attributes.get("role") == "time":
            return data.domain[meta.name] if meta.name in data.domain \
                else None
    return find_time_variable(data)


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


def _series(data: Table, model, domain: Domain, layout: WindowLayout,
            time=None, need_target: bool = True) -> _Series:
    """Sort and interpolate the model's series as :func:`make_windows` does."""
    if data is None or len(data) == 0:
        raise ForecastError("The data is empty.")
    names = _columns(model, layout, data, need_target)
    time_var = _time_variable(data, domain, time)
    order, times = time_order(data, time_var)
    columns = {n: interpolate_inner(data.get_column(n).astype(float)[order])[0]
               for n in names}
    values = np.column_stack([columns[n] for n in layout.series])
    target = columns[layout.target_series] if need_target else None
    return _Series(values, target, times, time_var)


def _predict(model, domain: Domain, layout: WindowLayout,
             windows: np.ndarray) -> np.ndarray:
    """Windows (rows, L, series) -> the model's predictions (rows,).

    The rows are built as a Table in the model's window domain, so that
    ``model(table)`` works for any Orange model; rows with a missing value
    give NaN instead of whatever a model's imputer would make up.
    """
    n_rows = len(windows)
    out = np.full(n_rows, np.nan)
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
    out[valid] = np.asarray(model(table), dtype=float).reshape(rows)
    return out


def _paths(model, domain: Domain, layout: WindowLayout, values: np.ndarray,
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
        # The window for step s ends at origin + s - h.
        index = (origins[:, None, None] + (steps - h)[None, :, None]
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
        out[:, steps - 1] = predictions.reshape(n_origins, len(steps))
        if progress is not None:
            progress(steps[-1] / last)
    return out


def _first_origin(layout: WindowLayout) -> int:
    """The earliest origin whose step-1 window starts at row 0 or later."""
    return layout.horizon - 1 - min(layout.offsets)


def _future_times(times: np.ndarray, n_steps: int) -> np.ndarray:
    """Times of the next n_steps rows: the last time plus multiples of the
    median step between rows (1 when there is none)."""
    diffs = np.diff(times)
    diffs = diffs[diffs > 0]
    step = float(np.median(diffs)) if len(diffs) else 1.0
    last = times[-1] if len(times) else -1.0
    return last + step * np.arange(1, n_steps + 1)


@dataclass(frozen=True)
class BacktestResult:
    """Rolling-origin backtest of one or more models on one series table.

    Each origin is the last observed row before a held-out row; from every
    origin each model forecasts ``steps`` ahead (as :func:`forecast` would).

    Attributes
    ----------
    names : tuple of str
        Model names, as given or as the models' learners named them.
    targets : tuple of str
        Each model's target series.
    steps : int
        Steps ahead from each origin (scores are for 1..steps).
    times : ndarray, shape (origins,)
        Time of each origin's first step: the held-out part's times.
    actual : ndarray, shape (models, origins, steps)
        The observed value ``steps`` ahead of each origin (NaN past the data).
    predictions : ndarray, shape (models, origins, steps)
        The forecasts (NaN where a model is limited to its horizon).
    rmse, mae, mape : ndarray, shape (models, steps)
        Scores per model and step ahead; MAPE in %, over nonzero actuals.
    limited : tuple of (str or None)
        Why a model's forecasts stop at its horizon, or None.
    time_variable : Variable or None
        The series' time variable; without one, times are row indices.
    """
    names: tuple
    targets: tuple
    steps: int
    times: np.ndarray
    actual: np.ndarray
    predictions: np.ndarray
    rmse: np.ndarray
    mae: np.ndarray
    mape: np.ndarray
    limited: tuple
    time_variable: Optional[Variable] = None

    @property
    def errors(self) -> np.ndarray:
        """``actual - predictions``, shape (models, origins, steps)."""
        return self.actual - self.predictions

    @property
    def one_step(self) -> np.ndarray:
        """One-step-ahead predictions over the held-out part, (models, origins)."""
        return self.predictions[:, :, 0]

    def subset(self, models: Sequence[int]) -> "BacktestResult":
        """The backtest of the models at these indices alone."""
        models = list(models)
        return BacktestResult(
            names=tuple(self.names[i] for i in models),
            targets=tuple(self.targets[i] for i in models),
            steps=self.steps, times=self.times,
            actual=self.actual[models], predictions=self.predictions[models],
            rmse=self.rmse[models], mae=self.mae[models],
            mape=self.mape[models],
            limited=tuple(self.limited[i] for i in models),
            time_variable=self.time_variable)

    def quantiles(self, coverage: float = 0.9, model: int = 0) -> tuple:
        """Empirical ``(1 -+ coverage) / 2`` quantiles of one model's errors
        per step ahead: ``(low, high)``, each of shape (steps,), NaN for a
        step with no error to learn from."""
        if not 0 < coverage < 1:
            raise ValueError("coverage must be in (0, 1).")
        errors = self.errors[model]
        low = np.full(self.steps, np.nan)
        high = np.full(self.steps, np.nan)
        for step in range(self.steps):
            e = errors[:, step]
            e = e[~np.isnan(e)]
            if len(e):
                low[step], high[step] = np.quantile(
                    e, [(1 - coverage) / 2, (1 + coverage) / 2])
        return low, high

    def scores_table(self, max_steps: Optional[int] = None) -> Table:
        """Scores as a Table: Model, Steps ahead, RMSE, MAE, MAPE; one row
        per model and step ahead (up to ``max_steps``) that has scores."""
        max_steps = self.steps if max_steps is None \
            else min(int(max_steps), self.steps)
        model_var = DiscreteVariable(
            "Model", values=get_unique_names_duplicates(list(self.names)))
        domain = Domain([model_var,
                         ContinuousVariable("Steps ahead", number_of_decimals=0),
                         ContinuousVariable("RMSE"), ContinuousVariable("MAE"),
                         ContinuousVariable("MAPE")])
        rows = [(m, s + 1, self.rmse[m, s], self.mae[m, s], self.mape[m, s])
                for m in range(len(self.names)) for s in range(max_steps)
                if not np.isnan(self.rmse[m, s])]
        X = np.array(rows, dtype=float).reshape(len(rows), 5)
        table = Table.from_numpy(domain, X)
        table.name = "Backtest scores"
        return table


def _scores(actual: np.ndarray, predicted: np.ndarray) -> tuple:
    """RMSE, MAE, MAPE per column, over rows where both are known."""
    errors = actual - predicted
    n_steps = errors.shape[1]
    rmse, mae, mape = (np.full(n_steps, np.nan) for _ in range(3))
    for step in range(n_steps):
        known = ~np.isnan(errors[:, step])
        if not known.any():
            continue
        e, a = errors[known, step], actual[known, step]
        rmse[step] = np.sqrt(np.mean(e ** 2))
        mae[step] = np.mean(np.abs(e))
        nonzero = a != 0
        if nonzero.any():
            mape[step] = 100 * np.mean(np.abs(e[nonzero] / a[nonzero]))
    return rmse, mae, mape


def backtest(models, data: Table, steps: int = 1,
             test_size: Union[float, int] = 0.2, time=None,
             names: Optional[Sequence[str]] = None,
             progress_callback: Optional[Callable[[float], None]] = None
             ) -> BacktestResult:
    """Rolling-origin backtest over the last part of a series.

    Parameters
    ----------
    models : Model or list of Models
        Regression models trained on window tables (see :func:`forecast`).
    data : Table
        The series table, rows are time points (sorted by its time variable
        as windowing does).
    steps : int
        Forecast 1..steps ahead from every origin.
    test_size : float or int
        The held-out part: a share of the windows (as
        :func:`~.windowing.chronological_split` counts them, for the model
        with the longest window + horizon) or a number of rows. Keep it at
        least the size of the test part the models were not trained on.
    time : variable or name, or False, optional
        The time variable (False: row order); default: what the windows
        were sorted by.
    names : list of str, optional
        Names for the models; default: their learners' names.
    progress_callback : callable(float), optional
        Called with the share done after every model call; it may raise to
        cancel (widgets do, from a worker thread).

    Returns
    -------
    BacktestResult
        Forecasts, actual values and scores per model and step ahead.
        Each step is one model call for all origins.
    """
    if not isinstance(models, (list, tuple)):
        models = [models]
    if not models:
        raise ValueError("No model to backtest.")
    if names is not None and len(names) != len(models):
        raise ValueError("Give one name per model.")
    steps = int(steps)
    if steps < 1:
        raise ValueError("Steps ahead must be at least 1.")
    windows = [model_window(m) for m in models]
    if data is None or len(data) == 0:
        raise ForecastError("The data is empty.")
    n = len(data)
    longest = max(lay.window_length + lay.horizon for _, lay in windows)
    n_windows = n - longest + 1
    if n_windows < 2:
        raise ForecastError(
            f"The series has {n} rows; backtesting needs at least "
            f"{longest + 1} for these models' windows.")
    n_test = held_out_rows(n_windows, test_size)
    origins = np.arange(n - n_test - 1, n - 1)
    step_index = origins[:, None] + np.arange(1, steps + 1)[None, :]
    beyond = step_index >= n
    step_index = np.minimum(step_index, n - 1)

    shape = (len(models), len(origins), steps)
    actual, predictions = np.full(shape, np.nan), np.full(shape, np.nan)
    limited, times, time_var = [], None, None
    for i, (model, (domain, layout)) in enumerate(zip(models, windows)):
        series = _series(data, model, domain, layout, time)
        if times is None:
            times, time_var = series.times[origins + 1], series.time_var
        actual[i] = np.where(beyond, np.nan, series.target[step_index])
        progress = None if progress_callback is None else (
            lambda done, i=i: progress_callback((i + done) / len(models)))
        predictions[i] = _paths(model, domain, layout, series.values,
                                origins, steps, progress)
        limited.append(_limited_reason(model_name(model), layout, steps))
    scores = [_scores(actual[i], predictions[i]) for i in range(len(models))]
    rmse, mae, mape = (np.array([s[k] for s in scores]) for k in range(3))
    return BacktestResult(
        names=tuple(names) if names is not None
        else tuple(model_name(m) for m in models),
        targets=tuple(lay.target_series for _, lay in windows),
        steps=steps, times=times, actual=actual, predictions=predictions,
        rmse=rmse, mae=mae, mape=mape, limited=tuple(limited),
        time_variable=time_var)


@dataclass(frozen=True)
class ForecastResult:
    """Forecasts of one model from the end of a series.

    Attributes
    ----------
    name : str
        The model's name.
    target : str
        The forecast series.
    times : ndarray, shape (n,)
        Future times: the last time plus multiples of the series' median
        time step (row indices when the series has no time variable).
    forecast, lower, upper : ndarray, shape (n,)
        Forecasts and the interval's bounds (NaN when no intervals were
        asked for or no held-out error exists for that step).
    coverage : float
        The intervals' nominal coverage.
    steps_requested : int
        Steps asked for; ``len(forecast)`` is smaller when limited.
    limited_reason : str or None
        Why the forecast stops at the model's horizon.
    time_variable : Variable or None
        The series' time variable.
    history_times, history : ndarray
        The series' (sorted, interpolated) times and target values.
    backtest : BacktestResult or None
        The backtest the intervals came from.
    """
    name: str
    target: str
    times: np.ndarray
    forecast: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    coverage: float
    steps_requested: int
    limited_reason: Optional[str] = None
    time_variable: Optional[Variable] = None
    history_times: np.ndarray = field(default_factory=lambda: np.empty(0))
    history: np.ndarray = field(default_factory=lambda: np.empty(0))
    backtest: Optional[BacktestResult] = None

    @property
    def steps(self) -> int:
        return len(self.forecast)

    @property
    def warning(self) -> Optional[str]:
        return self.limited_reason


def forecast(model, data: Table, steps: int, coverage: float = 0.9,
             test_size: Union[float, int] = 0.2, time=None,
             intervals: bool = True,
             backtest_result: Optional[BacktestResult] = None
             ) -> ForecastResult:
    """Forecast a series ``steps`` ahead from its last row.

    Parameters
    ----------
    model : Orange Model
        A regression model trained on a window table (any learner: the
        model only sees the attributes' values).
    data : Table
        The series table (not the windows): rows are time points; sorted by
        its time variable and interpolated as windowing does.
    steps : int
        How far ahead. Recursive when the windows hold the target alone;
        otherwise at most the model's horizon (see ``limited_reason``).
    coverage : float
        Nominal coverage of the intervals, in (0, 1).
    test_size : float or int
        The held-out part for the backtest the intervals come from (see
        :func:`backtest`).
    time : variable or name, or False, optional
        The time variable (False: row order); default: what the windows
        were sorted by.
    intervals : bool
        False skips the backtest; lower and upper are then NaN.
    backtest_result : BacktestResult, optional
        A backtest of this model (its first model; see
        :meth:`BacktestResult.subset`) to take intervals from instead of
        running one.

    Returns
    -------
    ForecastResult
    """
    steps = int(steps)
    if steps < 1:
        raise ValueError("Steps must be at least 1.")
    if not 0 < coverage < 1:
        raise ValueError("coverage must be in (0, 1).")
    domain, layout = model_window(model)
    name = model_name(model)
    series = _series(data, model, domain, layout, time,
                     need_target=layout.target_series in layout.series
                     or intervals)
    n = len(series.values)
    origin = n - 1
    if origin < _first_origin(layout):
        raise ForecastError(
            f"The series has {n} rows; '{name}' needs at least "
            f"{_first_origin(layout) + 1} to make a window.")
    limited = _limited_reason(name, layout, steps)
    n_steps = steps if limited is None else layout.horizon
    values = _paths(model, domain, layout, series.values,
                    np.array([origin]), n_steps)[0]
    if np.isnan(values).any():
        raise ForecastError(
            "The series' last values are missing; the windows to forecast "
            "from are incomplete.")

    lower = upper = np.full(n_steps, np.nan)
    bt = None
    if intervals:
        bt = backtest_result if backtest_result is not None else backtest(
            model, data, steps=n_steps, test_size=test_size, time=time)
        low, high = bt.quantiles(coverage, 0)
        k = min(n_steps, len(low))
        lower, upper = lower.copy(), upper.copy()
        lower[:k] = values[:k] + low[:k]
        upper[:k] = values[:k] + high[:k]
    history = series.target if series.target is not None \
        else np.full(n, np.nan)
    return ForecastResult(
        name=name, target=layout.target_series,
        times=_future_times(series.times, n_steps), forecast=values,
        lower=lower, upper=upper, coverage=coverage, steps_requested=steps,
        limited_reason=limited, time_variable=series.time_var,
        history_times=series.times, history=history, backtest=bt)


def forecast_table(results: Sequence[ForecastResult]) -> Table:
    """Forecasts of one or more models as one Table.

    Columns: the time, then per model ``<var> (forecast)``,
    ``<var> (90%CI low)`` and ``<var> (90%CI high)``; with several models
    the model's name follows, e.g. ``y (forecast, LSTM)``. Rows are future
    steps; a model limited to a shorter horizon has NaN in the rest.
    """
    if not results:
        raise ValueError("No forecast to tabulate.")
    longest = max(results, key=lambda r: r.steps)
    time_var = longest.time_variable
    if isinstance(time_var, TimeVariable):
        time_col = TimeVariable(time_var.name, have_date=time_var.have_date,
                                have_time=time_var.have_time)
    elif time_var is not None:
        time_col = ContinuousVariable(time_var.name)
    else:
        time_col = ContinuousVariable("row", number_of_decimals=0)
    model_names = get_unique_names_duplicates([r.name for r in results])
    attributes, columns = [time_col], [longest.times]
    for result, mname in zip(results, model_names):
        ci = f"{100 * result.coverage:g}%CI"
        suffix = "" if len(results) == 1 else f", {mname}"
        for label, values in ((f"forecast{suffix}", result.forecast),
                              (f"{ci} low{suffix}", result.lower),
                              (f"{ci} high{suffix}", result.upper)):
            attributes.append(
                ContinuousVariable(f"{result.target} ({label})"))
            column = np.full(longest.steps, np.nan)
            column[:len(values)] = values
            columns.append(column)
    names = get_unique_names_duplicates([a.name for a in attributes])
    attributes = [a if a.name == nm else a.copy(name=nm)
                  for a, nm in zip(attributes, names)]
    table = Table.from_numpy(Domain(attributes), np.column_stack(columns))
    table.name = "Forecast"
    return table
