"""Make doc/widgets/images/tune.png: tutorial 5's search (sunspots, windows
of 11, the first 80% of the windows; an LSTM with at most 30 epochs, batch
16, patience 5, seed 0; grid over hidden size x learning rate). Offscreen;
run from the repository root: python doc/widgets/screenshot_tune.py
"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, os.getcwd())

from AnyQt.QtWidgets import QApplication  # noqa: E402

from orangecontrib.recurrent import (  # noqa: E402
    RecurrentLearner, chronological_split, datasets, make_windows,
)
from orangecontrib.recurrent.widgets.owtune import OWTune  # noqa: E402

OUT = os.path.join("doc", "widgets", "images", "tune.png")


def main():
    app = QApplication.instance() or QApplication([])
    train, _ = chronological_split(
        make_windows(datasets.load("sunspots"), 11), 0.2)
    widget = OWTune()
    widget.set_data(train)
    widget.set_learner(RecurrentLearner(
        hidden_size=32, epochs=30, batch_size=16, learning_rate=0.01,
        patience=5, random_state=0))
    widget.handleNewSignals()
    while widget.task is not None:  # the search runs in a worker thread
        app.processEvents()
    widget.resize(1000, 720)
    widget.show()
    app.processEvents()
    widget.grab().save(OUT)
    print("saved", OUT, widget.status.text())
    widget.onDeleteWidget()


if __name__ == "__main__":
    main()
