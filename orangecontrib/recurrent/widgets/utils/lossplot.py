"""The LSTM/GRU widget's plot: training and validation loss per epoch."""
import math
from typing import List, Optional

import numpy as np
import pyqtgraph as pg

from AnyQt.QtCore import Qt
from AnyQt.QtGui import QColor

from Orange.widgets.visualize.owscatterplotgraph import LegendItem
from Orange.widgets.visualize.utils.plotutils import PlotWidget

from orangecontrib.recurrent.reports import (
    LOSS_CHANGE, LOSS_CROSS_ENTROPY, LOSS_STANDARDIZED,
)

__all__ = ["LossGraph", "format_loss", "loss_label", "EMPTY_TEXT"]

# Said also when only the Learner output is used: Test and Score trains it
# there, and this plot has nothing to show.
EMPTY_TEXT = ("No data here. Connect Data to train a model and watch its\n"
              "loss per epoch. The Learner output trains wherever it goes\n"
              "(e.g. in Test and Score), without a curve here.")

#: What the loss measures (EpochReport.loss_name), in words for the axis.
LOSS_LABELS = {
    LOSS_STANDARDIZED: "mean squared error (target in standard units)",
    LOSS_CHANGE: "mean squared error (change from the window's last value, "
                 "standard units)",
    LOSS_CROSS_ENTROPY: "cross-entropy (classification)",
}


def loss_label(loss_name: str) -> str:
    """The axis label for a loss."""
    return LOSS_LABELS.get(loss_name, loss_name)
TRAIN_COLOR = QColor("#1f77b4")
VALIDATION_COLOR = QColor("#ff7f0e")


def format_loss(value: Optional[float]) -> str:
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
                  loss_name: str = "loss"):
        """No curve yet: axes for ``epochs`` epochs and ``text`` inside."""
        self._clear_data()
        self.setLabel("left", loss_label(loss_name))
        self.legend.hide()
        self.best_line.hide()
        self.planned_epochs = max(epochs, 2)
        self.getViewBox().disableAutoRange()
        self._set_x_range(self.planned_epochs)
        self.setYRange(0, 1, padding=0.05)
        self.empty_text.setText(text)
        self.empty_text.setPos((1 + max(epochs, 2)) / 2, 0.5)
        self.empty_text.show()

    def start(self, epochs: int, loss_name: str):
        """A new training run: empty curves, axes for ``epochs`` epochs."""
        self.set_empty("Training: the first epoch is on its way ...",
                       epochs, loss_name)

    def add(self, report):
        """Append one epoch (an ``EpochReport``)."""
        self.epochs.append(report.epoch)
        self.train_loss.append(report.train_loss)
        self.val_loss.append(np.nan if report.val_loss is None
                             else report.val_loss)
        self._update_curves()

    def set_history(self, history, best_epoch: int = 0):
        """All epochs of a finished training (of the network that was
        kept: the axis says what its loss measures); marks the kept epoch."""
        if history:
            self.setLabel("left", loss_label(history[-1].loss_name))
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
