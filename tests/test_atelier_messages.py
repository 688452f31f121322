"""Every message the atelier side, introductions, admin and account flows refer to exists."""

from __future__ import annotations

import re
from pathlib import Path

from bot.admin.buttons import ACTIONS as ADMIN_ACTIONS
from bot.admin.buttons import REASONS as ADMIN_REASONS
from bot.ateliers import handlers as atelier
from bot.db.models import BriefState, IntroState
from bot.i18n import has
from bot.intros import handlers as intros_handlers
from bot.intros import service as intros

ROOT = Path(__file__).resolve().parents[1]
FEATURES = ("ateliers", "intros", "admin", "account")
MODULES = tuple(
    str(path.relative_to(ROOT))
    for feature in FEATURES
    for path in sorted((ROOT / "bot" / feature).glob("*.py"))
)
LITERAL = re.compile(r"""\bt\(\s*["']((?:atelier|intros|admin|account)\.[a-z_]+)["']""")


def test_literal_keys_exist() -> None:
    for module in MODULES:
        for key in LITERAL.findall((ROOT / module).read_text("utf-8")):
            assert has(key), f"{module}: {key}"


def test_composed_keys_exist() -> None:
    composed = [
        *(f"atelier.ask_{step}" for step in atelier.ORDER),
        *(f"atelier.skip_{step}" for step in atelier.SKIPPABLE),
        *(f"atelier.field_{group}" for group in atelier.EDIT_GROUPS),
        *(f"atelier.language_{code}" for code in atelier.LANGUAGE_CHOICES),
        *(f"atelier.claim_error_{c}" for c in ("not_offered", "already_registered", "unavailable")),
        *(f"atelier.profile_error_{c}" for c in ("no_atelier", "max_below_moq", "unknown_field")),
        *(f"atelier.status_{s}" for s in ("verified", "pending", "paused", "open")),
        *(
            f"atelier.{kind}_{what}"
            for kind in ("verified", "rejected")
            for what in ("registration", "claim")
        ),
        *(f"intros.reason_{reason}" for reason in intros.DECLINE_REASONS),
        *(
            f"intros.error_{c}"
            for c in ("not_found", "not_your_atelier", "already_answered", "withdrawn", "expired")
        ),
        *(f"intros.{c}_note" for c in intros_handlers.CLOSED_CODES),
        *(f"admin.done_{action}" for action in ADMIN_ACTIONS),
        *(f"admin.reason_{reason}" for reason in ADMIN_REASONS),
        *(
            f"atelier.{key}_{step}"
            for key in ("edit_list", "edit_add", "edit_remove", "edit_replace", "noted")
            for step in atelier.LIST_STEPS
        ),
        *(f"admin.error_{c}" for c in ("not_found", "already_done", "withdrawn")),
        *(f"admin.brief_{state.value}" for state in BriefState),
        *(f"admin.intro_{state.value}" for state in IntroState),
    ]
    assert [key for key in composed if not has(key)] == []
