"""The accuracy benchmark runs in --quick mode and reports every row."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import pytest

pytestmark = pytest.mark.slow

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class TestAccuracyBenchmark(unittest.TestCase):
    def test_quick_run(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "results.json")
            out = subprocess.run(
                [sys.executable, os.path.join(ROOT, "benchmarks",
                                              "bench_accuracy.py"),
                 "--quick", "--seeds", "0", "--json", path],
                capture_output=True, text=True, timeout=600, check=True,
                env=dict(os.environ, PYTHONPATH=ROOT)).stdout
            with open(path) as f:
                results = json.load(f)
        self.assertEqual(set(results),
                         {"ArrowHead", "OSULeaf", "BasicMotions", "airline",
                          "tweets", "tweets (words shuffled)"})
        for case in ("ArrowHead", "OSULeaf", "BasicMotions"):
            self.assertEqual(
                set(results[case]["recurrent"]),
                {"LSTM at defaults", "LSTM, frontend=raw",
                 "LSTM, frontend=patch", "LSTM, frontend=conv"}, case)
            # "auto" reads these long sequences through convolutions
            self.assertEqual(results[case]["recurrent"]["LSTM at defaults"]
                             [0]["frontend"], "conv")
        airline = results["airline"]["baselines"]
        self.assertAlmostEqual(airline["linear regression on the 12 lags"],
                               18.58, places=1)
        self.assertAlmostEqual(airline["naive last value"], 50.95, places=1)
        tweets = results["tweets"]["baselines"]
        # Orange's LR on the corpus' columns reads its metadata, not words
        self.assertLess(
            tweets["Orange Bag of Words -> Logistic Regression "
                   "(all columns)"],
            tweets["Orange Bag of Words -> Logistic Regression "
                   "(word columns only)"])
        self.assertIn("| airline | LSTM at defaults (chose raw) | RMSE", out)


if __name__ == "__main__":
    unittest.main()
