"""How large a window table would be, and the refusal when it would not fit.

:func:`~orangecontrib.recurrent.windowing.make_windows` asks before it
allocates anything, so a window of 10,000 on a million rows gets a message
that says how large and what to change, not a MemoryError (or a machine that
swaps). No torch, no Qt.
"""
__all__ = ["check_window_memory"]


def _gib(n_bytes: float) -> str:
    return f"{n_bytes / 2 ** 30:.1f} GiB"


def check_window_memory(n_rows: int, n_windows: int, window_length: int,
                        n_series: int) -> None:
    """Refuse, before allocating, windows that would not fit in memory.

    The window table holds ``windows x (L x series + 1)`` float64 values,
    and dropping windows with missing values copies it once more; when the
    table is more than a third of the memory available now (room for the
    copy and for training), raise ValueError saying how large it would be
    and what to change.
    """
    # pylint: disable=import-outside-toplevel
    import psutil  # an Orange dependency
    values = n_windows * (window_length * n_series + 1)
    needed = 8 * values
    available = psutil.virtual_memory().available
    if needed > available / 3:
        raise ValueError(
            f"{n_windows:,} windows of {window_length} steps x {n_series} "
            f"series from {n_rows:,} rows would take {_gib(needed)} "
            f"({values:,} values), more than a third of the "
            f"{_gib(available)} of memory available. Shorten the window, "
            "use fewer series, or use fewer rows (e.g. the latest part of "
            "the series).")
