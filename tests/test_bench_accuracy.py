"""The accuracy benchmark runs in --quick mode and reports every row."""
import unittest

import pytest

from tests.benchrun import run_quick

pytestmark = pytest.mark.slow


class TestAccuracyBenchmark(unittest.TestCase):
    def test_quick_run(self):
        out, results = run_quick("bench_accuracy.py", "--seeds", "0", timeout=600)
        self.assertEqual(set(results),
                         {"ArrowHead", "OSULeaf", "BasicMotions", "airline",
                          "tweets", "tweets (words shuffled)"})
        for case in ("ArrowHead", "OSULeaf", "BasicMotions"):
            self.assertEqual(
                set(results[case]["recurrent"]),
                {"LSTM at defaults", "LSTM, frontend=raw",
                 "LSTM, frontend=patch", "LSTM, frontend=conv",
                 "LSTM, frontend=shuffle"}, case)
            # "auto" reads these long sequences through convolutions (with
            # --quick's 2 epochs by the length rule, without comparing)
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
