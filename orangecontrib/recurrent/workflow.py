"""Run an Orange workflow (.ows) with no screen and report what each widget did.

::

    python -m orangecontrib.recurrent.workflow WORKFLOW.ows [--out DIR] [--timeout S]

The workflow is loaded with the canvas' own pieces: Orange's widget discovery
fills the widget registry, ``orangewidget``'s :class:`WidgetsScheme` builds the
widgets and ``orangecanvas``' reader restores their saved settings, so a
workflow runs here as it does when opened in Orange.

``python -m Orange.canvas.run`` waits for the signal manager's ``finished``
signal, emitted only right after an input update, so a run whose last widget
works in a thread (Test and Score, a learner) hangs. This runner polls until
no signal is pending, no node is invalidated, blocking or running and no
widget has a background task, for a few polls in a row.

For each node it prints the title, its state (ok / warning / error), the
widget's messages and a summary of its outputs; with ``--out`` it also saves
a PNG of every widget and every output table (``.tab``). The exit status is 1
if a widget shows an error or raised (its node reads error), the workflow did
not load completely, an exception escaped, or the run timed out; else 0.

Nothing here touches the network: Orange's update check, notification feed
and usage statistics live in ``Orange.canvas.__main__``, never called here.
Other add-ons behave as in Orange (Orange3-Text fetches NLTK data on import).
"""
import argparse
import os
import re
import sys
import time
import traceback
from types import SimpleNamespace
from typing import Any, Dict, List, Optional

from orangecontrib.recurrent.runreport import (
    NodeReport, RunReport, format_report, raising_node, summarize,
)

#: How long (seconds) between two checks of the workflow's state.
POLL_INTERVAL = 0.05
#: How many checks in a row must find the workflow idle before it is done;
#: covers widgets that commit from a zero-timeout timer after an input.
IDLE_POLLS = 6


def ensure_offscreen():
    """Make Qt draw offscreen unless the caller chose a platform (before
    the first Qt import)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def quiet_offscreen_plugin():
    """Drop the offscreen platform's "This plugin does not support ..."
    lines (one per shown window); pass every other Qt message on."""
    # pylint: disable=import-outside-toplevel
    from AnyQt.QtCore import qInstallMessageHandler

    previous = None

    def handler(kind, context, message):  # pylint: disable=unused-argument
        if message.startswith("This plugin does not support"):
            return
        if previous is not None:
            previous(kind, context, message)
        else:
            sys.stderr.write(message + "\n")

    previous = qInstallMessageHandler(handler)


_APP = None


def application():
    """The QApplication, made once and kept alive (Qt objects need it)."""
    global _APP  # pylint: disable=global-statement
    from AnyQt.QtWidgets import QApplication
    app = QApplication.instance()
    if app is None:
        app = _APP = QApplication(
            [sys.argv[0] if sys.argv else "orange-workflow"])
    return app


_REGISTRY = None


def widget_registry():
    """The canvas' widget registry: every installed widget, add-ons included,
    built once per process as ``Orange.canvas.run`` builds it (Orange's
    configuration names the entry points; a cache makes later starts fast).
    """
    global _REGISTRY  # pylint: disable=global-statement
    if _REGISTRY is None:
        from orangecanvas import config
        from orangecanvas.registry import WidgetRegistry, cache
        from Orange.canvas.config import Config

        application()
        cfg = Config()
        config.set_default(cfg)
        # Registers the canvas' settings and application names; it makes no
        # network request (those are in Orange.canvas.__main__ only).
        config.init()
        registry = WidgetRegistry()
        discovery = cfg.widget_discovery(
            registry, cached_descriptions=cache.registry_cache())
        discovery.run(cfg.widgets_entry_points())
        _REGISTRY = registry
    return _REGISTRY


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "node"


class WorkflowRun:
    """A workflow loaded with the canvas' machinery, ready to run headless.

    Use as a context manager so that the widgets are disposed of::

        with WorkflowRun("tutorial.ows") as run:
            report = run.run(timeout=300)
            widget = run.widget("Test and Score")

    ``path``: the .ows file; relative paths in it are resolved against its
    folder, as the canvas does.
    """

    def __init__(self, path: str):
        # pylint: disable=import-outside-toplevel
        from orangecanvas import config

        self.path = os.path.abspath(path)
        self.app = application()
        registry = widget_registry()
        self._exceptions: List[str] = []
        self.raised: Dict[Any, List[str]] = {}  # node -> its exceptions
        self.load_errors: List[str] = []
        scheme = config.workflow_constructor()
        scheme.set_runtime_env("basedir", os.path.dirname(self.path))
        self.scheme = scheme
        self.signal_manager = scheme.signal_manager
        self.signal_manager.pause()
        try:
            with open(self.path, "rb") as stream:
                scheme.load_from(stream, registry=registry,
                                 error_handler=self._load_error)
        except Exception as exc:  # pylint: disable=broad-except
            # Not a workflow at all (not XML, an unknown format version):
            # nothing to run, and the report says why.
            self.load_errors.append(
                f"could not read the workflow: {type(exc).__name__}: {exc}")
        self.widgets = {}
        self.init_errors: Dict[Any, str] = {}
        for node in scheme.nodes:
            try:
                self.widgets[node] = scheme.widget_for_node(node)
            except Exception:  # pylint: disable=broad-except
                # A widget that cannot be built is an error of its node.
                self.init_errors[node] = traceback.format_exc()

    def _load_error(self, exc):
        self.load_errors.append(f"could not load: {exc}")

    def _excepthook(self, exc_type, exc, tb):
        # A widget's exception is its node's error (the node must not read
        # ok); one raised outside every widget is the run's.
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        node = raising_node(tb, self.widgets)
        if node is None:
            self._exceptions.append(text)
        else:
            self.raised.setdefault(node, []).append(text)

    @property
    def nodes(self):
        return list(self.scheme.nodes)

    def node(self, title: str):
        """The first node with this title."""
        for node in self.scheme.nodes:
            if node.title == title:
                return node
        raise KeyError(title)

    def widget(self, title: str):
        """The widget of the first node with this title."""
        return self.widgets[self.node(title)]

    def outputs(self, node) -> Dict[str, Any]:
        """The values the node's widget last sent, by output name."""
        # pylint: disable=import-outside-toplevel
        from orangecanvas.scheme.signalmanager import LazyValue

        values = {}
        for channel in node.output_channels():
            # link_contents only reads a link's source node and channel, so
            # this asks for what the node sent whether or not it is linked.
            contents = self.signal_manager.link_contents(
                SimpleNamespace(source_node=node, source_channel=channel))
            for value in contents.values():
                if LazyValue.is_lazy(value):
                    value = value.get_value()
                values[channel.name] = value
        return values

    def busy(self) -> List[str]:
        """Why the workflow is not done yet; an empty list when it is."""
        # pylint: disable=import-outside-toplevel
        from orangecanvas.scheme import SchemeNode

        manager = self.signal_manager
        reasons = []
        if manager.has_pending():
            reasons.append("signals pending for " + ", ".join(
                node.title for node in manager.pending_nodes()))
        for node, widget in self.widgets.items():
            if node.state() & (SchemeNode.Running | SchemeNode.Invalidated):
                reasons.append(f"{node.title}: running")
            elif manager.has_invalidated_outputs(node) \
                    or manager.is_invalidated(node):
                reasons.append(f"{node.title}: outputs invalidated")
            elif widget.isInvalidated() or widget.isBlocking() \
                    or widget.processingState:
                reasons.append(f"{node.title}: processing")
            elif getattr(widget, "task", None) is not None:
                reasons.append(f"{node.title}: background task")
        return reasons

    def wait(self, timeout: float) -> bool:
        """Process events until the workflow is idle; False on time-out."""
        # pylint: disable=import-outside-toplevel
        from AnyQt.QtCore import QEventLoop, QTimer

        deadline = time.monotonic() + timeout
        loop = QEventLoop()
        state = {"idle": 0, "done": False}

        def poll():
            if self.busy():
                state["idle"] = 0
            else:
                state["idle"] += 1
            if state["idle"] >= IDLE_POLLS:
                state["done"] = True
                loop.quit()
            elif time.monotonic() >= deadline:
                loop.quit()

        timer = QTimer(interval=int(POLL_INTERVAL * 1000))
        timer.timeout.connect(poll)
        timer.start()
        poll()
        if not state["done"] and time.monotonic() < deadline:
            loop.exec()
        timer.stop()
        return state["done"]

    def run(self, timeout: float = 600) -> RunReport:
        """Deliver the signals, wait for the widgets and report on each."""
        start = time.monotonic()
        # An exception that escapes a Qt slot would abort the process under
        # PyQt (its default hook calls qFatal); record it as a failure.
        old_hook, sys.excepthook = sys.excepthook, self._excepthook
        try:
            self.signal_manager.resume()
            finished = self.wait(timeout)
        finally:
            sys.excepthook = old_hook
        report = RunReport(self.path, timed_out=not finished,
                           seconds=time.monotonic() - start)
        report.errors.extend(self.load_errors)
        report.errors.extend(
            "exception in a widget:\n" + exc for exc in self._exceptions)
        if not finished:
            report.errors.append(
                f"timed out after {timeout:g} s; still busy: "
                + "; ".join(self.busy()))
        report.nodes = [self.node_report(node) for node in self.nodes]
        return report

    def node_report(self, node) -> NodeReport:
        # pylint: disable=import-outside-toplevel
        from orangecanvas.scheme.node import UserMessage

        report = NodeReport(node.title, node.description.qualified_name)
        if node in self.init_errors:
            report.errors.append("widget failed to start:\n"
                                 + self.init_errors[node])
            return report
        report.errors.extend("exception in the widget:\n" + text
                             for text in self.raised.get(node, []))
        for message in node.state_messages():
            if not message.contents:
                continue
            text = re.sub(r"<[^>]+>", "", message.contents)
            {UserMessage.Error: report.errors,
             UserMessage.Warning: report.warnings}.get(
                 message.severity, report.infos).append(text)
        for name, value in self.outputs(node).items():
            report.outputs[name] = summarize(value)
        return report

    def save(self, out: str) -> List[str]:
        """Save a PNG of every widget and its output tables under `out`."""
        # pylint: disable=import-outside-toplevel
        from Orange.data import Table

        os.makedirs(out, exist_ok=True)
        written = []
        for i, node in enumerate(self.nodes, start=1):
            widget = self.widgets.get(node)
            if widget is None:
                continue
            stem = os.path.join(out, f"{i:02d}-{_slug(node.title)}")
            widget.show()
            # A widget shown for the first time may come up smaller than
            # it asks to be (no saved geometry offscreen).
            hint = widget.sizeHint()
            if hint.isValid():
                widget.resize(widget.size().expandedTo(hint))
            self.app.processEvents()
            if widget.grab().save(stem + ".png"):
                written.append(stem + ".png")
            widget.hide()
            for name, value in self.outputs(node).items():
                if isinstance(value, Table):
                    # .tab holds dense values only; a sparse table (a bag
                    # of words) goes to Orange's pickle format instead.
                    ext = ".pkl" if value.is_sparse() else ".tab"
                    path = f"{stem}-{_slug(name)}{ext}"
                    value.save(path)
                    written.append(path)
        return written

    def close(self):
        """Dispose of the widgets without storing their settings as defaults.

        The canvas saves each widget's settings as the user's defaults when
        a workflow closes; a headless run should leave them alone.
        """
        # pylint: disable=import-outside-toplevel
        from AnyQt.QtCore import QEvent, QCoreApplication

        for widget in self.widgets.values():
            widget.saveSettings = lambda: None
        self.signal_manager.stop()
        self.scheme.clear()
        QCoreApplication.sendEvent(self.scheme, QEvent(QEvent.Type.Close))
        self.app.processEvents()
        self.widgets = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def run_workflow(path: str, out: Optional[str] = None,
                 timeout: float = 600) -> RunReport:
    """Load, run and (with `out`) save a workflow; return its report."""
    with WorkflowRun(path) as run:
        report = run.run(timeout)
        if out is not None:
            run.save(out)
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m orangecontrib.recurrent.workflow",
        description="Run an Orange workflow (.ows) with no screen, print "
                    "each widget's state and outputs, and exit non-zero "
                    "on a widget error or a time-out.")
    parser.add_argument("workflow", help="the .ows file")
    parser.add_argument("--out", metavar="DIR",
                        help="save a PNG of every widget and its output "
                             "tables here")
    parser.add_argument("--timeout", metavar="S", type=float, default=600,
                        help="give up after S seconds (default 600)")
    args = parser.parse_args(argv)
    if not os.path.isfile(args.workflow):
        parser.error(f"no such file: {args.workflow}")
    ensure_offscreen()
    quiet_offscreen_plugin()
    report = run_workflow(args.workflow, args.out, args.timeout)
    print(format_report(report))
    if args.out:
        print(f"Screenshots and tables: {os.path.abspath(args.out)}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
