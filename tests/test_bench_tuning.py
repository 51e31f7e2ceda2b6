"""The tuning benchmark script runs (tiny sizes) and reports every row."""
import unittest

import pytest

from tests.benchrun import run_quick

pytestmark = pytest.mark.slow


class TestTuningBenchmark(unittest.TestCase):
    def test_quick_run(self):
        out, results = run_quick("bench_tuning.py")
        self.assertIn("## Overhead: tune() against the same trials", out)
        overhead = results["overhead"]
        self.assertEqual(set(overhead), {"LSTM, 2 x 2 grid",
                                         "KNN regression, 8 values"})
        for row in overhead.values():
            self.assertTrue(row["same_scores"])
            self.assertGreater(row["cpu"]["tune"], 0)
            self.assertGreater(row["cpu"]["by hand"], 0)
        self.assertEqual(overhead["LSTM, 2 x 2 grid"]["trials"], 4)
        for series in ("sine", "sunspots"):
            rows = results["searches"][series]["rows"]
            self.assertEqual(rows["tuned: grid"]["trials"], 4)
            self.assertEqual(rows["tuned: random"]["trials"], 3)
            self.assertEqual(rows["tuned: bayes"]["trials"], 3)
            for row in rows.values():
                self.assertGreater(row["test_rmse"], 0)
            self.assertIn(f"## {series}:", out)
        self.assertEqual(results["searches"]["sunspots"]["test"], 60)


if __name__ == "__main__":
    unittest.main()
