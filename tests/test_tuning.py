"""tune(): grid, random and Bayesian search; the validation split; cancel."""
import unittest

import numpy as np

from Orange.classification import KNNLearner, TreeLearner
from Orange.data import ContinuousVariable, DiscreteVariable, Domain, Table
from Orange.regression import KNNRegressionLearner, LinearRegressionLearner

from orangecontrib.recurrent import (
    LogRange, Range, RecurrentLearner, TuneResult, make_windows, tune,
)
from orangecontrib.recurrent.tuning import (
    SPLIT_CHRONOLOGICAL, SPLIT_RANDOM, SPLIT_STRATIFIED, learner_with,
    tunable_parameters, validation_split,
)

from tests.series import sine_table


def windows(n=400, length=8):
    return make_windows(sine_table(n), length)


def independent(n=60, seed=0):
    """Rows that are independent: two features, a 2:1 unbalanced class."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = (np.arange(n) % 3 == 0).astype(float)
    X[:, 0] += 2 * y
    domain = Domain([ContinuousVariable("a"), ContinuousVariable("b")],
                    DiscreteVariable("c", values=("no", "yes")))
    return Table.from_numpy(domain, X, y)


def small_lstm(**kwargs):
    return RecurrentLearner(**dict(dict(epochs=2, hidden_size=4, patience=None,
                                        random_state=0, device="cpu"),
                                   **kwargs))


class TestGrid(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data = windows()
        cls.space = {"hidden_size": [4, 8], "learning_rate": [1e-3, 1e-2]}
        cls.result = tune(small_lstm(), cls.data, cls.space)

    def test_four_scored_trials_best_is_a_grid_point(self):
        result = self.result
        self.assertIsInstance(result, TuneResult)
        self.assertEqual(len(result.trials), 4)
        self.assertEqual([t.params for t in result.trials],
                         [{"hidden_size": h, "learning_rate": r}
                          for h in (4, 8) for r in (1e-3, 1e-2)])
        scores = [t.score for t in result.trials]
        self.assertTrue(all(0 < s < 2 for s in scores), scores)
        self.assertEqual(result.scorer, "RMSE")
        self.assertFalse(result.higher_is_better)
        self.assertIn(result.best_params, [t.params for t in result.trials])
        self.assertEqual(result.best_trial.score, min(scores))
        best = result.best_learner
        self.assertIsInstance(best, RecurrentLearner)
        self.assertEqual((best.hidden_size, best.learning_rate),
                         (result.best_params["hidden_size"],
                          result.best_params["learning_rate"]))
        self.assertEqual(best.epochs, 2)  # the rest stays as given
        self.assertFalse(result.cancelled)

    def test_table(self):
        table = self.result.table
        self.assertEqual(len(table), 4)
        names = [a.name for a in table.domain.attributes]
        self.assertEqual(names, ["hidden_size", "learning_rate", "epochs",
                                 "fit time (s, wall)", "fit time (s, CPU)"])
        self.assertEqual(table.domain.class_var.name, "validation RMSE")
        np.testing.assert_array_equal(table.X[:, 0], [4, 4, 8, 8])
        np.testing.assert_array_equal(table.X[:, 2], [2, 2, 2, 2])
        self.assertTrue((table.X[:, 3] > 0).all())
        np.testing.assert_allclose(table.Y,
                                   [t.score for t in self.result.trials])

    def test_score_is_the_validation_tail_rmse(self):
        result = self.result
        train = self.data[result.train_rows]
        valid = self.data[result.validation_rows]
        model = result.best_learner(train)
        rmse = np.sqrt(np.mean((model(valid) - valid.Y) ** 2))
        self.assertAlmostEqual(rmse, result.best_trial.score, places=5)

    def test_learner_is_not_changed(self):
        learner = small_lstm(callback=lambda report: False)
        result = tune(learner, self.data, {"hidden_size": [3]})
        self.assertEqual(learner.hidden_size, 4)
        self.assertIsNotNone(learner.callback)
        self.assertIsNone(result.best_learner.callback)
        self.assertEqual(result.best_learner.hidden_size, 3)

    def test_missing_targets_are_not_scored(self):
        data = self.data.copy()
        with data.unlocked(data.Y):
            data.Y[-5:] = np.nan  # in the validation tail
        result = tune(LinearRegressionLearner(), data,
                      {"fit_intercept": [True]})
        valid = data[result.validation_rows][:-5]
        model = LinearRegressionLearner()(data[result.train_rows])
        self.assertAlmostEqual(result.trials[0].score,
                               np.sqrt(np.mean((model(valid) - valid.Y) ** 2)))
        self.assertTrue(np.isfinite(result.trials[0].score))

    def test_tuple_is_a_range_for_random_search(self):
        result = tune(KNNRegressionLearner(), self.data,
                      {"n_neighbors": (2, 4)}, method="random", n_trials=4)
        self.assertTrue(all(t.params["n_neighbors"] in (2, 3, 4)
                            for t in result.trials))
        self.assertEqual(result.space["n_neighbors"], Range(2, 4))

    def test_n_trials_caps_the_grid(self):
        result = tune(LinearRegressionLearner(), self.data,
                      {"fit_intercept": [True, False]}, n_trials=1)
        self.assertEqual(len(result.trials), 1)
        self.assertEqual(result.n_planned, 1)


class TestSplit(unittest.TestCase):
    def test_chronological_tail_for_windows(self):
        data = windows(200)
        n = len(data)
        train, val, split = validation_split(data, 0.2)
        self.assertEqual(split, SPLIT_CHRONOLOGICAL)
        self.assertEqual(n, 192)  # 200 points, window 8
        np.testing.assert_array_equal(val, np.arange(154, 192))  # 20%: 38
        np.testing.assert_array_equal(train, np.arange(154))
        result = tune(LinearRegressionLearner(), data,
                      {"fit_intercept": [True]})
        np.testing.assert_array_equal(result.validation_rows, val)
        self.assertEqual(result.split, SPLIT_CHRONOLOGICAL)

    def test_stratified_for_independent_rows(self):
        data = independent(60)
        train, val, split = validation_split(data, 0.2, random_state=1)
        self.assertEqual(split, SPLIT_STRATIFIED)
        self.assertEqual(len(val), 12)
        self.assertEqual(len(np.intersect1d(train, val)), 0)
        self.assertEqual(len(train) + len(val), 60)
        # the classes' 2:1 shares hold in the validation part
        self.assertEqual(int(data.Y[val].sum()), 4)
        # not the tail: rows from all over the table
        self.assertLess(val.min(), 30)
        again = validation_split(data, 0.2, random_state=1)[1]
        np.testing.assert_array_equal(val, again)
        other = validation_split(data, 0.2, random_state=2)[1]
        self.assertFalse(np.array_equal(val, other))

    def test_random_for_numeric_independent_rows(self):
        data = independent(50)
        numeric = Table.from_numpy(
            Domain(data.domain.attributes, ContinuousVariable("t")),
            data.X, data.X[:, 0] * 2)
        train, val, split = validation_split(numeric, 0.2)
        self.assertEqual(split, SPLIT_RANDOM)
        self.assertEqual(len(val), 10)
        self.assertFalse(np.array_equal(val, np.arange(40, 50)))


class TestMethods(unittest.TestCase):
    def test_random_is_seeded_and_reproducible(self):
        data = windows(200)
        space = {"hidden_size": Range(2, 12),
                 "learning_rate": LogRange(1e-4, 1e-1)}
        first = tune(small_lstm(epochs=1), data, space, method="random",
                     n_trials=3, random_state=5)
        again = tune(small_lstm(epochs=1), data, space, method="random",
                     n_trials=3, random_state=5)
        other = tune(small_lstm(epochs=1), data, space, method="random",
                     n_trials=3, random_state=6)
        params = [t.params for t in first.trials]
        self.assertEqual(params, [t.params for t in again.trials])
        self.assertNotEqual(params, [t.params for t in other.trials])
        self.assertEqual([t.score for t in first.trials],
                         [t.score for t in again.trials])
        for p in params:
            self.assertIsInstance(p["hidden_size"], int)
            self.assertTrue(2 <= p["hidden_size"] <= 12)
            self.assertTrue(1e-4 <= p["learning_rate"] <= 1e-1)

    def test_random_over_lists_draws_grid_points_without_repeats(self):
        result = tune(KNNRegressionLearner(), windows(200),
                      {"n_neighbors": [1, 3, 5, 7]}, method="random",
                      n_trials=10)
        values = [t.params["n_neighbors"] for t in result.trials]
        self.assertEqual(sorted(values), [1, 3, 5, 7])

    def test_bayes(self):
        data = windows(200)
        result = tune(KNNRegressionLearner(), data,
                      {"n_neighbors": Range(1, 30)}, method="bayes",
                      n_trials=6, random_state=0)
        self.assertEqual(len(result.trials), 6)
        again = tune(KNNRegressionLearner(), data,
                     {"n_neighbors": Range(1, 30)}, method="bayes",
                     n_trials=6, random_state=0)
        self.assertEqual([t.params for t in result.trials],
                         [t.params for t in again.trials])
        scores = [t.score for t in result.trials]
        self.assertEqual(result.best_trial.score, min(scores))

    def test_grid_rejects_a_range(self):
        with self.assertRaisesRegex(ValueError, "Grid search needs a list"):
            tune(KNNLearner(), independent(), {"n_neighbors": (1, 5)})

    def test_unknown_method(self):
        with self.assertRaisesRegex(ValueError, "Unknown method 'anneal'"):
            tune(KNNLearner(), independent(), {"n_neighbors": [1]},
                 method="anneal")


class TestErrors(unittest.TestCase):
    def test_unknown_parameter(self):
        with self.assertRaisesRegex(
                ValueError, "RecurrentLearner has no parameter 'hiden_size'"
                            ".*hidden_size"):
            tune(small_lstm(), windows(100), {"hiden_size": [4, 8]})
        with self.assertRaisesRegex(ValueError, "KNNLearner has no parameter "
                                                "'depth'.*n_neighbors"):
            tune(KNNLearner(), independent(), {"depth": [1]})

    def test_bad_value_fails_before_any_fit(self):
        calls = []
        with self.assertRaisesRegex(ValueError, "hidden_size must be at least"):
            tune(small_lstm(), windows(100), {"hidden_size": [4, 0]},
                 callback=lambda *args: calls.append(args))
        self.assertEqual(calls, [])

    def test_failed_fit_names_the_trial(self):
        with self.assertRaisesRegex(ValueError, r"Trial 1 \(n_neighbors=500\)"
                                                " failed"):
            tune(KNNRegressionLearner(), windows(100),
                 {"n_neighbors": [500]})

    def test_empty_space_and_no_target(self):
        with self.assertRaisesRegex(ValueError, "search space is empty"):
            tune(KNNLearner(), independent(), {})
        data = independent()
        no_class = Table.from_numpy(Domain(data.domain.attributes), data.X)
        with self.assertRaisesRegex(ValueError, "exactly one target"):
            tune(KNNLearner(), no_class, {"n_neighbors": [1]})

    def test_bayes_without_optuna_says_how_to_install(self):
        import builtins  # pylint: disable=import-outside-toplevel
        real_import = builtins.__import__

        def no_optuna(name, *args, **kwargs):
            if name == "optuna":
                raise ImportError("No module named 'optuna'")
            return real_import(name, *args, **kwargs)
        builtins.__import__ = no_optuna
        try:
            with self.assertRaisesRegex(ImportError, "pip install optuna"):
                tune(KNNLearner(), independent(), {"n_neighbors": [1, 3]},
                     method="bayes", n_trials=2)
        finally:
            builtins.__import__ = real_import


class TestCancelAndOrange(unittest.TestCase):
    def test_cancel_keeps_trials_done(self):
        seen = []

        def callback(done, total, trial):
            seen.append((done, total, trial.number))
            return done == 2
        result = tune(small_lstm(epochs=1), windows(200),
                      {"hidden_size": [2, 3, 4, 5]}, callback=callback)
        self.assertEqual(seen, [(1, 4, 1), (2, 4, 2)])
        self.assertTrue(result.cancelled)
        self.assertEqual(result.n_planned, 4)
        self.assertEqual(len(result.trials), 2)
        self.assertEqual(len(result.table), 2)
        self.assertIn(result.best_params["hidden_size"], (2, 3))

    def test_orange_classifier_by_accuracy(self):
        data = independent(90)
        result = tune(KNNLearner(), data, {"n_neighbors": [1, 5, 9]})
        self.assertEqual(result.scorer, "CA")
        self.assertTrue(result.higher_is_better)
        self.assertEqual(result.split, SPLIT_STRATIFIED)
        valid = data[result.validation_rows]
        for trial in result.trials:
            # the parameter reached the fit: same accuracy by hand
            model = KNNLearner(n_neighbors=trial.params["n_neighbors"])(
                data[result.train_rows])
            self.assertAlmostEqual(trial.score,
                                   np.mean(model(valid) == valid.Y))
            self.assertIsNone(trial.epochs)
        self.assertEqual(result.best_trial.score,
                         max(t.score for t in result.trials))
        self.assertEqual(result.best_learner.params["n_neighbors"],
                         result.best_params["n_neighbors"])

    def test_orange_native_learner_attributes(self):
        # TreeLearner keeps its parameters as plain attributes
        self.assertIn("max_depth", tunable_parameters(TreeLearner()))
        tree = learner_with(TreeLearner(), {"max_depth": 1})
        self.assertEqual(tree.max_depth, 1)
        model = tree(independent(90))
        self.assertEqual(model.node_count(), 3)


if __name__ == "__main__":
    unittest.main()
