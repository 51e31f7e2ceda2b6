"""Recurrent neural networks (LSTM, GRU, RNN) for Orange.

The public API is importable from here. torch is imported only when a model is
trained or used, never by importing this package.
"""
from orangecontrib.recurrent.windowing import (
    make_windows, chronological_split, window_layout, sequences_from_rows,
)
# Imported eagerly (it needs no torch): the function `forecast` shares its name
# with its module, and a lazy import would leave the package attribute bound to
# the module. After this line `orangecontrib.recurrent.forecast` is the
# function; import the module's other names with
# `from orangecontrib.recurrent.forecast import ...`.
from orangecontrib.recurrent.forecast import forecast, backtest

__all__ = ["make_windows", "chronological_split", "window_layout",
           "sequences_from_rows", "RecurrentLearner", "RecurrentModel",
           "forecast", "backtest"]


def __getattr__(name):
    # Lazy, so that `import orangecontrib.recurrent` stays light for the canvas.
    if name in ("RecurrentLearner", "RecurrentModel"):
        from orangecontrib.recurrent import learner
        return getattr(learner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
