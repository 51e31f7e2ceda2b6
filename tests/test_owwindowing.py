"""The Windowing widget: outputs, defaults, settings, messages."""
import numpy as np

from Orange.data import ContinuousVariable, DiscreteVariable, Domain, Table
from Orange.widgets.tests import base

from orangecontrib.recurrent.widgets.owwindowing import OWWindowing
from orangecontrib.recurrent.windowing import window_layout
from tests.series import series_table, sine_values


def _labelled_series(n=60):
    """Two numeric series and a categorical class ("up"/"down")."""
    rng = np.random.default_rng(1)
    x = np.sin(np.arange(n) * 0.3)
    z = rng.normal(size=n)
    cls = (np.diff(x, append=x[-1]) > 0).astype(float)
    domain = Domain([ContinuousVariable("x"), ContinuousVariable("z")],
                    DiscreteVariable("trend", values=("down", "up")))
    return Table.from_numpy(domain, np.column_stack([x, z]), cls)


class TestOWWindowing(base.WidgetTest):
    def setUp(self):
        self.widget = self.create_widget(OWWindowing)
        self.sine = series_table(sine_values(200), name="y")

    def outputs(self):
        w = self.widget
        return (self.get_output(w.Outputs.windows),
                self.get_output(w.Outputs.train),
                self.get_output(w.Outputs.test))

    def test_regression_outputs(self):
        self.send_signal(self.widget.Inputs.data, self.sine)
        windows, train, test = self.outputs()
        self.assertEqual(len(windows), 200 - 10 - 1 + 1)
        self.assertEqual([a.name for a in windows.domain.attributes][-2:],
                         ["y(t-1)", "y(t)"])
        self.assertEqual(windows.domain.class_var.name, "y(t+1)")
        layout = window_layout(windows.domain)
        self.assertEqual((layout.window_length, layout.series), (10, ("y",)))
        # chronological: the test part is the last 20% of the windows
        self.assertEqual((len(train), len(test)), (152, 38))
        np.testing.assert_array_equal(test.Y, windows.Y[-38:])
        np.testing.assert_array_equal(train.Y, windows.Y[:152])
        info = self.widget.info_label.text()
        self.assertIn("200 rows", info)
        self.assertIn("190 rows, 10 features", info)
        self.assertIn("Train: 152 rows, test: 38 rows", info)
        self.assertIn("Dropped windows: 0; interpolated values: 0", info)

    def test_window_length_horizon_and_test_share(self):
        w = self.widget
        self.send_signal(w.Inputs.data, self.sine)
        w.controls.window_length.setValue(5)
        w.controls.horizon.setValue(3)
        w.controls.test_share.setValue(0)
        windows, train, test = self.outputs()
        self.assertEqual(len(windows.domain.attributes), 5)
        self.assertEqual(windows.domain.class_var.name, "y(t+3)")
        self.assertEqual(len(windows), 200 - 5 - 3 + 1)
        self.assertIs(train, windows)
        self.assertIsNone(test)
        self.assertIn("every window trains", w.info_label.text())

    def test_classification_defaults(self):
        data = _labelled_series()
        self.send_signal(self.widget.Inputs.data, data)
        self.assertIs(self.widget.target_var, data.domain.class_var)
        # a categorical target is not a series: every numeric attribute is
        self.assertEqual([v.name for v in self.widget.series_vars],
                         ["x", "z"])
        windows, train, test = self.outputs()
        self.assertTrue(windows.domain.class_var.is_discrete)
        self.assertEqual(window_layout(windows.domain).series, ("x", "z"))
        self.assertEqual(len(windows), 60 - 10 - 1 + 1)
        # the class is taken at t+1
        np.testing.assert_array_equal(windows.Y, data.Y[10:])
        self.assertEqual(len(train) + len(test), len(windows))

    def test_target_and_series_choice(self):
        w = self.widget
        data = _labelled_series()
        self.send_signal(w.Inputs.data, data)
        w.target_var = data.domain["x"]
        w.series_vars = [data.domain["x"], data.domain["z"]]
        w.commit.now()
        windows = self.get_output(w.Outputs.windows)
        self.assertEqual(windows.domain.class_var.name, "x(t+1)")
        self.assertEqual(len(windows.domain.attributes), 20)

    def test_timeseries_time_variable(self):
        from orangecontrib.timeseries import Timeseries
        data = Timeseries.from_file("airpassengers")
        shuffled = data[np.random.default_rng(0).permutation(len(data))]
        self.send_signal(self.widget.Inputs.data, shuffled)
        self.assertIs(self.widget.time_var, shuffled.time_variable)
        # a date orders the rows; it is not offered as a series
        self.assertNotIn(shuffled.time_variable, self.widget.series_model)
        self.assertEqual([v.name for v in self.widget.series_vars],
                         ["Air passengers"])
        windows = self.get_output(self.widget.Outputs.windows)
        times = windows.get_column(windows.domain.metas[0])
        self.assertTrue(np.all(np.diff(times) > 0))
        # (row order) keeps the shuffled order: times are no longer sorted
        self.widget.time_var = None
        self.widget.commit.now()
        windows = self.get_output(self.widget.Outputs.windows)
        self.assertEqual(windows.domain.metas[0].name, "row")

    def test_no_data(self):
        self.send_signal(self.widget.Inputs.data, self.sine)
        self.send_signal(self.widget.Inputs.data, None)
        self.assertEqual(self.outputs(), (None, None, None))
        self.assertEqual(self.widget.info_label.text(), "No data on input.")

    def test_settings_survive_save_and_reload(self):
        w = self.widget
        data = series_table(sine_values(120), name="a",
                            extra={"b": np.cos(np.arange(120.0)),
                                   "t": np.arange(120.0)})
        self.send_signal(w.Inputs.data, data)
        domain = data.domain
        w.series_vars = [domain["a"], domain["b"]]
        w.target_var = domain["b"]
        w.time_var = domain["t"]
        w.window_length = 7
        w.horizon = 2
        w.missing_handling = 1
        w.test_share = 30
        w.auto_apply = False
        settings = w.settingsHandler.pack_data(w)

        w2 = self.create_widget(OWWindowing, stored_settings=settings)
        self.send_signal(w2.Inputs.data, data, widget=w2)
        self.assertEqual(w2.series_vars, [domain["a"], domain["b"]])
        self.assertIs(w2.target_var, domain["b"])
        self.assertIs(w2.time_var, domain["t"])
        self.assertEqual((w2.window_length, w2.horizon, w2.missing_handling,
                          w2.test_share, w2.auto_apply),
                         (7, 2, 1, 30, False))
        # the controls show the restored values
        self.assertEqual(w2.controls.window_length.value(), 7)
        self.assertEqual(w2.controls.time_var.currentText(), "t")
        # the "(row order)" choice is remembered too, over a detected time
        w2.time_var = None
        settings = w2.settingsHandler.pack_data(w2)
        w3 = self.create_widget(OWWindowing, stored_settings=settings)
        self.send_signal(w3.Inputs.data, data, widget=w3)
        self.assertIsNone(w3.time_var)

    def test_migrate_settings_stub(self):
        settings = {"window_length": 5, "horizon": 2}
        OWWindowing.migrate_settings(settings, 0)
        self.assertEqual(settings, {"window_length": 5, "horizon": 2})
        w = self.create_widget(
            OWWindowing,
            stored_settings={"window_length": 5, "__version__": 0})
        self.assertEqual(w.window_length, 5)

    def test_error_no_numeric_column(self):
        domain = Domain([DiscreteVariable("c", values=("a", "b"))])
        data = Table.from_numpy(domain, np.array([[0.], [1.], [0.]] * 10))
        self.send_signal(self.widget.Inputs.data, data)
        self.assertTrue(self.widget.Error.no_numeric.is_shown())
        self.assertEqual(self.outputs(), (None, None, None))
        self.send_signal(self.widget.Inputs.data, self.sine)
        self.assertFalse(self.widget.Error.no_numeric.is_shown())
        self.assertIsNotNone(self.get_output(self.widget.Outputs.windows))

    def test_error_series_too_short(self):
        self.send_signal(self.widget.Inputs.data,
                         series_table(np.arange(8.0)))
        error = self.widget.Error.windowing_failed
        self.assertTrue(error.is_shown())
        self.assertIn("needs at least 11", str(error))
        self.assertEqual(self.outputs(), (None, None, None))
        self.widget.controls.window_length.setValue(3)
        self.assertFalse(error.is_shown())
        self.assertEqual(len(self.get_output(self.widget.Outputs.windows)), 5)

    def test_error_no_series_selected(self):
        self.send_signal(self.widget.Inputs.data, self.sine)
        self.widget.series_vars = []
        self.widget.commit.now()
        self.assertTrue(self.widget.Error.no_series.is_shown())
        self.assertIsNone(self.get_output(self.widget.Outputs.windows))

    def test_missing_values_interpolated_or_dropped(self):
        values = sine_values(100)
        values[[20, 50, 51]] = np.nan
        self.send_signal(self.widget.Inputs.data, series_table(values))
        self.assertIn("interpolated values: 3", self.widget.info_label.text())
        self.assertFalse(self.widget.Warning.windows_dropped.is_shown())
        self.assertEqual(len(self.get_output(self.widget.Outputs.windows)),
                         90)
        self.widget.controls.missing_handling.buttons[1].click()
        warning = self.widget.Warning.windows_dropped
        self.assertTrue(warning.is_shown())
        windows = self.get_output(self.widget.Outputs.windows)
        self.assertIn(f"{90 - len(windows)} of 90 windows", str(warning))
        self.assertIn(f"Dropped windows: {90 - len(windows)}",
                      self.widget.info_label.text())

    def test_error_all_windows_dropped(self):
        values = sine_values(60)
        values[::4] = np.nan
        self.send_signal(self.widget.Inputs.data, series_table(values))
        self.widget.controls.missing_handling.buttons[1].click()
        error = self.widget.Error.windowing_failed
        self.assertTrue(error.is_shown())
        self.assertIn("Every window holds a missing value", str(error))
        self.assertEqual(self.outputs(), (None, None, None))

    def test_error_time_with_missing_values(self):
        t = np.arange(50.0)
        t[3] = np.nan
        data = series_table(sine_values(50), extra={"t": t})
        self.send_signal(self.widget.Inputs.data, data)
        self.widget.time_var = data.domain["t"]
        self.widget.commit.now()
        error = self.widget.Error.windowing_failed
        self.assertTrue(error.is_shown())
        self.assertIn("'t' has missing values", str(error))
        self.assertEqual(self.outputs(), (None, None, None))

    def test_error_test_share_leaves_no_training_rows(self):
        # 10 + 1 + 9 rows -> 10 windows; 95% of them is all of them
        self.send_signal(self.widget.Inputs.data,
                         series_table(sine_values(20)))
        self.widget.controls.test_share.setValue(95)
        self.assertTrue(self.widget.Error.no_train_rows.is_shown())
        self.assertIn("95% of 10 windows", str(self.widget.Error.no_train_rows))
        self.assertEqual(self.outputs(), (None, None, None))
        self.widget.controls.test_share.setValue(50)
        self.assertFalse(self.widget.Error.no_train_rows.is_shown())
        _, train, test = self.outputs()
        self.assertEqual((len(train), len(test)), (5, 5))

    def test_auto_apply_off(self):
        w = self.widget
        w.auto_apply = False
        self.send_signal(w.Inputs.data, self.sine)  # new data: always sent
        w.controls.window_length.setValue(4)
        windows = self.get_output(w.Outputs.windows)
        self.assertEqual(len(windows.domain.attributes), 10)
        w.commit.now()
        windows = self.get_output(w.Outputs.windows)
        self.assertEqual(len(windows.domain.attributes), 4)

    def test_report(self):
        self.widget.send_report()
        self.send_signal(self.widget.Inputs.data, self.sine)
        self.widget.send_report()
