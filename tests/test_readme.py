"""The README's Python examples run as written."""
import re
import unittest
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def python_blocks(text: str) -> list:
    """Every ```python block of a Markdown text, in order."""
    return re.findall(r"```python\n(.*?)```", text, re.S)


class TestReadmeExample(unittest.TestCase):
    def test_every_python_block_runs(self):
        blocks = python_blocks((ROOT / "README.md").read_text())
        self.assertGreaterEqual(len(blocks), 1)
        namespace = {}  # nothing given: a block defines what it uses
        for code in blocks:
            exec(compile(code, "README.md", "exec"), namespace)  # pylint: disable=exec-used
        self.assertEqual(len(namespace["predictions"]), len(namespace["test"]))
        future = namespace["future"]
        self.assertEqual(len(future.forecast), 50)
        self.assertTrue(np.all(future.lower <= future.upper))
        scores = namespace["scores"]
        self.assertEqual(scores.rmse.shape, (1, 5))
        self.assertEqual(scores.mase.shape, (1, 5))


if __name__ == "__main__":
    unittest.main()
