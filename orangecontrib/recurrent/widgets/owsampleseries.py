"""Sample Series: the add-on's small series as a data source.

Orange 3.40 has no entry point through which an add-on adds files to the
File widget's sample datasets, so tutorials start here. The data come from
:mod:`orangecontrib.recurrent.datasets`; this module only wires them to the
canvas.
"""
from typing import Optional

from AnyQt.QtCore import Qt

from Orange.data import Table
from Orange.widgets import gui
from Orange.widgets.settings import Setting
from Orange.widgets.utils.widgetpreview import WidgetPreview
from Orange.widgets.widget import Msg, Output, OWWidget

from orangecontrib.recurrent import datasets
from orangecontrib.recurrent.widgets.utils.settingscheck import (
    coerce_settings, reset_out_of_range,
)

__all__ = ["OWSampleSeries"]

SINE = "sine"
SHAPES = "shapes"
ADDING = "adding"


class OWSampleSeries(OWWidget):
    name = "Sample Series"
    description = ("Small time series to try recurrent networks on: a "
                   "noisy sine, sunspots, airline passengers, the Nile, "
                   "labelled shapes for sequence classification and the "
                   "adding problem, a long-memory task.")
    icon = "icons/sample-series.svg"
    priority = 5
    keywords = "sample, series, dataset, sine, sunspots, airline passengers, " \
               "nile, cylinder bell funnel, adding problem, memory, example"

    class Outputs:
        data = Output("Data", Table, default=True)

    class Warning(OWWidget.Warning):
        settings_reset = Msg("Saved settings out of range were reset: {}.")

    want_main_area = False
    resizing_enabled = False

    #: the key of the chosen series: "sine", "shapes", "adding" or a key of
    #: datasets.DATASETS
    dataset: str = Setting(SINE)
    length: int = Setting(10000)
    noise: float = Setting(0.1)
    seed: int = Setting(0)
    shapes_per_class: int = Setting(100)
    shape_length: int = Setting(128)
    adding_sequences: int = Setting(5000)
    adding_lag: int = Setting(30)
    settings_version = 1

    def __init__(self):
        super().__init__()
        coerced = coerce_settings(self)  # before the controls take them
        self.keys = [SINE, *datasets.DATASETS, SHAPES, ADDING]
        titles = ["Sine with noise (generated)",
                  *(info.title for info in datasets.DATASETS.values()),
                  "Cylinder-bell-funnel shapes (generated, labelled)",
                  "Adding problem (generated, long memory)"]
        if self.dataset not in self.keys:
            coerced.append(f"dataset: {self.dataset!r} -> {SINE!r}")
            self.dataset = SINE
        self.dataset_index = self.keys.index(self.dataset)
        gui.radioButtons(
            self.controlArea, self, "dataset_index", btnLabels=titles,
            box="Series", callback=self._on_dataset_changed)

        self.sine_box = box = gui.vBox(self.controlArea, "Sine with noise")
        gui.spin(box, self, "length", 100, 1_000_000, step=100,
                 label="Points:", callback=self.commit, controlWidth=90,
                 alignment=Qt.AlignRight, keyboardTracking=False,
                 tooltip="t = 0, 0.1, 0.2, ...; one period is ~63 points.")
        gui.doubleSpin(box, self, "noise", 0, 10, step=0.05,
                       label="Noise (standard deviation):",
                       callback=self.commit, controlWidth=90,
                       alignment=Qt.AlignRight, keyboardTracking=False)

        self.shapes_box = box = gui.vBox(self.controlArea, "Shapes")
        gui.spin(box, self, "shapes_per_class", 1, 10_000,
                 label="Sequences per shape:", callback=self.commit,
                 controlWidth=90, alignment=Qt.AlignRight,
                 keyboardTracking=False)
        gui.spin(box, self, "shape_length", 32, 4096,
                 label="Sequence length:", callback=self.commit,
                 controlWidth=90, alignment=Qt.AlignRight,
                 keyboardTracking=False,
                 tooltip="128 is the standard benchmark's length.")

        self.adding_box = box = gui.vBox(self.controlArea, "Adding problem")
        gui.spin(box, self, "adding_sequences", 10, 1_000_000, step=100,
                 label="Sequences:", callback=self.commit, controlWidth=90,
                 alignment=Qt.AlignRight, keyboardTracking=False)
        gui.spin(box, self, "adding_lag", 4, 10_000,
                 label="Lag (steps per sequence):", callback=self.commit,
                 controlWidth=90, alignment=Qt.AlignRight,
                 keyboardTracking=False,
                 tooltip="The two marked values lie in the first half of "
                         "the sequence: the longer it is, the longer they "
                         "must be remembered.")

        self.seed_box = box = gui.vBox(self.controlArea, "Random")
        gui.spin(box, self, "seed", 0, 2 ** 31 - 1, label="Seed:",
                 callback=self.commit, controlWidth=90,
                 alignment=Qt.AlignRight, keyboardTracking=False,
                 tooltip="The same seed gives the same data on every "
                         "machine.")

        box = gui.vBox(self.controlArea, "Info")
        self.info_label = gui.widgetLabel(box, "")
        self.info_label.setWordWrap(True)
        self.info_label.setMinimumWidth(300)

        reset_out_of_range(self, self.Warning.settings_reset, coerced)
        self._update_controls()
        self.commit()

    def _on_dataset_changed(self):
        self.dataset = self.keys[self.dataset_index]
        self._update_controls()
        self.commit()

    def _update_controls(self):
        self.sine_box.setEnabled(self.dataset == SINE)
        self.shapes_box.setEnabled(self.dataset == SHAPES)
        self.adding_box.setEnabled(self.dataset == ADDING)
        self.seed_box.setEnabled(self.dataset in (SINE, SHAPES, ADDING))

    def make_data(self) -> Table:
        """The chosen series as a table (rows in time order)."""
        if self.dataset == SINE:
            return datasets.sine_with_noise(self.length, self.noise,
                                            self.seed)
        if self.dataset == SHAPES:
            return datasets.cylinder_bell_funnel(
                self.shapes_per_class, self.shape_length, self.seed)
        if self.dataset == ADDING:
            return datasets.adding_problem(self.adding_sequences,
                                           self.adding_lag, self.seed)
        return datasets.load(self.dataset)

    def _description(self, data: Table) -> str:
        if self.dataset == SINE:
            text = (f"sin(t) + N(0, {self.noise:g}²), t = 0, 0.1, …, "
                    f"{(self.length - 1) / 10:g}; seed {self.seed}.")
        elif self.dataset == SHAPES:
            text = ("Cylinder, bell and funnel shapes (Saito 1994), one "
                    f"whole sequence per row; seed {self.seed}.")
        elif self.dataset == ADDING:
            text = ("Two channels, values U(0, 1) and markers; the target "
                    "is the sum of the two marked values, both in the first "
                    f"half of {self.adding_lag} steps (predicting the mean "
                    f"scores MSE 1/6); seed {self.seed}.")
        else:
            text = datasets.DATASETS[self.dataset].description
        return f"{text}\n{len(data)} rows × " \
               f"{len(data.domain.attributes)} columns."

    def commit(self):
        data: Optional[Table] = self.make_data()
        self.info_label.setText(self._description(data))
        self.Outputs.data.send(data)

    def send_report(self):
        self.report_paragraph("Series", self.info_label.text())

    @classmethod
    def migrate_settings(cls, settings, version):
        """Version 1 is the first; nothing to migrate yet."""


if __name__ == "__main__":  # pragma: no cover
    WidgetPreview(OWSampleSeries).run()
