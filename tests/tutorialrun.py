"""What a tutorial's own test does first: run the saved .ows headless once,
keep every node's outputs, and check that it ran cleanly and that its text
is the one its builder writes (the figures in that text are then checked
against the outputs by the test itself)."""
import os
import xml.etree.ElementTree as ET

from orangecontrib.recurrent.workflow import WorkflowRun, format_report
from tools.build_tutorials import HERE as TUTORIALS

__all__ = ["TutorialRun"]


class TutorialRun:
    """A mixin for a ``unittest.TestCase``. Set ``BUILD`` (the builder
    module: its FILE_NAME and DESCRIPTION) and ``TIMEOUT`` (seconds); the
    class then has ``report`` and ``out`` ({node title: {output: value}}),
    and :meth:`read_widgets` can keep more of the widgets while they live."""
    BUILD = None
    TIMEOUT = 300

    @classmethod
    def path(cls) -> str:
        return os.path.join(TUTORIALS, cls.BUILD.FILE_NAME)

    @classmethod
    def setUpClass(cls):
        with WorkflowRun(cls.path()) as run:
            cls.report = run.run(timeout=cls.TIMEOUT)
            cls.out = {node.title: run.outputs(node) for node in run.nodes}
            cls.read_widgets(run)

    @classmethod
    def read_widgets(cls, run):
        """Keep what the test needs from the widgets beyond their outputs
        (called once the workflow has run, before the widgets go)."""

    def test_runs_without_errors_or_warnings(self):
        self.assertTrue(self.report.ok, format_report(self.report))
        self.assertFalse(any(node.warnings for node in self.report.nodes),
                         format_report(self.report))

    def test_saved_text_is_the_builders(self):
        root = ET.parse(self.path()).getroot()
        self.assertEqual(root.get("description"), self.BUILD.DESCRIPTION)
