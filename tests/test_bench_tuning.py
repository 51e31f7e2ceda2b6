"""The tuning benchmark script runs (tiny sizes) and reports every row."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import pytest

pytestmark = pytest.mark.slow

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class TestTuningBenchmark(unittest.TestCase):
    def test_quick_run(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "results.json")
            out = subprocess.run(
                [sys.executable, os.path.join(ROOT, "benchmarks",
                                              "bench_tuning.py"),
                 "--quick", "--json", path],
                capture_output=True, text=True, timeout=300, check=True,
                env=dict(os.environ, PYTHONPATH=ROOT)).stdout
            with open(path) as f:
                results = json.load(f)
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
