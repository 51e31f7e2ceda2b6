"""LSTM/GRU: a recurrent network as an Orange learner, trained off the GUI
thread with a live loss curve, a progress bar per epoch and a Cancel button.

The widget only wires :class:`orangecontrib.recurrent.learner.RecurrentLearner`
to the canvas. The canvas imports every widget module when it starts and the
widget creates its learner in the GUI thread; learner.py imports torch only
when a model is trained or used (in the worker), so neither loads torch.
"""
import time
from typing import Optional

import numpy as np

from AnyQt.QtCore import QSize

from Orange.base import Model
from Orange.data import Table
from Orange.widgets import gui
from Orange.widgets.settings import Setting
from Orange.widgets.utils.concurrent import ConcurrentWidgetMixin
from Orange.widgets.utils.owlearnerwidget import OWBaseLearner
from Orange.widgets.utils.signals import Output
from Orange.widgets.utils.widgetpreview import WidgetPreview
from Orange.widgets.widget import Msg

from orangecontrib.recurrent.learner import RecurrentLearner
from orangecontrib.recurrent.options import (
    AUTO, FRONTENDS, GLOBAL, NORMALIZATIONS, RAW,
)
from orangecontrib.recurrent.reports import StopReason
from orangecontrib.recurrent.sizing import independent_rows
from orangecontrib.recurrent.widgets.utils.learnerform import (
    add_form, epoch_status, learner_params, no_validation_text,
    report_parameters,
    training_report, training_summary,
)
from orangecontrib.recurrent.widgets.utils.lossplot import (
    EMPTY_TEXT, LossGraph,
)
from orangecontrib.recurrent.widgets.utils.settingscheck import (
    coerce_settings, reset_out_of_range,
)
# train is the worker's function; it lives beside the widget's helpers
from orangecontrib.recurrent.widgets.utils.trainingtask import train

__all__ = ["OWRecurrentLearner", "train"]

CELL_NAMES = ("LSTM", "GRU", "RNN")


class OWRecurrentLearner(OWBaseLearner, ConcurrentWidgetMixin):
    name = "LSTM/GRU"
    description = ("Recurrent neural network (LSTM, GRU or plain RNN) for "
                   "windows of a time series or rows that are sequences; "
                   "trains in the background with a live loss curve.")
    icon = "icons/recurrent.svg"
    priority = 20
    keywords = "lstm, gru, rnn, recurrent, deep learning, neural network"

    LEARNER = RecurrentLearner  # creating it does not load torch

    class Inputs(OWBaseLearner.Inputs):
        pass

    class Outputs(OWBaseLearner.Outputs):
        history = Output("Training History", Table, dynamic=False,
                         explicit=True)  # drags link the Learner or Model

    class Warning(OWBaseLearner.Warning):
        training_stopped = Msg("Training stopped early: {}.")
        settings_reset = Msg("Saved settings out of range were reset: {}.")

    class Information(OWBaseLearner.Information):
        cancelled = Msg("Training cancelled; the Model output keeps the "
                        "previous model.")
        cancelled_first = Msg("Training cancelled; there is no model yet.")
        no_validation = Msg("{}")  # (learnerform.no_validation_text)

    want_main_area = True
    resizing_enabled = True
    graph_name = "graph.plotItem"

    # 2: normalization_index (version 1 widgets trained with "global")
    # 3: log_scale on (the first epoch's loss squashed the linear curve)
    # 4: frontend_index and fixed_epochs (older widgets: raw, their epochs)
    settings_version = 4
    # Network
    cell_index: int = Setting(0)
    hidden_size: int = Setting(50)
    num_layers: int = Setting(1)
    bidirectional: bool = Setting(False)
    dropout: float = Setting(0.0)
    # Training
    fixed_epochs: bool = Setting(False)  # False: as many as the data needs
    epochs: int = Setting(400)
    batch_size: int = Setting(32)
    learning_rate: float = Setting(0.001)
    clip_gradients: bool = Setting(False)  # as RecurrentLearner: off
    clip_norm: float = Setting(1.0)
    fixed_seed: bool = Setting(True)
    random_seed: int = Setting(0)
    device_index: int = Setting(0)
    normalization_index: int = Setting(NORMALIZATIONS.index(AUTO))
    frontend_index: int = Setting(FRONTENDS.index(AUTO))
    # Stopping
    validation_share: int = Setting(10)  # percent of the training rows
    early_stopping: bool = Setting(True)
    patience: int = Setting(5)
    # Text (shown when a corpus arrives)
    embedding_size: int = Setting(64)
    vocabulary_size: int = Setting(10000)
    min_count: int = Setting(1)
    sequence_length: int = Setting(200)
    # Plot
    log_scale: bool = Setting(True)

    def __init__(self, preprocessors=None):
        ConcurrentWidgetMixin.__init__(self)
        self._output_model: Optional[Model] = None
        self._started = 0.0
        self._last_report = None
        coerced = coerce_settings(self)  # before the controls take them
        OWBaseLearner.__init__(self, preprocessors)
        reset_out_of_range(self, self.Warning.settings_reset, coerced)
        self.set_default_learner_name(CELL_NAMES[self.cell_index])

    # --- GUI --------------------------------------------------------------
    def add_main_layout(self):
        add_form(self)
        self._update_dropout_enabled()

        # Main area: the loss curve, a status line and Cancel.
        self.graph = LossGraph()
        self.graph.setLogMode(y=self.log_scale)
        self.mainArea.layout().addWidget(self.graph)
        self.status_label = gui.widgetLabel(self.mainArea, "Not trained yet.")
        self.status_label.setWordWrap(True)
        row = gui.hBox(self.mainArea)
        gui.checkBox(row, self, "log_scale", "Log scale",
                     callback=self._on_log_scale)
        gui.rubber(row)
        self.cancel_button = gui.button(row, self, "Cancel training",
                                        callback=self.cancel_training,
                                        autoDefault=False)
        self.cancel_button.setEnabled(False)

    def sizeHint(self):
        return super().sizeHint().expandedTo(QSize(860, 560))

    def _on_cell_changed(self):
        self.set_default_learner_name(CELL_NAMES[self.cell_index])
        self.settings_changed()

    def _update_dropout_enabled(self):
        self.dropout_spin.setEnabled(self.num_layers > 1)

    def settings_changed(self, *args, **kwargs):
        self._update_dropout_enabled()
        super().settings_changed(*args, **kwargs)

    def _on_log_scale(self):
        self.graph.setLogMode(y=self.log_scale)

    # --- learner ----------------------------------------------------------
    def learner_params(self) -> dict:
        """The RecurrentLearner's arguments from the current settings."""
        return learner_params(self)

    def create_learner(self):
        return self.LEARNER(**self.learner_params(),
                                preprocessors=self.preprocessors)

    def get_learner_parameters(self):
        return report_parameters(self, self._is_text())

    # --- text ---------------------------------------------------------------
    def _is_text(self) -> bool:
        # orangecontrib.recurrent.text needs neither torch nor Orange3-Text.
        # pylint: disable=import-outside-toplevel
        from orangecontrib.recurrent.text import is_text_data
        return self.data is not None and is_text_data(self.data)

    @Inputs.data  # bound again, so that the status bar summarizes the data
    def set_data(self, data):
        super().set_data(data)
        if data is not None and len(data.domain.class_vars) > 1 \
                and all(v.is_continuous for v in data.domain.class_vars):
            # OWBaseLearner refuses several targets; numeric ones are
            # direct multi-step windows: one network with an output each.
            self.Error.data_error.clear()
            self.data = data
        self.text_box.setVisible(self._is_text())

    def check_data(self):
        """As OWBaseLearner's, but a corpus needs no feature columns: the
        network reads its words."""
        if not self._is_text() or self.data.X.size:
            return super().check_data()
        self.valid_data = False
        self.Error.sparse_not_supported.clear()
        self.Error.data_error.clear()
        reason = self.learner.incompatibility_reason(self.data.domain)
        if reason is not None:
            self.Error.data_error(reason)
        elif not len(self.data):
            self.Error.data_error("Dataset is empty.")
        else:
            self.valid_data = True
        return self.valid_data

    # --- training in the background ----------------------------------------
    def update_model(self):
        """Start training in a thread (OWBaseLearner fits in the GUI thread).

        The Model output keeps its model until the new one is done; when the
        data cannot be used, the outputs are cleared at once."""
        self.cancel()
        self.show_fitting_failed(None)
        self.Warning.training_stopped.clear()
        self.Information.cancelled.clear()
        self.Information.cancelled_first.clear()
        self.Information.no_validation.clear()
        self.model = None
        if not self.check_data():
            self._set_output(None)
            self.graph.set_empty(
                EMPTY_TEXT if self.data is None
                else "No training: see the message above.")
            self.status_label.setText("Not trained.")
            self._update_cancel()
            return
        self.graph.start(self.epochs if self.fixed_epochs else 20, "loss")
        self.status_label.setText("Training ...")
        self._last_report = None
        self._started = time.perf_counter()
        self.start(train, self.learner, self.data)
        self._update_cancel()

    def on_partial_result(self, report):
        last = self._last_report
        if last is None or report.run != last.run:
            # a new network: the first, auto front-end's next candidate or
            # auto normalization's second
            self.graph.start(report.epochs, report.loss_name)
        self._last_report = report
        self.graph.add(report)
        self.status_label.setText(epoch_status(report))

    def on_done(self, model: Optional[Model]):
        self._update_cancel()
        if model is None:  # cancelled after the last epoch had finished
            return
        model.name = self.effective_learner_name()
        model.instances = self.data
        self.model = model
        self._set_output(model)
        self.graph.set_history(model.history, model.best_epoch)
        if model.stop in (StopReason.NOT_FINITE, StopReason.DIVERGED):
            self.Warning.training_stopped(model.stop_reason)
        if self.validation_share and not model.n_validation:
            self.Information.no_validation(no_validation_text(
                self, independent_rows(self.data.domain)
                and not self._is_text()))
        self.status_label.setText(training_summary(
            model, time.perf_counter() - self._started,
            self.normalization_index == NORMALIZATIONS.index(AUTO)))

    def on_exception(self, ex: Exception):
        self._update_cancel()
        self.model = None
        self._set_output(None)
        self.show_fitting_failed(ex)
        self.status_label.setText("Training failed.")
        if not self.graph.epochs:
            self.graph.set_empty("Training failed; see the error above.")

    def cancel_training(self):
        """Stop training at the next batch; keep the previous model."""
        if self.task is None:
            return
        self.cancel()
        self.model = self._output_model
        (self.Information.cancelled if self.model is not None
         else self.Information.cancelled_first)()
        done = self._last_report.epoch if self._last_report else 0
        planned = self._last_report.epochs if done else self.epochs
        self.status_label.setText(f"Cancelled after {done} of "
                                  f"{planned} epochs.")
        self._update_cancel()

    def _update_cancel(self):
        self.cancel_button.setEnabled(self.task is not None)

    def _set_output(self, model: Optional[Model]):
        self._output_model = model
        self.Outputs.model.send(model)
        self.Outputs.history.send(
            model.history_table() if model is not None else None)

    def learner_name_changed(self):
        # OWBaseLearner would send self.model, which is None while training;
        # the output keeps its model, renamed.
        name = self.effective_learner_name()
        if self.learner is not None:
            self.learner.name = name
            self.Outputs.learner.send(self.learner)
        if self._output_model is not None:
            self._output_model.name = name
        self._set_output(self._output_model)

    def onDeleteWidget(self):
        self.shutdown()
        super().onDeleteWidget()

    # --- report and settings -----------------------------------------------
    def send_report(self):
        super().send_report()
        model = self._output_model
        if model is not None and model.history:
            self.report_items("Training", training_report(model))
            self.report_plot()

    @classmethod
    def migrate_settings(cls, settings, version):
        """Version 2 added the normalization; workflows saved before it
        trained with global normalization, and keep it. Version 3 shows the
        loss on a log scale: older workflows saved the linear default.
        Version 4 added the front-end and epochs from the data's size;
        older workflows keep raw steps and their number of epochs."""
        if version is None or version < 2:
            settings.setdefault("normalization_index",
                                NORMALIZATIONS.index(GLOBAL))
        if version is None or version < 3:
            settings["log_scale"] = True
        if version is None or version < 4:
            settings.setdefault("frontend_index", FRONTENDS.index(RAW))
            settings.setdefault("fixed_epochs", True)
            settings.setdefault("epochs", 20)


if __name__ == "__main__":  # pragma: no cover
    from orangecontrib.recurrent.windowing import make_windows
    from Orange.data import ContinuousVariable, Domain
    _t = np.arange(2000) * 0.1
    _y = np.sin(_t) + np.random.default_rng(0).normal(0, 0.1, len(_t))
    _series = Table.from_numpy(Domain([ContinuousVariable("y")]), _y[:, None])
    WidgetPreview(OWRecurrentLearner).run(make_windows(_series, 10))
