"""make_windows and chronological_split follow the window-metadata contract."""
import pickle
import unittest

import numpy as np

from Orange.data import (
    ContinuousVariable, DiscreteVariable, Domain, StringVariable, Table,
    TimeVariable,
)

from orangecontrib.recurrent import (
    chronological_split, make_windows, sequences_from_rows, window_layout,
)
from orangecontrib.recurrent.series import interpolate_inner
from tests.series import series_table


class TestMakeWindows(unittest.TestCase):
    def test_univariate_lags_and_target(self):
        table = series_table(np.arange(10.0))
        windows = make_windows(table, window_length=3, horizon=1)
        self.assertEqual([v.name for v in windows.domain.attributes],
                         ["x(t-2)", "x(t-1)", "x(t)"])
        self.assertEqual(windows.domain.class_var.name, "x(t+1)")
        self.assertEqual(len(windows), 7)
        np.testing.assert_array_equal(windows.X[0], [0, 1, 2])
        np.testing.assert_array_equal(windows.Y, np.arange(3, 10))
        # the target row's time (row index) is a meta
        np.testing.assert_array_equal(
            windows.metas[:, 0].astype(float), np.arange(3, 10))

    def test_metadata_attributes(self):
        table = series_table(np.arange(20.0), extra={"z": np.arange(20.0) * 2})
        windows = make_windows(table, 4, horizon=3, series=["x", "z"],
                               target="x")
        for var in windows.domain.attributes:
            self.assertIn(var.attributes["series"], ("x", "z"))
            self.assertLessEqual(var.attributes["offset"], 0)
        self.assertEqual(windows.domain.class_var.attributes,
                         {"series": "x", "offset": 3})
        row = windows[0]
        # x(t) is the 4th value, the target three steps later
        self.assertEqual(row["x(t)"], 3)
        self.assertEqual(row["z(t-3)"], 0)
        self.assertEqual(row["x(t+3)"], 6)
        self.assertEqual(len(windows), 20 - 4 - 3 + 1)

    def test_layout_rebuilds_sequences(self):
        table = series_table(np.arange(20.0), extra={"z": -np.arange(20.0)})
        windows = make_windows(table, 5, series=["x", "z"], target="x")
        layout = window_layout(windows.domain)
        self.assertEqual(layout.series, ("x", "z"))
        self.assertEqual(layout.offsets, (-4, -3, -2, -1, 0))
        self.assertEqual((layout.target_series, layout.horizon), ("x", 1))
        sequences = sequences_from_rows(windows.X, windows.domain)
        self.assertEqual(sequences.shape, (15, 5, 2))
        self.assertEqual(sequences.dtype, np.float32)
        np.testing.assert_array_equal(sequences[2, :, 0], [2, 3, 4, 5, 6])
        np.testing.assert_array_equal(sequences[2, :, 1], [-2, -3, -4, -5, -6])

    def test_layout_survives_column_reordering(self):
        table = series_table(np.arange(12.0), extra={"z": 100 + np.arange(12.0)})
        windows = make_windows(table, 3, series=["x", "z"], target="x")
        attrs = windows.domain.attributes[::-1]
        shuffled = windows.transform(Domain(attrs, windows.domain.class_var))
        sequences = sequences_from_rows(shuffled.X, shuffled.domain)
        # series in order of first appearance; steps always oldest first
        x, z = (window_layout(shuffled.domain).series.index(s) for s in "xz")
        np.testing.assert_array_equal(sequences[0, :, x], [0, 1, 2])
        np.testing.assert_array_equal(sequences[0, :, z], [100, 101, 102])

    def test_table_without_metadata_is_one_sequence_per_row(self):
        domain = Domain([ContinuousVariable(f"c{i}") for i in range(4)])
        table = Table.from_numpy(domain, np.arange(8.0).reshape(2, 4))
        self.assertIsNone(window_layout(domain))
        sequences = sequences_from_rows(table.X, domain)
        self.assertEqual(sequences.shape, (2, 4, 1))
        np.testing.assert_array_equal(sequences[1, :, 0], [4, 5, 6, 7])

    def test_sorts_by_time_variable(self):
        time = TimeVariable("date", have_date=True)
        domain = Domain([ContinuousVariable("x")], metas=[time])
        order = np.array([3, 0, 2, 1, 4, 5])
        table = Table.from_numpy(domain, order[:, None] * 10.0,
                                 metas=(order * 86400.0)[:, None])
        windows = make_windows(table, 2)
        np.testing.assert_array_equal(windows.X[:, 0], [0, 10, 20, 30])
        np.testing.assert_array_equal(windows.Y, [20, 30, 40, 50])
        meta = windows.domain.metas[0]
        self.assertIsInstance(meta, TimeVariable)
        self.assertEqual(meta.name, "date")
        np.testing.assert_array_equal(windows.metas[:, 0].astype(float),
                                      np.arange(2, 6) * 86400.0)
        self.assertEqual(windows.attributes["windowing"].time, "date")
        # time=False: row order, although the table has a time variable
        windows = make_windows(table, 2, time=False)
        np.testing.assert_array_equal(windows.X[:, 0], [30, 0, 20, 10])
        self.assertEqual(windows.domain.metas[0].name, "row")
        self.assertIsNone(windows.attributes["windowing"].time)

    def test_orange3_timeseries_table(self):
        from orangecontrib.timeseries import Timeseries
        series = Timeseries.from_file("airpassengers")
        # shuffled rows come back in time order through `time_variable`
        shuffled = series[np.random.default_rng(0).permutation(len(series))]
        windows = make_windows(shuffled, 12)
        self.assertEqual(windows.attributes["windowing"].time, "Month")
        self.assertEqual(len(windows), 144 - 12)
        # the first window is January-December 1949, the target January 1950
        np.testing.assert_array_equal(
            windows.X[0], [112, 118, 132, 129, 121, 135, 148, 148, 136, 119,
                           104, 118])
        self.assertEqual(windows.Y[0], 115)
        self.assertEqual(str(windows[0]["Month"]), "1950-01-01")

    def test_time_variable_with_missing_values(self):
        time = ContinuousVariable("t")
        domain = Domain([ContinuousVariable("x"), time])
        table = Table.from_numpy(
            domain, np.array([[1, 0], [2, np.nan], [3, 2], [4, 3.0]]))
        with self.assertRaisesRegex(ValueError, "'t' has missing values"):
            make_windows(table, 2, time="t")

    def test_interpolates_inside_and_drops_the_rest(self):
        values = np.arange(12.0)
        values[[0, 5, 6]] = np.nan
        windows = make_windows(series_table(values), 3)
        report = windows.attributes["windowing"]
        self.assertEqual(report.n_interpolated, 2)
        # the leading NaN cannot be interpolated: its window is dropped
        self.assertEqual(report.n_dropped, 1)
        self.assertEqual(len(windows), 8)
        np.testing.assert_array_equal(windows.X[3], [4, 5, 6])
        self.assertFalse(np.isnan(windows.X).any())

    def test_drop_mode_does_not_interpolate(self):
        values = np.arange(12.0)
        values[5] = np.nan
        windows = make_windows(series_table(values), 3, missing="drop")
        report = windows.attributes["windowing"]
        self.assertEqual(report.n_interpolated, 0)
        # x5 is in three windows as a lag and is the target of one more
        self.assertEqual(report.n_dropped, 4)
        self.assertEqual(len(windows), 5)

    def test_discrete_target_is_passed_through(self):
        label = DiscreteVariable("state", values=("low", "high"))
        domain = Domain([ContinuousVariable("x")], label)
        x = np.sin(np.arange(30) / 3)
        table = Table.from_numpy(domain, x[:, None], (x > 0).astype(float))
        windows = make_windows(table, 4)
        self.assertIs(windows.domain.class_var.is_discrete, True)
        self.assertEqual(windows.domain.class_var.values, ("low", "high"))
        self.assertEqual(windows.domain.class_var.attributes["offset"], 1)
        np.testing.assert_array_equal(windows.Y, (x[4:] > 0).astype(float))
        # the discrete target is no series: lags come from the numeric column
        self.assertEqual(window_layout(windows.domain).series, ("x",))

    def test_pickles_with_metadata(self):
        windows = make_windows(series_table(np.arange(10.0)), 3)
        loaded = pickle.loads(pickle.dumps(windows))
        self.assertEqual(window_layout(loaded.domain).offsets, (-2, -1, 0))
        self.assertEqual(loaded.attributes["windowing"].n_windows, 7)


class TestBadInput(unittest.TestCase):
    def test_messages(self):
        short = series_table(np.arange(5.0))
        cases = [
            (lambda: make_windows(short[:0], 2), "empty"),
            (lambda: make_windows(short, 4, horizon=2),
             "5 rows; window length 4 plus horizon 2 needs at least 6"),
            (lambda: make_windows(short, 0), "Window length must be at least 1"),
            (lambda: make_windows(short, 2, horizon=0), "Horizon must be at least 1"),
            (lambda: make_windows(short, 2, series=["nope"]), "'nope' is not in the data"),
            (lambda: make_windows(short, 2, missing="zero"), "Unknown missing-value"),
            (lambda: make_windows(series_table(np.full(6, np.nan)), 2),
             "Every window holds a missing value"),
        ]
        for call, message in cases:
            with self.subTest(message=message):
                with self.assertRaisesRegex(ValueError, message):
                    call()

    def test_no_numeric_column(self):
        domain = Domain([DiscreteVariable("d", values=("a", "b"))],
                        metas=[StringVariable("s")])
        table = Table.from_numpy(domain, np.zeros((10, 1)),
                                 metas=np.array([["x"]] * 10, dtype=object))
        with self.assertRaisesRegex(ValueError, "no numeric column"):
            make_windows(table, 2)

    def test_categorical_series(self):
        domain = Domain([ContinuousVariable("x"),
                         DiscreteVariable("d", values=("a", "b"))])
        table = Table.from_numpy(domain, np.zeros((10, 2)))
        with self.assertRaisesRegex(ValueError, "'d' is not numeric"):
            make_windows(table, 2, series=["x", "d"])


class TestChronologicalSplit(unittest.TestCase):
    def test_last_rows_are_test(self):
        windows = make_windows(series_table(np.arange(104.0)), 4)
        train, test = chronological_split(windows, 0.2)
        self.assertEqual((len(train), len(test)), (80, 20))
        self.assertLess(train.Y.max(), test.Y.min())
        self.assertEqual(test.attributes["windowing"].window_length, 4)

    def test_row_count_and_bounds(self):
        windows = make_windows(series_table(np.arange(14.0)), 4)
        train, test = chronological_split(windows, 3)
        self.assertEqual((len(train), len(test)), (7, 3))
        with self.assertRaisesRegex(ValueError, "share in"):
            chronological_split(windows, 1.5)
        with self.assertRaisesRegex(ValueError, "at least two rows"):
            chronological_split(windows[:1], 0.5)


class TestInterpolate(unittest.TestCase):
    def test_inner_only(self):
        values, filled = interpolate_inner([np.nan, 1, np.nan, 3, np.nan])
        np.testing.assert_array_equal(values[1:4], [1, 2, 3])
        self.assertTrue(np.isnan(values[0]) and np.isnan(values[4]))
        self.assertEqual(filled, 1)


if __name__ == "__main__":
    unittest.main()
