"""Saved settings out of range in Sample Series, Forecast Plot and Tune.

A workflow edited by hand or written by another version may hold values no
control allows. Each of these used to raise while the widget was built (a
traceback dialog in the canvas, Sample Series: "scale < 0", "setValue(...):
unexpected type 'float'") or was used as it was (Forecast Plot: 0 steps
ahead, a 150% interval; Tune: a budget of 0 trials). Now each is brought into
its control's range, with a Warning that says what was reset.
"""
from Orange.widgets.tests import base

from orangecontrib.recurrent.widgets.owforecastplot import OWForecastPlot
from orangecontrib.recurrent.widgets.owsampleseries import OWSampleSeries
from orangecontrib.recurrent.widgets.owtune import OWTune


class TestSampleSeries(base.WidgetTest):
    def setUp(self):
        # WidgetTest's own checks (minimum size, image export, messages)
        self.widget = self.create_widget(OWSampleSeries)

    def test_out_of_range_settings_are_reset_and_said(self):
        cases = (
            ({"length": 0}, "length", 100, "length: 0 -> 100"),
            ({"length": 2500.7}, "length", 2501, "length: 2500.7 -> 2501"),
            ({"noise": -1.0}, "noise", 0.0, "noise: -1.0 -> 0"),
            ({"adding_lag": None}, "adding_lag", 30, "adding_lag: None -> 30"),
            ({"shape_length": 3}, "shape_length", 32, "shape_length: 3 -> 32"),
            ({"dataset": "nonsense"}, "dataset", "sine",
             "dataset: 'nonsense' -> 'sine'"),
        )
        for settings, name, value, text in cases:
            with self.subTest(text):
                w = self.create_widget(OWSampleSeries,
                                       stored_settings=settings)
                self.assertEqual(getattr(w, name), value)
                self.assertTrue(w.Warning.settings_reset.is_shown())
                self.assertIn(text, str(w.Warning.settings_reset))
                self.assertIsNotNone(self.get_output(w.Outputs.data,
                                                     widget=w))

    def test_sine_of_a_reset_length_has_that_many_points(self):
        w = self.create_widget(OWSampleSeries,
                               stored_settings={"length": 0, "seed": -5})
        self.assertEqual((w.length, w.seed), (100, 0))
        self.assertEqual(len(self.get_output(w.Outputs.data, widget=w)), 100)

    def test_saved_defaults_show_nothing(self):
        w = self.create_widget(OWSampleSeries)
        self.assertFalse(w.Warning.settings_reset.is_shown())
        self.assertEqual(len(self.get_output(w.Outputs.data, widget=w)),
                         10000)


class TestForecastPlot(base.WidgetTest):
    def setUp(self):
        # WidgetTest's own checks (minimum size, image export, messages)
        self.widget = self.create_widget(OWForecastPlot)

    def test_out_of_range_settings_are_reset_and_said(self):
        w = self.create_widget(OWForecastPlot, stored_settings={
            "steps": 0, "coverage": 150, "test_share": 100,
            "score_steps": -3})
        self.assertEqual((w.steps, w.coverage, w.test_share, w.score_steps),
                         (1, 99, 50, 1))
        text = str(w.Warning.settings_reset)
        for part in ("steps: 0 -> 1", "coverage: 150 -> 99",
                     "test_share: 100 -> 50", "score_steps: -3 -> 1"):
            self.assertIn(part, text)

    def test_the_warning_outlives_new_inputs(self):
        # _invalidate clears the other messages when inputs change
        w = self.create_widget(OWForecastPlot,
                               stored_settings={"coverage": 150})
        self.send_signal(w.Inputs.data, None, widget=w)
        self.assertTrue(w.Warning.settings_reset.is_shown())

    def test_saved_defaults_show_nothing(self):
        w = self.create_widget(OWForecastPlot)
        self.assertFalse(w.Warning.settings_reset.is_shown())


class TestTune(base.WidgetTest):
    def setUp(self):
        # WidgetTest's own checks (minimum size, image export, messages)
        self.widget = self.create_widget(OWTune)

    def test_out_of_range_settings_are_reset_and_said(self):
        w = self.create_widget(OWTune, stored_settings={
            "n_trials": 0, "method_index": 9})
        # migrate_settings already puts an unknown method back to grid
        self.assertEqual((w.n_trials, w.method_index), (1, 0))
        self.assertIn("n_trials: 0 -> 1", str(w.Warning.settings_reset))

    def test_saved_defaults_show_nothing(self):
        w = self.create_widget(OWTune)
        self.assertFalse(w.Warning.settings_reset.is_shown())
