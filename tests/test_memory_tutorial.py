"""Tutorial 6 (long memory) runs headless and shows what its text and
doc/widgets/inspector.md say: the plain RNN at the trivial baseline, LSTM
and GRU solving the adding problem, the RNN's input gradient dying over the
lag, and the LSTM's forget gate holding the marked value."""
import os
import unittest

import numpy as np
import pytest

from Orange.evaluation import MSE

from orangecontrib.recurrent.inspection import trace
from orangecontrib.recurrent.workflow import WorkflowRun
from tools import build_memory_tutorial as build
from tools.build_tutorials import HERE as TUTORIALS

pytestmark = pytest.mark.slow

PATH = os.path.join(TUTORIALS, build.FILE_NAME)
#: Test rows whose traces are read.
ROWS = range(100)


def marked_gradients(model, data):
    """Per row: the input gradient at the first marked step and at the
    last step, and the LSTM traces (or None)."""
    traces = trace(model, data, ROWS)
    first = data.get_column("first marker").astype(int)
    at_marker = np.array([t.input_gradient[first[t.row]] for t in traces])
    at_end = np.array([t.input_gradient[-1] for t in traces])
    return at_marker, at_end, traces


class TestMemoryTutorial(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with WorkflowRun(PATH) as run:
            cls.report = run.run(timeout=540)
            cls.out = {node.title: run.outputs(node) for node in run.nodes}

    def test_runs_without_errors_or_warnings(self):
        self.assertTrue(self.report.ok)
        self.assertFalse(any(node.warnings for node in self.report.nodes))
        self.assertEqual(len(self.out["LSTM Inspector"]["Final States"]),
                         1000)

    def test_rnn_at_baseline_lstm_and_gru_solve_it(self):
        results = self.out["Test and Score"]["Evaluation Results"]
        scores = dict(zip(results.learner_names, MSE(results)))
        print("MSE on the test data:", scores)
        # predicting the mean: the variance of a sum of two U(0, 1), 1/6
        self.assertAlmostEqual(scores["Constant"], 1 / 6, delta=0.015)
        self.assertGreater(scores["RNN"], 0.9 * scores["Constant"])
        self.assertLess(scores["RNN"], 1.05 * scores["Constant"])
        self.assertLess(scores["LSTM"], 0.001)
        self.assertLess(scores["GRU"], 0.001)

    def test_rnn_gradient_dies_lstm_keeps_it(self):
        test = self.out["Data Sampler"]["Remaining Data"]
        rnn_marker, rnn_end, _ = marked_gradients(self.out["RNN"]["Model"],
                                                  test)
        lstm_marker, _, _ = marked_gradients(self.out["LSTM"]["Model"], test)
        rnn_ratio = np.median(rnn_marker / rnn_end)
        print("median gradient at the first marker: RNN",
              np.median(rnn_marker), "(ratio to the last step", rnn_ratio,
              "); LSTM", np.median(lstm_marker))
        self.assertLess(rnn_ratio, 0.2)
        # d sum / d (marked value) = 1: a model that solves the task has
        # a gradient of about 1 there.
        self.assertAlmostEqual(np.median(lstm_marker), 1, delta=0.2)
        self.assertLess(np.median(rnn_marker), 0.01)

    def test_lstm_forget_gate_holds_the_first_value(self):
        test = self.out["Data Sampler"]["Remaining Data"]
        _, _, traces = marked_gradients(self.out["LSTM"]["Model"], test)
        first = test.get_column("first marker").astype(int)
        seq = np.stack([t.inputs for t in traces])
        value = seq[np.arange(len(traces)), first[list(ROWS)], 0]
        cells = np.stack([t.layers[0].directions[0].cell[-1]
                          for t in traces])
        # the unit whose final cell state follows the first marked value
        corr = [abs(np.corrcoef(value, cells[:, u])[0, 1])
                for u in range(cells.shape[1])]
        unit = int(np.nanargmax(corr))
        forget = np.array([
            t.layers[0].directions[0].gates["forget"][first[t.row] + 1:,
                                                      unit].mean()
            for t in traces])
        print("memory unit", unit, "corr", corr[unit],
              "mean forget gate after the first marker", forget.mean())
        self.assertGreater(corr[unit], 0.5)
        self.assertGreater(forget.mean(), 0.9)


if __name__ == "__main__":
    unittest.main()
