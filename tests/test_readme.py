"""The README's library example runs as written."""
import re
import unittest
from pathlib import Path

import numpy as np

from tests.series import sine_table

ROOT = Path(__file__).resolve().parent.parent


class TestReadmeExample(unittest.TestCase):
    def test_library_use_runs(self):
        readme = (ROOT / "README.md").read_text()
        section = readme[readme.index("## Library use"):]
        code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
        namespace = {"series_table": sine_table(n=600)}
        exec(compile(code, "README.md", "exec"), namespace)  # pylint: disable=exec-used
        self.assertEqual(len(namespace["predictions"]), len(namespace["test"]))
        future = namespace["future"]
        self.assertEqual(len(future.forecast), 50)
        self.assertTrue(np.all(future.lower <= future.upper))
        scores = namespace["scores"]
        self.assertEqual(scores.rmse.shape, (1, 5))


if __name__ == "__main__":
    unittest.main()
