"""build_application(): the only place handlers, persistence, rate limits and jobs are wired."""

from __future__ import annotations

import asyncio
import importlib
import logging
from typing import Any

from telegram import LinkPreviewOptions
from telegram.ext import AIORateLimiter, Application, ContextTypes, Defaults

from bot.admin.rendering import RENDERERS as ADMIN_RENDERERS
from bot.ateliers import handlers as atelier_registration
from bot.ateliers.rendering import RENDERERS as ATELIER_RENDERERS
from bot.briefs.rendering import RENDERERS as BRIEF_RENDERERS
from bot.config import Settings
from bot.core import handlers as common
from bot.core.application import BottegaApplication
from bot.core.renderers import register_renderers
from bot.db import create_engine, create_session_factory
from bot.digest.rendering import RENDERERS as DIGEST_RENDERERS
from bot.feedback.rendering import RENDERERS as FEEDBACK_RENDERERS
from bot.files.rendering import RENDERERS as FILES_RENDERERS
from bot.followups.rendering import RENDERERS as FOLLOWUP_RENDERERS
from bot.i18n import LANGUAGES
from bot.interview import handlers as interview
from bot.intros.rendering import RENDERERS as INTRO_RENDERERS
from bot.orders.rendering import RENDERERS as ORDER_RENDERERS
from bot.persistence import DatabasePersistence
from bot.quotes.rendering import RENDERERS as QUOTE_RENDERERS
from bot.registry.index_cache import MatchIndexCache
from bot.request import AiohttpRequest
from bot.runtime import BotApplication, BotContext, Runtime, runtime_of
from bot.updates import PerChatUpdateProcessor

log = logging.getLogger(__name__)

# Conversation modules, in the order they get a chance at an update. Each exposes
# build_handlers() and may expose build_jobs(application).
FLOW_MODULES: tuple[str, ...] = (
    "bot.quotes.handlers",
    "bot.orders.handlers",
    "bot.interview.handlers",
    "bot.briefs.handlers",
    "bot.ateliers.handlers",
    "bot.intros.handlers",
    "bot.admin.handlers",
    "bot.account.handlers",
    "bot.settings.handlers",
    "bot.feedback.handlers",
    "bot.followups.handlers",
    "bot.digest.handlers",
    "bot.files.handlers",
)
JOB_MODULES: tuple[str, ...] = ("bot.scheduling.jobs",)
# After a change of language (or an unknown command), the flow with an open question asks it
# again: the designer's interview first, then the atelier's registration.
OPEN_QUESTIONS: tuple[common.OpenQuestion, ...] = (
    common.OpenQuestion(
        after_language=interview.reask_current,
        after_unknown_command=interview.reask_after_unknown_command,
    ),
    common.OpenQuestion(after_language=atelier_registration.reask_current),
)


def install_renderers() -> None:
    """Tell the outbox how every kind of delivery reads. Everything that sweeps the outbox (the
    application, the CLI, tests) calls this first; calling it again changes nothing."""
    for renderers in (
        INTRO_RENDERERS,
        FOLLOWUP_RENDERERS,
        FEEDBACK_RENDERERS,
        DIGEST_RENDERERS,
        ADMIN_RENDERERS,
        BRIEF_RENDERERS,
        ATELIER_RENDERERS,
        FILES_RENDERERS,
        QUOTE_RENDERERS,
        ORDER_RENDERERS,
    ):
        register_renderers(renderers)


def _optional_module(name: str) -> Any | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None


async def _post_init(application: BotApplication) -> None:
    for lang in LANGUAGES:
        await application.bot.set_my_commands(
            common.bot_commands(lang), language_code=None if lang == "en" else lang
        )
    for name in JOB_MODULES:
        module = _optional_module(name)
        if module is not None:
            module.schedule_jobs(application)


async def _post_shutdown(application: BotApplication) -> None:
    runtime = runtime_of(application)
    await runtime.engine.dispose()
    await runtime.extras["index_engine"].dispose()


def build_application(
    settings: Settings,
    *,
    token: str | None = None,
    base_url: str | None = None,
    rate_limit: bool = True,
) -> BotApplication:
    install_renderers()
    engine = create_engine(settings.database_url)
    session_factory = create_session_factory(engine)
    # The match index reads through connections of its own: a unit of work holding one of the
    # pool's connections waits for the index to catch up, so the catch-up must never wait for
    # the pool those units have taken.
    index_engine = create_engine(settings.database_url, pool_size=1, max_overflow=2)
    runtime = Runtime(
        settings=settings,
        engine=engine,
        session_factory=session_factory,
        match_index=MatchIndexCache(create_session_factory(index_engine)),
        extras={"index_engine": index_engine},
    )
    builder = (
        Application.builder()
        .application_class(BottegaApplication)
        .token(token or settings.token or "")
        .base_url(base_url or settings.telegram_api_base_url)
        .base_file_url(
            (base_url or settings.telegram_api_base_url).removesuffix("bot") + "file/bot"
        )
        .context_types(ContextTypes(context=BotContext))
        .persistence(DatabasePersistence(session_factory))
        .defaults(Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .concurrent_updates(PerChatUpdateProcessor())
        .request(AiohttpRequest(connection_limit=64))
        .get_updates_request(AiohttpRequest(connection_limit=1))
        # Updates come from bot.ops.feed (long polling that confirms only handled updates,
        # or the webhook), never from PTB's updater, which confirms them as soon as fetched.
        .updater(None)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if rate_limit:
        limiter: AIORateLimiter = AIORateLimiter(
            overall_max_rate=settings.send_rate_per_second, max_retries=3
        )
        builder = builder.rate_limiter(limiter)  # type: ignore[arg-type]
    application: BotApplication = builder.build()
    application.bot_data["runtime"] = runtime

    for handler in common.build_early_handlers():
        application.add_handler(handler, group=-1)
    for name in FLOW_MODULES:
        module = _optional_module(name)
        if module is not None:
            application.add_handlers(module.build_handlers(), group=0)
    application.add_handlers(common.build_handlers(OPEN_QUESTIONS), group=0)
    # Same group, added last: only updates that nothing above took reach them.
    application.add_handlers(common.build_fallback_handlers(OPEN_QUESTIONS), group=0)
    application.add_error_handler(common.on_error)
    return application


def run(settings: Settings, *, webhook: bool = False) -> int:
    """`bottega run`: the production loop in bot/ops/service.py; returns the exit code."""
    import asyncio

    from bot.ops.logs import configure_logging
    from bot.ops.service import serve

    configure_logging(settings)
    return asyncio.run(serve(settings, webhook=webhook))


async def start_polling(application: BotApplication, *, poll_timeout: int = 1) -> None:
    """Start an application by hand (the terminal chat and tests) with the same long polling
    as `bottega run`: an update is confirmed to the server only once it is handled."""
    from bot.ops.feed import Poller, UpdateFeed

    await start_application(application)
    poller = Poller(UpdateFeed(application), timeout=poll_timeout)
    extras = runtime_of(application).extras
    extras["poller"] = poller
    extras["polling"] = asyncio.create_task(poller.run())


async def stop_polling(application: BotApplication, *, timeout: float = 8.0) -> None:  # noqa: ASYNC109
    extras = runtime_of(application).extras
    poller = extras.pop("poller", None)
    polling = extras.pop("polling", None)
    if poller is not None:
        poller.stop()
        await poller.feed.drain(timeout)
        if polling is not None:
            await asyncio.gather(polling, return_exceptions=True)
        await poller.confirm()
    await stop_application(application)


async def start_application(application: BotApplication) -> None:
    """Start an application whose updates this process feeds itself (bot/ops/feed.py or the
    webhook), calling the post_init hook as PTB does when it runs one."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()


async def stop_application(application: BotApplication) -> None:
    """Stop what start_application started, the hooks included; once updates are drained."""
    if application.running:
        await application.stop()
    if application.post_stop is not None:
        await application.post_stop(application)
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)
