"""Series that tests generate: small, seeded, no downloads."""
import numpy as np

from Orange.data import ContinuousVariable, Domain, Table


def series_table(values, name="x", extra=None) -> Table:
    """A one- (or more-) column table with rows in time order."""
    columns = {name: np.asarray(values, dtype=float)}
    columns.update(extra or {})
    domain = Domain([ContinuousVariable(n) for n in columns])
    return Table.from_numpy(domain, np.column_stack(list(columns.values())))


def sine_values(n=10000, noise=0.1, seed=0, step=0.1):
    t = np.arange(n) * step
    rng = np.random.default_rng(seed)
    return np.sin(t) + rng.normal(0, noise, n)


def sine_table(n=10000, noise=0.1, seed=0) -> Table:
    return series_table(sine_values(n, noise, seed), name="y")
