"""Input front-ends, the forget-gate bias, and training sized to the data
(sizing.py, mixup and a given validation part in the fit loop)."""
import pickle
import unittest

import numpy as np
import torch

from Orange.data import ContinuousVariable, DiscreteVariable, Domain, Table

from orangecontrib.recurrent import RecurrentLearner, make_windows
from orangecontrib.recurrent.frontends import (
    ConvFrontEnd, PatchFrontEnd, ShuffleFrontEnd, make_frontend,
    patch_size_for,
)
from orangecontrib.recurrent.network import RecurrentNetwork
from orangecontrib.recurrent.sizing import (
    MAX_EPOCHS, MIN_EPOCHS, auto_frontend, epochs_for, independent_rows,
    plan_training, stratified_validation,
)
from orangecontrib.recurrent.training import fit_network
from tests.series import series_table, sine_values
from tests.test_sequences import long_table
from orangecontrib.recurrent.sequences import make_sequences


def shapes(n_per_class=12, steps=64, seed=0):
    """Rows that are whole sequences: a bump early, late, or none."""
    rng = np.random.default_rng(seed)
    t = np.arange(steps)
    rows, classes = [], []
    for cls, centre in enumerate((steps * 0.25, steps * 0.75, None)):
        for _ in range(n_per_class):
            x = rng.normal(0, 0.3, steps)
            if centre is not None:
                x += 2 * np.exp(-0.5 * ((t - centre) / 4) ** 2)
            rows.append(x)
            classes.append(cls)
    domain = Domain([ContinuousVariable(f"t{i}") for i in range(steps)],
                    DiscreteVariable("shape", values=("early", "late",
                                                      "none")))
    return Table.from_numpy(domain, np.array(rows), np.array(classes, float))


class TestFrontEnds(unittest.TestCase):
    def test_patch_pads_at_start_and_keeps_last_step_last(self):
        x = torch.arange(7.0).reshape(1, 7, 1)
        out = PatchFrontEnd(1, 3)(x)
        self.assertEqual(tuple(out.shape), (1, 3, 3))
        np.testing.assert_array_equal(out[0].numpy(),
                                      [[0, 0, 0], [1, 2, 3], [4, 5, 6]])
        two = torch.stack([torch.arange(6.0), -torch.arange(6.0)], dim=1)
        out = PatchFrontEnd(2, 2)(two[None])
        np.testing.assert_array_equal(out[0, 0].numpy(), [0, 0, 1, -1])

    def test_conv_shortens_by_four_and_pools(self):
        conv = ConvFrontEnd(3, width=8)
        out = conv(torch.zeros(5, 251, 3))
        self.assertEqual(tuple(out.shape), (5, 63, 8))
        self.assertEqual((conv.features, conv.pooled), (8, 8))
        self.assertEqual(tuple(conv.pool(out).shape), (5, 8))

    def test_shuffle_reads_one_step_and_pools_convolutions(self):
        shuffle = ShuffleFrontEnd(2, 40, width=8)
        x = torch.randn(5, 40, 2)
        out = shuffle(x)
        # every value of every channel in one step, time-major
        self.assertEqual(tuple(out.shape), (5, 1, 80))
        np.testing.assert_array_equal(out[:, 0, :2].numpy(), x[:, 0].numpy())
        self.assertEqual((shuffle.features, shuffle.pooled), (80, 8))
        pooled = shuffle.pooled_features(x, out)
        np.testing.assert_allclose(pooled.detach().numpy(),
                                   shuffle.conv(x).mean(dim=1).detach()
                                   .numpy(), atol=1e-6)
        self.assertEqual(make_frontend("shuffle", 2, 0, 40).width, 32)
        with self.assertRaisesRegex(ValueError, "number of steps"):
            make_frontend("shuffle", 2)

    def test_make_frontend_and_patch_size(self):
        self.assertEqual(make_frontend("raw", 4).features, 4)
        self.assertEqual(make_frontend("patch", 2, 5).features, 10)
        with self.assertRaisesRegex(ValueError, "Unknown front-end 'fft'"):
            make_frontend("fft", 1)
        self.assertEqual([patch_size_for(n) for n in (10, 50, 51, 251, 427)],
                         [1, 1, 2, 6, 9])

    def test_network_with_each_frontend(self):
        x = torch.randn(4, 40, 2)
        for kind, size in (("raw", 0), ("patch", 4), ("conv", 8),
                           ("shuffle", 8)):
            net = RecurrentNetwork(2, 3, hidden_size=5, frontend=kind,
                                   frontend_size=size, frontend_steps=40)
            self.assertEqual(tuple(net(x).shape), (4, 3), kind)
        # raw adds no weights: the state_dict of older networks
        self.assertEqual(
            set(RecurrentNetwork(2, 3).state_dict()),
            {"rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0",
             "rnn.bias_hh_l0", "head.weight", "head.bias", "input_mean",
             "input_scale"})

    def test_forget_bias(self):
        net = RecurrentNetwork(1, 1, hidden_size=4, forget_bias=1.0)
        b_ih, b_hh = net.rnn.bias_ih_l0.detach(), net.rnn.bias_hh_l0.detach()
        np.testing.assert_array_equal((b_ih + b_hh)[4:8].numpy(), 1.0)
        self.assertFalse(torch.all(b_ih[:4] + b_hh[:4] == 1.0))
        gru = RecurrentNetwork(1, 1, cell="gru", hidden_size=4,
                               forget_bias=1.0)  # no forget gate: untouched
        self.assertEqual(tuple(gru.rnn.bias_ih_l0.shape), (12,))


class TestSizing(unittest.TestCase):
    def test_independent_rows(self):
        self.assertTrue(independent_rows(shapes().domain))
        cases = make_sequences(long_table(3, 4), "case", time="step")
        self.assertTrue(independent_rows(cases.domain))
        windows = make_windows(series_table(np.arange(30.0)), 5)
        self.assertFalse(independent_rows(windows.domain))

    def test_epochs_for(self):
        self.assertEqual(epochs_for(7, 10, 32), 7)
        self.assertEqual(epochs_for(None, 9000, 32), MIN_EPOCHS)  # the sine
        self.assertEqual(epochs_for(None, 200, 16), 308)  # OSULeaf
        self.assertEqual(epochs_for(None, 36, 16), MAX_EPOCHS)  # ArrowHead

    def test_stratified_validation(self):
        targets = np.repeat([0, 1, 2], [50, 30, 20])
        val = stratified_validation(targets, 100, 0.2, 0)
        np.testing.assert_array_equal(np.bincount(targets[val]), [10, 6, 4])
        self.assertTrue(np.all(np.diff(val) > 0))
        np.testing.assert_array_equal(
            val, stratified_validation(targets, 100, 0.2, 0))
        self.assertEqual(len(stratified_validation(None, 50, 0.1, 0)), 5)

    def test_plans(self):
        table = shapes(n_per_class=40)
        plan = plan_training(RecurrentLearner(validation_size=0.2),
                             table.domain, len(table), 64, "classification",
                             table.Y.astype(int))
        self.assertEqual((plan.frontend, plan.batch_size, plan.n_validation,
                          plan.mixup, plan.forget_bias, plan.patience),
                         ("conv", 16, 24, 0.4, 1.0, 80))
        # given its epochs, a learner trains as before: tail, no mixup
        plan = plan_training(RecurrentLearner(validation_size=0.2, epochs=9),
                             table.domain, len(table), 64, "classification",
                             table.Y.astype(int))
        self.assertEqual((plan.frontend, plan.batch_size, plan.n_validation,
                          plan.mixup, plan.forget_bias, plan.patience,
                          plan.epochs), ("conv", 32, 0, 0.0, 0.0, 5, 9))
        # too few rows to validate on: none
        plan = plan_training(RecurrentLearner(), table.domain, 36, 64,
                             "classification", table.Y[:36].astype(int))
        self.assertEqual((plan.n_validation, plan.epochs), (0, MAX_EPOCHS))
        windows = make_windows(series_table(sine_values(2000)), 10)
        plan = plan_training(RecurrentLearner(), windows.domain, 1990, 10,
                             "regression")
        self.assertEqual((plan.frontend, plan.batch_size, plan.n_validation,
                          plan.mixup, plan.forget_bias, plan.epochs),
                         ("raw", 32, 199, 0.0, 0.0, 20))
        self.assertIsNone(plan.validation_index)
        self.assertEqual(auto_frontend(31), "raw")
        self.assertEqual(auto_frontend(32), "conv")


class TestFitLoop(unittest.TestCase):
    def test_given_validation_rows_and_mixup(self):
        rng = np.random.default_rng(0)
        X = rng.normal(size=(40, 6, 1)).astype(np.float32)
        y = (X[:, -1, 0] > 0).astype(np.int64)
        net = RecurrentNetwork(1, 2, hidden_size=4)
        result = fit_network(net, X, y, task="classification", epochs=3,
                             batch_size=8, validation_index=[1, 5, 7],
                             mixup=0.4, device="cpu")
        self.assertEqual(result.n_validation, 3)
        self.assertEqual(len(result.history), 3)
        self.assertTrue(all(r.val_loss is not None for r in result.history))
        with self.assertRaisesRegex(ValueError, "no rows to train on"):
            fit_network(net, X[:2], y[:2], task="classification",
                        validation_index=[0, 1], device="cpu")


class TestLearnerFrontEnds(unittest.TestCase):
    def test_defaults_on_sequences_use_conv_and_pickle(self):
        table = shapes(n_per_class=8)
        # (no rows held out: no cross-validation, the length rule decides)
        model = RecurrentLearner(hidden_size=8, device="cpu",
                                 validation_size=0)(table)
        self.assertEqual(model.frontend_used, "conv")
        self.assertEqual(model.architecture["frontend"], "conv")
        self.assertIn("frontend='conv'", repr(model))
        copy = pickle.loads(pickle.dumps(model))
        np.testing.assert_allclose(copy.predict(table.X),
                                   model.predict(table.X), atol=1e-6)
        accuracy = np.mean(model(table) == table.Y)
        self.assertGreater(accuracy, 0.8)

    def test_windows_stay_raw_and_explicit_frontends(self):
        windows = make_windows(series_table(sine_values(300)), 10)
        model = RecurrentLearner(epochs=2, hidden_size=4,
                                 device="cpu")(windows)
        self.assertEqual(model.frontend_used, "raw")
        self.assertNotIn("frontend", model.architecture)
        patch = RecurrentLearner(epochs=2, hidden_size=4, frontend="patch",
                                 device="cpu")(shapes(4, steps=120))
        self.assertEqual(patch.architecture["frontend_size"], 3)
        with self.assertRaisesRegex(ValueError, "Unknown front-end 'fft'"):
            RecurrentLearner(frontend="fft")

    def test_shuffle_pickles_its_length(self):
        table = shapes(4, steps=48)
        model = RecurrentLearner(epochs=2, hidden_size=4, frontend="shuffle",
                                 device="cpu")(table)
        self.assertEqual((model.frontend_used,
                          model.architecture["frontend_steps"]),
                         ("shuffle", 48))
        self.assertEqual(model.network().rnn.input_size, 48)
        copy = pickle.loads(pickle.dumps(model))
        self.assertEqual(copy.frontend_used, "shuffle")
        np.testing.assert_allclose(copy.predict(table.X),
                                   model.predict(table.X), atol=1e-6)


if __name__ == "__main__":
    unittest.main()
