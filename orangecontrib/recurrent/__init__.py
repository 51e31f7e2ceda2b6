"""Recurrent neural networks (LSTM, GRU, RNN) for Orange.

The public API is importable from here. torch is imported only when a model is
trained or used, never by importing this package. No public name here is also
the name of a submodule (the forecasting functions live in ``forecasting``),
so ``import orangecontrib.recurrent.<module>`` always gives the module.
"""
from orangecontrib.recurrent.windowing import (
    make_windows, chronological_split, window_layout, sequences_from_rows,
)
from orangecontrib.recurrent.sequences import make_sequences

__all__ = ["make_windows", "chronological_split", "window_layout",
           "sequences_from_rows", "make_sequences", "RecurrentLearner",
           "RecurrentModel",
           "forecast", "backtest", "forecast_table", "tune", "TuneResult",
           "Range", "LogRange", "trace"]

#: Public name -> the submodule that defines it, imported on first use so
#: that `import orangecontrib.recurrent` stays light for the canvas.
_LAZY = {
    "RecurrentLearner": "learner",
    "RecurrentModel": "model",
    "forecast": "forecasting",
    "forecast_table": "forecasting",
    "backtest": "backtesting",
    "tune": "tuning",
    "TuneResult": "tuning",
    "Range": "searchspace",
    "LogRange": "searchspace",
    "trace": "inspection",
}


def __getattr__(name):
    if name in _LAZY:
        import importlib  # pylint: disable=import-outside-toplevel
        module = importlib.import_module(f"{__name__}.{_LAZY[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
