"""Forecast Plot's graph: the series, each model's one-step predictions on
the held-out part, and each model's forecast with its band."""
from dataclasses import dataclass
from typing import List, Optional

import numpy as np
import pyqtgraph as pg
from AnyQt.QtGui import QColor

from Orange.data import TimeVariable
from Orange.widgets.visualize.owscatterplotgraph import LegendItem
from Orange.widgets.visualize.utils.plotutils import AxisItem, PlotWidget

from orangecontrib.recurrent.backtesting import BacktestResult
from orangecontrib.recurrent.forecasting import ForecastResult

__all__ = ["ForecastGraph", "Results"]


@dataclass(frozen=True)
class Results:
    """What the worker hands back to the GUI thread."""
    backtest: BacktestResult
    forecasts: List[ForecastResult]


class ForecastGraph(PlotWidget):
    """The plot: series, held-out part, one-step predictions, forecasts."""

    def __init__(self):
        super().__init__(enableMenu=False)
        self.showGrid(True, True, alpha=0.25)
        self.legend = LegendItem()
        self.legend.setParentItem(self.getViewBox())
        self.legend.anchor((0, 0), (0, 0), offset=(10, 5))
        self.getViewBox().setAutoVisible(y=True)
        self._time_axis = None

    def set_time_axis(self, time_var):
        """A date axis for TimeVariables, else a numeric one, labelled."""
        dates = isinstance(time_var, TimeVariable)
        if dates != (self._time_axis == "dates") or self._time_axis is None:
            axis = pg.DateAxisItem(orientation="bottom", utcOffset=0) \
                if dates else AxisItem("bottom")
            self.setAxisItems({"bottom": axis})
            self._time_axis = "dates" if dates else "numbers"
        self.setLabel("bottom", time_var.name if time_var is not None
                      else "row")

    def clear_plot(self):
        self.clear()
        self.legend.clear()
        self.legend.hide()
        self.setLabel("left", "")

    def plot(self, results: Results, colors, coverage: float, zoom: bool):
        self.clear_plot()
        tested, forecasts = results.backtest, results.forecasts
        first = forecasts[0]
        self.set_time_axis(first.time_variable)
        self.setLabel("left", ", ".join(dict.fromkeys(
            f.target for f in forecasts)))

        if len(tested.times):
            # The held-out part, shaded.
            region = pg.LinearRegionItem(
                (tested.times[0], first.history_times[-1]), movable=False,
                brush=QColor(128, 128, 128, 40), pen=pg.mkPen(None))
            region.setZValue(-10)
            self.addItem(region)
            self.legend.addItem(
                pg.BarGraphItem(x=[0], height=[1], width=1,
                                brush=QColor(128, 128, 128, 70), pen=None),
                "Held-out part")

        shown = set()
        for result in forecasts:
            if result.target in shown:
                continue
            shown.add(result.target)
            actual = pg.PlotCurveItem(result.history_times, result.history,
                                      pen=pg.mkPen(QColor("#404040"),
                                                   width=1))
            self.addItem(actual)
            self.legend.addItem(actual, f"{result.target} (actual)")

        band = f"{100 * coverage:g}% interval"
        has_band = False
        for i, (result, color) in enumerate(zip(forecasts, colors)):
            one_step = pg.PlotCurveItem(
                tested.times, tested.one_step[i],
                pen=pg.mkPen(color, width=1.5))
            self.addItem(one_step)
            # From the last observed value on, so the line has no gap.
            times = np.concatenate([result.history_times[-1:], result.times])
            line = pg.PlotCurveItem(
                times, np.concatenate([result.history[-1:], result.forecast]),
                pen=pg.mkPen(color, width=2.5))
            self.addItem(line)
            self.legend.addItem(line, result.name)
            if not np.isnan(result.lower).all():
                fill = QColor(color)
                fill.setAlpha(60)
                lower = pg.PlotCurveItem(result.times, result.lower,
                                         pen=pg.mkPen(None))
                upper = pg.PlotCurveItem(result.times, result.upper,
                                         pen=pg.mkPen(None))
                self.addItem(lower)
                self.addItem(upper)
                self.addItem(pg.FillBetweenItem(lower, upper, brush=fill))
                has_band = True
        if has_band:
            # One entry for all bands: each is shaded in its model's color.
            self.legend.addItem(
                pg.BarGraphItem(x=[0], height=[1], width=1, pen=None,
                                brush=QColor(128, 128, 128, 60)),
                f"{band} (shaded)")
        self.legend.setColumnCount(2 if len(self.legend.items) > 4 else 1)
        self.legend.show()
        self.zoom(results, zoom)

    def zoom(self, results: Optional[Results], zoom: bool):
        """Zoom in on the end of the series and the forecast, or show all."""
        view = self.getViewBox()
        if results is None or not zoom:
            view.enableAutoRange()
            return
        first = results.forecasts[0]
        history = first.history_times
        end = max(f.times[-1] for f in results.forecasts)
        step = (end - history[-1]) / max(f.steps for f in results.forecasts)
        start = max(history[0], history[-1] - 3 * step * max(
            f.steps for f in results.forecasts))
        view.setXRange(start, end, padding=0.02)
        view.enableAutoRange(axis=pg.ViewBox.YAxis)
