"""Tutorial 5 runs headless and every figure its text quotes holds.

The text is tools.build_tune_tutorial.DESCRIPTION, written from FACTS; this
test runs the saved workflow and checks each FACT against the outputs.
"""
import re
import unittest

import numpy as np
import pytest

from Orange.evaluation import RMSE

from tools import build_tune_tutorial as build
from tests.tutorialrun import TutorialRun

pytestmark = pytest.mark.slow


class TestTuneTutorial(TutorialRun, unittest.TestCase):
    BUILD = build

    @classmethod
    def read_widgets(cls, run):
        cls.result = run.widget("Tune").result
        cls.plot_cells = run.widget("Tune").plot.cells

    def test_every_quoted_figure(self):
        facts = build.FACTS
        self.assertEqual(len(self.out["Sample Series"]["Data"]), 309)
        windowing = self.out["Windowing"]
        self.assertEqual(
            windowing["Windowed Data"].attributes["windowing"].window_length,
            11)
        self.assertEqual(len(windowing["Windowed Data"]), facts["windows"])
        self.assertEqual(len(windowing["Train Data"]), facts["train"])
        self.assertEqual(len(windowing["Test Data"]), facts["test"])

        result = self.result
        self.assertEqual(result.split, "chronological tail")
        self.assertEqual(len(result.validation_rows), facts["validation"])
        # the tail of the Train Data
        np.testing.assert_array_equal(
            result.validation_rows,
            np.arange(facts["train"] - facts["validation"], facts["train"]))
        self.assertEqual(len(result.trials), facts["trials"])
        self.assertEqual(self.out["Tune"]["Best Learner"].epochs, 30)
        self.assertTrue(all(t.epochs <= 30 for t in result.trials))
        self.assertEqual(len(self.out["Tune"]["Trials"]), facts["trials"])
        self.assertEqual(result.best_params,
                         {"hidden_size": facts["best_hidden"],
                          "learning_rate": facts["best_rate"]})
        self.assertEqual(round(result.best_trial.score, 1),
                         facts["best_validation"])
        # the heatmap holds the nine cells, its minimum the best trial's
        xs, ys, scores = self.plot_cells
        self.assertEqual((xs, ys), ([16, 32, 64], [0.001, 0.003, 0.01]))
        self.assertEqual(np.nanmin(scores), result.best_trial.score)

        results = self.out["Test and Score"]["Evaluation Results"]
        self.assertEqual(list(results.learner_names),
                         ["LSTM (tuned)", "Linear Regression"])
        self.assertEqual(len(results.actual), facts["test"])
        lstm, linear = RMSE(results)
        self.assertEqual(round(lstm, 1), facts["lstm_test"])
        self.assertEqual(round(linear, 1), facts["linear_test"])

    def test_description_quotes_only_facts(self):
        # every number in the text is one of FACTS or a grid value / setting
        allowed = {str(v) for v in build.FACTS.values()} | {
            "309", "11", "16", "32", "64", "0.001", "0.003", "0.01", "30"}
        numbers = re.findall(r"\d+(?:\.\d+)?", build.DESCRIPTION)
        self.assertTrue(numbers)
        self.assertEqual([n for n in numbers if n not in allowed], [])
