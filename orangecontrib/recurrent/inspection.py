"""Look inside a trained recurrent model: per-step states, gates and input
gradients.

:func:`trace` runs rows of data through a model's own torch module and
recomputes its recurrent layers step by step from their weights (torch's
fused kernels do not expose the gates), so that a student can see what the
hidden state, the LSTM's cell state and each gate do over time:

- LSTM (torch's gate order i, f, g, o)::

      i = sigmoid(W_ii x + b_ii + W_hi h + b_hi)     "input"
      f = sigmoid(W_if x + b_if + W_hf h + b_hf)     "forget"
      g = tanh(W_ig x + b_ig + W_hg h + b_hg)        "cell" (the candidate)
      o = sigmoid(W_io x + b_io + W_ho h + b_ho)     "output"
      c' = f * c + i * g,   h' = o * tanh(c')

- GRU (r, z, n)::

      r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)     "reset"
      z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)     "update"
      n = tanh(W_in x + b_in + r * (W_hn h + b_hn))  "new"
      h' = (1 - z) * n + z * h

- RNN: h' = tanh(W_ih x + b_ih + W_hh h + b_hh)

The input gradient is the norm, per step, of the gradient of the model's
prediction (for a classifier: the predicted class' logit) with respect to
the raw input at that step (for text: the step's word embedding), taken by
autograd through the real module. It shows how far back the model "sees".

Nothing here imports Qt; torch is imported inside the functions.
"""
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np

from Orange.data import Table

__all__ = ["trace", "Trace", "LayerTrace", "DirectionTrace", "GATES",
           "model_inputs"]

#: Gate names per cell, in torch's order of the weight blocks.
GATES = {"lstm": ("input", "forget", "cell", "output"),
         "gru": ("reset", "update", "new"),
         "rnn": ()}

#: Rows per batched pass for series models (text goes row by row).
CHUNK = 256


@dataclass
class DirectionTrace:
    """One direction of one layer, every array in time order (index t is
    step t of the input, also for the backward direction, which reads from
    the last step to the first).

    Attributes
    ----------
    hidden : ndarray (steps, units)
        The hidden state after reading step t.
    cell : ndarray (steps, units) or None
        The LSTM's cell state after step t; None for GRU and RNN.
    gates : dict of str -> ndarray (steps, units)
        The gate activations at step t (see :data:`GATES`); empty for RNN.
    """
    hidden: np.ndarray
    cell: Optional[np.ndarray] = None
    gates: Dict[str, np.ndarray] = field(default_factory=dict)


@dataclass
class LayerTrace:
    """One recurrent layer: ``directions[0]`` forward, ``[1]`` backward."""
    directions: List[DirectionTrace]


@dataclass
class Trace:
    """What the model did with one row of data.

    Attributes
    ----------
    row : int
        The row's index in the data given to :func:`trace`.
    cell_type : "lstm", "gru" or "rnn"
    inputs : ndarray (steps, channels)
        The raw input steps as the model reads them (series: the values of
        each channel; text: the words' embeddings).
    channels : list of str
        The names of the input's columns (series names, or "e0", "e1", ...).
    recurrent_input : ndarray (steps, features)
        What the first recurrent layer is fed (after standardization, a
        relative-to-last step, an embedding or any other front-end).
    layers : list of LayerTrace
    input_gradient : ndarray (steps,)
        Norm of d(prediction) / d(input at step t), in the units of the
        prediction per unit of the input (text: of the embedding).
    prediction : float
        The value the gradient is of: the regression prediction in the
        target's units, or the predicted class' logit.
    predicted_class : int or None
    tokens : list of str or None
        For text, the words at the steps (None for series).
    """
    row: int
    cell_type: str
    inputs: np.ndarray
    channels: List[str]
    recurrent_input: np.ndarray
    layers: List[LayerTrace]
    input_gradient: np.ndarray
    prediction: float
    predicted_class: Optional[int] = None
    tokens: Optional[List[str]] = None

    @property
    def steps(self) -> int:
        return len(self.input_gradient)

    def final_hidden(self) -> np.ndarray:
        """The last layer's state that the model's head reads: the forward
        direction after the last step (and the backward after the first)."""
        dirs = self.layers[-1].directions
        parts = [dirs[0].hidden[-1]] + [d.hidden[0] for d in dirs[1:]]
        return np.concatenate(parts)


def _is_text(model) -> bool:
    return hasattr(model, "vocabulary")


def model_inputs(model, data: Table, rows: Sequence[int]):
    """The raw inputs the model reads from ``rows`` of ``data``.

    Returns
    -------
    inputs : list of ndarray
        Series: one float64 array (steps, channels) per row. Text: one int64
        array of token indices (the document's real tokens, no padding).
    tokens : list of list of str, or None
        For text, the words at the steps.
    channels : list of str
        Names of the input channels (series); empty for text.

    Raises
    ------
    ValueError
        When the data does not fit the model or a row has missing values.
    """
    # pylint: disable=import-outside-toplevel
    if _is_text(model):
        from orangecontrib.recurrent.text import OOV, PAD, document_tokens
        docs = document_tokens(data[list(rows)], model.preprocessor)
        length = model.sequence_length
        encoded = model.vocabulary.encode(docs, length)
        inputs, tokens = [], []
        for doc, codes in zip(docs, encoded):
            n = max(1, int((codes != PAD).sum()))
            inputs.append(codes[:n])
            words = list(doc[:length]) or ["<empty>"]
            tokens.append([w if c != OOV else f"{w} (?)"
                           for w, c in zip(words, codes[:n])])
        return inputs, tokens, []
    from orangecontrib.recurrent.windowing import (
        sequences_from_rows, window_layout,
    )
    domain = model.domain
    table = data.transform(domain) if data.domain != domain else data
    X = table.X[list(rows)]
    if hasattr(X, "toarray"):
        X = X.toarray()
    if X.shape[1] == 0 or not np.isfinite(
            np.asarray(X, dtype=float)).all():
        bad = [r for r, x in zip(rows, X)
               if not np.isfinite(np.asarray(x, dtype=float)).all()]
        raise ValueError(
            f"Row {bad[0] if bad else rows[0]} has missing values for the "
            "model's inputs (or the data lacks them); pick another row.")
    # float64, as the model predicts: the network centres before casting
    sequences = sequences_from_rows(X, domain, np.float64)
    layout = window_layout(domain)
    channels = list(layout.series) if layout is not None else ["value"]
    return list(sequences), None, channels


def _capture(network, batch, text: bool, model):
    """Run ``batch`` through ``network`` once, returning the recurrent
    layer's input (batch, steps, features), the gradient norm per step
    (batch, steps), the scalar predictions and the predicted classes."""
    # pylint: disable=import-outside-toplevel
    import torch
    from torch.nn.utils.rnn import PackedSequence, pad_packed_sequence
    from orangecontrib.recurrent.options import CLASSIFICATION

    seen = {}

    def rnn_input(_module, args):
        x = args[0]
        if isinstance(x, PackedSequence):
            x = pad_packed_sequence(x, batch_first=True)[0]
        seen["rnn"] = x.detach()

    def embedded(_module, _args, output):
        # Differentiate with respect to the embeddings, not the weights.
        seen["embedding"] = output.detach().requires_grad_(True)
        return seen["embedding"]

    hooks = [network.rnn.register_forward_pre_hook(rnn_input)]
    if text:
        hooks.append(network.embedding.register_forward_hook(embedded))
        raw = torch.as_tensor(batch)
    else:
        raw = torch.as_tensor(np.asarray(batch, dtype=np.float64)) \
            .requires_grad_(True)
    try:
        with torch.enable_grad():
            out = network(raw)
            if model.task == CLASSIFICATION:
                classes = out.argmax(dim=1)
                scalar = out.gather(1, classes[:, None])[:, 0]
            else:
                classes = None
                scalar = out[:, 0] * model.target_scale + model.target_mean
                if getattr(network, "log", False) and not text:
                    # A log model multiplies the last value by the ratio.
                    scalar = raw[:, -1, model.target_index] * torch.exp(scalar)
                elif getattr(network, "relative", False) and not text:
                    # The model adds the target series' last value back.
                    scalar = scalar + raw[:, -1, model.target_index]
            wrt = seen["embedding"] if text else raw
            # Rows are independent: the sum's gradient is each row's own.
            grad, = torch.autograd.grad(scalar.sum(), wrt)
    finally:
        for hook in hooks:
            hook.remove()
    norms = grad.detach().double().norm(dim=2).numpy()
    inputs = (seen["embedding"] if text else raw).detach().numpy()
    return (seen["rnn"].double(), norms, inputs,
            scalar.detach().double().numpy(),
            None if classes is None else classes.numpy())


def _direction(cell: str, x, weights, reverse: bool):
    """The recurrence of one direction of one layer on x (batch, steps,
    features), in float64; returns a DirectionTrace per row."""
    # pylint: disable=import-outside-toplevel
    import torch
    w_ih, w_hh, b_ih, b_hh = weights
    batch, steps, _ = x.shape
    units = w_hh.shape[1]
    h = x.new_zeros(batch, units)
    c = x.new_zeros(batch, units)
    from_input = x @ w_ih.T + b_ih  # all steps at once
    names = GATES[cell]
    hidden = x.new_zeros(batch, steps, units)
    cells = x.new_zeros(batch, steps, units) if cell == "lstm" else None
    gates = {g: x.new_zeros(batch, steps, units) for g in names}
    for t in (reversed(range(steps)) if reverse else range(steps)):
        a, b = from_input[:, t], h @ w_hh.T + b_hh
        if cell == "lstm":
            z = a + b
            i, f, o = (torch.sigmoid(z[:, k * units:(k + 1) * units])
                       for k in (0, 1, 3))
            g = torch.tanh(z[:, 2 * units:3 * units])
            c = f * c + i * g
            h = o * torch.tanh(c)
            cells[:, t] = c
            values = (i, f, g, o)
        elif cell == "gru":
            r = torch.sigmoid(a[:, :units] + b[:, :units])
            u = torch.sigmoid(a[:, units:2 * units] + b[:, units:2 * units])
            n = torch.tanh(a[:, 2 * units:] + r * b[:, 2 * units:])
            h = (1 - u) * n + u * h
            values = (r, u, n)
        else:
            h = torch.tanh(a + b)
            values = ()
        hidden[:, t] = h
        for name, v in zip(names, values):
            gates[name][:, t] = v
    out = []
    for k in range(batch):
        out.append(DirectionTrace(
            hidden=hidden[k].numpy().astype(np.float32),
            cell=None if cells is None else cells[k].numpy().astype(
                np.float32),
            gates={g: v[k].numpy().astype(np.float32)
                   for g, v in gates.items()}))
    return out


def _layer_weights(rnn, layer: int, reverse: bool):
    suffix = f"_l{layer}" + ("_reverse" if reverse else "")
    w_ih = getattr(rnn, "weight_ih" + suffix).detach().double()
    w_hh = getattr(rnn, "weight_hh" + suffix).detach().double()
    zeros = w_ih.new_zeros(w_ih.shape[0])
    b_ih = getattr(rnn, "bias_ih" + suffix, None)
    b_hh = getattr(rnn, "bias_hh" + suffix, None)
    return (w_ih, w_hh,
            zeros if b_ih is None else b_ih.detach().double(),
            zeros if b_hh is None else b_hh.detach().double())


def _recurrence(cell: str, rnn, x) -> List[List[LayerTrace]]:
    """Every layer and direction for x (batch, steps, features); returns,
    per row, the list of its LayerTraces."""
    directions = 2 if rnn.bidirectional else 1
    per_row = [[] for _ in range(x.shape[0])]
    for layer in range(rnn.num_layers):
        results = [_direction(cell, x, _layer_weights(rnn, layer, d == 1),
                              reverse=d == 1) for d in range(directions)]
        for k, row in enumerate(per_row):
            row.append(LayerTrace([res[k] for res in results]))
        # The next layer reads both directions' hidden states, in time order.
        import torch  # pylint: disable=import-outside-toplevel
        x = torch.cat([torch.from_numpy(np.stack([r.hidden for r in res]))
                       .double() for res in results], dim=2)
    return per_row


def trace(model, data: Table, rows: Optional[Sequence[int]] = None,
          callback: Optional[Callable[[float], None]] = None) -> List[Trace]:
    """Per-step internals of ``model`` for ``rows`` of ``data``.

    Parameters
    ----------
    model : RecurrentModel or TextModel
        A trained model of this add-on (LSTM, GRU or RNN; any number of
        layers; either direction).
    data : Table
        Rows in the model's domain, or data that transforms to it (a
        Corpus for a text model).
    rows : sequence of int, optional
        Indices into ``data``; default ``[0]``, the first row only (tracing
        stores steps x units values per gate, so ask for what you need).
    callback : callable(float), optional
        Called with the finished share (0..1); may raise to cancel.

    Returns
    -------
    list of Trace
        One per requested row, in the order of ``rows``.

    Raises
    ------
    ValueError
        For a model that is not a recurrent model of this add-on, rows out
        of range, or rows with missing inputs.
    """
    # pylint: disable=import-outside-toplevel
    import torch
    if not callable(getattr(model, "network", None)) \
            or not hasattr(model, "architecture"):
        raise ValueError("Only the recurrent models of this add-on (LSTM, "
                         "GRU, RNN) can be inspected.")
    rows = [0] if rows is None else [int(r) for r in rows]
    if not rows:
        return []
    if min(rows) < 0 or max(rows) >= len(data):
        raise ValueError(f"Rows must lie in 0..{len(data) - 1}.")
    network = model.network()
    if not isinstance(getattr(network, "rnn", None), torch.nn.RNNBase) \
            or getattr(network.rnn, "proj_size", 0):
        raise ValueError("The model's network has no plain recurrent layer "
                         "to inspect.")
    network = network.cpu().eval()  # dropout off; the trace is on the CPU
    cell = network.cell
    text = _is_text(model)
    traces = []
    chunk = 1 if text else CHUNK
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        inputs, tokens, channels = model_inputs(model, data, part)
        batch = np.stack(inputs)[None, 0] if text else np.stack(inputs)
        x, grads, raw, scalars, classes = _capture(network, batch, text,
                                                   model)
        with torch.no_grad():
            layers = _recurrence(cell, network.rnn, x)
        for k, row in enumerate(part):
            traces.append(Trace(
                row=row, cell_type=cell,
                inputs=raw[k],
                channels=channels or [f"e{i}" for i in range(raw.shape[2])],
                recurrent_input=x[k].numpy().astype(np.float32),
                layers=layers[k], input_gradient=grads[k],
                prediction=float(scalars[k]),
                predicted_class=None if classes is None else int(classes[k]),
                tokens=tokens[k] if tokens else None))
        if callback is not None:
            callback(min(1.0, (start + len(part)) / len(rows)))
    return traces
