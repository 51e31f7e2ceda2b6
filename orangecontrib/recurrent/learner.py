"""RecurrentLearner: an LSTM, GRU or RNN as an Orange learner.

The learner reads each row as a sequence: a window table (see
:mod:`orangecontrib.recurrent.windowing`) becomes ``(rows, L, series)``; a table
without window metadata is one univariate sequence per row (UCR-style data).
A continuous class is regression (MSE), a discrete class classification
(cross-entropy; the model returns class probabilities). A text corpus is read
word by word through a learned embedding (:mod:`orangecontrib.recurrent.
textmodel`); text is classification only.

Scaling lives in the model (:mod:`orangecontrib.recurrent.scaling`), fitted on
the training rows only, so Test and Score cannot leak test rows into it. The
networks are trained by :mod:`orangecontrib.recurrent.seriesfit`; "auto"
normalization's choice is :mod:`orangecontrib.recurrent.autonorm`'s.

This module imports no torch: the LSTM/GRU widget puts a RecurrentLearner on
its output as soon as it is created, in the GUI thread, and importing torch
takes seconds.
"""
from functools import partial
from typing import Callable, Optional

import numpy as np

from Orange.base import Learner
from Orange.data import Domain, Table

from orangecontrib.recurrent import text
from orangecontrib.recurrent.autofrontend import choose_frontend
from orangecontrib.recurrent.autonorm import (
    auto_after_global, auto_by_range, multiplicative,
)
# RecurrentModel is defined in model.py; models pickled before it moved
# name learner.RecurrentModel, so it stays importable from here.
from orangecontrib.recurrent.model import RecurrentModel
from orangecontrib.recurrent.options import (
    AUTO, CELLS, LOG, NORMALIZATIONS, REGRESSION, RELATIVE, check_cell,
    check_device, check_frontend, validation_rows,
)
from orangecontrib.recurrent.reports import (  # noqa: F401 (re-exported)
    EpochReport, TrainingCancelled,
)
from orangecontrib.recurrent.seriesfit import fit_series, prepare_series

__all__ = ["RecurrentLearner", "RecurrentModel", "EpochReport",
           "TrainingCancelled", "CELLS", "NORMALIZATIONS"]


class RecurrentLearner(Learner):
    """LSTM, GRU or plain RNN for sequences: windows of a time series or
    rows that are whole series.

    Parameters
    ----------
    cell : "lstm", "gru" or "rnn"
    hidden_size : int
        Units per layer (and direction).
    num_layers : int
        Stacked recurrent layers.
    bidirectional : bool
        Also read each window backwards.
    dropout : float
        Dropout between recurrent layers; only acts when ``num_layers > 1``.
    epochs : int or None
        The most epochs to train; early stopping on the validation part
        usually ends training before. None (the default): enough for at
        least 4,000 optimizer steps, from 20 to 400 epochs (so a table of 36
        rows is not done after 40 steps); with it come the other choices
        sized to the data (:mod:`orangecontrib.recurrent.sizing`): for rows
        that are whole sequences a stratified validation part, batches of
        16 in small tables, mixup, a forget-gate bias of 1 and longer
        patience; for the shortest series a linear skip. Given a number, the
        learner trains as before these existed.
    batch_size, learning_rate
        Adam's training schedule. Independent sequences in a small table
        (fewer than ten batches) are trained in batches of at most 16.
    clip_norm : float or None
        Clip the gradients' global norm to this before each step (a guard
        against exploding gradients in long windows or plain RNNs). None (the
        default) does not clip: on standardized data with Adam it rarely
        triggers, and on a CPU it costs about 5% of a small LSTM's step.
    validation_size : float
        Share of the training rows held back to watch the validation loss.
        Windows of a series: the (time-ordered) rows at their end; none when
        that tail is shorter than one batch. Independent sequences (rows
        that are whole series or cases): a stratified random sample; none
        when it has fewer than 20 rows.
    patience : int or None
        Early stopping after this many epochs without a better validation
        loss; the best weights are restored. None or 0: train all epochs.
    random_state : int or None
        Seed for weights, dropout and batch order; same seed, same data, same
        CPU model. None: a different model each time.
    device : "auto", "cpu" or "cuda"
        "auto" trains on a GPU when torch finds one.
    frontend : "auto", "raw", "patch", "conv" or "shuffle"
        What the recurrent layers read at each step (see
        :mod:`orangecontrib.recurrent.frontends`): "raw" one value per series
        and step; "patch" about 50 steps of consecutive values side by side;
        "conv" convolutions that shorten the sequence by 4, whose averaged
        features the head also reads (LSTM-FCN); "shuffle" the same averaged
        convolutions beside a recurrent layer that reads the whole sequence
        as one step (LSTM-FCN's dimension shuffle). "auto" (the default):
        "conv" for sequences of at least 32 steps, else "raw"; rows that
        are whole sequences (``epochs=None``) with a validation part of at
        least 20 rows train "conv", "patch" and "shuffle" and keep another
        than "conv" only if its validation loss is clearly lower; with
        fewer rows, 3-fold cross-validation on the training rows compares
        "conv" and "shuffle" and the one with the lower held-out loss is
        trained on all rows (:mod:`orangecontrib.recurrent.autofrontend`).
        The model says what it used in ``frontend_used`` and why in
        ``frontend_reason``.
    normalization : "global", "relative" or "auto"
        How a numeric series is scaled. "global": inputs and target are
        standardized with the training rows' statistics; the network then
        only outputs values of about the range it was trained on, so on a
        series with a trend its forecasts stay below the rising values.
        "relative": each window is read as differences from its last
        value, ``x(t-k) - x(t)`` per series, and the network predicts the
        target's change from ``x(t)`` (both scaled by the training
        differences' statistics); the model adds ``x(t)`` back, so its
        predictions are levels and can leave the training range. Regression
        only, and the target's series must be in the window (always so for
        rows that are whole series: relative to each row's last value).
        "auto" (the default): trains the global model; if it does not
        clearly beat the naive last value on the validation tail (RMSE at
        least AUTO_NAIVE_SHARE = 0.9 of the naive one's) or more than 1% of
        the validation targets lie outside the range of the targets before
        them, it trains a relative model as well and keeps the one with the
        lower validation RMSE (in the data's units). So on a stationary
        series (the noisy sine) "auto" costs nothing and gives exactly the
        global model; on a trend or a random walk it costs a second
        training (benchmarks/README-trend.md has the figures). Without a
        validation tail (fewer validation rows than one batch) it trains
        one network, relative when the last 10% of the targets leave the
        range of those before them. Where relative is not possible
        (classification, a target outside the window), "auto" is "global".
        The model says what it used in ``normalization_used`` and why in
        ``normalization_reason``.
    embedding_size, vocabulary_size, min_count, sequence_length : int
        For text only (an Orange3-Text corpus): the length of each word's
        learned vector; the most frequent training words that get one (at
        most ``vocabulary_size``, each seen at least ``min_count`` times;
        the others share an "unknown word" vector); and how many of each
        document's first tokens the network reads. With ``epochs=None`` a
        text network also has a bag of words beside its recurrent path
        (:mod:`orangecontrib.recurrent.textbag`), trained first.
    callback : callable(EpochReport) -> bool or None, optional
        Called after every epoch; return True to stop early, raise
        :class:`TrainingCancelled` to abandon training.
    name : str, optional
        Default: "LSTM", "GRU" or "RNN".
    """
    __returns__ = RecurrentModel
    supports_weights = False
    #: Several numeric targets: one network with an output per target
    #: (direct multi-step windows); checked in incompatibility_reason.
    supports_multiclass = True
    #: callable() -> bool, or None. Set as an attribute (the LSTM/GRU
    #: widget sets its task's interruption flag); asked between batches,
    #: True abandons training with TrainingCancelled within one batch.
    should_stop = None

    def __init__(self, cell: str = "lstm", hidden_size: int = 50,
                 num_layers: int = 1, bidirectional: bool = False,
                 dropout: float = 0.0, epochs: Optional[int] = None,
                 batch_size: int = 32, learning_rate: float = 1e-3,
                 clip_norm: Optional[float] = None,
                 validation_size: float = 0.1, patience: Optional[int] = 5,
                 random_state: Optional[int] = 0, device: str = "auto",
                 normalization: str = AUTO, frontend: str = AUTO,
                 embedding_size: int = 64, vocabulary_size: int = 10000,
                 min_count: int = 1, sequence_length: int = 200,
                 callback: Optional[Callable[["EpochReport"],
                                             Optional[bool]]] = None,
                 name: Optional[str] = None, preprocessors=None):
        super().__init__(preprocessors=preprocessors)
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.clip_norm = clip_norm
        self.validation_size = validation_size
        self.patience = patience
        self.random_state = random_state
        self.device = device
        self.normalization = normalization
        self.frontend = frontend
        self.embedding_size = embedding_size
        self.vocabulary_size = vocabulary_size
        self.min_count = min_count
        self.sequence_length = sequence_length
        self.callback = callback
        self._name = name
        self.check_params()

    @property
    def name(self):
        return self._name or str(self.cell).upper()

    @name.setter
    def name(self, value):
        self._name = value

    def _reprable_omit_param(self, name, default, value):
        if name == "name":
            return self._name is None
        return super()._reprable_omit_param(name, default, value)

    @property
    def params(self) -> dict:
        """The hyperparameters (what the model keeps and pickles)."""
        return dict(cell=self.cell, hidden_size=self.hidden_size,
                    num_layers=self.num_layers,
                    bidirectional=self.bidirectional, dropout=self.dropout,
                    epochs=self.epochs, batch_size=self.batch_size,
                    learning_rate=self.learning_rate,
                    clip_norm=self.clip_norm,
                    validation_size=self.validation_size,
                    patience=self.patience, random_state=self.random_state,
                    device=self.device, normalization=self.normalization,
                    frontend=self.frontend)

    def check_params(self):
        """Raise ValueError for a hyperparameter out of range."""
        check_cell(self.cell)
        check_device(self.device)
        check_frontend(self.frontend)
        for attr in ("hidden_size", "num_layers", "epochs", "batch_size",
                     "embedding_size", "vocabulary_size", "min_count",
                     "sequence_length"):
            if attr == "epochs" and self.epochs is None:
                continue
            value = getattr(self, attr)
            if not float(value).is_integer():
                raise ValueError(f"{attr} must be a whole number (got "
                                 f"{value!r}).")
            if int(value) < 1:
                raise ValueError(f"{attr} must be at least 1.")
        if not 0 <= self.dropout < 1:
            raise ValueError("dropout must be in [0, 1).")
        if not self.learning_rate > 0:
            raise ValueError("learning_rate must be positive.")
        if self.clip_norm is not None and not self.clip_norm > 0:
            raise ValueError("clip_norm must be positive, or None for none.")
        if not 0 <= self.validation_size < 1:
            raise ValueError("validation_size must be a share in [0, 1).")
        if self.patience is not None and self.patience < 0:
            raise ValueError("patience must be >= 0 (0 or None: off).")
        if self.normalization not in NORMALIZATIONS:
            raise ValueError(f"Unknown normalization '{self.normalization}'; "
                             f"choose one of {', '.join(NORMALIZATIONS)}.")

    def incompatibility_reason(self, domain: Domain) -> Optional[str]:
        if text.is_text_domain(domain):
            return text.text_incompatibility_reason(domain)
        if len(domain.class_vars) > 1 \
                and not all(v.is_continuous for v in domain.class_vars):
            return ("Recurrent networks predict a single target variable, "
                    "or several numeric ones (direct multi-step); these "
                    "targets are not all numeric.")
        if not domain.class_vars:
            return "The data has no target variable."
        if not domain.attributes:
            return "The data has no features."
        non_numeric = [a.name for a in domain.attributes
                       if not a.is_continuous]
        if non_numeric:
            return ("Recurrent networks need numeric features; "
                    f"'{non_numeric[0]}' is not numeric.")
        return None

    def fit_storage(self, data: Table) -> RecurrentModel:
        self.check_params()
        if text.is_text_data(data):
            # pylint: disable=import-outside-toplevel
            from orangecontrib.recurrent.textmodel import fit_text
            return fit_text(self, data)
        series = prepare_series(data, self.normalization)
        log = self.normalization == LOG or (
            self.normalization == AUTO and series.task == REGRESSION
            and series.target_index is not None
            and np.all(series.sequences > 0) and np.all(series.y > 0)
            and multiplicative(series.sequences[:, -1, series.target_index]))
        # "auto"'s alternative to global is relative, or log on a
        # multiplicative series
        relative = self.normalization in (RELATIVE, LOG)
        # The front-end first: "auto" may compare networks on the validation
        # part (then `model` is the one kept, trained with `relative`) or by
        # cross-validation (then the chosen one is trained below).
        model, fit, reason = choose_frontend(
            self, series, partial(fit_series, self, log=log), relative)
        if relative:
            model = model or fit(True)
        elif self.normalization == AUTO and series.task == REGRESSION \
                and series.target_index is not None \
                and not validation_rows(len(series.y), self.validation_size,
                                        self.batch_size):
            # No validation tail to compare errors on (fewer rows than one
            # batch): decide by the range alone, before training.
            model = auto_by_range(fit, series.y)
        else:
            model = model or fit(False)
            if self.normalization == AUTO:
                model = auto_after_global(model, fit, series)
        model.frontend_reason = reason
        return model
