"""orange3-timeseries models (ARIMA, VAR) in forecast() and backtest(),
beside window models, and the coverage of every model's intervals."""
import subprocess
import sys
import unittest

import numpy as np

from Orange.regression import LinearRegressionLearner
from orangecontrib.timeseries import ARIMA, VAR, Timeseries

from orangecontrib.recurrent import (
    RecurrentLearner, backtest, chronological_split, forecast, make_windows,
)
from orangecontrib.recurrent.calibration import (
    achieved_coverage, past_error_bounds,
)
from orangecontrib.recurrent.rollout import ForecastError
from orangecontrib.recurrent.tsmodels import (
    MissingTargetError, is_ts_model, ts_paths,
)
from tests.series import series_table


def airline() -> Timeseries:
    return Timeseries.from_file("airpassengers")


def arima(order=(2, 1, 1), name="ARIMA"):
    model = ARIMA(order)
    model.name = name
    return model


class TestARIMAForecast(unittest.TestCase):
    def test_forecast_twelve_steps_on_a_timeseries(self):
        """Issue bar: forecast(arima_model, series, steps=12)."""
        data = airline()
        model = arima()
        result = forecast(model, data, steps=12)
        self.assertEqual(result.steps, 12)
        self.assertEqual(result.target, "Air passengers")
        self.assertEqual(result.time_variable.name, "Month")
        # The same numbers as orange3-timeseries' own fit on the series.
        own = arima().fit(data.interp()).predict(12, alpha=0.1)
        np.testing.assert_allclose(result.forecast, own[0], rtol=1e-6)
        np.testing.assert_allclose(result.lower, own[1], rtol=1e-6)
        np.testing.assert_allclose(result.upper, own[2], rtol=1e-6)
        # Monthly steps after December 1960; bands widen with the horizon.
        self.assertGreater(result.times[0], result.history_times[-1])
        width = result.upper - result.lower
        self.assertTrue(np.all(np.diff(width) > 0))
        self.assertIn("144 rows", result.method)
        self.assertIsNone(model.results)  # the model given is not fitted

    def test_plain_table_with_one_numeric_column(self):
        values = 10 + np.sin(np.arange(120) / 3)
        result = forecast(arima((2, 0, 0)), series_table(values), 5)
        self.assertEqual(result.target, "x")
        self.assertLess(np.abs(result.forecast - (10 + np.sin(
            np.arange(120, 125) / 3))).max(), 0.5)

    def test_ambiguous_target_and_arimax_are_refused(self):
        data = series_table(np.arange(50.0), extra={"z": np.ones(50)})
        with self.assertRaises(MissingTargetError):
            forecast(arima(), data, 3)
        model = ARIMA((1, 0, 0), use_exog=True)
        with self.assertRaisesRegex(ForecastError, "exogenous"):
            forecast(model, airline(), 3)

    def test_var_forecasts_the_target(self):
        rng = np.random.default_rng(0)
        z = rng.normal(size=200).cumsum()
        x = np.r_[0, z[:-1]] + rng.normal(0, 0.1, 200)
        data = series_table(x, extra={"z": z})
        data = Table_with_target(data, "x")
        model = VAR(2)
        model.name = "VAR"
        result = forecast(model, data, 4)
        # x follows z with a lag of one: its first step is z's last value.
        self.assertAlmostEqual(result.forecast[0], z[-1], delta=0.3)
        self.assertTrue(np.all(result.lower < result.forecast))


def Table_with_target(data, name):  # pylint: disable=invalid-name
    from Orange.data import Domain  # pylint: disable=import-outside-toplevel
    attrs = [a for a in data.domain.attributes if a.name != name]
    return data.transform(Domain(attrs, data.domain[name]))


class TestARIMABacktest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data = airline()
        train, _ = chronological_split(make_windows(cls.data, 12), 0.2)
        cls.linear = LinearRegressionLearner()(train)
        cls.lstm = RecurrentLearner(
            hidden_size=8, epochs=5, random_state=0, device="cpu",
            normalization="relative")(train)

    def test_lstm_and_arima_in_one_result(self):
        """Issue bar: backtest([lstm_model, arima_model], series, steps=3)."""
        result = backtest([self.lstm, arima()], self.data, steps=3)
        self.assertEqual(result.names, ("LSTM", "ARIMA"))
        self.assertEqual(result.targets, ("Air passengers",) * 2)
        self.assertEqual(result.rmse.shape, (2, 3))
        self.assertTrue(np.isfinite(result.rmse).all())
        # ARIMA(2,1,1) on the airline's last 26 months: tens of passengers.
        self.assertTrue(np.all((result.rmse[1] > 20) & (result.rmse[1] < 150)))
        self.assertIsNone(result.notes[0])
        self.assertIn("re-filtered", result.notes[1])
        self.assertEqual(result.interval_sources,
                         ("earlier held-out errors", "model's own"))
        scores = result.scores_table()
        self.assertEqual(len(scores), 6)

    def test_no_origin_sees_its_future(self):
        """Changing the values after an origin does not change the forecasts
        made from it (parameters come from the rows before the first)."""
        result = backtest(arima(), self.data, steps=2)
        changed = self.data.copy()
        with changed.unlocked():
            changed.Y[-5:] *= 3
        again = backtest(arima(), changed, steps=2)
        n = len(result.times)
        # Origins up to row 138 (index n - 6) see none of the changed rows.
        np.testing.assert_allclose(result.predictions[0, :n - 5],
                                   again.predictions[0, :n - 5])
        self.assertFalse(np.allclose(result.predictions[0, -3:],
                                     again.predictions[0, -3:]))

    def test_refit_gives_close_but_other_numbers(self):
        fixed = backtest(arima(), self.data, steps=1)
        refit = backtest(arima(), self.data, steps=1, refit=True)
        self.assertIn("every origin", refit.notes[0])
        self.assertFalse(np.allclose(fixed.predictions, refit.predictions))
        self.assertLess(abs(fixed.rmse[0, 0] - refit.rmse[0, 0])
                        / fixed.rmse[0, 0], 0.5)

    def test_coverage_table(self):
        """Achieved coverage per model and step next to the nominal one,
        over the same origins for both kinds of interval."""
        result = backtest([self.linear, arima()], self.data, steps=3,
                          coverage=0.8)
        share, count = result.achieved_coverage()
        self.assertEqual(share.shape, (2, 3))
        np.testing.assert_array_equal(count[0], count[1])
        np.testing.assert_array_equal(count[0], [21, 19, 17])
        self.assertTrue(np.all((share >= 0) & (share <= 1)))
        table = result.coverage_table()
        self.assertEqual([v.name for v in table.domain.attributes],
                         ["Model", "Steps ahead", "Nominal", "Achieved",
                          "Origins"])
        self.assertEqual(len(table), 6)
        np.testing.assert_allclose(table.X[:, 2], 0.8)
        np.testing.assert_allclose(table.X[:3, 3], share[0])
        sources = table.domain.metas[0]
        self.assertEqual(sources.str_val(table.metas[3, 0]), "model's own")
        # The last column of the subset follows the model.
        self.assertEqual(result.subset([1]).coverage_table().X[0, 3],
                         share[1, 0])


class TestCalibration(unittest.TestCase):
    def test_past_errors_only(self):
        """A band at origin i uses only errors whose value is known at i."""
        actual = np.zeros((10, 2))
        predictions = np.zeros((10, 2))
        predictions[7:, :] = 100        # errors that come late
        lower, upper = past_error_bounds(actual, predictions, 0.9,
                                         min_errors=3)
        self.assertTrue(np.isnan(lower[:3, 0]).all())
        self.assertTrue(np.isnan(lower[:4, 1]).all())
        # Origin 7's step-1 band is from errors 0..6 (all zero).
        self.assertEqual(lower[7, 0], 100)
        self.assertEqual(upper[7, 0], 100)
        share, count = achieved_coverage(actual, lower, upper)
        np.testing.assert_array_equal(count, [7, 6])
        # Origins 3-6 hold, 7 and 8 miss (their bands are learned from
        # zeros only, then from one miss); at 9 two misses widen the band.
        self.assertAlmostEqual(share[0], 5 / 7)

    def test_gaussian_bands_hold_nominal_coverage(self):
        rng = np.random.default_rng(1)
        actual = rng.normal(size=(400, 1))
        predictions = np.zeros((400, 1))
        lower, upper = past_error_bounds(actual, predictions, 0.9)
        share, _ = achieved_coverage(actual, lower, upper)
        self.assertAlmostEqual(share[0], 0.9, delta=0.04)


class TestOptionalAddOn(unittest.TestCase):
    def test_library_does_not_import_timeseries(self):
        code = ("import sys, orangecontrib.recurrent.forecasting, "
                "orangecontrib.recurrent.backtesting, "
                "orangecontrib.recurrent.widgets.owforecastplot; "
                "print('orangecontrib.timeseries' in sys.modules)")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                             text=True, check=True)
        self.assertEqual(out.stdout.strip(), "False")

    def test_window_models_are_not_ts_models(self):
        data = series_table(np.arange(40.0))
        model = LinearRegressionLearner()(make_windows(data, 3))
        self.assertFalse(is_ts_model(model))
        self.assertTrue(is_ts_model(arima()))

    def test_paths_shape(self):
        values = np.sin(np.arange(100) / 4)[:, None] + 5
        paths = ts_paths(arima((2, 0, 0)), values, np.arange(80, 99), 4)
        self.assertEqual(paths.forecast.shape, (19, 4))
        self.assertTrue(np.all(paths.lower < paths.upper))


if __name__ == "__main__":
    unittest.main()
