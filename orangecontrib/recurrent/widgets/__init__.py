"""Canvas category "Recurrent": windowing, recurrent learners, forecasts."""
import sysconfig

NAME = "Recurrent"
DESCRIPTION = "Recurrent neural networks (LSTM, GRU, RNN) for sequences " \
              "and time series."
BACKGROUND = "#C8E6C9"
ICON = "icons/category.svg"
PRIORITY = 2100

# Help pages: the built documentation when installed, else the development
# tree's doc/ folder (Orange's add-on template does the same).
WIDGET_HELP_PATH = (
    ("{DEVELOP_ROOT}/doc/_build/html/index.html", None),
    ("{}/help/orange3-recurrent/index.html".format(
        sysconfig.get_path("data")), None),
)
