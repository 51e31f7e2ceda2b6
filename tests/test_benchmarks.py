"""The learner benchmark script runs (tiny sizes) and reports every row."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import pytest

pytestmark = pytest.mark.slow

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class TestLearnerBenchmark(unittest.TestCase):
    def test_quick_run(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "results.json")
            out = subprocess.run(
                [sys.executable, os.path.join(ROOT, "benchmarks",
                                              "bench_learner.py"),
                 "--quick", "--json", path],
                capture_output=True, text=True, timeout=300, check=True,
                env=dict(os.environ, PYTHONPATH=ROOT)).stdout
            with open(path) as f:
                results = json.load(f)
        self.assertIn("x1.000 | CPU", out)
        self.assertIn("peak RSS", out)
        self.assertEqual(set(results["speed"]),
                         {"plain loop", "learner", "learner, clip_norm=1"})
        accuracy = results["accuracy"]
        self.assertLess(accuracy["linear regression (Orange)"]["median"],
                        accuracy["naive last value"]["median"])
        self.assertGreater(results["memory"]["peak_mb"],
                           results["memory"]["imports_mb"])


if __name__ == "__main__":
    unittest.main()
