"""The Tune widget's plot: validation score against one parameter, or a
heatmap of the score over two.

Parameter values sit at evenly spaced positions (value 16, 32, 64 at 0, 1, 2)
with the values as tick labels, so a log-spaced grid such as learning rates
1e-3, 3e-3, 1e-2 reads as evenly as it was chosen. With more than two
parameters the heatmap shows the best score of the trials in each cell.
"""
from typing import Optional, Sequence

import numpy as np
import pyqtgraph as pg

from AnyQt.QtCore import Qt
from AnyQt.QtGui import QColor

from Orange.widgets.visualize.utils.plotutils import PlotWidget

__all__ = ["TunePlot", "value_label", "grid_of"]

POINT_COLOR = QColor(46, 125, 50)
BEST_COLOR = QColor(198, 40, 40)
TEXT_COLOR = QColor(110, 110, 110)


def value_label(value) -> str:
    """A short tick label: 0.001 -> "0.001", 3e-05 -> "3e-05", 32 -> "32"."""
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def _sort_key(value):
    return (0, value, "") if isinstance(value, (int, float)) \
        and not isinstance(value, bool) else (1, 0, str(value))


def grid_of(trials: Sequence, x_name: str, y_name: str,
            higher_is_better: bool) -> tuple:
    """Scores of ``trials`` on the grid of two parameters' values.

    Returns ``(x_values, y_values, scores)`` where ``scores[i, j]`` is the
    best score among trials with ``y_values[i]`` and ``x_values[j]`` (NaN
    where none ran).
    """
    xs = sorted({t.params[x_name] for t in trials}, key=_sort_key)
    ys = sorted({t.params[y_name] for t in trials}, key=_sort_key)
    scores = np.full((len(ys), len(xs)), np.nan)
    pick = np.fmax if higher_is_better else np.fmin
    for t in trials:
        i, j = ys.index(t.params[y_name]), xs.index(t.params[x_name])
        scores[i, j] = pick(scores[i, j], t.score)
    return xs, ys, scores


class TunePlot(PlotWidget):
    """Score against one parameter (points, the best in red), or a heatmap
    of the score over two parameters with each cell's score written in it
    (darker is better)."""

    def __init__(self):
        super().__init__(enableMenu=False)
        self.getPlotItem().hideButtons()
        self.getAxis("left").enableAutoSIPrefix(False)
        self.cells = None  # (x values, y values, scores) of the heatmap
        self.set_message("The validation score of each trial appears here.")

    def set_message(self, text: str):
        """Empty the plot and show a line of text instead."""
        self.clear()
        self.cells = None
        self.setLabel("bottom", "")
        self.setLabel("left", "")
        for axis in ("bottom", "left"):
            self.getAxis(axis).setTicks(None)
        item = pg.TextItem(text, color=TEXT_COLOR, anchor=(0.5, 0.5))
        item.setPos(0.5, 0.5)
        self.addItem(item)
        self.setRange(xRange=(0, 1), yRange=(0, 1))

    def set_trials(self, trials: Sequence, names: Sequence[str], scorer: str,
                   higher_is_better: bool, best: Optional[object] = None):
        """Plot ``trials`` over the first one or two parameters of ``names``."""
        scored = [t for t in trials if np.isfinite(t.score)]
        if not scored:
            self.set_message("No trial has finished yet.")
            return
        self.clear()
        self.cells = None
        if len(names) == 1:
            self._line(scored, names[0], scorer, best)
        else:
            self._heatmap(scored, names[0], names[1], scorer,
                          higher_is_better)

    def _ticks(self, axis: str, values: list):
        self.getAxis(axis).setTicks(
            [[(i, value_label(v)) for i, v in enumerate(values)]])

    def _line(self, trials, name, scorer, best):
        xs = sorted({t.params[name] for t in trials}, key=_sort_key)
        x = np.array([xs.index(t.params[name]) for t in trials], dtype=float)
        y = np.array([t.score for t in trials])
        self.addItem(pg.ScatterPlotItem(
            x=x, y=y, size=9, pen=pg.mkPen(POINT_COLOR),
            brush=pg.mkBrush(POINT_COLOR)))
        if best is not None and best in trials:
            self.addItem(pg.ScatterPlotItem(
                x=[xs.index(best.params[name])], y=[best.score], size=14,
                symbol="star", pen=pg.mkPen(BEST_COLOR),
                brush=pg.mkBrush(BEST_COLOR)))
        self._ticks("bottom", xs)
        self.getAxis("left").setTicks(None)
        self.setLabel("bottom", name)
        self.setLabel("left", f"validation {scorer}")
        self.setRange(xRange=(-0.5, len(xs) - 0.5), yRange=(y.min(), y.max()),
                      padding=0.1)

    def _heatmap(self, trials, x_name, y_name, scorer, higher_is_better):
        xs, ys, scores = grid_of(trials, x_name, y_name, higher_is_better)
        self.cells = (xs, ys, scores)
        finite = scores[np.isfinite(scores)]
        low, high = finite.min(), finite.max()
        share = (scores - low) / (high - low) if high > low \
            else np.full_like(scores, 0.5)
        if not higher_is_better:
            share = 1 - share  # 1 is the best cell: darker is better
        lut = np.array([[int(255 - 200 * s), int(255 - 130 * s),
                         int(255 - 200 * s), 255]
                        for s in np.linspace(1, 0, 256)], dtype=np.ubyte)
        rgba = lut[np.nan_to_num(255 * (1 - share), nan=255).astype(int)]
        rgba[~np.isfinite(scores)] = (235, 235, 235, 255)
        image = pg.ImageItem(np.transpose(rgba, (1, 0, 2)))
        image.setRect(-0.5, -0.5, len(xs), len(ys))
        self.addItem(image)
        for i in range(len(ys)):
            for j in range(len(xs)):
                if np.isfinite(scores[i, j]):
                    dark = share[i, j] > 0.6
                    text = pg.TextItem(
                        f"{scores[i, j]:.4g}", anchor=(0.5, 0.5),
                        color=QColor(Qt.GlobalColor.white) if dark
                        else QColor(Qt.GlobalColor.black))
                    text.setPos(j, i)
                    self.addItem(text)
        self._ticks("bottom", xs)
        self._ticks("left", ys)
        self.setLabel("bottom", x_name)
        self.setLabel("left", f"{y_name}   (cells: validation {scorer})")
        self.setRange(xRange=(-0.5, len(xs) - 0.5),
                      yRange=(-0.5, len(ys) - 0.5), padding=0)
