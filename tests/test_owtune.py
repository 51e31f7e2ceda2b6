"""The Tune widget: a search off the GUI thread, its outputs, Stop, messages
for bad input, the plot, settings and their migration."""
import time

import numpy as np

from Orange.classification import KNNLearner
from Orange.data import Table
from Orange.regression import KNNRegressionLearner
from Orange.widgets.tests import base

from orangecontrib.recurrent import RecurrentLearner, RecurrentModel
from orangecontrib.recurrent.tuning import LogRange, Range, parse_values
from orangecontrib.recurrent.widgets.owtune import DEFAULT_ROWS, OWTune
from orangecontrib.recurrent.windowing import make_windows
from tests.series import sine_table

WAIT = 60000


def windows(n=300):
    return make_windows(sine_table(n), 8)


def small_lstm():
    return RecurrentLearner(epochs=2, hidden_size=4, patience=None,
                            device="cpu")


def rows(*chosen):
    """Settings rows with only ``chosen`` = (name, values) pairs in use."""
    return [[True, n, v] for n, v in chosen] \
        + [[False, "num_layers", "1"]] * (5 - len(chosen))


class TestParseValues(base.GuiTest):
    def test_lists_and_ranges(self):
        self.assertEqual(parse_values("h", "16, 32,64"), [16, 32, 64])
        self.assertEqual(parse_values("r", "0.001, 1e-2"), [0.001, 0.01])
        self.assertEqual(parse_values("c", "lstm, gru"), ["lstm", "gru"])
        self.assertEqual(parse_values("b", "True, None"), [True, None])
        self.assertEqual(parse_values("h", "8..64"), Range(8, 64))
        self.assertEqual(parse_values("r", "1e-4..0.1 log"),
                         LogRange(1e-4, 0.1))
        with self.assertRaisesRegex(ValueError, "'h' has no values"):
            parse_values("h", " , ")
        with self.assertRaisesRegex(ValueError, "a range needs two numbers"):
            parse_values("h", "a..b")


class TestOWTune(base.WidgetTest):
    def setUp(self):
        self.widget = self.create_widget(OWTune, stored_settings={
            "rows": rows(("hidden_size", "2, 4"),
                         ("learning_rate", "0.001, 0.01"))})

    def tearDown(self):
        self.widget.shutdown()
        super().tearDown()

    def search(self, data, learner):
        self.send_signal(self.widget.Inputs.data, data)
        self.send_signal(self.widget.Inputs.learner, learner)
        return self.get_output(self.widget.Outputs.learner, wait=WAIT)

    def test_grid_outputs(self):
        best = self.search(windows(), small_lstm())
        widget = self.widget
        self.assertIsInstance(best, RecurrentLearner)
        self.assertEqual(best.name, "LSTM (tuned)")
        result = widget.result
        self.assertEqual(len(result.trials), 4)
        self.assertIn((best.hidden_size, best.learning_rate),
                      [(h, r) for h in (2, 4) for r in (0.001, 0.01)])
        self.assertEqual(result.best_params, {
            "hidden_size": best.hidden_size,
            "learning_rate": best.learning_rate})
        trials = self.get_output(widget.Outputs.trials)
        self.assertEqual(len(trials), 4)
        np.testing.assert_allclose(trials.Y, [t.score for t in result.trials])
        model = self.get_output(widget.Outputs.model)
        self.assertIsInstance(model, RecurrentModel)
        self.assertEqual(model.params["hidden_size"], best.hidden_size)
        self.assertEqual(model.name, "LSTM (tuned)")
        # the table and the heatmap show the four trials
        self.assertEqual(widget.table_model.rowCount(), 4)
        xs, ys, scores = widget.plot.cells
        self.assertEqual((xs, ys), ([2, 4], [0.001, 0.01]))
        self.assertEqual(np.nanmin(scores), result.best_trial.score)
        self.assertIn("4 trials; validation: chronological tail",
                      widget.status.text())
        self.assertFalse(widget.stop_button.isEnabled())

    def test_orange_learner_one_parameter(self):
        self.widget.rows = rows(("n_neighbors", "1, 5, 15"))
        iris = Table("iris")
        best = self.search(iris, KNNLearner())
        result = self.widget.result
        self.assertEqual(result.scorer, "CA")
        self.assertEqual(result.split, "stratified random")
        self.assertEqual(best.params["n_neighbors"],
                         result.best_params["n_neighbors"])
        self.assertIsNone(self.widget.plot.cells)  # a line, not a heatmap
        model = self.get_output(self.widget.Outputs.model)
        self.assertEqual(len(model(iris)), 150)

    def test_random_search_uses_the_budget(self):
        self.widget.rows = rows(("n_neighbors", "1..30"))
        self.widget.method_index = 1
        self.widget.n_trials = 3
        self.search(windows(), KNNRegressionLearner())
        values = [t.params["n_neighbors"] for t in self.widget.result.trials]
        self.assertEqual(len(values), 3)
        self.assertTrue(all(1 <= v <= 30 for v in values))

    def test_stop_keeps_trials_done(self):
        widget = self.widget
        widget.rows = rows(("hidden_size", "2, 3, 4, 5, 6, 7"))
        self.send_signal(widget.Inputs.data, windows())
        self.send_signal(widget.Inputs.learner, small_lstm())
        self.assertTrue(widget.stop_button.isEnabled())
        start = time.perf_counter()
        while not widget.trials and time.perf_counter() - start < 60:
            self.process_events()
        widget.stop_search()
        best = self.get_output(widget.Outputs.learner, wait=WAIT)
        result = widget.result
        self.assertTrue(result.cancelled)
        self.assertLess(len(result.trials), 6)
        self.assertGreaterEqual(len(result.trials), 1)
        self.assertIn(best.hidden_size, [t.params["hidden_size"]
                                         for t in result.trials])
        self.assertIsNone(self.get_output(widget.Outputs.model))
        self.assertEqual(len(self.get_output(widget.Outputs.trials)),
                         len(result.trials))
        self.assertTrue(widget.Information.stopped.is_shown())

    def test_bad_input_messages(self):
        widget = self.widget
        self.assertTrue(widget.Information.waiting.is_shown())
        widget.rows = rows(("hiden_size", "2, 4"))
        self.send_signal(widget.Inputs.data, windows())
        self.send_signal(widget.Inputs.learner, small_lstm())
        self.assertIn("LSTM has no parameter 'hiden_size'; choose from",
                      str(widget.Error.bad_space))
        self.assertIsNone(self.get_output(widget.Outputs.learner))

        widget.rows = rows(("hidden_size", ""))
        widget.start_search()
        self.assertIn("'hidden_size' has no values",
                      str(widget.Error.bad_space))
        widget.rows = rows(("hidden_size", "2..8"))
        widget.start_search()
        self.assertIn("Grid search needs lists", str(widget.Error.bad_space))
        widget.rows = [[False] + r[1:] for r in DEFAULT_ROWS]
        widget.start_search()
        self.assertIn("Choose at least one", str(widget.Error.bad_space))

        widget.rows = rows(("hidden_size", "2"))
        no_target = Table.from_numpy(
            type(windows().domain)(windows().domain.attributes),
            windows().X)
        self.send_signal(widget.Inputs.data, no_target)
        self.assertTrue(widget.Error.no_target.is_shown())
        self.assertFalse(widget.Error.bad_space.is_shown())
        self.send_signal(widget.Inputs.data, Table("iris"))
        self.send_signal(widget.Inputs.learner, KNNLearner())
        self.assertTrue(widget.Error.bad_space.is_shown())  # KNN: no hidden
        self.send_signal(widget.Inputs.learner, None)
        self.assertTrue(widget.Information.waiting.is_shown())
        self.assertFalse(widget.Error.bad_space.is_shown())

    def test_failed_trial_message(self):
        self.widget.rows = rows(("n_neighbors", "500"))
        self.send_signal(self.widget.Inputs.data, windows(100))
        self.send_signal(self.widget.Inputs.learner, KNNRegressionLearner())
        self.wait_until_finished(timeout=WAIT)
        self.assertIn("Trial 1 (n_neighbors=500) failed",
                      str(self.widget.Error.failed))
        self.assertIsNone(self.get_output(self.widget.Outputs.learner))

    def test_settings_round_trip(self):
        widget = self.widget
        widget.row_widgets[2][0].setChecked(True)
        widget.row_widgets[2][2].setText("1, 3")
        widget.row_widgets[2][2].editingFinished.emit()
        widget.method_index = 2
        widget.n_trials = 7
        settings = widget.settingsHandler.pack_data(widget)
        again = self.create_widget(OWTune, stored_settings=settings)
        self.assertEqual(again.rows[2], [True, "num_layers", "1, 3"])
        self.assertEqual(again.row_widgets[2][2].text(), "1, 3")
        self.assertTrue(again.row_widgets[2][0].isChecked())
        self.assertEqual((again.method_index, again.n_trials), (2, 7))

    def test_migrate_settings(self):
        settings = {"rows": [[True, "hidden_size", "8"], ["broken"]],
                    "method_index": 9}
        OWTune.migrate_settings(settings, 0)
        self.assertEqual(len(settings["rows"]), 5)
        self.assertEqual(settings["rows"][0], [True, "hidden_size", "8"])
        self.assertEqual(settings["rows"][1:], DEFAULT_ROWS[1:])
        self.assertEqual(settings["method_index"], 0)
        empty = {}
        OWTune.migrate_settings(empty, None)
        self.assertEqual(empty["rows"], DEFAULT_ROWS)
        widget = self.create_widget(OWTune, stored_settings={
            "rows": [[True, "dropout", "0, 0.5"]], "__version__": 0})
        self.assertEqual(widget.rows[0], [True, "dropout", "0, 0.5"])
        self.assertEqual(widget.row_widgets[1][1].currentText(),
                         "learning_rate")

    def test_report_and_plot_export(self):
        self.search(windows(), small_lstm())
        self.widget.send_report()
        html = self.widget.report_html
        self.assertIn("Grid (every combination)", html)
        self.assertIn("Best RMSE", html)
        self.assertIn("hidden_size: 2, 4", html)
        self.assertIsNotNone(self.widget.plot.plotItem)
        self.assertEqual(self.widget.graph_name, "plot.plotItem")
