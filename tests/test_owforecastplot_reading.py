"""Forecast Plot reads without explanation: a hint before inputs arrive, a
legend off the data, a band per model in its colour, bands of a
non-negative series not below zero, a note where bands end, MASE shown and
MAPE on request."""
import unittest

import numpy as np
import pyqtgraph as pg
from AnyQt.QtCore import Qt

from Orange.regression import LinearRegressionLearner
from Orange.widgets.tests import base

from orangecontrib.recurrent import datasets
from orangecontrib.recurrent.widgets.owforecastplot import OWForecastPlot
from orangecontrib.recurrent.windowing import chronological_split, make_windows
from tests.series import series_table, sine_table


def linear(series, window=10, name="Linear Regression"):
    train, _ = chronological_split(make_windows(series, window), 0.2)
    model = LinearRegressionLearner()(train)
    model.name = name
    return model


class TestReading(base.WidgetTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.series = sine_table(1000)
        cls.model = linear(cls.series)

    def setUp(self):
        self.widget = self.create_widget(OWForecastPlot)

    def run_widget(self, data, *models):
        self.send_signal(self.widget.Inputs.data, data)
        for i, model in enumerate(models):
            self.send_signal(self.widget.Inputs.models, model, i)
        self.wait_until_finished()

    def hint(self):
        text = self.widget.graph.empty_text
        in_plot = text in self.widget.graph.getViewBox().addedItems
        return text.toPlainText() if in_plot else None

    def test_hint_says_which_input_is_missing(self):
        self.assertIn("Connect a series to Data", self.hint())
        self.send_signal(self.widget.Inputs.models, self.model, 0)
        self.assertIn("not the windows", self.hint())
        self.send_signal(self.widget.Inputs.models, None, 0)
        self.send_signal(self.widget.Inputs.data, self.series)
        self.assertIn("Connect a model", self.hint())
        self.run_widget(self.series, self.model)
        self.assertIsNone(self.hint())

    def test_legend_is_below_the_plot_with_a_band_per_model(self):
        other = linear(self.series, 5, "Short window")
        self.run_widget(self.series, self.model, other)
        graph = self.widget.graph
        self.assertIs(graph.legend.parentItem(), graph.getPlotItem())
        self.assertNotIn(graph.legend, graph.getViewBox().addedItems)
        # the plot's layout: view box in row 2, bottom axis 3, legend 4
        layout = graph.getPlotItem().layout
        self.assertIs(layout.itemAt(4, 1), graph.legend)
        self.assertIs(layout.itemAt(2, 1), graph.getViewBox())
        swatches = {label.text: sample.item for sample, label
                    in graph.legend.items}
        # one entry per model (its band framed in its line's colour), not a
        # line and a band each: four models' legend was clipped at 900 px
        self.assertEqual(set(swatches), {
            "Held-out part", "y (actual)", "Linear Regression",
            "Short window", "90% intervals (dashed)"})
        colors = self.widget._colors(2)
        for (name, color) in zip(("Linear Regression", "Short window"),
                                 colors):
            opts = swatches[name].opts
            self.assertEqual(pg.mkBrush(opts["brush"]).color().rgb(),
                             color.rgb())
            self.assertEqual(pg.mkPen(opts["pen"]).color().rgb(), color.rgb())
        fills = [i for i in graph.plotItem.items
                 if isinstance(i, pg.FillBetweenItem)]
        self.assertEqual(len(fills), 2)
        # light fills: the line under a band stays visible
        self.assertTrue(all(f.brush().color().alpha() <= 40 for f in fills))

    def test_band_of_a_non_negative_series_stops_at_zero(self):
        series = datasets.load("airpassengers")
        model = linear(series, 12)
        self.run_widget(series, model)
        forecast = self.get_output(self.widget.Outputs.forecast)
        low = forecast.X[:, 2]
        self.assertTrue(np.all(low[~np.isnan(low)] >= 0))
        # the sine crosses zero: its bands are not cut
        self.run_widget(self.series, self.model)
        self.assertFalse(self.widget.Information.clipped.is_shown())
        low = self.get_output(self.widget.Outputs.forecast).X[:, 2]
        self.assertLess(np.nanmin(low), -0.5)

    def test_clipping_is_said(self):
        # intermittent demand: mostly 0, a band from past errors reaches
        # below 0 (to -0.17 unclipped)
        rng = np.random.default_rng(0)
        series = series_table(rng.exponential(1, 1000)
                              * (rng.random(1000) < 0.3), name="y")
        model = linear(series)
        self.run_widget(series, model)
        self.assertTrue(self.widget.Information.clipped.is_shown())
        low = self.get_output(self.widget.Outputs.forecast).X[:, 2]
        self.assertEqual(np.nanmin(low), 0)

    def test_where_bands_end_is_said(self):
        series = datasets.load("airpassengers")
        self.widget.steps = 40
        self.run_widget(series, linear(series, 12))
        info = self.widget.Information.band_ends
        self.assertTrue(info.is_shown())
        forecast = self.get_output(self.widget.Outputs.forecast)
        last = np.flatnonzero(~np.isnan(forecast.X[:, 2]))[-1] + 1
        self.assertLess(last, 40)
        self.assertIn(f"after step {last} (Linear Regression)",
                      info.formatted)

    def test_mase_shown_mape_on_request(self):
        self.run_widget(self.series, self.model)
        model = self.widget.scores_model
        header = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
        self.assertEqual(header, ["Model", "Steps ahead", "RMSE", "MAE",
                                  "MASE"])
        mase = float(model.item(0, 4).text())
        self.assertLess(mase, 1)
        self.widget.controls.show_mape.click()
        header = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
        self.assertEqual(header[-1], "MAPE")
        self.assertEqual(model.rowCount(), 5)
        # the output always has both
        scores = self.get_output(self.widget.Outputs.scores)
        self.assertIn("MASE", scores.domain)
        self.assertIn("MAPE", scores.domain)

    def test_migrate_settings(self):
        settings = {"steps": 12, "coverage": 80}
        OWForecastPlot.migrate_settings(settings, 1)
        self.assertEqual(settings, {"steps": 12, "coverage": 80,
                                    "show_mape": False})
        widget = self.create_widget(
            OWForecastPlot, stored_settings={"steps": 12, "__version__": 1})
        self.assertEqual(widget.steps, 12)
        self.assertFalse(widget.show_mape)
        widget = self.create_widget(
            OWForecastPlot, stored_settings={"show_mape": True,
                                             "__version__": 2})
        self.assertTrue(widget.show_mape)
        self.assertEqual(OWForecastPlot.settings_version, 2)


if __name__ == "__main__":
    unittest.main()
