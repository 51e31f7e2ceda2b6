"""Multi-step forecasts for models fit on windows, with intervals.

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

orange3-timeseries models (ARIMA, VAR) forecast too: a copy is fitted on the
series and its own intervals are given (:mod:`.tsmodels`).

This module imports neither Qt nor torch. How the model is run forward is
:mod:`.rollout`; the backtest the intervals come from is :mod:`.backtesting`.
"""
from dataclasses import dataclass, field
from typing import Optional, Sequence, Union

import numpy as np

from Orange.data import ContinuousVariable, Domain, Table, TimeVariable, Variable
from Orange.data.util import get_unique_names_duplicates

from orangecontrib.recurrent.backtesting import BacktestResult, backtest
from orangecontrib.recurrent.tsmodels import is_ts_model, ts_paths, ts_series
from orangecontrib.recurrent.rollout import (
    CategoricalTargetError, ForecastError, MissingSeriesError,
    NotWindowedError, check_model, first_origin, forecast_paths,
    future_times, limited_reason, model_name, model_window, prepare_series,
)

__all__ = [
    "forecast", "backtest", "forecast_table", "ForecastResult",
    "BacktestResult", "ForecastError", "NotWindowedError",
    "CategoricalTargetError", "MissingSeriesError", "model_window",
    "model_name", "check_model",
]


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
    method : str or None
        How the forecast was made, when it is not the recursive default
        (a time-series model's fit, a direct multi-step model).
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
    method: Optional[str] = None

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
    model : Orange Model or orange3-timeseries model
        A regression model trained on a window table (any learner: the
        model only sees the attributes' values), or an ARIMA/VAR model as
        orange3-timeseries' widgets output it (fitted here on ``data``).
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
    if is_ts_model(model):
        return _ts_forecast(model, data, steps, coverage, time, intervals,
                            backtest_result)
    domain, layout = model_window(model)
    name = model_name(model)
    series = prepare_series(data, model, domain, layout, time,
                     need_target=layout.target_series in layout.series
                     or intervals)
    n = len(series.values)
    origin = n - 1
    if origin < first_origin(layout):
        raise ForecastError(
            f"The series has {n} rows; '{name}' needs at least "
            f"{first_origin(layout) + 1} to make a window.")
    limited = limited_reason(name, layout, steps)
    n_steps = steps if limited is None else layout.horizon
    values = forecast_paths(model, domain, layout, series.values,
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
    method = None
    if layout.direct:
        method = (f"direct: steps 1..{layout.horizon} at once from the last "
                  "window" + (f"; further steps in blocks of "
                              f"{layout.horizon}, each from the window "
                              "ending in the block before"
                              if n_steps > layout.horizon else ""))
    return ForecastResult(
        name=name, target=layout.target_series,
        times=future_times(series.times, n_steps), forecast=values,
        lower=lower, upper=upper, coverage=coverage, steps_requested=steps,
        limited_reason=limited, time_variable=series.time_var,
        history_times=series.times, history=history, backtest=bt,
        method=method)


def _ts_forecast(model, data: Table, steps: int, coverage: float, time,
                 intervals: bool, backtest_result: Optional[BacktestResult]
                 ) -> ForecastResult:
    """An orange3-timeseries model: a copy fitted on all of ``data``, its
    own intervals."""
    # The window models' target when backtested beside them.
    default = backtest_result.targets[0] if backtest_result is not None \
        else None
    series = ts_series(model, data, time, default)
    n = len(series.values)
    paths = ts_paths(model, series.values, np.array([n - 1]), steps,
                     coverage)
    lower, upper = (paths.lower[0], paths.upper[0]) if intervals \
        else (np.full(steps, np.nan), np.full(steps, np.nan))
    return ForecastResult(
        name=model_name(model), target=series.target,
        times=future_times(series.times, steps), forecast=paths.forecast[0],
        lower=lower, upper=upper, coverage=coverage, steps_requested=steps,
        time_variable=series.time_var, history_times=series.times,
        history=series.values[:, 0], backtest=backtest_result,
        method=f"fitted on all {n} rows; the model's own intervals")


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
