"""The learner benchmark script runs (tiny sizes) and reports every row."""
import unittest

import pytest

from tests.benchrun import run_quick

pytestmark = pytest.mark.slow


class TestLearnerBenchmark(unittest.TestCase):
    def test_quick_run(self):
        out, results = run_quick("bench_learner.py")
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
