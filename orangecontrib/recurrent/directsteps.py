"""Direct multi-step windows: h targets ``x(t+1) .. x(t+h)`` of one series.

:func:`~.windowing.make_windows` (``direct=True``) makes them, and
:func:`~.windowing.window_layout` reads them back with
:func:`direct_targets`; a model trained on them predicts all h steps from one
window (:mod:`.rollout`). No Qt, no torch.
"""
import numpy as np

from Orange.data import ContinuousVariable

__all__ = ["direct_targets", "direct_values", "direct_class_vars",
           "use_direct"]


def use_direct(direct: bool, horizon: int, target_var) -> bool:
    """Whether to make h targets: asked for and h > 1; ValueError for a
    categorical target."""
    if direct and not target_var.is_continuous:
        raise ValueError(f"Direct multi-step needs a numeric target; "
                         f"'{target_var.name}' is categorical.")
    return bool(direct) and horizon > 1


def _key(var, name):
    return var.attributes.get(name) if var.attributes else None


def direct_targets(class_vars) -> tuple:
    """``(series, h, (1, .., h))`` when the targets are steps 1..h of one
    numeric series, in this order; else ``(None, None, ())``."""
    names = {_key(v, "series") for v in class_vars}
    try:
        offsets = tuple(int(_key(v, "offset")) for v in class_vars)
    except (TypeError, ValueError):
        return None, None, ()
    if len(names) != 1 or None in names \
            or offsets != tuple(range(1, len(class_vars) + 1)) \
            or not all(v.is_continuous for v in class_vars):
        return None, None, ()
    return names.pop(), len(offsets), offsets


def direct_values(column: np.ndarray, window_length: int,
                  horizon: int) -> np.ndarray:
    """(windows, h): the h values after each window of ``column``."""
    return np.lib.stride_tricks.sliding_window_view(
        column[window_length:], horizon)


def direct_class_vars(target_var, horizon: int, name) -> list:
    """Targets ``name(target, 1) .. name(target, h)``, tagged with the
    target's series and offsets 1..h as the window-metadata contract asks."""
    class_vars = []
    for k in range(1, horizon + 1):
        var = ContinuousVariable(
            name(target_var.name, k),
            number_of_decimals=target_var.number_of_decimals)
        var.attributes["series"] = target_var.name
        var.attributes["offset"] = k
        class_vars.append(var)
    return class_vars
