"""Recurrent Inspector: heatmaps of a trained model's trace, its outputs
(States, Final States), a model of another kind, text, settings."""
import numpy as np

from Orange.regression import LinearRegressionLearner
from Orange.widgets.tests import base

from orangecontrib.recurrent import RecurrentLearner
from orangecontrib.recurrent.datasets import adding_problem
from orangecontrib.recurrent.inspection import trace
from orangecontrib.recurrent.widgets.owinspector import OWRecurrentInspector

from tests.test_owrecurrentlearner_text import word_table

WAIT = 60000


class TestOWRecurrentInspector(base.WidgetTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.data = adding_problem(80, 12, seed=0)
        cls.lstm = RecurrentLearner(cell="lstm", hidden_size=4, epochs=2,
                                    num_layers=2, bidirectional=True,
                                    normalization="global",
                                    batch_size=16)(cls.data)

    def setUp(self):
        self.widget = self.create_widget(OWRecurrentInspector)

    def tearDown(self):
        self.widget.shutdown()
        super().tearDown()

    def send(self, model, data):
        self.send_signal(self.widget.Inputs.model, model)
        self.send_signal(self.widget.Inputs.data, data)
        self.wait_until_finished(timeout=WAIT)

    def test_heatmaps_and_outputs(self):
        w = self.widget
        self.send(self.lstm, self.data)
        self.assertFalse(w.Error.failed.is_shown())
        # input, hidden, cell and four gates, then the gradient curve
        self.assertEqual(len(w.graph.images), 7)
        self.assertEqual(w.graph.images[1].image.shape, (12, 4))
        expected, = trace(self.lstm, self.data, [0])
        np.testing.assert_allclose(
            w.graph.images[3].image,  # input gate, layer 1, forward
            expected.layers[0].directions[0].gates["input"], atol=1e-6)
        x, y = w.graph.gradient_curve.getData()
        self.assertEqual(len(x), 12)
        self.assertEqual(w.layer_combo.count(), 2)
        self.assertTrue(w.direction_combo.isEnabled())

        states = self.get_output(w.Outputs.states)
        self.assertEqual(len(states), 12)  # one row, layer 1, forward
        final = self.get_output(w.Outputs.final_states)
        self.assertEqual(final.X.shape, (80, 8))
        np.testing.assert_allclose(final.Y, self.data.Y)
        np.testing.assert_allclose(final.X[0], expected.final_hidden(),
                                   atol=1e-6)

        # second layer, backward, two rows, unit 3 only
        w.layer_combo.setCurrentIndex(1)
        w.layer_combo.activated.emit(1)
        w.direction_combo.setCurrentIndex(1)
        w.direction_combo.activated.emit(1)
        w.selected_units = [3]
        w.unit_list.selectionModel().selectionChanged.emit(
            w.unit_list.selectionModel().selection(),
            w.unit_list.selectionModel().selection())
        w.selected_rows = [2, 5]
        w._on_rows_changed()  # pylint: disable=protected-access
        self.wait_until_finished(timeout=WAIT)
        states = self.get_output(w.Outputs.states)
        self.assertEqual(len(states), 24)
        self.assertEqual([v.name for v in states.domain.attributes][2:4],
                         ["h3", "c3"])
        np.testing.assert_array_equal(states.get_column("layer"), 1)
        np.testing.assert_array_equal(states.get_column("direction"), 1)
        self.assertEqual(sorted(set(states.get_column("row"))), [2, 5])
        two, = trace(self.lstm, self.data, [2])
        np.testing.assert_allclose(
            states.get_column("forget 3")[:12],
            two.layers[1].directions[1].gates["forget"][:, 3], atol=1e-6)
        # the final states were not computed again, and still go out
        self.assertEqual(len(self.get_output(w.Outputs.final_states)), 80)
        w.send_report()
        w.grab().save("/tmp/insp/inspector-lstm.png")

    def test_not_a_recurrent_model(self):
        w = self.widget
        self.send(LinearRegressionLearner()(self.data), self.data)
        self.assertTrue(w.Error.not_recurrent.is_shown())
        self.assertIsNone(self.get_output(w.Outputs.states))
        self.assertIsNone(self.get_output(w.Outputs.final_states))
        self.send(self.lstm, self.data)
        self.assertFalse(w.Error.not_recurrent.is_shown())
        self.assertIsNotNone(self.get_output(w.Outputs.states))
        self.send(None, self.data)
        self.assertIsNone(self.get_output(w.Outputs.states))

    def test_data_that_does_not_fit(self):
        w = self.widget
        other = adding_problem(10, 12, seed=1)
        with other.unlocked():
            other.X[0, 0] = np.nan
        self.send(self.lstm, other)
        self.assertTrue(w.Error.failed.is_shown())
        self.assertIn("missing values", str(w.Error.failed))
        self.assertIsNone(self.get_output(w.Outputs.states))

    def test_gru_has_three_gates_rnn_none(self):
        w = self.widget
        for cell, panels in (("gru", 5), ("rnn", 2)):
            model = RecurrentLearner(cell=cell, hidden_size=3, epochs=1,
                                     normalization="global")(self.data)
            self.send(model, self.data)
            self.assertEqual(len(w.graph.images), panels, cell)
            self.assertFalse(w.direction_combo.isEnabled())

    def test_text_words_on_time_axis(self):
        w = self.widget
        data = word_table(30)
        model = RecurrentLearner(cell="lstm", hidden_size=4, epochs=1,
                                 embedding_size=3, sequence_length=10,
                                 min_count=1, batch_size=8)(data)
        self.send(model, data)
        self.assertFalse(w.Error.failed.is_shown())
        tr = w.results.traces[0]
        ticks = w.graph.gradient_plot.getAxis("bottom")._tickLevels
        self.assertEqual([t[1] for t in ticks[0]], tr.tokens)
        states = self.get_output(w.Outputs.states)
        self.assertEqual(list(states.get_column("word")), tr.tokens)
        final = self.get_output(w.Outputs.final_states)
        self.assertEqual(len(final), 30)
        self.assertEqual(final.domain.metas[0].name, "text")
        w.grab().save("/tmp/insp/inspector-text.png")

    def test_settings_round_trip_and_migration(self):
        w = self.widget
        self.send(self.lstm, self.data)
        w.layer, w.direction, w.log_gradient = 1, 1, False
        w.selected_rows = [3]
        settings = w.settingsHandler.pack_data(w)
        self.assertEqual(settings["__version__"], 1)
        again = self.create_widget(OWRecurrentInspector,
                                   stored_settings=settings)
        self.send_signal(again.Inputs.model, self.lstm, widget=again)
        self.send_signal(again.Inputs.data, self.data, widget=again)
        self.wait_until_finished(again, timeout=WAIT)
        self.assertEqual((again.layer, again.direction), (1, 1))
        self.assertFalse(again.log_gradient)
        self.assertEqual(again.results.traces[0].row, 3)
        old = {"layer": 1, "selected_rows": [7], "selected_units": [2]}
        OWRecurrentInspector.migrate_settings(old, 0)
        self.assertEqual(old, {"layer": 1})
        same = dict(settings)
        OWRecurrentInspector.migrate_settings(same, 1)
        self.assertEqual(same, settings)
        again.shutdown()

    def test_classifier_row_labels(self):
        data = word_table(20)
        self.send_signal(self.widget.Inputs.data, data)
        self.assertEqual(self.widget.row_labels[1], "1  (season = winter)")
