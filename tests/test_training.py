"""The network and the fit loop: shapes, callbacks, early stopping, NaN, seeds."""
import math
import unittest
import warnings

import numpy as np
import torch
from torch import nn

from orangecontrib.recurrent.network import RecurrentNetwork
from orangecontrib.recurrent.training import (
    CLASSIFICATION, EpochReport, TrainingCancelled, evaluate_loss,
    fit_network, resolve_device, seeded, _clip_gradients, _device_tensor,
)


def sine_windows(n=600, length=10, noise=0.1, seed=0):
    """(n, length, 1) float32 windows of a noisy sine, next value as target."""
    rng = np.random.default_rng(seed)
    series = np.sin(np.arange(n + length) * 0.1) \
        + rng.normal(0, noise, n + length)
    X = np.lib.stride_tricks.sliding_window_view(series[:-1], length)[:n]
    return X[:, :, None].astype(np.float32), \
        series[length:length + n].astype(np.float32)


def small_network(cell="lstm", **kwargs):
    with seeded(0):
        return RecurrentNetwork(1, 1, cell=cell, hidden_size=8, **kwargs)


class TestNetwork(unittest.TestCase):
    def test_shapes_for_every_variant(self):
        x = torch.randn(5, 7, 3)
        for cell in ("lstm", "gru", "rnn"):
            for layers, bidirectional in ((1, False), (2, False), (2, True)):
                net = RecurrentNetwork(3, 4, cell=cell, hidden_size=6,
                                       num_layers=layers,
                                       bidirectional=bidirectional,
                                       dropout=0.2)
                self.assertEqual(net(x).shape, (5, 4), (cell, layers))

    def test_bidirectional_head_sees_both_ends(self):
        torch.manual_seed(0)
        net = RecurrentNetwork(2, 1, cell="gru", hidden_size=4,
                               bidirectional=True).eval()
        x = torch.randn(3, 6, 2)
        output, _ = net.rnn(x)
        # forward direction after the last step, backward after the first
        expected = net.head(torch.cat((output[:, -1, :4], output[:, 0, 4:]),
                                      dim=1))
        torch.testing.assert_close(net(x), expected)

    def test_inputs_are_standardized_inside(self):
        torch.manual_seed(0)
        net = RecurrentNetwork(1, 1, hidden_size=4, input_mean=[10.0],
                               input_scale=[2.0])
        plain = RecurrentNetwork(1, 1, hidden_size=4)
        plain.load_state_dict({**net.state_dict(),
                               "input_mean": torch.zeros(1),
                               "input_scale": torch.ones(1)})
        x = torch.randn(2, 5, 1) * 2 + 10
        torch.testing.assert_close(net(x), plain((x - 10) / 2))

    def test_dropout_only_between_layers(self):
        self.assertEqual(RecurrentNetwork(1, dropout=0.5).rnn.dropout, 0)
        self.assertEqual(
            RecurrentNetwork(1, num_layers=2, dropout=0.5).rnn.dropout, 0.5)

    def test_unknown_cell(self):
        with self.assertRaisesRegex(ValueError, "Unknown cell 'tcn'"):
            RecurrentNetwork(1, cell="tcn")


class TestFitNetwork(unittest.TestCase):
    def setUp(self):
        self.X, self.y = sine_windows()

    def fit(self, net=None, **kwargs):
        kwargs = {"epochs": 3, "device": "cpu", **kwargs}
        net = net or small_network()
        return net, fit_network(net, self.X, self.y, **kwargs)

    def test_loss_decreases_and_history(self):
        _, result = self.fit(epochs=5, validation_size=0.2,
                             learning_rate=0.01)
        losses = [r.train_loss for r in result.history]
        self.assertEqual([r.epoch for r in result.history], [1, 2, 3, 4, 5])
        self.assertLess(losses[-1], losses[0] / 2)
        self.assertTrue(all(r.val_loss is not None for r in result.history))
        self.assertEqual(result.n_validation, 120)
        self.assertEqual(result.device, "cpu")

    def test_no_validation_when_tail_smaller_than_a_batch(self):
        _, result = self.fit(validation_size=0.05, batch_size=64)
        self.assertEqual(result.n_validation, 0)
        self.assertTrue(all(r.val_loss is None for r in result.history))
        _, result = self.fit(validation_size=0)
        self.assertEqual(result.n_validation, 0)

    def test_validation_tail_is_the_last_rows(self):
        net, result = self.fit(validation_size=0.2, epochs=2, patience=None)
        tail = torch.from_numpy(self.X[-120:]), torch.from_numpy(self.y[-120:])
        self.assertEqual(result.history[result.best_epoch - 1].val_loss,
                         evaluate_loss(net, *tail))

    def test_callback_once_per_epoch(self):
        reports = []
        self.fit(epochs=4, callback=reports.append)
        self.assertEqual(len(reports), 4)
        self.assertIsInstance(reports[0], EpochReport)
        self.assertEqual([(r.epoch, r.epochs) for r in reports],
                         [(1, 4), (2, 4), (3, 4), (4, 4)])

    def test_callback_true_stops(self):
        _, result = self.fit(epochs=10, callback=lambda r: r.epoch == 2)
        self.assertEqual(result.epochs_trained, 2)
        self.assertIn("callback", result.stop_reason)

    def test_cancel_propagates(self):
        def cancel(report):
            raise TrainingCancelled()
        with self.assertRaises(TrainingCancelled):
            self.fit(callback=cancel)

    def test_early_stopping_restores_best_weights(self):
        # A validation tail from another regime makes the val loss get worse
        # as the network fits the training part.
        y = self.y.copy()
        y[-150:] = -y[-150:]
        net = small_network()
        result = fit_network(net, self.X, y, epochs=30, patience=2,
                             validation_size=0.25, learning_rate=0.01,
                             device="cpu")
        self.assertLess(result.epochs_trained, 30)
        self.assertIn("early stopping", result.stop_reason)
        val = [r.val_loss for r in result.history]
        self.assertEqual(result.best_epoch, int(np.argmin(val)) + 1)
        self.assertLess(result.best_epoch, result.epochs_trained)
        self.assertIn(f"restored the weights of epoch {result.best_epoch}",
                      result.stop_reason)
        tail = torch.from_numpy(self.X[-150:]), torch.from_numpy(y[-150:])
        self.assertEqual(evaluate_loss(net, *tail), min(val))

    def test_nan_in_first_epoch_is_a_value_error(self):
        X = self.X.copy()
        X[5, 0, 0] = np.inf  # makes the first epoch's loss NaN
        net = small_network()
        initial = {k: v.clone() for k, v in net.state_dict().items()}
        with self.assertRaisesRegex(
                ValueError, r"first epoch; lower the learning rate \(now 1e\+06"):
            fit_network(net, X, self.y, learning_rate=1e6, clip_norm=None,
                        epochs=2, device="cpu")
        # the network is left as it was, not NaN
        for key, value in net.state_dict().items():
            torch.testing.assert_close(value, initial[key])

    def test_nan_later_keeps_last_finite_weights(self):
        net = small_network()
        kept = {}

        def poison(report):
            if report.epoch == 2:
                kept.update({k: v.clone()
                             for k, v in net.state_dict().items()})
                with torch.no_grad():
                    net.head.weight.fill_(math.nan)

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = fit_network(net, self.X, self.y, epochs=5,
                                 validation_size=0, callback=poison,
                                 device="cpu")
        self.assertEqual(result.epochs_trained, 2)
        self.assertIn("NaN in epoch 3", result.stop_reason)
        self.assertTrue(any("NaN" in str(w.message) for w in caught))
        for key, value in net.state_dict().items():
            torch.testing.assert_close(value, kept[key])

    def test_same_seed_same_weights(self):
        def weights(seed):
            with seeded(seed):
                net = RecurrentNetwork(1, 1, hidden_size=8, num_layers=2,
                                       dropout=0.3)
                fit_network(net, self.X, self.y, epochs=2, device="cpu",
                            random_state=seed)
            return torch.cat([p.flatten() for p in net.parameters()])

        self.assertTrue(torch.equal(weights(1), weights(1)))
        self.assertFalse(torch.equal(weights(1), weights(2)))

    def test_seeded_restores_global_state(self):
        before = torch.random.get_rng_state()
        with seeded(3):
            torch.randn(10)
        self.assertTrue(torch.equal(before, torch.random.get_rng_state()))

    def test_classification(self):
        labels = (self.y > 0).astype(np.int64)
        with seeded(0):
            net = RecurrentNetwork(1, 2, hidden_size=8)
        result = fit_network(net, self.X, labels, task=CLASSIFICATION,
                             epochs=3, device="cpu")
        self.assertLess(result.history[-1].train_loss,
                        result.history[0].train_loss)

    def test_bad_arguments(self):
        with self.assertRaisesRegex(ValueError, "Epochs"):
            self.fit(epochs=0)
        with self.assertRaisesRegex(ValueError, "Validation size"):
            self.fit(validation_size=1)

    def test_cpu_training_shares_the_array(self):
        X = self.X.astype(np.float64)
        tensor = _device_tensor(X, torch.device("cpu"))
        self.assertEqual(tensor.data_ptr(), X.ctypes.data)
        net = small_network()
        fit_network(net, X, self.y, epochs=1, device="cpu")  # cast per batch

    def test_clipping_matches_torch(self):
        for scale in (0.01, 100.0):
            grads = [torch.randn(3, 4) * scale, torch.randn(5) * scale]
            ours = [nn.Parameter(torch.zeros_like(g)) for g in grads]
            theirs = [nn.Parameter(torch.zeros_like(g)) for g in grads]
            for a, b, g in zip(ours, theirs, grads):
                a.grad, b.grad = g.clone(), g.clone()
            _clip_gradients(ours, 1.0)
            nn.utils.clip_grad_norm_(theirs, 1.0)
            for a, b in zip(ours, theirs):
                torch.testing.assert_close(a.grad, b.grad)

    def test_resolve_device(self):
        self.assertEqual(resolve_device("cpu").type, "cpu")
        expected = "cuda" if torch.cuda.is_available() else "cpu"
        self.assertEqual(resolve_device("auto").type, expected)
        if not torch.cuda.is_available():
            with self.assertRaisesRegex(ValueError, "no CUDA device"):
                resolve_device("cuda")


if __name__ == "__main__":
    unittest.main()
