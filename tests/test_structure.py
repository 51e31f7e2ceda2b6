"""The shape of the package, checked: module sizes, no import cycle (lazy
imports count), no code that reads stop reasons from their text, and no
submodule hidden behind a public name of the same name."""
import ast
import importlib
import os
import pkgutil
import unittest

import orangecontrib.recurrent as package

ROOT = os.path.dirname(package.__file__)
PREFIX = "orangecontrib.recurrent"
#: Lines at most: a library module, a widget module (widgets/ow*.py).
LIBRARY_LINES, WIDGET_LINES = 400, 350


def module_files():
    """Dotted module name -> path, for every module of the package."""
    found = {}
    for folder, _, files in os.walk(ROOT):
        for name in files:
            if not name.endswith(".py"):
                continue
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".")
            dotted = PREFIX if rel == "__init__" else \
                PREFIX + "." + rel.removesuffix(".__init__")
            found[dotted] = path
    return found


MODULES = module_files()


def imported_modules(path, modules):
    """The package's modules that the file imports anywhere (also inside
    functions), and those its lazy-name table (`_LAZY`) names."""
    tree = ast.parse(open(path, encoding="utf-8").read())
    this = next(name for name, p in modules.items() if p == path)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            if node.level:  # relative import
                parts = this.split(".")
                if not path.endswith("__init__.py"):
                    parts = parts[:-1]
                parts = parts[:len(parts) - node.level + 1]
                base = ".".join(parts + [node.module])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in modules else base)
        elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "_LAZY"
                for t in node.targets):
            found.update(f"{this}.{v.value}" for v in node.value.values)
    return {name for name in found if name in modules and name != this}


def find_cycle(graph):
    """One import cycle as a list of modules, or None."""
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return trail[trail.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt, trail + [nxt])
                if cycle:
                    return cycle
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start, [start])
            if cycle:
                return cycle
    return None


class TestStructure(unittest.TestCase):
    def test_module_sizes(self):
        too_long = []
        for name, path in MODULES.items():
            with open(path, encoding="utf-8") as f:
                n = sum(1 for _ in f)
            limit = WIDGET_LINES if os.path.basename(path).startswith("ow") \
                else LIBRARY_LINES
            if n > limit:
                too_long.append(f"{name}: {n} lines (at most {limit})")
        self.assertEqual(too_long, [])

    def test_no_import_cycle(self):
        graph = {name: imported_modules(path, MODULES)
                 for name, path in MODULES.items()}
        # the check sees what it must: learner -> seriesfit -> model
        self.assertIn(f"{PREFIX}.seriesfit", graph[f"{PREFIX}.learner"])
        self.assertIn(f"{PREFIX}.textmodel", graph[f"{PREFIX}.learner"])
        self.assertIn(f"{PREFIX}.learner", graph[PREFIX])
        self.assertIsNone(find_cycle(graph))

    def test_cycle_finder_finds_a_cycle(self):
        self.assertEqual(find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}),
                         ["a", "b", "c", "a"])
        self.assertIsNone(find_cycle({"a": {"b"}, "b": set()}))

    def test_no_code_compares_stop_reason_text(self):
        offenders = []
        for name, path in MODULES.items():
            tree = ast.parse(open(path, encoding="utf-8").read())
            for node in ast.walk(tree):
                if isinstance(node, (ast.Compare, ast.Call)):
                    names = {n.attr for n in ast.walk(node)
                             if isinstance(n, ast.Attribute)}
                    if "stop_reason" in names and (
                            isinstance(node, ast.Compare)
                            or names & {"startswith", "endswith", "find",
                                        "index", "count"}):
                        offenders.append(f"{name}:{node.lineno}")
        self.assertEqual(offenders, [])

    def test_no_public_name_shadows_a_submodule(self):
        submodules = {m.name for m in pkgutil.iter_modules(package.__path__)}
        public = set(package.__all__)
        self.assertEqual(public & submodules, set())
        for name in sorted(submodules):
            module = importlib.import_module(f"{PREFIX}.{name}")
            self.assertIs(getattr(package, name), module, name)
        for name in sorted(public):
            self.assertFalse(isinstance(getattr(package, name),
                                        type(package)), name)

    def test_rules_are_defined_once(self):
        # Each of these names is assigned in one module only.
        rules = ("CELLS", "REGRESSION", "CLASSIFICATION", "NORMALIZATIONS",
                 "DEVICES", "AUTO_NAIVE_SHARE")
        where = {rule: [] for rule in rules}
        for name, path in MODULES.items():
            tree = ast.parse(open(path, encoding="utf-8").read())
            for node in tree.body:
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        for t in ast.walk(target):
                            if isinstance(t, ast.Name) and t.id in where:
                                where[t.id].append(name)
        self.assertEqual({rule: len(mods) for rule, mods in where.items()},
                         {rule: 1 for rule in rules}, where)


if __name__ == "__main__":
    unittest.main()
