"""The bad-input matrix (issue 12), standing: every bad input and fault
through the library and the widgets, with the message each gives (or the
correct result where there is nothing to complain about).

Each case is one parametrized test, so that a regression names its case.
The defects issue 12 fixed have their own, deeper tests in test_faults.py
and test_faults_widgets.py; here they stand beside the cases that always
worked, so that none of them regresses.
"""
import os
import tempfile
import warnings

import numpy as np
import pytest

from Orange.data import (
    ContinuousVariable, DiscreteVariable, Domain, StringVariable, Table,
    TimeVariable,
)
from Orange.widgets.tests import base

from orangecontrib.recurrent import (
    RecurrentLearner, chronological_split, make_windows,
)
from orangecontrib.recurrent.reports import StopReason
from orangecontrib.recurrent.widgets.owrecurrentlearner import (
    OWRecurrentLearner,
)
from orangecontrib.recurrent.widgets.owwindowing import OWWindowing
from orangecontrib.recurrent.workflow import run_workflow

WAIT = 60000


# --- tables -------------------------------------------------------------------
def series(values, name="y"):
    return Table.from_numpy(Domain([ContinuousVariable(name)]),
                            np.asarray(values, dtype=float)[:, None])


def sine(n=300):
    return np.sin(np.arange(n) * 0.1)


def timed(times, values):
    domain = Domain([ContinuousVariable("y")], metas=[TimeVariable("t")])
    return Table.from_numpy(domain, np.asarray(values, float)[:, None],
                            metas=np.asarray(times, float)[:, None])


def classes(labels, n_values=2, x=None):
    domain = Domain([ContinuousVariable("x")], DiscreteVariable(
        "k", values=tuple("abc"[:n_values])))
    labels = np.asarray(labels, dtype=float)
    x = np.arange(len(labels), dtype=float) if x is None else x
    return Table.from_numpy(domain, x[:, None], labels)


def no_numeric():
    domain = Domain([DiscreteVariable("d", values=("a", "b"))])
    return Table.from_numpy(domain, np.array([[0], [1], [0], [1.]] * 5))


def documents(docs, labels):
    text = StringVariable("text")
    text.attributes["include"] = "True"
    domain = Domain([], DiscreteVariable("c", values=("neg", "pos")),
                    metas=[text])
    return Table.from_list(domain, [[c, d] for d, c in zip(docs, labels)])


def fit(data, **kwargs):
    params = dict(epochs=2, hidden_size=8)
    params.update(kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return RecurrentLearner(**params)(data)


# --- the library: bad input raises ValueError with these words ----------------
WINDOWING_ERRORS = {
    "empty": (lambda: make_windows(series([])[:0], 3),
              r"^The data is empty\.$"),
    "one row": (lambda: make_windows(series([1.0]), 3),
                r"^The series has 1 rows; window length 3 plus horizon 1 "
                r"needs at least 4\.$"),
    "too short": (lambda: make_windows(series(sine(5)), 10),
                  r"^The series has 5 rows; window length 10 plus horizon 1 "
                  r"needs at least 11\.$"),
    "no numeric column": (lambda: make_windows(no_numeric(), 2),
                          r"^The data has no numeric column to make windows "
                          r"from\.$"),
    "all-NaN target": (lambda: make_windows(series(np.full(30, np.nan)), 3),
                       r"^Every window holds a missing value; no rows "
                       r"left\.$"),
    "time with missing values": (
        lambda: make_windows(timed([0, np.nan, 2, 3, 4], sine(5)), 2),
        r"^Time variable 't' has missing values; rows cannot be put in "
        r"time order\.$"),
    "too large for memory (4)": (
        lambda: make_windows(series(np.zeros(1_000_000)), 10_000),
        r"^990,000 windows of 10000 steps x 1 series from 1,000,000 rows "
        r"would take 73\.8 GiB \(9,900,990,000 values\), more than a third "
        r"of the .* GiB of memory available\. Shorten the window, use fewer "
        r"series, or use fewer rows"),
    "window length 0": (lambda: make_windows(series(sine()), 0),
                        r"^Window length must be at least 1\.$"),
}


def _one_class():
    return make_windows(classes([0] * 30), 3)


def _other_length_model():
    model = fit(make_windows(series(sine()), 10), epochs=1)
    return model(make_windows(series(sine()), 5))


def _wrong_width_array():
    model = fit(make_windows(series(sine()), 10), epochs=1)
    return model(np.zeros((4, 7)))


LEARNER_ERRORS = {
    "empty windows": (lambda: fit(make_windows(series(sine()), 3)[:0]),
                      r"^The data is empty\.$"),
    "one row": (lambda: fit(make_windows(series(sine()), 3)[:1]),
                r"^Training needs at least two rows\.$"),
    "one class": (lambda: fit(_one_class()),
                  r"^The target 'k' has one class \('a'\) in the training "
                  r"data; classification needs at least two\.$"),
    "constant": (lambda: fit(make_windows(series(np.full(50, 3.0)), 5)),
                 r"^Series 'y' is constant \(3\); a constant input carries "
                 r"nothing to learn from\.$"),
    "missing inputs": (
        lambda: fit(_with_nan_inputs()),
        r"^Missing \(or infinite\) values in 'y\(t-1\)'\. Recurrent networks "
        r"need complete windows"),
    "relative for a class": (
        lambda: fit(make_windows(classes([0, 1] * 20), 3),
                    normalization="relative"),
        r"^Relative normalization is for numeric targets"),
    "epochs 2.5 (9)": (lambda: RecurrentLearner(epochs=2.5),
                       r"^epochs must be a whole number \(got 2\.5\)\.$"),
    "epochs 0": (lambda: RecurrentLearner(epochs=0),
                 r"^epochs must be at least 1\.$"),
    "dropout 1": (lambda: RecurrentLearner(dropout=1.0),
                  r"^dropout must be in \[0, 1\)\.$"),
    "unknown cell": (lambda: RecurrentLearner(cell="transformer"),
                     r"^Unknown cell 'transformer'; choose one of lstm, gru, "
                     r"rnn\.$"),
    "windows of another length (3)": (
        _other_length_model,
        r"^The model was trained on windows of 10 steps of 'y' \(10 values "
        r"a row\); the data has windows of 5 steps of 'y' and lacks 5 of its "
        r"columns \('y\(t-9\)', \.\.\.\)\. Window the data as for training"),
    "array of the wrong width (9)": (
        _wrong_width_array,
        r"^The model reads windows of 10 steps of 'y' \(10 values a row\); "
        r"got an array of shape \(4, 7\)\.$"),
}


def _with_nan_inputs():
    windows = make_windows(series(sine(40)), 3)
    windows = windows.copy()
    with windows.unlocked(windows.X):
        windows.X[5, 1] = np.nan
    return windows


@pytest.mark.parametrize("case", sorted(WINDOWING_ERRORS))
def test_windowing_refuses(case):
    make, message = WINDOWING_ERRORS[case]
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize("case", sorted(LEARNER_ERRORS))
def test_learner_and_model_refuse(case):
    make, message = LEARNER_ERRORS[case]
    with pytest.raises(ValueError, match=message):
        make()


# --- the library: input that is odd but fine gives the right result -----------
def _discrete_gaps():
    # (1) a class is never interpolated: the windows are dropped, and said so
    w = make_windows(classes([0, np.nan, 2, 0, np.nan, 1], 3), 1)
    np.testing.assert_array_equal(w.Y, [2, 0, 1])
    report = w.attributes["windowing"]
    assert (report.n_target_missing, report.n_dropped) == (2, 2)


def _nan_tail():
    w = make_windows(series(np.r_[sine(50), [np.nan] * 5]), 5)
    report = w.attributes["windowing"]
    assert (report.n_windows, report.n_dropped, report.n_interpolated) \
        == (45, 5, 0)
    assert np.isfinite(w.X).all() and np.isfinite(w.Y).all()


def _inner_gap():
    w = make_windows(series(np.r_[sine(20), np.nan, sine(20)]), 5)
    assert w.attributes["windowing"].n_interpolated == 1
    assert w.attributes["windowing"].n_dropped == 0


def _unsorted_times():
    times = np.array([3, 0, 4, 1, 2, 5, 6, 7.])
    w = make_windows(timed(times, times * 10), 2)
    np.testing.assert_array_equal(w.Y, [20, 30, 40, 50, 60, 70])
    np.testing.assert_array_equal(w.X[:, -1], [10, 20, 30, 40, 50, 60])


def _duplicate_and_gapped_times():
    times = np.array([0, 1, 2, 2, 3, 4, 10, 11, 12, 13, 14, 15.])
    report = make_windows(timed(times, sine(12)), 2).attributes["windowing"]
    assert (report.n_duplicate_times, report.n_time_gaps,
            report.time_step) == (1, 1, 1.0)


def _small_scale():
    # (5) 1e-12 sin t varies: it trains, and predicts on its scale
    w = make_windows(series(1e-12 * sine(600)), 10)
    p = fit(w, epochs=5, learning_rate=0.01, normalization="global")(w)
    assert p.std() > 0.9 * w.Y.std() and np.abs(p).max() < 1e-11


def _far_from_zero():
    # (6) 1e8 + sin t with global normalization learns the sine
    w = make_windows(series(1e8 + sine(600)), 10)
    p = fit(w, epochs=5, hidden_size=16, learning_rate=0.01,
            normalization="global")(w)
    assert p.std() > 0.9 * w.Y.std()
    assert np.sqrt(np.mean((p - w.Y) ** 2)) < 0.05 * w.Y.std()


def _divergence():
    # (7) learning rate 10 and 1e6 are reported, with what to try
    w = make_windows(series(sine(1000)), 10)
    for lr in (10, 1e6):
        model = fit(w, epochs=5, hidden_size=16, learning_rate=lr,
                    normalization="global")
        assert model.stop is StopReason.DIVERGED
        assert "is probably too high; lower it (e.g. to 0.001)" \
            in model.stop_reason


def _longer_windows():
    # a longer window holds every column of a shorter one: it predicts
    model = fit(make_windows(series(sine()), 10), epochs=1)
    assert np.isfinite(model(make_windows(series(sine()), 15))).all()


def _korean_documents():
    docs = documents(["좋은 영화 정말 좋아요", "나쁜 영화 정말 싫어요"] * 10,
                     [1, 0] * 10)
    model = fit(docs, epochs=10, min_count=1, learning_rate=0.01)
    np.testing.assert_array_equal(model(docs)[:4], [1, 0, 1, 0])


def _empty_documents():
    docs = documents([""] * 20, [1, 0] * 10)
    model = fit(docs, min_count=1)
    probs = model(docs, model.Probs)
    assert probs.shape == (20, 2)
    np.testing.assert_allclose(probs.sum(axis=1), 1)
    np.testing.assert_allclose(probs, probs[:1].repeat(20, axis=0))
    assert model.stop is StopReason.COMPLETED  # alike rows, one output


def _corrupt_workflow():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "corrupt.ows")
        with open(path, "wb") as f:
            f.write(b"<?xml version='1.0'?><scheme version='2.0'><nodes>")
        report = run_workflow(path, timeout=30)
    assert not report.ok
    assert report.errors[0].startswith("could not read the workflow:")


RESULTS = {
    "discrete target with gaps (1)": _discrete_gaps,
    "NaN tail": _nan_tail,
    "gap inside the series": _inner_gap,
    "unsorted times": _unsorted_times,
    "duplicate and gapped times (9)": _duplicate_and_gapped_times,
    "small scale (5)": _small_scale,
    "far from zero (6)": _far_from_zero,
    "divergence (7)": _divergence,
    "longer windows": _longer_windows,
    "Korean documents": _korean_documents,
    "empty documents": _empty_documents,
    "corrupt .ows": _corrupt_workflow,
}


@pytest.mark.parametrize("case", sorted(RESULTS))
def test_library_result(case):
    RESULTS[case]()


# --- the widgets: the same input, the message in the widget -------------------
WINDOWING_WIDGET = {
    "empty": (series([])[:0], 10, "error", "windowing_failed",
              "The data is empty."),
    "one row": (series([1.0]), 10, "error", "windowing_failed",
                "The series has 1 rows; window length 10 plus horizon 1 "
                "needs at least 11."),
    "too short": (series(sine(5)), 10, "error", "windowing_failed",
                  "The series has 5 rows; window length 10 plus horizon 1 "
                  "needs at least 11."),
    "no numeric column": (no_numeric(), 10, "error", "no_numeric",
                          "The data has no numeric column to make windows "
                          "from."),
    "all-NaN target": (series(np.full(30, np.nan)), 10, "error",
                       "windowing_failed",
                       "Every window holds a missing value; no rows left."),
    "too large (4)": (series(np.zeros(1_000_000)), 10_000, "error",
                      "windowing_failed", "would take 73.8 GiB"),
    "NaN tail": (series(np.r_[sine(50), [np.nan] * 5]), 5, "warning",
                 "windows_dropped",
                 "5 of 50 windows dropped: they hold missing values."),
    "discrete target with gaps (1)": (
        classes([0, np.nan, 2, 0, np.nan, 1] * 5, 3), 1, "warning",
        "class_missing", "10 windows dropped: the categorical target is "
                         "missing there (a class is never interpolated)."),
    "duplicate times (9)": (
        timed([0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], sine(14)), 2,
        "warning", "duplicate_times",
        "Times repeat in 1 row; each row is a step of its own."),
}


class TestWindowingWidget(base.WidgetTest):
    def setUp(self):
        self.widget = self.create_widget(OWWindowing)

    def test_matrix(self):
        for case, (data, length, kind, name, text) \
                in WINDOWING_WIDGET.items():
            with self.subTest(case):
                # a fresh widget: a saved context would carry choices over
                w = self.create_widget(OWWindowing)
                w.window_length = length
                self.send_signal(w.Inputs.data, data, widget=w)
                group = w.Error if kind == "error" else w.Warning
                message = getattr(group, name)
                self.assertTrue(message.is_shown(), case)
                self.assertIn(text, str(message))
                windows = self.get_output(w.Outputs.windows, widget=w)
                self.assertEqual(windows is None, kind == "error")

    def test_saved_settings_out_of_range(self):
        # (8)
        w = self.create_widget(OWWindowing, stored_settings={
            "missing_handling": 5, "test_share": 300})
        self.assertEqual((w.missing_handling, w.test_share), (0, 95))
        self.assertIn("missing_handling: 5 -> 0",
                      str(w.Warning.settings_reset))


def _constant_inputs():
    windows = make_windows(series(sine(60)), 5).copy()
    with windows.unlocked(windows.X):
        windows.X[:] = 1.0
    return windows


LEARNER_WIDGET = {
    # Orange's own check comes first for a single target value
    "one class": (_one_class, "data_error",
                  "Data contains a single target value."),
    "constant series": (lambda: make_windows(series(np.full(50, 3.0)), 5),
                        "data_error", "Data contains a single target value."),
    "constant inputs": (_constant_inputs, "fitting_failed",
                        "Series 'y' is constant (1); a constant input "
                        "carries nothing to learn from."),
    "missing inputs": (_with_nan_inputs, "fitting_failed",
                       "Missing (or infinite) values in 'y(t-1)'."),
    "no target": (lambda: make_windows(series(sine()), 3).transform(
        Domain(make_windows(series(sine()), 3).domain.attributes)),
                  "data_error", "Data has no target variable."),
}


class TestLearnerWidget(base.WidgetTest):
    def setUp(self):
        self.widget = self.create_widget(
            OWRecurrentLearner, stored_settings={"epochs": 2,
                                                 "hidden_size": 8})
        self.process_events()  # OWBaseLearner applies on a zero timer

    def tearDown(self):
        self.widget.shutdown()
        super().tearDown()

    def test_matrix(self):
        w = self.widget
        for case, (make, name, text) in LEARNER_WIDGET.items():
            with self.subTest(case):
                self.send_signal(w.Inputs.data, make())
                self.wait_until_finished(timeout=WAIT)
                message = getattr(w.Error, name)
                self.assertTrue(message.is_shown(), case)
                self.assertIn(text, str(message))
                self.assertIsNone(self.get_output(w.Outputs.model))

    def test_saved_settings_out_of_range(self):
        # (8) each used to raise from a timer slot
        for settings, text in (({"epochs": 0}, "epochs: 0 -> 1"),
                               ({"dropout": 1.0, "num_layers": 2},
                                "dropout: 1.0 -> 0.9"),
                               ({"cell_index": 7}, "cell_index: 7 -> 0")):
            with self.subTest(text):
                w = self.create_widget(OWRecurrentLearner,
                                       stored_settings=settings)
                self.process_events()
                self.assertIsNotNone(self.get_output(w.Outputs.learner,
                                                     widget=w))
                self.assertIn(text, str(w.Warning.settings_reset))

    def test_model_on_windows_of_another_length_in_predictions(self):
        # (3) a message in Predictions, not NaNs
        # pylint: disable=import-outside-toplevel
        from Orange.widgets.evaluate.owpredictions import OWPredictions
        model = fit(make_windows(series(sine()), 10), epochs=1)
        model.name = "LSTM"
        predictions = self.create_widget(OWPredictions)
        self.send_signal(predictions.Inputs.predictors, model,
                         widget=predictions)
        self.send_signal(predictions.Inputs.data,
                         make_windows(series(sine()), 5), widget=predictions)
        self.assertIn("LSTM: The model was trained on windows of 10 steps "
                      "of 'y'", str(predictions.Error.predictor_failed))

    def test_test_data_of_another_length_in_test_and_score(self):
        # (3) a message in Test and Score, not NaNs
        # pylint: disable=import-outside-toplevel
        from Orange.widgets.evaluate.owtestandscore import OWTestAndScore
        train, _ = chronological_split(make_windows(series(sine()), 10))
        _, test = chronological_split(make_windows(series(sine()), 5))
        score = self.create_widget(OWTestAndScore)
        score.resampling = OWTestAndScore.TestOnTest
        self.send_signal(score.Inputs.train_data, train, widget=score)
        self.send_signal(score.Inputs.test_data, test, widget=score)
        self.send_signal(score.Inputs.learner,
                         RecurrentLearner(epochs=1, hidden_size=8),
                         widget=score)
        self.get_output(score.Outputs.evaluations_results, widget=score,
                        wait=WAIT)
        errors = " ".join(str(m) for m in score.Error.active)
        self.assertIn("LSTM failed with error:\nValueError: The model was "
                      "trained on windows of 10 steps of 'y'", errors)
