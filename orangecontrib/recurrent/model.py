"""Trained torch networks as Orange models.

:class:`TorchModel` is what every model of this add-on shares: the network
kept live and as CPU numpy arrays for the pickle (a model trained on a GPU
loads and predicts on a machine without one), where it predicts, and what its
training reported. :class:`RecurrentModel` reads numeric sequences (windows
of a series, or rows that are whole series); the text model
(:mod:`orangecontrib.recurrent.textmodel`) reads documents.

torch is imported only where a network is built or run, so that creating a
learner widget (which puts a learner on its output) does not load it.
"""
from typing import Optional

import numpy as np
import scipy.sparse as sp

from Orange.base import Model
from Orange.data import ContinuousVariable, Domain, Table

from orangecontrib.recurrent.options import (
    CLASSIFICATION, GLOBAL, LOG, REGRESSION, RELATIVE, prediction_device,
)
from orangecontrib.recurrent.windowing import (
    sequences_from_rows, window_layout,
)

__all__ = ["TorchModel", "RecurrentModel"]


class TorchModel(Model):
    """A trained network with what its training reported.

    Attributes
    ----------
    history : list of EpochReport
        Losses per epoch (see :meth:`history_table`).
    stop : StopReason or None
        Why training ended (None for models pickled before it existed);
        ``stop_reason`` says it in words.
    epochs_trained, best_epoch : int
        Finished epochs, and the epoch whose weights the model holds.
    device_used : str
        Where it was trained ("cpu", "cuda", ...).
    params : dict
        The learner's hyperparameters.
    architecture : dict
        The network's constructor arguments (what a pickle rebuilds it from).
    """
    #: Defaults for models pickled before these existed.
    stop = None
    n_validation = 0

    def _keep_network(self, network, fit_result) -> None:
        """Keep the trained network (live, and as CPU numpy arrays for the
        pickle) and what its training reported."""
        self.state_dict = {k: v.detach().cpu().numpy().copy()
                           for k, v in network.state_dict().items()}
        self._network = network
        self.history = list(fit_result.history) if fit_result else []
        self.stop = fit_result.stop if fit_result else None
        self.stop_reason = fit_result.stop_reason if fit_result else ""
        self.best_epoch = fit_result.best_epoch if fit_result else 0
        self.epochs_trained = fit_result.epochs_trained if fit_result else 0
        self.device_used = fit_result.device if fit_result else "cpu"
        self.n_validation = fit_result.n_validation if fit_result else 0

    def _network_class(self):
        """The torch module class that ``architecture`` describes."""
        raise NotImplementedError

    def network(self):
        """The live torch module, rebuilt from the state_dict when needed."""
        import torch  # pylint: disable=import-outside-toplevel
        if self._network is None:
            network = self._network_class()(**self.architecture)
            network.load_state_dict(
                {k: torch.from_numpy(v) for k, v in self.state_dict.items()})
            self._network = network
        self._network.to(prediction_device(self.params.get("device"))).eval()
        return self._network

    def history_table(self) -> Table:
        """Losses per epoch as a Table: epoch, train loss, validation loss
        (missing when there was no validation part)."""
        domain = Domain([ContinuousVariable("epoch", number_of_decimals=0),
                         ContinuousVariable("train loss"),
                         ContinuousVariable("validation loss")])
        X = np.array([[r.epoch, r.train_loss,
                       np.nan if r.val_loss is None else r.val_loss]
                      for r in self.history], dtype=float).reshape(-1, 3)
        table = Table.from_numpy(domain, X)
        table.name = f"{getattr(self, 'name', 'model')} loss"
        return table

    def __getstate__(self):
        state = dict(super().__getstate__())
        state["_network"] = None  # rebuilt on the CPU (or CUDA) on demand
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._network = None


class RecurrentModel(TorchModel):
    """A trained recurrent network with its scaling, as an Orange model.

    ``predict(X)`` returns values in the target's units (regression) or class
    probabilities of shape (rows, classes) (classification); calling the model
    on a Table works as for any Orange model.

    Attributes (besides :class:`TorchModel`'s)
    ----------
    normalization_used : "global", "relative" or "log"
        How this model scales (for ``normalization="auto"``: the choice).
    normalization_reason : str
        Why, in words (what "auto" compared; empty for an explicit choice).
    frontend_used, frontend_reason : str
        The input front-end ("raw", "patch", "conv", "shuffle") and, for
        ``frontend="auto"``, why (empty for an explicit choice).
    """
    #: Defaults for models pickled before normalization existed.
    normalization_used = GLOBAL
    normalization_reason = ""
    target_index = None
    #: ... and before front-ends
    frontend_used = "raw"
    frontend_reason = ""

    def __init__(self, domain: Domain, network, params: dict, task: str,
                 target_mean: float = 0.0, target_scale: float = 1.0,
                 class_prior=None, fit_result=None,
                 target_index: Optional[int] = None,
                 normalization_reason: str = ""):
        super().__init__(domain)
        relative = bool(getattr(network, "relative", False))
        log = bool(getattr(network, "log", False))
        self.normalization_used = LOG if log else \
            RELATIVE if relative else GLOBAL
        self.normalization_reason = normalization_reason
        # which series' last value the target is relative to
        self.target_index = target_index if relative else None
        self.params = dict(params)
        self.task = task
        # floats for one target (as older pickles hold); arrays of h for a
        # direct multi-step model
        self.target_mean = float(target_mean) if np.ndim(target_mean) == 0 \
            else np.asarray(target_mean, dtype=float)
        self.target_scale = float(target_scale) \
            if np.ndim(target_scale) == 0 \
            else np.asarray(target_scale, dtype=float)
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
        if log:  # absent in older pickles, and for the other kinds
            self.architecture["log"] = True
        if getattr(network, "skip_inputs", 0):
            self.architecture["skip_inputs"] = network.skip_inputs
        self.frontend_used = getattr(network, "frontend_kind", "raw")
        if self.frontend_used != "raw":  # absent in older pickles: raw
            self.architecture["frontend"] = self.frontend_used
            self.architecture["frontend_size"] = network.frontend_size
            if getattr(network, "frontend_steps", 0):  # shuffle only
                self.architecture["frontend_steps"] = network.frontend_steps
        self._keep_network(network, fit_result)

    def _network_class(self):
        # pylint: disable=import-outside-toplevel
        from orangecontrib.recurrent.network import RecurrentNetwork
        return RecurrentNetwork

    def _window_text(self, width: int) -> str:
        """``width`` values in the model's terms: steps of which series."""
        layout = window_layout(self.domain)
        if layout is None:
            return f"rows of {width} values"
        names = ", ".join(f"'{s}'" for s in layout.series)
        return (f"windows of {layout.window_length} steps of {names} "
                f"({width} values a row)")

    def data_to_model_domain(self, data: Table, *args, **kwargs) -> Table:
        """As Orange's, but refuse rows that lack the model's columns:
        windows of another length (or other series) would be read as
        missing values and predict NaN (a longer window holds every column
        of a shorter one, and works)."""
        have = {var.name for var in data.domain.variables
                + data.domain.metas}
        missing = [var.name for var in self.original_domain.attributes
                   if var.name not in have]
        if missing:
            layout = window_layout(data.domain)
            got = f"{len(data.domain.attributes)} columns" if layout is None \
                else (f"windows of {layout.window_length} steps of "
                      + ", ".join(f"'{s}'" for s in layout.series))
            raise ValueError(
                f"The model was trained on "
                f"{self._window_text(len(self.original_domain.attributes))}"
                f"; the data has {got} and lacks {len(missing)} of its "
                f"columns ('{missing[0]}', ...). Window the data as for "
                "training (same window length and series).")
        return super().data_to_model_domain(data, *args, **kwargs)

    def predict(self, X):
        # pylint: disable=import-outside-toplevel
        import torch
        from orangecontrib.recurrent.training import forward_rows
        if sp.issparse(X):
            X = X.toarray()
        X = np.asarray(X)
        width = len(self.domain.attributes)
        if X.ndim != 2 or X.shape[1] != width:
            raise ValueError(
                f"The model reads {self._window_text(width)}; got an array "
                f"of shape {X.shape}.")
        network = self.network()
        device = next(network.parameters()).device
        steps = X.shape[1] // max(1, self.architecture["n_series"])
        rows = forward_rows(network, steps)
        log = self.normalization_used == LOG
        relative = self.normalization_used == RELATIVE or log
        outputs, anchors = [], []
        with torch.inference_mode():
            for start in range(0, len(X), rows):
                # float64: the network centres before casting to float32
                sequences = sequences_from_rows(X[start:start + rows],
                                                self.domain, np.float64)
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
            if n_out > 1:  # direct multi-step: (rows, h)
                levels = out.astype(np.float64) * self.target_scale \
                    + self.target_mean
                if relative and anchors:
                    levels += np.concatenate(anchors)[:, None]
                return levels
            levels = out[:, 0].astype(np.float64) * self.target_scale \
                + self.target_mean
            if log and anchors:  # log ratio -> level
                return np.concatenate(anchors) * np.exp(levels)
            if relative and anchors:
                levels += np.concatenate(anchors)  # change -> level
            return levels
        out = out.astype(np.float64)
        missing = ~np.isfinite(out).all(axis=1)
        if missing.any():
            # Rows with missing inputs: the training rows' class shares.
            out[missing] = self.class_prior
        return out

    def __repr__(self):
        return (f"RecurrentModel({self.architecture['cell'].upper()}, "
                f"hidden_size={self.architecture['hidden_size']}, "
                f"normalization={self.normalization_used!r}, "
                f"frontend={self.frontend_used!r}, "
                f"epochs_trained={self.epochs_trained})")
