"""Tutorial 7 (airline: LSTM recursive and direct, ARIMA, linear
regression in one Forecast Plot) runs headless, and its figures hold.

The figures quoted in doc/ and benchmarks/README-forecasters.md for the
tutorial come from this run (seeded; CPU)."""
import os
import unittest

import numpy as np
import pytest

from orangecontrib.recurrent.workflow import WorkflowRun, format_report
from tools import build_arima_tutorial as build
from tools.build_tutorials import HERE

pytestmark = pytest.mark.slow

PATH = os.path.join(HERE, build.FILE)
NAMES = ("LSTM recursive", "Linear Regression", "LSTM direct", "ARIMA")


class TestAirlineTutorial(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with WorkflowRun(PATH) as run:
            cls.report = run.run(timeout=480)
            cls.outputs = {node.title: run.outputs(node) for node in run.nodes}

    def rows(self, table, model):
        return [row for row in table if str(row["Model"]) == model]

    def test_runs_without_errors(self):
        self.assertTrue(self.report.ok, format_report(self.report))

    def test_four_models_scored_twelve_steps(self):
        scores = self.outputs["Forecast Plot"]["Scores"]
        self.assertEqual(tuple(scores.domain["Model"].values), NAMES)
        rmse = {name: np.array([float(r["RMSE"])
                                for r in self.rows(scores, name)])
                for name in NAMES}
        for name in NAMES:
            self.assertEqual(len(rmse[name]), build.SCORE_STEPS, name)
        # Monthly passengers of 300-600 in the held-out years: one step
        # ahead, linear regression and ARIMA(12,1,0) are within 25.
        self.assertLess(rmse["Linear Regression"][0], 25)
        self.assertLess(rmse["ARIMA"][0], 25)
        # ARIMA's error grows with the step (re-filtered, not refitted).
        self.assertGreater(rmse["ARIMA"][-1], 1.5 * rmse["ARIMA"][0])
        for name in NAMES:
            self.assertTrue(np.all(rmse[name] < 60), (name, rmse[name]))

    def test_coverage_table(self):
        coverage = self.outputs["Forecast Plot"]["Coverage"]
        self.assertEqual(tuple(coverage.domain["Model"].values), NAMES)
        np.testing.assert_allclose(coverage.get_column("Nominal"), 0.9)
        achieved = coverage.get_column("Achieved")
        self.assertTrue(np.all((achieved >= 0) & (achieved <= 1)))
        # Every model scored on the same origins at step 1.
        first = [float(r["Origins"]) for r in coverage
                 if float(r["Steps ahead"]) == 1]
        self.assertEqual(len(first), 4)
        self.assertEqual(len(set(first)), 1)
        self.assertGreater(first[0], 15)
        # Over all steps, the bands catch between a third and all values.
        for name in NAMES:
            mean = np.mean([float(r["Achieved"])
                            for r in self.rows(coverage, name)])
            self.assertGreater(mean, 0.33, name)

    def test_forecast_two_years(self):
        forecast = self.outputs["Forecast Plot"]["Forecast"]
        self.assertEqual(len(forecast), build.STEPS)
        columns = [v.name for v in forecast.domain.attributes]
        for name in NAMES:
            self.assertIn(f"Passengers (forecast, {name})", columns)
        arima = forecast.get_column("Passengers (forecast, ARIMA)")
        # 1961-1962: above the 1960 mean (about 476), below 800.
        self.assertTrue(np.all((arima > 350) & (arima < 800)))
        self.assertGreater(arima.mean(), 450)

    def test_direct_model_has_twelve_outputs(self):
        model = self.outputs["LSTM direct"]["Model"]
        self.assertEqual(model.architecture["n_outputs"], 12)
        train = self.outputs["Windowing (12 months)"]["Train Data"]
        self.assertEqual(len(train.domain.class_vars), 12)
        self.assertEqual(len(train), 97)
        self.assertEqual(model.params["cell"], "lstm")


if __name__ == "__main__":
    unittest.main()
