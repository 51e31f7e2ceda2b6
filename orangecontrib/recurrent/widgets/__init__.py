"""Canvas category "Recurrent": windowing, recurrent learners, forecasts."""
import os

NAME = "Recurrent"
DESCRIPTION = "Recurrent neural networks (LSTM, GRU, RNN) for sequences " \
              "and time series."
BACKGROUND = "#C8E6C9"
ICON = "icons/category.svg"
PRIORITY = 2100

# Help pages for F1: shipped in the package (orangecontrib/recurrent/help,
# rendered from doc/widgets by tools/build_help.py), so help opens with no
# network and no documentation build. The canvas' HtmlIndexProvider reads
# the index's id="widgets" list; None: its default query.
WIDGET_HELP_PATH = (
    (os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
        __file__))), "help", "index.html"), None),
)
