"""The user's side of follow-ups and the digest, through the real bot: settings, /digest,
"How did it go?" stars and note, and an atelier's "Interested" answered by the designer."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot import outbox
from bot.db.base import utcnow
from bot.db.models import Feedback, IntroRequest, IntroState, User
from bot.digest import service as digest
from bot.intros.service import FeedbackRequest
from bot.runtime import runtime_of
from tests.e2e.harness import RunningBot
from tests.scheduling.helpers import add_user, atelier, knitwear_brief


async def test_settings_change_the_time_zone_by_button_or_by_name(bottega: RunningBot) -> None:
    api = bottega.api
    await api.user_sends(7301, "/settings")
    menu = await api.wait_for(7301, contains="time zone: Europe/Rome")
    assert "weekly digest: on – next on Monday" in (menu.text or "")
    await api.press(7301, menu, "Lisbon")
    await api.wait_for(7301, contains="Time zone set to Europe/Lisbon")

    await api.user_sends(7301, "/settings")
    menu = await api.wait_for(7301, contains="time zone: Europe/Lisbon")
    await api.press(7301, menu, "Other")
    await api.wait_for(7301, contains="Type your time zone")
    await api.user_sends(7301, "Mars/Olympus")
    await api.wait_for(7301, contains="I don't know the time zone")
    await api.user_sends(7301, "america/new york")
    await api.wait_for(7301, contains="Time zone set to America/New_York")

    await api.user_sends(7301, "/settings")
    menu = await api.wait_for(7301, contains="America/New_York")
    await api.press(7301, menu, "Turn the digest off")
    await api.wait_for(7301, contains="weekly digest: off")
    async with bottega.session_factory() as session:
        user = await session.scalar(select(User).where(User.telegram_id == 7301))
        assert user is not None
        assert (user.timezone, user.digest_opt_in) == ("America/New_York", False)


async def test_digest_can_be_turned_off_and_on(bottega: RunningBot) -> None:
    api = bottega.api
    await api.user_sends(7302, "/digest off", language_code="it")
    await api.wait_for(7302, contains="riepilogo settimanale è disattivato")
    await api.user_sends(7302, "/digest")
    await api.wait_for(7302, contains="è disattivato. Invia /digest on")
    await api.user_sends(7302, "/digest on")
    await api.wait_for(7302, contains="ogni lunedì alle 09:00 (Europe/Rome)")


async def test_stars_and_a_note_are_stored_as_the_ateliers_feedback(bottega: RunningBot) -> None:
    api, factory = bottega.api, bottega.session_factory
    designer = await add_user(factory, 7303, role="designer")
    owner = await add_user(factory, 7304, role="atelier")
    async with factory() as session:
        workshop = atelier("FB1", name="Sartoria Stella", owner_id=owner.id)
        brief = knitwear_brief(designer.id, utcnow() - timedelta(days=20))
        session.add_all([workshop, brief])
        await session.flush()
        intro = IntroRequest(brief_id=brief.id, atelier_id=workshop.id, state=IntroState.ACCEPTED)
        session.add(intro)
        await session.flush()
        await outbox.schedule(
            session,
            FeedbackRequest(intro.id),
            recipient_id=designer.id,
        )
        await session.commit()

    question = await api.wait_for(7303, contains="How did it go with Sartoria Stella")
    await api.press(7303, question, "★★★★")
    await api.wait_for(7303, contains="Thank you for rating it 4/5")
    await api.user_sends(7303, "Great samples, a week late.")
    await api.wait_for(7303, contains="your note is saved")
    async with factory() as session:
        [feedback] = (await session.scalars(select(Feedback))).all()
        assert (feedback.stars, feedback.note, feedback.atelier_id) == (
            4,
            "Great samples, a week late.",
            workshop.id,
        )
    # Someone else pressing the same button changes nothing.
    await api.user_sends(7399, "/start")
    await api.wait_for(7399, contains="Welcome")
    query = await api.user_presses(7399, question.message_id, f"fb:{intro.id}:1")
    assert "no longer possible" in ((await api.wait_for_answer(query)).text or "")


async def test_an_ateliers_interest_reaches_the_designer_who_accepts(bottega: RunningBot) -> None:
    api, factory = bottega.api, bottega.session_factory
    owner = await add_user(factory, 7305, role="atelier")
    designer = await add_user(factory, 7306, role="designer", contact="ada@example.com")
    async with factory() as session:
        session.add(atelier("INT1", name="Maglificio Interessato", owner_id=owner.id))
        session.add(knitwear_brief(designer.id, utcnow() - timedelta(days=1)))
        await session.commit()
    runtime = runtime_of(bottega.app)
    runtime.match_index.invalidate()
    await digest.plan_digests(
        factory,
        await runtime.match_index.get(),
        default_timezone="Europe/Rome",
        send_now=True,
    )

    weekly = await api.wait_for(7305, contains="New briefs this week that fit your workshop")
    await api.press(7305, weekly, "Interested in brief 1")
    await api.wait_for(7305, contains="the designer has been told")

    offer = await api.wait_for(7306, contains="is interested in working with you")
    assert "Maglificio Interessato" in (offer.text or "")
    await api.press(7306, offer, "Accept")
    await api.wait_for(7306, contains="Accepted!")
    await api.wait_for(7306, contains="INT1".lower() + "@example.com")
    async with factory() as session:
        intro = await session.scalar(select(IntroRequest))
        assert intro is not None
        assert (intro.initiated_by, intro.state) == ("atelier", IntroState.ACCEPTED)


async def test_a_zone_typed_right_after_settings_is_taken(bottega: RunningBot) -> None:
    api = bottega.api
    await api.user_sends(7310, "/settings")
    await api.wait_for(7310, contains="type any IANA name")
    await api.user_sends(7310, "Europe/London")
    await api.wait_for(7310, contains="Time zone set to Europe/London")
    await api.user_sends(7310, "Atlantis/Lost")
    await api.wait_for(7310, contains="I don't know the time zone “Atlantis/Lost”")
    async with bottega.session_factory() as session:
        user = await session.scalar(select(User).where(User.telegram_id == 7310))
        assert user is not None and user.timezone == "Europe/London"
