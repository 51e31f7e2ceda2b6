"""Forecasts and backtests from models fit on windows (forecast.py)."""
import unittest

import numpy as np

from Orange.classification import LogisticRegressionLearner
from Orange.data import (
    ContinuousVariable, DiscreteVariable, Domain, Table, TimeVariable,
)
from Orange.regression import LinearRegressionLearner

import orangecontrib.recurrent as recurrent
from orangecontrib.recurrent.learner import RecurrentLearner
from orangecontrib.recurrent.forecasting import (
    CategoricalTargetError, ForecastError, MissingSeriesError,
    NotWindowedError, backtest, forecast, forecast_table,
)
from orangecontrib.recurrent.windowing import chronological_split, make_windows
from tests.series import series_table, sine_table, sine_values


def trend(n=200, intercept=3.0, slope=0.5):
    return intercept + slope * np.arange(n)


class Counting:
    """A model wrapper that counts calls and rows, to prove batching."""

    def __init__(self, model):
        self.model = model
        self.original_domain = model.original_domain
        self.domain = model.domain
        self.name = "counted"
        self.calls = self.rows = 0

    def __call__(self, table):
        self.calls += 1
        self.rows += len(table)
        return self.model(table)


class TestForecast(unittest.TestCase):
    def test_linear_trend_is_exact(self):
        data = series_table(trend())
        model = LinearRegressionLearner()(make_windows(data, 5))
        result = forecast(model, data, 20)
        np.testing.assert_allclose(result.forecast, trend(220)[200:],
                                   atol=1e-6)
        # Row indices continue where the series stops.
        np.testing.assert_array_equal(result.times, np.arange(200, 220))
        self.assertEqual(result.steps, 20)
        self.assertIsNone(result.limited_reason)
        self.assertEqual(result.target, "x")
        # A perfect model's backtest errors are ~0, so is the band's width.
        np.testing.assert_allclose(result.upper - result.lower, 0, atol=1e-6)

    def test_clean_sine_fifty_steps(self):
        data = series_table(sine_values(2000, noise=0), name="y")
        model = LinearRegressionLearner()(make_windows(data, 10))
        result = forecast(model, data, 50, intervals=False)
        truth = np.sin(np.arange(2000, 2050) * 0.1)
        self.assertLess(np.max(np.abs(result.forecast - truth)), 1e-4)
        self.assertTrue(np.isnan(result.lower).all())

    def test_time_variable_orders_rows_and_extrapolates(self):
        # Rows shuffled, time in steps of 0.5: sorted back, times continue.
        n = 100
        rng = np.random.default_rng(1)
        order = rng.permutation(n)
        time = np.arange(n) * 0.5
        data = series_table(trend(n)[order], extra={"t": time[order]})
        windows = make_windows(data, 4, series=["x"], target="x", time="t")
        model = LinearRegressionLearner()(windows)
        result = forecast(model, data, 5)
        np.testing.assert_allclose(result.forecast, trend(105)[100:],
                                   atol=1e-6)
        np.testing.assert_allclose(result.times, 49.5 + 0.5 * np.arange(1, 6))
        self.assertEqual(result.time_variable.name, "t")

    def test_row_order_windows_forecast_in_row_order(self):
        # A time column that runs backwards; windows in row order
        # (time=False) must be forecast in row order too.
        n = 100
        data = series_table(trend(n), extra={"t": -np.arange(n, dtype=float)})
        windows = make_windows(data, 4, series=["x"], target="x", time=False)
        model = LinearRegressionLearner()(windows)
        result = forecast(model, data, 3)
        np.testing.assert_allclose(result.forecast, trend(103)[100:],
                                   atol=1e-6)
        self.assertIsNone(result.time_variable)
        np.testing.assert_array_equal(result.times, [100, 101, 102])
        # Windows sorted by t: the series runs the other way.
        model = LinearRegressionLearner()(make_windows(
            data, 4, series=["x"], target="x", time="t"))
        result = forecast(model, data, 3, intervals=False)
        np.testing.assert_allclose(result.forecast, trend(1)[0] - [0.5, 1, 1.5],
                                   atol=1e-6)
        self.assertEqual(result.time_variable.name, "t")

    def test_time_variable_dates(self):
        day = 86400.0
        time_var = TimeVariable("date", have_date=True)
        domain = Domain([ContinuousVariable("x")], metas=[time_var])
        values = trend(60)
        data = Table.from_numpy(domain, values[:, None],
                                metas=(np.arange(60) * day)[:, None])
        model = LinearRegressionLearner()(make_windows(data, 3))
        result = forecast(model, data, 3)
        np.testing.assert_allclose(result.times, (59 + np.arange(1, 4)) * day)
        table = forecast_table([result])
        self.assertIsInstance(table.domain[0], TimeVariable)
        self.assertEqual(table.domain[0].name, "date")

    def test_horizon_above_one_goes_in_blocks(self):
        data = series_table(trend())
        model = LinearRegressionLearner()(make_windows(data, 5, horizon=3))
        counted = Counting(model)
        result = forecast(counted, data, 10, intervals=False)
        np.testing.assert_allclose(result.forecast, trend(210)[200:],
                                   atol=1e-6)
        # Steps 1-3, 4-6, 7-9, 10: one model call per block of h steps.
        self.assertEqual(counted.calls, 4)
        self.assertIsNone(result.limited_reason)

    def test_other_series_limit_forecast_to_horizon(self):
        x = trend()
        data = series_table(x, extra={"z": np.cos(np.arange(200))})
        windows = make_windows(data, 5, horizon=2, series=["x", "z"],
                               target="x")
        model = LinearRegressionLearner()(windows)
        result = forecast(model, data, 10)
        self.assertEqual(result.steps, 2)
        self.assertEqual(result.steps_requested, 10)
        self.assertIn("z", result.limited_reason)
        self.assertIn("2 steps", result.warning)
        np.testing.assert_allclose(result.forecast, trend(202)[200:],
                                   atol=1e-6)
        # Up to the horizon, nothing is limited.
        self.assertIsNone(forecast(model, data, 2).limited_reason)

    def test_forecast_after_missing_values(self):
        values = trend()
        values[195] = np.nan  # inside: interpolated, as windowing does
        data = series_table(values)
        model = LinearRegressionLearner()(make_windows(data, 5))
        np.testing.assert_allclose(forecast(model, data, 3).forecast,
                                   trend(203)[200:], atol=1e-6)
        values[-1] = np.nan  # at the end: nothing to forecast from
        with self.assertRaisesRegex(ForecastError, "missing"):
            forecast(model, series_table(values), 3)

    def test_bad_inputs(self):
        data = series_table(trend())
        model = LinearRegressionLearner()(make_windows(data, 5))
        with self.assertRaises(ValueError):
            forecast(model, data, 0)
        with self.assertRaises(ValueError):
            forecast(model, data, 5, coverage=1.5)
        with self.assertRaisesRegex(ForecastError, "rows"):
            forecast(model, data[:3], 5)
        with self.assertRaisesRegex(ForecastError, "empty"):
            forecast(model, data[:0], 5)
        with self.assertRaisesRegex(MissingSeriesError, "'x'"):
            forecast(model, series_table(trend(), name="other"), 5)

        plain = LinearRegressionLearner()(Table.from_numpy(
            Domain([ContinuousVariable("a")], ContinuousVariable("b")),
            np.arange(10.)[:, None], np.arange(10.)))
        with self.assertRaisesRegex(NotWindowedError, "not trained on windows"):
            forecast(plain, data, 5)

        cls = DiscreteVariable("c", values=("lo", "hi"))
        labelled = Table.from_numpy(
            Domain([ContinuousVariable("x")], cls), trend()[:, None],
            (np.arange(200) % 2).astype(float))
        classifier = LogisticRegressionLearner()(make_windows(labelled, 5))
        with self.assertRaisesRegex(CategoricalTargetError, "categorical"):
            forecast(classifier, labelled, 5)

    def test_package_exports(self):
        self.assertIs(recurrent.forecast, forecast)
        self.assertIs(recurrent.backtest, backtest)


class TestBacktest(unittest.TestCase):
    def test_perfect_model_scores_zero(self):
        data = series_table(trend())
        model = LinearRegressionLearner()(make_windows(data, 5))
        result = backtest(model, data, steps=3)
        np.testing.assert_allclose(result.rmse, 0, atol=1e-6)
        np.testing.assert_allclose(result.mae, 0, atol=1e-6)
        np.testing.assert_allclose(result.mape, 0, atol=1e-6)
        table = result.scores_table()
        self.assertEqual([v.name for v in table.domain.attributes],
                         ["Model", "Steps ahead", "RMSE", "MAE", "MASE",
                          "MAPE"])
        self.assertEqual(table.X.shape, (3, 6))
        np.testing.assert_array_equal(table.X[:, 1], [1, 2, 3])

    def test_one_step_equals_model_on_test_windows(self):
        data = sine_table(2000)
        train, test = chronological_split(make_windows(data, 10), 0.2)
        model = LinearRegressionLearner()(train)
        result = backtest(model, data, steps=1, test_size=0.2)
        np.testing.assert_allclose(result.one_step[0], model(test), atol=1e-9)
        np.testing.assert_allclose(result.actual[0, :, 0], test.Y)
        np.testing.assert_array_equal(result.times, test.metas[:, 0])
        rmse = np.sqrt(np.mean((model(test) - test.Y) ** 2))
        self.assertAlmostEqual(result.rmse[0, 0], rmse)
        mae = np.mean(np.abs(model(test) - test.Y))
        self.assertAlmostEqual(result.mae[0, 0], mae)

    def test_steps_are_batched_over_origins(self):
        data = sine_table(2000)
        model = Counting(LinearRegressionLearner()(make_windows(data, 10)))
        result = backtest(model, data, steps=5, test_size=400)
        self.assertEqual(model.calls, 5)
        self.assertEqual(result.predictions.shape, (1, 400, 5))
        # The last origins have no actual value four steps on.
        self.assertEqual(np.isnan(result.actual[0, :, 4]).sum(), 4)
        # Errors grow with the steps ahead on a noisy sine.
        self.assertLess(result.rmse[0, 0], result.rmse[0, 4])

    def test_several_models_in_one_table(self):
        data = sine_table(2000)
        train = make_windows(data, 10)
        short = LinearRegressionLearner()(make_windows(data, 3))
        long = LinearRegressionLearner()(train)
        result = backtest([short, long], data, steps=2,
                          names=["short", "long"])
        table = result.scores_table()
        self.assertEqual(len(table), 4)
        self.assertEqual(table.domain["Model"].values, ("short", "long"))
        # Held-out part counted for the longest window: the same for both.
        self.assertEqual(result.one_step.shape, (2, round(0.2 * 1990)))

    def test_progress_and_subset(self):
        data = sine_table(1000)
        a = LinearRegressionLearner()(make_windows(data, 10))
        b = LinearRegressionLearner()(make_windows(data, 5))
        done = []
        result = backtest([a, b], data, steps=4, names=["a", "b"],
                          progress_callback=done.append)
        self.assertEqual(len(done), 8)
        self.assertEqual(done, sorted(done))
        self.assertAlmostEqual(done[-1], 1)
        alone = result.subset([1])
        self.assertEqual(alone.names, ("b",))
        np.testing.assert_array_equal(alone.rmse, result.rmse[1:])
        np.testing.assert_array_equal(alone.predictions[0],
                                      result.predictions[1])

    def test_progress_callback_cancels(self):
        data = sine_table(1000)
        model = LinearRegressionLearner()(make_windows(data, 10))

        def cancel(_):
            raise KeyboardInterrupt

        with self.assertRaises(KeyboardInterrupt):
            backtest(model, data, steps=3, progress_callback=cancel)

    def test_limited_model_scores_only_up_to_horizon(self):
        data = series_table(trend(), extra={"z": np.cos(np.arange(200))})
        model = LinearRegressionLearner()(make_windows(
            data, 5, series=["x", "z"], target="x"))
        result = backtest(model, data, steps=3)
        self.assertTrue(np.isnan(result.rmse[0, 1:]).all())
        self.assertEqual(len(result.scores_table()), 1)
        self.assertIn("z", result.limited[0])

    def test_bad_inputs(self):
        data = series_table(trend(20))
        model = LinearRegressionLearner()(make_windows(data, 5))
        with self.assertRaises(ValueError):
            backtest(model, data, steps=0)
        with self.assertRaises(ValueError):
            backtest([], data)
        with self.assertRaisesRegex(ValueError, "one name per model"):
            backtest(model, data, names=["a", "b"])
        with self.assertRaisesRegex(ForecastError, "rows"):
            backtest(model, data[:6])
        with self.assertRaises(ValueError):
            backtest(model, data, test_size=-1)


class TestIntervals(unittest.TestCase):
    def test_coverage_on_later_held_out_part(self):
        """Issue bar: on the seed sine task (sin + N(0, 0.1), t = 0..999.9,
        window 10, last 20% held out), 90% intervals for one step ahead,
        with quantiles from the first half of the held-out part, cover
        85-95% of the second half."""
        data = sine_table()
        train, test = chronological_split(make_windows(data, 10), 0.2)
        model = LinearRegressionLearner()(train)
        half = len(test) // 2
        # Calibrate on history that ends where the evaluation starts.
        calibration = backtest(model, data[:len(data) - half], steps=1,
                               test_size=len(test) - half)
        low, high = calibration.quantiles(0.9)
        later = backtest(model, data, steps=1, test_size=half)
        errors = later.errors[0, :, 0]
        covered = np.mean((errors >= low[0]) & (errors <= high[0]))
        self.assertGreaterEqual(covered, 0.85)
        self.assertLessEqual(covered, 0.95)

    def test_forecast_band_from_backtest_quantiles(self):
        data = sine_table(3000)
        train, _ = chronological_split(make_windows(data, 10), 0.2)
        model = LinearRegressionLearner()(train)
        result = forecast(model, data, 30, coverage=0.8)
        low, high = result.backtest.quantiles(0.8)
        np.testing.assert_allclose(result.lower, result.forecast + low)
        np.testing.assert_allclose(result.upper, result.forecast + high)
        self.assertTrue(np.all(result.lower < result.forecast))
        self.assertTrue(np.all(result.upper > result.forecast))
        # Later steps are less certain.
        width = result.upper - result.lower
        self.assertLess(width[0], width[-1])

    def test_quantiles_reject_bad_coverage(self):
        data = series_table(trend())
        model = LinearRegressionLearner()(make_windows(data, 5))
        with self.assertRaises(ValueError):
            backtest(model, data).quantiles(1.0)




class TestLSTMForecast(unittest.TestCase):
    def test_fifty_steps_stay_periodic(self):
        """Issue bar: an LSTM trained on the seed sine task (the first 80% of
        the windows) forecasts 50 steps past the series' end with RMSE
        < 0.15 against the clean sine, on the unscaled series."""
        data = sine_table()
        train, _ = chronological_split(make_windows(data, 10), 0.2)
        learner = RecurrentLearner(
            cell="lstm", hidden_size=32, epochs=20, batch_size=64,
            learning_rate=3e-3, patience=None, random_state=0, device="cpu")
        model = learner(train)
        result = forecast(model, data, 50)
        self.assertEqual(result.steps, 50)
        truth = np.sin(result.times * 0.1)  # the rows are t / 0.1
        rmse = np.sqrt(np.mean((result.forecast - truth) ** 2))
        self.assertLess(rmse, 0.15)
        # The intervals come from the LSTM's own held-out errors.
        inside = (truth >= result.lower) & (truth <= result.upper)
        self.assertGreater(inside.mean(), 0.8)


class TestForecastTable(unittest.TestCase):
    def setUp(self):
        data = series_table(trend(), extra={"z": np.cos(np.arange(200))})
        self.uni = LinearRegressionLearner()(make_windows(
            data, 5, series=["x"]))
        self.multi = LinearRegressionLearner()(make_windows(
            data, 5, series=["x", "z"], target="x"))
        self.data = data

    def test_single_model_plain_names(self):
        table = forecast_table([forecast(self.uni, self.data, 4)])
        self.assertEqual([v.name for v in table.domain.attributes],
                         ["row", "x (forecast)", "x (90%CI low)",
                          "x (90%CI high)"])
        self.assertEqual(table.X.shape, (4, 4))

    def test_several_models_named_and_padded(self):
        self.uni.name, self.multi.name = "A", "B"
        table = forecast_table([forecast(self.uni, self.data, 4),
                                forecast(self.multi, self.data, 4,
                                         coverage=0.5)])
        self.assertEqual([v.name for v in table.domain.attributes],
                         ["row", "x (forecast, A)", "x (90%CI low, A)",
                          "x (90%CI high, A)", "x (forecast, B)",
                          "x (50%CI low, B)", "x (50%CI high, B)"])
        column = table.get_column("x (forecast, B)")
        self.assertFalse(np.isnan(column[0]))
        self.assertTrue(np.isnan(column[1:]).all())

    def test_same_names_disambiguated(self):
        self.uni.name = self.multi.name = "LR"
        table = forecast_table([forecast(self.uni, self.data, 2),
                                forecast(self.multi, self.data, 2)])
        names = [v.name for v in table.domain.attributes]
        self.assertEqual(len(set(names)), len(names))


if __name__ == "__main__":
    unittest.main()
