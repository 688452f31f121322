"""Button data from outside: whatever a client puts in a callback query under any prefix the bot
answers, the bot answers it and nothing reaches the error handler (forged ids like "²" or twenty
digits used to crash handlers with ValueError or OverflowError, on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler

from bot.core.callbacks import MAX_ID, registered_kinds
from bot.core.replies import button_kind
from bot.i18n import t
from bot.runtime import BotApplication, BotContext
from tests.e2e.harness import ADMIN_ID, RunningBot, load_registry

DESIGNER = 610_000_001
OWNER = 610_000_002
DEV_CSV = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "dev" / "ateliers.csv"


def _callback_handlers(
    handlers: list[BaseHandler[Any, Any, Any]],
) -> Iterator[CallbackQueryHandler[Any, Any]]:
    for handler in handlers:
        if isinstance(handler, ConversationHandler):
            yield from _callback_handlers(list(handler.entry_points))
            for state in handler.states.values():
                yield from _callback_handlers(list(state))
            yield from _callback_handlers(list(handler.fallbacks))
        elif isinstance(handler, CallbackQueryHandler):
            yield handler


def registered_prefixes(app: BotApplication) -> list[str]:
    """The prefix of every callback pattern the application registered (kinds and nets)."""
    prefixes: set[str] = set()
    for group in app.handlers.values():
        for handler in _callback_handlers(list(group)):
            kind = button_kind(handler)
            if kind is not None:
                prefixes.add(kind.PREFIX)
            elif isinstance(handler.pattern, str | re.Pattern):
                pattern = (
                    handler.pattern if isinstance(handler.pattern, str) else handler.pattern.pattern
                )
                prefixes.add(re.sub(r"[^\w:].*$", "", pattern.removeprefix("^")).rstrip(":"))
    return sorted(prefixes)


# What a forger puts after a prefix: digits that only str.isdigit() believes in, numbers far
# beyond any id, signs and spaces, the words real buttons carry (so the fields before a bad id
# are right), small real-looking numbers, and junk.
BAD_NUMBER = st.sampled_from(
    [
        *("²", "٣", "¹²", "߀", "³³", "1²", "-1", "+1", "1e3", " 1", "1 ", "", "0x1", "1_0"),
        *(str(MAX_ID + 1), "9" * 20, "1" * 12, "9" * 10, str(2**63)),
    ]
)
WORD = st.sampled_from(
    [
        *("show", "pause", "resume", "close", "ok", "upd", "acc", "dec", "int", "set", "ver"),
        *("rej", "cok", "cno", "yes", "no", "done", "IT", "any", "region", "other", "en", "it"),
        *("too_few", "name", "knitwear", "cotton", "gots", ".", "-", "?", "on", "off", "D0092"),
        "Europe/Rome",
    ]
)
FIELD = st.one_of(
    BAD_NUMBER,
    BAD_NUMBER,
    st.integers(min_value=0, max_value=10**25).map(str),
    st.integers(min_value=0, max_value=6).map(str),
    WORD,
    WORD,
    st.text(alphabet="0123456789²³:-._ xyzé", max_size=70),
)


@st.composite
def forged_data(draw: st.DrawFn, prefixes: list[str]) -> str:
    prefix = draw(st.sampled_from(prefixes))
    fields = draw(st.lists(FIELD, min_size=0, max_size=3))
    return ":".join([prefix, *fields]) if fields else prefix


def test_every_kind_of_button_is_registered_with_a_handler_or_built_for_one() -> None:
    # Every kind has its own prefix + arity and a fixed, compact encoding.
    kinds = registered_kinds()
    assert len({(k.PREFIX, len(k.__dataclass_fields__)) for k in kinds}) == len(kinds)


@pytest.mark.slow
async def test_no_callback_data_reaches_the_error_handler(bottega: RunningBot) -> None:
    api, app = bottega.api, bottega.app
    await load_registry(
        bottega.session_factory, "".join(DEV_CSV.open(encoding="utf-8").readlines()[:30])
    )
    failures: list[BaseException] = []

    async def record(_update: object, context: BotContext) -> None:
        assert context.error is not None
        failures.append(context.error)

    # First in line, so a failure is on record before the bot's own handler answers the query.
    others = dict(app.error_handlers)
    app.error_handlers.clear()
    app.add_error_handler(record)
    app.error_handlers.update(others)
    prefixes = registered_prefixes(app)
    # The kinds declared in the code are all answered by some handler.
    declared = {k.PREFIX for k in registered_kinds() if k.__module__.startswith("bot.")}
    assert declared <= set(prefixes)
    # Users in a few places: a new designer mid-interview, an atelier owner, an administrator.
    await api.user_sends(DESIGNER, "/brief")
    await api.wait_for(DESIGNER, contains="What is the product?")
    await api.user_sends(OWNER, "/register")
    await api.wait_for(OWNER)
    await api.user_sends(ADMIN_ID, "/admin")
    await api.wait_for(ADMIN_ID)
    users = [DESIGNER, OWNER, ADMIN_ID]

    loop = asyncio.get_running_loop()

    async def press_once(user: int, data: str) -> None:
        query = await api.user_presses(user, api.last(user).message_id, data)
        await api.wait_for_answer(query, timeout=10)

    # Hypothesis drives synchronous tests: it runs in a thread and hands each press to the loop
    # the bot runs on, so every example goes through the real application over HTTP.
    @settings(
        max_examples=400,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(user=st.sampled_from(users), data=forged_data(prefixes))
    def press(user: int, data: str) -> None:
        failures.clear()
        asyncio.run_coroutine_threadsafe(press_once(user, data), loop).result(timeout=30)
        assert failures == [], (data, failures)

    await asyncio.to_thread(press)
    await api.wait_idle()
    assert failures == []
    error_text = t("common.error", "en")
    assert all(error_text not in (m.text or "") for u in users for m in api.sent(u))


# The crashes reported from outside: ids that only str.isdigit() accepts, and ids beyond any row.
REPORTED = [
    "dg:int:²:1",
    "dg:acc:²",
    "intro:acc:²",
    "intro:why:²:other",
    "m:t:²:D0092",
    "m:go:²",
    "intro:req:²:D0092",
    "m:more:1:²",
    "b:pause:²",
    "fb:²:5",
    "fb:" + "9" * 20 + ":5",
    "cap:ok:²",
    "cap:ok:" + "9" * 20,
    "cap:upd:" + "9" * 20,
    "admin:ver:²",
    "admin:ver:" + "9" * 12,
    "atelier:claim:" + "9" * 12,
    "cap:set:" + "9" * 9,
]


async def test_forged_ids_are_stale_buttons_that_change_nothing(bottega: RunningBot) -> None:
    api = bottega.api
    for user in (DESIGNER, ADMIN_ID):
        await api.user_sends(user, "/help")
        await api.wait_for(user)
    for data in REPORTED:
        for user in (DESIGNER, ADMIN_ID):
            answer = await api.wait_for_answer(
                await api.user_presses(user, api.last(user).message_id, data)
            )
            assert answer.show_alert and "no longer active" in (answer.text or ""), (user, data)
    await api.wait_idle()
    error_text = t("common.error", "en")
    assert all(error_text not in (m.text or "") for u in (DESIGNER, ADMIN_ID) for m in api.sent(u))
