"""The fit loop: whole tensors on the device, shuffled index batches, a
chronological validation tail, early stopping with the best weights restored,
seeding, and a per-epoch callback for progress, loss curves and cancel.

No DataLoader: the data is moved to the device once as two tensors and each
batch is a gather by a slice of a per-epoch permutation, which is what a plain
hand-written PyTorch loop does, and as fast.
"""
import contextlib
import math
import warnings
from typing import Callable, Optional, Union

import numpy as np
import torch
from torch import nn

from orangecontrib.recurrent.divergence import DivergenceWatch
from orangecontrib.recurrent.options import (
    CLASSIFICATION, REGRESSION, resolve_device, validation_rows,
)
from orangecontrib.recurrent.reports import (
    LOSS_CHANGE, LOSS_CROSS_ENTROPY, LOSS_STANDARDIZED, EpochReport,
    FitResult, StopReason, TrainingCancelled,
)

# EpochReport, FitResult and TrainingCancelled are defined in reports.py
# (no torch) and importable from here too: models pickled before they moved
# name training.EpochReport.
__all__ = ["EpochReport", "FitResult", "StopReason", "TrainingCancelled",
           "fit_network", "evaluate_loss", "forward_rows", "resolve_device",
           "seeded", "LOSS_CHANGE", "LOSS_CROSS_ENTROPY", "LOSS_STANDARDIZED"]

#: Floats that one no-gradient forward pass may hold in the recurrent
#: layer's gate activations (64 MB), when evaluating or predicting.
FORWARD_VALUES = 1 << 24

#: Gates per unit: torch computes them for all steps of a batch at once.
_GATES = {"LSTM": 4, "GRU": 3}

Callback = Callable[[EpochReport], Optional[bool]]


@contextlib.contextmanager
def seeded(random_state: Optional[int]):
    """Seed torch's global generator inside the block and restore it after.

    Covers weight initialization and dropout, so that the same seed on the
    same data gives bit-identical CPU runs without disturbing the caller's
    random state. With ``random_state=None`` nothing is seeded.
    """
    if random_state is None:
        yield
        return
    with torch.random.fork_rng(devices=[]):
        # Not torch.manual_seed: without CUDA it still queues a lazy CUDA
        # seeding call that records a stack trace (milliseconds per fit).
        torch.random.default_generator.manual_seed(int(random_state))
        if torch.cuda.is_available():
            torch.cuda.manual_seed_all(int(random_state))
        yield


def _loss_function(task: str):
    if task == REGRESSION:
        mse = nn.functional.mse_loss
        return lambda out, target: mse(out.squeeze(-1), target)
    if task == CLASSIFICATION:
        return nn.functional.cross_entropy
    raise ValueError(f"Unknown task '{task}'.")


def forward_rows(network: nn.Module, steps: int) -> int:
    """Rows per no-gradient forward pass, so that the recurrent layer's gate
    activations (rows x steps x gates x units) stay within FORWARD_VALUES."""
    rnn = getattr(network, "rnn", None)
    units = 1
    if isinstance(rnn, nn.RNNBase):
        units = _GATES.get(rnn.mode, 1) * rnn.hidden_size \
            * (2 if rnn.bidirectional else 1)
    return max(1, FORWARD_VALUES // (max(1, steps) * units))


@torch.no_grad()
def evaluate_loss(network: nn.Module, X: torch.Tensor, y: torch.Tensor,
                  task: str = REGRESSION,
                  batch_rows: Optional[int] = None,
                  should_stop: Optional[Callable[[], bool]] = None) -> float:
    """Mean loss of ``network`` over all rows of ``X``, in eval mode;
    ``should_stop`` as in :func:`fit_network`."""
    loss_fn = _loss_function(task)
    batch_rows = batch_rows or forward_rows(network, X.shape[1])
    was_training = network.training
    network.eval()
    total = torch.zeros((), dtype=torch.float64, device=X.device)
    for start in range(0, len(X), batch_rows):
        if should_stop is not None and should_stop():
            raise TrainingCancelled()
        xb, yb = X[start:start + batch_rows], y[start:start + batch_rows]
        total += loss_fn(network(_batch(network, xb)), yb).double() \
            * len(xb)
    network.train(was_training)
    return float(total) / len(X)


def _device_tensor(X, device: torch.device,
                   float64: bool = False) -> torch.Tensor:
    """The inputs as one tensor on ``device``.

    On the CPU a float64 array stays as it is, shared with numpy, and each
    batch is cast to float32 when it is gathered (by a network that centres
    in float64, after centring): that saves a float32 copy of the data (a
    third of the memory a 1M-window table takes) at the cost of casting a
    few hundred values per step. On a GPU: float32, or with ``float64``
    (for a network that centres in float64) float64 data as it is.
    """
    X = torch.as_tensor(X)
    if not X.is_floating_point():
        X = X.float()
    if device.type == "cpu":
        return X
    if float64 and X.dtype == torch.float64:
        return X.to(device=device)
    return X.to(device=device, dtype=torch.float32)


def _batch(network: nn.Module, X: torch.Tensor) -> torch.Tensor:
    """Rows as the network takes them: float32, unless the network centres
    float64 itself (a series far from zero loses its detail in float32)."""
    return X if getattr(network, "centres_in_float64", False) else X.float()


def _clip_gradients(parameters: list, max_norm: float) -> None:
    """Scale the gradients so that their global L2 norm is at most
    ``max_norm``; what ``nn.utils.clip_grad_norm_`` does, in fewer kernel
    calls (it costs 5% of a small LSTM's step on a CPU, this half of that)."""
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return
    norm = torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads)))
    torch._foreach_mul_(grads, torch.clamp(max_norm / (norm + 1e-6), max=1.0))


def _mixup_loss(network: nn.Module, xb: torch.Tensor, yb: torch.Tensor,
                weight: float, partner: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of the network on ``weight * x + (1 - weight) * x'``
    against the same mixture of the two rows' classes."""
    partner = partner.to(xb.device)
    out = network(weight * xb + (1 - weight) * xb[partner])
    cross_entropy = nn.functional.cross_entropy
    return weight * cross_entropy(out, yb) \
        + (1 - weight) * cross_entropy(out, yb[partner])


def _snapshot(network: nn.Module) -> dict:
    return {k: v.detach().clone() for k, v in network.state_dict().items()}


def _finite(network: nn.Module) -> bool:
    return all(bool(torch.isfinite(p).all()) for p in network.parameters())


def fit_network(network: nn.Module, X, y, *, task: str = REGRESSION,
                epochs: int = 20, batch_size: int = 32,
                learning_rate: float = 1e-3,
                clip_norm: Optional[float] = None,
                validation_size: float = 0.1,
                patience: Optional[int] = 5,
                random_state: Optional[int] = 0,
                device: Union[str, torch.device, None] = "auto",
                callback: Optional[Callback] = None, run: int = 1,
                loss_name: Optional[str] = None,
                should_stop: Optional[Callable[[], bool]] = None,
                validation_index=None, mixup: float = 0.0,
                trying: str = "") -> FitResult:
    """Train ``network`` in place with Adam and return how it went.

    Parameters
    ----------
    network : nn.Module
        Maps ``(batch, ...)`` float32 inputs to ``(batch, n_outputs)``.
    X : array or tensor, float, shape (rows, steps, series)
        Rows in time order. On a GPU it is moved there once as float32; on
        the CPU it is used in place (no copy) and batches are cast to float32.
    y : array or tensor, shape (rows,)
        float32 targets (regression) or int64 class indices (classification).
    task : "regression" or "classification"
        MSE or cross-entropy loss.
    epochs, batch_size, learning_rate
        As usual; the last batch of an epoch may be smaller.
    clip_norm : float or None
        Clip the gradients' global norm to this before each step; None: no
        clipping.
    validation_size : float in [0, 1)
        Share of the rows, taken from the end (the latest rows, never
        shuffled), used only to measure the validation loss. No validation
        when it is 0 or the tail would be smaller than one batch.
    patience : int or None
        Stop when the validation loss has not improved for this many epochs.
        Whenever there is a validation tail, the weights of the epoch with
        the lowest validation loss are restored at the end. None or 0: no
        early stopping.
    random_state : int or None
        Seeds the batch order. (Seed weight initialization and dropout with
        :func:`seeded` around the network's construction and this call.)
    device : "auto", "cpu", "cuda" or torch.device
        "auto" takes cuda when torch finds it.
    callback : callable(EpochReport) -> bool or None, optional
        Called after each epoch. Returning True stops training (the network
        keeps the weights it would keep at a normal end); raising
        :class:`TrainingCancelled` abandons it and propagates.
    run : int
        Which network of one fit this is (1, or 2 for auto's second); the
        epoch reports carry it.
    trying : str
        For the epoch reports: the front-end "auto" tries with this
        network ("" for none).
    loss_name : str, optional
        What the loss measures, for the epoch reports; default: the MSE of a
        standardized target for regression, cross-entropy for
        classification.
    should_stop : callable() -> bool, optional
        Asked before every batch (and every validation batch); True abandons
        training by raising :class:`TrainingCancelled`, so that a cancel
        takes effect within a batch, not an epoch. It should be cheap (a
        flag read).

    Training that diverges without a NaN (a loss far above that of
    ignoring the input or above its first epoch's, or an output that is
    the same for every row; :mod:`orangecontrib.recurrent.divergence`)
    stops with ``StopReason.DIVERGED``, a RuntimeWarning and advice in
    ``stop_reason``.
    validation_index : sequence of int, optional
        Rows to validate on instead of the tail (a stratified sample of
        independent sequences, say); the others train, in their order.
    mixup : float
        Classification only: train on convex mixtures of pairs of rows and
        of their one-hot classes, with weights drawn from Beta(mixup, mixup)
        per batch (Zhang et al., "mixup", 2018): a regularizer that keeps a
        network on a few dozen sequences from memorizing them. 0: off.

    Raises
    ------
    ValueError
        If the loss is not finite already in the first epoch (a learning rate
        too high for the data). A loss that turns NaN later stops training
        with a warning and the last finite weights.
    """
    if epochs < 1:
        raise ValueError("Epochs must be at least 1.")
    if batch_size < 1:
        raise ValueError("Batch size must be at least 1.")
    if not 0 <= validation_size < 1:
        raise ValueError("Validation size must be a share in [0, 1).")
    device = resolve_device(device)
    loss_fn = _loss_function(task)

    X = _device_tensor(X, device,
                       getattr(network, "centres_in_float64", False))
    y = torch.as_tensor(
        y, dtype=torch.float32 if task == REGRESSION else torch.int64
    ).to(device)
    n = len(X)
    if n < 1:
        raise ValueError("There are no rows to train on.")
    if validation_index is not None and len(validation_index):
        is_val = np.zeros(n, dtype=bool)
        is_val[np.asarray(validation_index, dtype=np.int64)] = True
        if is_val.all():
            raise ValueError("The validation part leaves no rows to train on.")
        val_rows = torch.from_numpy(np.flatnonzero(is_val)).to(device)
        train_rows = torch.from_numpy(np.flatnonzero(~is_val)).to(device)
        X_train, y_train = X[train_rows], y[train_rows]
        X_val, y_val = X[val_rows], y[val_rows]
        n_val = len(val_rows)
    else:
        n_val = validation_rows(n, validation_size, batch_size)
        X_train, y_train = X[:n - n_val], y[:n - n_val]
        X_val, y_val = X[n - n_val:], y[n - n_val:]
    n_train = n - n_val
    mixup = float(mixup) if task == CLASSIFICATION else 0.0
    # Beta draws for mixup, seeded with the batch order.
    beta = np.random.default_rng(random_state) if mixup else None

    network.to(device)
    network.train()
    parameters = [p for p in network.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(parameters, lr=learning_rate)
    generator = torch.Generator()
    if random_state is None:
        generator.seed()
    else:
        generator.manual_seed(int(random_state))

    if loss_name is None:
        loss_name = LOSS_STANDARDIZED if task == REGRESSION \
            else LOSS_CROSS_ENTROPY
    result = FitResult(device=str(device), n_validation=n_val)
    last_finite = _snapshot(network)
    best_state, best_val = None, math.inf
    watch = DivergenceWatch(task, X_train, y_train, learning_rate,
                            _batch)
    stop, stop_reason = StopReason.COMPLETED, f"trained all {epochs} epochs"
    for epoch in range(1, epochs + 1):
        order = torch.randperm(n_train, generator=generator).to(device)
        total = torch.zeros((), device=device)
        for start in range(0, n_train, batch_size):
            if should_stop is not None and should_stop():
                raise TrainingCancelled()
            index = order[start:start + batch_size]
            optimizer.zero_grad(set_to_none=True)
            if mixup and len(index) > 1:
                loss = _mixup_loss(network, _batch(network, X_train[index]),
                                   y_train[index], float(beta.beta(mixup,
                                                                   mixup)),
                                   torch.randperm(len(index),
                                                  generator=generator))
            else:
                loss = loss_fn(network(_batch(network, X_train[index])),
                               y_train[index])
            loss.backward()
            if clip_norm is not None:
                _clip_gradients(parameters, clip_norm)
            optimizer.step()
            total += loss.detach() * len(index)
        train_loss = float(total) / n_train
        val_loss = evaluate_loss(network, X_val, y_val, task,
                                 should_stop=should_stop) if n_val else None

        if not (math.isfinite(train_loss) and _finite(network)
                and (val_loss is None or math.isfinite(val_loss))):
            what = "NaN" if math.isnan(train_loss) else "not finite"
            network.load_state_dict(last_finite)
            if epoch == 1:
                raise ValueError(
                    f"The loss became {what} in the first epoch; lower the "
                    f"learning rate (now {learning_rate:g}).")
            stop = StopReason.NOT_FINITE
            stop_reason = (f"the loss became {what} in epoch {epoch}; "
                           f"kept the weights of epoch {epoch - 1} (lower the "
                           f"learning rate, now {learning_rate:g})")
            warnings.warn(f"Training stopped: {stop_reason}.", RuntimeWarning)
            break

        last_finite = _snapshot(network)
        result.epochs_trained = epoch
        report = EpochReport(epoch, epochs, train_loss, val_loss, run=run,
                             loss_name=loss_name, trying=trying)
        result.history.append(report)
        if val_loss is not None and val_loss < best_val:
            best_val, best_state, result.best_epoch = \
                val_loss, last_finite, epoch
        if callback is not None and callback(report) is True:
            stop = StopReason.CALLBACK
            stop_reason = f"stopped by the callback after epoch {epoch}"
            break
        diverged = watch.check(network, epoch, train_loss)
        if diverged:
            stop, stop_reason = StopReason.DIVERGED, diverged
            warnings.warn(f"Training stopped: {diverged}.", RuntimeWarning)
            break
        if patience and val_loss is not None \
                and epoch - result.best_epoch >= patience:
            stop = StopReason.EARLY_STOPPING
            stop_reason = (f"early stopping: the validation loss did not "
                           f"improve for {patience} epochs")
            break

    if best_state is not None:
        if result.best_epoch != result.epochs_trained:
            network.load_state_dict(best_state)
            stop_reason += (f"; restored the weights of epoch "
                            f"{result.best_epoch} (lowest validation loss)")
    else:
        result.best_epoch = result.epochs_trained
    network.eval()
    result.stop, result.stop_reason = stop, stop_reason
    return result
