"""Long table -> one row per case: multichannel sequences for the learner.

Data recorded per case and time step (a motion sensor's six channels over
100 steps for each of 40 recordings, say) usually comes *long*: one row per
case and step, an id column saying which case, a step or time column, numeric
channels, and a class that is the same on every row of a case.
:func:`make_sequences` turns it into one row per case whose columns follow the
window-metadata contract of :mod:`orangecontrib.recurrent.windowing`: the
value of channel ``c`` at step ``k`` (k <= 0, the last step 0) is the column
``c(t+k)`` with ``attributes["series"] = c`` and ``attributes["offset"] = k``,
grouped by step, oldest first. So the recurrent learner reads each row as a
``(steps, channels)`` sequence with a reshape, and any other learner sees the
values as ordinary features.

Cases of unequal length are made equal by *padding at the start* with each
channel's first value (the default, ``lengths="pad"``): the last steps stay
aligned at offset 0, which is where a recurrent network's final state reads
them, and no value is invented between two observed ones. ``lengths=
"resample"`` stretches every case linearly onto the longest case's number of
steps instead (its first and last values kept), for data whose cases are the
same movement recorded at different speeds. The report in
``table.attributes["sequences"]`` says which was done and to how many cases.
This module imports neither Qt nor torch.
"""
from dataclasses import dataclass
from typing import Optional, Union

import numpy as np

from Orange.data import (
    ContinuousVariable, Domain, StringVariable, Table, Variable,
)

from orangecontrib.recurrent.series import (
    find_time_variable, interpolate_inner,
)
from orangecontrib.recurrent.windowing import lag_name

__all__ = ["make_sequences", "SequencesReport", "PAD", "RESAMPLE"]

#: Unequal lengths: repeat each channel's first value before the case ...
PAD = "pad"
#: ... or stretch each case onto the longest length by linear interpolation.
RESAMPLE = "resample"
LENGTHS = (PAD, RESAMPLE)

VarLike = Union[str, Variable]


@dataclass(frozen=True)
class SequencesReport:
    """What :func:`make_sequences` did; kept in
    ``table.attributes["sequences"]``."""
    id: str
    time: Optional[str]
    channels: tuple
    n_input_rows: int
    n_cases: int
    length: int
    min_length: int
    lengths: str
    n_adjusted: int
    n_filled: int

    def __str__(self):
        text = (f"{self.n_cases} cases x {self.length} steps x "
                f"{len(self.channels)} channels from {self.n_input_rows} rows")
        if self.n_adjusted:
            how = ("padded at the start with the first value"
                   if self.lengths == PAD else
                   "resampled linearly to the longest length")
            text += (f"; {self.n_adjusted} shorter cases (shortest "
                     f"{self.min_length} steps) {how}")
        if self.n_filled:
            text += f"; {self.n_filled} missing values filled"
        return text


def _resolve(domain: Domain, var: VarLike, what: str) -> Variable:
    name = var if isinstance(var, str) else getattr(var, "name", var)
    try:
        return domain[name]
    except (KeyError, ValueError, IndexError, TypeError):
        raise ValueError(f"The {what} '{name}' is not in the data.") from None


def _case_keys(data: Table, id_var: Variable) -> np.ndarray:
    """The id of every row as a string key; ValueError when one is missing."""
    column = data.get_column(id_var)
    if id_var.is_primitive():
        values = column.astype(float)
        missing = np.isnan(values)
        keys = np.array([id_var.str_val(v) for v in values], dtype=object)
    else:
        missing = np.array([v is None or v == "" or
                            (isinstance(v, float) and np.isnan(v))
                            for v in column])
        keys = np.array([str(v) for v in column], dtype=object)
    if missing.any():
        raise ValueError(f"The id '{id_var.name}' is missing in "
                         f"{int(missing.sum())} rows; every row must belong "
                         "to a case.")
    return keys


def _fill(values: np.ndarray) -> tuple:
    """Interpolate inner gaps of one case's channel and carry the first and
    last observed values to its ends. Returns (values, filled count)."""
    values, filled = interpolate_inner(values)
    missing = np.isnan(values)
    if missing.all():
        return values, filled
    if missing.any():
        known = np.flatnonzero(~missing)
        values[:known[0]] = values[known[0]]
        values[known[-1] + 1:] = values[known[-1]]
        filled += int(missing.sum())
    return values, filled


def _fit_length(values: np.ndarray, length: int, lengths: str) -> np.ndarray:
    """(steps, channels) -> (length, channels), padded or resampled."""
    steps = len(values)
    if steps == length:
        return values
    if lengths == PAD:
        head = np.repeat(values[:1], length - steps, axis=0)
        return np.concatenate([head, values])
    if steps == 1:
        return np.repeat(values, length, axis=0)
    old = np.linspace(0.0, 1.0, steps)
    new = np.linspace(0.0, 1.0, length)
    return np.stack([np.interp(new, old, values[:, j])
                     for j in range(values.shape[1])], axis=1)


def _case_class(y: np.ndarray, class_var: Variable, case: str) -> float:
    """The class of one case: its one value among the rows (missing when
    none has one); ValueError when the rows disagree."""
    known = np.unique(y[~np.isnan(y)])
    if len(known) > 1:
        shown = ", ".join(f"'{class_var.str_val(v)}'" for v in known[:4])
        raise ValueError(
            f"The class '{class_var.name}' varies within case '{case}' "
            f"({shown}); make_sequences needs one class per case.")
    return float(known[0]) if len(known) else np.nan


# pylint: disable=redefined-builtin
def make_sequences(data: Table, id: VarLike,
                   time: Optional[VarLike] = None,
                   lengths: str = PAD) -> Table:
    """Turn a long table (one row per case and step) into one row per case.

    Parameters
    ----------
    data : Table
        Rows are (case, step) pairs in any order. Numeric attributes other
        than ``id`` and ``time`` are the channels; the class variable, if
        any, must be constant within each case.
    id : variable or name
        Which case each row belongs to (categorical, string or numeric).
        Cases appear in the output in the order of their first row.
    time : variable or name, False or None
        Column that orders the steps within a case (ties keep row order);
        None: the table's time variable if it has one, else row order;
        False: row order.
    lengths : "pad" or "resample"
        How shorter cases are made as long as the longest: "pad" repeats each
        channel's first value before the case (the last steps stay aligned);
        "resample" stretches the case linearly.

    Returns
    -------
    Table
        One row per case: columns ``c(t-L+1) .. c(t)`` grouped by step (oldest
        first) with ``attributes["series"]`` (the channel) and
        ``attributes["offset"]`` (k <= 0), the case's class, and the id as a
        meta. Missing values inside a case's channel are interpolated, at its
        ends carried from the nearest observed value.
        ``table.attributes["sequences"]`` holds a :class:`SequencesReport`.

    Raises
    ------
    ValueError
        For an id or time not in the data, a missing id or time, no numeric
        channel, a non-numeric attribute, a channel that is missing in all
        of a case's rows, or a class that varies within a case.
    """
    if lengths not in LENGTHS:
        raise ValueError(f"Unknown lengths '{lengths}'; choose one of "
                         f"{', '.join(LENGTHS)}.")
    if data is None or len(data) == 0:
        raise ValueError("The data is empty.")
    domain = data.domain
    id_var = _resolve(domain, id, "id")
    if time is False:
        time_var = None
    elif time is not None:
        time_var = _resolve(domain, time, "time")
    else:
        time_var = find_time_variable(data)
    if time_var is id_var:
        raise ValueError("The id and the time must be different columns.")
    if time_var is not None and not time_var.is_primitive():
        raise ValueError(f"The time '{time_var.name}' is not numeric.")
    used = {id_var, time_var}
    others = [a for a in domain.attributes if a not in used]
    non_numeric = [a.name for a in others if not a.is_continuous]
    if non_numeric:
        raise ValueError(
            f"Channels must be numeric; '{non_numeric[0]}' is not. Remove "
            "it, or make it the target (Select Columns).")
    channels = others
    if not channels:
        raise ValueError("The data has no numeric channel besides the id "
                         "and the time.")

    keys = _case_keys(data, id_var)
    times = data.get_column(time_var).astype(float) \
        if time_var is not None else np.arange(len(data), dtype=float)
    if np.isnan(times).any():
        raise ValueError(f"The time '{time_var.name}' has missing values; "
                         "steps cannot be put in order.")
    values = np.column_stack([data.get_column(c).astype(float)
                              for c in channels])
    class_var = domain.class_var
    y = data.get_column(class_var).astype(float) if class_var is not None \
        else None

    cases, first_rows = np.unique(keys, return_index=True)
    cases = cases[np.argsort(first_rows)]
    case_rows = {case: [] for case in cases}
    for row, key in enumerate(keys):
        case_rows[key].append(row)
    blocks, classes, n_filled = [], [], 0
    for case in cases:
        rows = np.array(case_rows[case])
        rows = rows[np.argsort(times[rows], kind="stable")]
        block = values[rows].copy()
        for j, channel in enumerate(channels):
            block[:, j], filled = _fill(block[:, j])
            if np.isnan(block[:, j]).all():
                raise ValueError(f"Channel '{channel.name}' is missing in "
                                 f"every row of case '{case}'.")
            n_filled += filled
        blocks.append(block)
        if y is not None:
            classes.append(_case_class(y[rows], class_var, case))

    steps = np.array([len(b) for b in blocks])
    length = int(steps.max())
    X = np.stack([_fit_length(b, length, lengths) for b in blocks])
    X = X.reshape(len(blocks), length * len(channels))

    attributes = []
    for k in range(-length + 1, 1):
        for channel in channels:
            var = ContinuousVariable(
                lag_name(channel.name, k),
                number_of_decimals=channel.number_of_decimals)
            var.attributes["series"] = channel.name
            var.attributes["offset"] = k
            attributes.append(var)
    id_meta = StringVariable(id_var.name)
    out_domain = Domain(attributes, class_var, metas=[id_meta])
    Y = np.array(classes, dtype=float) if y is not None else None
    metas = np.array(cases, dtype=object)[:, None]
    table = Table.from_numpy(out_domain, X, Y, metas)
    table.name = f"{getattr(data, 'name', '') or 'data'} (sequences)"
    table.attributes = {"sequences": SequencesReport(
        id=id_var.name, time=time_var.name if time_var is not None else None,
        channels=tuple(c.name for c in channels), n_input_rows=len(data),
        n_cases=len(blocks), length=length, min_length=int(steps.min()),
        lengths=lengths, n_adjusted=int((steps < length).sum()),
        n_filled=n_filled)}
    return table
