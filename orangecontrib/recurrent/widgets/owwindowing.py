"""Windowing: a time-ordered table -> one row per window, split in time.

The widget only wires :func:`orangecontrib.recurrent.windowing.make_windows`
and :func:`~orangecontrib.recurrent.windowing.chronological_split` to the
canvas; it runs in the GUI thread because windowing is a few numpy slices.
"""
from typing import List, Optional

import numpy as np

from AnyQt.QtCore import QSize, Qt

from Orange.data import (
    ContinuousVariable, DiscreteVariable, Table, Variable,
)
from Orange.widgets import gui
from Orange.widgets.settings import (
    ContextSetting, DomainContextHandler, Setting,
)
from Orange.widgets.utils.itemmodels import DomainModel
from Orange.widgets.utils.widgetpreview import WidgetPreview
from Orange.widgets.widget import Input, Msg, Output, OWWidget

from orangecontrib.recurrent.series import find_time_variable
from orangecontrib.recurrent.widgets.utils.windowtext import (
    plural as _plural, step_text as _step, targets_text,
)
from orangecontrib.recurrent.widgets.utils.settingscheck import (
    coerce_settings, reset_out_of_range,
)
from orangecontrib.recurrent.windowing import (
    MISSING_DROP, MISSING_INTERPOLATE, chronological_split, make_windows,
    requested_test_rows,
)

__all__ = ["OWWindowing"]

ROW_ORDER = "(row order)"


class OWWindowing(OWWidget):
    name = "Windowing"
    description = ("Cut a time series into windows of past values and a "
                   "future target; hold out the end of the series for "
                   "testing.")
    icon = "icons/windowing.svg"
    priority = 10
    keywords = "windowing, window, lag, sliding window, time series, " \
               "sequence, forecast, horizon"

    class Inputs:
        data = Input("Data", Table, default=True)

    # Train Data is the default: a learner dragged from Windowing must not
    # train on the held-out part. All windows are there when asked for.
    class Outputs:
        train = Output("Train Data", Table, default=True)
        test = Output("Test Data", Table)
        windows = Output("Windowed Data", Table)

    class Error(OWWidget.Error):
        no_numeric = Msg("The data has no numeric column to make windows "
                         "from.")
        no_series = Msg("Select at least one series.")
        no_target = Msg("Select a target.")
        windowing_failed = Msg("{}")
        no_train_rows = Msg("A test share of {}% of {} leaves no rows for "
                            "training; lower the test share.")

    class Warning(OWWidget.Warning):
        windows_dropped = Msg("{} of {} dropped: they hold missing values.")
        class_missing = Msg("{} dropped: the categorical target is missing "
                            "there (a class is never interpolated).")
        duplicate_times = Msg("Times repeat in {}; each row is a step of "
                              "its own. Aggregate the rows of one time "
                              "first.")
        time_gaps = Msg("{} in time longer than the usual step ({}); "
                        "windows span them as one step. Fill the missing "
                        "times first if it matters.")
        settings_reset = Msg("Saved settings out of range were reset: {}.")

    want_main_area = False
    resizing_enabled = False

    settingsHandler = DomainContextHandler()
    series_vars: List[Variable] = ContextSetting([])
    target_var: Optional[Variable] = ContextSetting(None)
    time_var: Optional[Variable] = ContextSetting(None)
    window_length: int = Setting(10)
    horizon: int = Setting(1)
    #: h targets, steps 1..h, for a direct multi-step model (version 2)
    direct: bool = Setting(False)
    #: index into MISSING_OPTIONS
    missing_handling: int = Setting(0)
    #: percent of the windows held out at the end for testing; 0: none
    test_share: int = Setting(20)
    auto_apply: bool = Setting(True)
    settings_version = 2

    MISSING_OPTIONS = (MISSING_INTERPOLATE, MISSING_DROP)
    MISSING_LABELS = ("Interpolate inside the series",
                      "Drop windows with missing values")

    def __init__(self):
        super().__init__()
        coerced = coerce_settings(self)  # before the controls take them
        self.data: Optional[Table] = None

        box = gui.vBox(self.controlArea, "Variables")
        self.target_model = DomainModel(
            valid_types=(ContinuousVariable, DiscreteVariable))
        gui.comboBox(
            box, self, "target_var", label="Target:", model=self.target_model,
            orientation=Qt.Horizontal, callback=self.commit.deferred,
            tooltip="The column to predict: a numeric target becomes "
                    "target(t+h); a categorical one is taken at t+h.")
        gui.widgetLabel(box, "Series (past values become features):")
        # strict: a date (TimeVariable) orders the rows; it is not a series
        self.series_model = DomainModel(
            order=DomainModel.MIXED, valid_types=(ContinuousVariable,),
            strict_type=True)
        view = gui.listView(
            box, self, "series_vars", model=self.series_model,
            callback=self.commit.deferred, sizeHint=QSize(200, 120))
        view.setSelectionMode(view.ExtendedSelection)
        view.setMinimumHeight(60)
        view.setToolTip("Numeric columns cut into lags x(t-L+1) ... x(t).")
        self.time_model = DomainModel(
            placeholder=ROW_ORDER, valid_types=ContinuousVariable)
        gui.comboBox(
            box, self, "time_var", label="Time:", model=self.time_model,
            orientation=Qt.Horizontal, callback=self.commit.deferred,
            tooltip="Rows are sorted by this column; with (row order) the "
                    "rows are taken as they come.")

        box = gui.vBox(self.controlArea, "Windows")
        gui.spin(box, self, "window_length", 1, 10000, label="Window length:",
                 callback=self.commit.deferred, controlWidth=80,
                 alignment=Qt.AlignRight,
                 tooltip="L: past values of each series in one row.")
        gui.spin(box, self, "horizon", 1, 10000, label="Horizon:",
                 callback=self.commit.deferred, controlWidth=80,
                 alignment=Qt.AlignRight,
                 tooltip="h: the target is the value h steps after the "
                         "window's last one.")
        gui.checkBox(box, self, "direct", "Targets for every step 1..h (direct)",
                     callback=self.commit.deferred,
                     tooltip="h targets x(t+1) ... x(t+h): the LSTM/GRU "
                             "learns one network with h outputs that "
                             "forecasts all steps at once.")

        gui.radioButtons(
            self.controlArea, self, "missing_handling",
            btnLabels=self.MISSING_LABELS, box="Missing values",
            callback=self.commit.deferred)

        box = gui.vBox(self.controlArea, "Test data")
        gui.spin(box, self, "test_share", 0, 95, label="Held out at the end:",
                 callback=self.commit.deferred,
                 controlWidth=80, alignment=Qt.AlignRight,
                 tooltip="The last windows in time go to Test Data, never "
                         "shuffled, so no future value leaks into training. "
                         "0: all windows train.")

        self.controls.test_share.setSuffix(" %")

        box = gui.vBox(self.controlArea, "Info")
        self.info_label = gui.widgetLabel(box, "No data on input.")
        self.info_label.setWordWrap(True)

        gui.auto_apply(self.buttonsArea, self)
        reset_out_of_range(self, self.Warning.settings_reset, coerced)

    # --- input ------------------------------------------------------------
    @Inputs.data
    def set_data(self, data: Optional[Table]):
        self.closeContext()
        self.data = data
        self.Error.no_numeric.clear()
        self._set_domain(data)
        if data is not None:
            if len(self.series_model):
                self._set_defaults(data)
                self.openContext(data.domain)
            else:
                # No context: one with nothing in it would match any domain.
                self.Error.no_numeric()
        self.commit.now()

    def _set_domain(self, data):
        domain = data.domain if data is not None else None
        for model in (self.target_model, self.series_model, self.time_model):
            model.set_domain(domain)

    def _set_defaults(self, data: Table):
        """Choices before a saved context (if any) overrides them: the time
        variable found in the data, the class (or first numeric column) as
        target, and the target as the only series if it is numeric."""
        domain = data.domain
        time_var = find_time_variable(data)
        self.time_var = time_var if time_var in self.time_model else None
        numeric = [v for v in self.series_model if v is not time_var]
        target = domain.class_var
        if target is None or target not in self.target_model:
            target = numeric[0] if numeric else None
        self.target_var = target
        if target is not None and target.is_continuous:
            self.series_vars = [target]
        else:
            self.series_vars = [v for v in numeric if v in domain.attributes]

    # --- output -----------------------------------------------------------
    @gui.deferred
    def commit(self):
        windows = train = test = None
        self.Error.no_series.clear()
        self.Error.no_target.clear()
        self.Error.windowing_failed.clear()
        self.Error.no_train_rows.clear()
        self.Warning.windows_dropped.clear()
        self.Warning.class_missing.clear()
        self.Warning.duplicate_times.clear()
        self.Warning.time_gaps.clear()
        if self.data is not None and not self.Error.no_numeric.is_shown():
            windows = self._windows()
            if windows is not None:
                train, test = self._split(windows)
                if train is None:
                    windows = None
        self._update_info(windows, train, test)
        self.Outputs.windows.send(windows)
        self.Outputs.train.send(train)
        self.Outputs.test.send(test)

    def _windows(self) -> Optional[Table]:
        if not self.series_vars:
            self.Error.no_series()
            return None
        if self.target_var is None:
            self.Error.no_target()
            return None
        try:
            windows = make_windows(
                self.data, self.window_length, self.horizon,
                series=self.series_vars, target=self.target_var,
                # False: "(row order)", even if the data has a time variable
                time=self.time_var if self.time_var is not None else False,
                missing=self.MISSING_OPTIONS[self.missing_handling],
                direct=self.direct)
        except ValueError as exc:
            self.Error.windowing_failed(str(exc))
            return None
        except MemoryError:  # estimated to fit, but did not
            self.Error.windowing_failed(
                "Not enough memory for these windows; shorten the window "
                "or use fewer series or rows.")
            return None
        self._warn(windows.attributes["windowing"])
        return windows

    def _warn(self, report):
        """Warnings for what make_windows reports."""
        if report.n_dropped > report.n_target_missing:
            self.Warning.windows_dropped(
                report.n_dropped - report.n_target_missing,
                _plural(report.n_dropped + report.n_windows, "window"))
        if report.n_target_missing:
            self.Warning.class_missing(
                _plural(report.n_target_missing, "window"))
        if report.n_duplicate_times:
            self.Warning.duplicate_times(
                _plural(report.n_duplicate_times, "row"))
        if report.n_time_gaps:
            self.Warning.time_gaps(_plural(report.n_time_gaps, "gap"),
                                   _step(report.time_step, self.time_var))

    def _split(self, windows: Table):
        """(train, test); (windows, None) with no test share; (None, None)
        when the share leaves nothing to train on."""
        if not self.test_share:
            return windows, None
        n = len(windows)
        share = self.test_share / 100
        # held_out_rows keeps one training row by shrinking the test part;
        # a share that asks for every row is the user's error, said so.
        if n < 2 or requested_test_rows(n, share) >= n:
            self.Error.no_train_rows(self.test_share, _plural(n, "window"))
            return None, None
        return chronological_split(windows, share)

    def _update_info(self, windows, train, test):
        if self.data is None:
            self.info_label.setText("No data on input.")
            return
        n_in = len(self.data)
        if windows is None:
            self.info_label.setText(
                f"Input: {_plural(n_in, 'row')}.\nNo windows.")
            return
        report = windows.attributes["windowing"]
        n_features = len(windows.domain.attributes)
        lines = [f"Input: {_plural(n_in, 'row')}.",
                 f"Windows: {_plural(len(windows), 'row')}, "
                 f"{_plural(n_features, 'feature')} + "
                 f"{targets_text(windows.domain)}."]
        if test is not None:
            lines.append(f"Train: {len(train)} rows, test: {len(test)} rows.")
        else:
            lines.append("No test data: every window trains.")
        lines.append(f"Dropped windows: {report.n_dropped}; "
                     f"interpolated values: {report.n_interpolated}.")
        self.info_label.setText("\n".join(lines))

    def send_report(self):
        if self.data is None:
            return
        self.report_items("Windowing", (
            ("Target", self.target_var and self.target_var.name),
            ("Series", ", ".join(v.name for v in self.series_vars)),
            ("Time", self.time_var.name if self.time_var else ROW_ORDER),
            ("Window length", self.window_length),
            ("Horizon", self.horizon),
            ("Targets", "steps 1..h (direct)" if self.direct else "step h"),
            ("Missing values", self.MISSING_LABELS[self.missing_handling]),
            ("Test share", f"{self.test_share}%"),
        ))
        self.report_data("Input", self.data)
        self.report_paragraph("Output", self.info_label.text())

    @classmethod
    def migrate_settings(cls, settings, version):
        """Version 2 adds ``direct``, whose default (False) keeps older
        workflows' single target; nothing to change."""

    @classmethod
    def migrate_context(cls, context, version):
        """Version 1 is the first; nothing to migrate yet."""


if __name__ == "__main__":  # pragma: no cover
    from Orange.data import Domain
    _t = np.arange(500) * 0.1
    _y = np.sin(_t) + np.random.default_rng(0).normal(0, 0.1, len(_t))
    WidgetPreview(OWWindowing).run(Table.from_numpy(
        Domain([ContinuousVariable("y")]), _y[:, None]))
