"""Normalization of the recurrent learner: "global" (training statistics),
"relative" (differences from the window's last value, the network predicts
the change) and "auto" (global unless the validation tail says otherwise).

Series are generated here, seeded: a linear trend with a season and noise
(its test part lies above the training range), and the classroom's noisy
sine. Networks are small and train a few epochs; the accuracy bars are
measured by benchmarks/bench_trend.py.
"""
import copy
import os
import pickle
import unittest

import pytest

import numpy as np

from Orange.data import ContinuousVariable, DiscreteVariable, Domain, Table

from orangecontrib.recurrent.forecasting import forecast
from orangecontrib.recurrent.learner import RecurrentLearner
from orangecontrib.recurrent.windowing import (
    chronological_split, make_windows,
)
from tests.series import series_table, sine_table
from tests.benchrun import run_quick

SLOPE = 0.05
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def trend_values(n=500, seed=0):
    """A linear trend, a season of 12 steps and noise."""
    t = np.arange(n, dtype=float)
    rng = np.random.default_rng(seed)
    return SLOPE * t + np.sin(2 * np.pi * t / 12) + rng.normal(0, 0.2, n)


def small(**kwargs):
    return RecurrentLearner(**dict(dict(hidden_size=16, epochs=15,
                                        random_state=0), **kwargs))


def rmse(a, b):
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


class TestTrend(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.series = series_table(trend_values(), name="y")
        cls.windows = make_windows(cls.series, 12)
        cls.train, cls.test = chronological_split(cls.windows, 0.2)
        cls.relative = small(normalization="relative")(cls.train)
        cls.auto = small(normalization="auto")(cls.train)

    def test_test_part_lies_above_the_training_range(self):
        # the premise of the tests below
        self.assertGreater(np.median(self.test.Y), self.train.Y.max())

    def test_relative_predicts_levels_beyond_the_training_range(self):
        model = self.relative
        self.assertEqual(model.normalization_used, "relative")
        predictions = model(self.test)
        self.assertGreater(np.median(predictions), self.train.Y.max())
        naive = self.test.X[:, -1]
        self.assertLess(rmse(predictions, self.test.Y),
                        rmse(naive, self.test.Y))

    def test_global_stays_in_the_training_range(self):
        model = small(normalization="global")(self.train)
        self.assertEqual(model.normalization_used, "global")
        predictions = model(self.test)
        self.assertLess(np.median(predictions), self.train.Y.max())
        self.assertGreater(rmse(predictions, self.test.Y),
                           rmse(self.relative(self.test), self.test.Y))

    def test_auto_picks_relative(self):
        model = self.auto
        self.assertEqual(model.normalization_used, "relative")
        self.assertIn("auto: relative", model.normalization_reason)
        self.assertIn("validation RMSE", model.normalization_reason)
        self.assertEqual(model.params["normalization"], "auto")

    def test_pickle_keeps_the_mode(self):
        model = pickle.loads(pickle.dumps(self.relative))
        self.assertEqual(model.normalization_used, "relative")
        np.testing.assert_allclose(model(self.test), self.relative(self.test),
                                   rtol=1e-6)

    def test_models_pickled_before_normalization_load_as_global(self):
        model = small(normalization="global", epochs=2)(self.train)
        state = copy.deepcopy(model.__getstate__())
        for name in ("normalization_used", "normalization_reason",
                     "target_index"):
            del state[name]
        state["architecture"].pop("relative", None)
        state["params"].pop("normalization")
        old = type(model).__new__(type(model))
        old.__setstate__(state)
        self.assertEqual(old.normalization_used, "global")
        np.testing.assert_allclose(old(self.test), model(self.test),
                                   rtol=1e-6)

    def test_multi_step_forecast_continues_the_trend(self):
        result = forecast(self.relative, self.series[:-100], 20)
        values = result.forecast
        self.assertEqual(len(values), 20)
        # over 20 steps the trend rises 20 * SLOPE = 1; the forecast follows
        slope = np.polyfit(np.arange(20), values, 1)[0]
        self.assertGreater(slope, SLOPE / 2)
        self.assertLess(slope, 2 * SLOPE)
        truth = trend_values()[400:420]
        self.assertLess(rmse(values, truth), 0.6)
        # intervals from backtest residuals in levels: around the forecast
        self.assertTrue((result.lower < values).all())
        self.assertTrue((result.upper > values).all())
        self.assertGreater(result.upper[-1], truth.max() - 0.5)


class TestSine(unittest.TestCase):
    def test_auto_keeps_global_on_the_sine(self):
        windows = make_windows(sine_table(4000), 10)
        train, test = chronological_split(windows, 0.2)
        auto = small(normalization="auto", epochs=5)(train)
        self.assertEqual(auto.normalization_used, "global")
        self.assertIn("auto: global", auto.normalization_reason)
        glob = small(normalization="global", epochs=5)(train)
        # the same network: auto costs nothing here
        np.testing.assert_array_equal(auto(test), glob(test))


class TestWhereRelativeIsNotPossible(unittest.TestCase):
    def test_classification(self):
        rng = np.random.default_rng(1)
        x = np.sin(np.arange(300) * 0.3) + rng.normal(0, 0.05, 300)
        cls = (np.diff(x, append=x[-1]) > 0).astype(float)
        domain = Domain([ContinuousVariable("x")],
                        DiscreteVariable("up", values=("no", "yes")))
        data = make_windows(Table.from_numpy(domain, x[:, None], cls), 8)
        with self.assertRaisesRegex(ValueError, "numeric targets"):
            small(normalization="relative", epochs=1)(data)
        model = small(normalization="auto", epochs=2)(data)
        self.assertEqual(model.normalization_used, "global")
        self.assertIn("classification", model.normalization_reason)

    def test_target_not_in_the_window(self):
        rng = np.random.default_rng(2)
        x = np.cumsum(rng.normal(size=300))
        data = series_table(x, name="x", extra={"y": x + rng.normal(size=300)})
        windows = make_windows(data, 5, series=["x"], target="y")
        with self.assertRaisesRegex(ValueError, "not among the window's"):
            small(normalization="relative", epochs=1)(windows)
        model = small(normalization="auto", epochs=2)(windows)
        self.assertEqual(model.normalization_used, "global")
        self.assertIn("not in the window", model.normalization_reason)

    def test_unknown_normalization(self):
        with self.assertRaisesRegex(ValueError, "Unknown normalization"):
            RecurrentLearner(normalization="minmax")


class TestRowsAsSequences(unittest.TestCase):
    def test_relative_to_each_rows_last_value(self):
        # rows are line segments; the test rows lie far above the training
        # rows, and the next value is the row's last one plus its slope
        rng = np.random.default_rng(3)

        def rows(n, low, high):
            start = rng.uniform(low, high, n)
            slope = rng.uniform(-1, 1, n)
            steps = start[:, None] + slope[:, None] * np.arange(9)
            return steps[:, :8], steps[:, 8]

        domain = Domain([ContinuousVariable(f"s{i}") for i in range(8)],
                        ContinuousVariable("next"))
        train = Table.from_numpy(domain, *rows(600, 0, 10))
        test = Table.from_numpy(domain, *rows(100, 50, 60))
        relative = small(normalization="relative")(train)
        glob = small(normalization="global")(train)
        self.assertLess(rmse(relative(test), test.Y), 1.0)
        self.assertGreater(rmse(glob(test), test.Y), 20)


@pytest.mark.slow
class TestBenchmark(unittest.TestCase):
    def test_quick_run(self):
        out, results = run_quick("bench_trend.py")
        self.assertEqual(set(results), {"trend + season", "exponential",
                                        "random walk", "seed sine"})
        self.assertIn("| LSTM auto |", out)
        trend = results["trend + season"]
        self.assertGreater(trend["test above training max"], 0.5)
        for cell in ("LSTM", "GRU"):
            self.assertLess(trend[f"{cell} relative"]["rmse"],
                            trend[f"{cell} global"]["rmse"])
            self.assertEqual(trend[f"{cell} auto"]["used"], "relative")


if __name__ == "__main__":
    unittest.main()


class TestAutoDecisions(unittest.TestCase):
    """Each branch of auto's choice, by its outcome."""

    def test_without_a_validation_tail_a_trend_goes_relative(self):
        # 150 windows: a 10% tail (15 rows) is shorter than one batch (32),
        # so auto decides by the range before training one network.
        windows = make_windows(series_table(trend_values(160)), 10)
        reports = []
        model = small(epochs=3, callback=reports.append)(windows)
        self.assertEqual(model.n_validation, 0)
        self.assertEqual(model.normalization_used, "relative")
        self.assertIn("no validation tail", model.normalization_reason)
        self.assertEqual({r.run for r in reports}, {1})

    def test_without_a_validation_tail_a_stationary_series_stays_global(self):
        t = np.arange(160) * 0.5
        windows = make_windows(series_table(np.sin(t)), 10)
        model = small(epochs=3)(windows)
        self.assertEqual(model.n_validation, 0)
        self.assertEqual(model.normalization_used, "global")
        self.assertIn("0% of the last 10%", model.normalization_reason)

    def test_stopped_training_keeps_the_global_network(self):
        # On the trend auto would train a relative network too (see
        # TestTrend.test_auto_picks_relative); a callback that stops the
        # first network stops the whole fit.
        windows = make_windows(series_table(trend_values()), 12)
        reports = []

        def stop_after_one(report):
            reports.append(report)
            return True

        model = small(callback=stop_after_one)(windows)
        self.assertEqual(model.normalization_used, "global")
        self.assertIn("training was stopped", model.normalization_reason)
        self.assertEqual([(r.run, r.epoch) for r in reports], [(1, 1)])

    def test_second_network_reports_as_run_two(self):
        windows = make_windows(series_table(trend_values()), 12)
        reports = []
        model = small(callback=reports.append)(windows)
        self.assertEqual(model.normalization_used, "relative")
        runs = [r.run for r in reports]
        self.assertEqual(runs[0], 1)
        self.assertEqual(runs[-1], 2)
        self.assertEqual(runs, sorted(runs))
        self.assertEqual({r.loss_name for r in reports if r.run == 2},
                         {"MSE (standardized change)"})
        self.assertEqual({r.loss_name for r in reports if r.run == 1},
                         {"MSE (standardized target)"})
