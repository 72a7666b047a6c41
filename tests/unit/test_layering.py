"""Dependencies point one way: only kiosk/ui imports kivy; the lower layers never import kiosk."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]


def _imports(package: str) -> Iterator[tuple[Path, str]]:
    for path in sorted((REPO / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, alias.name
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path, node.module


def _top(module: str) -> str:
    return module.split(".")[0]


def test_the_packages_exist() -> None:
    for package in ("kiosk", "offline_cache", "device_drivers", "central_server"):
        assert (REPO / package / "__init__.py").is_file(), package


def test_only_kiosk_ui_imports_kivy() -> None:
    offenders = [
        f"{path.relative_to(REPO)} imports {module}"
        for package in ("kiosk", "offline_cache", "device_drivers", "central_server")
        for path, module in _imports(package)
        if _top(module) == "kivy" and not path.is_relative_to(REPO / "kiosk" / "ui")
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("offline_cache", {"kiosk", "central_server", "device_drivers"}),
        ("device_drivers", {"kiosk", "central_server", "offline_cache"}),
        ("kiosk", {"central_server"}),
        ("central_server", {"kiosk", "offline_cache", "device_drivers"}),
    ],
)
def test_lower_layers_do_not_import_upper_ones(package: str, forbidden: set[str]) -> None:
    offenders = [
        f"{path.relative_to(REPO)} imports {module}"
        for path, module in _imports(package)
        if _top(module) in forbidden
    ]
    assert offenders == []


# The UI talks to use cases only (kiosk.services): no cache, driver, HTTP client or
# configuration file behind a screen. The CLI is a composition root: it reads the
# configuration, then goes through kiosk.services like the UI.
CACHE_DRIVERS_CLIENT = {"offline_cache", "device_drivers", "sqlite_utils", "kiosk.central"}


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("kiosk/ui", CACHE_DRIVERS_CLIENT | {"kiosk.config"}),
        ("kiosk/cli", CACHE_DRIVERS_CLIENT),
    ],
)
def test_ui_and_cli_talk_to_use_cases_only(package: str, forbidden: set[str]) -> None:
    offenders = [
        f"{path.relative_to(REPO)} imports {module}"
        for path, module in _imports(package)
        if any(module == name or module.startswith(f"{name}.") for name in forbidden)
    ]
    assert offenders == []


def test_domain_and_services_do_not_import_ui() -> None:
    offenders = [
        f"{path.relative_to(REPO)} imports {module}"
        for package in ("kiosk/domain", "kiosk/services", "kiosk/central")
        for path, module in _imports(package)
        if module.startswith("kiosk.ui")
    ]
    assert offenders == []


def test_every_module_has_a_docstring() -> None:
    missing = [
        str(path.relative_to(REPO))
        for package in ("kiosk", "offline_cache", "device_drivers", "central_server")
        for path in sorted((REPO / package).rglob("*.py"))
        if ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) is None
    ]
    assert missing == []
