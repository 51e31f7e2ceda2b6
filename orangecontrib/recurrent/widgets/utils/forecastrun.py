"""Forecast Plot's work: which models can forecast the data, and the
backtest and forecasts that run in its worker thread (no Qt widgets here).

Window models (anything trained on Windowing's output) and orange3-timeseries
models (ARIMA, VAR; :mod:`orangecontrib.recurrent.tsmodels`) go through the
same backtest, so their scores and interval coverage land in one result.
"""
from typing import List

from Orange.data import Table
from Orange.widgets.utils.concurrent import TaskState

from orangecontrib.recurrent.forecasting import (
    CategoricalTargetError, ForecastError, MissingSeriesError,
    NotWindowedError, backtest, check_model, forecast, model_name,
)
from orangecontrib.recurrent.tsmodels import ts_target
from orangecontrib.recurrent.widgets.utils.forecastplot import Results

__all__ = ["Cancelled", "run", "check_models", "quoted"]


class Cancelled(Exception):
    """The widget asked the worker to stop."""


def quoted(names: List[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def check_models(models: list, ts_models: list, data: Table) -> tuple:
    """Models that can forecast ``data``, and what is wrong with the others:
    ``(valid, problems)``, where problems maps an Error message's name to
    its text (None when nothing is)."""
    not_windowed, categorical, missing, ts_failed, valid = [], [], [], [], []
    for model in models:
        try:
            check_model(model, data)
        except NotWindowedError:
            not_windowed.append(model_name(model))
        except CategoricalTargetError:
            categorical.append(model_name(model))
        except MissingSeriesError as error:
            missing.append(str(error))
        else:
            valid.append(model)
    targets = {check_model(m, data)[1].target_series for m in valid}
    default = targets.pop() if len(targets) == 1 else None
    for model in ts_models:
        try:
            ts_target(model, data, default)
        except ForecastError as error:
            ts_failed.append(str(error))
        else:
            valid.append(model)
    problems = dict(
        not_windowed=quoted(not_windowed) or None,
        categorical_target=quoted(categorical) or None,
        missing_series=" ".join(missing) or None,
        ts_model=" ".join(ts_failed) or None)
    return valid, problems


def run(data: Table, models: list, names: list, steps: int, coverage: float,
        test_size: float, score_steps: int, state: TaskState) -> Results:
    """Backtest all models (batched per step), then forecast with each.

    The backtest goes as far ahead as the forecast, so that every step of
    the forecast gets a band from the model's own held-out errors (a
    time-series model's bands are its own); the backtest's intervals are
    at the same coverage, so their achieved coverage can be compared.
    """
    def progress(share):
        if state.is_interruption_requested():
            raise Cancelled
        state.set_progress_value(95 * share)

    state.set_status("Backtesting ...")
    tested = backtest(models, data, steps=max(steps, score_steps),
                      test_size=test_size, names=names,
                      progress_callback=progress, coverage=coverage)
    state.set_status("Forecasting ...")
    forecasts = []
    for i, model in enumerate(models):
        result = forecast(model, data, steps, coverage,
                          backtest_result=tested.subset([i]))
        forecasts.append(result)
    return Results(tested, forecasts)
