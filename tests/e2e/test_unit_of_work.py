"""One unit of work per update: what an update writes is stored together or not at all, and the
conversation it belongs to picks up where it was."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.admin import verification
from bot.db.models import Atelier, Delivery
from tests.e2e.atelier_steps import Registration, quick_bot, register
from tests.e2e.harness import RunningBot

OWNER = 620_000_001


@pytest.fixture
async def bottega(database_url: str) -> AsyncIterator[RunningBot]:
    async with quick_bot(database_url) as running:
        yield running


async def _count(bottega: RunningBot, model: Any, *where: Any) -> int:
    async with bottega.session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_a_registration_is_never_stored_without_the_alert_to_the_administrators(
    bottega: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process failing while it writes the administrators' alert (simulated here) leaves no
    pending atelier nobody hears of: the owner is told something went wrong, their answers are
    kept, and confirming again registers the atelier with its alert."""
    real_alert = verification.alert_admins

    async def failing_alert(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("the process failed while writing the alert")

    monkeypatch.setattr(verification, "alert_admins", failing_alert)
    api = bottega.api
    with pytest.raises(AssertionError):  # the confirmation does not get to "is registered"
        await register(
            bottega,
            OWNER,
            Registration(
                name="Maglificio Rossi",
                place="Prato, Toscana",
                specialties="knitwear",
                understood="knitwear",
            ),
        )
    await api.wait_for(OWNER, contains="something went wrong")
    assert await _count(bottega, Atelier) == 0

    monkeypatch.setattr(verification, "alert_admins", real_alert)
    summary = next(m for m in reversed(api.sent(OWNER)) if "Confirm" in m.button_texts)
    await api.press(OWNER, summary, "Confirm")
    await api.wait_for(OWNER, contains="is registered")
    assert await _count(bottega, Atelier) == 1
    assert await _count(bottega, Delivery, Delivery.kind == verification.AdminReview.kind) == 1


async def test_a_language_switch_mid_registration_asks_the_same_question_again(
    bottega: RunningBot,
) -> None:
    api = bottega.api
    await api.user_sends(OWNER, "/start atelier", first_name="Rita", language_code="en")
    await api.wait_for(OWNER, contains="(1/16)")
    await api.user_sends(OWNER, "Maglificio Rossi")
    await api.wait_for(OWNER, contains="(2/16)")
    await api.user_sends(OWNER, "/language")
    choice = await api.wait_for(OWNER, contains="language")
    await api.press(OWNER, choice, "Italiano")
    again = await api.wait_for(OWNER, contains="In quale paese si trova il tuo atelier?")
    assert "(2/16)" in (again.text or "")
    assert "Italia" in again.button_texts
    await api.press(OWNER, again, "Italia")
    await api.wait_for(OWNER, contains="(3/16)")
