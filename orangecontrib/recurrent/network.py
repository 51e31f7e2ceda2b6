"""The recurrent network: an LSTM, GRU or plain (tanh) RNN with a linear head.

Input is batch-first, ``(batch, steps, n_series)``; output is
``(batch, n_outputs)``: one value per row for regression, one logit per class
for classification. Inputs are standardized inside the network with per-series
buffers (``input_mean``, ``input_scale``), so the scaling travels with the
``state_dict`` and the training data needs no scaled copy. With
``relative=True`` each window is first taken relative to its last step
(``x(t-k) - x(t)`` per series), also inside the network, so no copy either.
"""
from typing import Optional, Sequence

import torch
from torch import nn

from orangecontrib.recurrent.options import check_cell, layer_dropout

__all__ = ["RecurrentNetwork", "recurrent_layers", "last_layer_state"]

#: Cell name (options.CELLS) -> torch module class.
_MODULES = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


def recurrent_layers(cell: str, input_size: int, hidden_size: int,
                     num_layers: int, bidirectional: bool,
                     dropout: float) -> nn.Module:
    """A batch-first stack of LSTM, GRU or tanh-RNN layers.

    Dropout only exists between layers, so with one layer it is not passed
    to torch (which would warn).
    """
    cell = check_cell(cell)
    kwargs = dict(input_size=int(input_size), hidden_size=int(hidden_size),
                  num_layers=int(num_layers), batch_first=True,
                  bidirectional=bool(bidirectional))
    if layer_dropout(num_layers, dropout):
        kwargs["dropout"] = layer_dropout(num_layers, dropout)
    if cell == "rnn":
        kwargs["nonlinearity"] = "tanh"
    return _MODULES[cell](**kwargs)


def last_layer_state(state, num_directions: int) -> torch.Tensor:
    """The last layer's final hidden state, ``(batch, hidden * directions)``.

    ``state`` is what the recurrent stack returns besides its outputs: h_n,
    or (h_n, c_n) for an LSTM. h_n is (layers * directions, batch, hidden);
    the last layer's directions are its last ``num_directions`` entries: the
    forward one after the last step, the backward one after it has read back
    to the first (so packed, padded sequences are read correctly too).
    """
    h_n = state[0] if isinstance(state, tuple) else state
    if num_directions == 1:
        return h_n[-1]
    return torch.cat((h_n[-2], h_n[-1]), dim=1)


class RecurrentNetwork(nn.Module):
    """A stacked recurrent network with a linear head on the last step.

    Parameters
    ----------
    n_series : int
        Number of values per step (series in the window).
    n_outputs : int
        1 for regression, the number of classes for classification.
    cell : "lstm", "gru" or "rnn"
        "rnn" is Elman's RNN with tanh.
    hidden_size : int
        Units per layer and direction.
    num_layers : int
        Stacked recurrent layers.
    bidirectional : bool
        Read each window forwards and backwards; the head sees the forward
        direction's state after the last step and the backward direction's
        state after it has read back to the first step.
    dropout : float
        Dropout between recurrent layers (torch's ``dropout`` argument). It
        only exists between layers, so with ``num_layers == 1`` it does
        nothing (and is not passed to torch, which would warn).
    input_mean, input_scale : sequence of float, optional
        Per-series standardization, ``(x - mean) / scale``; default 0 and 1.
    relative : bool
        Read each window as differences from its last step, ``x - x(t)``
        per series, before the standardization (whose statistics are then
        those of the differences). The network sees the window's shape, not
        its level; the learner adds the level back to the prediction.
    """

    def __init__(self, n_series: int, n_outputs: int = 1, cell: str = "lstm",
                 hidden_size: int = 50, num_layers: int = 1,
                 bidirectional: bool = False, dropout: float = 0.0,
                 input_mean: Optional[Sequence[float]] = None,
                 input_scale: Optional[Sequence[float]] = None,
                 relative: bool = False):
        super().__init__()
        self.cell = cell.lower()  # recurrent_layers checks it
        self.n_series = int(n_series)
        self.n_outputs = int(n_outputs)
        self.num_layers = int(num_layers)
        self.num_directions = 2 if bidirectional else 1
        self.relative = bool(relative)
        self.rnn = recurrent_layers(self.cell, self.n_series, hidden_size,
                                    self.num_layers, bidirectional, dropout)
        self.head = nn.Linear(int(hidden_size) * self.num_directions,
                              self.n_outputs)
        # float64: a series far from zero (1e8 + sin t) keeps its detail
        # only if it is centred before the cast to float32 (see forward).
        mean = torch.zeros(self.n_series, dtype=torch.float64) \
            if input_mean is None \
            else torch.as_tensor(input_mean, dtype=torch.float64)
        scale = torch.ones(self.n_series, dtype=torch.float64) \
            if input_scale is None \
            else torch.as_tensor(input_scale, dtype=torch.float64)
        self.register_buffer("input_mean", mean.reshape(self.n_series).clone())
        self.register_buffer("input_scale",
                             scale.reshape(self.n_series).clone())

    #: The fit loop passes float64 batches as they are: this network
    #: centres them in float64 and casts to float32 only after that.
    centres_in_float64 = True

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(batch, steps, n_series)`` -> ``(batch, n_outputs)``.

        ``x`` may be float32 or float64; the differences and the
        standardization are computed in float64 (with float32 that far from
        zero, 1e8 + sin t, the sine would be rounded away), then cast."""
        x = x.double()
        if self.relative:
            x = x - x[:, -1:, :]
        x = ((x - self.input_mean) / self.input_scale).float()
        _, state = self.rnn(x)
        return self.head(last_layer_state(state, self.num_directions))
