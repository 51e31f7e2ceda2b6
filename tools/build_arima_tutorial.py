"""Write tutorial 7: LSTM (recursive and direct), ARIMA and Linear Regression
on the airline series, in one Forecast Plot with scores and coverage.

::

    python -m tools.build_arima_tutorial [DIR]

It needs orange3-timeseries (its ARIMA Model widget); the tutorial tests skip
the workflow where that add-on is missing.
"""
import sys

from orangecontrib.recurrent import datasets
from tools.build_tutorials import (
    AS_SHIPPED, FORECAST, LINEAR, LSTM, RECURRENT, SAMPLE, WINDOWING,
    write_tutorials,
)
from tools.workflow_builder import WorkflowBuilder

ARIMA = "orangecontrib.timeseries.widgets.owarimamodel.OWARIMAModel"
FILE = "07-airline-lstm-arima.ows"
#: What the Forecast Plot is set to; the tutorial's test reads these.
STEPS, SCORE_STEPS, COVERAGE = 24, 12, 90
#: ARIMA order (p, d, q): 12 lags of the differenced series carry the
#: airline's yearly season, which an ARIMA(2,1,1) misses.
ORDER = (12, 1, 0)
#: Both LSTMs; relative: they predict changes, so the rising trend
#: continues past the training range.
LSTM_SETTINGS = dict(cell_index=LSTM, hidden_size=32, epochs=100,
                     batch_size=8, learning_rate=0.01, random_seed=0,
                     fixed_seed=True, early_stopping=True, patience=10,
                     normalization_index=1, **AS_SHIPPED)


def _windowing(builder, title, data, position, **settings):
    """A Windowing node titled ``title`` (node titles are unique, so that
    the runner's outputs tell the two apart) that has seen ``data`` once,
    so that its context (time, target, series) is saved."""
    node = builder.add(WINDOWING, title, position, **settings)
    widget = builder.widget(node)
    widget.set_data(data)
    widget.handleNewSignals()
    widget.set_data(None)
    widget.handleNewSignals()
    return node


def airline_lstm_arima(path: str):
    b = WorkflowBuilder(
        "Airline passengers: LSTM (recursive and direct), ARIMA and "
        "linear regression",
        "Monthly airline passengers 1949-1960. Two LSTMs learn from the "
        "first 80% of 12-month windows: one predicts the next month and is "
        "rolled forward (recursive), the other predicts the next 12 months "
        "at once (direct). Linear regression reads the same windows; "
        "orange3-timeseries' ARIMA model comes as it is. Forecast Plot "
        "backtests all four on the last 20% of the series (each sees only "
        "the data up to each origin), forecasts 24 months with intervals, "
        "and tabulates, per step ahead, each model's RMSE and how often its "
        "90% interval caught the real value.")
    series = b.add(SAMPLE, "Sample Series", (60, 240),
                   dataset="airpassengers")
    data = datasets.load("airpassengers")
    recursive_windows = _windowing(b, "Windowing (next month)", data,
                                   (240, 120), window_length=12, horizon=1,
                                   test_share=20)
    direct_windows = _windowing(b, "Windowing (12 months)", data,
                                (240, 330), window_length=12, horizon=12,
                                direct=True, test_share=20)
    recursive = b.add(RECURRENT, "LSTM recursive", (420, 60),
                      learner_name="LSTM recursive", **LSTM_SETTINGS)
    linear = b.add(LINEAR, "Linear Regression", (420, 190))
    direct = b.add(RECURRENT, "LSTM direct", (420, 330),
                   learner_name="LSTM direct", **LSTM_SETTINGS)
    arima = b.add(ARIMA, "ARIMA Model", (420, 460), p=ORDER[0], d=ORDER[1],
                  q=ORDER[2], learner_name="ARIMA")
    plot = b.add(FORECAST, "Forecast Plot", (640, 240), steps=STEPS,
                 coverage=COVERAGE, test_share=20, score_steps=SCORE_STEPS)
    b.link(series, "Data", recursive_windows, "Data")
    b.link(series, "Data", direct_windows, "Data")
    b.link(recursive_windows, "Train Data", recursive, "Data")
    b.link(recursive_windows, "Train Data", linear, "Data")
    b.link(direct_windows, "Train Data", direct, "Data")
    b.link(series, "Data", plot, "Data")
    for learner in (recursive, linear, direct):
        b.link(learner, "Model", plot, "Model")
    b.link(arima, "Time series model", plot, "Time series model")
    b.annotate(
        "Windowing (top): target passengers(t+1). Windowing (bottom): "
        "'Targets for every step 1..h' with horizon 12 gives 12 targets, "
        "and the LSTM learns one network with 12 outputs.",
        (150, 0, 330, 60), 12)
    b.annotate(
        "ARIMA Model (orange3-timeseries) needs no input here: Forecast "
        "Plot fits it on the series, re-filters it at every backtest origin "
        "and draws its own intervals.", (330, 520, 300, 60), 12)
    b.annotate(
        "Forecast Plot: the per-step table puts RMSE and the achieved "
        "coverage of each model's 90% interval side by side.",
        (570, 320, 250, 60), 12)
    b.save(path)
    b.close()


def main(argv=None) -> int:
    return write_tutorials({FILE: airline_lstm_arima}, argv)


if __name__ == "__main__":
    sys.exit(main())
