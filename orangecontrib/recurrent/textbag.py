"""The bag-of-words path of text networks, and the fit that starts from it.

On short documents what separates the classes is mostly *which* words occur:
on the election tweets (benchmarks/README-accuracy.md) a recurrent network
alone stayed at 0.91 while TF-IDF logistic regression scored 0.94, and the
same network with its words shuffled scored as well as with them in order.
So a text network made with ``epochs=None`` has, beside the recurrent path, a
linear bag of words: every word has a logit per class (:class:`WordLogits`),
and a document adds its words' logits, divided by the square root of its
length, to the recurrent head's output. That is a logistic regression on
length-normalized word counts, inside the network.

Trained together from the start, the recurrent path learns faster and
memorizes the training tweets before the bag has learned its words (0.895 on
the development split, against 0.929 for the bag alone). :func:`fit_two_stage`
therefore trains in two stages, as the series network starts from its linear
skip (LSTNet):

1. the bag alone (:class:`WordLogits`), with early stopping on the validation
   part, at BAG_RATE times the learner's learning rate;
2. the whole network, its bag holding the first stage's weights and its
   recurrent head starting at zero (so that it starts as the bag of words
   does); early stopping restores the epoch with the lowest validation loss.

The recurrent path then learns what the words alone do not say.
"""
import numpy as np
import torch
from torch import nn

from orangecontrib.recurrent.options import CLASSIFICATION
from orangecontrib.recurrent.reports import FitResult, StopReason
from orangecontrib.recurrent.text import PAD
from orangecontrib.recurrent.training import fit_network

__all__ = ["WordLogits", "fit_two_stage", "BAG_EPOCHS", "BAG_RATE"]

#: The first stage (the bag alone) trains at most this many epochs; an
#: epoch of a linear model costs a fiftieth of a recurrent one. (Tweets:
#: early stopping ended it after 60-80.)
BAG_EPOCHS = 100
#: ... at this multiple of the learner's learning rate (3e-3 at the
#: default). At 1e-3 the bag learned too slowly: 0.920 after 58 epochs on
#: the development split, against 0.925 at 3e-3.
BAG_RATE = 3.0


class WordLogits(nn.Module):
    """A linear bag of words: a logit per word and class, summed over the
    document's tokens and divided by the square root of its length.

    Input: ``(batch, length)`` token indices padded with
    :data:`~orangecontrib.recurrent.text.PAD`; output ``(batch, n_outputs)``.
    Alone (``bias=True``) it is a complete classifier, the first stage of
    :func:`fit_two_stage`; inside a
    :class:`~orangecontrib.recurrent.textmodel.TextNetwork` (no bias: the
    head has one) it is the network's bag-of-words path.
    """

    def __init__(self, vocabulary_size: int, n_outputs: int,
                 bias: bool = False):
        super().__init__()
        self.logits = nn.Embedding(int(vocabulary_size), int(n_outputs),
                                   padding_idx=PAD)
        nn.init.zeros_(self.logits.weight)
        self.bias = nn.Parameter(torch.zeros(int(n_outputs))) if bias \
            else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        tokens = x.long()
        lengths = (tokens != PAD).sum(dim=1, keepdim=True).clamp(min=1)
        # the padding row is zero, so padded steps add nothing
        out = self.logits(tokens).sum(dim=1) / lengths.sqrt()
        return out if self.bias is None else out + self.bias


def fit_two_stage(network: nn.Module, X: np.ndarray, y: np.ndarray,
                  fit_args: dict, epochs: int,
                  learning_rate: float) -> FitResult:
    """Train a TextNetwork that has a bag (``network.bag``): first the bag
    alone, then the whole network starting from it.

    Parameters
    ----------
    network : TextNetwork
        Built with ``bag=True``; trained in place.
    X, y : arrays
        Encoded documents (float32 token indices) and int64 classes, in the
        order the fit loop takes them (its validation part is the same in
        both stages).
    fit_args : dict
        :func:`~orangecontrib.recurrent.training.fit_network`'s other
        keyword arguments (batch size, validation, patience, seed, device,
        callback, should_stop, ...).
    epochs : int
        The second stage's epochs.
    learning_rate : float
        The second stage's; the first takes BAG_RATE times it.

    Returns
    -------
    FitResult
        The second stage's, its ``stop_reason`` prefixed with the first's
        epochs. The callback sees the stages as runs 1 and 2; one that
        stops the first stage gets the first stage's result and a network
        that predicts as the bag of words alone.
    """
    n_outputs = network.n_outputs
    bag = WordLogits(network.vocabulary_size, n_outputs, bias=True)
    first = fit_network(bag, X, y, task=CLASSIFICATION, epochs=BAG_EPOCHS,
                        learning_rate=BAG_RATE * learning_rate, run=1,
                        **fit_args)
    with torch.no_grad():
        network.bag.logits.weight.copy_(bag.logits.weight)
        network.head.weight.zero_()
        network.head.bias.copy_(bag.bias)
    if first.stop == StopReason.CALLBACK:
        # asked to stop: the network as it stands is the bag of words
        network.eval()
        return first
    result = fit_network(network, X, y, task=CLASSIFICATION, epochs=epochs,
                         learning_rate=learning_rate, run=2, **fit_args)
    result.stop_reason = (f"bag of words first: {first.epochs_trained} "
                          f"epochs (kept {first.best_epoch}); then "
                          f"{result.stop_reason}")
    return result

