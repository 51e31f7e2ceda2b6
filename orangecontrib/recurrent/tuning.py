"""Hyperparameter search for any Orange learner: grid, random or Bayesian.

:func:`tune` copies a learner once per trial, sets the chosen parameters on
the copy, fits it on a training part of the data and scores it on a held-out
validation part. The split respects time: rows that are windows of one series
(the window-metadata contract, :func:`~orangecontrib.recurrent.windowing.
window_layout`) are validated on their chronological tail; independent rows on
a seeded random part, stratified by class for a discrete target. The scorer
follows the target: RMSE for a numeric one (lower is better), classification
accuracy for a discrete one (higher is better).

This module imports neither Qt nor torch (a trial imports torch only if its
learner does); Optuna, for ``method="bayes"``, is imported when it is used.
"""
import time
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

import numpy as np

from Orange.data import ContinuousVariable, Domain, StringVariable, Table

from orangecontrib.recurrent.searchspace import (
    LogRange, Range, check_space, learner_with, optuna_suggest,
    parse_values, planned_points, tunable_parameters,
)
from orangecontrib.recurrent.windowing import held_out_rows, window_layout

# The search space's names are re-exported: one import for callers.
__all__ = ["tune", "TuneResult", "Trial", "METHODS", "validation_split",
           "best_of", "trials_table", "Range", "LogRange", "parse_values",
           "tunable_parameters", "learner_with"]

METHODS = ("grid", "random", "bayes")
SPLIT_CHRONOLOGICAL = "chronological tail"
SPLIT_STRATIFIED = "stratified random"
SPLIT_RANDOM = "random"


@dataclass
class Trial:
    """One tried point: its parameters, validation score and costs.

    ``epochs`` is the model's ``epochs_trained`` (None for models that do not
    report it); ``fit_seconds`` is wall-clock time of the fit and
    ``cpu_seconds`` the process's CPU time over it (all threads).
    """
    number: int
    params: dict
    score: float
    epochs: Optional[int]
    fit_seconds: float
    cpu_seconds: float


@dataclass
class TuneResult:
    """What :func:`tune` found.

    Attributes
    ----------
    trials : list of Trial
        In the order they ran.
    best_params : dict
        The parameters of the best trial (None if no trial finished).
    best_learner : Learner
        A copy of the learner with ``best_params`` set.
    scorer, higher_is_better : str, bool
        "RMSE" (lower is better) or "CA" (higher is better).
    method, split : str
        The search method and the validation split (``SPLIT_*``).
    train_rows, validation_rows : np.ndarray
        Row indices of ``data`` used to fit and to score each trial.
    n_planned : int
        Trials the search meant to run; ``cancelled`` says whether the
        callback stopped it before that.
    """
    trials: list
    best_params: Optional[dict]
    best_learner: object
    scorer: str
    higher_is_better: bool
    method: str
    split: str
    train_rows: np.ndarray
    validation_rows: np.ndarray
    n_planned: int
    cancelled: bool = False
    space: dict = field(default_factory=dict)

    @property
    def best_trial(self) -> Optional[Trial]:
        return best_of(self.trials, self.higher_is_better)

    @property
    def table(self) -> Table:
        """One row per trial: parameters, score, epochs, fit seconds."""
        return trials_table(self.trials, list(self.space), self.scorer)


def best_of(trials: Sequence[Trial], higher_is_better: bool) -> Optional[Trial]:
    scored = [t for t in trials if np.isfinite(t.score)]
    if not scored:
        return None
    sign = -1 if higher_is_better else 1
    # ties: the earlier trial (min is stable)
    return min(scored, key=lambda t: sign * t.score)


def trials_table(trials: Sequence[Trial], names: Sequence[str],
                 scorer: str) -> Table:
    """Trials as an Orange Table. Numeric parameters are numeric columns,
    others (e.g. the cell) text metas."""
    numeric = [n for n in names if all(
        isinstance(t.params[n], (int, float, np.number))
        and not isinstance(t.params[n], bool) for t in trials)] \
        if trials else list(names)
    text = [n for n in names if n not in numeric]
    attrs = [ContinuousVariable(n) for n in numeric] \
        + [ContinuousVariable("epochs"),
           ContinuousVariable("fit time (s, wall)"),
           ContinuousVariable("fit time (s, CPU)")]
    domain = Domain(attrs, ContinuousVariable(f"validation {scorer}"),
                    metas=[ContinuousVariable("trial")]
                    + [StringVariable(n) for n in text])
    X = np.array([[float(t.params[n]) for n in numeric]
                  + [np.nan if t.epochs is None else t.epochs,
                     t.fit_seconds, t.cpu_seconds] for t in trials],
                 dtype=float).reshape(len(trials), len(attrs))
    y = np.array([t.score for t in trials], dtype=float)
    metas = np.array([[t.number] + [str(t.params[n]) for n in text]
                      for t in trials], dtype=object
                     ).reshape(len(trials), 1 + len(text))
    table = Table.from_numpy(domain, X, y, metas)
    table.name = "Trials"
    return table


def validation_split(data: Table, validation_size: float = 0.2,
                     random_state: Optional[int] = 0) -> tuple:
    """Row indices ``(train, validation, split)`` for scoring trials.

    Windows of one series: the last rows validate (no future in training).
    Independent rows: a seeded random share, stratified by a discrete class
    when every class has at least two rows.
    """
    n = len(data)
    n_val = held_out_rows(n, validation_size)
    rows = np.arange(n)
    if window_layout(data.domain) is not None:
        # as chronological_split: the first rows train, the last validate
        return rows[:n - n_val], rows[n - n_val:], SPLIT_CHRONOLOGICAL
    rng = np.random.default_rng(random_state)
    class_var = data.domain.class_var
    if class_var is not None and class_var.is_discrete:
        y = data.get_column(class_var)
        classes, counts = np.unique(y[~np.isnan(y)], return_counts=True)
        if len(classes) > 1 and counts.min() >= 2:
            # each class gives its share of the validation rows (at least 1)
            val = []
            for c, count in zip(classes, counts):
                members = rng.permutation(rows[y == c])
                k = min(max(int(round(count * n_val / n)), 1), count - 1)
                val.extend(members[:k])
            val = np.sort(np.array(val, dtype=int))
            return np.setdiff1d(rows, val), val, SPLIT_STRATIFIED
    val = np.sort(rng.permutation(n)[:n_val])
    return np.setdiff1d(rows, val), val, SPLIT_RANDOM


def _score(model, data: Table) -> float:
    """RMSE or accuracy on the rows whose target is known."""
    data = data[~np.isnan(data.Y.ravel())]
    if len(data) == 0:
        raise ValueError("no validation row has a known target")
    y = data.Y.ravel()
    pred = np.asarray(model(data), dtype=float).ravel()
    if data.domain.class_var.is_discrete:
        return float(np.mean(pred == y))
    return float(np.sqrt(np.mean((pred - y) ** 2)))


def _optuna_study(higher_is_better: bool, random_state, n_trials: int):
    try:
        import optuna  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise ImportError(
            "Bayesian search needs Optuna, which is not installed: "
            "pip install optuna") from None
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna.create_study(
        direction="maximize" if higher_is_better else "minimize",
        # TPE starts with 10 random points by default, so a budget of 10 or
        # fewer would be a random search; a third of the budget (2..10) is.
        sampler=optuna.samplers.TPESampler(
            seed=random_state,
            n_startup_trials=max(2, min(10, n_trials // 3))))


def tune(learner, data: Table, space: dict, method: str = "grid",
         n_trials: Optional[int] = None, random_state: Optional[int] = 0,
         callback: Optional[Callable] = None,
         validation_size: float = 0.2) -> TuneResult:
    """Search ``learner``'s parameters for the best validation score.

    Parameters
    ----------
    learner : Orange Learner
        Any learner whose parameters are attributes (or, for scikit-learn
        wrappers, keys of ``learner.params``). It is not changed; each trial
        fits a deep copy with the callback removed.
    data : Table
        With one target: numeric (scored by RMSE) or discrete (by accuracy).
    space : dict
        Parameter name -> list of values; for "random" and "bayes" also a
        range: ``(low, high)`` or :class:`Range` (uniform; ints if both ends
        are), :class:`LogRange` (log-uniform).
    method : "grid", "random" or "bayes"
        Every combination (in order; ``n_trials`` caps it); ``n_trials``
        seeded random points (lists only: grid points without repeats); or
        Optuna's TPE sampler (needs ``pip install optuna``), whose first
        third of the trials (2 to 10) are random points.
    n_trials : int, optional
        The budget; needed for "random" and "bayes" (default 10).
    random_state : int or None
        Seeds the validation split and the sampling of points.
    callback : callable(done, total, trial) -> bool, optional
        Called after each trial; returning True stops the search, and the
        result keeps the trials done with ``cancelled=True``.
    validation_size : float
        Share of the rows (or a row count) held out to score each trial.

    Returns
    -------
    TuneResult
    """
    if method not in METHODS:
        raise ValueError(f"Unknown method '{method}'; choose one of "
                         f"{', '.join(METHODS)}.")
    if data is None or len(data) < 2:
        raise ValueError("Tuning needs data with at least two rows.")
    class_var = data.domain.class_var
    if class_var is None or len(data.domain.class_vars) != 1:
        raise ValueError("Tuning needs data with exactly one target.")
    if n_trials is not None and int(n_trials) < 1:
        raise ValueError("n_trials must be at least 1.")
    space = check_space(learner, space, method)
    if method != "grid" and n_trials is None:
        n_trials = 10
    higher = class_var.is_discrete
    scorer = "CA" if higher else "RMSE"
    train_rows, val_rows, split = validation_split(
        data, validation_size, random_state)
    train, valid = data[train_rows], data[val_rows]

    rng = np.random.default_rng(random_state)
    study = None
    if method == "bayes":
        total = int(n_trials)
        study = _optuna_study(higher, random_state, total)
        points = None
    else:
        points = planned_points(space, method, n_trials, rng)
        for point in points:  # bad values fail before any fit
            learner_with(learner, point)
        total = len(points)

    trials, cancelled = [], False
    for number in range(total):
        if study is not None:
            ask = study.ask()
            params = {n: optuna_suggest(ask, n, v) for n, v in space.items()}
        else:
            params = points[number]
        trial = _run_trial(learner, params, number, train, valid)
        trials.append(trial)
        if study is not None:
            study.tell(ask, trial.score if np.isfinite(trial.score)
                       else None, state=None if np.isfinite(trial.score)
                       else _failed_state())
        if callback is not None and callback(number + 1, total, trial) \
                and number + 1 < total:
            cancelled = True
            break

    best = best_of(trials, higher)
    return TuneResult(
        trials=trials, best_params=dict(best.params) if best else None,
        best_learner=learner_with(learner, best.params) if best else None,
        scorer=scorer, higher_is_better=higher, method=method, split=split,
        train_rows=train_rows, validation_rows=val_rows, n_planned=total,
        cancelled=cancelled, space=space)


def _failed_state():
    import optuna  # pylint: disable=import-outside-toplevel
    return optuna.trial.TrialState.FAIL


def _run_trial(learner, params: dict, number: int, train: Table,
               valid: Table) -> Trial:
    candidate = learner_with(learner, params)
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        model = candidate(train)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        score = _score(model, valid)
    except Exception as err:  # say which point failed, keep the cause
        raise ValueError(f"Trial {number + 1} ({_describe(params)}) failed: "
                         f"{err}") from err
    epochs = getattr(model, "epochs_trained", None)
    return Trial(number=number + 1, params=dict(params),
                 score=score,
                 epochs=None if epochs is None else int(epochs),
                 fit_seconds=wall, cpu_seconds=cpu)


def _describe(params: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items())
