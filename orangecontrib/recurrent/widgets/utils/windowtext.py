"""Windowing's words: counts, time steps and targets as its info box says
them (no widgets here)."""
from Orange.data import Domain, TimeVariable

__all__ = ["plural", "step_text", "targets_text"]


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def step_text(step: float, time_var) -> str:
    """A time step in words: seconds of a date/time column in days, hours,
    minutes or seconds; other columns' steps as numbers."""
    if isinstance(time_var, TimeVariable):
        for unit, seconds in (("day", 86400), ("hour", 3600),
                              ("minute", 60), ("second", 1)):
            if step >= seconds or unit == "second":
                return f"{step / seconds:g} {unit}" \
                    + ("" if step == seconds else "s")
    return f"{step:g}"


def targets_text(domain: Domain) -> str:
    """"target 'y(t+1)'", or for direct multi-step windows
    "12 targets 'y(t+1)' ... 'y(t+12)'"."""
    targets = domain.class_vars
    if len(targets) == 1:
        return f"target '{targets[0].name}'"
    return (f"{len(targets)} targets '{targets[0].name}' ... "
            f"'{targets[-1].name}'")
