"""Sample Series widget and the datasets it offers."""
import unittest

import numpy as np

from Orange.data import TimeVariable
from Orange.widgets.tests import base

from orangecontrib.recurrent import datasets
from orangecontrib.recurrent.widgets.owsampleseries import OWSampleSeries
from orangecontrib.recurrent.series import find_time_variable
from orangecontrib.recurrent.windowing import make_windows
from tests.series import sine_values


class TestDatasets(unittest.TestCase):
    def test_sine_is_the_classroom_series(self):
        table = datasets.sine_with_noise()
        self.assertEqual(len(table), 10000)
        np.testing.assert_array_equal(table.X[:, 0], sine_values())
        t = table.get_column("t")
        self.assertAlmostEqual(t[1] - t[0], 0.1)
        self.assertAlmostEqual(t[-1], 999.9)

    def test_real_series_are_dated_and_in_order(self):
        expected = {"sunspots": (309, 5, 2.9, 1700, 2008),
                    "airpassengers": (144, 112, 432, 1949, 1960),
                    "nile": (100, 1120, 740, 1871, 1970)}
        for key, (rows, first, last, year0, year1) in expected.items():
            table = datasets.load(key)
            self.assertEqual(len(table), rows, key)
            self.assertEqual(table.X[0, 0], first, key)
            self.assertEqual(table.X[-1, 0], last, key)
            time_var = find_time_variable(table)
            self.assertIsInstance(time_var, TimeVariable)
            times = table.get_column(time_var)
            self.assertTrue(np.all(np.diff(times) > 0), key)
            self.assertTrue(time_var.repr_val(times[0]).startswith(
                str(year0)), key)
            self.assertTrue(time_var.repr_val(times[-1]).startswith(
                str(year1)), key)

    def test_airpassengers_values(self):
        # Box & Jenkins series G, first and last year (checked against an
        # independent public copy, see datasets/README.md).
        values = datasets.load("airpassengers").X[:, 0]
        np.testing.assert_array_equal(
            values[:12], [112, 118, 132, 129, 121, 135, 148, 148, 136, 119,
                          104, 118])
        np.testing.assert_array_equal(
            values[-12:], [417, 391, 419, 461, 472, 535, 622, 606, 508, 461,
                           390, 432])
        self.assertEqual(values.sum(), 40363)

    def test_unknown_dataset(self):
        with self.assertRaisesRegex(ValueError, "no dataset 'iris'"):
            datasets.load("iris")

    def test_shapes_are_balanced_labelled_and_distinct(self):
        table = datasets.cylinder_bell_funnel(per_class=50, seed=3)
        self.assertEqual(table.X.shape, (150, 128))
        self.assertEqual(table.domain.class_var.values, datasets.SHAPES)
        np.testing.assert_array_equal(np.bincount(table.Y.astype(int)),
                                      [50, 50, 50])
        # Rows are shuffled, not grouped by class.
        self.assertGreater(np.sum(np.diff(table.Y) != 0), 30)
        # The shapes differ where the standard definition says: the bell
        # peaks late in its interval, the funnel early, the cylinder is flat.
        mean = {shape: table.X[table.Y == i].mean(axis=0)
                for i, shape in enumerate(datasets.SHAPES)}
        self.assertGreater(mean["bell"][70:100].mean(),
                           mean["bell"][30:50].mean())
        self.assertGreater(mean["funnel"][30:50].mean(),
                           mean["funnel"][70:100].mean())
        self.assertGreater(mean["cylinder"][40:60].mean(), 5)
        self.assertLess(np.abs(mean["cylinder"][:12]).max(), 1)
        # Same seed, same data; another seed, other data.
        again = datasets.cylinder_bell_funnel(per_class=50, seed=3)
        np.testing.assert_array_equal(table.X, again.X)
        other = datasets.cylinder_bell_funnel(per_class=50, seed=4)
        self.assertFalse(np.array_equal(table.X, other.X))

    def test_shapes_of_other_lengths(self):
        table = datasets.cylinder_bell_funnel(per_class=2, length=64)
        self.assertEqual(table.X.shape, (6, 64))

    def test_dated_series_window_with_dates(self):
        windows = make_windows(datasets.load("sunspots"), window_length=11)
        self.assertEqual(len(windows), 309 - 11)
        self.assertIn("Year", [m.name for m in windows.domain.metas])


class TestOWSampleSeries(base.WidgetTest):
    def setUp(self):
        self.widget = self.create_widget(OWSampleSeries)

    def test_sends_sine_on_start(self):
        data = self.get_output(self.widget.Outputs.data)
        self.assertEqual(len(data), 10000)
        np.testing.assert_array_equal(data.X[:, 0], sine_values())
        self.assertIn("10000 rows", self.widget.info_label.text())

    def test_every_choice_sends_its_series(self):
        rows = {"sine": 10000, "sunspots": 309, "airpassengers": 144,
                "nile": 100, "shapes": 300, "adding": 5000}
        for index, key in enumerate(self.widget.keys):
            self.widget.controls.dataset_index.buttons[index].click()
            self.assertEqual(self.widget.dataset, key)
            data = self.get_output(self.widget.Outputs.data)
            self.assertEqual(len(data), rows[key], key)
            self.assertEqual(self.widget.sine_box.isEnabled(), key == "sine")
            self.assertEqual(self.widget.shapes_box.isEnabled(),
                             key == "shapes")
            self.assertEqual(self.widget.adding_box.isEnabled(),
                             key == "adding")
            if key == "shapes":
                self.assertEqual(data.domain.class_var.name, "shape")
        self.assertEqual(data.domain.class_var.name, "sum")

    def test_adding_problem_lag_and_seed(self):
        self.widget.controls.dataset_index.buttons[
            self.widget.keys.index("adding")].click()
        self.widget.controls.adding_sequences.setValue(50)
        self.widget.controls.adding_lag.setValue(12)
        self.widget.controls.seed.setValue(4)
        data = self.get_output(self.widget.Outputs.data)
        expected = datasets.adding_problem(50, 12, seed=4)
        np.testing.assert_array_equal(data.X, expected.X)
        np.testing.assert_array_equal(data.Y, expected.Y)
        self.assertIn("12 steps", self.widget.info_label.text())
        self.assertIn("50 rows × 24 columns", self.widget.info_label.text())
        settings = self.widget.settingsHandler.pack_data(self.widget)
        widget = self.create_widget(OWSampleSeries, stored_settings=settings)
        again = self.get_output(widget.Outputs.data, widget=widget)
        np.testing.assert_array_equal(again.X, expected.X)

    def test_sine_parameters(self):
        self.widget.controls.length.setValue(500)
        self.widget.controls.noise.setValue(0)
        data = self.get_output(self.widget.Outputs.data)
        np.testing.assert_allclose(data.X[:, 0], np.sin(np.arange(500) / 10))
        self.widget.controls.noise.setValue(0.5)
        self.widget.controls.seed.setValue(7)
        data = self.get_output(self.widget.Outputs.data)
        np.testing.assert_array_equal(data.X[:, 0],
                                      sine_values(500, 0.5, seed=7))

    def test_settings_are_restored(self):
        self.widget.controls.dataset_index.buttons[
            self.widget.keys.index("shapes")].click()
        self.widget.controls.shapes_per_class.setValue(10)
        self.widget.controls.shape_length.setValue(64)
        self.widget.controls.seed.setValue(5)
        sent = self.get_output(self.widget.Outputs.data)
        settings = self.widget.settingsHandler.pack_data(self.widget)
        widget = self.create_widget(OWSampleSeries, stored_settings=settings)
        data = self.get_output(widget.Outputs.data, widget=widget)
        self.assertEqual(widget.dataset, "shapes")
        self.assertTrue(widget.controls.dataset_index.buttons[
            widget.keys.index("shapes")].isChecked())
        np.testing.assert_array_equal(data.X, sent.X)
        self.assertEqual(data.X.shape, (30, 64))

    def test_unknown_saved_dataset_falls_back_to_sine(self):
        widget = self.create_widget(
            OWSampleSeries, stored_settings={"dataset": "gone",
                                             "__version__": 1})
        self.assertEqual(widget.dataset, "sine")
        self.assertEqual(len(self.get_output(widget.Outputs.data,
                                             widget=widget)), 10000)

    def test_report(self):
        self.widget.send_report()


if __name__ == "__main__":
    unittest.main()
