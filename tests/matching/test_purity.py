"""matching/ stays a pure library that the bot depends on, never the other way round."""

from __future__ import annotations

import ast
from pathlib import Path

import matching

FORBIDDEN = {"bot", "telegram", "sqlalchemy", "apscheduler"}


def imported_roots(source: str) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_matching_imports_no_bot_telegram_database_or_scheduler_code() -> None:
    package = Path(matching.__file__).parent
    modules = sorted(package.rglob("*.py"))
    assert modules
    offenders = {
        str(path.relative_to(package)): sorted(
            imported_roots(path.read_text(encoding="utf-8")) & FORBIDDEN
        )
        for path in modules
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_import_check_would_catch_a_forbidden_import() -> None:
    assert imported_roots(
        "import telegram\nfrom sqlalchemy.orm import Session\nfrom bot import x\n"
    ) >= {
        "telegram",
        "sqlalchemy",
        "bot",
    }


def test_package_ships_type_information_and_its_taxonomy() -> None:
    package = Path(matching.__file__).parent
    assert (package / "py.typed").exists()
    assert (package / "data" / "taxonomy.toml").exists()
