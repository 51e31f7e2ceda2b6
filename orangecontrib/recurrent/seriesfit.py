"""Training a recurrent network on numeric sequences: the rows made ready
(checked, viewed as ``(rows, steps, series)``, their statistics) and one
network fit on them, global or relative.

The learner (:mod:`orangecontrib.recurrent.learner`) decides how many
networks to fit and which to keep (:mod:`orangecontrib.recurrent.autonorm`);
this module fits one. torch is imported only inside :func:`fit_series`.
"""
from dataclasses import dataclass, replace
from typing import Optional

import numpy as np
import scipy.sparse as sp

from Orange.data import Domain, Table

from orangecontrib.recurrent.model import RecurrentModel
from orangecontrib.recurrent.options import (
    CLASSIFICATION, LOG, REGRESSION, RELATIVE,
)
from orangecontrib.recurrent.reports import LOSS_CHANGE
from orangecontrib.recurrent.scaling import (
    check_inputs_vary, check_target_varies, class_shares, missing_message,
    relative_target, safe_scale, series_statistics,
)
from orangecontrib.recurrent.sizing import plan_training
from orangecontrib.recurrent.windowing import sequences_from_rows

__all__ = ["SeriesData", "prepare_series", "series_rows", "fit_series"]


@dataclass
class SeriesData:
    """Training rows as the network reads them.

    ``X`` is the table's 2-D array; ``sequences`` a view of it as
    ``(rows, steps, series)``; ``y`` the target (float64; ``(rows, h)`` for
    h numeric targets, as direct multi-step windows have); ``targets`` the
    class indices (classification) or None; ``mean``/``std`` the inputs'
    per-series statistics; ``target_index`` the target's series in the
    window (None when it is not there; regression only).
    """
    domain: Domain
    X: np.ndarray
    sequences: np.ndarray
    y: np.ndarray
    task: str
    n_outputs: int
    mean: np.ndarray
    std: np.ndarray
    targets: Optional[np.ndarray] = None
    prior: Optional[np.ndarray] = None
    target_index: Optional[int] = None


def prepare_series(data: Table, normalization: str) -> SeriesData:
    """Check the rows and view them as sequences; no copy, no cast.

    Raises ValueError for empty or one-row data, missing or infinite inputs,
    a constant input series, a missing or constant target, a single class,
    and a normalization the data does not allow.
    """
    domain = data.domain
    if len(data) == 0:
        raise ValueError("The data is empty.")
    if len(data) < 2:
        raise ValueError("Training needs at least two rows.")
    X = data.X.toarray() if sp.issparse(data.X) else data.X
    # A view of the data (a reshape when the window's columns are in order,
    # as make_windows puts them): the network standardizes, and training
    # casts each batch; only a GPU gets a float32 copy.
    dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
    sequences = sequences_from_rows(X, domain, dtype=dtype)
    mean, std, finite = series_statistics(sequences)
    if not finite:
        raise ValueError(missing_message(X, domain))
    check_inputs_vary(domain, mean, std)

    class_var = domain.class_var or domain.class_vars[0]
    n_targets = len(domain.class_vars)
    y = np.asarray(data.Y, dtype=np.float64).reshape(len(data), n_targets)
    if n_targets == 1:
        y = y[:, 0]
    if not np.isfinite(y).all():
        raise ValueError(
            f"The target '{class_var.name}' has missing values in "
            f"{int((~np.isfinite(y.reshape(len(y), -1)).any(axis=1)).sum())}"
            " rows. Let Windowing interpolate the series, or remove those "
            "rows.")
    series = SeriesData(domain, X, sequences, y, REGRESSION, n_targets,
                        mean, std)
    if class_var.is_continuous:
        for i, var in enumerate(domain.class_vars):
            check_target_varies(var.name, y if n_targets == 1 else y[:, i])
        series.target_index = relative_target(domain)
        if normalization in (RELATIVE, LOG) \
                and series.target_index is None:
            raise ValueError(
                f"Relative normalization predicts the change of the target "
                f"from its series' last value in the window, but the target "
                f"'{class_var.name}' is not among the window's series. Add "
                "it to the series in Windowing, or use global normalization.")
        if normalization == LOG and not (np.all(sequences > 0)
                                         and np.all(y > 0)):
            raise ValueError(
                "Log normalization reads logarithms, so every value of the "
                "windows and of the target must be positive; use relative "
                "or global normalization.")
    else:
        if normalization in (RELATIVE, LOG):
            raise ValueError(
                f"{normalization.capitalize()} normalization is for numeric "
                f"targets (it predicts a change); '{class_var.name}' is "
                "categorical. Use global "
                "(or auto, which is global here).")
        series.task = CLASSIFICATION
        series.n_outputs = len(class_var.values)
        series.targets = y.astype(np.int64)
        series.prior = class_shares(series.targets, class_var)
    return series


def series_rows(series: SeriesData, rows: np.ndarray) -> SeriesData:
    """``rows`` of ``series`` as a table of their own (a fold of
    cross-validation): the inputs' statistics and the class prior of those
    rows only, so nothing of the other rows reaches a network fit on them
    (a series constant within ``rows`` keeps the whole table's spread)."""
    rows = np.asarray(rows)
    sequences = series.sequences[rows]
    mean, std, _ = series_statistics(sequences)
    std = np.where(std > 0, std, series.std)
    targets = prior = None
    if series.targets is not None:
        targets = series.targets[rows]
        domain = series.domain
        prior = class_shares(targets, domain.class_var or
                             domain.class_vars[0])
    return replace(series, X=series.X[rows], sequences=sequences,
                   y=series.y[rows], mean=mean, std=std, targets=targets,
                   prior=prior)


def _target_scaling(y: np.ndarray, relative: bool = True) -> tuple:
    """Mean and scale of the targets: floats for one target, arrays of h
    for h targets (each step ahead its own, as changes grow with it)."""
    if y.ndim == 1:
        mean = float(y.mean())
        std = float(y.std())
        return mean, safe_scale(std, mean) if relative else std
    mean, std = y.mean(axis=0), y.std(axis=0)
    scale = np.array([safe_scale(s, m) if relative else s
                      for s, m in zip(std, mean)])
    return mean, scale


def fit_series(learner, series: SeriesData, relative: bool,
               run: int = 1, log: bool = False,
               frontend: Optional[str] = None,
               trying: str = "") -> RecurrentModel:
    """Train one network, global or relative, with ``learner``'s parameters
    and return it as a RecurrentModel (whose target scaling is of the changes
    when relative). ``run`` numbers the network in its fit's epoch reports.
    ``log`` (with ``relative``): of the changes of the logarithms, for a
    positive series whose swings grow with its level. ``frontend``: the
    input front-end, instead of the learner's (what "auto" decided);
    ``trying``: what the epoch reports say this network is tried for.
    """
    # pylint: disable=import-outside-toplevel
    from orangecontrib.recurrent.frontends import patch_size_for
    from orangecontrib.recurrent.network import (
        RecurrentNetwork, start_skip_at_least_squares,
    )
    from orangecontrib.recurrent.training import fit_network, seeded
    y, sequences = series.y, series.sequences
    in_mean, in_std = series.mean, series.std
    t_mean, t_scale, t = 0.0, 1.0, series.targets
    loss_name = None  # the fit loop's default for the task
    log = log and relative
    if relative:
        seen = np.log(sequences) if log else sequences
        in_mean, in_std, _ = series_statistics(seen, True)
        in_std = np.array([safe_scale(s, m) for s, m in zip(in_std, in_mean)])
        last = sequences[:, -1, series.target_index]
        level = y
        if log:  # log ratios to the last value
            last, level = np.log(last), np.log(y)
        change = level - (last[:, None] if y.ndim == 2 else last)
        t_mean, t_scale = _target_scaling(change)
        t = ((change - t_mean) / t_scale).astype(np.float32)
        loss_name = LOSS_CHANGE
    elif series.task == REGRESSION:
        t_mean, t_scale = _target_scaling(y, relative=False)
        t = ((y - t_mean) / t_scale).astype(np.float32)
    plan = plan_training(learner, series.domain, len(y), sequences.shape[1],
                         series.task, series.targets, sequences.shape[2],
                         frontend=frontend)
    with seeded(learner.random_state):
        network = RecurrentNetwork(
            n_series=sequences.shape[2], n_outputs=series.n_outputs,
            cell=learner.cell, hidden_size=learner.hidden_size,
            num_layers=learner.num_layers,
            bidirectional=learner.bidirectional, dropout=learner.dropout,
            input_mean=in_mean, input_scale=in_std, relative=relative,
            frontend=plan.frontend,
            frontend_size=patch_size_for(sequences.shape[1])
            if plan.frontend == "patch" else 0,
            frontend_steps=sequences.shape[1]
            if plan.frontend == "shuffle" else 0,
            forget_bias=plan.forget_bias, log=log,
            skip_inputs=plan.skip_inputs)
        if plan.skip_inputs:  # from linear regression on the training rows
            n_fit = len(y) - plan.n_validation
            start_skip_at_least_squares(network, sequences[:n_fit],
                                        t[:n_fit])
        result = fit_network(
            network, sequences, t, task=series.task, epochs=plan.epochs,
            batch_size=plan.batch_size,
            learning_rate=learner.learning_rate, clip_norm=learner.clip_norm,
            validation_size=learner.validation_size,
            patience=plan.patience, random_state=learner.random_state,
            device=learner.device, callback=learner.callback, run=run,
            loss_name=loss_name, validation_index=plan.validation_index,
            mixup=plan.mixup, trying=trying,
            should_stop=getattr(learner, "should_stop", None))
    return RecurrentModel(
        series.domain, network, learner.params, series.task,
        target_mean=t_mean, target_scale=t_scale, class_prior=series.prior,
        fit_result=result, target_index=series.target_index)
