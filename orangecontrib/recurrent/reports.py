"""What training reports, as typed facts: per-epoch losses, why it stopped,
and the fit's outcome. No torch here, so widgets read these in the GUI thread.

Message text is for people; code compares :class:`StopReason` members and
reads :class:`EpochReport` fields.
"""
import enum
from dataclasses import dataclass, field
from typing import List, Optional

__all__ = ["EpochReport", "StopReason", "FitResult", "TrainingCancelled",
           "LOSS_STANDARDIZED", "LOSS_CHANGE", "LOSS_CROSS_ENTROPY"]

#: What a loss measures (EpochReport.loss_name).
LOSS_STANDARDIZED = "MSE (standardized target)"
LOSS_CHANGE = "MSE (standardized change)"
LOSS_CROSS_ENTROPY = "cross-entropy"


@dataclass(frozen=True)
class EpochReport:
    """What one finished epoch reports to the callback.

    ``epoch`` counts from 1 to ``epochs``. Losses are means over rows on the
    scale the network is trained on, which ``loss_name`` says. ``val_loss``
    is None without a validation part. ``run`` numbers the networks one fit
    trains: 1, or 2 for the second network of ``normalization="auto"``
    (after the candidates of ``frontend="auto"``, when it compares them).
    ``trying``: the front-end "auto" is trying with this network, or "".
    """
    epoch: int
    epochs: int
    train_loss: float
    val_loss: Optional[float] = None
    run: int = 1
    loss_name: str = LOSS_STANDARDIZED
    trying: str = ""


class StopReason(enum.Enum):
    """Why the fit loop ended."""
    COMPLETED = "trained all epochs"
    EARLY_STOPPING = "early stopping"
    CALLBACK = "stopped by the callback"
    NOT_FINITE = "the loss was not finite"
    #: the loss grew far beyond ignoring the input, or the output turned
    #: constant (orangecontrib.recurrent.divergence); the words say what
    DIVERGED = "training diverged"


class TrainingCancelled(Exception):
    """Raise from a callback to abandon training; it propagates to the
    caller. The fit loop raises it itself when its ``should_stop`` says so
    (checked between batches)."""


@dataclass
class FitResult:
    """How a fit ended.

    ``history`` has one report per finished epoch with a finite loss;
    ``best_epoch`` is the epoch whose weights the network holds now;
    ``stop`` says why training ended and ``stop_reason`` says it in words.
    """
    history: List[EpochReport] = field(default_factory=list)
    stop: StopReason = StopReason.COMPLETED
    stop_reason: str = ""
    best_epoch: int = 0
    epochs_trained: int = 0
    device: str = "cpu"
    n_validation: int = 0
