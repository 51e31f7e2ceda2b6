"""The README's main job: the classroom tutorial, on a screen or headless.

::

    python -m orangecontrib.recurrent.demo [--out DIR] [--timeout S] [--headless]

With a screen (``DISPLAY`` or ``WAYLAND_DISPLAY`` set and ``QT_QPA_PLATFORM``
not ``offscreen``) this opens Orange's canvas on tutorial 1 (noisy sine ->
Windowing -> LSTM -> Forecast Plot), as ``python -m Orange.canvas`` would,
in a process of its own. With no screen it runs the tutorial
with the headless runner, prints what every widget did and writes a picture
of the workflow (``workflow.png``) and of every widget to ``--out``.
"""
import argparse
import os
import sys
import time
from typing import Optional

from orangecontrib.recurrent import workflow
from orangecontrib.recurrent.widgets import NAME as CATEGORY

TUTORIALS = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         "tutorials")


def tutorial_path(number: int) -> str:
    """The tutorial whose file name starts with its two-digit number."""
    prefix = f"{number:02d}-"
    for name in sorted(os.listdir(TUTORIALS)):
        if name.startswith(prefix) and name.endswith(".ows"):
            return os.path.join(TUTORIALS, name)
    raise FileNotFoundError(f"no tutorial {prefix}*.ows in {TUTORIALS}")


def has_screen(environ=None) -> bool:
    """Whether Qt can show windows to a person here."""
    environ = os.environ if environ is None else environ
    if environ.get("QT_QPA_PLATFORM", "").startswith(
            ("offscreen", "minimal")):
        return False
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def canvas_command(path: str) -> list:
    """The command that opens Orange's canvas on ``path``: Orange's own
    entry point, so the canvas starts as the user has set it up (its update
    check and notifications follow Orange's settings)."""
    return [sys.executable, "-m", "Orange.canvas", path]


def open_canvas(path: str) -> int:
    """Open Orange's canvas on `path`; return when the user closes it."""
    import subprocess  # pylint: disable=import-outside-toplevel
    return subprocess.call(canvas_command(path))


def _open_category(toolbox, name: str):
    """Open the toolbox tab of the widget category `name`, close the rest."""
    for i in range(toolbox.count()):
        toolbox.tabAction(i).setChecked(toolbox.tabButton(i).text() == name)


def save_canvas_picture(path: str, png: str, size=(1180, 640)) -> bool:
    """Draw the workflow in Orange's canvas window and save it as a PNG.

    The widgets are not created (the canvas' "freeze" creation policy), so
    nothing is trained; the picture is what a user sees on opening the
    file: the widget toolbox with the add-on's category and the workflow.
    """
    # pylint: disable=import-outside-toplevel
    from AnyQt.QtCore import QEvent, QCoreApplication
    from orangecanvas import config
    from Orange.canvas.mainwindow import MainWindow

    app = workflow.application()
    registry = workflow.widget_registry()
    window = MainWindow()
    window.set_widget_registry(registry)
    window.resize(*size)
    # Loaded here rather than with the window's own loader, which reports a
    # partial load in a modal dialog that nobody can close offscreen.
    scheme = config.workflow_constructor(parent=window)
    scheme.set_runtime_env("basedir",
                           os.path.dirname(os.path.abspath(path)))
    errors = []
    with open(path, "rb") as stream:
        scheme.load_from(stream, registry=registry,
                         error_handler=errors.append)
    if errors:
        window.deleteLater()
        return False
    window.set_scheme(scheme, freeze_creation=True)
    window.current_document().scene().clearSelection()
    _open_category(window.widgets_tool_box, CATEGORY)
    window.show()
    for _ in range(5):
        app.processEvents()
    saved = window.grab().save(png)
    window.current_document().setModified(False)
    QCoreApplication.sendEvent(window, QEvent(QEvent.Type.Close))
    window.hide()
    window.deleteLater()
    app.processEvents()
    return saved


class Progress:
    """Print each widget of a running workflow as it finishes, at once.

    A widget is finished when the widgets upstream of it are, no signal
    waits for it and it is not busy (WorkflowRun.busy's rule: not running,
    invalidated, blocking or training in the background). Polled from the
    runner's event loop every ``interval`` seconds.
    """

    def __init__(self, run, interval: float = 0.25):
        # pylint: disable=import-outside-toplevel
        from AnyQt.QtCore import QTimer
        self.run = run
        self.done: list = []
        self.started = time.monotonic()
        self.timer = QTimer(interval=int(interval * 1000))
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def poll(self):
        scheme, manager = self.run.scheme, self.run.signal_manager
        busy = " ".join(self.run.busy())
        for node in scheme.nodes:
            if node in self.done or manager.pending_input_signals(node):
                continue
            upstream = [link.source_node
                        for link in scheme.find_links(sink_node=node)]
            if any(n not in self.done for n in upstream) \
                    or f"{node.title}:" in busy \
                    or f"pending for {node.title}" in busy:
                continue
            self.done.append(node)
            print(f"[{len(self.done)}/{len(scheme.nodes)}] {node.title}: "
                  f"done at {time.monotonic() - self.started:.1f} s",
                  flush=True)

    def stop(self):
        self.timer.stop()
        self.poll()


def run_headless(path: str, out: str, timeout: float) -> int:
    """Run the workflow with no screen, saying as each widget finishes;
    write pictures and tables to out."""
    print(f"Running {os.path.basename(path)} headless ...", flush=True)
    with workflow.WorkflowRun(path) as run:
        progress = Progress(run)
        report = run.run(timeout)
        progress.stop()
        run.save(out)
    print(workflow.format_report(report), flush=True)
    if save_canvas_picture(path, os.path.join(out, "workflow.png")):
        print(f"Workflow picture: {os.path.join(os.path.abspath(out), 'workflow.png')}")
    print(f"Widget screenshots and tables: {os.path.abspath(out)}")
    return 0 if report.ok else 1


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m orangecontrib.recurrent.demo",
        description="Open tutorial 1 (noisy sine -> Windowing -> LSTM -> "
                    "Forecast Plot) in Orange's canvas, or run it headless "
                    "when there is no screen.")
    parser.add_argument("--out", metavar="DIR", default="out",
                        help="where a headless run writes its screenshots "
                             "(default: out)")
    parser.add_argument("--timeout", metavar="S", type=float, default=600,
                        help="headless run: give up after S seconds")
    parser.add_argument("--headless", action="store_true",
                        help="run headless even with a screen")
    parser.add_argument("--tutorial", type=int, default=1,
                        help="which tutorial (default 1)")
    args = parser.parse_args(argv)
    path = tutorial_path(args.tutorial)
    if has_screen() and not args.headless:
        print(f"Opening {path} in Orange's canvas")
        return open_canvas(path)
    workflow.ensure_offscreen()
    workflow.quiet_offscreen_plugin()
    return run_headless(path, args.out, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
