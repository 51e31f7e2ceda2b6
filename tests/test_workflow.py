"""The headless workflow runner, on workflows of Orange's own widgets.

The workflows are built here with the real widgets and saved with the
canvas' writer, then run as ``python -m orangecontrib.recurrent.workflow``
would run them. Iris ships inside Orange, so nothing is downloaded.
"""
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

import pytest

from AnyQt.QtGui import QImage

from Orange.data import Table
from Orange.evaluation import CA, Results
from orangewidget.utils.filedialogs import RecentPath

from orangecontrib.recurrent.workflow import (
    WorkflowRun, format_report, main, run_workflow)
from tools.workflow_builder import WorkflowBuilder

FILE = "Orange.widgets.data.owfile.OWFile"
KNN = "Orange.widgets.model.owknn.OWKNNLearner"
TEST_AND_SCORE = "Orange.widgets.evaluate.owtestandscore.OWTestAndScore"


def iris_workflow(path, data_path=None):
    """File (iris) -> Test and Score <- kNN, saved to `path`."""
    builder = WorkflowBuilder("Iris with kNN", "Cross-validated kNN on iris.")
    settings = {}
    if data_path is not None:
        settings["recent_paths"] = [RecentPath(data_path, None, None)]
    data = builder.add(FILE, "File", (0, 0), **settings)
    knn = builder.add(KNN, "kNN", (0, 150), n_neighbors=7)
    score = builder.add(TEST_AND_SCORE, "Test and Score", (200, 0))
    builder.link(data, "Data", score, "Data")
    builder.link(knn, "Learner", score, "Learner")
    builder.save(path)
    builder.close()
    return path


class TestWorkflowRunner(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.iris = iris_workflow(os.path.join(cls.tmp.name, "iris.ows"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_waits_for_work_done_in_a_thread(self):
        # Test and Score cross-validates in a thread: Orange.canvas.run
        # would wait for a 'finished' signal that never comes.
        with WorkflowRun(self.iris) as run:
            report = run.run(timeout=120)
            results = run.outputs(run.node("Test and Score"))[
                "Evaluation Results"]
            self.assertIsInstance(results, Results)
            self.assertGreater(CA(results)[0], 0.9)
            self.assertEqual(run.widget("kNN").n_neighbors, 7)
        self.assertTrue(report.ok, format_report(report))
        self.assertFalse(report.timed_out)
        self.assertEqual([n.state for n in report.nodes], ["ok"] * 3)
        by_title = {n.title: n for n in report.nodes}
        self.assertEqual(by_title["File"].outputs["Data"],
                         "Table: 150 rows x 4 features, target iris")
        self.assertRegex(by_title["Test and Score"].outputs[
            "Evaluation Results"], r"1 models on 150 rows; CA: kNN 0\.9")

    def test_widget_error_fails_the_run(self):
        path = iris_workflow(os.path.join(self.tmp.name, "missing.ows"),
                             os.path.join(self.tmp.name, "no-such.tab"))
        report = run_workflow(path, timeout=60)
        self.assertFalse(report.ok)
        file_node = report.nodes[0]
        self.assertEqual(file_node.state, "error")
        self.assertTrue(any("not found" in e.lower() or "no-such" in e
                            for e in file_node.errors), file_node.errors)
        self.assertIn("[error] File", format_report(report))
        self.assertEqual(main([path, "--timeout", "60"]), 1)

    def test_time_out_fails_the_run(self):
        report = run_workflow(self.iris, timeout=0)
        self.assertTrue(report.timed_out)
        self.assertFalse(report.ok)
        self.assertIn("timed out", format_report(report))

    def test_partial_load_fails_the_run(self):
        with open(self.iris, encoding="utf-8") as f:
            text = f.read()
        text = text.replace('qualified_name="' + KNN,
                            'qualified_name="no.such.Widget')
        path = os.path.join(self.tmp.name, "partial.ows")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        report = run_workflow(path, timeout=60)
        self.assertFalse(report.ok)
        self.assertTrue(any("could not load" in e for e in report.errors))
        self.assertEqual([n.title for n in report.nodes],
                         ["File", "Test and Score"])

    def test_not_a_workflow_fails_the_run(self):
        path = os.path.join(self.tmp.name, "not-xml.ows")
        with open(path, "w", encoding="utf-8") as f:
            f.write("not a workflow")
        report = run_workflow(path, timeout=60)
        self.assertFalse(report.ok)
        self.assertEqual(report.nodes, [])
        self.assertIn("could not read the workflow: ParseError",
                      format_report(report))
        self.assertEqual(main([path]), 1)

    def test_exception_in_a_widget_fails_the_run(self):
        with WorkflowRun(self.iris) as run:
            widget = run.widget("Test and Score")

            def broken(*_):
                raise RuntimeError("broken input handler")

            hook = sys.excepthook
            widget.set_train_data = broken
            report = run.run(timeout=60)
            self.assertIs(sys.excepthook, hook)
        self.assertFalse(report.ok)
        self.assertIn("RuntimeError: broken input handler",
                      format_report(report))

    def test_out_saves_screenshots_and_tables(self):
        out = os.path.join(self.tmp.name, "out")
        self.assertEqual(main([self.iris, "--out", out]), 0)
        files = sorted(os.listdir(out))
        for name in ("01-file.png", "02-knn.png", "03-test-and-score.png"):
            self.assertIn(name, files)
            image = QImage(os.path.join(out, name))
            self.assertGreater(image.width(), 100)
            self.assertGreater(image.height(), 100)
        data = Table(os.path.join(out, "01-file-data.tab"))
        self.assertEqual(len(data), 150)
        predictions = Table(os.path.join(out,
                                         "03-test-and-score-predictions.tab"))
        self.assertEqual(len(predictions), 150)

    @pytest.mark.slow
    def test_command_line_makes_no_network_connection(self):
        # The run refuses and records every connection or name look-up,
        # with the code that asked for it. Other add-ons found by the widget
        # discovery may reach out when imported (Orange3-Text fetches file
        # lists); that is theirs to answer for, and listed apart. Orange's
        # own update, notification and statistics calls and this add-on
        # must ask for nothing.
        script = textwrap.dedent("""
            import os, runpy, socket, sys, traceback
            attempts, other_addons = [], []
            here = os.sep + os.path.join("orangecontrib", "recurrent") + os.sep
            def other_addon(stack):
                return any(os.sep + "orangecontrib" + os.sep in f.filename
                           and here not in f.filename for f in stack)
            def refuse(*args, **kwargs):
                stack = traceback.extract_stack()[:-1]
                (other_addons if other_addon(stack) else attempts).append(
                    args[:2])
                raise OSError("network disabled in this test")
            socket.socket.connect = refuse
            socket.create_connection = refuse
            socket.getaddrinfo = refuse
            sys.argv = ["workflow", sys.argv[1], "--timeout", "120"]
            try:
                runpy.run_module("orangecontrib.recurrent.workflow",
                                 run_name="__main__")
            except SystemExit as exit:
                print("NETWORK ATTEMPTS:", attempts)
                print("OTHER ADD-ONS' ATTEMPTS:", len(other_addons))
                sys.exit(exit.code)
        """)
        env = dict(os.environ)
        env.pop("QT_QPA_PLATFORM", None)  # the runner must set it itself
        proc = subprocess.run(
            [sys.executable, "-c", script, self.iris], env=env,
            capture_output=True, text=True, timeout=300, check=False)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("[ok] Test and Score", proc.stdout)
        self.assertIn("NETWORK ATTEMPTS: []", proc.stdout)
        self.assertNotIn("does not support", proc.stderr)


if __name__ == "__main__":
    unittest.main()
