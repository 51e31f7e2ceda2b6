"""The canvas' own view of the add-on: a widget registry built by Orange's
widget discovery, as the canvas builds it when it starts."""
from functools import lru_cache

from orangecanvas.registry import WidgetRegistry
from orangecanvas.utils.pkgmeta import get_distribution
from orangewidget.workflow.discovery import WidgetDiscovery

CATEGORY = "Recurrent"


@lru_cache(maxsize=1)
def registry() -> WidgetRegistry:
    """The add-on's widgets (every module in its widget package, so widgets
    added later are included) and Orange's Evaluate widgets."""
    reg = WidgetRegistry()
    discovery = WidgetDiscovery(reg)
    discovery.process_category_package(
        "orangecontrib.recurrent.widgets",
        distribution=get_distribution("orange3-recurrent"))
    discovery.process_category_package("Orange.widgets.evaluate")
    return reg


def description(name: str):
    """The registry's description of the widget called ``name``."""
    for desc in registry().widgets():
        if desc.name == name:
            return desc
    raise KeyError(name)


def addon_widgets() -> list:
    """Descriptions of every widget in the add-on's canvas category."""
    return [d for d in registry().widgets() if d.category == CATEGORY]
