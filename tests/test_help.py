"""F1 on every widget of the add-on opens its page from the package.

The canvas answers F1 with HelpManager.search({"id": qualified name}): the
``orange.canvas.help`` entry point of the widget's distribution names the
shipped index (widgets.WIDGET_HELP_PATH), and HtmlIndexProvider maps the
widget's name to its page. A widget added to the category later needs
doc/widgets/<page>.md whose first heading is its name, and
``python -m tools.build_help``.
"""
import os
import unittest
from html.parser import HTMLParser

from orangecanvas.help.manager import HelpManager

from tests.canvas import addon_widgets, registry
from tools import build_help


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sources, self.h1 = [], ""
        self._in_h1 = False

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.sources.append(dict(attrs)["src"])
        self._in_h1 = tag == "h1"

    def handle_data(self, data):
        if self._in_h1:
            self.h1 += data

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False


class TestHelp(unittest.TestCase):
    def test_f1_opens_each_widgets_page(self):
        manager = HelpManager()
        manager.set_registry(registry())
        widgets = addon_widgets()
        self.assertGreaterEqual(len(widgets), 4)
        for desc in widgets:
            with self.subTest(desc.name):
                url = manager.search({"id": desc.qualified_name})
                self.assertTrue(url.isLocalFile(), url.toString())
                path = url.toLocalFile()
                self.assertTrue(os.path.isfile(path), path)
                self.assertIn(os.path.join("orangecontrib", "recurrent",
                                           "help"), path)
                page = _Images()
                with open(path, encoding="utf-8") as f:
                    page.feed(f.read())
                self.assertEqual(page.h1.strip(), desc.name)
                for src in page.sources:
                    self.assertTrue(os.path.isfile(os.path.join(
                        os.path.dirname(path), src)), src)

    def test_shipped_help_is_built_from_the_current_pages(self):
        for name, text in build_help.render().items():
            with self.subTest(name):
                shipped = build_help.HELP / name
                self.assertTrue(shipped.is_file(),
                                "run python -m tools.build_help")
                self.assertEqual(shipped.read_text(encoding="utf-8"), text,
                                 "run python -m tools.build_help")
        for name, data in build_help.images().items():
            self.assertEqual((build_help.HELP / "images" / name).read_bytes(),
                             data, "run python -m tools.build_help")

    def test_setup_ships_the_help(self):
        setup = (build_help.ROOT / "setup.py").read_text()
        self.assertIn('"help/*.html", "help/images/*.png"', setup)
        self.assertIn("html-index = orangecontrib.recurrent.widgets:"
                      "WIDGET_HELP_PATH", setup)


if __name__ == "__main__":
    unittest.main()
