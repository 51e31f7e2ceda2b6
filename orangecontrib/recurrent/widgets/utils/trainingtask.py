"""The LSTM/GRU widget's work in its worker thread: fit the learner, report
every epoch, and stop within a batch when the widget cancels or is deleted.
"""
import copy
from typing import Optional

from Orange.base import Learner, Model
from Orange.data import Table
from Orange.widgets.utils.concurrent import TaskState

from orangecontrib.recurrent.reports import TrainingCancelled
from orangecontrib.recurrent.widgets.utils.threads import apply_thread_policy

__all__ = ["train"]


def train(learner: Learner, data: Table, state: TaskState) -> Optional[Model]:
    """Fit ``learner`` on ``data`` in a worker thread.

    Reports every finished epoch (an ``EpochReport``) as a partial result and
    as progress, and abandons training at the next batch once the widget
    asks to cancel (or is deleted). Returns the model, or None when cancelled.
    """
    def callback(report):
        if state.is_interruption_requested():
            raise TrainingCancelled()
        state.set_partial_result(report)
        state.set_progress_value(100 * report.epoch / report.epochs)

    if state.is_interruption_requested():
        return None
    apply_thread_policy()  # the application's choice, not the library's
    learner = copy.copy(learner)  # the Learner output keeps no callback
    learner.callback = callback
    learner.should_stop = state.is_interruption_requested  # every batch
    try:
        return learner(data)
    except TrainingCancelled:
        return None
