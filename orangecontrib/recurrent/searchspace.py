"""A search space: which parameters a learner has, their values, and the
points a grid or random search tries.

Values are lists, or (for random and Bayesian search) a :class:`Range` or
:class:`LogRange`. :func:`learner_with` is how every search sets a point on a
copy of the learner: plain attributes for learners that keep their parameters
so (this add-on's, Orange's own trees), ``params`` for Orange's scikit-learn
wrappers, which fit with that dict. No Qt, no torch.
"""
import copy
import itertools
import math
from dataclasses import dataclass
from typing import Optional

import numpy as np

__all__ = ["Range", "LogRange", "parse_values", "tunable_parameters",
           "learner_with", "check_space", "planned_points", "optuna_suggest"]


@dataclass(frozen=True)
class Range:
    """Values from ``low`` to ``high`` (both included), drawn uniformly.

    Integers when both ends are ints (e.g. ``Range(8, 64)`` for a hidden
    size), else floats.
    """
    low: float
    high: float

    def __post_init__(self):
        if not self.low <= self.high:
            raise ValueError(f"A range needs low <= high, got "
                             f"({self.low}, {self.high}).")

    @property
    def is_int(self) -> bool:
        return isinstance(self.low, (int, np.integer)) \
            and isinstance(self.high, (int, np.integer))

    log = False

    def sample(self, rng: np.random.Generator):
        if self.is_int:
            return int(rng.integers(self.low, self.high + 1))
        return float(rng.uniform(self.low, self.high))


@dataclass(frozen=True)
class LogRange(Range):
    """As :class:`Range`, but uniform in the logarithm (learning rates)."""
    log = True

    def __post_init__(self):
        super().__post_init__()
        if not self.low > 0:
            raise ValueError("A log range needs positive ends.")

    def sample(self, rng: np.random.Generator):
        value = math.exp(rng.uniform(math.log(self.low), math.log(self.high)))
        return int(round(value)) if self.is_int else float(value)


def _scalar(token: str):
    for kind in (int, float):
        try:
            return kind(token)
        except ValueError:
            pass
    return {"True": True, "False": False, "None": None}.get(token, token)


def parse_values(name: str, text: str):
    """"16, 32, 64" -> [16, 32, 64]; "8..64" -> Range(8, 64); "1e-4..1e-1
    log" -> LogRange. Raises ValueError with a message for the user."""
    text = text.strip()
    if ".." in text:
        log = text.endswith(" log")
        low, _, high = text[:-4 if log else None].partition("..")
        low, high = _scalar(low.strip()), _scalar(high.strip())
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                   for v in (low, high)):
            raise ValueError(f"'{name}': a range needs two numbers, "
                             "as in 8..64 or 0.0001..0.1 log.")
        return (LogRange if log else Range)(low, high)
    values = [_scalar(v.strip()) for v in text.split(",") if v.strip()]
    if not values:
        raise ValueError(f"'{name}' has no values; type them separated by "
                         "commas, as in 16, 32, 64.")
    return values


def tunable_parameters(learner) -> dict:
    """The parameters :func:`tune` can set on ``learner``, with their values.

    Public instance attributes, and for scikit-learn wrappers the keys of
    ``learner.params`` (which is what such learners fit with).
    """
    names = {k: v for k, v in vars(learner).items()
             if not k.startswith("_") and k not in ("callback", "params",
                                                    "preprocessors")}
    skl = _skl_params(learner)
    if skl is not None:
        names.update(skl)
    return names


def _skl_params(learner) -> Optional[dict]:
    # Orange's SklLearner keeps its parameters in the `params` dict (its
    # __getattr__ reads them); setting an attribute would be silently ignored.
    from Orange.base import SklLearner  # pylint: disable=import-outside-toplevel
    return dict(learner.params) if isinstance(learner, SklLearner) else None


def _check_names(learner, names) -> None:
    known = tunable_parameters(learner)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(
            f"{type(learner).__name__} has no parameter "
            f"{', '.join(map(repr, unknown))}; it has "
            f"{', '.join(sorted(known))}.")


def learner_with(learner, params: dict):
    """A deep copy of ``learner`` with ``params`` set and no callback.

    Raises ValueError for a name the learner does not have, and whatever
    the learner's ``check_params`` raises for a value out of range.
    """
    _check_names(learner, params)
    # A shallow copy first, so that deepcopy does not follow a callback bound
    # to a widget into the widget.
    shallow = copy.copy(learner)
    if "callback" in vars(shallow):
        shallow.callback = None
    new = copy.deepcopy(shallow)
    skl = _skl_params(new)
    for name, value in params.items():
        if skl is not None and name in skl:
            new.params = {**new.params, name: value}
        else:
            setattr(new, name, value)
    if hasattr(new, "check_params"):
        new.check_params()
    return new


def check_space(learner, space: dict, method: str) -> dict:
    """``space`` with its values as lists or ranges (a 2-tuple becomes a
    :class:`Range`); ValueError for unknown names, empty lists, or a range
    in a grid."""
    if not space:
        raise ValueError("The search space is empty; give at least one "
                         "parameter and its values.")
    _check_names(learner, space)
    checked = {}
    for name, values in space.items():
        if isinstance(values, tuple) and len(values) == 2 \
                and not isinstance(values, Range):
            values = Range(*values)
        if isinstance(values, Range):
            if method == "grid":
                raise ValueError(f"Grid search needs a list of values for "
                                 f"'{name}', not a range.")
        else:
            values = list(values)
            if not values:
                raise ValueError(f"No values given for '{name}'.")
        checked[name] = values
    return checked


def planned_points(space: dict, method: str, n_trials: Optional[int],
                   rng: np.random.Generator) -> list:
    """The grid's or random search's points (Bayesian ones come one by one)."""
    names = list(space)
    if method == "grid":
        points = [dict(zip(names, values))
                  for values in itertools.product(*space.values())]
        return points[:n_trials] if n_trials else points
    if all(not isinstance(v, Range) for v in space.values()):
        # only lists: sample grid points without repeats
        grid = list(itertools.product(*space.values()))
        take = rng.permutation(len(grid))[:min(n_trials, len(grid))]
        return [dict(zip(names, grid[i])) for i in take]
    return [{n: (v.sample(rng) if isinstance(v, Range)
                 else v[rng.integers(len(v))]) for n, v in space.items()}
            for _ in range(n_trials)]


def optuna_suggest(trial, name: str, values):
    """Ask an Optuna trial for a value of ``name`` from a list or range."""
    if isinstance(values, Range):
        if values.is_int:
            return trial.suggest_int(name, values.low, values.high,
                                     log=values.log)
        return trial.suggest_float(name, float(values.low),
                                   float(values.high), log=values.log)
    return trial.suggest_categorical(name, list(values))
