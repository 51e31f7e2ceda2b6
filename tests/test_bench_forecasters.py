"""The forecaster benchmark runs in --quick mode and reports every model."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import pytest

pytestmark = pytest.mark.slow

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class TestForecasterBenchmark(unittest.TestCase):
    def test_quick_run(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "results.json")
            out = subprocess.run(
                [sys.executable, os.path.join(ROOT, "benchmarks",
                                              "bench_forecasters.py"),
                 "--quick", "--json", path],
                capture_output=True, text=True, timeout=300, check=True,
                env=dict(os.environ, PYTHONPATH=ROOT)).stdout
            with open(path) as f:
                results = json.load(f)
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
