"""Rolling-origin backtests of window models over the last part of a series.

Each origin is the last observed row before a held-out row; from every origin
each model forecasts ``steps`` ahead, as :func:`~.forecasting.forecast` would,
and the errors per step ahead are scored and kept (forecast intervals are
their quantiles). orange3-timeseries models (ARIMA, VAR) are backtested
beside window models (:mod:`.tsmodels`), and every model's intervals are
scored for coverage (:mod:`.calibration`). No Qt, no torch.
"""
from dataclasses import dataclass
from typing import Callable, Optional, Sequence, Union

import numpy as np

from Orange.data import ContinuousVariable, DiscreteVariable, Domain, Table, Variable
from Orange.data.util import get_unique_names_duplicates

from orangecontrib.recurrent.calibration import (
    MIN_ERRORS, achieved_coverage, coverage_table, past_error_bounds,
)
from orangecontrib.recurrent.rollout import (
    ForecastError, forecast_paths, limited_reason, model_name, model_window,
    prepare_series, strategy,
)
from orangecontrib.recurrent.tsmodels import is_ts_model, ts_paths, ts_series
from orangecontrib.recurrent.windowing import held_out_rows

__all__ = ["backtest", "BacktestResult", "naive_scale"]


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
    coverage : float
        Nominal coverage of ``lower`` and ``upper``.
    lower, upper : ndarray, shape (models, origins, steps), or None
        Each model's interval at each origin: its own (ARIMA, VAR) or from
        its errors at earlier origins (see :mod:`.calibration`).
    interval_sources : tuple of str
        Where each model's intervals came from.
    notes : tuple of str
        How each model saw the data (e.g. ARIMA: fitted or re-filtered).
    mase : ndarray, shape (models, steps)
        Mean absolute scaled error: MAE divided by the in-sample MAE of the
        naive one-step forecast (the previous value) on the rows before the
        held-out part (Hyndman & Koehler 2006). Scale-free and finite where
        the series crosses zero; below 1 beats the naive forecast's
        in-sample error. NaN when the series before the held-out part is
        constant.
    strategies : tuple of str
        How each model goes ahead: "recursive", "direct 1..h", "h ahead
        only" (see :func:`.rollout.strategy`), or the time-series model's
        own forecast ("ARIMA(...)" as orange3-timeseries names it).
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
    coverage: float = 0.9
    lower: Optional[np.ndarray] = None
    upper: Optional[np.ndarray] = None
    interval_sources: tuple = ()
    notes: tuple = ()
    mase: Optional[np.ndarray] = None
    strategies: tuple = ()

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
            time_variable=self.time_variable, coverage=self.coverage,
            lower=None if self.lower is None else self.lower[models],
            upper=None if self.upper is None else self.upper[models],
            interval_sources=tuple(self.interval_sources[i] for i in models)
            if self.interval_sources else (),
            notes=tuple(self.notes[i] for i in models) if self.notes else (),
            mase=None if self.mase is None else self.mase[models],
            strategies=tuple(self.strategies[i] for i in models)
            if self.strategies else ())

    def achieved_coverage(self) -> tuple:
        """Share of held-out values inside each model's interval per step
        ahead, and how many origins were scored: ``(share, count)``, each of
        shape (models, steps)."""
        if self.lower is None:
            shape = (len(self.names), self.steps)
            return np.full(shape, np.nan), np.zeros(shape, dtype=int)
        return achieved_coverage(self.actual, self.lower, self.upper)

    def coverage_table(self, max_steps: Optional[int] = None) -> Table:
        """Nominal against achieved coverage per model and step ahead, as a
        Table (see :func:`.calibration.coverage_table`)."""
        share, count = self.achieved_coverage()
        return coverage_table(self.names, self.coverage, share, count,
                              self.interval_sources, max_steps)

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
        """Scores as a Table: Model, Steps ahead, RMSE, MAE, MASE, MAPE; one
        row per model and step ahead (up to ``max_steps``) that has
        scores."""
        max_steps = self.steps if max_steps is None \
            else min(int(max_steps), self.steps)
        model_var = DiscreteVariable(
            "Model", values=get_unique_names_duplicates(list(self.names)))
        domain = Domain([model_var,
                         ContinuousVariable("Steps ahead", number_of_decimals=0),
                         ContinuousVariable("RMSE"), ContinuousVariable("MAE"),
                         ContinuousVariable("MASE"),
                         ContinuousVariable("MAPE")])
        mase = self.mase if self.mase is not None \
            else np.full_like(self.mae, np.nan)
        rows = [(m, s + 1, self.rmse[m, s], self.mae[m, s], mase[m, s],
                 self.mape[m, s])
                for m in range(len(self.names)) for s in range(max_steps)
                if not np.isnan(self.rmse[m, s])]
        X = np.array(rows, dtype=float).reshape(len(rows), 6)
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


def naive_scale(target: np.ndarray) -> float:
    """MASE's denominator: the mean absolute one-step change of ``target``
    (the in-sample naive forecast's MAE), over known consecutive values;
    NaN when there is none or the series is constant."""
    changes = np.abs(np.diff(np.asarray(target, dtype=float)))
    changes = changes[~np.isnan(changes)]
    scale = float(np.mean(changes)) if len(changes) else np.nan
    return scale if scale > 0 else np.nan


def backtest(models, data: Table, steps: int = 1,
             test_size: Union[float, int] = 0.2, time=None,
             names: Optional[Sequence[str]] = None,
             progress_callback: Optional[Callable[[float], None]] = None,
             coverage: float = 0.9, refit: bool = False
             ) -> BacktestResult:
    """Rolling-origin backtest over the last part of a series.

    Parameters
    ----------
    models : Model or list of Models
        Regression models trained on window tables (see :func:`forecast`),
        or orange3-timeseries models (ARIMA, VAR; see :mod:`.tsmodels`).
    data : Table
        The series table, rows are time points (sorted by its time variable
        as windowing does); an orange3-timeseries Timeseries works too.
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
    coverage : float
        Nominal coverage of the intervals whose achieved coverage is
        measured (``lower``, ``upper``, :meth:`BacktestResult.coverage_table`).
    refit : bool
        Time-series models: re-estimate the parameters at every origin
        instead of once on the rows before the held-out part.

    Returns
    -------
    BacktestResult
        Forecasts, actual values, scores and intervals per model and step
        ahead. Each step is one model call for all origins.
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
    if not 0 < coverage < 1:
        raise ValueError("coverage must be in (0, 1).")
    windows = [None if is_ts_model(m) else model_window(m) for m in models]
    if data is None or len(data) == 0:
        raise ForecastError("The data is empty.")
    n = len(data)
    # A time-series model counts as a window of one row and horizon 1.
    longest = max((w[1].window_length + w[1].horizon for w in windows if w),
                  default=2)
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
    window_targets = {w[1].target_series for w in windows if w}
    default_target = window_targets.pop() if len(window_targets) == 1 else None

    shape = (len(models), len(origins), steps)
    actual, predictions = np.full(shape, np.nan), np.full(shape, np.nan)
    lower, upper = np.full(shape, np.nan), np.full(shape, np.nan)
    limited, targets, sources, notes, scales, strategies = \
        [], [], [], [], [], []
    times, time_var = None, None
    for i, (model, window) in enumerate(zip(models, windows)):
        progress = None if progress_callback is None else (
            lambda done, i=i: progress_callback((i + done) / len(models)))
        if window is None:
            series = ts_series(model, data, time, default_target)
            target, values = series.target, series.values[:, 0]
            paths = ts_paths(model, series.values, origins, steps, coverage,
                             refit)
            predictions[i], lower[i], upper[i] = \
                paths.forecast, paths.lower, paths.upper
            # Scored at the origins where a window model can have a band
            # from past errors, so that coverages compare like with like.
            early = np.arange(len(origins))[:, None] \
                < MIN_ERRORS + np.arange(steps)[None, :]
            lower[i][early] = upper[i][early] = np.nan
            limited.append(None)
            sources.append("model's own")
            notes.append(paths.note)
            strategies.append(str(model))
            if progress is not None:
                progress(1)
        else:
            domain, layout = window
            series = prepare_series(data, model, domain, layout, time)
            target, values = layout.target_series, series.target
            predictions[i] = forecast_paths(model, domain, layout,
                                            series.values, origins, steps,
                                            progress)
            limited.append(limited_reason(model_name(model), layout, steps))
            sources.append("earlier held-out errors")
            notes.append(None)
            strategies.append(strategy(layout))
        if times is None:
            times, time_var = series.times[origins + 1], series.time_var
        targets.append(target)
        actual[i] = np.where(beyond, np.nan, values[step_index])
        scales.append(naive_scale(values[:n - n_test]))
        if window is not None:
            lower[i], upper[i] = past_error_bounds(actual[i], predictions[i],
                                                   coverage)
    scores = [_scores(actual[i], predictions[i]) for i in range(len(models))]
    rmse, mae, mape = (np.array([s[k] for s in scores]) for k in range(3))
    return BacktestResult(
        names=tuple(names) if names is not None
        else tuple(model_name(m) for m in models),
        targets=tuple(targets),
        steps=steps, times=times, actual=actual, predictions=predictions,
        rmse=rmse, mae=mae, mape=mape, limited=tuple(limited),
        time_variable=time_var, coverage=coverage, lower=lower, upper=upper,
        interval_sources=tuple(sources), notes=tuple(notes),
        mase=mae / np.array(scales)[:, None],
        strategies=tuple(strategies))
