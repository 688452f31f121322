"""Admins verify ateliers and see statistics with a chart; nobody else can."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.admin.stats import Stats, render_chart
from tests.e2e.atelier_steps import (
    designer_requests_intro,
    fetch_atelier,
    quick_bot,
    seed_atelier,
)
from tests.e2e.harness import ADMIN_ID, RunningBot


@pytest.fixture(scope="module", autouse=True)
def fonts_loaded() -> None:
    """The first chart in a process loads matplotlib and its fonts (about two seconds); that
    start-up cost is not what these tests measure."""
    render_chart(Stats(0, 0, 0, 0))


@pytest.fixture
async def bottega(database_url: str) -> AsyncIterator[RunningBot]:
    async with quick_bot(database_url) as running:
        yield running


async def test_non_admins_get_the_normal_help(bottega: RunningBot) -> None:
    api = bottega.api
    for command in ("/admin", "/stats"):
        await api.user_sends(231, command)
        reply = await api.wait_for(231, contains="/briefs")
        assert "/stats" not in (reply.text or "")
    assert not [m for m in api.sent(231) if m.kind == "photo"]


async def test_forged_verify_from_a_non_admin_changes_nothing(bottega: RunningBot) -> None:
    api = bottega.api
    atelier = await seed_atelier(bottega, 232, verified=False)
    await api.user_sends(232, "/start")
    welcome = await api.wait_for(232, contains="Welcome")
    for action in ("ver", "rej", "cok"):
        query = await api.user_presses(232, welcome.message_id, f"admin:{action}:{atelier.id}")
        assert "Only admins" in ((await api.wait_for_answer(query)).text or "")
    still = await fetch_atelier(bottega, atelier.id)
    assert (still.verified, still.listed) == (False, True)


async def test_admin_rejects_a_registration_and_a_double_tap_is_harmless(
    bottega: RunningBot,
) -> None:
    api = bottega.api
    atelier = await seed_atelier(bottega, 233, verified=False)
    await api.user_sends(ADMIN_ID, "/admin")
    pending = await api.wait_for(ADMIN_ID, contains=atelier.ref)
    await api.press(ADMIN_ID, pending, "Reject")
    why = await api.wait_for(ADMIN_ID, contains="Why reject")
    assert (await fetch_atelier(bottega, atelier.id)).listed, "Reject alone decides nothing"
    await api.press(ADMIN_ID, why, "Contact could not be confirmed")
    done = await api.wait_for(ADMIN_ID, contains="Rejected")
    assert "Reason: Contact could not be confirmed." in (done.text or "")
    told = await api.wait_for(233, contains="could not verify")
    assert "Reason: Contact could not be confirmed." in (told.text or "")
    again = await api.user_presses(ADMIN_ID, pending.message_id, f"admin:ver:{atelier.id}")
    assert "Already decided" in ((await api.wait_for_answer(again)).text or "")
    assert not (await fetch_atelier(bottega, atelier.id)).listed
    await api.user_sends(ADMIN_ID, "/admin")
    await api.wait_for(ADMIN_ID, contains="Nothing is waiting")


async def test_back_from_the_reasons_leaves_the_registration_waiting(bottega: RunningBot) -> None:
    api = bottega.api
    atelier = await seed_atelier(bottega, 237, verified=False)
    await api.user_sends(ADMIN_ID, "/admin")
    pending = await api.wait_for(ADMIN_ID, contains=atelier.ref)
    await api.press(ADMIN_ID, pending, "Reject")
    why = await api.wait_for(ADMIN_ID, contains="Why reject")
    await api.press(ADMIN_ID, why, "Back, keep it waiting")
    back = await api.wait_for(ADMIN_ID, contains="Still waiting for a decision")
    assert back.button_texts == ["Verify", "Reject"]
    still = await fetch_atelier(bottega, atelier.id)
    assert (still.verified, still.listed) == (False, True)
    await api.expect_silence(237)


async def test_a_rejection_can_be_undone_and_the_owner_hears_it(bottega: RunningBot) -> None:
    api = bottega.api
    atelier = await seed_atelier(bottega, 238, verified=False)
    await api.user_sends(ADMIN_ID, "/admin")
    pending = await api.wait_for(ADMIN_ID, contains=atelier.ref)
    await api.press(ADMIN_ID, pending, "Reject")
    why = await api.wait_for(ADMIN_ID, contains="Why reject")
    await api.press(ADMIN_ID, why, "Already listed")
    done = await api.wait_for(ADMIN_ID, contains="Rejected")
    await api.wait_for(238, contains="could not verify")
    await api.press(ADMIN_ID, done, "Undo")
    undone = await api.wait_for(ADMIN_ID, contains="Rejection undone")
    assert undone.button_texts == ["Verify", "Reject"]
    await api.wait_for(238, contains="taken back")
    still = await fetch_atelier(bottega, atelier.id)
    assert (still.verified, still.listed) == (False, True)
    again = await api.user_presses(ADMIN_ID, done.message_id, f"admin:undo:rej:{atelier.id}:0")
    assert "Already decided" in ((await api.wait_for_answer(again)).text or "")

    await api.press(ADMIN_ID, undone, "Verify")
    await api.wait_for(ADMIN_ID, contains="Verified")
    await api.wait_for(238, contains="has been verified")
    assert (await fetch_atelier(bottega, atelier.id)).verified is True


async def test_stats_give_numbers_and_a_chart(bottega: RunningBot) -> None:
    api = bottega.api
    atelier = await seed_atelier(bottega, 234)
    await seed_atelier(bottega, 235, verified=False)
    await designer_requests_intro(bottega, designer_telegram_id=336, refs=[atelier.ref])
    request = await api.wait_for(234, contains="New introduction request")
    await api.press(234, request, "Accept")
    await api.wait_for(336, contains="accepted")

    await api.user_sends(ADMIN_ID, "/stats")
    numbers = await api.wait_for(ADMIN_ID, contains="Bottega in numbers")
    text = numbers.text or ""
    assert "Designers: 1" in text
    assert "Ateliers: 1 live, 1 waiting for verification, 0 paused" in text
    assert "Introductions: 1 (waiting 0, accepted 1" in text
    assert "Acceptance rate: 100 %" in text
    assert "Median time to answer: 1 min" in text
    assert "Briefs with a pack: 0 of 1\nAteliers with a portfolio: 0 of 2" in text
    assert "not enough answers yet to compare (0 with a pack, 1 without; 10 of each" in text
    chart = await api.wait_for(ADMIN_ID, lambda m: m.kind == "photo")
    assert chart.file_data is not None and chart.file_data.startswith(b"\x89PNG")


async def test_admins_are_told_of_a_new_registration_and_can_verify_from_that_message(
    bottega: RunningBot,
) -> None:
    from tests.e2e.atelier_steps import Registration, atelier_of, register

    api = bottega.api
    await register(
        bottega,
        234,
        Registration(
            name="Maglificio Aurora",
            place="Prato, Toscana",
            specialties="knitwear",
            understood="knitwear",
        ),
    )
    atelier = await atelier_of(bottega, 234)
    alert = await api.wait_for(ADMIN_ID, contains="New atelier waiting for verification")
    assert "Maglificio Aurora" in (alert.text or "") and atelier.ref in (alert.text or "")
    await api.press(ADMIN_ID, alert, "Verify")
    await api.wait_for(ADMIN_ID, contains="Verified")
    await api.wait_for(234, contains="has been verified")
    assert (await fetch_atelier(bottega, atelier.id)).verified is True


async def test_an_english_admin_reads_an_italian_registration_in_english(
    bottega: RunningBot,
) -> None:
    from tests.e2e.atelier_steps import Registration, register

    api = bottega.api
    await register(
        bottega,
        239,
        Registration(
            name="Maglificio Serena",
            place="Prato, Toscana",
            specialties="maglieria",
            understood="maglieria",
            materials="lana, seta",
            techniques="ricamo a mano",
            certifications="nessuna",
        ),
        lang="it",
    )
    alert = await api.wait_for(ADMIN_ID, contains="New atelier waiting for verification")
    assert "knitwear" in (alert.text or "") and "maglieria" not in (alert.text or "")
    await api.user_sends(ADMIN_ID, "/admin")
    header = await api.wait_for(ADMIN_ID, contains="Waiting for you")
    assert "Waiting for you: 1 new atelier, 0 claims." in (header.text or "")
    pending = await api.wait_for(ADMIN_ID, contains="Maglificio Serena")
    text = pending.text or ""
    assert "Specialties: knitwear" in text
    assert "Materials: lana (wool), seta (silk)" in text
    assert "Techniques: ricamo a mano (hand embroidery)" in text


async def test_a_claim_is_rejected_with_a_reason_and_the_rejection_undone(
    bottega: RunningBot,
) -> None:
    from sqlalchemy import select

    from bot.core import users
    from bot.db.models import Atelier
    from tests.e2e.atelier_steps import REGISTRY_HEADER
    from tests.e2e.harness import load_registry

    api = bottega.api
    await load_registry(
        bottega.session_factory,
        REGISTRY_HEADER + "C1,Camiceria Nord,IT,Veneto,Treviso,shirts,cotton,,30,300,500,6,60,"
        ",it,old@nord.example,Shirts\n",
    )
    async with bottega.session_factory() as session:
        claimant = await users.ensure_user(session, 241, display_name="Nora")
        atelier = await session.scalar(select(Atelier).where(Atelier.ref == "C1"))
        assert atelier is not None
        atelier.claimed_by_id = claimant.id
        await session.commit()
        atelier_id, claimant_id = atelier.id, claimant.id

    await api.user_sends(ADMIN_ID, "/admin")
    claim = await api.wait_for(ADMIN_ID, contains="Claim on Camiceria Nord (C1)")
    await api.press(ADMIN_ID, claim, "Reject")
    why = await api.wait_for(ADMIN_ID, contains="Why reject")
    await api.press(ADMIN_ID, why, "Contact could not be confirmed")
    done = await api.wait_for(ADMIN_ID, contains="Claim rejected")
    told = await api.wait_for(241, contains="could not confirm")
    assert "Reason: Contact could not be confirmed." in (told.text or "")
    assert (await fetch_atelier(bottega, atelier_id)).claimed_by_id is None

    await api.press(ADMIN_ID, done, "Undo")
    undone = await api.wait_for(ADMIN_ID, contains="Rejection undone")
    assert undone.button_texts == ["Approve claim", "Reject"]
    await api.wait_for(241, contains="taken back")
    assert (await fetch_atelier(bottega, atelier_id)).claimed_by_id == claimant_id
