"""The tutorial builders in tools/ write what is shipped.

The shipped .ows files were saved by older versions of the widgets and are
migrated when opened (LSTM/GRU settings v4: raw steps and their epochs). A
builder run today must give the same settings after migration, or
rebuilding a tutorial would silently change what it trains and the figures
its tests and the README quote.
"""
import os
import tempfile
import unittest

import pytest
from orangecanvas.scheme import readwrite


from tools import (
    build_arima_tutorial, build_memory_tutorial, build_text_tutorial,
    build_tune_tutorial, build_tutorials,
)
from tools.build_tutorials import HERE

#: what the builders write, by file name
WRITERS = {**build_tutorials.TUTORIALS,
           build_tune_tutorial.FILE_NAME: build_tune_tutorial.tune_tutorial,
           build_memory_tutorial.FILE_NAME:
               build_memory_tutorial.memory_tutorial,
           build_arima_tutorial.FILE: build_arima_tutorial.airline_lstm_arima,
           build_text_tutorial.FILE_NAME:
               build_text_tutorial.text_classification}

#: window state, not what the widget computes
IGNORED = {"savedWidgetGeometry", "controlAreaVisible", "__version__",
           "context_settings"}


def _widget_class(qualified_name):
    module, _, name = qualified_name.rpartition(".")
    return getattr(__import__(module, fromlist=[name]), name)


def migrated_settings(path):
    """{node title: its settings as the widget will use them}."""
    with open(path, "rb") as f:
        tree = readwrite.parse_ows_stream(f)
    nodes = {}
    for node in tree.nodes:
        settings = readwrite.loads(node.data.data, node.data.format)
        cls = _widget_class(node.qualified_name)
        version = settings.get("__version__")
        if hasattr(cls, "migrate_settings"):
            cls.migrate_settings(settings, version)
        nodes[node.title] = {k: v for k, v in settings.items()
                             if k not in IGNORED}
    return nodes


@pytest.mark.slow  # builds six workflows from their widgets: 5 s
class TestBuildersWriteWhatIsShipped(unittest.TestCase):
    def test_each_rebuilt_tutorial_has_the_shipped_settings(self):
        with tempfile.TemporaryDirectory() as out:
            build_tutorials.write_tutorials(WRITERS, [out])
            for name in WRITERS:
                with self.subTest(name):
                    shipped = migrated_settings(os.path.join(HERE, name))
                    rebuilt = migrated_settings(os.path.join(out, name))
                    self.assertEqual(set(shipped), set(rebuilt))
                    for title, settings in shipped.items():
                        new = rebuilt[title]
                        differ = {k: (settings[k], new.get(k))
                                  for k in settings
                                  if k in new and new[k] != settings[k]}
                        self.assertEqual(differ, {}, f"{name}: {title}")
