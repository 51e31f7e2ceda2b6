"""trace(): the recurrence recomputed from the weights equals torch's own
output, the LSTM and GRU equations hold on the returned arrays, for stacked
and bidirectional networks and text models; input gradients and tables."""
import unittest

import numpy as np
import torch

from orangecontrib.recurrent import RecurrentLearner, make_windows
from orangecontrib.recurrent.datasets import adding_problem, sine_with_noise
from orangecontrib.recurrent.inspection import trace
from orangecontrib.recurrent.inspection_tables import (
    final_states_table, states_table,
)
from orangecontrib.recurrent.windowing import sequences_from_rows

from tests.test_owrecurrentlearner_text import word_table


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def fit(data, cell, **kwargs):
    params = dict(cell=cell, hidden_size=6, epochs=1, normalization="global",
                  patience=None, batch_size=16)
    params.update(kwargs)
    return RecurrentLearner(**params)(data)


def torch_states(model, data, rows):
    """torch's own outputs (last layer, all steps) and h_n for ``rows``."""
    net = model.network()
    # as the network's forward does: float64 standardization, then float32
    x = torch.from_numpy(sequences_from_rows(data.X[rows], data.domain,
                                             dtype=np.float64))
    if net.relative:
        x = x - x[:, -1:, :]
    x = ((x - net.input_mean) / net.input_scale).float()
    with torch.no_grad():
        out, state = net.rnn(x)
    h_n = state[0] if isinstance(state, tuple) else state
    return out.numpy(), h_n.numpy()


class TestTraceMatchesTorch(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data = adding_problem(64, 10, seed=1)

    def check_against_torch(self, model, rows):
        traces = trace(model, self.data, rows)
        out, h_n = torch_states(model, self.data, rows)
        dirs = 2 if model.architecture["bidirectional"] else 1
        for k, tr in enumerate(traces):
            self.assertEqual(tr.row, rows[k])
            self.assertEqual(len(tr.layers), model.architecture["num_layers"])
            top = np.concatenate([d.hidden for d in tr.layers[-1].directions],
                                 axis=1)
            np.testing.assert_allclose(top, out[k], atol=1e-5)
            for li, layer in enumerate(tr.layers):
                self.assertEqual(len(layer.directions), dirs)
                np.testing.assert_allclose(layer.directions[0].hidden[-1],
                                           h_n[dirs * li, k], atol=1e-5)
                if dirs == 2:  # backward: its final state is at step 0
                    np.testing.assert_allclose(
                        layer.directions[1].hidden[0], h_n[2 * li + 1, k],
                        atol=1e-5)
        return traces

    def test_lstm_equations_hold(self):
        model = fit(self.data, "lstm", num_layers=2, bidirectional=True)
        traces = self.check_against_torch(model, [0, 5, 9])
        for tr in traces:
            for layer in tr.layers:
                for di, d in enumerate(layer.directions):
                    self.assertEqual(set(d.gates),
                                     {"input", "forget", "cell", "output"})
                    self.assertEqual(d.hidden.shape, (10, 6))
                    g = d.gates
                    c, h = d.cell, d.hidden
                    order = range(10) if di == 0 else range(9, -1, -1)
                    prev = np.zeros(6)
                    for t in order:
                        np.testing.assert_allclose(
                            c[t], g["forget"][t] * prev
                            + g["input"][t] * g["cell"][t], atol=1e-4)
                        np.testing.assert_allclose(
                            h[t], g["output"][t] * np.tanh(c[t]), atol=1e-4)
                        prev = c[t]
                    for name in ("input", "forget", "output"):
                        self.assertTrue(((g[name] > 0) & (g[name] < 1)).all())

    def test_lstm_gates_from_weights(self):
        # The gates are what the weights say, step by step (one layer).
        model = fit(self.data, "lstm")
        tr, = trace(model, self.data, [3])
        rnn = model.network().rnn
        w_ih, w_hh = (rnn.weight_ih_l0.detach().numpy(),
                      rnn.weight_hh_l0.detach().numpy())
        b = (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().numpy()
        x, h = tr.recurrent_input, tr.layers[0].directions[0].hidden
        z = x[4] @ w_ih.T + h[3] @ w_hh.T + b
        np.testing.assert_allclose(tr.layers[0].directions[0].gates["forget"][4],
                                   sigmoid(z[6:12]), atol=1e-5)

    def test_gru_equations_hold(self):
        model = fit(self.data, "gru", num_layers=2)
        traces = self.check_against_torch(model, [1, 2])
        for tr in traces:
            for layer in tr.layers:
                d = layer.directions[0]
                self.assertIsNone(d.cell)
                self.assertEqual(set(d.gates), {"reset", "update", "new"})
                z, n, h = d.gates["update"], d.gates["new"], d.hidden
                prev = np.vstack((np.zeros((1, 6)), h[:-1]))
                np.testing.assert_allclose(h, (1 - z) * n + z * prev,
                                           atol=1e-4)

    def test_rnn_bidirectional(self):
        model = fit(self.data, "rnn", bidirectional=True)
        traces = self.check_against_torch(model, [0, 63])
        for tr in traces:
            for d in tr.layers[0].directions:
                self.assertIsNone(d.cell)
                self.assertEqual(d.gates, {})
            self.assertEqual(tr.final_hidden().shape, (12,))

    def test_relative_model(self):
        # A window of a series, read relative to its last value: the trace
        # sees the network's own (relative, standardized) input.
        windows = make_windows(sine_with_noise(200), 10)
        model = fit(windows, "gru", normalization="relative")
        traces = trace(model, windows, [4, 50])
        out, _ = torch_states(model, windows, [4, 50])
        for k, tr in enumerate(traces):
            np.testing.assert_allclose(tr.layers[0].directions[0].hidden,
                                       out[k], atol=1e-5)
        np.testing.assert_allclose([t.prediction for t in traces],
                                   model(windows[[4, 50]]), atol=1e-5)
        self.assertEqual(traces[0].channels, ["y"])

    def test_prediction_and_gradient(self):
        model = fit(self.data, "lstm")
        traces = trace(model, self.data, [0, 1, 2])
        np.testing.assert_allclose([t.prediction for t in traces],
                                   model(self.data[:3]), atol=1e-5)
        for tr in traces:
            self.assertEqual(tr.input_gradient.shape, (10,))
            self.assertEqual(tr.inputs.shape, (10, 2))
            self.assertEqual(tr.channels, ["value", "marker"])
            self.assertTrue((tr.input_gradient > 0).all())
        # The gradient is the prediction's: a finite difference agrees.
        net, tr = model.network(), traces[0]
        x = sequences_from_rows(self.data.X[:1], self.data.domain)
        eps = 1e-3
        x2 = x.copy()
        x2[0, 7, 0] += eps
        with torch.no_grad():
            diff = (net(torch.from_numpy(x2)) - net(torch.from_numpy(x)))
        slope = float(diff[0, 0]) * model.target_scale / eps
        self.assertLessEqual(abs(slope), tr.input_gradient[7] * 1.05 + 1e-4)

    def test_default_first_row_and_bad_input(self):
        model = fit(self.data, "rnn")
        traces = trace(model, self.data)
        self.assertEqual([t.row for t in traces], [0])
        with self.assertRaisesRegex(ValueError, "Rows must lie"):
            trace(model, self.data, [64])
        with self.assertRaisesRegex(ValueError, "Only the recurrent"):
            trace(object(), self.data)
        broken = self.data.copy()
        with broken.unlocked():
            broken.X[2, 3] = np.nan
        with self.assertRaisesRegex(ValueError, "Row 2 has missing"):
            trace(model, broken, [2])

    def test_classifier_gradient_of_predicted_logit(self):
        from Orange.data import DiscreteVariable, Domain, Table
        data = self.data
        cls = DiscreteVariable("big", values=("no", "yes"))
        domain = Domain(data.domain.attributes, cls, data.domain.metas)
        table = Table.from_numpy(domain, data.X, (data.Y > 1).astype(float),
                                 data.metas)
        model = fit(table, "gru")
        tr, = trace(model, table, [0])
        probs = model(table[:1], model.Probs)[0]
        self.assertEqual(tr.predicted_class, int(np.argmax(probs)))
        logits = model.network()(torch.from_numpy(sequences_from_rows(
            table.X[:1], table.domain))).detach().numpy()[0]
        self.assertAlmostEqual(tr.prediction, logits.max(), places=5)


class TestTextTrace(unittest.TestCase):
    def test_text_model(self):
        data = word_table(40)
        model = RecurrentLearner(cell="lstm", hidden_size=5, epochs=2,
                                 embedding_size=4, sequence_length=8,
                                 min_count=1, batch_size=8,
                                 bidirectional=True)(data)
        traces = trace(model, data, [0, 1])
        net = model.network()
        for tr in traces:
            tokens = net.embedding.weight.new_tensor(
                model.vocabulary.encode([[w.removesuffix(" (?)") for w in t]
                                         for t in [tr.tokens]], 8)
            ).long()[:, :tr.steps]
            with torch.no_grad():
                out, _ = net.rnn(net.embedding(tokens))
            top = np.concatenate([d.hidden for d in tr.layers[-1].directions],
                                 axis=1)
            np.testing.assert_allclose(top, out[0].numpy(), atol=1e-5)
            self.assertEqual(len(tr.tokens), tr.steps)
            self.assertLessEqual(tr.steps, 8)
            self.assertEqual(tr.inputs.shape, (tr.steps, 4))
            self.assertEqual(tr.input_gradient.shape, (tr.steps,))
            self.assertIsNotNone(tr.predicted_class)
        table = states_table(traces, units=[0, 2], layer=0)
        self.assertEqual(len(table), 2 * sum(t.steps for t in traces))
        self.assertEqual(table.domain.metas[-1].name, "word")
        self.assertEqual(list(table.get_column("word")[:traces[0].steps]),
                         traces[0].tokens)


class TestVanishingGradient(unittest.TestCase):
    def test_trained_rnn_forgets_the_first_steps(self):
        data = adding_problem(1000, 30, seed=0)
        model = fit(data, "rnn", hidden_size=16, epochs=5,
                    learning_rate=0.003, batch_size=32)
        traces = trace(model, data, range(20))
        grad = np.mean([t.input_gradient for t in traces], axis=0)
        self.assertLess(grad[:5].mean(), 1e-3 * grad[-5:].mean())


class TestTables(unittest.TestCase):
    def test_states_and_final_states(self):
        data = adding_problem(30, 8, seed=2)
        model = fit(data, "lstm", hidden_size=3, bidirectional=True)
        traces = trace(model, data, [4, 7])
        table = states_table(traces)
        # rows x directions x steps; h, c and 4 gates for 3 units
        self.assertEqual(len(table), 2 * 2 * 8)
        self.assertEqual(len(table.domain.attributes), 2 + 6 * 3)
        self.assertEqual(table.domain.attributes[2].name, "h0")
        self.assertIn("forget 1", [v.name for v in table.domain.attributes])
        first = traces[0].layers[0].directions[1]
        back = table[(table.get_column("row") == 4)
                     & (table.get_column("direction") == 1)]
        np.testing.assert_allclose(back.get_column("c2"), first.cell[:, 2],
                                   atol=1e-6)
        np.testing.assert_allclose(back.get_column("input gradient"),
                                   traces[0].input_gradient, atol=1e-6)
        only = states_table(traces, units=[1], direction=0)
        self.assertEqual(len(only), 2 * 8)
        self.assertEqual([v.name for v in only.domain.attributes],
                         ["step", "input gradient", "h1", "c1", "input 1",
                          "forget 1", "cell 1", "output 1"])

        final = final_states_table(traces, data)
        self.assertEqual(len(final), 2)
        self.assertEqual(final.domain.attributes[0].name, "h0 forward")
        self.assertEqual(final.domain.class_var.name, "sum")
        np.testing.assert_allclose(final.Y, data.Y[[4, 7]])
        np.testing.assert_allclose(final.get_column("row"), [4, 7])
        np.testing.assert_allclose(final.get_column("first marker"),
                                   data.get_column("first marker")[[4, 7]])
        np.testing.assert_allclose(final.X[1], traces[1].final_hidden(),
                                   atol=1e-6)
        self.assertIsNone(states_table([]))
        self.assertIsNone(final_states_table([], data))


if __name__ == "__main__":
    unittest.main()
