"""Recurrent Inspector: look inside a trained LSTM, GRU or RNN.

For a row of data (a window, a sequence, a document) it shows the input,
the hidden state, the LSTM's cell state and each gate as heatmaps over time,
and how strongly the prediction depends on each input step (the input
gradient). The work is :func:`orangecontrib.recurrent.inspection.trace`;
this module only wires it to the canvas and runs it off the GUI thread.
"""
from dataclasses import dataclass
from typing import List, Optional

import numpy as np
from AnyQt.QtCore import QSize, Qt
from AnyQt.QtWidgets import QListView

from Orange.base import Model
from Orange.data import Table
from Orange.widgets import gui
from Orange.widgets.settings import Setting
from Orange.widgets.utils.concurrent import ConcurrentWidgetMixin, TaskState
from Orange.widgets.utils.widgetpreview import WidgetPreview
from Orange.widgets.widget import Input, Msg, Output, OWWidget

from orangecontrib.recurrent.inspection_tables import (
    DIRECTIONS, final_states_from_arrays, states_table,
)
from orangecontrib.recurrent.widgets.utils.inspectorplot import InspectorGraph

__all__ = ["OWRecurrentInspector"]

#: Rows whose whole traces are kept (the plotted row and the States output).
MAX_TRACED = 100
#: Rows per pass of the final-states computation.
CHUNK = 256


class Cancelled(Exception):
    """The widget asked the worker to stop."""


@dataclass
class Results:
    """What the worker hands back: full traces of the chosen rows and the
    final states of every row."""
    traces: list
    final_states: Optional[np.ndarray]
    directions: int


def run(model, data: Table, rows: List[int], with_final: bool,
        state: TaskState) -> Results:
    """Trace ``rows`` and, when asked, every row's final state."""
    # pylint: disable=import-outside-toplevel
    from orangecontrib.recurrent.inspection import trace

    def progress(share):
        if state.is_interruption_requested():
            raise Cancelled
        state.set_progress_value(100 * share)

    traces = trace(model, data, rows)
    directions = len(traces[0].layers[-1].directions) if traces else 1
    final = None
    if with_final:
        parts = []
        for start in range(0, len(data), CHUNK):
            chunk = range(start, min(start + CHUNK, len(data)))
            parts += [t.final_hidden() for t in trace(model, data, chunk)]
            progress(chunk.stop / len(data))
        final = np.stack(parts)
    return Results(traces, final, directions)


def is_recurrent(model) -> bool:
    """A torch model of this add-on (series or text) with a recurrent cell."""
    # pylint: disable=import-outside-toplevel
    from orangecontrib.recurrent.model import TorchModel
    return isinstance(model, TorchModel) \
        and (getattr(model, "architecture", None) or {}).get("cell") \
        in ("lstm", "gru", "rnn")


class OWRecurrentInspector(OWWidget, ConcurrentWidgetMixin):
    name = "Recurrent Inspector"
    description = ("See inside a trained LSTM, GRU or RNN: its hidden and "
                   "cell states and gates over time, and how far back its "
                   "prediction looks (the input gradient).")
    icon = "icons/inspector.svg"
    priority = 40
    keywords = "inspector, gates, cell state, hidden state, forget gate, " \
               "vanishing gradient, lstm, gru, rnn, explain"

    class Inputs:
        model = Input("Model", Model)
        data = Input("Data", Table, default=True)

    class Outputs:
        states = Output("States", Table, default=True)
        final_states = Output("Final States", Table, explicit=True)

    class Error(OWWidget.Error):
        not_recurrent = Msg("The model is not a recurrent model of this "
                            "add-on (LSTM, GRU or RNN); it has no gates to "
                            "show.")
        failed = Msg("{}")

    class Information(OWWidget.Information):
        many_rows = Msg("Only the first {} chosen rows are traced.")

    settings_version = 1
    selected_rows: List[int] = Setting([0], schema_only=True)
    selected_units: List[int] = Setting([], schema_only=True)
    layer: int = Setting(0)
    direction: int = Setting(0)
    log_gradient: bool = Setting(True)

    graph_name = "graph.ci"  # pg.GraphicsLayout: all panels

    def __init__(self):
        OWWidget.__init__(self)
        ConcurrentWidgetMixin.__init__(self)
        self.model: Optional[Model] = None
        self.data: Optional[Table] = None
        self.results: Optional[Results] = None
        self.row_labels: List[str] = []
        self.unit_labels: List[str] = []
        self.layer_labels: List[str] = []

        box = gui.vBox(self.controlArea, "Rows")
        self.row_list = gui.listBox(
            box, self, "selected_rows", "row_labels",
            selectionMode=QListView.SelectionMode.ExtendedSelection,
            callback=self._on_rows_changed)
        self.row_list.setMinimumHeight(160)
        box = gui.vBox(self.controlArea, "Show")
        self.layer_combo = gui.comboBox(
            box, self, "layer", label="Layer:", items=[],
            callback=self._on_view_changed, orientation=Qt.Orientation.Horizontal)
        self.direction_combo = gui.comboBox(
            box, self, "direction", label="Direction:", items=DIRECTIONS,
            callback=self._on_view_changed, orientation=Qt.Orientation.Horizontal)
        gui.checkBox(box, self, "log_gradient",
                     "Logarithmic gradient axis", callback=self._redraw)
        box = gui.vBox(self.controlArea, "Units in the States output")
        self.unit_list = gui.listBox(
            box, self, "selected_units", "unit_labels",
            selectionMode=QListView.SelectionMode.ExtendedSelection,
            callback=self._send_states)
        self.unit_list.setMinimumHeight(120)
        gui.widgetLabel(box, "(none selected: all units)")

        self.graph = InspectorGraph(self)
        self.mainArea.layout().addWidget(self.graph)

    def sizeHint(self):
        return super().sizeHint().expandedTo(QSize(1000, 750))

    @Inputs.model
    def set_model(self, model: Optional[Model]):
        self.model = model

    @Inputs.data
    def set_data(self, data: Optional[Table]):
        self.data = data

    def handleNewSignals(self):
        self.cancel()
        self.clear_messages()
        self.results = None
        self.graph.clear_plot()
        model, data = self.model, self.data
        if model is not None and not is_recurrent(model):
            self.Error.not_recurrent()
            model = None
        # New labels clear the list's selection: keep the rows chosen before
        # (and, without data, for the data to come).
        rows = list(self.selected_rows)
        self.row_labels = [] if data is None else self._row_names(data)
        if data is not None:
            rows = [r for r in rows if 0 <= r < len(data)] or [0]
        self.selected_rows = rows
        self._fill_view_controls(model)
        self._start(with_final=True)

    def _row_names(self, data: Table) -> List[str]:
        cls = data.domain.class_var
        names = []
        for i in range(len(data)):
            label = f"{i}"
            if cls is not None:
                label += f"  ({cls.name} = {cls.str_val(data.Y[i])})"
            names.append(label)
        return names

    def _fill_view_controls(self, model):
        arch = getattr(model, "architecture", None) or {}
        layers = int(arch.get("num_layers", 0))
        self.layer_combo.clear()
        self.layer_combo.addItems([f"{i + 1}" for i in range(layers)])
        if layers:
            self.layer = min(self.layer, layers - 1)
            self.layer_combo.setCurrentIndex(self.layer)
        two = bool(arch.get("bidirectional", False))
        self.direction_combo.setEnabled(two)
        self.direction = self.direction if two else 0
        self.direction_combo.setCurrentIndex(self.direction)
        units = int(arch.get("hidden_size", 0))
        chosen = [u for u in self.selected_units if u < units]
        self.unit_labels = [f"unit {u}" for u in range(units)]
        self.selected_units = chosen

    def _start(self, with_final: bool):
        if self.model is None or self.data is None or not self.row_labels \
                or self.Error.not_recurrent.is_shown():
            self._send()
            return
        rows = sorted(self.selected_rows)
        self.Information.many_rows(MAX_TRACED,
                                   shown=len(rows) > MAX_TRACED)
        self.start(run, self.model, self.data, rows[:MAX_TRACED], with_final)

    def on_done(self, results: Results):
        if results.final_states is None and self.results is not None:
            results.final_states = self.results.final_states
        self.results = results
        self._redraw()
        self._send()

    def on_exception(self, ex: Exception):
        if isinstance(ex, Cancelled):
            return
        self.Error.failed(str(ex) or type(ex).__name__)
        self._send()

    def on_partial_result(self, _):
        pass

    def _on_rows_changed(self):
        # Only the chosen rows' traces change; on_done keeps the final
        # states of all rows that were already computed.
        self.cancel()
        final = self.results.final_states if self.results else None
        self._start(with_final=final is None)

    def _on_view_changed(self):
        self._redraw()
        self._send_states()

    def _redraw(self):
        if not self.results or not self.results.traces:
            self.graph.clear_plot()
            return
        tr = self.results.traces[0]
        layer = min(self.layer, len(tr.layers) - 1)
        direction = min(self.direction, len(tr.layers[layer].directions) - 1)
        self.graph.show_trace(tr, layer, direction, self.log_gradient)

    def _send(self):
        self._send_states()
        res = self.results
        if res is None or res.final_states is None:
            self.Outputs.final_states.send(None)
            return
        self.Outputs.final_states.send(final_states_from_arrays(
            range(len(self.data)), res.final_states, res.directions,
            self.data))

    def _send_states(self):
        if not self.results or not self.results.traces:
            self.Outputs.states.send(None)
            return
        self.Outputs.states.send(states_table(
            self.results.traces, units=sorted(self.selected_units) or None,
            layer=self.layer, direction=self.direction))

    def onDeleteWidget(self):
        self.shutdown()
        super().onDeleteWidget()

    def send_report(self):
        if not self.results or not self.results.traces:
            return
        tr = self.results.traces[0]
        self.report_items("Inspected", (
            ("Model", getattr(self.model, "name", repr(self.model))),
            ("Cell", tr.cell_type.upper()),
            ("Row", tr.row),
            ("Layer", self.layer + 1),
            ("Direction", DIRECTIONS[self.direction]),
            ("Prediction", f"{tr.prediction:.4g}"),
        ))
        self.report_plot()

    @classmethod
    def migrate_settings(cls, settings, version):
        """Version 1 is the first; settings without a version are dropped
        to the defaults except for the view choices, which keep meaning."""
        if version is None or version < 1:
            for key in ("selected_rows", "selected_units"):
                settings.pop(key, None)


def _preview():  # pragma: no cover
    # pylint: disable=import-outside-toplevel
    from orangecontrib.recurrent import RecurrentLearner
    from orangecontrib.recurrent.datasets import adding_problem
    data = adding_problem(500, 20)
    model = RecurrentLearner(cell="lstm", hidden_size=16, epochs=5,
                             normalization="global")(data)
    return model, data


if __name__ == "__main__":  # pragma: no cover
    _model, _data = _preview()
    WidgetPreview(OWRecurrentInspector).run(set_model=_model,
                                            set_data=_data)
