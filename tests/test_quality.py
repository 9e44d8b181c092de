"""Keep the code and the docs honest: lint, types, module docstrings, README commands."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("geo", "layers", "views")


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_ruff_is_clean() -> None:
    proc = _run("ruff", "check", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_is_clean_on_the_core() -> None:
    proc = _run("mypy")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_module_has_a_one_line_docstring_and_public_functions_are_documented(
        path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree)
    summary = (doc or "").strip().split("\n\n")[0]
    assert summary and "\n" not in summary, f"{path}: a one-line summary docstring expected"
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_"):
            assert ast.get_docstring(node), f"{path}:{node.lineno}: {node.name} has no docstring"


def test_the_core_does_not_import_the_ui() -> None:
    for path in (ROOT / "geo").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from)\s+(streamlit|folium|layers|views)\b", text,
                             re.M), path


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = [ln for ln in ci.splitlines() if "pytest" in ln and not ln.startswith("#")]
    assert len(command) == 1 and command[0].strip() in readme
    assert "streamlit run app.py" in readme


def test_readme_documents_every_cli_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    from geo.cli import _parser

    [commands] = [a for a in _parser()._actions if a.dest == "command"]
    assert {"snapshot", "diff", "animate", "picture", "gpkg"} <= set(commands.choices)
    for name in commands.choices:
        assert f"python -m geo {name}" in readme, name
