"""Make doc/widgets/images/forecast-plot.png: the seed sine task (sin(t) +
N(0, 0.1), t = 0 .. 999.9, window 10, last 20% held out) with an LSTM, a GRU
and Orange's Neural Network in one Forecast Plot; and forecast-plot-airline.png:
airline passengers (window 12, 20% held out), an LSTM and Linear Regression,
36 months ahead (bands cut at 0 and ending where the held-out part does).
Offscreen; run from the repository root:
python doc/widgets/screenshot_forecast_plot.py [--airline-only]
"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.getcwd())

from AnyQt.QtWidgets import QApplication  # noqa: E402

from Orange.regression import NNRegressionLearner  # noqa: E402

from orangecontrib.recurrent.learner import RecurrentLearner  # noqa: E402
from orangecontrib.recurrent.widgets.owforecastplot import (  # noqa: E402
    OWForecastPlot,
)
from orangecontrib.recurrent.windowing import (  # noqa: E402
    chronological_split, make_windows,
)
from tests.series import sine_table  # noqa: E402

OUT = os.path.join("doc", "widgets", "images", "forecast-plot.png")


def shoot(app, series, models, out, steps=50):
    widget = OWForecastPlot()
    widget.steps = steps
    widget.set_data(series)
    for i, model in enumerate(models):
        widget.insert_model(i, model)
    widget.handleNewSignals()
    while widget.task is not None:  # the backtest runs in a worker thread
        app.processEvents()
    widget.resize(1000, 640)
    widget.show()
    app.processEvents()
    widget.grab().save(out)
    print("saved", out)
    widget.onDeleteWidget()


def airline(app):
    from Orange.regression import LinearRegressionLearner
    from orangecontrib.recurrent import datasets
    series = datasets.load("airpassengers")
    train, _ = chronological_split(make_windows(series, 12), 0.2)
    lstm = RecurrentLearner(hidden_size=32, epochs=60, random_state=0,
                            device="cpu")(train)
    linear = LinearRegressionLearner()(train)
    linear.name = "Linear Regression"
    shoot(app, series, [lstm, linear],
          os.path.join("doc", "widgets", "images",
                       "forecast-plot-airline.png"), steps=36)


def main():
    app = QApplication.instance() or QApplication([])
    airline(app)
    if "--airline-only" in sys.argv:
        return
    series = sine_table()
    train, _ = chronological_split(make_windows(series, 10), 0.2)
    models = []
    for cell in ("lstm", "gru"):
        models.append(RecurrentLearner(
            cell=cell, hidden_size=32, epochs=20, batch_size=64,
            learning_rate=3e-3, patience=None, random_state=0,
            device="cpu")(train))
    nn = NNRegressionLearner(hidden_layer_sizes=(32,), random_state=0)(train)
    nn.name = "Neural Network"
    models.append(nn)

    shoot(app, series, models, OUT)


if __name__ == "__main__":
    main()
