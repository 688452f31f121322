"""The layering rules of DESIGN.md, enforced on the source."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imports(folder: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


PURE_FORBIDDEN = {"bot", "telegram", "sqlalchemy", "apscheduler"}


def _impure(folder: str) -> dict[str, set[str]]:
    return {
        path: names & PURE_FORBIDDEN
        for path, names in _imports(folder).items()
        if names & PURE_FORBIDDEN
    }


def test_matching_is_a_pure_library() -> None:
    assert _impure("matching") == {}


def test_parsing_is_a_pure_library() -> None:
    assert _imports("parsing"), "the parsing package has no modules"
    assert _impure("parsing") == {}


def test_local_bot_api_server_knows_nothing_of_the_bot() -> None:
    forbidden = {"bot", "matching", "telegram", "sqlalchemy"}
    modules = _imports("localbotapi")
    assert "localbotapi/server.py" in modules
    offenders = {path: names & forbidden for path, names in modules.items() if names & forbidden}
    assert offenders == {}


def test_the_order_lifecycle_is_pure() -> None:
    """The state machine decides who may do what; it knows no database, Telegram or clock."""
    names = _imports("bot/orders")["bot/orders/lifecycle.py"]
    assert names & (PURE_FORBIDDEN | {"datetime.datetime"}) == set()


# A folder per feature under bot/, each holding handlers, use cases, rendering and button data.
FEATURES = (
    "interview",
    "briefs",
    "ateliers",
    "intros",
    "digest",
    "followups",
    "feedback",
    "settings",
    "account",
    "admin",
    "files",
    "quotes",
    "orders",
)


def _feature_modules() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for feature in FEATURES:
        found.update(_imports(f"bot/{feature}"))
    return found


def test_every_feature_has_its_folder() -> None:
    assert [f for f in FEATURES if not (ROOT / "bot" / f / "__init__.py").exists()] == []


def test_only_handlers_talk_to_telegram() -> None:
    """Use cases, rendering and button data are plain Python over the database."""
    modules = _feature_modules() | _imports("bot/services")
    offenders = [
        path
        for path, names in modules.items()
        if "telegram" in names and not path.endswith("/handlers.py")
    ]
    assert offenders == []


def test_handlers_leave_queries_to_services() -> None:
    offenders = [
        path
        for path, names in _feature_modules().items()
        if path.endswith("/handlers.py") and "sqlalchemy" in names
    ]
    assert offenders == []


def test_the_clock_holds_no_message_rendering() -> None:
    """scheduling/ runs jobs; how a message reads belongs to the feature that sends it."""
    assert sorted(p.name for p in (ROOT / "bot" / "scheduling").glob("*.py")) == [
        "__init__.py",
        "jobs.py",
    ]
    assert not (ROOT / "bot" / "handlers").exists()


def _sources_containing(needle: str) -> list[str]:
    return [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "bot").rglob("*.py"))
        if needle in path.read_text("utf-8")
    ]


def test_one_keyboard_builder() -> None:
    """Replies and outbox deliveries build their buttons the same way, in one place."""
    assert _sources_containing("InlineKeyboardMarkup(") == ["bot/core/replies.py"]


def test_outbox_payloads_are_read_only_through_their_types() -> None:
    """A delivery's payload is written by `outbox.schedule(session, SomePayload(...))` and read
    back by `SomePayload.decode`, never as a loose dict."""
    assert _sources_containing(".payload.get(") == []
    assert _sources_containing(".payload[") == []
    assert _sources_containing("payload={") == []


# The unit of work commits; the outbox sweeper records each send's outcome as it goes, the
# persistence stores conversation state, and the match index prunes the registry's change log and
# stores its snapshot in its own housekeeping sessions: nothing else ends a transaction.
MAY_COMMIT = {
    "bot/core/unit_of_work.py",
    "bot/outbox/sweeper.py",
    "bot/persistence.py",
    "bot/registry/changes.py",
    "bot/registry/snapshots.py",
}


def _calls(path: Path, name: str) -> list[int]:
    tree = ast.parse(path.read_text("utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == name
    ]


def test_only_the_unit_of_work_commits() -> None:
    offenders = {
        str(path.relative_to(ROOT)): lines
        for path in sorted((ROOT / "bot").rglob("*.py"))
        if str(path.relative_to(ROOT)) not in MAY_COMMIT and (lines := _calls(path, "commit"))
    }
    assert offenders == {}


def test_handlers_never_open_sessions() -> None:
    """A handler uses the update's session (context.uow); it never makes one of its own."""
    handlers = sorted((ROOT / "bot").glob("*/handlers.py"))
    assert handlers
    offenders = {
        str(path.relative_to(ROOT)): [n for n in ("session_factory", "rollback") if n in text]
        for path in handlers
        if any(n in (text := path.read_text("utf-8")) for n in ("session_factory", "rollback"))
    }
    assert offenders == {}


def _full_imports(path: Path) -> set[str]:
    """Every module a file imports, by its full dotted name, also inside functions."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_knows_no_feature() -> None:
    """What features share imports none of them: a flow hooks into /start, the language switch
    and the safety nets through bot/app.py, the one wiring place."""
    features = tuple(f"bot.{feature}" for feature in FEATURES)
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            name for name in _full_imports(path) if name.startswith(features)
        )
        for path in sorted((ROOT / "bot" / "core").glob("*.py"))
    }
    assert {path: names for path, names in offenders.items() if names} == {}


# The conversations' questions and rules, testable on plain strings: the designer interview and
# the atelier registration are built the same way.
RULE_MODULES = {
    "bot/interview/steps.py": set(),
    "bot/interview/answers.py": {"bot.interview.steps"},
    "bot/ateliers/steps.py": set(),
    "bot/ateliers/answers.py": set(),
}


def test_conversation_rules_are_pure() -> None:
    for path, allowed in RULE_MODULES.items():
        imported = _full_imports(ROOT / path)
        tops = {name.split(".")[0] for name in imported}
        assert tops & PURE_FORBIDDEN - {"bot"} == set(), path
        assert {name for name in imported if name.split(".")[0] == "bot"} <= allowed, path


def test_the_interview_keeps_no_word_lists_of_its_own() -> None:
    """Word answers come from `parsing.answer_word`, in every language of its phrase table."""
    for path in sorted((ROOT / "bot" / "interview").glob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        sets_of_words = [
            node.lineno
            for node in ast.walk(tree)
            if isinstance(node, ast.Set)
            and len(node.elts) > 3
            and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts)
        ]
        assert sets_of_words == [], path


def test_updates_come_only_from_the_feed_that_confirms_them_once_handled() -> None:
    """PTB's updater confirms an update as soon as it is fetched, so a kill loses it; updates
    reach the application through bot/ops/feed.py (long polling) or bot/ops/webhook.py."""
    offenders = {
        str(path.relative_to(ROOT)): [
            name for name in ("run_polling", "run_webhook", ".updater.") if name in text
        ]
        for path in sorted((ROOT / "bot").rglob("*.py"))
        if path.name != "app.py"
        and any(
            name in (text := path.read_text("utf-8"))
            for name in ("run_polling", "run_webhook", ".updater.")
        )
    }
    assert offenders == {}
    app = (ROOT / "bot" / "app.py").read_text("utf-8")
    assert ".updater(None)" in app and "run_polling" not in app


def test_the_bot_starts_without_the_parsers_it_needs_only_later() -> None:
    """dateparser and the phone and e-mail validators are imported by the functions that read a
    deadline or a contact: a starting bot would otherwise pay for them before its first match."""
    script = "import sys\nimport bot.app\nprint(' '.join(sorted(sys.modules)))\n"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    modules = set(result.stdout.split())
    assert {"bot.interview.handlers", "parsing.dates", "parsing.contacts"} <= modules
    assert modules & {"dateparser", "phonenumbers", "email_validator"} == set()
