"""Keep Orange3-Text from downloading NLTK data in a test or tool process.

Importing Orange3-Text (any of its widgets) starts downloading tens of MB of
NLTK data in a thread, and the process cannot exit before the thread ends.
Tests and the tutorial builders need none of that data. This is a development
tool, not part of the add-on: the add-on's runner leaves other libraries as
Orange leaves them.
"""
import sys

__all__ = ["no_nltk_download"]


class _NoNltkDownload:
    """A meta path finder that, once, lets nltk import and then replaces
    ``nltk.download`` with a no-op that reports failure."""

    def find_spec(self, name, path=None, target=None):
        # pylint: disable=import-outside-toplevel,unused-argument
        if name != "nltk":
            return None
        import importlib.util
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_patch(module):
            exec_module(module)
            _disable(module)

        spec.loader.exec_module = exec_and_patch
        return spec


def _disable(nltk_module):
    nltk_module.download = lambda *args, **kwargs: False


def no_nltk_download():
    """Keep Orange3-Text from downloading NLTK data in this process.

    Importing Orange3-Text (any of its widgets) starts downloading tens of MB
    of NLTK data in a thread, and the process cannot exit before the thread
    ends. Workflows that need that data (stopword lists, lemmatizers, POS
    taggers) show an error instead. nltk itself is not imported here (that
    takes seconds): ``nltk.download`` is replaced as soon as it is.
    """
    if "nltk" in sys.modules:
        _disable(sys.modules["nltk"])
    elif not any(isinstance(f, _NoNltkDownload) for f in sys.meta_path):
        sys.meta_path.insert(0, _NoNltkDownload())
