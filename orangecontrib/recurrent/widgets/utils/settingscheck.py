"""Saved settings brought into their controls' ranges when a widget starts.

A workflow saved by hand, by another version or by a tool may hold values
no control allows (epochs 0, dropout 1.0, a cell index of 7): used as they
are they raise from a timer slot, which aborts the canvas. The ranges are
read from the controls themselves (spin boxes, combo boxes, radio buttons),
so they are defined once, where the user sees them.
"""
import math
from numbers import Real
from typing import Callable, List, Optional, Sequence

from AnyQt.QtWidgets import QAbstractSpinBox, QComboBox, QSpinBox

__all__ = ["coerce_settings", "clamp_settings", "reset_out_of_range"]


def _number(value) -> Optional[float]:
    if isinstance(value, bool) or not isinstance(value, Real):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _fixed(control, value, default):
    """The value the control allows nearest to ``value`` (``default`` when
    it is no number, or no index of the control's items)."""
    number = _number(value)
    if isinstance(control, QComboBox):
        count = control.count()
    elif hasattr(control, "buttons"):  # gui.radioButtons' group box
        count = len(control.buttons)
    elif isinstance(control, QAbstractSpinBox):
        if number is None:
            return default
        number = min(max(number, control.minimum()), control.maximum())
        return int(round(number)) if isinstance(control, QSpinBox) \
            else number
    else:
        return value
    if number is None or not number.is_integer() \
            or not 0 <= number < count:
        return default if isinstance(default, int) \
            and 0 <= default < count else 0
    return int(number)


def _numeric_settings(widget):
    """(name, Setting) of the widget's numeric settings (not flags)."""
    for name, setting in widget.settingsHandler.provider.settings.items():
        if _number(setting.default) is not None and hasattr(widget, name):
            yield name, setting


def coerce_settings(widget) -> List[str]:
    """Give numeric settings their default's type, before the controls are
    built (a spin box for whole numbers refuses 2.5, and None or text is no
    number): whole numbers are rounded, anything else becomes the default.

    Returns what was changed, as "name: old -> new".
    """
    changed = []
    # Some controls fix a value themselves as they are built (a combo box
    # given an index past its items), so clamp_settings compares with this.
    widget._settings_as_saved = {}
    for name, setting in _numeric_settings(widget):
        old = getattr(widget, name)
        number = _number(old)
        if number is None:
            new = setting.default
        elif isinstance(setting.default, int):
            new = int(round(number))
        else:
            new = number
        if new != old or number is None:
            setattr(widget, name, new)
            changed.append(f"{name}: {old!r} -> {new!r}")
        elif type(new) is not type(old):  # 3.0 epochs -> 3, quietly
            setattr(widget, name, new)
        widget._settings_as_saved[name] = new
    return changed


def clamp_settings(widget) -> List[str]:
    """Set every numeric setting with a control to a value the control
    allows (a spin box's range, a combo box's or radio group's indices).

    Returns what was changed, as "name: old -> new" (empty when nothing).
    Call once the controls exist (after :func:`coerce_settings`).
    """
    changed = []
    for name, setting in _numeric_settings(widget):
        control = getattr(widget.controls, name, None)
        if control is None:
            continue
        old = getattr(widget, "_settings_as_saved", {}).get(
            name, getattr(widget, name))
        new = _fixed(control, old, setting.default)
        if new != old:
            setattr(widget, name, new)
            changed.append(f"{name}: {old!r} -> {new!r}")
    return changed


def reset_out_of_range(widget, message: Callable,
                       coerced: Sequence[str] = ()) -> List[str]:
    """:func:`clamp_settings`, and show ``message`` (a widget's Msg,
    formatted with what changed, ``coerced`` included) when something was.
    """
    changed = list(coerced) + clamp_settings(widget)
    if changed:
        message("; ".join(changed))
    return changed
