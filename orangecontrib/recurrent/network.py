"""The recurrent network: an LSTM, GRU or plain (tanh) RNN with a linear head.

Input is batch-first, ``(batch, steps, n_series)``; output is
``(batch, n_outputs)``: one value per row for regression, one logit per class
for classification. Inputs are standardized inside the network with per-series
buffers (``input_mean``, ``input_scale``), so the scaling travels with the
``state_dict`` and the training data needs no scaled copy. With
``relative=True`` each window is first taken relative to its last step
(``x(t-k) - x(t)`` per series), also inside the network, so no copy either.
After the scaling an input front-end (:mod:`orangecontrib.recurrent.
frontends`: raw steps, patches, convolutions) decides what the recurrent layers
read at each step; "raw" adds no weights, so networks pickled before
front-ends existed load unchanged.
"""
from typing import Optional, Sequence

import torch
from torch import nn

from orangecontrib.recurrent.frontends import RAW, make_frontend
from orangecontrib.recurrent.options import check_cell, layer_dropout

__all__ = ["RecurrentNetwork", "recurrent_layers", "last_layer_state",
           "set_forget_bias", "start_skip_at_least_squares"]

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


def set_forget_bias(rnn: nn.Module, value: float) -> None:
    """Start an LSTM's forget gates at ``value`` (Keras' default is 1: the
    cell keeps its memory until training learns to forget). torch adds two
    biases per gate; the input one gets ``value``, the recurrent one 0.
    Other cells have no forget gate and are left alone."""
    if not isinstance(rnn, nn.LSTM):
        return
    hidden = rnn.hidden_size
    with torch.no_grad():
        for name, param in rnn.named_parameters():
            if name.startswith("bias_"):  # gates i, f, g, o
                param[hidden:2 * hidden] = \
                    value if name.startswith("bias_ih") else 0.0


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
    frontend : "raw", "patch", "conv" or "shuffle"
        What the recurrent layers read at each step (see
        :mod:`orangecontrib.recurrent.frontends`).
    frontend_size : int
        The patch size (values per patch) or the convolution width;
        0: the front-end's default.
    frontend_steps : int
        The sequence length, for "shuffle" (which reads it as one step).
    forget_bias : float
        Initial bias of an LSTM's forget gates (0: torch's initialization).
    log : bool
        Read the logarithm of the (positive) values, before ``relative``:
        a window then says by what factor each value differs from the last,
        which is what a series whose swings grow with its level keeps
        constant.
    skip_inputs : int
        A linear map from the scaled window (``steps * n_series`` values)
        added to the head's output, as LSTNet's autoregressive part: the
        network starts from, and need not fall below, linear regression on
        the lags. 0: none.
    """

    def __init__(self, n_series: int, n_outputs: int = 1, cell: str = "lstm",
                 hidden_size: int = 50, num_layers: int = 1,
                 bidirectional: bool = False, dropout: float = 0.0,
                 input_mean: Optional[Sequence[float]] = None,
                 input_scale: Optional[Sequence[float]] = None,
                 relative: bool = False, frontend: str = RAW,
                 frontend_size: int = 0, frontend_steps: int = 0,
                 forget_bias: float = 0.0,
                 log: bool = False, skip_inputs: int = 0):
        super().__init__()
        self.cell = cell.lower()  # recurrent_layers checks it
        self.n_series = int(n_series)
        self.n_outputs = int(n_outputs)
        self.num_layers = int(num_layers)
        self.num_directions = 2 if bidirectional else 1
        self.relative = bool(relative)
        self.log = bool(log)
        self.skip_inputs = int(skip_inputs)
        self.skip = nn.Linear(self.skip_inputs, self.n_outputs) \
            if self.skip_inputs else None
        self.frontend_kind = str(frontend)
        self.frontend_size = int(frontend_size)
        self.frontend_steps = int(frontend_steps)
        self.frontend = make_frontend(self.frontend_kind, self.n_series,
                                      self.frontend_size, self.frontend_steps)
        self.rnn = recurrent_layers(self.cell, self.frontend.features,
                                    hidden_size, self.num_layers,
                                    bidirectional, dropout)
        if forget_bias:
            set_forget_bias(self.rnn, float(forget_bias))
        self.head = nn.Linear(
            int(hidden_size) * self.num_directions + self.frontend.pooled,
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

    def scaled(self, x: torch.Tensor) -> torch.Tensor:
        """The window as the layers read it: logarithms (``log``),
        differences from the last step (``relative``) and standardization,
        in float64, then cast to float32."""
        x = x.double()
        if self.log:  # (a value <= 0 cannot be read: the smallest float)
            x = torch.log(torch.clamp(x, min=torch.finfo(x.dtype).tiny))
        if self.relative:
            x = x - x[:, -1:, :]
        return ((x - self.input_mean) / self.input_scale).float()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(batch, steps, n_series)`` -> ``(batch, n_outputs)``.

        ``x`` may be float32 or float64; the logarithms, differences and the
        standardization are computed in float64 (with float32 that far from
        zero, 1e8 + sin t, the sine would be rounded away), then cast."""
        x = self.scaled(x)
        features = self.frontend(x)
        _, state = self.rnn(features)
        last = last_layer_state(state, self.num_directions)
        if self.frontend.pooled:  # LSTM-FCN: the pooled features beside it
            last = torch.cat(
                (last, self.frontend.pooled_features(x, features)), dim=1)
        out = self.head(last)
        if self.skip is not None:
            out = out + self.skip(x.flatten(1))
        return out


@torch.no_grad()
def start_skip_at_least_squares(network: RecurrentNetwork, X, targets,
                                ridge: float = 1e-3) -> None:
    """Set ``network``'s linear skip to the ridge least-squares fit of the
    (scaled) targets on the scaled windows ``X``, and its recurrent head's
    output to zero, so that training starts from linear regression on the
    lags and the recurrent part learns what is left (seeds that started
    from a random head ended 1.0-1.4x linear regression on airline)."""
    inputs = network.scaled(torch.as_tensor(X)).flatten(1).double()
    t = torch.as_tensor(targets, dtype=torch.float64).reshape(len(inputs), -1)
    ones = torch.ones(len(inputs), 1, dtype=torch.float64)
    design = torch.cat((inputs, ones), dim=1)
    penalty = ridge * len(inputs) * torch.eye(design.shape[1],
                                              dtype=torch.float64)
    penalty[-1, -1] = 0  # the intercept is not penalized
    coef = torch.linalg.solve(design.T @ design + penalty, design.T @ t)
    network.skip.weight.copy_(coef[:-1].T.float())
    network.skip.bias.copy_(coef[-1].float())
    network.head.weight.zero_()
    network.head.bias.zero_()
