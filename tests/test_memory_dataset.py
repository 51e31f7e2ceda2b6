"""The adding problem: two channels under the window-metadata contract, the
target the sum of the two marked values, markers where documented, seeded."""
import unittest

import numpy as np

from orangecontrib.recurrent.datasets import (
    ADDING_BASELINE_MSE, adding_problem,
)
from orangecontrib.recurrent.windowing import sequences_from_rows, window_layout


class TestAddingProblem(unittest.TestCase):
    def test_layout_target_and_markers(self):
        table = adding_problem(500, 40, seed=3)
        self.assertEqual(table.X.shape, (500, 80))
        layout = window_layout(table.domain)
        self.assertEqual(layout.series, ("value", "marker"))
        self.assertEqual(layout.window_length, 40)
        self.assertEqual(table.domain.attributes[0].name, "value(t-39)")
        self.assertEqual(table.domain.attributes[-1].name, "marker(t)")
        seq = sequences_from_rows(table.X, table.domain, dtype=float)
        values, markers = seq[:, :, 0], seq[:, :, 1]
        np.testing.assert_array_equal(markers.sum(axis=1), 2)
        np.testing.assert_allclose((values * markers).sum(axis=1), table.Y)
        first = table.get_column("first marker").astype(int)
        second = table.get_column("second marker").astype(int)
        self.assertTrue((first < 4).all())
        self.assertTrue(((second >= 4) & (second < 20)).all())
        np.testing.assert_array_equal(markers[np.arange(500), first], 1)
        self.assertTrue((values >= 0).all() and (values < 1).all())
        # The trivial baseline: the variance of the sum, about 1/6.
        self.assertAlmostEqual(table.Y.var(), ADDING_BASELINE_MSE, delta=0.02)

    def test_seeded(self):
        a, b = adding_problem(20, 10, seed=1), adding_problem(20, 10, seed=1)
        np.testing.assert_array_equal(a.X, b.X)
        np.testing.assert_array_equal(a.Y, b.Y)
        c = adding_problem(20, 10, seed=2)
        self.assertFalse(np.array_equal(a.X, c.X))

    def test_bad_arguments(self):
        with self.assertRaisesRegex(ValueError, "at least 4"):
            adding_problem(10, 3)
        with self.assertRaisesRegex(ValueError, "one sequence"):
            adding_problem(0, 10)


if __name__ == "__main__":
    unittest.main()
