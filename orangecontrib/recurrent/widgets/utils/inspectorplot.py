"""Heatmaps over time of a recurrent model's trace, for the Inspector.

One panel per quantity (input, hidden state, cell state, each gate), units
on the vertical axis and steps on the horizontal one, each with its own
colour bar; below them the input gradient per step. All panels share the
time axis, which shows the words for a text model.
"""
from typing import List, Optional

import numpy as np
import pyqtgraph as pg

__all__ = ["InspectorGraph", "panels"]

#: Colour maps: diverging for values around zero, sequential for gates
#: (which lie in 0..1).
DIVERGING = "CET-D1"
SEQUENTIAL = "viridis"
#: At most this many words are written on the time axis (every k-th).
MAX_WORDS = 40


def panels(trace, layer: int, direction: int) -> List[tuple]:
    """(title, array (steps, rows), levels, colour map) for each heatmap."""
    d = trace.layers[layer].directions[direction]
    inputs = trace.inputs
    top = float(np.abs(inputs).max()) or 1.0
    low = float(inputs.min())
    levels = (-top, top) if low < 0 else (0.0, top)
    out = [("Input", inputs, levels, DIVERGING if low < 0 else SEQUENTIAL),
           ("Hidden state h", d.hidden, (-1.0, 1.0), DIVERGING)]
    if d.cell is not None:
        top = float(np.abs(d.cell).max()) or 1.0
        out.append(("Cell state c", d.cell, (-top, top), DIVERGING))
    for name, values in d.gates.items():
        if name in ("cell", "new"):  # tanh candidates, -1..1
            out.append((f"Gate: {name} (candidate)", values, (-1.0, 1.0),
                        DIVERGING))
        else:
            out.append((f"Gate: {name}", values, (0.0, 1.0), SEQUENTIAL))
    return out


class InspectorGraph(pg.GraphicsLayoutWidget):
    """The heatmaps and the gradient curve of one trace."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackground("w")
        self.plots: List[pg.PlotItem] = []
        self.images: List[pg.ImageItem] = []
        self.gradient_plot: Optional[pg.PlotItem] = None
        self.gradient_curve: Optional[pg.PlotDataItem] = None

    def clear_plot(self):
        self.clear()
        self.plots, self.images = [], []
        self.gradient_plot = self.gradient_curve = None

    def show_trace(self, trace, layer: int, direction: int,
                   log_gradient: bool = True):
        """Draw ``trace``'s panels for one layer and direction."""
        self.clear_plot()
        steps = trace.steps
        for row, (title, values, levels, cmap) in enumerate(
                panels(trace, layer, direction)):
            plot = self.addPlot(row=row, col=0)
            plot.setTitle(title, size="9pt")
            image = pg.ImageItem(np.asarray(values, dtype=float),
                                 levels=levels)  # image[x, y]: steps, units
            plot.addItem(image)
            bar = pg.ColorBarItem(values=levels, colorMap=cmap,
                                  interactive=False, width=12)
            bar.setImageItem(image, insert_in=plot)
            label = "channel" if row == 0 and trace.tokens is None \
                else "dimension" if row == 0 else "unit"
            plot.setLabel("left", label)
            plot.getViewBox().setMouseEnabled(x=True, y=False)
            plot.setYRange(0, values.shape[1], padding=0)
            if row == 0 and trace.tokens is None:
                names = trace.channels
            else:  # at most ~4 labels: every k-th unit
                every = max(1, int(np.ceil(values.shape[1] / 4)))
                names = [str(i) if i % every == 0 else ""
                         for i in range(values.shape[1])]
            plot.getAxis("left").setTicks([[
                (i + 0.5, name) for i, name in enumerate(names) if name]])
            self._time_axis(plot, trace)
            self.plots.append(plot)
            self.images.append(image)
        plot = self.addPlot(row=len(self.plots), col=0)
        plot.setTitle("Input gradient: |d prediction / d input(step)|",
                      size="9pt")
        plot.getAxis("left").enableAutoSIPrefix(False)
        gradient = np.asarray(trace.input_gradient, dtype=float)
        if log_gradient:
            # Exact zeros (beyond float precision) have no logarithm.
            floor = max(gradient.max(), 1e-30) * 1e-12
            gradient = np.maximum(gradient, floor)
        plot.setLogMode(y=log_gradient)
        self.gradient_curve = plot.plot(np.arange(steps) + 0.5, gradient,
                                        pen=pg.mkPen("#c62828", width=2),
                                        symbol="o", symbolSize=4)
        plot.setLabel("left", "gradient")
        plot.setLabel("bottom", "step" if trace.tokens is None else "word")
        self._time_axis(plot, trace)
        self.gradient_plot = plot
        for p in self.plots:
            p.setXLink(plot)
            p.getAxis("bottom").setStyle(showValues=trace.tokens is not None)
        plot.setXRange(0, steps, padding=0)
        self.ci.layout.setRowStretchFactor(len(self.plots), 2)

    @staticmethod
    def _time_axis(plot: pg.PlotItem, trace):
        if trace.tokens is None:
            return
        every = max(1, int(np.ceil(len(trace.tokens) / MAX_WORDS)))
        plot.getAxis("bottom").setTicks([[
            (i + 0.5, word) for i, word in enumerate(trace.tokens)
            if i % every == 0]])
