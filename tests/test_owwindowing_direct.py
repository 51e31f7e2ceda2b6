"""Windowing's direct multi-step option: h targets on the outputs."""
import numpy as np

from Orange.widgets.tests import base

from orangecontrib.recurrent.widgets.owwindowing import OWWindowing
from orangecontrib.recurrent.windowing import window_layout
from tests.series import series_table, sine_values


class TestWindowingDirect(base.WidgetTest):
    def setUp(self):
        self.widget = self.create_widget(OWWindowing)
        self.sine = series_table(sine_values(200), name="y")

    def test_direct_targets(self):
        w = self.widget
        w.horizon, w.window_length, w.direct = 4, 6, True
        self.send_signal(w.Inputs.data, self.sine)
        w.commit.now()
        train = self.get_output(w.Outputs.train)
        test = self.get_output(w.Outputs.test)
        self.assertEqual([v.name for v in train.domain.class_vars],
                         ["y(t+1)", "y(t+2)", "y(t+3)", "y(t+4)"])
        self.assertEqual(len(train) + len(test), 200 - 6 - 4 + 1)
        self.assertTrue(window_layout(train.domain).direct)
        np.testing.assert_allclose(train.Y[0], self.sine.X[6:10, 0])
        self.assertIn("4 targets 'y(t+1)' ... 'y(t+4)'",
                      w.info_label.text())
        w.direct = False
        w.commit.now()
        self.assertEqual(
            self.get_output(w.Outputs.train).domain.class_var.name, "y(t+4)")
        self.assertIn("target 'y(t+4)'", w.info_label.text())

    def test_migrate_settings_from_version_1(self):
        settings = {"horizon": 3, "window_length": 5}
        OWWindowing.migrate_settings(settings, 1)
        self.assertEqual(settings, {"horizon": 3, "window_length": 5})
        widget = self.create_widget(
            OWWindowing, stored_settings={"horizon": 3, "__version__": 1})
        self.assertFalse(widget.direct)


class TestLearnerWidgetDirect(base.WidgetTest):
    def setUp(self):
        # pylint: disable=import-outside-toplevel
        from orangecontrib.recurrent.widgets.owrecurrentlearner import (
            OWRecurrentLearner)
        self.widget = self.create_widget(
            OWRecurrentLearner, stored_settings={"epochs": 2,
                                                 "hidden_size": 4})

    def test_lstm_widget_trains_on_h_targets(self):
        # pylint: disable=import-outside-toplevel
        from orangecontrib.recurrent.windowing import make_windows
        widget = self.widget
        data = make_windows(series_table(sine_values(200), name="y"), 6,
                            horizon=3, direct=True)
        self.send_signal(widget.Inputs.data, data)
        self.wait_until_finished(timeout=30000)
        self.assertFalse(widget.Error.data_error.is_shown())
        model = self.get_output(widget.Outputs.model)
        self.assertEqual(model(data[:5]).shape, (5, 3))
