"""Make doc/widgets/images/forecast-plot.png: the seed sine task (sin(t) +
N(0, 0.1), t = 0 .. 999.9, window 10, last 20% held out) with an LSTM, a GRU
and Orange's Neural Network in one Forecast Plot. Offscreen; run from the
repository root: python doc/widgets/screenshot_forecast_plot.py
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


def main():
    app = QApplication.instance() or QApplication([])
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

    widget = OWForecastPlot()
    widget.set_data(series)
    for i, model in enumerate(models):
        widget.insert_model(i, model)
    widget.handleNewSignals()
    while widget.task is not None:  # the backtest runs in a worker thread
        app.processEvents()
    widget.resize(1000, 640)
    widget.show()
    app.processEvents()
    widget.grab().save(OUT)
    print("saved", OUT)
    widget.onDeleteWidget()


if __name__ == "__main__":
    main()
