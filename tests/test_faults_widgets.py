"""Faults found by the bad-input matrix (issue 12), in the widgets and the
headless runner: each test failed before its fix."""
import concurrent.futures
import os
import tempfile
import time
import types
import unittest
from unittest.mock import patch

import numpy as np

from AnyQt.QtCore import QTimer

from Orange.data import (
    ContinuousVariable, DiscreteVariable, Domain, Table, TimeVariable,
)
from Orange.widgets.tests import base

from orangecontrib.recurrent import divergence
from orangecontrib.recurrent.reports import StopReason
from orangecontrib.recurrent.widgets.owrecurrentlearner import (
    OWRecurrentLearner,
)
from orangecontrib.recurrent.widgets.owwindowing import OWWindowing
from orangecontrib.recurrent.windowing import make_windows
from orangecontrib.recurrent.workflow import WorkflowRun
from tools.workflow_builder import WorkflowBuilder

WAIT = 60000
WINDOWING = "orangecontrib.recurrent.widgets.owwindowing.OWWindowing"


def series(y, name="y"):
    return Table.from_numpy(Domain([ContinuousVariable(name)]),
                            np.asarray(y, dtype=float)[:, None])


def big_windows():
    """300,000 windows of 50: an epoch takes many seconds."""
    return make_windows(series(np.sin(np.arange(300_050) * 0.01)), 50)


class TestSavedSettingsOutOfRange(base.WidgetTest):
    def setUp(self):
        self.widget = self.create_widget(OWRecurrentLearner)

    def check_learner(self, settings, expected):
        w = self.create_widget(OWRecurrentLearner, stored_settings=settings)
        self.process_events()  # OWBaseLearner applies on a zero timer
        learner = self.get_output(w.Outputs.learner, widget=w)
        self.assertIsNotNone(learner)
        for name, value in expected.items():
            self.assertEqual(getattr(w, name), value)
        self.assertTrue(w.Warning.settings_reset.is_shown())
        return w, learner

    def test_epochs_zero(self):
        w, learner = self.check_learner({"epochs": 0}, {"epochs": 1})
        self.assertEqual(learner.epochs, 1)
        self.assertIn("epochs: 0 -> 1", str(w.Warning.settings_reset))

    def test_dropout_one_with_two_layers(self):
        _, learner = self.check_learner({"dropout": 1.0, "num_layers": 2},
                                        {"dropout": 0.9})
        self.assertEqual(learner.dropout, 0.9)

    def test_cell_index_seven(self):
        w, learner = self.check_learner({"cell_index": 7}, {"cell_index": 0})
        self.assertEqual(learner.cell, "lstm")
        self.assertEqual(w.controls.cell_index.currentIndex(), 0)

    def test_fractional_and_missing_values(self):
        self.check_learner({"epochs": 2.5, "learning_rate": None},
                           {"epochs": 2, "learning_rate": 0.001})

    def test_settings_in_range_say_nothing(self):
        w = self.create_widget(OWRecurrentLearner,
                               stored_settings={"epochs": 7})
        self.assertFalse(w.Warning.settings_reset.is_shown())
        self.assertEqual(w.epochs, 7)

    def test_windowing_missing_handling_five(self):
        w = self.create_widget(OWWindowing,
                               stored_settings={"missing_handling": 5,
                                                "window_length": 0})
        self.assertEqual((w.missing_handling, w.window_length), (0, 1))
        self.assertTrue(w.Warning.settings_reset.is_shown())
        self.send_signal(w.Inputs.data, series(np.sin(np.arange(50.))),
                         widget=w)
        self.assertEqual(len(self.get_output(w.Outputs.windows, widget=w)),
                         49)
        w.send_report()


class TestCancelAndDelete(base.WidgetTest):
    """300,000 windows of 50: cancel and delete return within a second."""

    def setUp(self):
        self.widget = self.create_widget(OWRecurrentLearner)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.data = big_windows()

    def start_training(self):
        """Start training and return once the first batches are under way."""
        started = concurrent.futures.Future()
        real_init = divergence.DivergenceWatch.__init__

        def init(watch, *args, **kwargs):
            real_init(watch, *args, **kwargs)
            started.set_result(time.perf_counter())  # the epoch loop begins

        w = self.create_widget(OWRecurrentLearner,
                               stored_settings={"epochs": 3})
        self.process_events()
        with patch.object(divergence.DivergenceWatch, "__init__", init):
            self.send_signal(w.Inputs.data, self.data, widget=w)
            started.result(timeout=60)
        time.sleep(0.2)  # a few batches into the first epoch
        self.assertEqual(w.graph.epochs, [])  # the epoch is long
        return w

    def test_delete_mid_epoch_returns_within_a_second(self):
        w = self.start_training()
        future = w.task.future
        start = time.perf_counter()
        w.onDeleteWidget()
        elapsed = time.perf_counter() - start
        self.assertTrue(future.done())
        self.assertLess(elapsed, 1.0)

    def test_cancel_mid_epoch_stops_the_worker_within_a_second(self):
        w = self.start_training()
        future = w.task.future
        start = time.perf_counter()
        w.cancel_training()
        done, _ = concurrent.futures.wait([future], timeout=1.0)
        elapsed = time.perf_counter() - start
        self.assertEqual(done, {future})
        self.assertLess(elapsed, 1.0)
        self.assertIsNone(future.result())
        # the first training: no previous model to keep
        self.assertTrue(w.Information.cancelled_first.is_shown())
        self.assertFalse(w.Information.cancelled.is_shown())
        self.assertIn("there is no model yet",
                      str(w.Information.cancelled_first))
        w.onDeleteWidget()


class TestDivergenceInTheWidget(base.WidgetTest):
    def setUp(self):
        self.widget = self.create_widget(OWRecurrentLearner)

    def test_learning_rate_one_is_a_warning(self):
        w = self.create_widget(OWRecurrentLearner, stored_settings={
            "epochs": 5, "learning_rate": 1.0, "normalization_index": 0})
        self.send_signal(w.Inputs.data, make_windows(
            series(np.sin(np.arange(1000) * 0.1)), 10), widget=w)
        model = self.get_output(w.Outputs.model, widget=w, wait=WAIT)
        self.assertIs(model.stop, StopReason.DIVERGED)
        self.assertTrue(w.Warning.training_stopped.is_shown())
        self.assertIn("lower it", str(w.Warning.training_stopped))


class TestWindowingMessages(base.WidgetTest):
    def setUp(self):
        self.widget = self.create_widget(OWWindowing)

    def test_too_large_a_window_is_an_error_bar(self):
        w = self.widget
        w.window_length = 10000
        self.send_signal(w.Inputs.data, series(np.zeros(1_000_000)))
        self.assertIsNone(self.get_output(w.Outputs.windows))
        self.assertRegex(str(w.Error.windowing_failed),
                         r"would take 73\.8 GiB.*Shorten the window")

    def test_a_missing_class_is_a_warning_not_a_made_up_class(self):
        w = self.widget
        dom = Domain([ContinuousVariable("x")],
                     DiscreteVariable("k", values=("a", "b", "c")))
        t = Table.from_numpy(dom, np.arange(6.)[:, None],
                             np.array([0, np.nan, 2, 0, np.nan, 1]))
        w.window_length, w.test_share = 1, 0
        self.send_signal(w.Inputs.data, t)
        out = self.get_output(w.Outputs.windows)
        np.testing.assert_array_equal(out.Y, [2, 0, 1])
        self.assertEqual(str(w.Warning.class_missing),
                         "2 windows dropped: the categorical target is "
                         "missing there (a class is never interpolated).")
        self.assertFalse(w.Warning.windows_dropped.is_shown())

    def test_duplicate_and_gapped_times_are_warnings(self):
        w = self.widget
        days = np.array([0, 1, 2, 2, 3, 4, 10, 11, 12, 13, 14, 15.]) * 86400
        d = Domain([ContinuousVariable("y")],
                   metas=[TimeVariable("t", have_date=True)])
        t = Table.from_numpy(d, np.sin(days / 86400)[:, None],
                             metas=days[:, None])
        w.window_length, w.test_share = 2, 0
        self.send_signal(w.Inputs.data, t)
        self.assertIsNotNone(self.get_output(w.Outputs.windows))
        self.assertEqual(str(w.Warning.duplicate_times),
                         "Times repeat in 1 row; each row is a step of its "
                         "own. Aggregate the rows of one time first.")
        self.assertIn("1 gap in time longer than the usual step (1 day)",
                      str(w.Warning.time_gaps))
        self.send_signal(w.Inputs.data, series(np.sin(np.arange(20.))))
        self.assertFalse(w.Warning.duplicate_times.is_shown())
        self.assertFalse(w.Warning.time_gaps.is_shown())


class TestRunnerReportsARaisingWidget(unittest.TestCase):
    def test_a_widget_that_raised_is_failed(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "raises.ows")
            builder = WorkflowBuilder("Raises", "")
            builder.add(WINDOWING, "Windowing", (0, 0))
            builder.save(path)
            builder.close()
            with WorkflowRun(path) as run:
                widget = run.widget("Windowing")

                def explode(self):
                    raise RuntimeError("boom from a timer slot")

                QTimer.singleShot(0, types.MethodType(explode, widget))
                report = run.run(timeout=60)
        node = report.nodes[0]
        self.assertEqual(node.state, "error")
        self.assertIn("boom from a timer slot", node.errors[0])
        self.assertFalse(report.ok)
        self.assertEqual(report.errors, [])  # the node's, not the run's
