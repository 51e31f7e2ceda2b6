"""Forecast Plot's per-step table: for every step ahead, each model's RMSE
and the share of held-out values its intervals caught, side by side, so that
recursive and direct forecasts (error growing with the step or not) and
the calibration of every model's bands read at a glance."""
from typing import Optional

import numpy as np
from AnyQt.QtCore import Qt
from AnyQt.QtGui import QStandardItem, QStandardItemModel
from AnyQt.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from orangecontrib.recurrent.backtesting import BacktestResult

__all__ = ["StepTable"]


def _cell(text: str, value: float = np.nan, tip: str = "") -> QStandardItem:
    item = QStandardItem(text)
    item.setData(float(value), Qt.ItemDataRole.UserRole)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                          | Qt.AlignmentFlag.AlignVCenter)
    if tip:
        item.setToolTip(tip)
    return item


class StepTable(QTableView):
    """Rows: steps ahead; per model two columns, RMSE and the achieved
    coverage of its intervals (the nominal one is in the header)."""

    def __init__(self, parent=None):
        super().__init__(
            parent,
            editTriggers=QAbstractItemView.EditTrigger.NoEditTriggers,
            selectionBehavior=QAbstractItemView.SelectionBehavior.SelectRows)
        self.table_model = QStandardItemModel(self)
        self.setModel(self.table_model)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(22)
        self.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.setMaximumHeight(170)

    def show_backtest(self, tested: Optional[BacktestResult],
                      max_steps: int):
        """Fill the table from a backtest (None: empty it)."""
        self.table_model.clear()
        if tested is None:
            return
        nominal = f"{100 * tested.coverage:g}%"
        share, count = tested.achieved_coverage()
        labels, tips = ["Steps ahead"], ["Steps ahead of the forecast origin"]
        for i, name in enumerate(tested.names):
            how = tested.strategies[i] if tested.strategies else ""
            source = tested.interval_sources[i] \
                if tested.interval_sources else ""
            labels += [f"{name}\nRMSE", f"{name}\nin {nominal} band"]
            tips += [f"{name} ({how}): RMSE over the held-out part",
                     f"{name}: share of held-out values inside its "
                     f"{nominal} interval ({source}); nominal {nominal}"]
        self.table_model.setHorizontalHeaderLabels(labels)
        for column, tip in enumerate(tips):
            self.table_model.horizontalHeaderItem(column).setToolTip(tip)
        for step in range(min(int(max_steps), tested.steps)):
            row = [_cell(str(step + 1), step + 1)]
            for i in range(len(tested.names)):
                rmse = tested.rmse[i, step]
                row.append(_cell("" if np.isnan(rmse) else f"{rmse:.4g}",
                                 rmse))
                n = int(count[i, step])
                row.append(_cell(
                    f"{100 * share[i, step]:.0f}%" if n else "",
                    share[i, step], f"{n} origins scored"))
            self.table_model.appendRow(row)

    def cell_texts(self) -> list:
        """The table as text, row by row (for tests and reports)."""
        model = self.table_model
        return [[model.item(r, c).text() for c in range(model.columnCount())]
                for r in range(model.rowCount())]
