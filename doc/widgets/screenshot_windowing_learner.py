"""Make doc/widgets/images/windowing.png and recurrent-learner.png.

Windowing gets the shipped monthly air passengers series (a date column it
finds by itself) with windows of 12 months; LSTM/GRU trains on the classroom
sine (sin(t) + N(0, 0.1), t = 0 .. 999.9, window 10, last 20% held out) so
the loss curve shows training and validation. Offscreen; run from the
repository root: python doc/widgets/screenshot_windowing_learner.py
"""
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.getcwd())

from AnyQt.QtWidgets import QApplication  # noqa: E402

from orangecontrib.recurrent import datasets  # noqa: E402
from orangecontrib.recurrent.widgets.owrecurrentlearner import (  # noqa: E402
    OWRecurrentLearner,
)
from orangecontrib.recurrent.widgets.owwindowing import (  # noqa: E402
    OWWindowing,
)
from orangecontrib.recurrent.windowing import (  # noqa: E402
    chronological_split, make_windows,
)

IMAGES = os.path.join("doc", "widgets", "images")


def save(app, widget, name):
    widget.show()
    widget.resize(widget.sizeHint())
    app.processEvents()
    path = os.path.join(IMAGES, name)
    widget.grab().save(path)
    print("saved", path, widget.width(), "x", widget.height())


def main():
    app = QApplication.instance() or QApplication([])

    windowing = OWWindowing()
    windowing.window_length = 12
    windowing.set_data(datasets.load("airpassengers"))
    save(app, windowing, "windowing.png")

    # what Windowing's Train Data output holds with its defaults
    train, _ = chronological_split(
        make_windows(datasets.sine_with_noise(), 10), 0.2)

    learner = OWRecurrentLearner()
    learner.epochs = 15
    learner.settings_changed()
    learner.set_data(train)
    learner.handleNewSignals()
    start = time.perf_counter()
    while learner.task is not None and time.perf_counter() - start < 600:
        app.processEvents()
        time.sleep(0.01)  # leave the GIL to the training thread
    save(app, learner, "recurrent-learner.png")
    print(learner.status_label.text())
    learner.onDeleteWidget()
    windowing.onDeleteWidget()


if __name__ == "__main__":
    main()
