"""Forecast Plot widget: outputs, several models, messages, settings."""
import unittest

import numpy as np
import pyqtgraph as pg

from Orange.classification import LogisticRegressionLearner
from Orange.data import (
    ContinuousVariable, DiscreteVariable, Domain, Table, TimeVariable,
)
from Orange.regression import LinearRegressionLearner, NNRegressionLearner
from Orange.widgets.tests import base

from orangecontrib.recurrent.learner import RecurrentLearner
from orangecontrib.recurrent.widgets.owforecastplot import OWForecastPlot
from orangecontrib.recurrent.windowing import chronological_split, make_windows
from tests.series import series_table, sine_table


class TestOWForecastPlot(base.WidgetTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.series = sine_table(2000)
        cls.train, _ = chronological_split(make_windows(cls.series, 10), 0.2)
        cls.linear = LinearRegressionLearner()(cls.train)
        cls.linear.name = "Linear Regression"

    def setUp(self):
        self.widget = self.create_widget(OWForecastPlot)

    def send_models(self, *models):
        for i, model in enumerate(models):
            self.send_signal(self.widget.Inputs.models, model, i)

    def run_widget(self, data, *models):
        self.send_signal(self.widget.Inputs.data, data)
        self.send_models(*models)
        self.wait_until_finished()

    def test_single_model_outputs(self):
        self.run_widget(self.series, self.linear)
        forecast = self.get_output(self.widget.Outputs.forecast)
        self.assertEqual([v.name for v in forecast.domain.attributes],
                         ["row", "y (forecast)", "y (90%CI low)",
                          "y (90%CI high)"])
        self.assertEqual(forecast.X.shape, (50, 4))
        np.testing.assert_array_equal(forecast.X[:, 0], np.arange(2000, 2050))
        mid, low, high = forecast.X[:, 1:].T
        self.assertTrue(np.all(low < mid) and np.all(mid < high))
        scores = self.get_output(self.widget.Outputs.scores)
        self.assertEqual([v.name for v in scores.domain.attributes],
                         ["Model", "Steps ahead", "RMSE", "MAE", "MASE",
                          "MAPE"])
        self.assertEqual(len(scores), 5)  # score steps 1..5
        # A linear model on sin + N(0, 0.1): one-step RMSE near the noise.
        self.assertLess(scores.X[0, 2], 0.15)
        self.assertEqual(self.widget.scores_model.rowCount(), 5)
        self.assertFalse(self.widget.Error.active)
        self.assertFalse(self.widget.Warning.active)

    def test_plot_items(self):
        self.run_widget(self.series, self.linear)
        items = self.widget.graph.plotItem.items
        self.assertTrue(any(isinstance(i, pg.FillBetweenItem) for i in items))
        self.assertTrue(any(isinstance(i, pg.LinearRegionItem) for i in items))
        labels = [label.text for _, label in self.widget.graph.legend.items]
        self.assertIn("y (actual)", labels)
        self.assertIn("Linear Regression", labels)
        self.assertIn("90% interval (dashed)", labels)
        self.assertEqual(len(labels), 4)  # held-out, actual, model, band
        self.assertEqual(
            self.widget.graph.getAxis("bottom").labelText, "row")
        self.widget.send_report()
        # Zoom: on the end of the series and the forecast, or everything.
        (x0, x1), _ = self.widget.graph.getViewBox().viewRange()
        self.assertGreater(x0, 1500)
        self.widget.controls.zoom_to_end.click()
        self.widget.graph.getViewBox().updateAutoRange()
        (x0, x1), _ = self.widget.graph.getViewBox().viewRange()
        self.assertLess(x0, 100)

    def test_neural_network_and_lstm_in_one_table(self):
        """Issue bar: a backtest of Orange's Neural Network and this add-on's
        LSTM on the same windows gives scores in one table."""
        nn = NNRegressionLearner(hidden_layer_sizes=(20,), max_iter=200,
                                 random_state=0)(self.train)
        nn.name = "Neural Network"
        lstm = RecurrentLearner(hidden_size=16, epochs=3, random_state=0,
                                device="cpu")(self.train)
        self.run_widget(self.series, nn, lstm)
        scores = self.get_output(self.widget.Outputs.scores)
        self.assertEqual(scores.domain["Model"].values,
                         ("Neural Network", "LSTM"))
        self.assertEqual(len(scores), 10)
        self.assertFalse(np.isnan(scores.X).any())
        # Each model's one-step RMSE is that of its own predictions.
        one_step = scores.X[scores.X[:, 1] == 1]
        self.assertEqual(len(one_step), 2)
        self.assertTrue(np.all(one_step[:, 2] < 0.5))
        forecast = self.get_output(self.widget.Outputs.forecast)
        names = [v.name for v in forecast.domain.attributes]
        self.assertIn("y (forecast, Neural Network)", names)
        self.assertIn("y (90%CI high, LSTM)", names)
        self.assertEqual(len(names), 7)

    def test_remove_model(self):
        other = LinearRegressionLearner()(make_windows(self.series, 5))
        other.name = "Short window"
        self.run_widget(self.series, self.linear, other)
        forecast = self.get_output(self.widget.Outputs.forecast)
        self.assertEqual(len(forecast.domain.attributes), 7)
        self.send_signal(self.widget.Inputs.models,
                         self.widget.Inputs.models.closing_sentinel, 0)
        self.wait_until_finished()
        forecast = self.get_output(self.widget.Outputs.forecast)
        self.assertEqual([v.name for v in forecast.domain.attributes][1],
                         "y (forecast)")
        scores = self.get_output(self.widget.Outputs.scores)
        self.assertEqual(scores.domain["Model"].values, ("Short window",))
        # Removing the last model clears the outputs.
        self.send_signal(self.widget.Inputs.models,
                         self.widget.Inputs.models.closing_sentinel, 1)
        self.wait_until_finished()
        self.assertIsNone(self.get_output(self.widget.Outputs.forecast))
        self.assertIsNone(self.get_output(self.widget.Outputs.scores))

    def test_model_not_trained_on_windows(self):
        plain = LinearRegressionLearner()(Table.from_numpy(
            Domain([ContinuousVariable("a")], ContinuousVariable("y")),
            np.arange(10.)[:, None], np.arange(10.)))
        plain.name = "Plain"
        self.run_widget(self.series, plain)
        self.assertTrue(self.widget.Error.not_windowed.is_shown())
        self.assertIn("'Plain'", str(self.widget.Error.not_windowed))
        self.assertIsNone(self.get_output(self.widget.Outputs.forecast))
        # A good model beside it still forecasts; the error stays.
        self.send_signal(self.widget.Inputs.models, self.linear, 1)
        self.wait_until_finished()
        self.assertTrue(self.widget.Error.not_windowed.is_shown())
        scores = self.get_output(self.widget.Outputs.scores)
        self.assertEqual(scores.domain["Model"].values, ("Linear Regression",))

    def test_categorical_target(self):
        cls = DiscreteVariable("c", values=("lo", "hi"))
        labelled = Table.from_numpy(
            Domain([ContinuousVariable("y")], cls), self.series.X[:300],
            (np.arange(300) % 2).astype(float))
        classifier = LogisticRegressionLearner()(make_windows(labelled, 5))
        self.run_widget(labelled, classifier)
        self.assertTrue(self.widget.Error.categorical_target.is_shown())
        self.assertIsNone(self.get_output(self.widget.Outputs.forecast))

    def test_data_lacks_model_columns(self):
        # The windows instead of the series: no column "y".
        self.run_widget(self.train, self.linear)
        self.assertTrue(self.widget.Error.missing_series.is_shown())
        self.assertIn("'y'", str(self.widget.Error.missing_series))
        self.assertIsNone(self.get_output(self.widget.Outputs.forecast))
        self.send_signal(self.widget.Inputs.data, self.series)
        self.wait_until_finished()
        self.assertFalse(self.widget.Error.missing_series.is_shown())
        self.assertIsNotNone(self.get_output(self.widget.Outputs.forecast))

    def test_limited_to_horizon(self):
        data = series_table(self.series.X[:, 0],
                            extra={"z": np.cos(np.arange(2000))}, name="y")
        model = LinearRegressionLearner()(make_windows(
            data, 5, horizon=3, series=["y", "z"], target="y"))
        self.run_widget(data, model)
        self.assertTrue(self.widget.Warning.limited.is_shown())
        self.assertIn("'z'", str(self.widget.Warning.limited))
        forecast = self.get_output(self.widget.Outputs.forecast)
        self.assertEqual(len(forecast), 3)
        scores = self.get_output(self.widget.Outputs.scores)
        np.testing.assert_array_equal(scores.X[:, 1], [1, 2, 3])

    def test_too_short_series(self):
        self.run_widget(self.series[:11], self.linear)
        self.assertTrue(self.widget.Error.failed.is_shown())
        self.assertIsNone(self.get_output(self.widget.Outputs.forecast))

    def test_no_data(self):
        self.run_widget(self.series, self.linear)
        self.send_signal(self.widget.Inputs.data, None)
        self.wait_until_finished()
        self.assertIsNone(self.get_output(self.widget.Outputs.forecast))
        self.assertEqual(self.widget.scores_model.rowCount(), 0)

    def test_time_variable_axis(self):
        day = 86400.0
        domain = Domain([ContinuousVariable("y")],
                        metas=[TimeVariable("date", have_date=True)])
        data = Table.from_numpy(domain, self.series.X[:500],
                                metas=(np.arange(500) * day)[:, None])
        model = LinearRegressionLearner()(make_windows(data, 10))
        self.run_widget(data, model)
        axis = self.widget.graph.getAxis("bottom")
        self.assertIsInstance(axis, pg.DateAxisItem)
        self.assertEqual(axis.labelText, "date")
        forecast = self.get_output(self.widget.Outputs.forecast)
        self.assertIsInstance(forecast.domain[0], TimeVariable)
        self.assertEqual(forecast.X[0, 0], 500 * day)

    def test_settings_survive_save_and_reload(self):
        self.widget.controls.steps.setValue(20)
        self.widget.controls.coverage.setValue(80)
        self.widget.controls.test_share.setValue(30)
        self.widget.controls.score_steps.setValue(3)
        settings = self.widget.settingsHandler.pack_data(self.widget)
        self.assertEqual(settings["__version__"], 2)
        widget = self.create_widget(OWForecastPlot, stored_settings=settings)
        self.assertEqual((widget.steps, widget.coverage, widget.test_share,
                          widget.score_steps), (20, 80, 30, 3))
        self.send_signal(widget.Inputs.data, self.series, widget=widget)
        self.send_signal(widget.Inputs.models, self.linear, 0, widget=widget)
        self.wait_until_finished(widget)
        forecast = self.get_output(widget.Outputs.forecast, widget=widget)
        self.assertEqual(len(forecast), 20)
        self.assertIn("y (80%CI low)", forecast.domain)
        self.assertEqual(len(self.get_output(widget.Outputs.scores,
                                             widget=widget)), 3)


if __name__ == "__main__":
    unittest.main()
