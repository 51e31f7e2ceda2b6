"""Write the tutorial workflows (.ows) from the real widgets.

::

    python -m tools.build_tutorials [DIR]

Each workflow is built with the installed widgets and saved with the
canvas' own writer (see :class:`tools.workflow_builder.WorkflowBuilder`), so every node's settings are the blob the canvas would
save, with its ``__version__``. Windowing gets the series once while it is
built so that its chosen target and series are saved as a context, as they
are when a user sets them up. Run this after a widget's settings change and
commit the .ows files it writes (by default, into the package's tutorials folder).
"""
import os
import sys
from typing import Callable, Dict

from orangecontrib.recurrent import datasets
from orangecontrib.recurrent.options import (
    FRONTENDS, GLOBAL, NORMALIZATIONS, RAW,
)
from orangecontrib.recurrent.workflow import ensure_offscreen
from tools.offline import no_nltk_download
from tools.workflow_builder import WorkflowBuilder

#: Where the tutorials ship: the package's tutorials folder.
HERE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                    "orangecontrib", "recurrent", "tutorials")

SAMPLE = "orangecontrib.recurrent.widgets.owsampleseries.OWSampleSeries"
WINDOWING = "orangecontrib.recurrent.widgets.owwindowing.OWWindowing"
RECURRENT = "orangecontrib.recurrent.widgets.owrecurrentlearner." \
            "OWRecurrentLearner"
FORECAST = "orangecontrib.recurrent.widgets.owforecastplot.OWForecastPlot"
NEURAL_NETWORK = "Orange.widgets.model.owneuralnetwork.OWNNLearner"
LINEAR = "Orange.widgets.model.owlinearregression.OWLinearRegression"
TEST_AND_SCORE = "Orange.widgets.evaluate.owtestandscore.OWTestAndScore"
CONFUSION = "Orange.widgets.evaluate.owconfusionmatrix.OWConfusionMatrix"

#: OWRecurrentLearner.cell_index of each cell
LSTM, GRU, RNN = 0, 1, 2
#: OWTestAndScore.resampling values
CROSS_VALIDATION, TEST_ON_TEST_DATA = 0, 5

#: LSTM/GRU as the shipped tutorials train: saved before settings v4, they
#: migrate to their own epochs and raw steps, so a rebuilt tutorial says so
#: (tests/test_tutorial_builders.py compares them) ...
#: (min_count: the text setting's default when they were saved; unused on
#: series, kept so that a rebuild writes what is shipped.)
AS_SHIPPED = dict(fixed_epochs=True, frontend_index=FRONTENDS.index(RAW),
                  min_count=2)
#: ... and tutorials 1-3, saved before v2, to global normalization.
AS_SHIPPED_V1 = dict(AS_SHIPPED,
                     normalization_index=NORMALIZATIONS.index(GLOBAL))

#: Tutorial 1's forecast length; the tests check the Forecast output has it.
FORECAST_STEPS = 50


def _windowing(builder: WorkflowBuilder, data, position, **settings):
    """A Windowing node that has seen `data` once, so that its context (time,
    target, series) is saved with the workflow."""
    node = builder.add(WINDOWING, "Windowing", position, **settings)
    widget = builder.widget(node)
    widget.set_data(data)
    widget.handleNewSignals()
    widget.set_data(None)  # leaves the context stored, the widget empty
    widget.handleNewSignals()
    return node


def sine_forecast(path: str):
    """Tutorial 1: the classroom example."""
    b = WorkflowBuilder(
        "Forecast a noisy sine with an LSTM",
        "The classroom example: a sine wave with noise, cut into windows of "
        "20 past values, an LSTM trained on the first 80% of the windows, "
        "and a 50-step forecast with a 90% interval. Forecast Plot scores "
        "the model on the last 20%, which it never saw. Open LSTM/GRU to "
        "watch the loss fall; change the noise in Sample Series or the "
        "window length and see how the forecast follows.")
    series = b.add(SAMPLE, "Sample Series", (60, 220), dataset="sine",
                   length=10000, noise=0.1, seed=0)
    windows = _windowing(b, datasets.sine_with_noise(), (220, 120),
                         window_length=20, horizon=1, test_share=20)
    lstm = b.add(RECURRENT, "LSTM", (380, 120), cell_index=LSTM,
                 hidden_size=50, epochs=10, batch_size=32,
                 learning_rate=0.001, random_seed=0, fixed_seed=True,
                 **AS_SHIPPED_V1)
    plot = b.add(FORECAST, "Forecast Plot", (560, 220),
                 steps=FORECAST_STEPS, coverage=90, test_share=20,
                 score_steps=5)
    b.link(series, "Data", windows, "Data")
    b.link(windows, "Train Data", lstm, "Data")
    b.link(series, "Data", plot, "Data")
    b.link(lstm, "Model", plot, "Model")
    b.annotate(
        "Windowing turns y into rows of y(t-19) ... y(t) with target "
        "y(t+1); its Train Data is the first 80% of them, in time order.",
        (150, 10, 330, 60), 12)
    b.annotate(
        "Forecast Plot: the series, the held-out part (shaded), the "
        "model's 50-step forecast and its interval.", (470, 290, 260, 60),
        12)
    b.save(path)
    b.close()


def sunspots_comparison(path: str):
    """Tutorial 2: recurrent cells against Orange's own learners."""
    b = WorkflowBuilder(
        "Compare LSTM, GRU and RNN with Orange's learners on sunspots",
        "309 years of sunspot numbers (an ~11-year cycle) cut into windows "
        "of 11 years. LSTM, GRU, a plain RNN, Orange's Neural Network and "
        "Linear Regression learn from the first 80% of the windows; Test "
        "and Score tests them on the last 20% (Test on test data), so no "
        "future year leaks into training. Forecast Plot draws the forecasts "
        "of LSTM, GRU and Linear Regression for the next 22 years.")
    # Test Data and the series reach their widgets between the learners.
    series = b.add(SAMPLE, "Sample Series", (60, 505), dataset="sunspots")
    windows = _windowing(b, datasets.load("sunspots"), (220, 240),
                         window_length=11, horizon=1, test_share=20)
    recurrent = dict(hidden_size=32, epochs=50, batch_size=16,
                     learning_rate=0.01, random_seed=0, fixed_seed=True,
                     early_stopping=True, patience=5, **AS_SHIPPED_V1)
    learners = [
        b.add(RECURRENT, "LSTM", (420, 30), cell_index=LSTM, **recurrent),
        b.add(RECURRENT, "GRU", (420, 160), cell_index=GRU, **recurrent),
        b.add(RECURRENT, "RNN", (420, 290), cell_index=RNN, **recurrent),
        b.add(NEURAL_NETWORK, "Neural Network", (420, 420)),
        b.add(LINEAR, "Linear Regression", (420, 550)),
    ]
    score = b.add(TEST_AND_SCORE, "Test and Score", (640, 240),
                  resampling=TEST_ON_TEST_DATA)
    plot = b.add(FORECAST, "Forecast Plot", (640, 505), steps=22,
                 coverage=90, test_share=20, score_steps=3)
    b.link(series, "Data", windows, "Data")
    b.link(windows, "Train Data", score, "Data")
    b.link(windows, "Test Data", score, "Test Data")
    b.link(series, "Data", plot, "Data")
    for learner in learners:
        b.link(windows, "Train Data", learner, "Data")
        b.link(learner, "Learner", score, "Learner")
    # Three forecasts keep the plot readable; connect the others to compare.
    for learner in (learners[0], learners[1], learners[4]):
        b.link(learner, "Model", plot, "Model")
    b.annotate(
        "Test and Score: every learner is trained on Train Data and scored "
        "on Test Data, the last 20% of the years.", (580, 80, 280, 60), 12)
    b.save(path)
    b.close()


def shapes_classification(path: str):
    """Tutorial 3: sequences as rows, classified."""
    b = WorkflowBuilder(
        "Classify whole sequences: cylinder, bell or funnel",
        "Each row is a whole sequence of 64 values and its label. A "
        "bidirectional LSTM reads the values in order, one step at a time, "
        "forwards and backwards; Orange's Neural Network sees the same 64 "
        "numbers as unrelated features. Test and Score cross-validates both "
        "(5 folds) and Confusion Matrix shows which shapes each model "
        "confuses.")
    series = b.add(SAMPLE, "Sample Series", (60, 200), dataset="shapes",
                   shapes_per_class=100, shape_length=64, seed=0)
    # Both directions: a one-way LSTM needs about twice the epochs here to
    # reach the same accuracy, and varies more with the seed.
    recurrent = dict(hidden_size=32, bidirectional=True, epochs=40,
                     batch_size=16, learning_rate=0.01, random_seed=0,
                     fixed_seed=True, early_stopping=False, **AS_SHIPPED_V1)
    learners = [
        b.add(RECURRENT, "LSTM", (260, 100), cell_index=LSTM, **recurrent),
        b.add(NEURAL_NETWORK, "Neural Network", (260, 300)),
    ]
    score = b.add(TEST_AND_SCORE, "Test and Score", (460, 200),
                  resampling=CROSS_VALIDATION, n_folds=2)  # 2: 5 folds
    matrix = b.add(CONFUSION, "Confusion Matrix", (660, 200))
    b.link(series, "Data", score, "Data")
    for learner in learners:
        b.link(learner, "Learner", score, "Learner")
    b.link(score, "Evaluation Results", matrix, "Evaluation Results")
    b.annotate(
        "The learners get no data of their own: Test and Score trains them "
        "on each fold.", (180, 380, 240, 60), 12)
    b.save(path)
    b.close()


#: file name -> function that writes it
TUTORIALS: Dict[str, Callable[[str], None]] = {
    "01-sine-lstm-forecast.ows": sine_forecast,
    "02-sunspots-compare-learners.ows": sunspots_comparison,
    "03-shapes-sequence-classification.ows": shapes_classification,
}


def write_tutorials(writers: Dict[str, Callable[[str], None]],
                    argv=None) -> int:
    """Write each tutorial (file name -> the function that writes it) into
    the folder ``argv[0]``, by default the package's tutorials folder."""
    argv = sys.argv[1:] if argv is None else argv
    out = argv[0] if argv else HERE
    ensure_offscreen()
    no_nltk_download()
    os.makedirs(out, exist_ok=True)
    for name, write in writers.items():
        path = os.path.join(out, name)
        write(path)
        print(f"wrote {path}")
    return 0


def main(argv=None) -> int:
    return write_tutorials(TUTORIALS, argv)


if __name__ == "__main__":
    sys.exit(main())
