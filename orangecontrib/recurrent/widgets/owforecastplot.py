"""Forecast Plot: forecast a series with models trained on windows, and
compare the models on held-out history.

Inputs are the series table (not the windows), any number of models
trained on windows of it, and orange3-timeseries models (ARIMA, VAR). The backtest and the forecasts run in a worker
thread (an LSTM over thousands of held-out windows takes a while); the plot
shows the series, each model's one-step predictions over the held-out part,
and each model's forecast with its band.
"""
from typing import List, Optional

import numpy as np
from AnyQt.QtCore import QSize, Qt
from AnyQt.QtGui import QStandardItem, QStandardItemModel
from AnyQt.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from Orange.base import Model
from Orange.data import Table
from Orange.data.util import get_unique_names_duplicates
from Orange.widgets import gui
from Orange.widgets.settings import Setting
from Orange.widgets.utils.colorpalettes import LimitedDiscretePalette
from Orange.widgets.utils.concurrent import ConcurrentWidgetMixin
from Orange.widgets.utils.widgetpreview import WidgetPreview
from Orange.widgets.widget import Input, MultiInput, Msg, Output, OWWidget

from orangecontrib.recurrent.forecasting import (
    BacktestResult, forecast_table, model_name,
)
from orangecontrib.recurrent.widgets.utils.forecastplot import (
    EMPTY_TEXTS, ForecastGraph, Results, band_ends, clip_at_zero,
)
from orangecontrib.recurrent.widgets.utils.forecastrun import (
    Cancelled, check_models, quoted as _names, run,
)
from orangecontrib.recurrent.widgets.utils.settingscheck import (
    coerce_settings, reset_out_of_range,
)
from orangecontrib.recurrent.widgets.utils.steptable import StepTable

#: orange3-timeseries' model class, by name: the add-on is optional.
TS_MODEL = "orangecontrib.timeseries.models._BaseModel"

#: The scores table's columns (as in BacktestResult.scores_table); MAPE is
#: shown when asked for: it explodes near zero, where MASE does not.
SCORE_COLUMNS = ("Model", "Steps ahead", "RMSE", "MAE", "MASE", "MAPE")
MAPE_TIP = ("Mean absolute percentage error: misleading where the series is "
            "near zero. MASE (the error relative to the naive forecast's "
            "in-sample error; below 1 beats it) is always shown.")


class OWForecastPlot(OWWidget, ConcurrentWidgetMixin):
    name = "Forecast Plot"
    description = "Forecast a time series with models trained on windows " \
                  "(LSTM, GRU, Neural Network, ...), with intervals from " \
                  "each model's errors on held-out history, and compare " \
                  "the models by a rolling-origin backtest."
    icon = "icons/forecast.svg"
    priority = 30
    keywords = "forecast, prediction, time series, backtest, interval, " \
               "lstm, gru"

    class Inputs:
        data = Input("Data", Table, default=True)
        models = MultiInput("Model", Model, filter_none=True)
        ts_models = MultiInput("Time series model", TS_MODEL,
                               filter_none=True, auto_summary=False)

    class Outputs:
        forecast = Output("Forecast", Table, default=True)
        scores = Output("Scores", Table)
        coverage = Output("Coverage", Table, explicit=True)

    class Error(OWWidget.Error):
        not_windowed = Msg("Not trained on windows (no window metadata): "
                           "{}. Train models on the output of Windowing.")
        categorical_target = Msg("Categorical target, cannot be forecast: "
                                 "{}.")
        missing_series = Msg("{} Connect the series table (Windowing's "
                             "input), not the windows.")
        ts_model = Msg("{}")
        failed = Msg("{}")

    class Warning(OWWidget.Warning):
        limited = Msg("{}")
        settings_reset = Msg("Saved settings out of range were reset: {}.")

    class Information(OWWidget.Information):
        methods = Msg("{}")
        clipped = Msg("Intervals stop at 0: {} is never negative.")
        band_ends = Msg("Intervals end after step {}: the held-out part has "
                        "no values further ahead to learn the errors from. "
                        "A larger held-out part gives longer intervals.")

    # 2: show_mape (MASE is shown instead; version 1 showed MAPE)
    settings_version = 2
    steps: int = Setting(50)
    coverage: int = Setting(90)          # percent
    test_share: int = Setting(20)        # percent of the windows
    score_steps: int = Setting(5)
    zoom_to_end: bool = Setting(True)
    show_mape: bool = Setting(False)

    graph_name = "graph.plotItem"

    def __init__(self):
        OWWidget.__init__(self)
        ConcurrentWidgetMixin.__init__(self)
        coerced = coerce_settings(self)  # before the controls take them
        self.data: Optional[Table] = None
        self.models: List[Model] = []
        self.ts_models: list = []
        self.results: Optional[Results] = None
        self._valid: List[Model] = []

        box = gui.vBox(self.controlArea, "Forecast")
        gui.spin(box, self, "steps", 1, 1000, label="Steps ahead:",
                 callback=self._invalidate, controlWidth=70)
        gui.spin(box, self, "coverage", 50, 99, label="Interval coverage (%):",
                 callback=self._invalidate, controlWidth=70)
        box = gui.vBox(self.controlArea, "Backtest")
        gui.spin(box, self, "test_share", 5, 50,
                 label="Held-out part (% of windows):",
                 callback=self._invalidate, controlWidth=70)
        gui.spin(box, self, "score_steps", 1, 100,
                 label="Score steps ahead 1 to:",
                 callback=self._invalidate, controlWidth=70)
        gui.checkBox(box, self, "show_mape", "Show MAPE (%)",
                     callback=self._refill_scores, tooltip=MAPE_TIP)
        box = gui.vBox(self.controlArea, "Plot")
        gui.checkBox(box, self, "zoom_to_end", "Zoom in on the forecast",
                     callback=self._zoom)
        gui.rubber(self.controlArea)
        reset_out_of_range(self, self.Warning.settings_reset, coerced)

        self.graph = ForecastGraph()
        self.mainArea.layout().addWidget(self.graph, stretch=3)
        self.scores_model = QStandardItemModel(self)
        self.scores_view = QTableView(
            editTriggers=QAbstractItemView.EditTrigger.NoEditTriggers,
            selectionBehavior=QAbstractItemView.SelectionBehavior.SelectRows)
        self.scores_view.setModel(self.scores_model)
        self.scores_view.verticalHeader().hide()
        self.scores_view.verticalHeader().setDefaultSectionSize(22)
        self.scores_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Stretch)
        self.scores_view.setMaximumHeight(170)
        self.mainArea.layout().addWidget(self.scores_view, stretch=1)
        self.step_table = StepTable()
        self.mainArea.layout().addWidget(self.step_table, stretch=1)
        self._invalidate()  # the hint, and the table's header

    def sizeHint(self):
        return super().sizeHint().expandedTo(QSize(900, 600))

    @Inputs.data
    def set_data(self, data: Optional[Table]):
        self.data = data

    @Inputs.models
    def set_model(self, index: int, model: Model):
        self.models[index] = model

    @Inputs.models.insert
    def insert_model(self, index: int, model: Model):
        self.models.insert(index, model)

    @Inputs.models.remove
    def remove_model(self, index: int):
        self.models.pop(index)

    @Inputs.ts_models
    def set_ts_model(self, index: int, model):
        self.ts_models[index] = model

    @Inputs.ts_models.insert
    def insert_ts_model(self, index: int, model):
        self.ts_models.insert(index, model)

    @Inputs.ts_models.remove
    def remove_ts_model(self, index: int):
        self.ts_models.pop(index)

    def handleNewSignals(self):
        self._invalidate()

    def _check_models(self) -> list:
        """Models that can forecast the data; messages for the others."""
        valid, problems = check_models(self.models, self.ts_models, self.data)
        for name, text in problems.items():
            if text:
                getattr(self.Error, name)(text)
        return valid

    def _invalidate(self):
        self.cancel()
        # all but settings_reset, which says what happened when it opened
        self.Error.clear()
        self.Information.clear()
        self.Warning.limited.clear()
        self.results = None
        self.graph.clear_plot()
        self._fill_scores(None)
        self.step_table.show_backtest(None, 0)
        self._valid = []
        models = self.models + self.ts_models
        if self.data is None or not models:
            self.graph.set_empty(EMPTY_TEXTS[self.data is not None,
                                             bool(models)])
            self._send()
            return
        self._valid = self._check_models()
        if not self._valid:
            self._send()
            return
        names = get_unique_names_duplicates(
            [model_name(m) for m in self._valid])
        self.start(run, self.data, list(self._valid), names, self.steps,
                   self.coverage / 100, self.test_share / 100,
                   self.score_steps)

    def on_done(self, results: Results):
        forecasts, clipped = clip_at_zero(results.forecasts)
        results = Results(results.backtest, forecasts)
        self.results = results
        limited = [f.limited_reason for f in results.forecasts
                   if f.limited_reason]
        if limited:
            self.Warning.limited(" ".join(limited))
        methods = [f"'{f.name}': {f.method}." for f in results.forecasts
                   if f.method]
        if methods:
            self.Information.methods(" ".join(methods))
        if clipped:
            self.Information.clipped(_names(clipped))
        ends = band_ends(forecasts)
        if ends:
            self.Information.band_ends(", ".join(
                f"{step} ({name})" for name, step in ends))
        self.graph.plot(results, self._colors(len(results.forecasts)),
                        self.coverage / 100, self.zoom_to_end)
        self._fill_scores(results.backtest)
        self.step_table.show_backtest(results.backtest, self.score_steps)
        self._send()

    def on_exception(self, ex: Exception):
        if isinstance(ex, Cancelled):
            return
        self.Error.failed(str(ex) or type(ex).__name__)
        self._send()

    def on_partial_result(self, _):
        pass

    @staticmethod
    def _colors(n: int) -> list:
        return LimitedDiscretePalette(number_of_colors=max(n, 1)).qcolors[:n]

    def _refill_scores(self):
        if self.results is not None:
            self._fill_scores(self.results.backtest)

    def _fill_scores(self, tested: Optional[BacktestResult]):
        self.scores_model.clear()
        shown = [i for i, name in enumerate(SCORE_COLUMNS)
                 if name != "MAPE" or self.show_mape]
        self.scores_model.setHorizontalHeaderLabels(
            [SCORE_COLUMNS[i] for i in shown])
        if tested is None:
            return
        table = tested.scores_table(self.score_steps)
        names = table.domain["Model"].values
        for row in table.X:
            items = [QStandardItem(names[int(row[0])]),
                     QStandardItem(f"{int(row[1])}")]
            for value in row[shown[2:]]:
                item = QStandardItem(f"{value:.4g}")
                item.setData(float(value), Qt.ItemDataRole.UserRole)
                items.append(item)
            for item in items[1:]:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
            self.scores_model.appendRow(items)

    def _zoom(self):
        self.graph.zoom(self.results, self.zoom_to_end)

    def _send(self):
        if self.results is None:
            self.Outputs.forecast.send(None)
            self.Outputs.scores.send(None)
            self.Outputs.coverage.send(None)
            return
        self.Outputs.forecast.send(forecast_table(self.results.forecasts))
        self.Outputs.scores.send(
            self.results.backtest.scores_table(self.score_steps))
        self.Outputs.coverage.send(
            self.results.backtest.coverage_table(self.score_steps))

    def onDeleteWidget(self):
        self.shutdown()
        super().onDeleteWidget()

    def send_report(self):
        if self.results is None:
            return
        self.report_items("Settings", (
            ("Steps ahead", self.steps),
            ("Interval coverage", f"{self.coverage}%"),
            ("Held-out part", f"{self.test_share}% of the windows"),
            ("Models", _names(self.results.backtest.names)),
        ))
        self.report_plot()
        self.report_table("Backtest scores", self.scores_view)
        self.report_table("Per step ahead", self.step_table)

    @classmethod
    def migrate_settings(cls, settings, version):
        """Version 2 shows MASE and hides MAPE (it explodes where a series
        is near zero); workflows saved before get the new table."""
        if version is None or version < 2:
            settings["show_mape"] = False


def _preview():  # pragma: no cover
    from Orange.regression import LinearRegressionLearner
    from orangecontrib.recurrent.windowing import (
        chronological_split, make_windows,
    )
    from Orange.data import ContinuousVariable, Domain
    t = np.arange(3000) * 0.1
    rng = np.random.default_rng(0)
    series = Table.from_numpy(
        Domain([ContinuousVariable("y")]),
        (np.sin(t) + rng.normal(0, 0.1, len(t)))[:, None])
    train, _ = chronological_split(make_windows(series, 10), 0.2)
    model = LinearRegressionLearner()(train)
    return series, model


if __name__ == "__main__":  # pragma: no cover
    _series, _model = _preview()
    WidgetPreview(OWForecastPlot).run(
        set_data=_series, insert_model=[(0, _model)])
