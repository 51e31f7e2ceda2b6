"""Direct multi-step: windows with h targets, one network with h outputs,
and forecasts / backtests that use it up to h."""
import pickle
import unittest

import numpy as np

from Orange.data import ContinuousVariable, DiscreteVariable, Domain, Table

from orangecontrib.recurrent import (
    RecurrentLearner, backtest, chronological_split, forecast, make_windows,
    window_layout,
)
from orangecontrib.recurrent.rollout import first_origin, strategy
from tests.series import series_table, sine_values


def lstm(**kwargs):
    params = dict(hidden_size=16, epochs=15, random_state=0, device="cpu",
                  learning_rate=5e-3, patience=None)
    params.update(kwargs)
    return RecurrentLearner(**params)


class TestDirectWindows(unittest.TestCase):
    def test_h_targets_tagged_with_offsets(self):
        data = series_table(np.arange(20.0))
        table = make_windows(data, 3, horizon=4, direct=True)
        self.assertEqual([v.name for v in table.domain.class_vars],
                         ["x(t+1)", "x(t+2)", "x(t+3)", "x(t+4)"])
        self.assertEqual([v.attributes["offset"]
                          for v in table.domain.class_vars], [1, 2, 3, 4])
        self.assertEqual({v.attributes["series"]
                          for v in table.domain.class_vars}, {"x"})
        # As many rows as single-target windows with horizon 4.
        self.assertEqual(len(table), len(make_windows(data, 3, horizon=4)))
        np.testing.assert_array_equal(table.X[0], [0, 1, 2])
        np.testing.assert_array_equal(table.Y[0], [3, 4, 5, 6])
        np.testing.assert_array_equal(table.Y[-1], [16, 17, 18, 19])
        # The time meta is the last target's row, as for horizon 4.
        self.assertEqual(table.metas[0, 0], 6)
        self.assertTrue(table.attributes["windowing"].direct)
        layout = window_layout(table.domain)
        self.assertTrue(layout.direct)
        self.assertEqual(layout.target_offsets, (1, 2, 3, 4))
        self.assertEqual((layout.target_series, layout.horizon), ("x", 4))
        self.assertEqual(strategy(layout), "direct 1..4")
        self.assertEqual(first_origin(layout), 2)

    def test_horizon_one_and_single_target_unchanged(self):
        data = series_table(np.arange(20.0))
        table = make_windows(data, 3, horizon=1, direct=True)
        self.assertIsNotNone(table.domain.class_var)
        self.assertFalse(table.attributes["windowing"].direct)
        self.assertFalse(window_layout(make_windows(data, 3, 2).domain).direct)

    def test_missing_target_values_drop_the_window(self):
        values = np.arange(30.0)
        values[0] = values[-1] = np.nan   # not interpolated: at the ends
        table = make_windows(series_table(values), 3, horizon=3, direct=True)
        self.assertEqual(len(table), 30 - 3 - 3 + 1 - 2)
        self.assertFalse(np.isnan(table.Y).any())

    def test_categorical_target_refused(self):
        domain = Domain([ContinuousVariable("x")],
                        DiscreteVariable("c", values=("a", "b")))
        data = Table.from_numpy(domain, np.arange(20.0)[:, None],
                                np.arange(20) % 2)
        with self.assertRaisesRegex(ValueError, "numeric target"):
            make_windows(data, 3, horizon=2, series=["x"], direct=True)

    def test_targets_out_of_order_are_not_direct(self):
        data = series_table(np.arange(20.0))
        table = make_windows(data, 3, horizon=3, direct=True)
        reordered = Domain(table.domain.attributes,
                           table.domain.class_vars[::-1])
        self.assertFalse(window_layout(reordered).direct)


class TestDirectLearner(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data = series_table(sine_values(800, noise=0.05), name="y")
        table = make_windows(cls.data, 12, horizon=6, direct=True)
        cls.train, cls.test = chronological_split(table, 0.2)
        cls.direct = lstm(normalization="global")(cls.train)
        recursive_train, _ = chronological_split(
            make_windows(cls.data, 12), 0.2)
        cls.recursive = lstm(normalization="global")(recursive_train)

    def test_compatibility(self):
        learner = RecurrentLearner()
        self.assertIsNone(learner.incompatibility_reason(self.train.domain))
        mixed = Domain(self.train.domain.attributes,
                       [self.train.domain.class_vars[0],
                        DiscreteVariable("c", values=("a", "b"))])
        self.assertIn("not all numeric",
                      learner.incompatibility_reason(mixed))

    def test_one_network_h_outputs(self):
        model = self.direct
        self.assertEqual(model.architecture["n_outputs"], 6)
        predicted = model(self.test)
        self.assertEqual(predicted.shape, (len(self.test), 6))
        rmse = np.sqrt(np.mean((predicted - self.test.Y) ** 2, axis=0))
        # A sine of amplitude 1 with noise 0.05: far better than its std.
        self.assertTrue(np.all(rmse < 0.3), rmse)
        self.assertEqual(model.target_mean.shape, (6,))

    def test_relative_direct(self):
        model = lstm(normalization="relative")(self.train)
        predicted = model(self.test)
        self.assertEqual(predicted.shape, (len(self.test), 6))
        rmse = np.sqrt(np.mean((predicted - self.test.Y) ** 2))
        self.assertLess(rmse, 0.4)

    def test_pickle_round_trip(self):
        again = pickle.loads(pickle.dumps(self.direct))
        np.testing.assert_allclose(again(self.test), self.direct(self.test),
                                   rtol=1e-6)

    def test_forecast_uses_the_model_directly(self):
        result = forecast(self.direct, self.data, 6)
        last_window = make_windows(self.data, 12, horizon=6, direct=True)
        # The last window of the series is not in the table (its targets
        # are unknown); build it by hand.
        X = self.data.X[-12:, 0][None, :]
        table = Table.from_numpy(self.train.domain, X,
                                 np.full((1, 6), np.nan),
                                 np.full((1, 1), np.nan, dtype=object))
        np.testing.assert_allclose(result.forecast, self.direct(table)[0],
                                   rtol=1e-6)
        self.assertIn("direct: steps 1..6", result.method)
        self.assertGreater(len(last_window), 0)
        longer = forecast(self.direct, self.data, 15)
        self.assertEqual(longer.steps, 15)
        np.testing.assert_allclose(longer.forecast[:6], result.forecast)
        self.assertIn("blocks of 6", longer.method)
        self.assertIsNone(forecast(self.recursive, self.data, 6).method)

    def test_backtest_recursive_and_direct_side_by_side(self):
        result = backtest([self.recursive, self.direct], self.data, steps=6,
                          names=["recursive", "direct"])
        self.assertEqual(result.strategies, ("recursive", "direct 1..6"))
        self.assertEqual(result.rmse.shape, (2, 6))
        self.assertTrue(np.isfinite(result.rmse).all())
        table = result.scores_table()
        self.assertEqual(len(table), 12)
        # Step 1 of the direct model is its first output on the windows
        # ending at each origin: the same as predicting the test rows.
        # The held-out part counts windows of 12 + 6 rows; the test
        # windows end 5 rows earlier than the first origin of the
        # backtest (their last target is the series' last row).
        n = len(result.times)
        test_rows = self.direct(self.test)
        self.assertEqual(len(test_rows), n)
        np.testing.assert_allclose(result.predictions[1, :n - 5, 0],
                                   test_rows[5:, 0], rtol=1e-5)


if __name__ == "__main__":
    unittest.main()
