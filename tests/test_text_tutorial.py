"""Tutorial 4 (tweets) runs headless and every figure its text quotes holds.

The text is tools.build_text_tutorial.DESCRIPTION, written from FACTS; this
test runs the saved workflow and checks each FACT against the outputs.
"""
import unittest

import numpy as np
import pytest

from Orange.evaluation import CA

from tools import build_text_tutorial as build
from tests.tutorialrun import TutorialRun

pytestmark = pytest.mark.slow

#: The LSTM's accuracy may move by this much on another CPU (float
#: summation order); the bag-of-words learners are deterministic.
LSTM_TOLERANCE = 0.01


class TestTextTutorial(TutorialRun, unittest.TestCase):
    BUILD = build
    TIMEOUT = 480

    @classmethod
    def setUpClass(cls):
        pytest.importorskip("orangecontrib.text")
        super().setUpClass()

    def test_learners_see_words_only(self):
        corpus = self.out["Corpus"]["Corpus"]
        self.assertEqual(len(corpus), build.FACTS["tweets"])
        self.assertIn("Time", [a.name for a in corpus.domain.attributes])
        selected = self.out["Select Columns"]["Data"]
        self.assertEqual(selected.domain.attributes, ())
        self.assertIn("Time", [m.name for m in selected.domain.metas])
        bow = self.out["Bag of Words"]["Corpus"]
        self.assertGreater(len(bow.domain.attributes), 5000)
        self.assertTrue(all(a.attributes.get("bow-feature")
                            for a in bow.domain.attributes))

    def test_every_quoted_figure(self):
        facts = build.FACTS
        sampler = self.out["Data Sampler"]
        self.assertEqual(len(sampler["Data Sample"]), facts["train"])
        self.assertEqual(len(sampler["Remaining Data"]), facts["test"])
        results = self.out["Test and Score"]["Evaluation Results"]
        self.assertEqual(list(results.learner_names),
                         ["LSTM", "Logistic Regression", "Naive Bayes"])
        self.assertEqual(len(results.actual), facts["test"])
        accuracy = dict(zip(results.learner_names, CA(results)))
        majority = np.bincount(results.actual.astype(int)).max() \
            / len(results.actual)
        self.assertAlmostEqual(majority, facts["majority"], places=3)
        self.assertAlmostEqual(accuracy["Logistic Regression"],
                               facts["logistic"], delta=0.0005)
        self.assertAlmostEqual(accuracy["Naive Bayes"], facts["bayes"],
                               delta=0.0005)
        self.assertAlmostEqual(accuracy["LSTM"], facts["lstm"],
                               delta=LSTM_TOLERANCE)
        # what the text says of them: the LSTM first, far above majority
        self.assertGreater(accuracy["LSTM"], majority + 0.4)
        self.assertGreaterEqual(accuracy["LSTM"] + LSTM_TOLERANCE,
                                accuracy["Naive Bayes"])
