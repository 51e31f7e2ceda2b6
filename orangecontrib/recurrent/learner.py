"""RecurrentLearner and RecurrentModel: an LSTM, GRU or RNN as an Orange learner.

The learner reads each row as a sequence: a window table (see
:mod:`orangecontrib.recurrent.windowing`) becomes ``(rows, L, series)``; a table
without window metadata is one univariate sequence per row (UCR-style data).
A continuous class is regression (MSE), a discrete class classification
(cross-entropy; the model returns class probabilities). A text corpus is read
word by word through a learned embedding (see
:mod:`orangecontrib.recurrent.textmodel`); text is classification only.

Scaling lives in the model: inputs are standardized per series and a numeric
target is standardized, both with statistics of the training rows only, and
predictions come back in the data's own units. So Test and Score cannot leak
test rows into the scaling. With ``normalization="relative"`` the network
reads each window as differences from its last value and predicts the change
of the target from there (see :class:`RecurrentLearner`), so forecasts can go
beyond the range of the training values, as a trend needs.

A model pickles as hyperparameters + a CPU ``state_dict`` (numpy arrays): a
model trained on a GPU loads and predicts on a machine without one.
"""
from typing import TYPE_CHECKING, Callable, Optional

import numpy as np
import scipy.sparse as sp

from Orange.base import Learner, Model
from Orange.data import ContinuousVariable, Domain, Table

from orangecontrib.recurrent.windowing import (
    sequences_from_rows, window_layout,
)

if TYPE_CHECKING:  # pragma: no cover
    import torch
    from orangecontrib.recurrent.network import RecurrentNetwork
    from orangecontrib.recurrent.training import EpochReport

__all__ = ["RecurrentLearner", "RecurrentModel", "EpochReport",
           "TrainingCancelled", "CELLS"]

# This module imports no torch at its top: the LSTM/GRU widget puts a
# RecurrentLearner on its output as soon as it is created, in the GUI thread,
# and importing torch takes seconds. torch, the network and the fit loop are
# imported where a model is trained or used.

#: The recurrent cells (the keys of :data:`network.CELLS`).
CELLS = ("lstm", "gru", "rnn")
#: Tasks, as :mod:`orangecontrib.recurrent.training` names them.
REGRESSION = "regression"
CLASSIFICATION = "classification"
#: How inputs and target are scaled (see RecurrentLearner).
GLOBAL, RELATIVE, AUTO = "global", "relative", "auto"
NORMALIZATIONS = (GLOBAL, RELATIVE, AUTO)
#: "auto" also trains a relative model when the global one's validation
#: RMSE is not below this share of the naive last value's ...
AUTO_NAIVE_SHARE = 0.9
#: ... or when more than this share of the validation targets lie outside
#: the range of the targets the global model was fit on.
AUTO_OUTSIDE_SHARE = 0.01


def __getattr__(name):
    # EpochReport and TrainingCancelled live in training.py (which imports
    # torch); they are importable from here, loaded on first use.
    if name in ("EpochReport", "TrainingCancelled"):
        # pylint: disable=import-outside-toplevel
        from orangecontrib.recurrent import training
        return getattr(training, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

#: Values per chunk when computing the training statistics.
_STATS_CHUNK_VALUES = 1 << 16


def _sequence_names(domain: Domain) -> tuple:
    """How error messages name each input series."""
    layout = window_layout(domain)
    if layout is None:
        return ("Every value of every row",)
    return tuple(f"Series '{name}'" for name in layout.series)


def _series_statistics(sequences: np.ndarray, relative: bool = False):
    """Per-series mean and standard deviation of (rows, steps, series), in
    float64, chunk by chunk so that no full float64 copy is made. Returns
    (mean, std, all values finite). ``relative``: of the differences from
    each window's last step, ``x - x(t)``, as the network reads them."""
    n_series = sequences.shape[2]
    rows = max(1, _STATS_CHUNK_VALUES // (sequences.shape[1] * n_series))
    count, mean, m2 = 0, np.zeros(n_series), np.zeros(n_series)
    for start in range(0, len(sequences), rows):
        chunk = sequences[start:start + rows].astype(np.float64)
        if relative:
            chunk = chunk - chunk[:, -1:, :]
        chunk = chunk.reshape(-1, n_series)
        if not np.isfinite(chunk).all():
            return None, None, False
        c_count = len(chunk)
        c_mean = chunk.mean(axis=0)
        c_m2 = ((chunk - c_mean) ** 2).sum(axis=0)
        delta = c_mean - mean
        total = count + c_count
        # Chan et al.'s pairwise combination of means and squared deviations.
        mean = mean + delta * c_count / total
        m2 = m2 + c_m2 + delta ** 2 * count * c_count / total
        count = total
    return mean, np.sqrt(m2 / count), True


def _missing_message(X: np.ndarray, domain: Domain) -> str:
    bad = ~np.isfinite(X).all(axis=0)
    names = [var.name for var, b in zip(domain.attributes, bad) if b]
    shown = ", ".join(f"'{n}'" for n in names[:5])
    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
    return (f"Missing (or infinite) values in {shown}{more}. Recurrent "
            "networks need complete windows: let Windowing interpolate the "
            "gaps (or drop those windows), or impute the data first.")


def _relative_target(domain: Domain) -> Optional[int]:
    """Index of the target's series among the window's series, the value that
    relative normalization takes differences from; None when the target's
    series is not in the window. Rows without window metadata are one
    sequence each, so their target is relative to the row's last value."""
    layout = window_layout(domain)
    if layout is None:
        return 0
    if layout.target_series in layout.series:
        return layout.series.index(layout.target_series)
    return None


def class_shares(targets: np.ndarray, class_var) -> np.ndarray:
    """Each class's share of the training rows (the model's prior).

    Raises ValueError when fewer than two classes occur: a classifier
    needs at least two.
    """
    counts = np.bincount(targets, minlength=len(class_var.values))
    present = np.flatnonzero(counts)
    if len(present) < 2:
        raise ValueError(
            f"The target '{class_var.name}' has one class "
            f"('{class_var.values[present[0]]}') in the training data; "
            "classification needs at least two.")
    return counts / counts.sum()


def _scale(std: float, mean: float) -> float:
    """A standard deviation to divide by: 1 for a constant."""
    return std if std > 1e-12 * max(1.0, abs(mean)) else 1.0


def _rmse(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(np.mean((a - b) ** 2)))


class RecurrentModel(Model):
    """A trained recurrent network with its scaling, as an Orange model.

    ``predict(X)`` returns values in the target's units (regression) or class
    probabilities of shape (rows, classes) (classification); calling the model
    on a Table works as for any Orange model.

    Attributes
    ----------
    history : list of EpochReport
        Losses per epoch (see :meth:`history_table`).
    stop_reason : str
        Why training ended, in words.
    epochs_trained, best_epoch : int
        Finished epochs, and the epoch whose weights the model holds.
    device_used : str
        Where it was trained ("cpu", "cuda", "cuda:0", ...).
    params : dict
        The learner's hyperparameters.
    normalization_used : "global" or "relative"
        How this model scales (for ``normalization="auto"``: the choice).
    normalization_reason : str
        Why, in words (what "auto" compared; empty for an explicit choice).
    """
    #: Defaults for models pickled before normalization existed.
    normalization_used = GLOBAL
    normalization_reason = ""
    target_index = None

    def __init__(self, domain: Domain, network: "RecurrentNetwork",
                 params: dict, task: str, target_mean: float = 0.0,
                 target_scale: float = 1.0, class_prior=None, fit_result=None,
                 target_index: Optional[int] = None,
                 normalization_reason: str = ""):
        super().__init__(domain)
        relative = bool(getattr(network, "relative", False))
        self.normalization_used = RELATIVE if relative else GLOBAL
        self.normalization_reason = normalization_reason
        # which series' last value the target is relative to
        self.target_index = target_index if relative else None
        self.params = dict(params)
        self.task = task
        self.target_mean = float(target_mean)
        self.target_scale = float(target_scale)
        self.class_prior = None if class_prior is None \
            else np.asarray(class_prior, dtype=float)
        self.architecture = dict(
            n_series=network.n_series, n_outputs=network.n_outputs,
            cell=network.cell, hidden_size=network.rnn.hidden_size,
            num_layers=network.num_layers,
            bidirectional=network.num_directions == 2,
            dropout=network.rnn.dropout)
        if relative:  # absent in older pickles, whose networks are global
            self.architecture["relative"] = True
        self._keep_network(network, fit_result)

    def _keep_network(self, network, fit_result) -> None:
        """Keep the trained network (live, and as CPU numpy arrays for the
        pickle) and what its training reported."""
        self.state_dict = {k: v.detach().cpu().numpy().copy()
                           for k, v in network.state_dict().items()}
        self._network = network
        self.history = list(fit_result.history) if fit_result else []
        self.stop_reason = fit_result.stop_reason if fit_result else ""
        self.best_epoch = fit_result.best_epoch if fit_result else 0
        self.epochs_trained = fit_result.epochs_trained if fit_result else 0
        self.device_used = fit_result.device if fit_result else "cpu"
        self.n_validation = fit_result.n_validation if fit_result else 0

    # --- prediction -------------------------------------------------------
    def _predict_device(self) -> "torch.device":
        # pylint: disable=import-outside-toplevel
        import torch
        from orangecontrib.recurrent.training import resolve_device
        # A model may be used where it was not trained: "cpu" stays on the
        # CPU, anything else takes CUDA only when this process has it.
        if self.params.get("device") == "cpu" or not torch.cuda.is_available():
            return torch.device("cpu")
        return resolve_device("auto")

    def network(self) -> "RecurrentNetwork":
        """The live torch module, built from the state_dict when needed."""
        # pylint: disable=import-outside-toplevel
        import torch
        from orangecontrib.recurrent.network import RecurrentNetwork
        device = self._predict_device()
        if self._network is None:
            network = RecurrentNetwork(**self.architecture)
            network.load_state_dict(
                {k: torch.from_numpy(v) for k, v in self.state_dict.items()})
            self._network = network
        self._network.to(device).eval()
        return self._network

    def predict(self, X):
        # pylint: disable=import-outside-toplevel
        import torch
        from orangecontrib.recurrent.training import forward_rows
        if sp.issparse(X):
            X = X.toarray()
        X = np.asarray(X)
        network = self.network()
        device = next(network.parameters()).device
        steps = X.shape[1] // max(1, self.architecture["n_series"])
        rows = forward_rows(network, steps)
        relative = self.normalization_used == RELATIVE
        outputs, anchors = [], []
        with torch.inference_mode():
            for start in range(0, len(X), rows):
                sequences = sequences_from_rows(X[start:start + rows],
                                                self.domain)
                out = network(torch.from_numpy(sequences).to(device))
                if self.task == CLASSIFICATION:
                    out = torch.softmax(out.double(), dim=1)
                outputs.append(out.cpu().numpy())
                if relative:  # the target series' last value, x(t)
                    anchors.append(sequences_from_rows(
                        X[start:start + rows], self.domain,
                        dtype=np.float64)[:, -1, self.target_index])
        n_out = self.architecture["n_outputs"]
        out = np.concatenate(outputs) if outputs \
            else np.zeros((0, n_out))
        if self.task == REGRESSION:
            levels = out[:, 0].astype(np.float64) * self.target_scale \
                + self.target_mean
            if relative and anchors:
                levels += np.concatenate(anchors)  # change -> level
            return levels
        out = out.astype(np.float64)
        missing = ~np.isfinite(out).all(axis=1)
        if missing.any():
            # Rows with missing inputs: the training rows' class shares.
            out[missing] = self.class_prior
        return out

    # --- history ----------------------------------------------------------
    def history_table(self) -> Table:
        """Losses per epoch as a Table: epoch, train loss, validation loss
        (missing when there was no validation tail)."""
        domain = Domain([ContinuousVariable("epoch", number_of_decimals=0),
                         ContinuousVariable("train loss"),
                         ContinuousVariable("validation loss")])
        X = np.array([[r.epoch, r.train_loss,
                       np.nan if r.val_loss is None else r.val_loss]
                      for r in self.history], dtype=float).reshape(-1, 3)
        table = Table.from_numpy(domain, X)
        table.name = f"{getattr(self, 'name', 'model')} loss"
        return table

    # --- pickling ---------------------------------------------------------
    def __getstate__(self):
        state = dict(super().__getstate__())
        state["_network"] = None  # rebuilt on the CPU (or CUDA) on demand
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._network = None

    def __repr__(self):
        return (f"RecurrentModel({self.architecture['cell'].upper()}, "
                f"hidden_size={self.architecture['hidden_size']}, "
                f"normalization={self.normalization_used!r}, "
                f"epochs_trained={self.epochs_trained})")


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
    epochs, batch_size, learning_rate
        Adam's training schedule.
    clip_norm : float or None
        Clip the gradients' global norm to this before each step (a guard
        against exploding gradients in long windows or plain RNNs). None (the
        default) does not clip: on standardized data with Adam it rarely
        triggers, and on a CPU it costs about 5% of a small LSTM's step.
    validation_size : float
        Share of the (time-ordered) training rows held back at their end to
        watch the validation loss; 0 or a tail shorter than one batch: none.
    patience : int or None
        Early stopping after this many epochs without a better validation
        loss; the best weights are restored. None or 0: train all epochs.
    random_state : int or None
        Seed for weights, dropout and batch order; same seed, same data, same
        CPU model. None: a different model each time.
    device : "auto", "cpu" or "cuda"
        "auto" trains on a GPU when torch finds one.
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
        document's first tokens the network reads.
    callback : callable(EpochReport) -> bool or None, optional
        Called after every epoch; return True to stop early, raise
        :class:`TrainingCancelled` to abandon training.
    name : str, optional
        Default: "LSTM", "GRU" or "RNN".
    """
    __returns__ = RecurrentModel
    supports_weights = False
    supports_multiclass = False

    def __init__(self, cell: str = "lstm", hidden_size: int = 50,
                 num_layers: int = 1, bidirectional: bool = False,
                 dropout: float = 0.0, epochs: int = 20,
                 batch_size: int = 32, learning_rate: float = 1e-3,
                 clip_norm: Optional[float] = None,
                 validation_size: float = 0.1, patience: Optional[int] = 5,
                 random_state: Optional[int] = 0, device: str = "auto",
                 normalization: str = AUTO,
                 embedding_size: int = 64, vocabulary_size: int = 10000,
                 min_count: int = 2, sequence_length: int = 200,
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
                    device=self.device, normalization=self.normalization)

    def check_params(self):
        """Raise ValueError for a hyperparameter out of range."""
        if str(self.cell).lower() not in CELLS:
            raise ValueError(f"Unknown cell '{self.cell}'; choose one of "
                             f"{', '.join(CELLS)}.")
        for attr in ("hidden_size", "num_layers", "epochs", "batch_size",
                     "embedding_size", "vocabulary_size", "min_count",
                     "sequence_length"):
            if int(getattr(self, attr)) < 1:
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
        if str(self.device) not in ("auto", "cpu") \
                and not str(self.device).startswith("cuda"):
            raise ValueError(f"Unknown device '{self.device}'; use 'auto', "
                             "'cpu' or 'cuda'.")

    def incompatibility_reason(self, domain: Domain) -> Optional[str]:
        # pylint: disable=import-outside-toplevel
        from orangecontrib.recurrent import text
        if text.is_text_domain(domain):
            return text.text_incompatibility_reason(domain)
        if len(domain.class_vars) > 1:
            return "Recurrent networks predict a single target variable."
        if domain.class_var is None:
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
        # pylint: disable=import-outside-toplevel
        from orangecontrib.recurrent import text
        if text.is_text_data(data):
            from orangecontrib.recurrent.textmodel import fit_text
            return fit_text(self, data)
        domain = data.domain
        if len(data) == 0:
            raise ValueError("The data is empty.")
        if len(data) < 2:
            raise ValueError("Training needs at least two rows.")
        X = data.X
        if sp.issparse(X):
            X = X.toarray()
        # A view of the data (a reshape when the window's columns are in
        # order, as make_windows puts them): no copy, neither scaled nor cast
        # to float32 here. The network standardizes, and training casts each
        # batch; only a GPU gets a float32 copy.
        dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
        sequences = sequences_from_rows(X, domain, dtype=dtype)
        mean, std, finite = _series_statistics(sequences)
        if not finite:
            raise ValueError(_missing_message(X, domain))
        for name, m, s in zip(_sequence_names(domain), mean, std):
            if not s > 1e-12 * max(1.0, abs(m)):
                raise ValueError(f"{name} is constant ({m:g}); a constant "
                                 "input carries nothing to learn from.")

        class_var = domain.class_var
        y = np.asarray(data.Y, dtype=np.float64).reshape(len(data))
        if not np.isfinite(y).all():
            raise ValueError(
                f"The target '{class_var.name}' has missing values in "
                f"{int((~np.isfinite(y)).sum())} rows. Let Windowing "
                "interpolate the series, or remove those rows.")
        prior, target_index = None, None
        if class_var.is_continuous:
            task, n_outputs = REGRESSION, 1
            target_mean = float(y.mean())
            if not float(y.std()) > 1e-12 * max(1.0, abs(target_mean)):
                raise ValueError(f"The target '{class_var.name}' is constant "
                                 f"({target_mean:g}); there is nothing to "
                                 "learn.")
            target_index = _relative_target(domain)
            if self.normalization == RELATIVE and target_index is None:
                raise ValueError(
                    f"Relative normalization predicts the change of the "
                    f"target from its series' last value in the window, but "
                    f"the target '{class_var.name}' is not among the "
                    "window's series. Add it to the series in Windowing, or "
                    "use global normalization.")
            targets = None  # per normalization, below
        else:
            task, n_outputs = CLASSIFICATION, len(class_var.values)
            if self.normalization == RELATIVE:
                raise ValueError(
                    "Relative normalization is for numeric targets (it "
                    f"predicts a change); '{class_var.name}' is categorical. "
                    "Use global (or auto, which is global here).")
            targets = y.astype(np.int64)
            prior = class_shares(targets, class_var)

        def fit(relative: bool):
            """Train one network, global or relative, and return it as a
            RecurrentModel (whose target scaling is of the changes when
            relative)."""
            # pylint: disable=import-outside-toplevel
            from orangecontrib.recurrent.network import RecurrentNetwork
            from orangecontrib.recurrent.training import fit_network, seeded
            in_mean, in_std = mean, std
            t_mean, t_scale, t = 0.0, 1.0, targets
            if relative:
                in_mean, in_std, _ = _series_statistics(sequences, True)
                in_std = np.array([_scale(s_, m_)
                                   for s_, m_ in zip(in_std, in_mean)])
                change = y - sequences[:, -1, target_index]
                t_mean = float(change.mean())
                t_scale = _scale(float(change.std()), t_mean)
                t = ((change - t_mean) / t_scale).astype(np.float32)
            elif task == REGRESSION:
                t_mean, t_scale = float(y.mean()), float(y.std())
                t = ((y - t_mean) / t_scale).astype(np.float32)
            with seeded(self.random_state):
                network = RecurrentNetwork(
                    n_series=sequences.shape[2], n_outputs=n_outputs,
                    cell=self.cell, hidden_size=self.hidden_size,
                    num_layers=self.num_layers,
                    bidirectional=self.bidirectional, dropout=self.dropout,
                    input_mean=in_mean, input_scale=in_std,
                    relative=relative)
                result = fit_network(
                    network, sequences, t, task=task, epochs=self.epochs,
                    batch_size=self.batch_size,
                    learning_rate=self.learning_rate,
                    clip_norm=self.clip_norm,
                    validation_size=self.validation_size,
                    patience=self.patience, random_state=self.random_state,
                    device=self.device, callback=self.callback)
            return RecurrentModel(
                domain, network, self.params, task, target_mean=t_mean,
                target_scale=t_scale, class_prior=prior,
                fit_result=result, target_index=target_index)

        if self.normalization == RELATIVE:
            return fit(True)
        if self.normalization == AUTO and task == REGRESSION \
                and target_index is not None \
                and not self._validation_rows(len(y)):
            # No validation tail to compare errors on (fewer rows than one
            # batch): decide by the range alone, before training.
            return self._auto_by_range(fit, y)
        model = fit(False)
        if self.normalization == AUTO:
            model = self._auto(model, fit, X, sequences, y, target_index)
        return model

    def _validation_rows(self, n: int) -> int:
        """The validation tail that fit_network will hold back."""
        n_val = int(n * self.validation_size)
        return 0 if n_val < self.batch_size or n - n_val < 1 else n_val

    @staticmethod
    def _auto_by_range(fit, y: np.ndarray) -> RecurrentModel:
        """"auto" without a validation tail: relative when more than
        AUTO_OUTSIDE_SHARE of the last 10% of the targets lie outside the
        range of those before them (a trend, or a wandering level)."""
        n_tail = max(1, len(y) // 10)
        head, tail = y[:-n_tail], y[-n_tail:]
        outside = float(np.mean((tail < head.min()) | (tail > head.max())))
        relative = outside > AUTO_OUTSIDE_SHARE
        model = fit(relative)
        model.normalization_reason = (
            f"auto: {model.normalization_used}, since "
            f"{100 * outside:.0f}% of the last 10% of the targets lie "
            "outside the range of those before them (no validation tail "
            "to compare errors on)")
        return model

    @staticmethod
    def _auto(model: RecurrentModel, fit, X: np.ndarray,
              sequences: np.ndarray, y: np.ndarray,
              target_index: Optional[int]) -> RecurrentModel:
        """"auto": keep the global ``model``, or train a relative one too and
        keep the one with the lower validation RMSE (see the class doc)."""
        if model.task != REGRESSION or target_index is None:
            why = ("classification" if model.task != REGRESSION else
                   "the target's series is not in the window")
            model.normalization_reason = (
                f"auto: global, since relative is not possible ({why})")
            return model
        n_val = model.n_validation
        if not n_val:  # (fit_network found the tail shorter than a batch)
            model.normalization_reason = (
                "auto: global, since there is no validation tail to compare "
                "on")
            return model
        if model.stop_reason.startswith("stopped by the callback"):
            model.normalization_reason = (
                "auto: global, since training was stopped")
            return model
        n_fit = len(y) - n_val
        # the validation tail: the last rows, as fit_network held them back
        val_X, val_y = X[n_fit:], y[n_fit:]
        naive = sequences[n_fit:, -1, target_index].astype(np.float64)
        rmse_naive = _rmse(val_y, naive)
        rmse_global = _rmse(val_y, model.predict(val_X))
        low, high = float(y[:n_fit].min()), float(y[:n_fit].max())
        outside = float(np.mean((val_y < low) | (val_y > high)))
        figures = (f"validation RMSE {rmse_global:.4g}, naive last value "
                   f"{rmse_naive:.4g}, {100 * outside:.0f}% of the "
                   "validation targets outside the training range")
        if rmse_global < AUTO_NAIVE_SHARE * rmse_naive \
                and outside <= AUTO_OUTSIDE_SHARE:
            model.normalization_reason = (
                f"auto: global ({figures}); relative not tried")
            return model
        relative = fit(True)
        rmse_relative = _rmse(val_y, relative.predict(val_X))
        keep = relative if rmse_relative < rmse_global else model
        keep.normalization_reason = (
            f"auto: {keep.normalization_used} (validation RMSE relative "
            f"{rmse_relative:.4g}, global {rmse_global:.4g}, naive last "
            f"value {rmse_naive:.4g})")
        return keep
