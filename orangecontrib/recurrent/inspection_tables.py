"""Traces (:func:`orangecontrib.recurrent.inspection.trace`) as Orange tables.

- :func:`states_table`: the per-step states in long format, one row per
  (input row, layer, direction, step), for Scatter Plot, Line Plot or
  Box Plot.
- :func:`final_states_table`: one row per input row with the last layer's
  final hidden state as features, and the input row's class (or target) and
  metas kept, so that PCA, t-SNE or MDS can colour the points by them.

No Qt, no torch.
"""
from typing import List, Optional, Sequence

import numpy as np

from Orange.data import (
    ContinuousVariable, DiscreteVariable, Domain, StringVariable, Table,
)

__all__ = ["states_table", "final_states_table", "final_states_from_arrays",
           "DIRECTIONS"]

DIRECTIONS = ("forward", "backward")


def _unit_names(trace, units: Sequence[int]) -> List[str]:
    """Column names: h<u>, c<u> (LSTM) and '<gate> <u>' per unit."""
    layer = trace.layers[0].directions[0]
    names = [f"h{u}" for u in units]
    if layer.cell is not None:
        names += [f"c{u}" for u in units]
    for gate in layer.gates:
        names += [f"{gate} {u}" for u in units]
    return names


def states_table(traces, units: Optional[Sequence[int]] = None,
                 layer: Optional[int] = None,
                 direction: Optional[int] = None) -> Optional[Table]:
    """Per-step states of ``traces`` in long format.

    Parameters
    ----------
    traces : list of Trace
    units : sequence of int, optional
        The units to keep (default: all).
    layer, direction : int, optional
        Keep only this layer / direction (0 forward, 1 backward); default all.

    Returns
    -------
    Table or None
        Attributes ``step``, ``input gradient``, then ``h<u>``, ``c<u>``
        (LSTM) and ``<gate> <u>`` per chosen unit; metas ``row`` (the
        trace's row), ``layer``, ``direction`` and, for text, ``word``.
        None when there are no traces.
    """
    if not traces:
        return None
    n_units = traces[0].layers[0].directions[0].hidden.shape[1]
    units = list(range(n_units)) if units is None else list(units)
    names = _unit_names(traces[0], units)
    text = traces[0].tokens is not None
    X, metas = [], []
    for tr in traces:
        steps = np.arange(tr.steps, dtype=float)
        for li, lay in enumerate(tr.layers):
            if layer is not None and li != layer:
                continue
            for di, d in enumerate(lay.directions):
                if direction is not None and di != direction:
                    continue
                blocks = [d.hidden[:, units]]
                if d.cell is not None:
                    blocks.append(d.cell[:, units])
                blocks += [v[:, units] for v in d.gates.values()]
                X.append(np.column_stack(
                    [steps, tr.input_gradient] + blocks))
                meta = [np.full(tr.steps, tr.row, dtype=float),
                        np.full(tr.steps, li, dtype=float),
                        np.full(tr.steps, di, dtype=float)]
                if text:
                    meta.append(np.array(tr.tokens, dtype=object))
                metas.append(np.column_stack(meta).astype(object))
    if not X:
        return None
    meta_vars = [ContinuousVariable("row", number_of_decimals=0),
                 ContinuousVariable("layer", number_of_decimals=0),
                 DiscreteVariable("direction", values=DIRECTIONS)]
    if text:
        meta_vars.append(StringVariable("word"))
    domain = Domain(
        [ContinuousVariable("step", number_of_decimals=0),
         ContinuousVariable("input gradient")]
        + [ContinuousVariable(n) for n in names], metas=meta_vars)
    table = Table.from_numpy(domain, np.vstack(X).astype(float),
                             metas=np.vstack(metas))
    table.name = "States"
    return table


def final_states_table(traces, data: Table) -> Optional[Table]:
    """One row per trace: the last layer's final hidden state (what the
    model's head reads), with the input row's class or target and metas.

    Parameters
    ----------
    traces : list of Trace
    data : Table
        The data the traces were taken from (``trace.row`` indexes it).

    Returns
    -------
    Table or None
        Features ``h0`` ... (bidirectional: ``h0 forward`` ...,
        ``h0 backward`` ...), the data's class variables, its metas and a
        meta ``row``; None when there are no traces.
    """
    if not traces:
        return None
    directions = len(traces[0].layers[-1].directions)
    return final_states_from_arrays(
        [tr.row for tr in traces],
        np.stack([tr.final_hidden() for tr in traces]), directions, data)


def final_states_from_arrays(rows: Sequence[int], states: np.ndarray,
                             directions: int, data: Table) -> Table:
    """:func:`final_states_table` from the rows and their final states
    (rows, units * directions), for callers that keep no whole traces."""
    units = states.shape[1] // directions
    if directions == 1:
        names = [f"h{u}" for u in range(units)]
    else:
        names = [f"h{u} {d}" for d in DIRECTIONS for u in range(units)]
    rows = list(rows)
    source = data[rows]
    row_var = ContinuousVariable("row", number_of_decimals=0)
    domain = Domain([ContinuousVariable(n) for n in names],
                    data.domain.class_vars, data.domain.metas + (row_var,))
    metas = np.column_stack(
        (source.metas.reshape(len(rows), -1),
         np.array(rows, dtype=float))).astype(object)
    table = Table.from_numpy(domain, np.asarray(states, dtype=float),
                             source.Y.reshape(len(rows), -1), metas=metas)
    table.name = "Final states"
    return table
