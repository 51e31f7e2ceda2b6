"""The Sequences widget: defaults, output, messages, report."""
import numpy as np

from Orange.data import Domain, StringVariable, Table
from Orange.widgets.tests import base

from orangecontrib.recurrent.widgets.owsequences import OWSequences
from orangecontrib.recurrent.windowing import (
    sequences_from_rows, window_layout,
)
from tests.test_sequences import basic_motions, long_table


class TestOWSequences(base.WidgetTest):
    def setUp(self):
        self.widget = self.create_widget(OWSequences)

    def output(self):
        return self.get_output(self.widget.Outputs.sequences)

    def test_basic_motions_defaults(self):
        data = basic_motions("TRAIN")
        self.send_signal(self.widget.Inputs.data, data)
        self.assertEqual(self.widget.id_var.name, "case")
        self.assertEqual(self.widget.time_var.name, "step")  # by its name
        out = self.output()
        self.assertEqual(out.X.shape, (40, 600))
        self.assertEqual(window_layout(out.domain).series,
                         tuple(f"dim_{j}" for j in range(6)))
        self.assertEqual(out.domain.class_var.name, "activity")
        self.assertIn("40 cases x 100 steps x 6 channels",
                      self.widget.info_label.text())
        self.assertFalse(self.widget.Information.adjusted.is_shown())

    def test_row_order_and_unequal_lengths(self):
        data = long_table(2, 4)[[2, 3, 4, 5, 6, 7]]  # case c0: 2 steps
        w = self.widget
        self.send_signal(w.Inputs.data, data)
        self.assertEqual(w.id_var.name, "case")
        out = self.output()
        np.testing.assert_array_equal(
            sequences_from_rows(out.X, out.domain)[0, :, 0], [2, 2, 2, 3])
        self.assertIn("1 of 2 cases are shorter than the longest (4 steps) "
                      "and were padded", str(w.Information.adjusted))
        w.controls.lengths.buttons[1].click()
        out = self.output()
        np.testing.assert_allclose(
            sequences_from_rows(out.X, out.domain, np.float64)[0, :, 0],
            [2, 2 + 1 / 3, 2 + 2 / 3, 3])
        self.assertIn("resampled", str(w.Information.adjusted))
        # with (row order), "step" is a channel
        w.time_var = None
        w.commit()
        self.assertEqual(window_layout(self.output().domain).series,
                         ("step", "ch0", "ch1"))

    def test_class_varying_within_case(self):
        data = long_table(2, 3).copy()
        with data.unlocked():
            data.Y[4] = 1 - data.Y[4]
        self.send_signal(self.widget.Inputs.data, data)
        self.assertTrue(self.widget.Error.failed.is_shown())
        self.assertIn("varies within case 'c1'",
                      str(self.widget.Error.failed))
        self.assertIsNone(self.output())
        self.send_signal(self.widget.Inputs.data, long_table(2, 3))
        self.assertFalse(self.widget.Error.failed.is_shown())
        self.assertEqual(len(self.output()), 2)

    def test_string_id_in_metas(self):
        self.send_signal(self.widget.Inputs.data,
                         long_table(3, 5, string_id=True))
        self.assertIsInstance(self.widget.id_var, StringVariable)
        self.assertEqual(len(self.output()), 3)

    def test_no_id_column_and_no_data(self):
        table = Table.from_numpy(Domain([]), np.zeros((3, 0)))
        self.send_signal(self.widget.Inputs.data, table)
        self.assertTrue(self.widget.Error.no_id.is_shown())
        self.assertIsNone(self.output())
        self.send_signal(self.widget.Inputs.data, None)
        self.assertFalse(self.widget.Error.no_id.is_shown())
        self.assertEqual(self.widget.info_label.text(), "No data on input.")

    def test_context_remembers_choices(self):
        w = self.widget
        data = long_table(3, 4)
        self.send_signal(w.Inputs.data, data)
        w.time_var = None
        w.commit()
        self.send_signal(w.Inputs.data, long_table(2, 2, string_id=True))
        self.send_signal(w.Inputs.data, data)
        self.assertIsNone(w.time_var)
        self.assertEqual(len(window_layout(self.output().domain).series), 3)

    def test_report(self):
        self.send_signal(self.widget.Inputs.data, long_table(2, 3))
        self.widget.send_report()
        html = self.widget.report_html
        self.assertIn("Case id", html)
        self.assertIn("2 cases x 3 steps", html)
