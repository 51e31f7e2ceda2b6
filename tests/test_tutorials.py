"""The tutorials run headless, score as they claim, and open in the canvas.

Each .ows in orangecontrib/recurrent/tutorials is run once (in this process,
with the headless runner) and its widgets' outputs are checked against
baselines computed here from the same data: a trained LSTM must beat
predicting the last value and predicting the mean, a classifier must beat
the majority class.
"""
import glob
import os
import subprocess
import sys
import shutil
import tempfile
import unittest

import pytest
import xml.etree.ElementTree as ET

import numpy as np

from AnyQt.QtGui import QImage

from Orange.data import Table
from Orange.evaluation import CA, RMSE

from orangecontrib.recurrent import demo
from orangecontrib.recurrent.workflow import (
    WorkflowRun, format_report, widget_registry)
from tools import build_text_tutorial as build_text
from tools import build_tutorials as build
from tools.workflow_builder import WorkflowBuilder

pytestmark = pytest.mark.slow

TUTORIALS = build.HERE
PATHS = sorted(glob.glob(os.path.join(TUTORIALS, "*.ows")))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def missing_widgets(path):
    """Widgets the workflow needs that are not installed (an optional
    add-on's tutorial, e.g. one that needs Orange3-Text)."""
    registry = widget_registry()
    names = [node.get("qualified_name")
             for node in ET.parse(path).getroot().findall("./nodes/node")]
    return [name for name in names if not registry.has_widget(name)]


#: The tutorials whose widgets are all installed here; the others are
#: reported as skipped by test_optional_tutorials_need_their_add_on.
RUNNABLE = [path for path in PATHS if not missing_widgets(path)]


def rmse(predicted, actual):
    return float(np.sqrt(np.mean((np.asarray(predicted) - actual) ** 2)))


def last_value_column(windows: Table) -> np.ndarray:
    """x(t) of the target's series: the window's last observation."""
    target = windows.domain.class_var.attributes["series"]
    for i, var in enumerate(windows.domain.attributes):
        if var.attributes.get("series") == target \
                and var.attributes.get("offset") == 0:
            return windows.X[:, i]
    raise ValueError("no x(t) column")


class TestTutorials(unittest.TestCase):
    """Run every tutorial once; the tests below read what it produced."""
    reports = {}
    outputs = {}
    widgets = {}
    saved = {}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.out_dir, ignore_errors=True)

    @classmethod
    def setUpClass(cls):
        cls.out_dir = tempfile.mkdtemp(prefix="tutorial-out-")
        for path in RUNNABLE:
            with WorkflowRun(path) as run:
                report = run.run(timeout=480)
                name = os.path.basename(path)
                cls.reports[name] = report
                cls.saved[name] = run.save(
                    os.path.join(cls.out_dir, os.path.splitext(name)[0]))
                cls.outputs[name] = {node.title: run.outputs(node)
                                     for node in run.nodes}
                cls.widgets[name] = {
                    node.title: run.widgets[node].settingsHandler.pack_data(
                        run.widgets[node]) for node in run.nodes}

    def test_every_tutorial_runs_without_errors(self):
        names = [os.path.basename(p) for p in RUNNABLE]
        for name in build.TUTORIALS:  # this add-on's own need nothing more
            self.assertIn(name, names)
        self.assertEqual(sorted(self.reports), sorted(names))
        for name, report in self.reports.items():
            self.assertTrue(report.ok, format_report(report))
            self.assertFalse(any(node.warnings for node in report.nodes),
                             format_report(report))

    def test_files_have_title_description_and_versioned_settings(self):
        for path in PATHS:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            root = ET.fromstring(text)
            self.assertGreater(len(root.get("title")), 10, path)
            self.assertGreater(len(root.get("description")), 100, path)
            nodes = root.findall("./nodes/node")
            properties = root.findall("./node_properties/properties")
            self.assertEqual(len(nodes), len(properties), path)
            # No absolute path of this machine in a shipped workflow.
            self.assertNotIn(ROOT, text, path)
            self.assertNotIn("site-packages", text, path)
        for name, packs in self.widgets.items():
            for title, pack in packs.items():
                self.assertIn("__version__", pack, f"{name}: {title}")

    def test_sine_forecast_has_the_asked_length_and_beats_naive(self):
        out = self.outputs["01-sine-lstm-forecast.ows"]
        forecast = out["Forecast Plot"]["Forecast"]
        self.assertEqual(len(forecast), build.FORECAST_STEPS)
        self.assertEqual(self.widgets["01-sine-lstm-forecast.ows"][
            "Forecast Plot"]["steps"], build.FORECAST_STEPS)
        values, low, high = forecast.X[:, 1], forecast.X[:, 2], \
            forecast.X[:, 3]
        self.assertTrue(np.all(np.isfinite(forecast.X)))
        self.assertTrue(np.all((low <= values) & (values <= high)))
        # A sine of amplitude 1: 50 steps is most of a period.
        self.assertLess(np.abs(values).max(), 1.5)
        self.assertGreater(np.ptp(values), 1.0)

        test = out["Windowing"]["Test Data"]
        naive = rmse(last_value_column(test), test.Y)
        scores = out["Forecast Plot"]["Scores"]
        one_step = [row for row in scores
                    if str(row["Model"]) == "LSTM"
                    and row["Steps ahead"] == 1]
        lstm = float(one_step[0]["RMSE"])
        # The noise alone (sd 0.1) puts a floor under any model's RMSE.
        self.assertLess(lstm, naive)
        self.assertLess(lstm, 0.13)
        self.assertGreater(lstm, 0.09)

    def test_sunspots_lstm_beats_naive_and_mean_on_test_data(self):
        out = self.outputs["02-sunspots-compare-learners.ows"]
        train = out["Windowing"]["Train Data"]
        test = out["Windowing"]["Test Data"]
        results = out["Test and Score"]["Evaluation Results"]
        self.assertEqual(len(results.actual), len(test))
        np.testing.assert_array_equal(results.actual, test.Y)
        names = list(results.learner_names)
        self.assertEqual(names, ["LSTM", "GRU", "RNN", "Neural Network",
                                 "Linear Regression"])
        scores = dict(zip(names, RMSE(results)))
        naive = rmse(last_value_column(test), test.Y)
        mean = rmse(np.full(len(test), train.Y.mean()), test.Y)
        self.assertLess(scores["LSTM"], naive)
        self.assertLess(scores["LSTM"], mean)
        self.assertLess(scores["GRU"], naive)
        # Forecast Plot shows three models, 22 years ahead.
        forecast = out["Forecast Plot"]["Forecast"]
        self.assertEqual(len(forecast), 22)

    def test_shapes_lstm_beats_majority(self):
        out = self.outputs["03-shapes-sequence-classification.ows"]
        data = out["Sample Series"]["Data"]
        results = out["Test and Score"]["Evaluation Results"]
        self.assertEqual(list(results.learner_names),
                         ["LSTM", "Neural Network"])
        accuracy = dict(zip(results.learner_names, CA(results)))
        majority = np.bincount(data.Y.astype(int)).max() / len(data)
        self.assertLess(majority, 0.34)
        self.assertGreater(accuracy["LSTM"], majority + 0.4)
        self.assertGreater(accuracy["Neural Network"], majority)
        self.assertIsNotNone(out["Confusion Matrix"]["Data"])

    def test_text_lstm_beats_majority_beside_bag_of_words(self):
        out = self.outputs.get(build_text.FILE_NAME)
        if out is None:
            self.skipTest("Orange3-Text is not installed")
        results = out["Test and Score"]["Evaluation Results"]
        self.assertEqual(list(results.learner_names),
                         ["LSTM", "Logistic Regression", "Naive Bayes"])
        self.assertEqual(len(results.actual), 1288)  # 20% of the tweets
        accuracy = dict(zip(results.learner_names, CA(results)))
        majority = np.bincount(results.actual.astype(int)).max() \
            / len(results.actual)
        for name in results.learner_names:  # tests/test_text_tutorial.py
            self.assertGreater(accuracy[name], majority + 0.35, name)

    def test_readme_quotes_these_runs(self):
        """Every figure README.md gives for a tutorial is this run's."""
        with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
            readme = " ".join(f.read().split())
        figures = {}
        out = self.outputs["01-sine-lstm-forecast.ows"]
        test = out["Windowing"]["Test Data"]
        scores = out["Forecast Plot"]["Scores"]
        lstm = [row for row in scores if str(row["Model"]) == "LSTM"
                and row["Steps ahead"] == 1]
        figures["1: LSTM"] = f"{float(lstm[0]['RMSE']):.3f}"
        figures["1: last value"] = \
            f"{rmse(last_value_column(test), test.Y):.3f}"
        out = self.outputs["02-sunspots-compare-learners.ows"]
        train, test = out["Windowing"]["Train Data"], \
            out["Windowing"]["Test Data"]
        results = out["Test and Score"]["Evaluation Results"]
        for name, value in zip(results.learner_names, RMSE(results)):
            figures[f"2: {name}"] = f"{name} {value:.1f}"
        figures["2: last value"] = \
            f"{rmse(last_value_column(test), test.Y):.1f}"
        figures["2: mean"] = \
            f"{rmse(np.full(len(test), train.Y.mean()), test.Y):.1f}"
        out = self.outputs["03-shapes-sequence-classification.ows"]
        results = out["Test and Score"]["Evaluation Results"]
        for name, value in zip(results.learner_names, CA(results)):
            figures[f"3: {name}"] = f"{name} {value:.3f}"
        majority = np.bincount(results.actual.astype(int)).max() \
            / len(results.actual)
        figures["3: majority"] = f"majority class {majority:.3f}"
        out = self.outputs.get(build_text.FILE_NAME)
        if out is not None:
            results = out["Test and Score"]["Evaluation Results"]
            for name, value in zip(results.learner_names, CA(results)):
                figures[f"4: {name}"] = f"{name} {value:.3f}"
            majority = np.bincount(results.actual.astype(int)).max() \
                / len(results.actual)
            figures["4: majority"] = f"majority class {majority:.3f}"
        missing = {k: v for k, v in figures.items() if v not in readme}
        self.assertEqual(missing, {}, "README.md should quote these runs")

    def test_out_saves_every_widget_and_output_table(self):
        for name, paths in self.saved.items():
            n_nodes = len(self.outputs[name])
            pngs = [p for p in paths if p.endswith(".png")]
            self.assertEqual(len(pngs), n_nodes, name)
            tables = [p for p in paths if p.endswith((".tab", ".pkl"))]
            self.assertTrue(tables, name)
            for path in pngs + tables:
                self.assertGreater(os.path.getsize(path), 100, path)
            for path in tables:
                # what was written reads back as the same number of rows
                self.assertGreater(len(Table(path)), 0, path)
        text = self.saved.get(build_text.FILE_NAME)
        if text is not None:  # the bag of words is sparse: pickled
            self.assertTrue(any(p.endswith("bag-of-words-corpus.pkl")
                                for p in text), text)

    def test_optional_tutorials_need_their_add_on(self):
        for path in sorted(set(PATHS) - set(RUNNABLE)):
            with self.subTest(os.path.basename(path)):
                self.skipTest("not installed: "
                              + ", ".join(missing_widgets(path)))

    def test_canvas_lists_the_tutorials_under_examples(self):
        # pylint: disable=import-outside-toplevel
        from orangecanvas import config
        from orangecanvas.application import examples

        widget_registry()  # sets Orange's canvas configuration
        listed = [os.path.realpath(w.abspath())
                  for w in examples.workflows(config.default)]
        for path in PATHS:
            self.assertIn(os.path.realpath(path), listed)

    def test_every_tutorial_opens_in_the_canvas(self):
        with tempfile.TemporaryDirectory() as tmp:
            for path in RUNNABLE:
                png = os.path.join(tmp, os.path.basename(path) + ".png")
                self.assertTrue(demo.save_canvas_picture(path, png), path)
                image = QImage(png)
                self.assertGreater(image.width(), 800)
                self.assertGreater(image.height(), 400)


# A non-default value for every setting of every widget of the add-on.
NON_DEFAULT = {
    "OWSampleSeries": dict(dataset="shapes", length=500, noise=0.3, seed=7,
                           shapes_per_class=11, shape_length=48),
    "OWWindowing": dict(window_length=7, horizon=3, missing_handling=1,
                        test_share=30, auto_apply=False),
    "OWRecurrentLearner": dict(
        cell_index=1, hidden_size=17, num_layers=2, bidirectional=True,
        dropout=0.25, epochs=3, batch_size=8, learning_rate=0.02,
        clip_gradients=True, clip_norm=2.5, fixed_seed=False,
        random_seed=42, validation_share=15, early_stopping=False,
        patience=9, log_scale=False, learner_name="My GRU",
        auto_apply=False, frontend_index=2, fixed_epochs=True),
    "OWSequences": dict(lengths=1),
    "OWForecastPlot": dict(steps=12, coverage=80, test_share=30,
                           score_steps=4, zoom_to_end=False),
    "OWTune": dict(rows=[[True, "num_layers", "1, 2"],
                         [False, "hidden_size", "8"],
                         [True, "dropout", "0, 0.3"],
                         [False, "cell", "gru"],
                         [True, "epochs", "5..10"]],
                   method_index=2, n_trials=7),
    "OWRecurrentInspector": dict(selected_rows=[2, 5], selected_units=[1],
                                 layer=1, direction=1, log_gradient=False),
}


class TestSettingsRoundTrip(unittest.TestCase):
    def test_every_addon_widget_keeps_its_settings_through_a_file(self):
        registry = widget_registry()
        ours = {d.qualified_name for d in registry.widgets()
                if d.qualified_name.startswith(
                    "orangecontrib.recurrent.widgets.")}
        self.assertEqual({name.rsplit(".", 1)[1] for name in ours},
                         set(NON_DEFAULT), "a widget without a round-trip "
                                           "test, or one that is gone")
        builder = WorkflowBuilder("Round trip", "Every widget of the add-on.")
        saved = {}
        for i, name in enumerate(sorted(ours)):
            settings = NON_DEFAULT[name.rsplit(".", 1)[1]]
            node = builder.add(name, None, (100 * i, 0), **settings)
            widget = builder.widget(node)
            for key, value in settings.items():
                self.assertEqual(getattr(widget, key), value, key)
            saved[node.title] = widget.settingsHandler.pack_data(widget)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "all.ows")
            builder.save(path)
            builder.close()
            with WorkflowRun(path) as run:
                loaded = {node.title: run.widgets[node].settingsHandler
                          .pack_data(run.widgets[node])
                          for node in run.nodes}
                for node in run.nodes:
                    widget = run.widgets[node]
                    settings = NON_DEFAULT[type(widget).__name__]
                    for key, value in settings.items():
                        self.assertEqual(getattr(widget, key), value,
                                         f"{node.title}: {key}")
        self.assertEqual(loaded, saved)


class TestDemo(unittest.TestCase):
    def test_has_screen(self):
        self.assertFalse(demo.has_screen({"QT_QPA_PLATFORM": "offscreen",
                                          "DISPLAY": ":0"}))
        if sys.platform not in ("win32", "darwin"):
            self.assertFalse(demo.has_screen({}))
            self.assertTrue(demo.has_screen({"DISPLAY": ":0"}))
            self.assertTrue(demo.has_screen({"WAYLAND_DISPLAY": "wayland-0",
                                             "QT_QPA_PLATFORM": "wayland"}))

    def test_with_a_screen_opens_orange_canvas_on_tutorial_1(self):
        # pylint: disable=import-outside-toplevel
        from unittest import mock
        calls = []
        with mock.patch("subprocess.call",
                        lambda argv: calls.append(argv) or 0), \
                mock.patch.dict(os.environ, {"DISPLAY": ":0",
                                             "QT_QPA_PLATFORM": "xcb"}):
            self.assertEqual(demo.main([]), 0)
        self.assertEqual(calls, [[sys.executable, "-m", "Orange.canvas",
                                  demo.tutorial_path(1)]])

    def test_tutorial_path(self):
        self.assertEqual(os.path.basename(demo.tutorial_path(1)),
                         "01-sine-lstm-forecast.ows")
        with self.assertRaises(FileNotFoundError):
            demo.tutorial_path(99)

    @unittest.skipIf(sys.platform in ("win32", "darwin"),
                     "there is always a screen")
    def test_headless_run_writes_screenshots(self):
        env = {k: v for k, v in os.environ.items()
               if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "out")
            proc = subprocess.run(
                [sys.executable, "-m", "orangecontrib.recurrent.demo",
                 "--out", out], env=env, capture_output=True, text=True,
                timeout=480, check=False)
            self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
            self.assertIn("[ok] LSTM", proc.stdout)
            # progress while it runs, one line per widget, in flow order
            done = [line.split(":")[0] for line in proc.stdout.splitlines()
                    if line.startswith("[") and ": done at" in line]
            self.assertEqual(done, ["[1/4] Sample Series", "[2/4] Windowing",
                                    "[3/4] LSTM", "[4/4] Forecast Plot"])
            self.assertLess(proc.stdout.index("[4/4] Forecast Plot"),
                            proc.stdout.index("[ok] LSTM"))
            self.assertIn("-> Forecast: Table: 50 rows", proc.stdout)
            files = os.listdir(out)
            for name in ("workflow.png", "01-sample-series.png",
                         "02-windowing.png", "03-lstm.png",
                         "04-forecast-plot.png",
                         "04-forecast-plot-forecast.tab"):
                self.assertIn(name, files)
            image = QImage(os.path.join(out, "04-forecast-plot.png"))
            self.assertGreater(image.width(), 600)


if __name__ == "__main__":
    unittest.main()
