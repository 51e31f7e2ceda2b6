"""Faults found by the bad-input matrix (issue 12), in the library: each test
failed before its fix."""
import time
import unittest
import warnings
from unittest import mock

import numpy as np

from Orange.data import (
    ContinuousVariable, DiscreteVariable, Domain, Table, TimeVariable,
)

from orangecontrib.recurrent import RecurrentLearner, make_windows
from orangecontrib.recurrent.reports import StopReason, TrainingCancelled
from orangecontrib.recurrent.scaling import is_constant


def series(y, name="y"):
    return Table.from_numpy(Domain([ContinuousVariable(name)]),
                            np.asarray(y, dtype=float)[:, None])


def sine(n=600):
    return np.sin(np.arange(n) * 0.1)


def quiet(learner, data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return learner(data)


class TestDiscreteTargetGaps(unittest.TestCase):
    def test_a_class_is_never_interpolated(self):
        dom = Domain([ContinuousVariable("x")],
                     DiscreteVariable("k", values=("a", "b", "c")))
        t = Table.from_numpy(dom, np.arange(6.)[:, None],
                             np.array([0, np.nan, 2, 0, np.nan, 1]))
        w = make_windows(t, 1)
        # before: [1, 2, 0, 0.5, 1]: 0.5 is no class, 1 ("b") made up
        np.testing.assert_array_equal(w.Y, [2, 0, 1])
        report = w.attributes["windowing"]
        self.assertEqual(report.n_target_missing, 2)
        self.assertEqual(report.n_dropped, 2)
        self.assertEqual(report.n_interpolated, 0)

    def test_numeric_series_are_still_interpolated(self):
        dom = Domain([ContinuousVariable("x")],
                     DiscreteVariable("k", values=("a", "b")))
        t = Table.from_numpy(dom, np.array([0, np.nan, 2, 3, 4, 5.])[:, None],
                             np.array([0, 1, 0, 1, 0, 1]))
        w = make_windows(t, 2, series=["x"])
        self.assertEqual(w.attributes["windowing"].n_interpolated, 1)
        self.assertEqual(w.X[0, 1], 1.0)


class TestWindowShape(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.w10 = make_windows(series(sine()), 10)
        cls.model = RecurrentLearner(epochs=1, hidden_size=4)(cls.w10)

    def test_windows_of_another_length_raise(self):
        w5 = make_windows(series(sine()), 5)
        with self.assertRaisesRegex(
                ValueError, r"trained on windows of 10 steps of 'y'.*"
                            r"windows of 5 steps of 'y'"):
            self.model(w5)

    def test_an_array_of_the_wrong_width_raises(self):
        with self.assertRaisesRegex(
                ValueError, r"reads windows of 10 steps.*shape \(3, 5\)"):
            self.model(np.zeros((3, 5)))
        with self.assertRaisesRegex(ValueError, r"shape"):
            self.model.predict(np.zeros((3, 11)))

    def test_longer_windows_hold_every_column_and_work(self):
        w15 = make_windows(series(sine()), 15)
        p15 = self.model(w15)
        self.assertTrue(np.isfinite(p15).all())
        # the same last ten values give the same prediction
        np.testing.assert_allclose(p15[-5:], self.model(self.w10)[-5:],
                                   rtol=1e-6)


class TestWindowMemory(unittest.TestCase):
    def test_too_large_a_window_table_is_refused_before_allocating(self):
        big = series(np.zeros(1_000_000))
        start = time.perf_counter()
        with self.assertRaisesRegex(
                ValueError, r"990,000 windows of 10000 steps x 1 series "
                            r"from 1,000,000 rows would take 73\.8 GiB.*"
                            r"Shorten the window"):
            make_windows(big, 10_000)
        self.assertLess(time.perf_counter() - start, 1)

    def test_the_limit_is_the_memory_available(self):
        with mock.patch("psutil.virtual_memory") as memory:
            memory.return_value.available = 3 * 8 * 90 * 11 - 1
            with self.assertRaisesRegex(ValueError, "would take"):
                make_windows(series(sine(100)), 10)
            memory.return_value.available = 3 * 8 * 90 * 11
            self.assertEqual(len(make_windows(series(sine(100)), 10)), 90)


class TestConstant(unittest.TestCase):
    def test_the_rule_is_relative_to_the_values(self):
        y = 1e-12 * sine()
        self.assertFalse(is_constant(y.std(), y.mean()))
        self.assertTrue(is_constant(0.0, 0.0))
        self.assertTrue(is_constant(1e-6, 1e8))  # float64 noise on 1e8
        self.assertFalse(is_constant(1e-3, 1e8))

    def test_a_small_scale_series_trains(self):
        w = make_windows(series(1e-12 * sine()), 10)
        model = RecurrentLearner(epochs=5, hidden_size=8, learning_rate=0.01,
                                 normalization="global")(w)
        p = model(w)
        self.assertGreater(p.std(), 0.9 * w.Y.std())
        self.assertLess(np.abs(p).max(), 1e-11)

    def test_a_constant_series_is_still_refused(self):
        w = make_windows(series(np.full(100, 3.0)), 5)
        with self.assertRaisesRegex(ValueError, r"'y' is constant \(3\)"):
            RecurrentLearner(epochs=1)(w)


class TestFloat64Centring(unittest.TestCase):
    def test_a_series_far_from_zero_keeps_its_detail(self):
        y = 1e8 + sine()
        w = make_windows(series(y), 10)
        model = RecurrentLearner(epochs=5, hidden_size=16, learning_rate=0.01,
                                 normalization="global")(w)
        p = model(w)
        # before: std 0 (float32 rounds 1e8 + sin t to 1e8 +- 8)
        self.assertGreater(p.std(), 0.9 * w.Y.std())
        rmse = np.sqrt(np.mean((p - w.Y) ** 2))
        self.assertLess(rmse, 0.05 * w.Y.std())
        # the same model on the sine itself learns the same (scale-free)
        near_zero = RecurrentLearner(epochs=5, hidden_size=16,
                                     learning_rate=0.01,
                                     normalization="global")(
            make_windows(series(sine()), 10))
        np.testing.assert_allclose(p - 1e8, near_zero(
            make_windows(series(sine()), 10)), atol=1e-3)


class TestDivergence(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.w = make_windows(series(sine(1000)), 10)

    def fit(self, lr):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = RecurrentLearner(epochs=5, learning_rate=lr,
                                     hidden_size=16,
                                     normalization="global")(self.w)
        return model, [str(w.message) for w in caught
                       if issubclass(w.category, RuntimeWarning)]

    def test_learning_rate_10_is_reported(self):
        model, caught = self.fit(10)
        self.assertIs(model.stop, StopReason.DIVERGED)
        self.assertRegex(model.stop_reason,
                         r"the learning rate \(10\) is probably too high; "
                         r"lower it \(e\.g\. to 0\.001\)")
        self.assertTrue(any("Training stopped" in c for c in caught))

    def test_learning_rate_1e6_is_reported(self):
        model, _ = self.fit(1e6)
        self.assertIs(model.stop, StopReason.DIVERGED)
        self.assertRegex(model.stop_reason, r"times that of predicting the "
                                            r"mean")

    def test_a_good_learning_rate_is_not(self):
        model, caught = self.fit(1e-3)
        self.assertIs(model.stop, StopReason.COMPLETED)
        self.assertEqual(caught, [])

    def test_a_constant_output_is_divergence(self):
        # pylint: disable=import-outside-toplevel
        import torch
        from orangecontrib.recurrent.divergence import DivergenceWatch
        from orangecontrib.recurrent.training import _batch
        generator = torch.Generator().manual_seed(0)
        X = torch.randn(100, 5, 1, generator=generator)
        y = torch.randn(100, generator=generator)
        watch = DivergenceWatch("regression", X, y, 0.5, _batch)
        constant = torch.nn.Sequential(torch.nn.Flatten(),
                                       torch.nn.Linear(5, 1))
        with torch.no_grad():
            constant[1].weight.zero_()
        self.assertRegex(watch.check(constant, 3, 0.9),
                         r"after epoch 3 the network gives every row the "
                         r"same output")
        varying = torch.nn.Sequential(torch.nn.Flatten(),
                                      torch.nn.Linear(5, 1))
        self.assertIsNone(watch.check(varying, 4, 0.9))
        # a loss that rose tenfold and past the baseline
        watch = DivergenceWatch("regression", X, y, 0.5, _batch)
        self.assertIsNone(watch.check(varying, 1, 0.01))
        self.assertIsNone(watch.check(varying, 2, 0.9))
        baseline = watch.baseline
        self.assertRegex(watch.check(varying, 3, 1.1 * baseline),
                         r"rose to .* in epoch 3, .* times its first value")


class TestCancelBetweenBatches(unittest.TestCase):
    def test_should_stop_is_asked_every_batch(self):
        w = make_windows(series(sine(3000)), 10)
        calls = []

        def should_stop():
            calls.append(1)
            return len(calls) > 3

        learner = RecurrentLearner(epochs=50, hidden_size=8, batch_size=32)
        learner.should_stop = should_stop
        with self.assertRaises(TrainingCancelled):
            learner(w)
        self.assertEqual(len(calls), 4)  # after three batches, not an epoch

    def test_a_large_epoch_is_abandoned_at_once(self):
        w = make_windows(series(np.sin(np.arange(300_050) * 0.01)), 50)
        self.assertEqual(len(w), 300_000)
        learner = RecurrentLearner(epochs=5, hidden_size=50)
        state = {"batches": 0}

        def should_stop():
            state["batches"] += 1
            if state["batches"] == 2:  # after the first batch
                state["asked"] = time.perf_counter()
            return state["batches"] >= 2

        learner.should_stop = should_stop
        with self.assertRaises(TrainingCancelled):
            learner(w)
        self.assertLess(time.perf_counter() - state["asked"], 1.0)


class TestWholeNumbers(unittest.TestCase):
    def test_fractional_epochs_are_refused_at_once(self):
        with self.assertRaisesRegex(ValueError,
                                    r"epochs must be a whole number "
                                    r"\(got 2\.5\)"):
            RecurrentLearner(epochs=2.5)
        self.assertEqual(RecurrentLearner(epochs=3.0).epochs, 3.0)


class TestTimeIrregularities(unittest.TestCase):
    def test_duplicates_and_gaps_are_counted(self):
        times = np.array([0, 1, 2, 2, 3, 4, 10, 11, 12, 13, 14, 15.])
        d = Domain([ContinuousVariable("y")], metas=[TimeVariable("t")])
        t = Table.from_numpy(d, np.sin(times)[:, None],
                             metas=times[:, None])
        report = make_windows(t, 2).attributes["windowing"]
        self.assertEqual((report.n_duplicate_times, report.n_time_gaps,
                          report.time_step), (1, 1, 1.0))

    def test_regular_times_and_row_order_report_none(self):
        times = np.arange(20.)
        d = Domain([ContinuousVariable("y")], metas=[TimeVariable("t")])
        t = Table.from_numpy(d, np.sin(times)[:, None],
                             metas=times[:, None])
        report = make_windows(t, 2).attributes["windowing"]
        self.assertEqual((report.n_duplicate_times, report.n_time_gaps), (0, 0))
        report = make_windows(t, 2, time=False).attributes["windowing"]
        self.assertEqual((report.n_duplicate_times, report.n_time_gaps), (0, 0))


if __name__ == "__main__":
    unittest.main()
