"""make_sequences: long table (case, step, channels) -> one row per case."""
import unittest

import numpy as np

from Orange.data import (
    ContinuousVariable, DiscreteVariable, Domain, StringVariable, Table,
)

from orangecontrib.recurrent import (
    make_sequences, sequences_from_rows, window_layout,
)
from orangecontrib.recurrent.sequences import SequencesReport

UCR = "/work/shared/data/ucr"


def long_table(cases, steps, n_channels=2, classes=None, shuffle=False,
               string_id=False):
    """cases x steps rows; channel j of case c at step s is 100c + 10j + s."""
    rows = [(c, s) for c in range(cases) for s in range(steps)]
    if shuffle:
        rows = [rows[i] for i in np.random.default_rng(0).permutation(
            len(rows))]
    case = np.array([r[0] for r in rows], dtype=float)
    step = np.array([r[1] for r in rows], dtype=float)
    X = np.column_stack([step] + [100 * case + 10 * j + step
                                  for j in range(n_channels)])
    attrs = [ContinuousVariable("step")] + [
        ContinuousVariable(f"ch{j}") for j in range(n_channels)]
    if string_id:
        id_var = StringVariable("case")
        metas = np.array([f"c{int(c)}" for c in case], dtype=object)[:, None]
    else:
        id_var = DiscreteVariable("case", values=[f"c{i}"
                                                  for i in range(cases)])
        X = np.column_stack([case, X])
        attrs = [id_var] + attrs
        metas = None
    class_var = DiscreteVariable("cls", values=["a", "b"])
    y = np.array([classes[int(c)] if classes else c % 2 for c in case],
                 dtype=float)
    domain = Domain(attrs, class_var,
                    metas=[id_var] if string_id else [])
    return Table.from_numpy(domain, X, y, metas)


def basic_motions(part):
    data = Table(f"{UCR}/BasicMotions_{part}.csv")
    dom = data.domain
    return data.transform(Domain(
        [a for a in dom.attributes if a.name != "activity"],
        dom["activity"]))


class TestMakeSequences(unittest.TestCase):
    def test_one_row_per_case_with_contract(self):
        table = make_sequences(long_table(3, 4), "case", time="step")
        self.assertEqual(len(table), 3)
        self.assertEqual(len(table.domain.attributes), 8)
        names = [v.name for v in table.domain.attributes]
        self.assertEqual(names[:4], ["ch0(t-3)", "ch1(t-3)", "ch0(t-2)",
                                     "ch1(t-2)"])
        self.assertEqual(names[-1], "ch1(t)")
        self.assertEqual(table.domain.attributes[0].attributes,
                         {"series": "ch0", "offset": -3})
        layout = window_layout(table.domain)
        self.assertEqual(layout.series, ("ch0", "ch1"))
        self.assertEqual(layout.offsets, (-3, -2, -1, 0))
        seqs = sequences_from_rows(table.X, table.domain)
        self.assertEqual(seqs.shape, (3, 4, 2))
        np.testing.assert_array_equal(seqs[2, :, 1], [210, 211, 212, 213])
        np.testing.assert_array_equal(table.Y, [0, 1, 0])
        self.assertEqual(list(table.metas[:, 0]), ["c0", "c1", "c2"])

    def test_time_orders_steps_in_shuffled_rows(self):
        table = make_sequences(long_table(3, 5, shuffle=True), "case",
                               time="step")
        seqs = sequences_from_rows(table.X, table.domain)
        for row, case in enumerate(table.metas[:, 0]):
            c = int(case[1:])
            np.testing.assert_array_equal(seqs[row, :, 0],
                                          100 * c + np.arange(5))

    def test_string_id_and_no_time_uses_row_order(self):
        table = make_sequences(long_table(2, 3, string_id=True), "case")
        # without time, "step" is a channel like any other
        self.assertEqual(window_layout(table.domain).series,
                         ("step", "ch0", "ch1"))
        self.assertEqual(table.attributes["sequences"].time, None)
        np.testing.assert_array_equal(
            sequences_from_rows(table.X, table.domain)[1, :, 1],
            [100, 101, 102])

    def test_pad_repeats_first_value_and_reports(self):
        data = long_table(2, 5)
        data = data[[i for i in range(len(data)) if not (i < 5 and i < 2)]]
        table = make_sequences(data, "case", time="step")
        seqs = sequences_from_rows(table.X, table.domain)
        np.testing.assert_array_equal(seqs[0, :, 0], [2, 2, 2, 3, 4])
        np.testing.assert_array_equal(seqs[1, :, 0], [100, 101, 102, 103,
                                                      104])
        report = table.attributes["sequences"]
        self.assertIsInstance(report, SequencesReport)
        self.assertEqual((report.length, report.min_length,
                          report.n_adjusted, report.lengths),
                         (5, 3, 1, "pad"))
        self.assertIn("1 shorter cases (shortest 3 steps) padded", str(report))

    def test_resample_stretches_to_longest(self):
        data = long_table(2, 5)
        data = data[[0, 2, 4] + list(range(5, 10))]  # case 0: steps 0, 2, 4
        table = make_sequences(data, "case", time="step",
                               lengths="resample")
        seqs = sequences_from_rows(table.X, table.domain, dtype=np.float64)
        np.testing.assert_allclose(seqs[0, :, 0], [0, 1, 2, 3, 4])
        self.assertEqual(table.attributes["sequences"].n_adjusted, 1)

    def test_missing_values_filled_within_case(self):
        data = long_table(2, 4).copy()
        with data.unlocked():
            data.X[1, 2] = np.nan   # case 0, step 1, ch0: inner
            data.X[7, 3] = np.nan   # case 1, step 3, ch1: trailing
        table = make_sequences(data, "case", time="step")
        seqs = sequences_from_rows(table.X, table.domain)
        np.testing.assert_array_equal(seqs[0, :, 0], [0, 1, 2, 3])
        np.testing.assert_array_equal(seqs[1, :, 1], [110, 111, 112, 112])
        self.assertEqual(table.attributes["sequences"].n_filled, 2)

    def test_class_varying_within_case_is_an_error(self):
        data = long_table(2, 3).copy()
        with data.unlocked():
            data.Y[4] = 1 - data.Y[4]
        with self.assertRaisesRegex(ValueError,
                                    "'cls' varies within case 'c1'"):
            make_sequences(data, "case", time="step")

    def test_errors(self):
        data = long_table(2, 3)
        with self.assertRaisesRegex(ValueError, "id 'nope' is not in"):
            make_sequences(data, "nope")
        with self.assertRaisesRegex(ValueError, "time 'nope' is not in"):
            make_sequences(data, "case", time="nope")
        with self.assertRaisesRegex(ValueError, "Unknown lengths"):
            make_sequences(data, "case", lengths="crop")
        with self.assertRaisesRegex(ValueError, "different columns"):
            make_sequences(data, "case", time="case")
        missing = data.copy()
        with missing.unlocked():
            missing.X[0, 0] = np.nan
        with self.assertRaisesRegex(ValueError, "id 'case' is missing in 1"):
            make_sequences(missing, "case")
        color = DiscreteVariable("color", values=["r", "g"])
        dom = data.domain
        other = Table.from_numpy(
            Domain(list(dom.attributes) + [color], dom.class_var),
            np.column_stack([data.X, np.zeros(len(data))]), data.Y)
        with self.assertRaisesRegex(ValueError, "'color' is not"):
            make_sequences(other, "case", time="step")
        only = data.transform(Domain(dom.attributes[:2], dom.class_var))
        with self.assertRaisesRegex(ValueError, "no numeric channel"):
            make_sequences(only, "case", time="step")

    def test_basic_motions(self):
        train = basic_motions("TRAIN")
        table = make_sequences(train, "case", time="step")
        self.assertEqual(table.X.shape, (40, 600))
        self.assertEqual(window_layout(table.domain).series,
                         tuple(f"dim_{j}" for j in range(6)))
        self.assertEqual(table.domain.class_var.name, "activity")
        np.testing.assert_array_equal(np.bincount(table.Y.astype(int)),
                                      [10, 10, 10, 10])
        # the first case's dim_1 at its third step, as in the CSV
        self.assertAlmostEqual(table[0]["dim_1(t-97)"], -3.666397, places=6)
        self.assertEqual(str(table.attributes["sequences"]),
                         "40 cases x 100 steps x 6 channels from 4000 rows")


if __name__ == "__main__":
    unittest.main()
