"""The thread benchmark's quick mode runs and fills its table."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import pytest

pytestmark = pytest.mark.slow

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class TestThreadBenchmark(unittest.TestCase):
    def test_quick_run(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "threads.json")
            out = subprocess.run(
                [sys.executable, os.path.join(ROOT, "benchmarks",
                                              "bench_threads.py"),
                 "--quick", "--json", path],
                capture_output=True, text=True, timeout=600, check=True,
                env=dict(os.environ, PYTHONPATH=ROOT)).stdout
            with open(path) as f:
                results = json.load(f)
        self.assertIn("| torch threads | extra load | wall s | CPU s |", out)
        cores = results["cores"]
        expected = {f"{t},{load}" for t in sorted({1, cores})
                    for load in (0, cores)}
        self.assertEqual(set(results["table"]), expected)
        for row in results["table"].values():
            self.assertGreater(row["wall"], 0)
            self.assertGreater(row["cpu"], 0)


if __name__ == "__main__":
    unittest.main()
