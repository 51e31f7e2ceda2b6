"""The project's promises about installing: README and CI say the same."""
import re
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _commands(text):
    return [line.strip() for line in text.splitlines()
            if line.strip().startswith("python3 -m venv")]


class TestReadmeCommands(unittest.TestCase):
    def test_ci_runs_the_readme_test_command(self):
        readme = _commands((ROOT / "README.md").read_text())
        ci = _commands((ROOT / ".ci" / "run").read_text())
        self.assertEqual(len(readme), 2, "README gives exactly two commands")
        self.assertEqual(len(ci), 1)
        self.assertIn(ci[0], readme)
        self.assertIn("pytest", ci[0])

    def test_torch_is_installed_before_the_project(self):
        for command in _commands((ROOT / "README.md").read_text()):
            steps = command.split("&&")
            torch = [i for i, s in enumerate(steps) if "torch==2.13.0" in s]
            project = [i for i, s in enumerate(steps) if re.search(r"-e \.", s)
                       or re.search(r'-e "\.', s)]
            self.assertTrue(torch and project, command)
            self.assertLess(torch[0], project[0], command)

    def test_no_qt_binding_in_install_requires(self):
        setup = (ROOT / "setup.py").read_text()
        requires = setup[setup.index("install_requires"):]
        requires = requires[:requires.index("]")]
        for binding in ("PyQt5", "PyQt6", "PySide"):
            self.assertNotIn(binding, requires)


if __name__ == "__main__":
    unittest.main()
