"""Test environment: offscreen Qt, one thread, and private settings dirs.

This runs before any test module imports Qt or torch, which is why the
environment is set at import time and not in a fixture.
"""
import os
import shutil
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Two threads on these two-core machines made training up to 10x slower.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
# Widget defaults are stored per user; a private dir per run keeps one test's
# (or one developer's) saved defaults out of another.
_SETTINGS_DIR = tempfile.mkdtemp(prefix="orange3-recurrent-tests-")
for _name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[_name] = os.path.join(_SETTINGS_DIR, _name.lower())
    os.makedirs(os.environ[_name], exist_ok=True)

import pytest  # noqa: E402


def pytest_unconfigure(config):  # pylint: disable=unused-argument
    """Leave nothing in the system temp directory: the settings dirs go
    when the run ends."""
    shutil.rmtree(_SETTINGS_DIR, ignore_errors=True)


# Orange3-Text (an optional test dependency) starts downloading tens of MB of
# NLTK data when it is imported, into the private data dir above, so on every
# run, and the test process cannot end before that download does. No test
# needs the data.
from tools.offline import no_nltk_download  # noqa: E402

no_nltk_download()


def _qapplication():
    # Made here, once, so that Qt's teardown messages do not print after
    # pytest's summary line.
    from AnyQt.QtWidgets import QApplication
    return QApplication.instance() or QApplication(["pytest"])


try:
    _APP = _qapplication()
except ImportError:  # no Qt binding: library tests still run
    _APP = None


@pytest.fixture
def sine_table():
    """The classroom series: sin(t) + N(0, 0.1), t = 0, 0.1, ..., 999.9."""
    from tests.series import sine_table as make
    return make()
