"""The GUI responsiveness benchmark runs (tiny series) and reports its phases."""
import unittest

import pytest

from tests.benchrun import run_quick

pytestmark = pytest.mark.slow


class TestGuiBenchmark(unittest.TestCase):
    def test_quick_run(self):
        out, results = run_quick("bench_gui_responsiveness.py", "--threads", "1")
        self.assertIn("longest stall", out)
        for phase in ("cold", "warm"):
            self.assertEqual(results[phase]["epochs_trained"], 1)
            self.assertGreater(results[phase]["ticks"], 0)
            # A 5 ms timer cannot tick faster than every 5 ms; a median
            # below that means the measurement is broken.
            self.assertGreaterEqual(results[phase]["median_gap_ms"], 4.5)
            # A gross freeze (a second with no event processed) fails.
            self.assertLess(results[phase]["longest_gap_ms"], 5000)
        self.assertEqual(results["torch_threads"], 1)


if __name__ == "__main__":
    unittest.main()
