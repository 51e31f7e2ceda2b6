"""Write tutorial 5: tune an LSTM's hidden size and learning rate.

::

    python -m tools.build_tune_tutorial [DIR]

Built as :mod:`tools.build_tutorials` builds the others: from the installed
widgets, saved with the canvas' own writer. The figures its text quotes are
asserted by tests/test_tune_tutorial.py; change both together.
"""
import sys

from orangecontrib.recurrent import datasets
from tools.build_tutorials import (
    AS_SHIPPED, LINEAR, LSTM, RECURRENT, SAMPLE, TEST_AND_SCORE,
    TEST_ON_TEST_DATA, _windowing, write_tutorials,
)
from tools.workflow_builder import WorkflowBuilder

TUNE = "orangecontrib.recurrent.widgets.owtune.OWTune"
FILE_NAME = "05-tune-hidden-size-learning-rate.ows"

#: The grid: hidden size x learning rate (Tune's default rows).
GRID = [[True, "hidden_size", "16, 32, 64"],
        [True, "learning_rate", "0.001, 0.003, 0.01"],
        [False, "num_layers", "1, 2"],
        [False, "dropout", "0, 0.2"],
        [False, "cell", "lstm, gru"]]

#: What the text says; tests/test_tune_tutorial.py asserts each figure.
FACTS = dict(windows=298, train=238, test=60, validation=48, trials=9,
             best_hidden=32, best_rate=0.01, best_validation=11.5,
             lstm_test=19.0, linear_test=19.3)

DESCRIPTION = (
    "The classroom exercise: tune hidden size and learning rate and watch "
    "how the results change. Sunspots (309 years) are cut into {windows} "
    "windows of 11 years; Windowing's Train Data is the first {train}, its "
    "Test Data the last {test}. Tune tries every combination of hidden size "
    "16, 32, 64 and learning rate 0.001, 0.003, 0.01 ({trials} trials of an "
    "LSTM with at most 30 epochs): each is trained on the first part of the "
    "Train Data and scored on its chronological tail ({validation} windows), "
    "so no later year helps choose. The heatmap shows each trial's "
    "validation RMSE; the best is hidden size {best_hidden} with learning "
    "rate {best_rate} (RMSE {best_validation}). Test and Score then trains "
    "that Best Learner on all the Train Data and tests it on the Test Data "
    "beside Linear Regression: RMSE {lstm_test} for the tuned LSTM, "
    "{linear_test} for Linear Regression.").format(**FACTS)


def tune_tutorial(path: str):
    """Tutorial 5: a grid search in the canvas, then Test and Score."""
    b = WorkflowBuilder("Tune an LSTM's hidden size and learning rate",
                        DESCRIPTION)
    series = b.add(SAMPLE, "Sample Series", (60, 200), dataset="sunspots")
    windows = _windowing(b, datasets.load("sunspots"), (220, 200),
                         window_length=11, horizon=1, test_share=20)
    lstm = b.add(RECURRENT, "LSTM", (220, 40), cell_index=LSTM,
                 hidden_size=32, epochs=30, batch_size=16,
                 learning_rate=0.01, random_seed=0, fixed_seed=True,
                 early_stopping=True, patience=5, **AS_SHIPPED)
    tune = b.add(TUNE, "Tune", (400, 120), rows=GRID, method_index=0)
    linear = b.add(LINEAR, "Linear Regression", (400, 320))
    score = b.add(TEST_AND_SCORE, "Test and Score", (580, 200),
                  resampling=TEST_ON_TEST_DATA)
    b.link(series, "Data", windows, "Data")
    b.link(windows, "Train Data", tune, "Data")
    b.link(lstm, "Learner", tune, "Learner")
    b.link(windows, "Train Data", score, "Data")
    b.link(windows, "Test Data", score, "Test Data")
    b.link(tune, "Best Learner", score, "Learner")
    b.link(linear, "Learner", score, "Learner")
    b.annotate(
        "Open Tune: the heatmap of validation RMSE over hidden size x "
        "learning rate (darker is better) and a table of the trials.",
        (330, 0, 260, 60), 12)
    b.annotate(
        "Test and Score: trained on Train Data, scored on Test Data, the "
        "last 20% of the windows.", (540, 280, 250, 50), 12)
    b.save(path)
    b.close()


def main(argv=None) -> int:
    return write_tutorials({FILE_NAME: tune_tutorial}, argv)


if __name__ == "__main__":
    sys.exit(main())
