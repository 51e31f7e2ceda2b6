"""The GUI responsiveness benchmark runs (tiny series) and reports its phases."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import pytest

pytestmark = pytest.mark.slow

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class TestGuiBenchmark(unittest.TestCase):
    def test_quick_run(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "gui.json")
            out = subprocess.run(
                [sys.executable,
                 os.path.join(ROOT, "benchmarks",
                              "bench_gui_responsiveness.py"),
                 "--quick", "--threads", "1", "--json", path],
                capture_output=True, text=True, timeout=300, check=True,
                env=dict(os.environ, PYTHONPATH=ROOT,
                         QT_QPA_PLATFORM="offscreen")).stdout
            with open(path, encoding="utf-8") as f:
                results = json.load(f)
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
