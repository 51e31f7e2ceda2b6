"""MASE: the backtest's scale-free error, finite where the series is zero."""
import unittest

import numpy as np
from Orange.regression import LinearRegressionLearner

from orangecontrib.recurrent import backtest, chronological_split, make_windows
from orangecontrib.recurrent.backtesting import naive_scale
from tests.series import sine_table


class TestMase(unittest.TestCase):
    def test_naive_scale(self):
        self.assertAlmostEqual(naive_scale([1, 3, 2, np.nan, 5]), 1.5)
        self.assertTrue(np.isnan(naive_scale([2, 2, 2])))
        self.assertTrue(np.isnan(naive_scale([4])))

    def test_mase_is_mae_over_the_in_sample_naive_mae(self):
        data = sine_table(n=600)
        train, _ = chronological_split(make_windows(data, 10), 0.2)
        model = LinearRegressionLearner()(train)
        result = backtest(model, data, steps=3, test_size=0.2)
        n_test = len(result.times)
        y = data.get_column("y") if "y" in data.domain else data.X[:, 0]
        scale = np.mean(np.abs(np.diff(y[:len(y) - n_test])))
        np.testing.assert_allclose(result.mase, result.mae / scale)
        self.assertEqual(result.mase.shape, (1, 3))
        # the sine crosses zero: MAPE explodes, MASE stays below 1 (the
        # model beats the naive one-step forecast's in-sample error)
        self.assertTrue(np.all(result.mase[0] < 1))
        self.assertGreater(result.mape[0, 0], 20)
        table = result.scores_table()
        self.assertEqual([v.name for v in table.domain.attributes],
                         ["Model", "Steps ahead", "RMSE", "MAE", "MASE",
                          "MAPE"])
        np.testing.assert_allclose(table.X[:, 4], result.mase[0])
        np.testing.assert_allclose(result.subset([0]).mase, result.mase)


if __name__ == "__main__":
    unittest.main()
