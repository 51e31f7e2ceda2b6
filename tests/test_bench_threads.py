"""The thread benchmark's quick mode runs and fills its table."""
import unittest

import pytest

from tests.benchrun import run_quick

pytestmark = pytest.mark.slow


class TestThreadBenchmark(unittest.TestCase):
    def test_quick_run(self):
        out, results = run_quick("bench_threads.py", timeout=600)
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
