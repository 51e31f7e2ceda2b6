"""Log normalization and auto's choice of it for multiplicative series;
the linear skip for short series."""
import pickle
import unittest

import numpy as np

from orangecontrib.recurrent import (
    RecurrentLearner, chronological_split, make_windows,
)
from orangecontrib.recurrent.autonorm import multiplicative
from orangecontrib.recurrent.datasets import load
from tests.series import series_table, sine_values


def airline_windows():
    return make_windows(load("airpassengers"), 12)


class TestMultiplicative(unittest.TestCase):
    def test_detects_growing_swings(self):
        airline = load("airpassengers")
        self.assertTrue(multiplicative(airline.get_column(
            airline.domain.attributes[0])))
        nile = load("nile")
        self.assertFalse(multiplicative(nile.get_column(
            nile.domain.attributes[0])))
        self.assertFalse(multiplicative(sine_values(500) + 5))
        self.assertFalse(multiplicative(sine_values(500)))  # not positive
        self.assertFalse(multiplicative([1.0, 2.0, 3.0]))  # too short


class TestLogNormalization(unittest.TestCase):
    def test_log_model_predicts_levels_and_pickles(self):
        train, test = chronological_split(airline_windows(), 0.2)
        model = RecurrentLearner(normalization="log", hidden_size=8,
                                 device="cpu")(train)
        self.assertEqual(model.normalization_used, "log")
        self.assertTrue(model.architecture["log"])
        self.assertEqual(model.architecture["skip_inputs"], 12)
        predictions = model(test)
        # levels beyond the training range, in passengers
        self.assertGreater(predictions.max(), train.Y.max())
        rmse = np.sqrt(np.mean((predictions - test.Y) ** 2))
        naive = np.sqrt(np.mean((test.X[:, -1] - test.Y) ** 2))
        self.assertLess(rmse, naive)
        copy = pickle.loads(pickle.dumps(model))
        np.testing.assert_allclose(copy(test), predictions, rtol=1e-6)

    def test_auto_chooses_log_for_airline(self):
        train, _ = chronological_split(airline_windows(), 0.2)
        model = RecurrentLearner(epochs=5, hidden_size=8,
                                 device="cpu")(train)
        self.assertEqual(model.normalization_used, "log")
        self.assertIn("auto: log", model.normalization_reason)

    def test_log_needs_positive_values(self):
        windows = make_windows(series_table(sine_values(300)), 10)
        with self.assertRaisesRegex(ValueError, "must be positive"):
            RecurrentLearner(normalization="log", epochs=1)(windows)

    def test_no_skip_for_longer_series(self):
        windows = make_windows(series_table(sine_values(400) + 3), 10)
        model = RecurrentLearner(hidden_size=4,
                                 normalization="global")(windows)
        self.assertNotIn("skip_inputs", model.architecture)
        short = RecurrentLearner(hidden_size=4,
                                 normalization="global")(windows[:150])
        self.assertEqual(short.architecture["skip_inputs"], 10)
        # a learner given its epochs trains as before issue 14: no skip
        fixed = RecurrentLearner(epochs=1, hidden_size=4,
                                 normalization="global")(windows[:150])
        self.assertNotIn("skip_inputs", fixed.architecture)


class TestSkipStartsAtLinearRegression(unittest.TestCase):
    def test_untrained_network_predicts_the_ridge_fit(self):
        # pylint: disable=import-outside-toplevel
        import torch
        from orangecontrib.recurrent.network import (
            RecurrentNetwork, start_skip_at_least_squares,
        )
        rng = np.random.default_rng(0)
        X = rng.normal(5, 2, (120, 6, 1))
        t = X[:, :, 0] @ np.linspace(-1, 1, 6) + 0.5 \
            + rng.normal(0, 0.1, 120)
        network = RecurrentNetwork(1, hidden_size=4, skip_inputs=6,
                                   input_mean=[5.0], input_scale=[2.0])
        start_skip_at_least_squares(network, X, t, ridge=0.0)
        with torch.no_grad():
            out = network(torch.as_tensor(X)).numpy()[:, 0]
        design = np.hstack([X[:, :, 0], np.ones((120, 1))])
        coef, *_ = np.linalg.lstsq(design, t, rcond=None)
        np.testing.assert_allclose(out, design @ coef, atol=1e-4)
        # the recurrent part starts silent and learns what is left
        self.assertEqual(float(network.head.weight.abs().sum()), 0.0)

    def test_airline_at_defaults_is_near_linear_regression(self):
        # seeds starting from a random head ended 1.0-1.4x linear
        # regression (seed 3: 25.6 against 18.58); from its fit, 0.94-1.06
        # (benchmarks/README-accuracy.md)
        # pylint: disable=import-outside-toplevel
        from sklearn.linear_model import LinearRegression
        train, test = chronological_split(airline_windows(), 0.2)
        linear = LinearRegression().fit(train.X, train.Y).predict(test.X)
        linear_rmse = np.sqrt(np.mean((linear - test.Y) ** 2))
        model = RecurrentLearner(random_state=3, device="cpu")(train)
        rmse = np.sqrt(np.mean((model(test) - test.Y) ** 2))
        self.assertLess(rmse / linear_rmse, 1.1)


class TestTraceOfLogModel(unittest.TestCase):
    def test_trace_prediction_is_the_models(self):
        # pylint: disable=import-outside-toplevel
        from orangecontrib.recurrent.inspection import trace
        train, test = chronological_split(airline_windows(), 0.2)
        model = RecurrentLearner(normalization="log", epochs=3,
                                 hidden_size=4, device="cpu")(train)
        traces = trace(model, test, [0, 5])
        np.testing.assert_allclose([t.prediction for t in traces],
                                   model(test)[[0, 5]], rtol=1e-4)


if __name__ == "__main__":
    unittest.main()
