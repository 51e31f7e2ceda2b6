"""Forecast Plot's graph: the series, each model's one-step predictions on
the held-out part, and each model's forecast with its band.

The legend sits below the plot, never on the data, with one entry per model:
its band's light fill framed in the line's colour (the bands themselves have
dashed outlines, so that several stay apart), and one entry naming the
bands' coverage.
"""
from dataclasses import dataclass, replace
from typing import List, Optional, Tuple

import numpy as np
import pyqtgraph as pg
from AnyQt.QtCore import Qt
from AnyQt.QtGui import QColor

from Orange.data import TimeVariable
from Orange.widgets.visualize.utils.plotutils import AxisItem, PlotWidget

from orangecontrib.recurrent.backtesting import BacktestResult
from orangecontrib.recurrent.forecasting import ForecastResult

__all__ = ["ForecastGraph", "Results", "clip_at_zero", "band_ends",
           "EMPTY_TEXTS"]

#: The plot's hint when an input is missing: (data?, models?) -> text.
EMPTY_TEXTS = {
    (False, False): "Connect a series to Data (e.g. Sample Series) and a "
                    "model trained on its windows to Model (e.g. LSTM/GRU).",
    (False, True): "Connect the series to Data: the table that goes into "
                   "Windowing (e.g. Sample Series' Data), not the windows.",
    (True, False): "Connect a model trained on Windowing's Train Data to "
                   "Model (e.g. LSTM/GRU's Model).",
}


def clip_at_zero(forecasts: List[ForecastResult]
                 ) -> Tuple[List[ForecastResult], List[str]]:
    """Cut the bands of series that are never negative at zero.

    Bands are the forecast plus quantiles of past errors, which know nothing
    of a series' floor; counts, prices and passengers cannot go below 0.
    Returns the forecasts (clipped where the history has no negative value)
    and the names of the series whose bands were cut.
    """
    out, clipped = [], []
    for result in forecasts:
        history = result.history[~np.isnan(result.history)]
        if len(history) and history.min() >= 0 \
                and np.nanmin(np.append(result.lower, 0)) < 0:
            result = replace(result, lower=np.maximum(result.lower, 0),
                             upper=np.maximum(result.upper, 0))
            if result.target not in clipped:
                clipped.append(result.target)
        out.append(result)
    return out, clipped


def band_ends(forecasts: List[ForecastResult]) -> List[Tuple[str, int]]:
    """(model name, last step with a band) for each model whose band stops
    before its forecast does: a step has a band only where the backtest
    had held-out values that many steps ahead."""
    ends = []
    for result in forecasts:
        known = np.flatnonzero(~np.isnan(result.lower))
        if len(known) and known[-1] + 1 < result.steps:
            ends.append((result.name, int(known[-1]) + 1))
    return ends


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
        # Below the bottom axis (the plot layout's free row 4), not on the
        # data: a legend inside the view box covered the forecast.
        self.legend = pg.LegendItem(colCount=3, verSpacing=-4,
                                    labelTextColor=QColor(40, 40, 40))
        self.getPlotItem().layout.addItem(self.legend, 4, 1)
        self.getViewBox().setAutoVisible(y=True)
        self.empty_text = pg.TextItem(color=QColor(110, 110, 110),
                                      anchor=(0.5, 0.5))
        self._time_axis = None

    def set_empty(self, text: str):
        """No plot: a hint in the middle of the empty grid."""
        self.clear_plot()
        self.addItem(self.empty_text)
        self.empty_text.setText(text)
        self.empty_text.setPos(0.5, 0.5)
        view = self.getViewBox()
        view.disableAutoRange()
        view.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)

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
        self.getViewBox().enableAutoRange()

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
        # one band: a clear fill; several: light fills with outlines
        alpha = 70 if len(forecasts) == 1 else 35
        with_band = 0
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
            if np.isnan(result.lower).all():
                self.legend.addItem(line, result.name)
                continue
            with_band += 1
            fill = QColor(color)
            fill.setAlpha(alpha)
            outline = pg.mkPen(color, width=1, style=Qt.PenStyle.DashLine)
            lower = pg.PlotCurveItem(result.times, result.lower, pen=outline)
            upper = pg.PlotCurveItem(result.times, result.upper, pen=outline)
            self.addItem(lower)
            self.addItem(upper)
            self.addItem(pg.FillBetweenItem(lower, upper, brush=fill))
            # One entry per model, its band in its colour with the line's
            # pen as the border: a line and a band entry per model made
            # four models' legend wider than the plot.
            self.legend.addItem(
                pg.BarGraphItem(x=[0], height=[1], width=1, brush=fill,
                                pen=pg.mkPen(color, width=2.5)),
                result.name)
        if with_band:
            self.legend.addItem(
                pg.BarGraphItem(x=[0], height=[1], width=1,
                                brush=QColor(128, 128, 128, alpha),
                                pen=pg.mkPen(QColor(128, 128, 128), width=1,
                                             style=Qt.PenStyle.DashLine)),
                f"{band}{'s' if with_band > 1 else ''} (dashed)")
        self.legend.setColumnCount(min(3, len(self.legend.items)))
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
