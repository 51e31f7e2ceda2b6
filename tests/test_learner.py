"""RecurrentLearner / RecurrentModel as Orange learner and model."""
import copy
import os
import pickle
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

import numpy as np

from Orange.data import (
    ContinuousVariable, DiscreteVariable, Domain, StringVariable, Table,
)
from Orange import evaluation
from Orange.evaluation import CA, RMSE, CrossValidation

from orangecontrib.recurrent import (
    RecurrentLearner, RecurrentModel, chronological_split, make_windows,
)
from orangecontrib.recurrent.training import EpochReport, TrainingCancelled
from tests.series import series_table, sine_values

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sine_windows(n=800, window=10, seed=0):
    return make_windows(series_table(sine_values(n, seed=seed), name="y"),
                        window)


def quick(**kwargs):
    """A small, fast learner for tests."""
    return RecurrentLearner(**{"hidden_size": 12, "epochs": 3,
                               "learning_rate": 0.01, "device": "cpu",
                               **kwargs})


def shapes_table(n=120, length=24, seed=0):
    """UCR-style rows (no window metadata): a rising ramp or a bump, noisy."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 1, length)
    labels = rng.integers(0, 2, n)
    X = np.where(labels[:, None] == 0, t[None, :],
                 np.exp(-((t[None, :] - 0.5) ** 2) / 0.02))
    X = X + rng.normal(0, 0.2, (n, length))
    domain = Domain([ContinuousVariable(f"v{i}") for i in range(length)],
                    DiscreteVariable("shape", values=("ramp", "bump")))
    return Table.from_numpy(domain, X, labels.astype(float))


def rmse(pred, actual):
    return float(np.sqrt(np.mean((pred - actual) ** 2)))


class TestRegression(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.train, cls.test = chronological_split(sine_windows(), 0.2)
        cls.model = quick(epochs=5)(cls.train)

    def test_beats_mean_and_naive(self):
        pred = self.model(self.test)
        self.assertEqual(pred.shape, (len(self.test),))
        error = rmse(pred, self.test.Y)
        mean = rmse(self.train.Y.mean(), self.test.Y)
        naive = rmse(self.test.X[:, -1], self.test.Y)
        self.assertLess(error, 0.3 * mean)
        self.assertLess(error, naive)

    def test_model_attributes(self):
        model = self.model
        self.assertIsInstance(model, RecurrentModel)
        self.assertEqual(model.name, "LSTM")
        self.assertEqual(model.device_used, "cpu")
        self.assertEqual(model.epochs_trained, 5)
        self.assertEqual(len(model.history), 5)
        self.assertIsInstance(model.history[0], EpochReport)
        self.assertTrue(1 <= model.best_epoch <= 5)
        self.assertIn("epochs", model.stop_reason)

    def test_history_table(self):
        table = self.model.history_table()
        self.assertEqual([v.name for v in table.domain.attributes],
                         ["epoch", "train loss", "validation loss"])
        np.testing.assert_array_equal(table.X[:, 0], [1, 2, 3, 4, 5])
        self.assertTrue(np.isfinite(table.X).all())
        model = quick(epochs=2, validation_size=0)(self.train)
        self.assertTrue(np.isnan(model.history_table().X[:, 2]).all())

    def test_pickle_round_trip(self):
        model = pickle.loads(pickle.dumps(self.model))
        self.assertIsNone(model.__dict__.get("original_data"))
        np.testing.assert_array_equal(model(self.test), self.model(self.test))
        self.assertEqual(model.history, self.model.history)
        deep = copy.deepcopy(self.model)
        np.testing.assert_array_equal(deep(self.test), self.model(self.test))

    def test_pickle_loads_without_cuda(self):
        model = self.model
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "model.pkl")
            with open(path, "wb") as f:
                pickle.dump((model, self.test), f)
            script = (
                "import pickle, sys, numpy as np, torch\n"
                "assert not torch.cuda.is_available()\n"
                "model, test = pickle.load(open(sys.argv[1], 'rb'))\n"
                "np.save(sys.argv[2], model(test))\n")
            out = os.path.join(tmp, "pred.npy")
            env = dict(os.environ, CUDA_VISIBLE_DEVICES="", PYTHONPATH=ROOT)
            subprocess.run([sys.executable, "-c", script, path, out],
                           check=True, env=env, timeout=120)
            np.testing.assert_array_equal(np.load(out), model(self.test))

    def test_classless_data(self):
        # As the Predictions widget does: data without the target.
        domain = Domain(self.test.domain.attributes,
                        metas=self.test.domain.metas)
        data = self.test.transform(domain)
        np.testing.assert_array_equal(self.model(data), self.model(self.test))

    def test_prediction_in_batches(self):
        import orangecontrib.recurrent.training as training
        whole = self.model(self.test)
        # 10 steps x 4 gates x 12 units: 3 rows per forward pass
        with mock.patch.object(training, "FORWARD_VALUES", 1440):
            self.assertEqual(
                training.forward_rows(self.model.network(), 10), 3)
            np.testing.assert_allclose(self.model(self.test), whole,
                                       rtol=1e-6)

    def test_numpy_input(self):
        np.testing.assert_array_equal(self.model(self.test.X),
                                      self.model(self.test))

    def test_same_seed_same_model(self):
        a = quick(epochs=2, random_state=7)(self.train)(self.test)
        b = quick(epochs=2, random_state=7)(self.train)(self.test)
        c = quick(epochs=2, random_state=8)(self.train)(self.test)
        self.assertTrue(np.array_equal(a, b))
        self.assertFalse(np.array_equal(a, c))

    def test_scaling_uses_data_units(self):
        # The same series in other units: predictions scale along.
        scaled = self.train.copy()
        with scaled.unlocked():
            scaled.X = scaled.X * 1000 + 5000
            scaled.Y = scaled.Y * 1000 + 5000
        test = self.test.copy()
        with test.unlocked():
            test.X = test.X * 1000 + 5000
        model = quick(epochs=5)(scaled)
        np.testing.assert_allclose(model(test),
                                   self.model(self.test) * 1000 + 5000,
                                   rtol=1e-3, atol=1)


class TestClassification(unittest.TestCase):
    def test_shapes_without_window_metadata(self):
        data = shapes_table()
        train, test = data[:90], data[90:]
        model = quick(epochs=8, validation_size=0)(train)
        probs = model(test, model.Probs)
        self.assertEqual(probs.shape, (len(test), 2))
        np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=1e-6)
        values = model(test)
        accuracy = np.mean(values == test.Y)
        majority = max(np.mean(test.Y == 0), np.mean(test.Y == 1))
        self.assertGreater(accuracy, majority + 0.1)

    def test_rows_with_missing_inputs_get_the_class_prior(self):
        data = shapes_table()
        # three rows of class 0 to each of class 1: the prior is 3:1
        keep = np.flatnonzero(data.Y == 0)[:45].tolist() \
            + np.flatnonzero(data.Y == 1)[:15].tolist()
        model = quick(epochs=2, validation_size=0)(data[keep])
        np.testing.assert_allclose(model.class_prior, [0.75, 0.25])
        test = data[:4].copy()
        with test.unlocked(test.X):
            test.X[1, 3] = np.nan
        probs = model(test, model.Probs)
        np.testing.assert_allclose(probs[1], [0.75, 0.25])
        self.assertTrue(np.isfinite(probs).all())
        self.assertFalse(np.allclose(probs[0], [0.75, 0.25]))

    def test_cross_validation_ca(self):
        data = shapes_table(n=80)
        result = CrossValidation(k=2)(data, [quick(epochs=8)])
        self.assertGreater(CA(result)[0], 0.6)


class TestEvaluation(unittest.TestCase):
    def test_test_on_test_data_rmse(self):
        train, test = chronological_split(sine_windows(600), 0.2)
        result = evaluation.TestOnTestData()(train, test, [quick(epochs=4)])
        error = RMSE(result)[0]
        self.assertLess(error, rmse(train.Y.mean(), test.Y))

    def test_cross_validation_rmse(self):
        data = sine_windows(400)
        result = CrossValidation(k=2)(data, [quick(epochs=2)])
        self.assertTrue(np.isfinite(RMSE(result)[0]))


class TestVariants(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.train, cls.test = chronological_split(sine_windows(500), 0.2)

    def check(self, **kwargs):
        model = quick(**kwargs)(self.train)
        pred = model(self.test)
        self.assertEqual(pred.shape, (len(self.test),))
        self.assertTrue(np.isfinite(pred).all())
        losses = [r.train_loss for r in model.history]
        self.assertLess(losses[-1], losses[0], kwargs)
        return model

    def test_gru(self):
        self.assertEqual(self.check(cell="gru").name, "GRU")

    def test_rnn(self):
        self.assertEqual(self.check(cell="rnn").name, "RNN")

    def test_two_layers_with_dropout(self):
        self.check(num_layers=2, dropout=0.2)

    def test_bidirectional(self):
        self.check(bidirectional=True)

    def test_multivariate_windows(self):
        values = sine_values(400)
        table = series_table(values, extra={"z": np.cos(np.arange(400) / 10)})
        windows = make_windows(table, 8, series=["x", "z"], target="x")
        model = quick()(windows)
        self.assertEqual(model.architecture["n_series"], 2)
        self.assertTrue(np.isfinite(model(windows)).all())


class TestLearner(unittest.TestCase):
    def test_name_and_repr(self):
        self.assertEqual(RecurrentLearner().name, "LSTM")
        self.assertEqual(RecurrentLearner(cell="gru").name, "GRU")
        self.assertEqual(RecurrentLearner(name="mine").name, "mine")
        self.assertIn("hidden_size=8", repr(RecurrentLearner(hidden_size=8)))

    def test_deepcopy(self):
        learner = RecurrentLearner(hidden_size=8)
        copied = copy.deepcopy(learner)
        self.assertEqual(copied.params, learner.params)
        self.assertEqual(copied.name, "LSTM")

    def test_incompatibility_reason(self):
        learner = RecurrentLearner()
        x, z = ContinuousVariable("x"), ContinuousVariable("z")
        c = DiscreteVariable("c", values=("a", "b"))
        self.assertIsNone(learner.incompatibility_reason(Domain([x], z)))
        self.assertIsNone(learner.incompatibility_reason(Domain([x], c)))
        self.assertIn("no target",
                      learner.incompatibility_reason(Domain([x])))
        self.assertIn("single target",
                      learner.incompatibility_reason(Domain([x], [z, c])))
        self.assertIn("no features",
                      learner.incompatibility_reason(Domain([], z)))
        self.assertIn("'c' is not numeric",
                      learner.incompatibility_reason(Domain([x, c], z)))

    def test_bad_parameters(self):
        for kwargs, message in (({"cell": "tcn"}, "Unknown cell"),
                                ({"hidden_size": 0}, "hidden_size"),
                                ({"dropout": 1.0}, "dropout"),
                                ({"validation_size": 1.0}, "validation_size"),
                                ({"device": "tpu"}, "Unknown device")):
            with self.assertRaisesRegex(ValueError, message):
                RecurrentLearner(**kwargs)


class TestMemory(unittest.TestCase):
    def test_training_uses_the_table_without_a_copy(self):
        # learner.py imports fit_network from here when it trains
        import orangecontrib.recurrent.training as module
        data = sine_windows(300)
        with mock.patch.object(module, "fit_network",
                               wraps=module.fit_network) as fit:
            quick(epochs=1)(data)
        sequences = fit.call_args[0][1]
        self.assertEqual(sequences.shape, (len(data), 10, 1))
        self.assertTrue(np.shares_memory(sequences, data.X))

    def test_import_does_not_load_torch(self):
        # Neither the package, the learner module nor a learner loads torch;
        # training does.
        script = ("import sys, numpy as np, orangecontrib.recurrent as r\n"
                  "assert 'torch' not in sys.modules\n"
                  "learner = r.RecurrentLearner(hidden_size=2, epochs=1)\n"
                  "assert 'torch' not in sys.modules\n"
                  "from Orange.data import Table, Domain, "
                  "ContinuousVariable as C\n"
                  "d = Domain([C('a'), C('b')], C('y'))\n"
                  "x = np.arange(20.0).reshape(10, 2)\n"
                  "learner(Table.from_numpy(d, x, x[:, 1]))\n"
                  "assert 'torch' in sys.modules\n")
        subprocess.run([sys.executable, "-c", script], check=True,
                       env=dict(os.environ, PYTHONPATH=ROOT), timeout=120)


class TestBadInput(unittest.TestCase):
    def test_empty_table(self):
        data = sine_windows(100)[:0]
        with self.assertRaisesRegex(ValueError, "empty"):
            quick()(data)

    def test_series_shorter_than_window(self):
        with self.assertRaisesRegex(ValueError, "needs at least 13"):
            make_windows(series_table(np.arange(10.0)), 10, horizon=3)

    def test_no_numeric_column(self):
        domain = Domain([DiscreteVariable("d", values=("a", "b"))],
                        ContinuousVariable("y"))
        data = Table.from_numpy(domain, np.zeros((4, 1)), np.arange(4.0))
        with self.assertRaisesRegex(ValueError, "not numeric"):
            quick()(data)
        domain = Domain([], ContinuousVariable("y"),
                        metas=[StringVariable("s")])
        data = Table.from_numpy(domain, np.zeros((4, 0)), np.arange(4.0),
                                np.array([["a"]] * 4, dtype=object))
        with self.assertRaisesRegex(ValueError, "no features"):
            quick()(data)

    def test_constant_series(self):
        windows = make_windows(series_table(np.ones(50),
                                            extra={"y": np.arange(50.0)}),
                               5, series=["x", "y"], target="y")
        with self.assertRaisesRegex(ValueError, "Series 'x' is constant"):
            quick()(windows)

    def test_constant_target(self):
        # a copy owns its arrays: it can be unlocked also where the widget
        # tests' base module made Orange lock tables
        data = sine_windows(100).copy()
        with data.unlocked():
            data.Y[:] = 3
        with self.assertRaisesRegex(ValueError,
                                    r"target 'y\(t\+1\)' is constant"):
            quick()(data)

    def test_one_class_target(self):
        data = shapes_table(20)
        with data.unlocked():
            data.Y[:] = 1
        with self.assertRaisesRegex(ValueError, "one class \\('bump'\\)"):
            quick()(data)

    def test_missing_values_are_named(self):
        data = sine_windows(100).copy()
        with data.unlocked():
            data.X[3, 2] = np.nan
        with self.assertRaisesRegex(ValueError,
                                    r"'y\(t-7\)'.*Windowing interpolate"):
            quick()(data)
        data = sine_windows(100).copy()
        with data.unlocked():
            data.Y[3] = np.nan
        with self.assertRaisesRegex(ValueError, "target 'y\\(t\\+1\\)' has "
                                                "missing values in 1 rows"):
            quick()(data)

    def test_one_row(self):
        with self.assertRaisesRegex(ValueError, "at least two rows"):
            quick()(sine_windows(100)[:1])

    def test_learning_rate_that_breaks_the_first_epoch(self):
        # An infinite step makes every weight non-finite in the first step.
        learner = quick(learning_rate=float("inf"), epochs=4)
        with self.assertRaisesRegex(ValueError,
                                    r"first epoch; lower the learning rate "
                                    r"\(now inf\)"):
            learner(sine_windows(300))


class TestCallback(unittest.TestCase):
    def test_callback_and_stop(self):
        reports = []

        def callback(report):
            reports.append(report)
            return report.epoch == 2

        model = quick(epochs=5, callback=callback)(sine_windows(300))
        self.assertEqual([r.epoch for r in reports], [1, 2])
        self.assertEqual(model.epochs_trained, 2)
        self.assertFalse(hasattr(model, "callback"))
        pickle.dumps(model)  # the callback (a local function) is not on it

    def test_cancel_propagates(self):
        def cancel(report):
            raise TrainingCancelled

        with self.assertRaises(TrainingCancelled):
            quick(callback=cancel)(sine_windows(300))


if __name__ == "__main__":
    unittest.main()
