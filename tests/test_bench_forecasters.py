"""The forecaster benchmark runs in --quick mode and reports every model."""
import unittest

import pytest

from tests.benchrun import run_quick

pytestmark = pytest.mark.slow


class TestForecasterBenchmark(unittest.TestCase):
    def test_quick_run(self):
        out, results = run_quick("bench_forecasters.py")
        self.assertIn("### airpassengers (24 origins)", out)
        rows = results["airpassengers"]
        self.assertEqual(set(rows), {
            "naive", "linear regression", "LSTM recursive", "LSTM direct",
            "ARIMA(12, 1, 0) re-filtered", "ARIMA(12, 1, 0) refit"})
        for row in rows.values():
            self.assertEqual(len(row["rmse"]), 12)
        # Linear regression and ARIMA on the lags beat the naive forecast
        # one step ahead on the airline's seasonal swings.
        naive = rows["naive"]["rmse"][0]
        self.assertLess(rows["linear regression"]["rmse"][0], naive)
        self.assertLess(rows["ARIMA(12, 1, 0) re-filtered"]["rmse"][0], naive)
        # Refitting at every origin costs more CPU than re-filtering.
        self.assertGreater(rows["ARIMA(12, 1, 0) refit"]["cpu"],
                           rows["ARIMA(12, 1, 0) re-filtered"]["cpu"])


if __name__ == "__main__":
    unittest.main()
