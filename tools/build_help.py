"""Render the widget pages (doc/widgets/*.md) into the help the package ships.

Writes orangecontrib/recurrent/help/: one HTML page per widget page, the
pictures they show (images/), and index.html, whose ``id="widgets"`` list
links each widget's name to its page. That index is what the canvas' help
provider (orangecanvas.help.provider.HtmlIndexProvider, named by the
``orange.canvas.help`` entry point ``html-index``) reads to answer F1, so
help opens from the installed package with no network.

A page's first heading must be the widget's name as the canvas shows it.
Run ``python -m tools.build_help`` after editing a page or a screenshot;
tests/test_help.py fails while the shipped help is older than doc/.
CommonMark (a requirement of orange-canvas-core) renders the pages.
"""
import html
import re
import shutil
from pathlib import Path
from typing import Dict

import commonmark

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "doc" / "widgets"
HELP = ROOT / "orangecontrib" / "recurrent" / "help"

STYLE = """body { font-family: sans-serif; max-width: 52em; margin: 1em auto;
  padding: 0 1em; line-height: 1.45; color: #222; }
img { max-width: 100%; border: 1px solid #ddd; }
code { background: #f3f3f3; padding: 0 0.2em; }
h1 { border-bottom: 1px solid #ccc; }"""

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<title>{title}</title>
<style>
{style}
</style>
</head>
<body>
{body}</body>
</html>
"""


def page_title(markdown: str) -> str:
    """The first heading of a page (ATX ``# x`` or setext ``x\\n===``)."""
    lines = markdown.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("# "):
            return line[2:].strip()
        if i + 1 < len(lines) and re.fullmatch(r"=+\s*", lines[i + 1]) \
                and line.strip():
            return line.strip()
    raise ValueError("a widget page needs a heading with the widget's name")


def render() -> Dict[str, str]:
    """{file name in help/: its text} for every page and the index."""
    files, index = {}, []
    for path in sorted(PAGES.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        title = page_title(text)
        name = path.stem + ".html"
        body = commonmark.commonmark(text)
        files[name] = TEMPLATE.format(title=html.escape(title), style=STYLE,
                                      body=body)
        index.append((title, name))
    items = "".join(f'<li><a href="{name}">{html.escape(title)}</a></li>\n'
                    for title, name in index)
    files["index.html"] = TEMPLATE.format(
        title="Recurrent widgets", style=STYLE,
        body=f'<h1>Recurrent widgets</h1>\n<div id="widgets">\n<ul>\n'
             f'{items}</ul>\n</div>\n')
    return files


def images() -> Dict[str, bytes]:
    """{file name: bytes} of the pictures the pages show."""
    return {p.name: p.read_bytes()
            for p in sorted((PAGES / "images").glob("*.png"))}


def main():
    if HELP.exists():
        shutil.rmtree(HELP)
    (HELP / "images").mkdir(parents=True)
    for name, text in render().items():
        (HELP / name).write_text(text, encoding="utf-8")
    for name, data in images().items():
        (HELP / "images" / name).write_bytes(data)
    print(f"wrote {HELP}")


if __name__ == "__main__":
    main()
