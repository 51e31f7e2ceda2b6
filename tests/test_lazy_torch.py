"""Opening Orange must not load torch: the canvas imports every widget module
(and reads its description) when it starts, and importing torch takes seconds.
"""
import json
import pathlib
import subprocess
import sys
import unittest

WIDGETS = pathlib.Path(__file__).resolve().parents[1] \
    / "orangecontrib" / "recurrent" / "widgets"

CHECK = """
import importlib, json, sys
loaded = {}
for name in sys.argv[1:]:
    module = importlib.import_module(name)
    # what the canvas' widget discovery reads from each widget class
    for value in vars(module).values():
        if isinstance(value, type) and hasattr(value, "get_widget_description") \\
                and value.__module__ == name and getattr(value, "name", None):
            value.get_widget_description()
    loaded[name] = "torch" in sys.modules
print(json.dumps(loaded))
"""


#: Create the LSTM/GRU widget (it puts a RecurrentLearner on its output at
#: once, in the GUI thread) and the learner itself; report whether torch came.
CREATE = """
import os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
import orangecontrib.recurrent.learner as learner_module
after_import = "torch" in sys.modules
learner = learner_module.RecurrentLearner(hidden_size=4)
after_learner = "torch" in sys.modules
from AnyQt.QtWidgets import QApplication
app = QApplication([])
from orangecontrib.recurrent.widgets.owrecurrentlearner import (
    OWRecurrentLearner)
widget = OWRecurrentLearner()
app.processEvents()
assert isinstance(widget.learner, learner_module.RecurrentLearner), \
    widget.learner
widget_learner = widget.create_learner()
after_widget = "torch" in sys.modules
widget.onDeleteWidget()
print(after_import, after_learner, after_widget)
"""


class TestWidgetsDoNotImportTorch(unittest.TestCase):
    def test_widget_modules_import_without_torch(self):
        modules = ["orangecontrib.recurrent.widgets"] + [
            f"orangecontrib.recurrent.widgets.{path.stem}"
            for path in sorted(WIDGETS.glob("ow*.py"))]
        self.assertIn("orangecontrib.recurrent.widgets.owrecurrentlearner",
                      modules)
        result = subprocess.run(
            [sys.executable, "-c", CHECK, *modules], capture_output=True,
            text=True, timeout=300, check=False,
            cwd=WIDGETS.parents[2])
        self.assertEqual(result.returncode, 0, result.stderr)
        loaded = json.loads(result.stdout.strip().splitlines()[-1])
        self.assertEqual(set(loaded), set(modules))
        with_torch = [name for name, torch in loaded.items() if torch]
        self.assertEqual(with_torch, [], "these modules load torch")

    def test_learner_and_widget_learner_without_torch(self):
        result = subprocess.run(
            [sys.executable, "-c", CREATE], capture_output=True, text=True,
            timeout=300, check=False, cwd=WIDGETS.parents[2])
        self.assertEqual(result.returncode, 0, result.stderr)
        flags = result.stdout.strip().splitlines()[-1].split()
        self.assertEqual(
            dict(zip(("import learner", "create learner", "create widget"),
                     flags)),
            {"import learner": "False", "create learner": "False",
             "create widget": "False"})


if __name__ == "__main__":
    unittest.main()
