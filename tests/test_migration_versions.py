"""Every migration version carries its own values: none imports the live service, whose constants may change
after the version was applied (the runner records a version's checksum, which such a change would not touch)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

VERSIONS = Path(__file__).resolve().parents[1] / "migrations" / "versions"


def service_imports(source: str) -> list[str]:
    """The modules of the ``service`` package that a module's source imports, wherever the import stands."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [name for name in names if name == "service" or name.startswith("service.")]
    return found


@pytest.mark.parametrize("path", sorted(VERSIONS.glob("[0-9]*.py")), ids=lambda p: p.stem)
def test_a_version_imports_nothing_from_the_service(path: Path) -> None:
    assert service_imports(path.read_text()) == []


def test_the_check_finds_every_form_of_import() -> None:
    source = """
import service
import os, service.state as state
from service.state import ScanStatus
from migrations.runner import utcnow

def up():
    from service import settings
"""
    assert service_imports(source) == ["service", "service.state", "service.state", "service"]


def test_there_are_versions_to_check() -> None:
    assert len(list(VERSIONS.glob("[0-9]*.py"))) >= 3
