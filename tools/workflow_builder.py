"""Build an Orange workflow (.ows) from real widgets, as the canvas saves it.

A development tool: the tutorial builders and the tests use it.
"""
import os
from typing import Optional

from orangecontrib.recurrent.workflow import widget_registry

__all__ = ["WorkflowBuilder"]


class WorkflowBuilder:
    """Build a workflow from real widgets and save it as the canvas does.

    Settings are set on the widget instances, and :meth:`save` lets the
    scheme collect them with each widget's settings handler, so the saved
    blobs (versions and context settings included) are the ones the canvas
    would write::

        builder = WorkflowBuilder("Title", "What it shows")
        data = builder.add("orangecontrib.recurrent.widgets.owsampleseries."
                           "OWSampleSeries", "Sample Series", (0, 0))
        ...
        builder.link(data, "Data", other, "Data")
        builder.save("tutorial.ows")
    """

    def __init__(self, title: str = "", description: str = ""):
        # pylint: disable=import-outside-toplevel
        from orangecanvas import config

        self.registry = widget_registry()
        self.scheme = config.workflow_constructor()
        self.scheme.title = title
        self.scheme.description = description
        # Widgets are only built here; no signal reaches them.
        self.scheme.signal_manager.stop()

    def add(self, qualified_name: str, title: Optional[str] = None,
            position=(0, 0), **settings):
        """Add a widget; `settings` are set as its attributes. Return the
        node."""
        # pylint: disable=import-outside-toplevel
        from orangecanvas.scheme import SchemeNode

        description = self.registry.widget(qualified_name)
        node = SchemeNode(description, title=title or description.name,
                          position=tuple(position))
        self.scheme.add_node(node)
        widget = self.scheme.widget_for_node(node)
        for name, value in settings.items():
            if not hasattr(widget, name):
                raise AttributeError(
                    f"{description.name} has no setting {name!r}")
            setattr(widget, name, value)
        return node

    def widget(self, node):
        return self.scheme.widget_for_node(node)

    def link(self, source, output: str, sink, input: str):
        # pylint: disable=redefined-builtin,import-outside-toplevel
        from orangecanvas.scheme import SchemeLink

        self.scheme.add_link(SchemeLink(source, output, sink, input))

    def annotate(self, text: str, rect, font_size: int = 14):
        """Add a text annotation at rect = (x, y, width, height)."""
        # pylint: disable=import-outside-toplevel
        from orangecanvas.scheme import SchemeTextAnnotation

        self.scheme.add_annotation(SchemeTextAnnotation(
            tuple(rect), text, font={"size": font_size}))

    def save(self, path: str):
        """Write the .ows file the way the canvas' Save does."""
        # pylint: disable=import-outside-toplevel
        import logging

        path = os.path.abspath(path)
        self.scheme.set_runtime_env("basedir", os.path.dirname(path))
        # The writer logs a traceback each time it falls back from a literal
        # to a pickle (context settings always do); that is expected here.
        log = logging.getLogger("orangecanvas.scheme.readwrite")
        level = log.level
        log.setLevel(logging.ERROR)
        try:
            with open(path, "wb") as stream:
                self.scheme.save_to(stream, pretty=True, pickle_fallback=True)
        finally:
            log.setLevel(level)

    def close(self):
        for node in self.scheme.nodes:
            self.scheme.widget_for_node(node).saveSettings = lambda: None
        self.scheme.clear()
