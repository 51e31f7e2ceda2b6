"""frontend="auto": the length rule, and the candidates compared on the
validation part (autofrontend.py), as the model and the LSTM/GRU widget
report it."""
import unittest
from unittest.mock import patch

import numpy as np

from Orange.data import ContinuousVariable, DiscreteVariable, Domain, Table
from Orange.widgets.tests import base

from orangecontrib.recurrent import RecurrentLearner
from orangecontrib.recurrent.autofrontend import (
    CANDIDATES, _compare, plan_frontend,
)
from orangecontrib.recurrent.seriesfit import prepare_series
from orangecontrib.recurrent.widgets.owrecurrentlearner import (
    OWRecurrentLearner,
)

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
        # 80 x 0.1 = 8 rows: too few to compare on, the rule decides
        plan = plan_frontend(RecurrentLearner(), series)
        self.assertEqual((plan.frontend, plan.candidates), ("conv", ()))
        self.assertIn("40 steps, at least 32, and there are fewer than 20 "
                      "validation rows", plan.reason)
        # epochs given: no stratified part, as before
        plan = plan_frontend(RecurrentLearner(epochs=2, validation_size=0.25),
                             series)
        self.assertEqual(plan.candidates, ())
        self.assertIn("epochs are set, so there is no validation part",
                      plan.reason)
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
        # both candidates trained, conv (the rule's) first; patch kept
        self.assertEqual([r.trying for r in reports if r.epoch == 1],
                         ["conv", "patch"])
        self.assertEqual([r.run for r in reports if r.epoch == 1], [1, 2])
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
        reason = _compare(("conv", "patch"),
                          [conv, conv - 0.1 + rng.normal(0, 0.5, 20)])
        self.assertTrue(reason.startswith("auto: conv (validation loss "
                                          "conv "), reason)
        self.assertIn("the length rule's choice stays", reason)
        reason = _compare(("conv", "patch"), [conv, conv - 0.3])
        self.assertTrue(reason.startswith("auto: patch ("), reason)

    def test_no_validation_part_length_rule(self):
        reports = []
        learner = RecurrentLearner(hidden_size=8, random_state=0,
                                   callback=reports.append)
        with few_steps():
            model = learner(last_value_classes(n=40))
        self.assertEqual(model.frontend_used, "conv")
        self.assertEqual({r.run for r in reports}, {1})
        self.assertEqual({r.trying for r in reports}, {""})
        self.assertEqual(model.n_validation, 0)
        self.assertEqual(model.frontend_reason,
                         "auto: conv, since the sequences have 40 steps, at "
                         "least 32, and there are fewer than 20 validation "
                         "rows to compare front-ends on")


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


if __name__ == "__main__":
    unittest.main()
