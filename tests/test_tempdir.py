"""A test run leaves nothing in the system temp directory."""
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class TestTempDir(unittest.TestCase):
    def test_a_run_cleans_up(self):
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, TMPDIR=tmp)
            # conftest makes its settings dirs in TMPDIR; this module's
            # own test is not run (it would recurse)
            result = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p",
                 "no:cacheprovider", "tests/test_install.py"],
                cwd=ROOT, env=env, capture_output=True, text=True,
                timeout=300, check=False)
            self.assertEqual(result.returncode, 0, result.stdout[-2000:])
            self.assertEqual(os.listdir(tmp), [])


if __name__ == "__main__":
    unittest.main()
