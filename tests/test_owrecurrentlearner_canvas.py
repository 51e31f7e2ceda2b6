"""The LSTM/GRU widget in the canvas: its summary, its empty plot, a log
loss axis, plain status words, and the threads it trains with."""
import os
from unittest.mock import patch

from Orange.widgets.tests import base

from orangecontrib.recurrent.widgets.owrecurrentlearner import (
    OWRecurrentLearner,
)
from orangecontrib.recurrent.widgets.utils.threads import (
    apply_thread_policy, training_threads,
)
from tests.series import series_table, sine_values
from orangecontrib.recurrent.windowing import make_windows

WAIT = 60000


class TestCanvasReading(base.WidgetTest):
    def setUp(self):
        self.widget = self.create_widget(
            OWRecurrentLearner,
            stored_settings={"hidden_size": 8, "epochs": 3,
                             "__version__": 3})
        self.process_events()

    def tearDown(self):
        self.widget.shutdown()
        super().tearDown()

    def test_input_summary_shows_the_data(self):
        data = make_windows(series_table(sine_values(300), name="y"), 10)
        self.send_signal(self.widget.Inputs.data, data)
        parts = list(self.widget.input_summaries["Data"].values())
        self.assertEqual([p.summary for p in parts], [len(data)])
        self.send_signal(self.widget.Inputs.data, None)
        self.assertEqual(len(self.widget.input_summaries["Data"]), 0)

    def test_empty_plot_does_not_ask_for_data_that_trains_elsewhere(self):
        text = self.widget.graph.empty_text.toPlainText()
        self.assertIn("Learner output trains wherever it goes", text)
        self.assertIn("Test and Score", text)

    def test_log_scale_by_default(self):
        widget = self.create_widget(OWRecurrentLearner)
        self.assertTrue(widget.log_scale)
        self.assertTrue(widget.graph.getAxis("left").logMode)

    def test_status_in_plain_words(self):
        data = make_windows(series_table(sine_values(500), name="y"), 10)
        self.send_signal(self.widget.Inputs.data, data)
        model = self.get_output(self.widget.Outputs.model, wait=WAIT)
        self.assertIsNotNone(model)
        text = self.widget.status_label.text()
        self.assertIn("Trained 3 epochs on the CPU", text)
        self.assertIn(f"Kept the network after epoch {model.best_epoch}",
                      text)
        self.assertIn("Why it ended: ", text)
        # auto: the axis and the status name the network that was kept
        words = {"global": ("target in standard units", "standardized"),
                 "relative": ("change from the window's last value",
                              "changes from each window's last value")}
        axis, status = words[model.normalization_used]
        self.assertIn(axis, self.widget.graph.getAxis("left").labelText)
        self.assertIn(f"Auto normalization: learned from {status}", text)


class TestThreadPolicy(base.WidgetTest):
    def setUp(self):
        self.widget = self.create_widget(
            OWRecurrentLearner, stored_settings={"hidden_size": 4,
                                                 "epochs": 1})

    def tearDown(self):
        self.widget.shutdown()
        super().tearDown()

    def test_rule(self):
        self.assertEqual(training_threads(1, {}), 1)
        self.assertEqual(training_threads(2, {}), 1)
        self.assertEqual(training_threads(4, {}), 2)
        self.assertEqual(training_threads(16, {}), 4)
        self.assertIsNone(training_threads(16, {"OMP_NUM_THREADS": "3"}))

    def test_the_widget_trains_with_the_policy(self):
        import torch  # pylint: disable=import-outside-toplevel
        before = torch.get_num_threads()
        env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
        try:
            with patch.dict(os.environ, env, clear=True), \
                    patch("os.cpu_count", return_value=8):
                torch.set_num_threads(1)
                self.assertEqual(apply_thread_policy(), 4)
                self.assertEqual(torch.get_num_threads(), 4)
            # the user's OMP_NUM_THREADS: left alone
            with patch.dict(os.environ, {"OMP_NUM_THREADS": "1"}):
                torch.set_num_threads(2)
                self.assertIsNone(apply_thread_policy())
                self.assertEqual(torch.get_num_threads(), 2)
        finally:
            torch.set_num_threads(before)
        with patch("orangecontrib.recurrent.widgets.utils.trainingtask."
                   "apply_thread_policy") as policy:
            data = make_windows(series_table(sine_values(200), name="y"), 5)
            self.send_signal(self.widget.Inputs.data, data)
            model = self.get_output(self.widget.Outputs.model, wait=WAIT)
        self.assertIsNotNone(model)
        policy.assert_called()

    def test_the_library_leaves_threads_alone(self):
        import torch  # pylint: disable=import-outside-toplevel
        from orangecontrib.recurrent import RecurrentLearner
        before = torch.get_num_threads()
        data = make_windows(series_table(sine_values(200), name="y"), 5)
        RecurrentLearner(hidden_size=4, epochs=1)(data)
        self.assertEqual(torch.get_num_threads(), before)


if __name__ == "__main__":
    import unittest
    unittest.main()
