"""The unit of work: one session for an update or a job, committed once when it is done (rolled
back when it fails), and then the after-commit hooks (refresh the match index, kick the outbox)
and the replies, which wait for the commit so nobody reads "saved" about something that is not.

The application opens one around every update (see `bot.app.BottegaApplication`) and handlers
reach it as `context.uow`; jobs and batch use cases open their own with
`async with UnitOfWork(session_factory) as uow:`. Nothing else commits: services take a session
and leave the transaction to whoever opened it, so a registration and the alert it causes are
written together or not at all.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core import users
from bot.db.models import User

log = logging.getLogger(__name__)

Hook = Callable[[], Awaitable[None] | None]


@dataclass(frozen=True, slots=True)
class Person:
    """Who the update comes from, as Telegram says."""

    telegram_id: int
    language_code: str | None = None
    display_name: str | None = None


@dataclass
class UnitOfWork:
    session_factory: async_sessionmaker[AsyncSession]
    person: Person | None = None
    # What "the registry changed" and "deliveries are due" mean in this process.
    refresh_index: Hook | None = None
    kick_outbox: Hook | None = None
    _session: AsyncSession | None = None
    _user: User | None = None
    _hooks: dict[str, Hook] = field(default_factory=dict)
    _then: list[Callable[[], Awaitable[object]]] = field(default_factory=list)
    _finishing: bool = False

    @property
    def session(self) -> AsyncSession:
        """The one session of this update or job (it connects on first use)."""
        if self._session is None:
            self._session = self.session_factory()
        return self._session

    async def user(self) -> User:
        """The person the update comes from, created on first contact."""
        if self.person is None:
            raise RuntimeError("this unit of work has no person (a job, not an update)")
        if self._user is None:
            self._user = await users.ensure_user(
                self.session,
                self.person.telegram_id,
                language_code=self.person.language_code,
                display_name=self.person.display_name,
            )
        return self._user

    def after_commit(self, name: str, hook: Hook) -> None:
        """Run `hook` once after a successful commit (a second call with the same name is one)."""
        self._hooks[name] = hook

    def then(self, step: Callable[[], Awaitable[object]]) -> None:
        """Finish the update with `step` once its facts are committed (e.g. show the matches of a
        brief just stored); a failure there reaches the error handler like any other."""
        self._then.append(step)

    @property
    def deferring(self) -> bool:
        """Whether what `then` is given still waits for the commit (False once it runs)."""
        return not self._finishing

    def registry_changed(self) -> None:
        """An atelier changed: the in-memory match index is rebuilt after the commit."""
        if self.refresh_index is not None:
            self.after_commit("refresh_index", self.refresh_index)

    def deliveries_added(self) -> None:
        """Something is due in the outbox: the sweeper runs as soon as it is committed."""
        if self.kick_outbox is not None:
            self.after_commit("kick_outbox", self.kick_outbox)

    async def discard(self) -> None:
        """Undo what this unit did so far (a refusal after a partial write, or a failure); what
        follows starts a fresh transaction."""
        self._hooks.clear()
        self._then.clear()
        self._user = None
        if self._session is not None:
            await self._session.rollback()

    async def commit(self) -> None:
        """Commit, then run the after-commit hooks. Called by whoever opened the unit."""
        if self._session is not None:
            await self._session.commit()
        hooks, self._hooks = list(self._hooks.values()), {}
        for hook in hooks:
            try:
                outcome = hook()
                if inspect.isawaitable(outcome):
                    await outcome
            except Exception:  # the facts are committed; a hook only speeds things up
                log.exception("after-commit hook failed")

    async def finish(self, report: Callable[[Exception], Awaitable[object]]) -> None:
        """Commit at the end of an update; if the commit itself fails (a constraint only the
        database could check), undo, `report` the failure, and commit what reporting wrote."""
        try:
            await self.commit()
            self._finishing = True
            while self._then:
                steps, self._then = self._then, []
                for step in steps:
                    await step()
            await self.commit()
        except Exception as exc:
            await self.discard()
            await report(exc)
            await self.commit()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> UnitOfWork:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                await self.commit()
            else:
                await self.discard()
        finally:
            await self.close()


_current: ContextVar[UnitOfWork | None] = ContextVar("unit_of_work", default=None)


def current() -> UnitOfWork | None:
    return _current.get()


def enter(uow: UnitOfWork) -> object:
    """Make `uow` the current unit of this task; returns the token for `leave`."""
    return _current.set(uow)


def leave(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
