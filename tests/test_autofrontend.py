"""frontend="auto": the length rule, the candidates compared on the
validation part, and by cross-validation where there is none
(autofrontend.py), as the model and the LSTM/GRU widget report it."""
import re
import unittest
from unittest.mock import patch

import numpy as np

from Orange.data import ContinuousVariable, DiscreteVariable, Domain, Table
from Orange.widgets.tests import base

from orangecontrib.recurrent import RecurrentLearner
from orangecontrib.recurrent.autofrontend import (
    CANDIDATES, CV_CANDIDATES, _compare, choose_frontend, cv_folds,
    plan_frontend,
)
from orangecontrib.recurrent.reports import EpochReport, StopReason
from orangecontrib.recurrent.seriesfit import prepare_series
from orangecontrib.recurrent.widgets.owrecurrentlearner import (
    OWRecurrentLearner,
)
from orangecontrib.recurrent.widgets.utils.learnerform import epoch_status

WAIT = 60000


def last_value_classes(n=80, steps=40, seed=0):
    """Rows of noise whose class is the sign of their last value: what a
    network reading the steps in order sees at once, and convolutions
    averaged over time do not."""
    rng = np.random.default_rng(seed)
    X = rng.normal(0, 1, (n, steps))
    y = (X[:, -1] > 0).astype(float)
    domain = Domain([ContinuousVariable(f"t{i}") for i in range(steps)],
                    DiscreteVariable("sign", values=("neg", "pos")))
    return Table.from_numpy(domain, X, y)


def bump_order(n, steps=40, seed=0):
    """Noise with a bump up and a bump down at random places; the class
    says whether the one up comes first."""
    rng = np.random.default_rng(seed)
    X = rng.normal(0, 0.3, (n, steps))
    y = rng.integers(0, 2, n)
    for row, first_up in zip(X, y):
        a, b = np.sort(rng.choice(np.arange(2, steps - 3, 6), 2,
                                  replace=False))
        up, down = (a, b) if first_up else (b, a)
        row[up:up + 3] += 3
        row[down:down + 3] -= 3
    domain = Domain([ContinuousVariable(f"t{i}") for i in range(steps)],
                    DiscreteVariable("order", values=("down", "up")))
    return Table.from_numpy(domain, X, y.astype(float))


def few_steps(steps=40):
    # epochs=None, sized down: 20-40 epochs instead of 4,000 steps
    return patch("orangecontrib.recurrent.sizing.MIN_STEPS", steps)


class TestAutoFrontend(unittest.TestCase):
    def test_plan_by_length_and_validation(self):
        data = last_value_classes()
        series = prepare_series(data, "auto")
        # 80 rows x 0.25: a stratified validation part of 20 rows
        plan = plan_frontend(RecurrentLearner(validation_size=0.25), series)
        self.assertEqual(plan.candidates, CANDIDATES)
        self.assertEqual(plan.frontend, "conv")
        # 80 x 0.1 = 8 rows: too few to compare on; 3-fold cross-validation
        plan = plan_frontend(RecurrentLearner(), series)
        self.assertEqual((plan.frontend, plan.candidates),
                         ("conv", CV_CANDIDATES))
        self.assertEqual([len(f) for f in plan.folds], [27, 27, 26])
        np.testing.assert_array_equal(np.sort(np.concatenate(plan.folds)),
                                      np.arange(80))
        for held in plan.folds:  # every class in every fold
            self.assertEqual(set(series.targets[held]), {0, 1})
        # epochs given: no stratified part, as before
        plan = plan_frontend(RecurrentLearner(epochs=2, validation_size=0.25),
                             series)
        self.assertEqual(plan.candidates, ())
        self.assertIn("epochs are set, so there is no validation part",
                      plan.reason)
        plan = plan_frontend(RecurrentLearner(validation_size=0), series)
        self.assertEqual((plan.candidates, plan.folds), ((), ()))
        self.assertIn("validation_size is 0", plan.reason)
        # a class of two rows cannot be in each of three folds
        self.assertEqual(cv_folds(np.array([0] * 10 + [1] * 2), 12, 3, 0),
                         ())
        self.assertEqual(cv_folds(None, 5, 3, 0), ())
        self.assertEqual(len(cv_folds(None, 6, 3, 0)), 3)
        short = prepare_series(last_value_classes(steps=12), "auto")
        plan = plan_frontend(RecurrentLearner(validation_size=0.25), short)
        self.assertEqual((plan.frontend, plan.candidates), ("raw", ()))
        self.assertEqual("auto: raw, since the sequences have 12 steps, "
                         "fewer than 32", plan.reason)
        # a front-end given by name is not explained
        plan = plan_frontend(RecurrentLearner(frontend="patch"), series)
        self.assertEqual((plan.frontend, plan.reason), ("patch", ""))

    def test_validation_part_picks_patch(self):
        # the class is the last value's sign: patches (here one value per
        # step, 40 steps) read it last; convolutions blur it
        reports = []
        learner = RecurrentLearner(hidden_size=16, validation_size=0.25,
                                   random_state=0, callback=reports.append)
        data = last_value_classes(n=240)
        with few_steps(400):
            model = learner(data)
        # every candidate trained, conv (the rule's) first; patch kept
        self.assertEqual([r.trying for r in reports if r.epoch == 1],
                         ["conv", "patch", "shuffle"])
        self.assertEqual([r.run for r in reports if r.epoch == 1], [1, 2, 3])
        self.assertEqual(model.frontend_used, "patch")
        self.assertTrue(model.frontend_reason.startswith(
            "auto: patch (validation loss conv "))
        self.assertIn("on 60 held-out rows; patch lower by more than 2 "
                      "standard errors", model.frontend_reason)
        # the patch network's loss on the validation rows, as the fit
        # loop measured it at the kept epoch
        kept = min(r.val_loss for r in reports if r.trying == "patch")
        self.assertIn(f"patch {kept:.4g}", model.frontend_reason)
        test = last_value_classes(n=200, seed=1)
        self.assertGreater(np.mean(model(test) == test.Y), 0.85)

    def test_rule_stays_within_noise(self):
        rng = np.random.default_rng(0)
        conv = rng.exponential(0.6, 20)
        # lower on average, but by less than 2 standard errors: conv stays
        best, reason = _compare(("conv", "patch"),
                                [conv, conv - 0.1 + rng.normal(0, 0.5, 20)])
        self.assertEqual(best, 0)
        self.assertTrue(reason.startswith("auto: conv (validation loss "
                                          "conv "), reason)
        self.assertIn("the length rule's choice stays", reason)
        best, reason = _compare(("conv", "patch"), [conv, conv - 0.3])
        self.assertEqual(best, 1)
        self.assertTrue(reason.startswith("auto: patch ("), reason)

    def test_cross_validation_keeps_conv(self):
        # the class is which of two bumps (up, down) comes first, at random
        # places: what a recurrent layer reading the convolutions' shapes in
        # order sees, and one step of all values does not
        reports = []
        learner = RecurrentLearner(hidden_size=8, random_state=1,
                                   callback=reports.append)
        with few_steps(60):
            model = learner(bump_order(36))
        firsts = [r for r in reports if r.epoch == 1]
        self.assertEqual([r.run for r in firsts], list(range(1, 8)))
        self.assertEqual([r.trying for r in firsts],
                         [f"{kind}, fold {fold} of 3" for fold in (1, 2, 3)
                          for kind in ("conv", "shuffle")] + ["conv, chosen"])
        self.assertEqual(model.frontend_used, "conv")
        self.assertEqual(model.n_validation, 0)
        self.assertTrue(model.frontend_reason.startswith(
            "auto: conv (3-fold cross-validation on 36 rows: mean held-out "
            "loss conv "), model.frontend_reason)
        conv, shuffle = map(float, re.search(
            r"loss conv ([0-9.]+), shuffle ([0-9.]+);",
            model.frontend_reason).groups())
        self.assertLess(conv, shuffle)
        test = bump_order(200, seed=1)
        self.assertGreater(np.mean(model(test) == test.Y), 0.9)

    def test_cross_validation_picks_shuffle(self):
        series = prepare_series(last_value_classes(n=36), "auto")
        calls = []

        class Fitted:  # the true class (last value's sign) at `right`
            stop = StopReason.COMPLETED

            def __init__(self, frontend, right):
                self.frontend_used, self.right = frontend, right

            def predict(self, X):
                true = (X[:, -1] > 0).astype(int)
                probs = np.full((len(X), 2), 1 - self.right)
                probs[np.arange(len(X)), true] = self.right
                return probs

        def fit(part, relative, run=1, frontend=None, trying=""):
            calls.append((len(part.y), run, frontend, trying))
            return Fitted(frontend, 0.9 if frontend == "shuffle" else 0.6)

        model, bound, reason = choose_frontend(RecurrentLearner(), series,
                                               fit)
        self.assertIsNone(model)  # nothing trained on all rows yet
        self.assertEqual([c[:3] for c in calls],
                         [(24, run, kind) for run, kind in zip(
                             range(1, 7), ["conv", "shuffle"] * 3)])
        self.assertTrue(reason.startswith(
            "auto: shuffle (3-fold cross-validation on 36 rows: mean "
            f"held-out loss conv {-np.log(0.6):.4g}, shuffle "
            f"{-np.log(0.9):.4g}; the lower kept, difference "
            f"{np.log(0.9 / 0.6):.2g}, standard error "), reason)
        self.assertEqual(bound(False).frontend_used, "shuffle")
        self.assertEqual(calls[-1], (36, 7, "shuffle", "shuffle, chosen"))
        # stopped by the callback: the network it stopped in is kept
        Fitted.stop = StopReason.CALLBACK
        model, _, reason = choose_frontend(RecurrentLearner(), series, fit)
        self.assertEqual(model.frontend_used, "conv")
        self.assertEqual(reason, "auto: conv, since training was stopped "
                         "during cross-validation (the model kept was "
                         "trained on 24 of 36 rows)")


class TestWidgetShowsFrontend(base.WidgetTest):
    def setUp(self):
        self.widget = self.create_widget(
            OWRecurrentLearner,
            stored_settings={"hidden_size": 8, "epochs": 2,
                             "fixed_epochs": True, "__version__": 4})

    def tearDown(self):
        self.widget.onDeleteWidget()
        super().tearDown()

    def test_status_says_why(self):
        w = self.widget
        self.send_signal(w.Inputs.data, last_value_classes(n=40))
        model = self.get_output(w.Outputs.model, wait=WAIT)
        self.assertEqual(model.frontend_used, "conv")
        self.assertIn("Auto input front-end: conv (since the sequences have "
                      "40 steps, at least 32, and epochs are set, so there is "
                      "no validation part to compare front-ends on).",
                      w.status_label.text())
        self.assertIn("Auto normalization: learned from values standardized "
                      "with the training rows' mean and spread (since "
                      "relative is not possible: classification).",
                      w.status_label.text())


class TestWidgetShowsCrossValidation(base.WidgetTest):
    def setUp(self):
        self.widget = self.create_widget(
            OWRecurrentLearner,
            stored_settings={"hidden_size": 8, "random_seed": 1,
                             "fixed_epochs": False, "__version__": 4})

    def tearDown(self):
        self.widget.onDeleteWidget()
        super().tearDown()

    def test_status_says_folds_and_losses(self):
        widget = self.widget
        with few_steps(60):
            self.send_signal(widget.Inputs.data, bump_order(36))
            model = self.get_output(widget.Outputs.model, wait=WAIT)
        self.assertEqual(model.frontend_used, "conv")
        self.assertRegex(
            widget.status_label.text(),
            r"Auto input front-end: conv \(3-fold cross-validation on "
            r"36 rows: mean held-out loss conv [0-9.]+, shuffle "
            r"[0-9.]+; the lower kept, difference [0-9.e-]+, standard "
            r"error [0-9.e-]+\)\.")
        report = EpochReport(3, 400, 0.5, run=2, trying="shuffle, fold 1 of 3")
        self.assertEqual(epoch_status(report),
                         "Auto input is trying the shuffle front-end (fold 1 "
                         "of 3). Epoch 3 of 400: training loss 0.5.")
        report = EpochReport(1, 400, 0.5, run=7, trying="shuffle, chosen")
        self.assertTrue(epoch_status(report).startswith(
            "Auto input chose the shuffle front-end and trains it on all "
            "rows. Epoch 1 of 400"))


if __name__ == "__main__":
    unittest.main()
