"""/delete_me erases a person's data in both roles: nothing identifies them afterwards and
nothing more is sent to them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import outbox
from bot.account import privacy
from bot.ateliers import service as atelier_profiles
from bot.core import users
from bot.core.unit_of_work import UnitOfWork
from bot.db.base import utcnow
from bot.db.models import (
    Atelier,
    Brief,
    BriefState,
    ConversationState,
    Delivery,
    DeliveryState,
    IntroRequest,
    IntroState,
    User,
)
from bot.digest.service import WeeklyDigest
from bot.intros import service as intros

DESIGNER_TG = 7001
OWNER_TG = 7002
CONTACT = "ada@studio.example"


async def _world(session: AsyncSession) -> tuple[User, User, Atelier, Brief]:
    designer = await users.ensure_user(session, DESIGNER_TG, display_name="Ada")
    designer.contact = CONTACT
    designer.role = "designer"
    owner = await users.ensure_user(session, OWNER_TG, display_name="Rita")
    atelier = await atelier_profiles.register(
        session,
        owner=owner,
        draft=atelier_profiles.AtelierDraft(
            name="Maglificio Rossi",
            country="IT",
            region="Toscana",
            city="Prato",
            specialties=("knitwear",),
            category_ids=("knitwear",),
            materials=("wool",),
            techniques=(),
            moq=10,
            max_batch=500,
            monthly_capacity=300,
            lead_time_weeks=4,
            handwork_share=50,
            certifications=(),
            languages=("it",),
            contact="rita@rossi.example",
            description="",
        ),
    )
    atelier.verified = True
    brief = Brief(
        designer_id=designer.id,
        state=BriefState.OPEN,
        product_text="Ada's 80 merino cardigans",
        category="knitwear",
        quantity=80,
        deadline=(utcnow() + timedelta(weeks=10)).date(),
    )
    session.add(brief)
    await session.flush()
    await intros.request_intros(
        session, brief=brief, requester=designer, atelier_refs=[atelier.ref]
    )
    await outbox.schedule(
        session, WeeklyDigest("2026-W10", utcnow()), recipient_id=designer.id, due_at=utcnow()
    )
    session.add(ConversationState(name="__user_data__", key=str(DESIGNER_TG), state={"a": 1}))
    await session.commit()
    return designer, owner, atelier, brief


async def test_a_designer_is_erased_and_their_briefs_anonymised(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(session_factory) as uow:
        designer, _owner, atelier, brief = await _world(uow.session)
        erased = await privacy.erase_user(uow.session, DESIGNER_TG)
    assert erased is not None and erased.briefs == 1 and erased.intros_withdrawn == 1

    async with session_factory() as session:
        user = await session.get(User, designer.id)
        assert user is not None
        assert (user.telegram_id, user.display_name, user.contact, user.deleted) == (
            None,
            None,
            None,
            True,
        )
        assert await session.scalar(select(User).where(User.telegram_id == DESIGNER_TG)) is None
        assert await session.scalar(select(User).where(User.contact == CONTACT)) is None
        stored = await session.get(Brief, brief.id)
        assert stored is not None
        assert (stored.designer_id, stored.product_text, stored.state) == (
            None,
            "",
            BriefState.CLOSED,
        )
        intro = await session.scalar(select(IntroRequest))
        assert intro is not None and intro.state == IntroState.CANCELLED
        pending = (
            await session.scalars(select(Delivery).where(Delivery.state == DeliveryState.PENDING))
        ).all()
        # Neither the designer nor the atelier hears anything more about this brief.
        assert pending == []
        assert (await session.get(Atelier, atelier.id)) is not None


async def test_an_atelier_owner_is_erased_and_their_atelier_unlisted(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(session_factory) as uow:
        _designer, owner, atelier, _brief = await _world(uow.session)
        await privacy.erase_user(uow.session, OWNER_TG)

    async with session_factory() as session:
        stored = await session.get(Atelier, atelier.id)
        assert stored is not None
        assert (stored.listed, stored.contact, stored.owner_id) == (False, "", None)
        user = await session.get(User, owner.id)
        assert user is not None and user.telegram_id is None and user.deleted
        targets = (
            await session.scalars(
                select(Delivery.recipient_id).where(Delivery.state == DeliveryState.PENDING)
            )
        ).all()
        assert owner.id not in targets


async def test_erasing_someone_unknown_is_a_no_op(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        assert await privacy.erase_user(session, 424242) is None
