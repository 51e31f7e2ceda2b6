"""Sequences: a long table (one row per case and step) -> one row per case.

The widget wires :func:`orangecontrib.recurrent.sequences.make_sequences` to
the canvas. It runs in the GUI thread, as Windowing does: grouping rows by
case is a sort and a few numpy copies (BasicMotions' 4,000 rows take a few
milliseconds).
"""
from typing import Optional

from AnyQt.QtCore import Qt

from Orange.data import (
    ContinuousVariable, DiscreteVariable, StringVariable, Table, Variable,
)
from Orange.widgets import gui
from Orange.widgets.settings import (
    ContextSetting, DomainContextHandler, Setting,
)
from Orange.widgets.utils.itemmodels import DomainModel
from Orange.widgets.utils.widgetpreview import WidgetPreview
from Orange.widgets.widget import Input, Msg, Output, OWWidget

from orangecontrib.recurrent.sequences import PAD, RESAMPLE, make_sequences
from orangecontrib.recurrent.series import find_time_variable

__all__ = ["OWSequences"]

ROW_ORDER = "(row order)"
#: Names that usually hold the step within a case.
STEP_NAMES = ("step", "time", "t", "timestamp", "index")


class OWSequences(OWWidget):
    name = "Sequences"
    description = ("Gather a long table (one row per case and time step) "
                   "into one row per case: multichannel sequences for "
                   "LSTM/GRU.")
    icon = "icons/sequences.svg"
    priority = 12
    keywords = "sequences, long format, case, multichannel, multivariate, " \
               "time series classification, reshape, pivot"

    class Inputs:
        data = Input("Data", Table, default=True)

    class Outputs:
        sequences = Output("Sequences", Table, default=True)

    class Error(OWWidget.Error):
        no_id = Msg("The data has no column that could identify cases "
                    "(a categorical, text or numeric column).")
        failed = Msg("{}")

    class Information(OWWidget.Information):
        adjusted = Msg("{} of {} cases are shorter than the longest ({} "
                       "steps) and were {}.")

    want_main_area = False
    resizing_enabled = False

    settingsHandler = DomainContextHandler()
    id_var = ContextSetting(None)
    time_var = ContextSetting(None)
    #: 0: pad at the start with the first value; 1: resample
    lengths: int = Setting(0)
    settings_version = 1

    LENGTHS = (PAD, RESAMPLE)
    LENGTH_LABELS = ("Pad at the start with the first value",
                     "Resample to the longest length")

    def __init__(self):
        super().__init__()
        self.data: Optional[Table] = None

        box = gui.vBox(self.controlArea, "Columns")
        self.id_model = DomainModel(
            order=DomainModel.MIXED,
            valid_types=(DiscreteVariable, StringVariable,
                         ContinuousVariable))
        gui.comboBox(
            box, self, "id_var", label="Case id:", model=self.id_model,
            orientation=Qt.Horizontal, callback=self.commit,
            tooltip="Rows with the same value belong to one case.")
        self.time_model = DomainModel(
            order=DomainModel.MIXED, placeholder=ROW_ORDER,
            valid_types=ContinuousVariable)
        gui.comboBox(
            box, self, "time_var", label="Step:", model=self.time_model,
            orientation=Qt.Horizontal, callback=self.commit,
            tooltip="Orders the steps within each case; with (row order) "
                    "the rows are taken as they come. Every other numeric "
                    "column is a channel.")
        gui.radioButtons(
            self.controlArea, self, "lengths", btnLabels=self.LENGTH_LABELS,
            box="Cases of unequal length", callback=self.commit)
        # Padding keeps the last steps aligned (what a recurrent network
        # reads last); resampling stretches each case.
        box = gui.vBox(self.controlArea, "Info")
        self.info_label = gui.widgetLabel(box, "No data on input.")
        self.info_label.setWordWrap(True)
        self.info_label.setMinimumWidth(280)

    @Inputs.data
    def set_data(self, data: Optional[Table]):
        self.closeContext()
        self.data = data
        self.Error.no_id.clear()
        domain = data.domain if data is not None else None
        self.id_model.set_domain(domain)
        self.time_model.set_domain(domain)
        self.id_var = self.time_var = None
        if data is not None:
            if len(self.id_model):
                self._set_defaults(data)
                self.openContext(data.domain)
            else:
                self.Error.no_id()
        self.commit()

    def _set_defaults(self, data: Table):
        """A categorical or text column as id (else the first column); the
        time variable, or a numeric column named like a step, as step."""
        candidates = [v for v in self.id_model
                      if isinstance(v, (DiscreteVariable, StringVariable))
                      and v is not data.domain.class_var]
        variables = [v for v in self.id_model if isinstance(v, Variable)]
        self.id_var = candidates[0] if candidates else variables[0]
        time_var = find_time_variable(data)
        if time_var is None:
            time_var = next((v for v in self.time_model
                             if isinstance(v, ContinuousVariable)
                             and v.name.lower() in STEP_NAMES), None)
        self.time_var = time_var if time_var in self.time_model else None

    def commit(self):
        self.Error.failed.clear()
        self.Information.adjusted.clear()
        sequences = None
        if self.data is not None and self.id_var is not None:
            try:
                sequences = make_sequences(
                    self.data, self.id_var,
                    time=self.time_var if self.time_var is not None
                    else False,
                    lengths=self.LENGTHS[self.lengths])
            except ValueError as exc:
                self.Error.failed(str(exc))
        self._update_info(sequences)
        self.Outputs.sequences.send(sequences)

    def _update_info(self, sequences: Optional[Table]):
        if self.data is None:
            self.info_label.setText("No data on input.")
            return
        if sequences is None:
            self.info_label.setText(f"Input: {len(self.data)} rows.\n"
                                    "No sequences.")
            return
        report = sequences.attributes["sequences"]
        if report.n_adjusted:
            self.Information.adjusted(
                report.n_adjusted, report.n_cases, report.length,
                "padded" if report.lengths == PAD else "resampled")
        self.info_label.setText(
            f"Input: {len(self.data)} rows.\n"
            f"Output: {report.n_cases} cases x {report.length} steps x "
            f"{len(report.channels)} channels "
            f"({', '.join(report.channels[:6])}"
            f"{', ...' if len(report.channels) > 6 else ''}).\n"
            f"Missing values filled: {report.n_filled}.")

    def send_report(self):
        if self.data is None:
            return
        self.report_items("Sequences", (
            ("Case id", self.id_var and self.id_var.name),
            ("Step", self.time_var.name if self.time_var else ROW_ORDER),
            ("Unequal lengths", self.LENGTH_LABELS[self.lengths])))
        self.report_paragraph("Output", self.info_label.text())

    @classmethod
    def migrate_settings(cls, settings, version):
        """Version 1 is the first; nothing to migrate yet."""

    @classmethod
    def migrate_context(cls, context, version):
        """Version 1 is the first; nothing to migrate yet."""


if __name__ == "__main__":  # pragma: no cover
    import numpy as np
    from Orange.data import Domain
    _case, _step = np.divmod(np.arange(300), 30)
    _x = np.sin(_step * (1 + _case % 3) / 5)
    WidgetPreview(OWSequences).run(Table.from_numpy(
        Domain([DiscreteVariable("case", values=[str(i) for i in range(10)]),
                ContinuousVariable("step"), ContinuousVariable("x")],
               DiscreteVariable("kind", values=["a", "b", "c"])),
        np.column_stack([_case, _step, _x]), _case % 3))
