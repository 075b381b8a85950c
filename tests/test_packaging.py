"""The sandbox is its own distribution: Renubu neither ships it nor imports it, it imports nothing of
Renubu, and the benchmarks do not lean on the tests. Checked by reading the files."""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PRODUCT = sorted(p.rstrip("*") for p in PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"])


def imported_roots(directory: Path) -> Iterator[tuple[Path, str]]:
    """(file, top-level module) for every absolute import under `directory`."""
    for path in directory.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                yield from ((path, alias.name.split(".")[0]) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                yield path, node.module.split(".")[0]


def test_the_product_does_not_package_the_sandbox() -> None:
    assert "sandbox" not in PRODUCT and "aiosmtpd==1.4.6" not in PYPROJECT["project"]["dependencies"]
    sandbox = tomllib.loads((ROOT / "sandbox" / "pyproject.toml").read_text())
    assert sandbox["project"]["name"] == "renubu-sandbox"


def test_the_product_image_leaves_the_sandbox_out() -> None:
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    assert {"sandbox", "tests", "bench"} <= ignored


# devstack runs the whole system for development, the sandbox included (through its package).
@pytest.mark.parametrize("package", [p for p in PRODUCT if p != "devstack"])
def test_the_product_does_not_import_the_sandbox_or_the_tests(package: str) -> None:
    found = [(path, root) for path, root in imported_roots(ROOT / package) if root in ("sandbox", "tests")]
    assert not found


def test_the_sandbox_imports_nothing_of_renubu() -> None:
    ours = {*PRODUCT, "worker", "tests", "bench"}
    for tree in ("src", "tests"):
        found = [(path, root) for path, root in imported_roots(ROOT / "sandbox" / tree) if root in ours]
        assert not found


def test_benchmarks_have_their_own_helpers() -> None:
    assert not [(path, root) for path, root in imported_roots(ROOT / "bench") if root == "tests"]
