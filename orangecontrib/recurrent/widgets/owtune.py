"""Tune: search a learner's parameters (grid, random or Bayesian) and send
the best learner on.

The search is :func:`orangecontrib.recurrent.tuning.tune`, run off the GUI
thread; this module only reads the user's parameters and values, shows the
trials as they finish (a table and :class:`~.utils.tuneplot.TunePlot`) and
sends the results. Stop ends the search after the running trial and keeps the
trials done.
"""
import threading
from typing import Optional

from AnyQt.QtCore import Qt
from AnyQt.QtWidgets import (
    QCheckBox, QComboBox, QGridLayout, QHeaderView, QLabel, QLineEdit,
    QSplitter, QTableView,
)

from Orange.base import Learner, Model
from Orange.data import Table
from Orange.widgets import gui
from Orange.widgets.settings import Setting
from Orange.widgets.utils.concurrent import ConcurrentWidgetMixin, TaskState
from Orange.widgets.utils.itemmodels import PyTableModel
from Orange.widgets.utils.widgetpreview import WidgetPreview
from Orange.widgets.widget import Input, Msg, Output, OWWidget

from orangecontrib.recurrent.tuning import (
    METHODS, Range, TuneResult, best_of, parse_values, tunable_parameters,
    tune,
)
from orangecontrib.recurrent.widgets.utils.settingscheck import (
    coerce_settings, reset_out_of_range,
)
from orangecontrib.recurrent.widgets.utils.tuneplot import TunePlot, value_label

__all__ = ["OWTune", "run"]

METHOD_LABELS = ("Grid (every combination)", "Random (seeded)",
                 "Bayesian (Optuna)")
#: [use, parameter, values]; the recurrent learner's sensible ranges
DEFAULT_ROWS = [[True, "hidden_size", "16, 32, 64"],
                [True, "learning_rate", "0.001, 0.003, 0.01"],
                [False, "num_layers", "1, 2"],
                [False, "dropout", "0, 0.2"],
                [False, "cell", "lstm, gru"]]


def run(learner: Learner, data: Table, space: dict, method: str,
        n_trials: Optional[int], stop: threading.Event,
        state: TaskState) -> tuple:
    """The search, then the best learner fitted on all ``data`` (skipped
    when stopped). Returns ``(TuneResult, model or None)``."""
    def callback(done, total, trial):
        state.set_progress_value(100 * done / (total + 1))
        state.set_partial_result(trial)
        return stop.is_set() or state.is_interruption_requested()
    result = tune(learner, data, space, method=method, n_trials=n_trials,
                  callback=callback)
    if result.cancelled or result.best_learner is None \
            or state.is_interruption_requested():
        return result, None
    return result, result.best_learner(data)


class OWTune(OWWidget, ConcurrentWidgetMixin):
    name = "Tune"
    description = ("Search a learner's parameters (hidden size, layers, "
                   "learning rate, ...) by grid, random or Bayesian search, "
                   "scored on a validation part that respects time.")
    icon = "icons/tune.svg"
    priority = 40
    keywords = "tune, hyperparameter, grid search, random search, bayesian, " \
               "optuna, optimize"

    class Inputs:
        data = Input("Data", Table)
        learner = Input("Learner", Learner)

    class Outputs:
        learner = Output("Best Learner", Learner, default=True)
        trials = Output("Trials", Table, explicit=True)
        model = Output("Best Model", Model, explicit=True)

    class Error(OWWidget.Error):
        no_target = Msg("The data needs one target variable.")
        incompatible = Msg("{}")
        bad_space = Msg("{}")
        failed = Msg("The search failed: {}")

    class Information(OWWidget.Information):
        waiting = Msg("Connect data and a learner.")
        stopped = Msg("Stopped after {} of {} trials; the outputs hold the "
                      "best of those (no model was fitted).")

    class Warning(OWWidget.Warning):
        settings_reset = Msg("Saved settings out of range were reset: {}.")

    rows: list = Setting(DEFAULT_ROWS)
    method_index: int = Setting(0)
    n_trials: int = Setting(10)
    settings_version = 1
    graph_name = "plot.plotItem"

    def __init__(self):
        OWWidget.__init__(self)
        ConcurrentWidgetMixin.__init__(self)
        self.data: Optional[Table] = None
        self.learner: Optional[Learner] = None
        self.result: Optional[TuneResult] = None
        self.trials, self.names = [], []
        self._stop = threading.Event()
        coerced = coerce_settings(self)  # before the controls take them
        self.rows = self.migrate_rows(self.rows)

        box = gui.vBox(self.controlArea, "Parameters")
        grid = QGridLayout()
        box.layout().addLayout(grid)
        self.row_widgets = []
        for i, (use, name, values) in enumerate(self.rows):
            check, combo, edit = QCheckBox(), QComboBox(), QLineEdit(values)
            check.setChecked(use)
            combo.setEditable(True)
            combo.setEditText(name)
            edit.setToolTip("Comma-separated values (16, 32, 64); for random "
                            "or Bayesian search also a range: 8..64, or "
                            "0.0001..0.1 log.")
            check.toggled.connect(self._on_rows_changed)
            combo.currentTextChanged.connect(self._on_rows_changed)
            edit.editingFinished.connect(self._on_rows_changed)
            for col, widget in enumerate((check, combo, edit)):
                grid.addWidget(widget, i, col)
            self.row_widgets.append((check, combo, edit))

        box = gui.vBox(self.controlArea, "Search")
        gui.comboBox(box, self, "method_index", items=METHOD_LABELS,
                     label="Method:", orientation=0)
        gui.spin(box, self, "n_trials", 1, 1000, label="Budget (trials):",
                 tooltip="Random and Bayesian search run this many trials; "
                         "a grid runs every combination.")
        gui.button(box, self, "Start", callback=self.start_search)
        self.stop_button = gui.button(box, self, "Stop",
                                      callback=self.stop_search)
        self.stop_button.setEnabled(False)
        self.status = QLabel(wordWrap=True)
        self.controlArea.layout().addWidget(self.status)
        gui.rubber(self.controlArea)
        reset_out_of_range(self, self.Warning.settings_reset, coerced)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.plot = TunePlot()
        self.table_model = PyTableModel(parent=self)
        self.table_view = QTableView(sortingEnabled=True)
        self.table_view.setModel(self.table_model)
        self.table_view.verticalHeader().hide()
        self.table_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        splitter.addWidget(self.plot)
        splitter.addWidget(self.table_view)
        splitter.setSizes([420, 260])
        self.mainArea.layout().addWidget(splitter)
        self.Information.waiting()

    @staticmethod
    def migrate_rows(rows) -> list:
        """Five well-formed [use, name, values] rows, defaults filling in."""
        good = [[bool(r[0]), str(r[1]), str(r[2])] for r in rows or []
                if isinstance(r, (list, tuple)) and len(r) == 3]
        return (good + DEFAULT_ROWS[len(good):])[:len(DEFAULT_ROWS)]

    def _on_rows_changed(self):
        self.rows = [[c.isChecked(), n.currentText().strip(), e.text()]
                     for c, n, e in self.row_widgets]

    @Inputs.data
    def set_data(self, data: Optional[Table]):
        self.data = data

    @Inputs.learner
    def set_learner(self, learner: Optional[Learner]):
        self.learner = learner
        names = sorted(tunable_parameters(learner)) if learner else []
        for _, combo, _ in self.row_widgets:
            text = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(names)
            combo.setEditText(text)
            combo.blockSignals(False)

    def handleNewSignals(self):
        self.start_search()

    def space(self) -> dict:
        """The chosen parameters and their parsed values (ValueError)."""
        space = {}
        for use, name, values in self.rows:
            if use:
                if name in space:
                    raise ValueError(f"'{name}' is chosen twice.")
                space[name] = parse_values(name, values)
        if not space:
            raise ValueError("Choose at least one parameter to tune.")
        known = tunable_parameters(self.learner)
        unknown = [n for n in space if n not in known]
        if unknown:
            raise ValueError(f"{self.learner.name} has no parameter "
                             f"'{unknown[0]}'; choose from "
                             f"{', '.join(sorted(known))}.")
        if METHODS[self.method_index] == "grid" and any(
                isinstance(v, Range) for v in space.values()):
            raise ValueError("Grid search needs lists of values, not ranges.")
        return space

    def start_search(self):
        self.cancel()
        self.clear_messages()
        self.trials, self.result = [], None
        self._show_trials()
        if self.data is None or self.learner is None:
            self.Information.waiting()
            self._send(None, None)
            return
        if self.data.domain.class_var is None \
                or len(self.data.domain.class_vars) != 1:
            self.Error.no_target()
        elif (reason := self.learner.incompatibility_reason(
                self.data.domain)) is not None:
            self.Error.incompatible(reason)
        else:
            try:
                space = self.space()
            except ValueError as err:
                self.Error.bad_space(str(err))
            else:
                self.names = list(space)
                self._stop = threading.Event()
                method = METHODS[self.method_index]
                self.status.setText("Searching ...")
                self.start(run, self.learner, self.data, space, method,
                           None if method == "grid" else self.n_trials,
                           self._stop)
                self._update_buttons()
                return
        self._send(None, None)

    def stop_search(self):
        """Finish the running trial, then stop and keep the trials done."""
        self._stop.set()
        self.status.setText("Stopping after the running trial ...")

    def on_partial_result(self, trial):
        self.trials.append(trial)
        self._show_trials()

    def on_done(self, output: tuple):
        result, model = output
        self.result = result
        self.trials = list(result.trials)
        self._show_trials()
        self._update_buttons()
        best = result.best_trial
        if result.cancelled:
            self.Information.stopped(len(result.trials), result.n_planned)
        if best is None:
            self.Error.failed("no trial gave a finite score.")
            self._send(None, None)
            return
        self.status.setText(
            f"{len(result.trials)} trials; validation: {result.split} "
            f"({len(result.validation_rows)} rows).\nBest {result.scorer} "
            f"{best.score:.4g} with "
            + ", ".join(f"{k} = {value_label(v)}"
                        for k, v in best.params.items()) + ".")
        learner = result.best_learner
        learner.name = f"{self.learner.name} (tuned)"
        if model is not None:
            model.name = learner.name
        self._send(learner, model)

    def on_exception(self, ex: Exception):
        self._update_buttons()
        self.Error.failed(str(ex))
        self.status.setText("")
        self._send(None, None)

    def _send(self, learner, model):
        self.Outputs.learner.send(learner)
        self.Outputs.model.send(model)
        self.Outputs.trials.send(self.result.table if self.result else None)

    def _update_buttons(self):
        self.stop_button.setEnabled(self.task is not None)

    def _show_trials(self):
        higher = bool(self.data and self.data.domain.class_var
                      and self.data.domain.class_var.is_discrete)
        scorer = "CA" if higher else "RMSE"
        self.table_model.wrap([
            [t.number] + [value_label(t.params[n]) for n in self.names]
            + [round(t.score, 5), t.epochs, round(t.fit_seconds, 2)]
            for t in self.trials])
        self.table_model.setHorizontalHeaderLabels(
            ["trial", *self.names, f"validation {scorer}", "epochs",
             "fit (s, wall)"])
        if self.trials:
            self.plot.set_trials(self.trials, self.names, scorer, higher,
                                 best_of(self.trials, higher))
        else:
            self.plot.set_message(
                "The validation score of each trial appears here.")

    def onDeleteWidget(self):
        self.shutdown()
        super().onDeleteWidget()

    def send_report(self):
        self.report_items("Search", (
            ("Method", METHOD_LABELS[self.method_index]),
            ("Parameters", "; ".join(f"{n}: {v}" for use, n, v in self.rows
                                     if use)),
        ))
        if self.result is not None:
            self.report_paragraph("Result", self.status.text())
            self.report_plot()
            self.report_table("Trials", self.table_view)

    @classmethod
    def migrate_settings(cls, settings, version):
        """Version 1 is the first; rows saved in any other shape (or a
        broken file) are repaired to five [use, name, values] rows."""
        if version is None or version < 1 or "rows" in settings:
            settings["rows"] = cls.migrate_rows(settings.get("rows"))
        if settings.get("method_index") not in range(len(METHODS)):
            settings["method_index"] = 0


if __name__ == "__main__":  # pragma: no cover
    from orangecontrib.recurrent import RecurrentLearner, make_windows
    from orangecontrib.recurrent.datasets import sine_with_noise
    WidgetPreview(OWTune).run(
        set_data=make_windows(sine_with_noise(600), 10),
        set_learner=RecurrentLearner(epochs=3))
