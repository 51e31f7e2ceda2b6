"""Divergence: training that goes wrong while the loss is still a number.

A learning rate too high for the data rarely makes the loss NaN at once: the
loss grows far beyond what predicting the mean would cost, or the network
saturates and gives every row the same output. The fit loop asks
:class:`DivergenceWatch` after every epoch, and stops with
``StopReason.DIVERGED`` and these words when it says so.
"""
import math
from typing import Optional

import torch
from torch import nn

from orangecontrib.recurrent.options import REGRESSION

__all__ = ["DivergenceWatch", "LOSS_FACTOR", "CONSTANT_OUTPUT", "SAMPLE_ROWS"]

#: A training loss this many times the loss of predicting the mean (or the
#: class shares) has diverged; so has one this many times its first epoch's
#: that is also above that baseline.
LOSS_FACTOR = 10.0
#: Outputs whose spread over the rows is below this (on the standardized
#: target's scale, or in logits) are constant: the network ignores its input.
CONSTANT_OUTPUT = 1e-4
#: Training rows the constant-output check reads after each epoch (a fixed,
#: evenly spaced sample: about one batch's cost).
SAMPLE_ROWS = 256


def baseline_loss(task: str, y: torch.Tensor) -> float:
    """The loss of a network that ignores its input: the target's variance
    (MSE of predicting the mean), or the class shares' entropy
    (cross-entropy of predicting them)."""
    if task == REGRESSION:
        return float(y.double().var(unbiased=False)) if len(y) else 0.0
    counts = torch.bincount(y.cpu()).double()
    shares = counts[counts > 0] / counts.sum()
    return float(-(shares * shares.log()).sum())


class DivergenceWatch:
    """Says, after an epoch, whether training has diverged and why.

    Parameters
    ----------
    task : "regression" or "classification"
    X_train, y_train : tensors
        The training rows (the sample for the output check is taken here).
    learning_rate : float
        Named in the advice.
    batch : callable(network, rows) -> tensor
        How the fit loop feeds rows to the network.
    """

    def __init__(self, task: str, X_train: torch.Tensor,
                 y_train: torch.Tensor, learning_rate: float, batch):
        self.baseline = baseline_loss(task, y_train)
        self.ignoring = "predicting the mean" if task == REGRESSION \
            else "predicting the class shares"
        self.first_loss: Optional[float] = None
        self.learning_rate = learning_rate
        n = len(X_train)
        index = torch.linspace(0, n - 1, min(n, SAMPLE_ROWS)).long()
        self.sample = X_train[index.to(X_train.device)]
        # Rows that are all alike (empty documents) rightly get one output.
        self.inputs_vary = bool((self.sample != self.sample[:1]).any()) \
            if n else False
        self.batch = batch

    def _advice(self) -> str:
        lower = self.learning_rate / 10 if self.learning_rate <= 1e-3 \
            else 1e-3  # the default
        return (f"the learning rate ({self.learning_rate:g}) is probably "
                f"too high; lower it (e.g. to {lower:g})")

    @torch.no_grad()
    def constant_output(self, network: nn.Module) -> bool:
        """Whether the network gives the sample's rows (nearly) one output
        although they differ."""
        if not self.inputs_vary or self.baseline <= 0:
            return False
        was_training = network.training
        network.eval()
        out = network(self.batch(network, self.sample)).double()
        network.train(was_training)
        spread = float(out.std(dim=0, unbiased=False).max())
        return math.isfinite(spread) and spread < CONSTANT_OUTPUT

    def check(self, network: nn.Module, epoch: int,
              train_loss: float) -> Optional[str]:
        """None, or what went wrong in ``epoch`` in words, with advice."""
        if self.first_loss is None:
            self.first_loss = train_loss
        baseline = self.baseline
        if baseline > 0 and train_loss > LOSS_FACTOR * baseline:
            return (f"the training loss in epoch {epoch} ({train_loss:.3g}) "
                    f"is {train_loss / baseline:.3g} times that of "
                    f"{self.ignoring} ({baseline:.3g}): "
                    + self._advice())
        if train_loss > baseline \
                and train_loss > LOSS_FACTOR * self.first_loss:
            return (f"the training loss rose to {train_loss:.3g} in epoch "
                    f"{epoch}, {train_loss / self.first_loss:.3g} times its "
                    f"first value: " + self._advice())
        if self.constant_output(network):
            return (f"after epoch {epoch} the network gives every row the "
                    f"same output (it ignores its input): " + self._advice())
        return None
