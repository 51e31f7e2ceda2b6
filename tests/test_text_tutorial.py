"""Tutorial 4 (tweets) runs headless and every figure its text quotes holds.

The text is tools.build_text_tutorial.DESCRIPTION, written from FACTS; this
test runs the saved workflow and checks each FACT against the outputs.
"""
import os
import unittest
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from Orange.evaluation import CA

from orangecontrib.recurrent.workflow import WorkflowRun, format_report
from tools import build_text_tutorial as build
from tools.build_tutorials import HERE as TUTORIALS

pytestmark = pytest.mark.slow

PATH = os.path.join(TUTORIALS, build.FILE_NAME)
#: The LSTM's accuracy may move by this much on another CPU (float
#: summation order); the bag-of-words learners are deterministic.
LSTM_TOLERANCE = 0.01


class TestTextTutorial(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        pytest.importorskip("orangecontrib.text")
        with WorkflowRun(PATH) as run:
            cls.report = run.run(timeout=480)
            cls.out = {node.title: run.outputs(node) for node in run.nodes}

    def test_runs_without_errors_or_warnings(self):
        self.assertTrue(self.report.ok, format_report(self.report))
        self.assertFalse(any(node.warnings for node in self.report.nodes),
                         format_report(self.report))

    def test_saved_text_is_the_builders(self):
        root = ET.parse(PATH).getroot()
        self.assertEqual(root.get("description"), build.DESCRIPTION)

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
