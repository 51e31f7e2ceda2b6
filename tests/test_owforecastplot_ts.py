"""Forecast Plot with orange3-timeseries models beside window models, the
per-step table (RMSE and achieved coverage side by side) and the Coverage
output."""
import numpy as np

from Orange.regression import LinearRegressionLearner
from Orange.widgets.tests import base
from orangecontrib.timeseries import ARIMA, Timeseries

from orangecontrib.recurrent import (
    RecurrentLearner, chronological_split, make_windows,
)
from orangecontrib.recurrent.widgets.owforecastplot import OWForecastPlot
from tests.series import series_table


class TestForecastPlotTimeSeriesModels(base.WidgetTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.data = Timeseries.from_file("airpassengers")
        train, _ = chronological_split(make_windows(cls.data, 12), 0.2)
        cls.linear = LinearRegressionLearner()(train)
        direct_train, _ = chronological_split(
            make_windows(cls.data, 12, horizon=6, direct=True), 0.2)
        cls.direct = RecurrentLearner(
            hidden_size=8, epochs=5, random_state=0, device="cpu",
            normalization="relative", name="LSTM direct")(direct_train)
        cls.arima = ARIMA((2, 1, 1))
        cls.arima.name = "ARIMA"

    def setUp(self):
        self.widget = self.create_widget(
            OWForecastPlot, stored_settings={"steps": 12, "score_steps": 6})

    def send_ts(self, model, index=0):
        """WidgetTest.send_signal checks isinstance against the input's
        type, which is a qualified name here (the add-on is optional); the
        canvas resolves it. Deliver as the signal manager does."""
        widget = self.widget
        if model is None:
            widget.remove_ts_model(index)
        elif index < len(widget.ts_models):
            widget.set_ts_model(index, model)
        else:
            widget.insert_ts_model(index, model)
        widget.handleNewSignals()

    def run_widget(self, models, ts_models):
        self.send_signal(self.widget.Inputs.data, self.data)
        for i, model in enumerate(models):
            self.send_signal(self.widget.Inputs.models, model, i)
        for i, model in enumerate(ts_models):
            self.send_ts(model, i)
        self.wait_until_finished(timeout=60000)

    def test_arima_beside_window_models(self):
        self.run_widget([self.linear, self.direct], [self.arima])
        widget = self.widget
        self.assertFalse(widget.Error.active)
        results = widget.results
        self.assertEqual(results.backtest.names,
                         ("linear regression", "LSTM direct", "ARIMA"))
        arima = results.forecasts[2]
        self.assertEqual(arima.steps, 12)
        self.assertTrue(np.all(arima.lower < arima.forecast))
        info = str(widget.Information.methods)
        self.assertIn("'ARIMA': fitted on all 144 rows", info)
        self.assertIn("'LSTM direct': direct: steps 1..6", info)
        # One row per step; RMSE and coverage per model, side by side.
        texts = widget.step_table.cell_texts()
        self.assertEqual(len(texts), 6)
        self.assertEqual(len(texts[0]), 1 + 2 * 3)
        header = widget.step_table.table_model.horizontalHeaderItem(5).text()
        self.assertEqual(header, "ARIMA\nRMSE")
        self.assertEqual(texts[0][5],
                         f"{results.backtest.rmse[2, 0]:.4g}")
        coverage = self.get_output(widget.Outputs.coverage)
        self.assertEqual(len(coverage), 3 * 6)
        np.testing.assert_allclose(coverage.X[:, 2], 0.9)
        share, _ = results.backtest.achieved_coverage()
        np.testing.assert_allclose(coverage.X[12:, 3], share[2, :6])
        self.assertEqual(texts[0][6], f"{100 * share[2, 0]:.0f}%")
        scores = self.get_output(widget.Outputs.scores)
        self.assertEqual(len(scores), 3 * 6)

    def test_input_resolves_to_the_timeseries_model_class(self):
        from orangecanvas.utils import name_lookup  # pylint: disable=import-outside-toplevel
        self.assertIsInstance(self.arima, name_lookup(
            OWForecastPlot.Inputs.ts_models.type))

    def test_arima_alone_and_removed(self):
        self.run_widget([], [self.arima])
        self.assertEqual(self.widget.results.backtest.names, ("ARIMA",))
        self.send_ts(None, 0)
        self.wait_until_finished()
        self.assertIsNone(self.get_output(self.widget.Outputs.coverage))

    def test_arima_without_a_target(self):
        data = series_table(np.arange(50.0), extra={"z": np.ones(50)})
        self.send_signal(self.widget.Inputs.data, data)
        self.send_ts(self.arima, 0)
        self.wait_until_finished()
        self.assertTrue(self.widget.Error.ts_model.is_shown())
        self.assertIn("no numeric target", str(self.widget.Error.ts_model))
        self.assertIsNone(self.get_output(self.widget.Outputs.forecast))
