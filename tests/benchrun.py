"""Run a benchmark script's quick mode in a subprocess, as the smoke tests
do: returns what it printed and the results it wrote as JSON."""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_quick(script: str, *args: str, timeout: int = 300) -> tuple:
    """``python benchmarks/<script> --quick <args> --json PATH``; raises
    CalledProcessError when the script fails. Returns ``(stdout, results)``."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "results.json")
        out = subprocess.run(
            [sys.executable, os.path.join(ROOT, "benchmarks", script),
             "--quick", *args, "--json", path],
            capture_output=True, text=True, timeout=timeout, check=True,
            env=dict(os.environ, PYTHONPATH=ROOT,
                     QT_QPA_PLATFORM="offscreen")).stdout
        with open(path, encoding="utf-8") as f:
            return out, json.load(f)
