"""Make doc/widgets/images/inspector-lstm.png and inspector-rnn.png: the
models of tutorial 6 (the adding problem, lag 30, 5,000 sequences, LSTM and
RNN trained as in the tutorial, on the Data Sampler's 80%) in the Recurrent
Inspector, on the first held-out sequence. Offscreen; run from the repository root:
python doc/widgets/screenshot_inspector.py
"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, os.getcwd())

from AnyQt.QtWidgets import QApplication  # noqa: E402

from Orange.widgets.data.owdatasampler import SampleRandomP  # noqa: E402

from orangecontrib.recurrent import RecurrentLearner  # noqa: E402
from orangecontrib.recurrent.datasets import adding_problem  # noqa: E402
from orangecontrib.recurrent.widgets.owinspector import (  # noqa: E402
    OWRecurrentInspector,
)
from tools.build_memory_tutorial import LAG, SEED, SEQUENCES  # noqa: E402

OUT = os.path.join("doc", "widgets", "images")


def main():
    app = QApplication.instance() or QApplication([])
    data = adding_problem(SEQUENCES, LAG, SEED)
    # Data Sampler's own draw in the tutorial: 80%, its fixed seed 42.
    remaining, sample = SampleRandomP(0.8, random_state=42)(data)
    train, test = data[sample], data[remaining]
    for cell in ("lstm", "rnn"):
        model = RecurrentLearner(cell=cell, hidden_size=32, epochs=60,
                                 learning_rate=0.003, batch_size=32,
                                 normalization="global", patience=None,
                                 random_state=0, device="cpu")(train)
        widget = OWRecurrentInspector()
        widget.resize(1100, 900 if cell == "lstm" else 600)
        widget.show()
        widget.set_model(model)
        widget.set_data(test)
        widget.handleNewSignals()
        while widget.task is not None:
            app.processEvents()
        widget.unit_list.setMinimumHeight(60)
        app.processEvents()
        path = os.path.join(OUT, f"inspector-{cell}.png")
        widget.grab().save(path)
        print("wrote", path, "MSE on the rest:",
              float(((model(test) - test.Y) ** 2).mean()))
        widget.onDeleteWidget()


if __name__ == "__main__":
    main()
