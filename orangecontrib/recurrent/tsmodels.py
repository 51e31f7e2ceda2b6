"""orange3-timeseries models (ARIMA, VAR) beside window models.

orange3-timeseries' model widgets output a model object (``_BaseModel``:
``fit(endog)``, ``predict(steps, alpha=...)``, statsmodels results in
``results``), usually not yet fitted; its Model Evaluation fits it itself.
This module does the same for :func:`~.forecasting.forecast` and
:func:`~.backtesting.backtest`:

- the series is the one column the model forecasts (ARIMA; the table's
  class variable, else its only numeric column), or that column followed by
  the table's other numeric columns (VAR), in time order with inner gaps
  filled as windowing does;
- a *copy* of the model is fitted (the model passed in is not changed);
- paths from many origins: the parameters are estimated once on the rows up
  to the first origin, and at each later origin the model is re-filtered
  with these fixed parameters on the rows up to that origin (statsmodels'
  ``results.apply``; for a VAR the last ``k_ar`` rows are its whole state),
  so no origin sees a later value. ``refit=True`` re-estimates the
  parameters at every origin instead (about 10x slower for an ARIMA(2,1,1)
  on the airline series: 0.45 s against 0.05 s of CPU for 29 origins).
- intervals are the model's own (Gaussian, from statsmodels).

orange3-timeseries is never imported here: a model is recognised by its
class, whose module is loaded whenever such a model exists.
"""
import sys
import warnings
from dataclasses import dataclass
from typing import Optional

import numpy as np
from scipy.stats import norm

from Orange.data import Table, Variable

from orangecontrib.recurrent.rollout import ForecastError, model_name
from orangecontrib.recurrent.series import choose_time_variable, series_columns

__all__ = ["is_ts_model", "ts_target", "TsSeries", "ts_series", "TsPaths",
           "ts_paths", "MissingTargetError"]

TS_MODULE = "orangecontrib.timeseries.models"


class MissingTargetError(ForecastError):
    """The table does not say which column a time-series model forecasts."""


def is_ts_model(model) -> bool:
    """True for an orange3-timeseries model (ARIMA, VAR, ...)."""
    module = sys.modules.get(TS_MODULE)
    base = getattr(module, "_BaseModel", None)
    return base is not None and isinstance(model, base)


def _is_var(model) -> bool:
    return bool(getattr(model, "SUPPORTS_VECTOR", False))


def _numeric(data: Table, time_var: Optional[Variable]) -> list:
    return [v.name for v in data.domain.attributes + data.domain.class_vars
            if v.is_continuous and (time_var is None or v.name != time_var.name)]


def ts_target(model, data: Table, default: Optional[str] = None,
              time=None) -> str:
    """The column ``model`` forecasts: the table's numeric class variable,
    else ``default`` (the target of the window models beside it), else the
    table's only numeric column; raises :class:`MissingTargetError`."""
    name = model_name(model)
    if data is None or len(data) == 0:
        raise ForecastError("The data is empty.")
    if getattr(model, "use_exog", False):
        raise ForecastError(
            f"'{name}' uses exogenous variables (ARIMAX), whose future "
            "values are unknown; use an ARIMA without them.")
    class_var = data.domain.class_var
    if class_var is not None and class_var.is_continuous:
        return class_var.name
    if default is not None and default in data.domain \
            and data.domain[default].is_continuous:
        return default
    try:
        time_var = choose_time_variable(data, time)
    except ValueError as err:
        raise ForecastError(str(err)) from None
    numeric = _numeric(data, time_var)
    if len(numeric) == 1:
        return numeric[0]
    raise MissingTargetError(
        f"'{name}': the data has {len(numeric)} numeric columns and no "
        "numeric target; set the series to forecast as the target "
        "(Select Columns).")


@dataclass(frozen=True)
class TsSeries:
    """The columns a time-series model reads, in time order."""
    target: str
    values: np.ndarray            # (rows, k); column 0 is the target
    times: np.ndarray
    time_var: Optional[Variable]


def ts_series(model, data: Table, time=None,
              default: Optional[str] = None) -> TsSeries:
    """The target (and for a VAR the other numeric columns) of ``data``,
    sorted by time and with inner gaps interpolated."""
    target = ts_target(model, data, default, time)
    try:
        time_var = choose_time_variable(data, time)
    except ValueError as err:
        raise ForecastError(str(err)) from None
    names = [target]
    if _is_var(model):
        names += [n for n in _numeric(data, time_var) if n != target]
        if len(names) < 2:
            raise ForecastError(
                f"'{model_name(model)}' is a vector model; the data has only "
                f"one numeric column, '{target}'.")
    prepared = series_columns(data, names, time_var)
    values = np.column_stack([prepared.columns[n] for n in names])
    return TsSeries(target, values, prepared.times, time_var)


@dataclass(frozen=True)
class TsPaths:
    """Forecasts and the model's own interval bounds, (origins, steps) each,
    and a sentence on how the model saw the data."""
    forecast: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    note: str


def _fit(model, endog: np.ndarray):
    """A fitted copy of ``model`` on ``endog`` (rows, k)."""
    if np.isnan(endog).any():
        raise ForecastError(
            f"'{model_name(model)}': the series has missing values at its "
            "start or end, which cannot be interpolated.")
    fitted = model.copy()
    fitted.clear()
    data = endog if _is_var(model) else endog[:, 0]
    with warnings.catch_warnings():
        # statsmodels warns about frequencies and convergence on every fit;
        # the numbers it returns are what is scored.
        warnings.simplefilter("ignore")
        try:
            fitted.fit(data)
        except Exception as err:  # statsmodels raises many kinds
            raise ForecastError(
                f"'{model_name(model)}' could not be fitted: {err}") from err
    return fitted


def _one_origin(fitted, endog: np.ndarray, n_steps: int, alpha: float,
                refilter: bool) -> np.ndarray:
    """(3, n_steps): forecast, lower, upper of the target from the end of
    ``endog``."""
    results = fitted.results
    if hasattr(results, "k_ar"):            # VAR: the lags are its state
        k = max(int(results.k_ar), 1)
        mean = results.forecast(endog[-k:], n_steps)[:, 0]
        sigma = np.sqrt(np.abs(results.mse(n_steps)[:, 0, 0]))
        half = norm.ppf(1 - alpha / 2) * sigma
        return np.array([mean, mean - half, mean + half])
    if refilter:
        results = results.apply(endog[:, 0])
    prediction = results.get_forecast(n_steps)
    bounds = np.asarray(prediction.conf_int(alpha=alpha))
    return np.array([np.asarray(prediction.predicted_mean),
                     bounds[:, 0], bounds[:, 1]])


def ts_paths(model, values: np.ndarray, origins: np.ndarray, n_steps: int,
             coverage: float = 0.9, refit: bool = False) -> TsPaths:
    """Forecasts of steps 1..n_steps from each origin (the index of the last
    observed row) with the model's own ``coverage`` intervals.

    The parameters are fitted on ``values[:origins[0] + 1]``; at each origin
    the model is re-filtered on the rows up to it with those parameters, or
    (``refit``) fitted anew on them.
    """
    origins = np.asarray(origins)
    alpha = 1 - coverage
    out = np.full((3, len(origins), n_steps), np.nan)
    first = int(origins[0]) + 1
    fitted = None if refit else _fit(model, values[:first])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, origin in enumerate(origins):
            seen = values[:int(origin) + 1]
            if refit:
                out[:, i] = _one_origin(_fit(model, seen), seen, n_steps,
                                        alpha, False)
            else:
                out[:, i] = _one_origin(fitted, seen, n_steps, alpha,
                                        len(seen) != first)
    if refit:
        note = (f"'{model_name(model)}': parameters re-estimated at every "
                "origin on the rows up to it.")
    else:
        note = (f"'{model_name(model)}': parameters estimated on the "
                f"{first} rows up to the first origin, then re-filtered "
                "with them at each origin on the rows up to it.")
    return TsPaths(out[0], out[1], out[2], note)
