from setuptools import setup, find_namespace_packages

ENTRY_POINTS = {
    # The add-on as a whole, so that Orange's add-on dialog lists it.
    "orange3.addon": ("recurrent = orangecontrib.recurrent",),
    # The canvas category "Recurrent" and its widgets.
    "orange.widgets": ("Recurrent = orangecontrib.recurrent.widgets",),
    # Help pages opened by F1 on a widget.
    "orange.canvas.help": (
        "html-index = orangecontrib.recurrent.widgets:WIDGET_HELP_PATH",),
    # The .ows files shown under Help > Examples.
    "orange.widgets.tutorials": (
        "recurrenttutorials = orangecontrib.recurrent.tutorials",),
}

setup(
    name="orange3-recurrent",
    version="0.1.0",
    description="Recurrent neural networks (LSTM, GRU, RNN) for Orange Data Mining",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="GPL-3.0-or-later",
    packages=find_namespace_packages(include=["orangecontrib.*"]),
    package_data={
        # F1 help, rendered from doc/widgets by tools/build_help.py
        "orangecontrib.recurrent": ["help/*.html", "help/images/*.png"],
        "orangecontrib.recurrent.widgets": ["icons/*.svg"],
        "orangecontrib.recurrent.tutorials": ["*.ows"],
        "orangecontrib.recurrent.datasets": ["*.tab", "*.csv", "*.md"],
    },
    # No Qt binding here: Orange's installers bring PyQt5 or PyQt6 and two
    # bindings in one environment collide. torch is pinned loosely so that an
    # installed 2.x satisfies it instead of pulling a new CUDA build.
    install_requires=[
        "Orange3>=3.38",
        "orange-widget-base>=4.25",
        "torch>=2.1",
        "numpy>=1.24",
    ],
    extras_require={
        # Optional companions the tests prove we work with: orange3-timeseries
        # (its Timeseries tables window in time order) and orange3-text
        # (LSTM on a Corpus). The add-on itself needs neither. Optuna is
        # what tune(method="bayes") uses; the other searches need nothing.
        "bayes": ["optuna"],
        "test": ["pytest>=8.1", "orange3-timeseries", "orange3-text",
                 "optuna"],
    },
    entry_points=ENTRY_POINTS,
    keywords=["orange3 add-on", "lstm", "gru", "rnn", "time series", "forecast"],
    python_requires=">=3.10",
    zip_safe=False,
)
