"""LSTM/GRU: a recurrent network as an Orange learner, trained off the GUI
thread with a live loss curve, a progress bar per epoch and a Cancel button.

The widget only wires :class:`orangecontrib.recurrent.learner.RecurrentLearner`
to the canvas. The canvas imports every widget module when it starts and the
widget creates its learner in the GUI thread; learner.py imports torch only
when a model is trained or used (in the worker), so neither loads torch.
"""
import copy
import math
import time
from typing import List, Optional

import numpy as np
import pyqtgraph as pg

from AnyQt.QtCore import QSize, Qt
from AnyQt.QtGui import QColor

from Orange.base import Learner, Model
from Orange.data import Table
from Orange.widgets import gui
from Orange.widgets.settings import Setting
from Orange.widgets.utils.concurrent import ConcurrentWidgetMixin, TaskState
from Orange.widgets.utils.owlearnerwidget import OWBaseLearner
from Orange.widgets.utils.signals import Output
from Orange.widgets.utils.widgetpreview import WidgetPreview
from Orange.widgets.visualize.owscatterplotgraph import LegendItem
from Orange.widgets.visualize.utils.plotutils import PlotWidget
from Orange.widgets.widget import Msg

from orangecontrib.recurrent.learner import (
    CELLS, NORMALIZATIONS, RecurrentLearner,
)

__all__ = ["OWRecurrentLearner", "train"]

CELL_LABELS = ("LSTM", "GRU", "RNN (tanh)")
CELL_NAMES = ("LSTM", "GRU", "RNN")
DEVICES = ("auto", "cpu", "cuda")
DEVICE_LABELS = ("Auto (GPU if there is one)", "CPU", "GPU (CUDA)")
NORMALIZATION_LABELS = ("Global", "Relative to the window's last value",
                        "Auto")

EMPTY_TEXT = "Connect data: the loss per epoch appears here while the " \
             "network trains."
TRAIN_COLOR = QColor("#1f77b4")
VALIDATION_COLOR = QColor("#ff7f0e")


def train(learner: Learner, data: Table, state: TaskState) -> Optional[Model]:
    """Fit ``learner`` on ``data`` in a worker thread.

    Reports every finished epoch (an ``EpochReport``) as a partial result and
    as progress, and abandons training after the epoch in which the widget
    asked to cancel. Returns the model, or None when cancelled.
    """
    # Imported here, in the worker: importing torch is the slow part.
    from orangecontrib.recurrent.training import TrainingCancelled

    def callback(report):
        if state.is_interruption_requested():
            raise TrainingCancelled()
        state.set_partial_result(report)
        state.set_progress_value(100 * report.epoch / report.epochs)

    if state.is_interruption_requested():
        return None
    learner = copy.copy(learner)  # the Learner output keeps no callback
    learner.callback = callback
    try:
        return learner(data)
    except TrainingCancelled:
        return None


def _format_loss(value: Optional[float]) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value:.4g}"


class LossGraph(PlotWidget):
    """Training and validation loss per epoch.

    Before any training it shows labelled axes and a line of text that says
    what will appear, so the plot is never a blank square.
    """

    def __init__(self):
        super().__init__(enableMenu=False)
        self.showGrid(True, True, alpha=0.25)
        self.setLabel("bottom", "epoch")
        self.setLabel("left", "loss")
        self.getAxis("left").enableAutoSIPrefix(False)
        self.getPlotItem().buttonsHidden = True
        self.getPlotItem().hideButtons()
        self.legend = LegendItem()
        self.legend.setParentItem(self.getViewBox())
        self.legend.anchor((1, 0), (1, 0), offset=(-10, 5))
        self.train_curve = pg.PlotDataItem(
            pen=pg.mkPen(TRAIN_COLOR, width=2), symbol="o", symbolSize=5,
            symbolBrush=TRAIN_COLOR, symbolPen=None)
        self.val_curve = pg.PlotDataItem(
            pen=pg.mkPen(VALIDATION_COLOR, width=2), symbol="s",
            symbolSize=5, symbolBrush=VALIDATION_COLOR, symbolPen=None)
        best_pen = pg.mkPen(QColor(120, 120, 120), width=1,
                            style=Qt.DashLine)
        self.best_line = pg.InfiniteLine(angle=90, movable=False,
                                         pen=best_pen)
        # the line's entry in the legend (an InfiniteLine cannot be one)
        self.best_legend = pg.PlotDataItem(pen=best_pen)
        self.empty_text = pg.TextItem(color=QColor(110, 110, 110),
                                      anchor=(0.5, 0.5))
        for item in (self.train_curve, self.val_curve, self.best_line,
                     self.empty_text):
            self.addItem(item)
        self.planned_epochs = 10
        self.epochs: List[int] = []
        self.train_loss: List[float] = []
        self.val_loss: List[float] = []
        self.set_empty(EMPTY_TEXT)

    def set_empty(self, text: str, epochs: int = 10,
                  loss_label: str = "loss"):
        """No curve yet: axes for ``epochs`` epochs and ``text`` inside."""
        self._clear_data()
        self.setLabel("left", loss_label)
        self.legend.hide()
        self.best_line.hide()
        self.planned_epochs = max(epochs, 2)
        self.getViewBox().disableAutoRange()
        self._set_x_range(self.planned_epochs)
        self.setYRange(0, 1, padding=0.05)
        self.empty_text.setText(text)
        self.empty_text.setPos((1 + max(epochs, 2)) / 2, 0.5)
        self.empty_text.show()

    def start(self, epochs: int, loss_label: str):
        """A new training run: empty curves, axes for ``epochs`` epochs."""
        self.set_empty("Training: the first epoch is on its way ...",
                       epochs, loss_label)

    def add(self, report):
        """Append one epoch (an ``EpochReport``)."""
        self.epochs.append(report.epoch)
        self.train_loss.append(report.train_loss)
        self.val_loss.append(np.nan if report.val_loss is None
                             else report.val_loss)
        self._update_curves()

    def set_history(self, history, best_epoch: int = 0):
        """All epochs of a finished training; marks the kept epoch."""
        self.epochs = [r.epoch for r in history]
        self.train_loss = [r.train_loss for r in history]
        self.val_loss = [np.nan if r.val_loss is None else r.val_loss
                         for r in history]
        self.best_line.setVisible(
            bool(best_epoch) and not np.isnan(self.val_loss).all())
        self.best_line.setPos(best_epoch)
        if self.epochs:
            self._update_curves()

    def _clear_data(self):
        self.epochs, self.train_loss, self.val_loss = [], [], []
        self.train_curve.setData([], [])
        self.val_curve.setData([], [])

    def _update_curves(self):
        self.empty_text.hide()
        x = np.array(self.epochs, dtype=float)
        self.train_curve.setData(x, np.array(self.train_loss))
        val = np.array(self.val_loss)
        has_val = not np.isnan(val).all()
        self.val_curve.setData(x[~np.isnan(val)], val[~np.isnan(val)])
        self.legend.clear()
        self.legend.addItem(self.train_curve, "training")
        if has_val:
            self.legend.addItem(self.val_curve, "validation")
        if self.best_line.isVisible():
            self.legend.addItem(self.best_legend, "kept weights")
        self.legend.show()
        # x shows the planned epochs; y follows the data
        self.getViewBox().enableAutoRange(axis=pg.ViewBox.YAxis)
        self._set_x_range(max(self.planned_epochs, x[-1]))

    def _set_x_range(self, last: float):
        self.setXRange(1, last, padding=0.05)
        # epochs are whole numbers: no 2.5 ticks on a short axis
        axis = self.getAxis("bottom")
        if last <= 12:
            axis.setTickSpacing(1, 1)
        else:
            axis.setTickSpacing()


class OWRecurrentLearner(OWBaseLearner, ConcurrentWidgetMixin):
    name = "LSTM/GRU"
    description = ("Recurrent neural network (LSTM, GRU or plain RNN) for "
                   "windows of a time series or rows that are sequences; "
                   "trains in the background with a live loss curve.")
    icon = "icons/recurrent.svg"
    priority = 20
    keywords = "lstm, gru, rnn, recurrent, deep learning, neural network"

    # learner.py imports torch only when a model is trained or used, so
    # naming the class here (and creating the learner in the GUI thread)
    # does not load torch.
    LEARNER = RecurrentLearner

    class Inputs(OWBaseLearner.Inputs):
        pass

    class Outputs(OWBaseLearner.Outputs):
        history = Output("Training History", Table, dynamic=False)

    class Warning(OWBaseLearner.Warning):
        training_stopped = Msg("Training stopped early: {}.")

    class Information(OWBaseLearner.Information):
        cancelled = Msg("Training cancelled; the Model output keeps the "
                        "previous model.")
        no_validation = Msg("No validation loss: {}% of the rows is fewer "
                            "than one batch ({} rows), so no early stopping "
                            "either. Raise the validation share or lower the "
                            "batch size.")

    want_main_area = True
    resizing_enabled = True
    graph_name = "graph.plotItem"

    # 2: normalization_index (version 1 widgets trained with "global")
    settings_version = 2
    # Network
    cell_index: int = Setting(0)
    hidden_size: int = Setting(50)
    num_layers: int = Setting(1)
    bidirectional: bool = Setting(False)
    dropout: float = Setting(0.0)
    # Training
    epochs: int = Setting(20)
    batch_size: int = Setting(32)
    learning_rate: float = Setting(0.001)
    clip_gradients: bool = Setting(False)  # as RecurrentLearner: off
    clip_norm: float = Setting(1.0)
    fixed_seed: bool = Setting(True)
    random_seed: int = Setting(0)
    device_index: int = Setting(0)
    normalization_index: int = Setting(NORMALIZATIONS.index("auto"))
    # Stopping
    validation_share: int = Setting(10)  # percent of the training rows
    early_stopping: bool = Setting(True)
    patience: int = Setting(5)
    # Text (shown when a corpus arrives)
    embedding_size: int = Setting(64)
    vocabulary_size: int = Setting(10000)
    min_count: int = Setting(2)
    sequence_length: int = Setting(200)
    # Plot
    log_scale: bool = Setting(False)

    def __init__(self, preprocessors=None):
        ConcurrentWidgetMixin.__init__(self)
        self._output_model: Optional[Model] = None
        self._started = 0.0
        self._last_report = None
        self._second_run = False
        OWBaseLearner.__init__(self, preprocessors)
        self.set_default_learner_name(CELL_NAMES[self.cell_index])

    # --- GUI --------------------------------------------------------------
    def add_main_layout(self):
        def spin(box, attr, minv, maxv, label, suffix="", **kwargs):
            control = gui.spin(
                box, self, attr, minv, maxv, label=label,
                callback=self.settings_changed, controlWidth=90,
                alignment=Qt.AlignRight, **kwargs)
            # with `checked`, gui.spin returns (check box, spin box)
            spin_box = control[1] if isinstance(control, tuple) else control
            spin_box.setSuffix(suffix)
            return spin_box

        box = gui.vBox(self.controlArea, "Network")
        gui.comboBox(box, self, "cell_index", items=CELL_LABELS,
                     label="Cell:", orientation=Qt.Horizontal,
                     callback=self._on_cell_changed,
                     tooltip="LSTM and GRU remember over long windows; the "
                             "plain RNN is the simplest and forgets fastest.")
        spin(box, "hidden_size", 1, 1024, "Hidden units:",
             tooltip="Units per layer (and direction).")
        spin(box, "num_layers", 1, 8, "Layers:",
             tooltip="Recurrent layers stacked on each other.")
        gui.checkBox(box, self, "bidirectional", "Bidirectional",
                     callback=self.settings_changed,
                     tooltip="Also read each window backwards.")
        self.dropout_spin = spin(
            box, "dropout", 0.0, 0.9, "Dropout between layers:", step=0.05,
            spinType=float, decimals=2,
            tooltip="Only acts between stacked layers (2 or more).")

        box = gui.vBox(self.controlArea, "Training")
        spin(box, "epochs", 1, 10000, "Epochs:",
             tooltip="Passes over the training rows.")
        spin(box, "batch_size", 1, 65536, "Batch size:",
             tooltip="Rows per gradient step.")
        spin(box, "learning_rate", 0.00001, 1.0, "Learning rate:",
             step=0.0001, spinType=float, decimals=5,
             tooltip="Adam's step size; lower it if the loss jumps or "
                     "turns NaN.")
        spin(box, "clip_norm", 0.01, 100.0, "Clip gradients at:",
             step=0.1, spinType=float, decimals=2, checked="clip_gradients",
             checkCallback=self.settings_changed,
             tooltip="Scale down gradients whose norm is larger; keeps "
                     "recurrent networks from exploding.")
        spin(box, "random_seed", 0, 2 ** 31 - 1, "Random seed:",
             checked="fixed_seed", checkCallback=self.settings_changed,
             tooltip="The same seed and data give the same model (on the "
                     "CPU). Unchecked: a different model each time.")
        gui.comboBox(box, self, "device_index", items=DEVICE_LABELS,
                     label="Device:", orientation=Qt.Horizontal,
                     callback=self.settings_changed)
        gui.comboBox(
            box, self, "normalization_index", items=NORMALIZATION_LABELS,
            label="Normalization:", orientation=Qt.Horizontal,
            callback=self.settings_changed,
            tooltip="Global: scale with the training values; predictions "
                    "stay about in their range.\nRelative: read each window "
                    "as differences from its last value and predict the "
                    "change, so forecasts can follow a trend beyond the "
                    "training range (numeric targets only).\nAuto: global, "
                    "unless it does no better than the last value on the "
                    "validation rows; then train a relative network too "
                    "and keep the better one.")

        box = gui.vBox(self.controlArea, "Stopping")
        spin(box, "validation_share", 0, 50, "Validation share:", suffix=" %",
             tooltip="The last part of the training rows (in time order) "
                     "only measures the validation loss. 0: none.")
        spin(box, "patience", 1, 1000, "Early stopping after:",
             suffix=" epochs", checked="early_stopping",
             checkCallback=self.settings_changed,
             tooltip="Stop when the validation loss has not improved for "
                     "this many epochs; the best weights are kept.")

        # Shown only for text: a corpus is read word by word.
        self.text_box = box = gui.vBox(self.controlArea, "Text")
        spin(box, "embedding_size", 1, 1024, "Embedding size:",
             tooltip="Numbers per word: each word of the vocabulary gets a "
                     "learned vector of this length.")
        spin(box, "vocabulary_size", 1, 1000000, "Vocabulary size:",
             tooltip="The most frequent training words that get their own "
                     "vector; every other word shares one 'unknown' vector.")
        spin(box, "min_count", 1, 1000, "Minimal word count:",
             tooltip="Words seen fewer times in the training documents "
                     "count as unknown.")
        spin(box, "sequence_length", 1, 100000, "Words per document:",
             tooltip="The network reads each document's first words, up "
                     "to this many; shorter documents are padded (the "
                     "padding is skipped).")
        self.text_box.hide()
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
        return dict(
            cell=CELLS[self.cell_index], hidden_size=self.hidden_size,
            num_layers=self.num_layers, bidirectional=self.bidirectional,
            dropout=self.dropout if self.num_layers > 1 else 0.0,
            epochs=self.epochs, batch_size=self.batch_size,
            learning_rate=self.learning_rate,
            clip_norm=self.clip_norm if self.clip_gradients else None,
            validation_size=self.validation_share / 100,
            patience=self.patience if self.early_stopping else None,
            random_state=self.random_seed if self.fixed_seed else None,
            device=DEVICES[self.device_index],
            normalization=NORMALIZATIONS[self.normalization_index],
            embedding_size=self.embedding_size,
            vocabulary_size=self.vocabulary_size, min_count=self.min_count,
            sequence_length=self.sequence_length)

    def create_learner(self):
        return self.LEARNER(**self.learner_params(),
                                preprocessors=self.preprocessors)

    def get_learner_parameters(self):
        params = self.learner_params()
        return (
            ("Cell", CELL_LABELS[self.cell_index]),
            ("Hidden units", params["hidden_size"]),
            ("Layers", params["num_layers"]),
            ("Bidirectional", "yes" if params["bidirectional"] else "no"),
            ("Dropout", params["dropout"]),
            ("Epochs", params["epochs"]),
            ("Batch size", params["batch_size"]),
            ("Learning rate", params["learning_rate"]),
            ("Gradient clipping", params["clip_norm"] or "off"),
            ("Random seed", "none" if params["random_state"] is None
             else params["random_state"]),
            ("Device", DEVICE_LABELS[self.device_index]),
            ("Normalization", NORMALIZATION_LABELS[self.normalization_index]),
            ("Validation share", f"{self.validation_share}%"),
            ("Early stopping", f"after {self.patience} epochs"
             if self.early_stopping else "off"),
        ) + ((
            ("Embedding size", params["embedding_size"]),
            ("Vocabulary size", params["vocabulary_size"]),
            ("Minimal word count", params["min_count"]),
            ("Words per document", params["sequence_length"]),
        ) if self._is_text() else ())

    # --- text ---------------------------------------------------------------
    def _is_text(self) -> bool:
        # orangecontrib.recurrent.text needs neither torch nor Orange3-Text.
        # pylint: disable=import-outside-toplevel
        from orangecontrib.recurrent.text import is_text_data
        return self.data is not None and is_text_data(self.data)

    def set_data(self, data):
        super().set_data(data)
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
        classification = self.data.domain.class_var.is_discrete
        relative = NORMALIZATIONS[self.normalization_index] == "relative"
        self.graph.start(self.epochs, "cross-entropy" if classification
                         else "MSE (standardized change)" if relative
                         else "MSE (standardized target)")
        self.status_label.setText("Training ...")
        self._last_report = None
        self._second_run = False
        self._started = time.perf_counter()
        self.start(train, self.learner, self.data)
        self._update_cancel()

    def on_partial_result(self, report):
        if self._last_report is not None \
                and report.epoch <= self._last_report.epoch:
            # "auto" normalization trains a second (relative) network
            self.graph.start(report.epochs, "MSE (standardized change)")
            self._second_run = True
        self._last_report = report
        self.graph.add(report)
        text = (f"Epoch {report.epoch} of {report.epochs}: training loss "
                f"{_format_loss(report.train_loss)}")
        if self._second_run:
            text = "Auto normalization, relative network: " + text
        if report.val_loss is not None:
            text += f", validation loss {_format_loss(report.val_loss)}"
        self.status_label.setText(text + ".")

    def on_done(self, model: Optional[Model]):
        self._update_cancel()
        if model is None:  # cancelled after the last epoch had finished
            return
        model.name = self.effective_learner_name()
        model.instances = self.data
        self.model = model
        self._set_output(model)
        self.graph.set_history(model.history, model.best_epoch)
        if "loss became" in model.stop_reason:
            self.Warning.training_stopped(model.stop_reason)
        if self.validation_share and not model.n_validation:
            self.Information.no_validation(self.validation_share,
                                           self.batch_size)
        self.status_label.setText(self._summary(model))

    def on_exception(self, ex: Exception):
        self._update_cancel()
        self.model = None
        self._set_output(None)
        self.show_fitting_failed(ex)
        self.status_label.setText("Training failed.")
        if not self.graph.epochs:
            self.graph.set_empty("Training failed; see the error above.")

    def cancel_training(self):
        """Stop training after the current epoch; keep the previous model."""
        if self.task is None:
            return
        self.cancel()
        self.model = self._output_model
        self.Information.cancelled()
        done = self._last_report.epoch if self._last_report else 0
        self.status_label.setText(f"Cancelled after {done} of "
                                  f"{self.epochs} epochs.")
        self._update_cancel()

    def _update_cancel(self):
        self.cancel_button.setEnabled(self.task is not None)

    def _set_output(self, model: Optional[Model]):
        self._output_model = model
        self.Outputs.model.send(model)
        self.Outputs.history.send(
            model.history_table() if model is not None else None)

    def _send_model(self):
        # OWBaseLearner sends self.model on a rename; while training, that is
        # None, and the output keeps the previous model instead.
        if self.task is None:
            self._set_output(self.model)

    def _summary(self, model) -> str:
        seconds = time.perf_counter() - self._started
        history = model.history
        best = next((r for r in history if r.epoch == model.best_epoch),
                    history[-1] if history else None)
        text = (f"Trained {model.epochs_trained} epochs on "
                f"{model.device_used} in {seconds:.1f} s; ")
        if best is not None:
            text += (f"kept epoch {best.epoch}: training loss "
                     f"{_format_loss(best.train_loss)}")
            if best.val_loss is not None:
                text += f", validation loss {_format_loss(best.val_loss)}"
        text += f".\nStopped: {model.stop_reason}."
        if self.normalization_index == NORMALIZATIONS.index("auto") \
                and getattr(model, "normalization_reason", ""):
            text += f"\nNormalization {model.normalization_reason}."
        return text

    def onDeleteWidget(self):
        self.shutdown()
        super().onDeleteWidget()

    # --- report and settings -----------------------------------------------
    def send_report(self):
        super().send_report()
        model = self._output_model
        if model is not None and model.history:
            last = model.history[-1]
            self.report_items("Training", (
                ("Epochs trained", model.epochs_trained),
                ("Kept epoch", model.best_epoch),
                ("Final training loss", _format_loss(last.train_loss)),
                ("Final validation loss", _format_loss(last.val_loss)),
                ("Stopped", model.stop_reason),
                ("Device", model.device_used),
                ("Normalization", getattr(model, "normalization_reason", "")
                 or getattr(model, "normalization_used", "global")),
            ))
            self.report_plot()

    @classmethod
    def migrate_settings(cls, settings, version):
        """Version 2 added the normalization; workflows saved before it
        trained with global normalization, and keep it."""
        if version is None or version < 2:
            settings.setdefault("normalization_index",
                                NORMALIZATIONS.index("global"))


if __name__ == "__main__":  # pragma: no cover
    from orangecontrib.recurrent.windowing import make_windows
    from Orange.data import ContinuousVariable, Domain
    _t = np.arange(2000) * 0.1
    _y = np.sin(_t) + np.random.default_rng(0).normal(0, 0.1, len(_t))
    _series = Table.from_numpy(Domain([ContinuousVariable("y")]), _y[:, None])
    WidgetPreview(OWRecurrentLearner).run(make_windows(_series, 10))
