"""Training that fits the data's size: epochs, batch, validation part and
input front-end, chosen from the table before a network is built.

Fixed defaults fit one size of data. Twenty epochs of 32-row batches are 5,600
optimizer steps on the 10,000-window sine but 40 steps on UCR ArrowHead's 36
series, which is why the learner lost to the majority class there. So:

- ``epochs=None`` (the default) asks for at least MIN_STEPS optimizer steps
  on independent sequences, MIN_STEPS_WINDOWS on windows of a series,
  between MIN_EPOCHS and MAX_EPOCHS epochs; early stopping on the validation
  part, when there is one, decides when to stop before that (with patience
  of at least a fifth of the epochs for independent sequences, whose
  validation loss is noisy under mixup);
- a short series to regress (fewer than SKIP_ROWS windows) gets a linear
  autoregressive skip beside the recurrent network (LSTNet);
- rows that are *independent sequences* (a UCR-style table, or one row per
  case from ``make_sequences``: rows whose target is not a later value of a
  windowed series) get a stratified random validation part, not the
  chronological tail, and batches of at most SMALL_BATCH rows when the table
  is small; windows of one series keep the tail (no future row may validate
  a past one);
- ``frontend="auto"`` reads sequences of at least CONV_STEPS steps through
  the convolutional front-end, shorter ones (the usual windows of a series)
  raw, unless a validation part or cross-validation on the training rows
  says otherwise (:mod:`orangecontrib.recurrent.autofrontend`).

All of this (but the front-end, which has its own parameter) comes with
``epochs=None``: a learner given its number of epochs, as every workflow saved
before it existed, trains as it did (chronological tail, its batch size, no
mixup, no skip). No torch here: the learner and the widget ask this module
cheaply.
"""
import math
from dataclasses import dataclass
from typing import Optional

import numpy as np

from Orange.data import Domain

from orangecontrib.recurrent.options import (
    AUTO, CLASSIFICATION, CONV, RAW, validation_rows,
)
from orangecontrib.recurrent.windowing import window_layout

__all__ = ["TrainingPlan", "plan_training", "independent_rows",
           "auto_frontend", "stratified_validation", "epochs_for", "MIN_STEPS",
           "MIN_EPOCHS", "MAX_EPOCHS", "CONV_STEPS", "SMALL_BATCH",
           "MIXUP", "FORGET_BIAS"]

#: epochs=None: train independent sequences for at least this many
#: optimizer steps ...
MIN_STEPS = 4000
#: ... and windows of a series for this many (a short series overfits:
#: airline's 105 windows scored 1.19x linear regression after 1,600 steps,
#: 1.09x after 400) ...
MIN_STEPS_WINDOWS = 400
#: ... in at least this many epochs (the old fixed default) ...
MIN_EPOCHS = 20
#: ... and at most this many.
MAX_EPOCHS = 400
#: frontend="auto": sequences at least this long are read through the
#: convolutional front-end, shorter ones raw.
CONV_STEPS = 32
#: Independent sequences: batches of at most this many rows while the table
#: has fewer than 10 batches of the learner's size (more steps per epoch).
SMALL_BATCH = 16
#: Independent sequences to classify: mixup's Beta(a, a) parameter.
MIXUP = 0.4
#: Independent sequences: an LSTM's forget gates start at this bias.
FORGET_BIAS = 1.0
#: Windows of a series to regress: fewer rows than this get a linear
#: autoregressive skip beside the recurrent part. (Airline's 105 windows
#: need it; a 500-point trend's 391 windows, relative, forecast its slope
#: worse with it than without, so it stays for the shortest series.)
SKIP_ROWS = 200
#: A stratified validation part smaller than this many rows is too noisy to
#: stop on; such tables train all their epochs on every row.
MIN_VALIDATION = 20


@dataclass(frozen=True)
class TrainingPlan:
    """How one network is trained on a table (see the module doc)."""
    independent: bool
    frontend: str
    epochs: int
    batch_size: int
    validation_index: Optional[np.ndarray]
    n_validation: int
    mixup: float
    forget_bias: float
    skip_inputs: int = 0
    patience: Optional[int] = None


def independent_rows(domain: Domain) -> bool:
    """Whether rows are independent sequences: no window metadata (one
    sequence per row), or a target that is not a later value of a series
    (``make_sequences``' rows; windows always tag their target)."""
    layout = window_layout(domain)
    return layout is None or layout.horizon is None


def auto_frontend(steps: int) -> str:
    """"auto"'s front-end for sequences of ``steps`` steps."""
    return CONV if steps >= CONV_STEPS else RAW


def stratified_validation(targets: Optional[np.ndarray], n: int,
                          share: float,
                          random_state: Optional[int]) -> np.ndarray:
    """Sorted row indices of a random validation part of ``share`` of the
    rows, the same share of every class when ``targets`` are classes."""
    rng = np.random.default_rng(random_state)
    if targets is None:
        return np.sort(rng.permutation(n)[:int(round(n * share))])
    chosen = []
    for cls in np.unique(targets):
        rows = np.flatnonzero(targets == cls)
        take = int(round(len(rows) * share))
        if take and len(rows) - take >= 1:
            chosen.append(rng.permutation(rows)[:take])
    return np.sort(np.concatenate(chosen)) if chosen \
        else np.zeros(0, dtype=np.int64)


def epochs_for(epochs: Optional[int], n_train: int, batch_size: int,
               min_steps: int = MIN_STEPS) -> int:
    """``epochs``, or for None at least ``min_steps`` optimizer steps of
    ``batch_size`` rows over ``n_train`` rows, within [MIN_EPOCHS,
    MAX_EPOCHS]."""
    if epochs is not None:
        return int(epochs)
    steps_per_epoch = max(1, math.ceil(n_train / batch_size))
    return int(min(MAX_EPOCHS, max(MIN_EPOCHS,
                                   math.ceil(min_steps / steps_per_epoch))))


def plan_training(learner, domain: Domain, n: int, steps: int, task: str,
                  targets: Optional[np.ndarray] = None,
                  n_series: int = 1,
                  frontend: Optional[str] = None) -> TrainingPlan:
    """The plan for ``learner`` (its ``epochs``, ``batch_size``,
    ``validation_size``, ``random_state``, ``frontend``) on ``n`` rows of
    ``steps`` steps. ``frontend``: instead of the learner's."""
    independent = independent_rows(domain)
    # Sizing to the data comes with epochs=None; a learner given its epochs
    # (a workflow saved before, or a script) trains as it always did.
    sized = learner.epochs is None
    frontend = frontend or getattr(learner, "frontend", RAW)
    if frontend == AUTO:
        frontend = auto_frontend(steps)
    batch_size = int(learner.batch_size)
    validation_index, mixup, forget_bias = None, 0.0, 0.0
    if independent and sized:
        if n < 10 * batch_size:
            batch_size = min(batch_size, SMALL_BATCH)
        validation_index = stratified_validation(
            targets if task == CLASSIFICATION else None, n,
            learner.validation_size, learner.random_state)
        if len(validation_index) < MIN_VALIDATION:
            validation_index = np.zeros(0, dtype=np.int64)
        n_val = len(validation_index)
        mixup = MIXUP if task == CLASSIFICATION else 0.0
        forget_bias = FORGET_BIAS
    else:
        n_val = validation_rows(n, learner.validation_size, batch_size)
    # A short series (few windows) to regress: a linear autoregressive part
    # beside the recurrent one, so that the network is no worse than linear
    # regression on the lags when the recurrent part cannot learn more.
    skip = steps * n_series if task != CLASSIFICATION and not independent \
        and n < SKIP_ROWS and sized else 0
    epochs = epochs_for(learner.epochs, n - n_val, batch_size,
                        MIN_STEPS if independent else MIN_STEPS_WINDOWS)
    patience = learner.patience
    if independent and sized and patience:
        # mixup makes the validation loss noisy: OSULeaf stopped at epoch 12
        # of 308 (accuracy 0.47) with patience 5, at 238 (0.86) with 60
        patience = max(int(patience), epochs // 5)
    return TrainingPlan(
        independent=independent, frontend=frontend, epochs=epochs,
        batch_size=batch_size, validation_index=validation_index,
        n_validation=n_val, mixup=mixup, forget_bias=forget_bias,
        skip_inputs=skip, patience=patience)
