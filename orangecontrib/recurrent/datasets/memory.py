"""A long-memory task: the adding problem (Hochreiter & Schmidhuber 1997).

Each sequence has two channels: ``value`` (uniform numbers in [0, 1)) and
``marker`` (0 everywhere except 1 at two steps). The target is the sum of the
two marked values. Both markers sit in the first half of the sequence, so the
network must carry them across at least ``lag / 2`` steps to the end, where
it predicts; a plain RNN's gradient fades over that distance and it settles
for the mean (the trivial baseline: the variance of a sum of two U(0, 1)
numbers, 1/6), while an LSTM or GRU keeps the values in its cell state.

This module imports neither Qt nor torch.
"""
import numpy as np

from Orange.data import ContinuousVariable, Domain, Table

__all__ = ["adding_problem", "ADDING_BASELINE_MSE"]

#: The mean squared error of always predicting the mean, 1, for a target that
#: is the sum of two independent U(0, 1) numbers: 2 * 1/12.
ADDING_BASELINE_MSE = 1 / 6

CHANNELS = ("value", "marker")


def adding_problem(sequences: int = 5000, lag: int = 30,
                   seed: int = 0) -> Table:
    """The adding problem as one row per sequence of ``lag`` steps.

    The first marker lies in the first 10% of the steps (at least the first
    step), the second between 10% and 50% of them, so both marked values are
    at least ``lag / 2`` steps before the end of the sequence. Values and
    marker positions come from ``numpy.random.default_rng(seed)``.

    Parameters
    ----------
    sequences : int
        Number of rows.
    lag : int
        Steps per sequence (at least 4): how far back the model must
        remember.
    seed : int
        The same seed gives the same table on every machine.

    Returns
    -------
    Table
        Attributes ``value(t-lag+1)``, ``marker(t-lag+1)``, ..., ``value(t)``,
        ``marker(t)`` in (step, channel) order, each carrying
        ``attributes["series"]`` and ``attributes["offset"]`` (the
        window-metadata contract, so a recurrent learner reads two channels
        per step); target ``sum``; meta ``first marker`` and
        ``second marker`` (the steps, 0-based, of the marked values).
    """
    sequences, lag = int(sequences), int(lag)
    if lag < 4:
        raise ValueError(f"The lag must be at least 4 steps, not {lag}.")
    if sequences < 1:
        raise ValueError("At least one sequence is needed.")
    rng = np.random.default_rng(seed)
    values = rng.uniform(0, 1, (sequences, lag))
    tenth, half = max(1, lag // 10), max(2, lag // 2)
    first = rng.integers(0, tenth, sequences)
    second = rng.integers(tenth, half, sequences)
    markers = np.zeros((sequences, lag))
    rows = np.arange(sequences)
    markers[rows, first] = 1
    markers[rows, second] = 1
    target = values[rows, first] + values[rows, second]
    # own memory (not a view), so that the table can be edited in place
    X = np.stack((values, markers), axis=2).reshape(sequences, 2 * lag).copy()

    attributes = []
    for step in range(lag):
        offset = step - lag + 1
        for channel in CHANNELS:
            name = f"{channel}(t)" if offset == 0 else f"{channel}(t{offset:+d})"
            var = ContinuousVariable(name)
            var.attributes.update(series=channel, offset=offset)
            attributes.append(var)
    metas = [ContinuousVariable("first marker", number_of_decimals=0),
             ContinuousVariable("second marker", number_of_decimals=0)]
    domain = Domain(attributes, ContinuousVariable("sum"), metas)
    table = Table.from_numpy(
        domain, X, target,
        metas=np.column_stack((first, second)).astype(float).astype(object))
    table.name = f"Adding problem (lag {lag})"
    return table
