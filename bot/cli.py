"""The `bottega` command line: database, registry, matching, the bot and the terminal chat."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bot import __version__
from bot.config import Settings, SettingsError, load_settings

T = TypeVar("T")

app = typer.Typer(
    name="bottega",
    help="Bottega: find the right small atelier for an independent designer.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
db_app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)
ateliers_app = typer.Typer(
    help="The atelier registry: import, export, verify.", no_args_is_help=True
)
app.add_typer(db_app, name="db")
app.add_typer(ateliers_app, name="ateliers")

console = Console()
err = Console(stderr=True)


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


def _run(coro: Awaitable[T]) -> T:
    async def _main() -> T:
        return await coro

    return asyncio.run(_main())


def _version(value: bool) -> None:
    if value:
        console.print(f"bottega {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Bottega: find the right small atelier for an independent designer."""


# --- db ---------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Migrate the database to the latest (or given) revision."""
    from bot.db import migrations

    settings = _settings()
    migrations.upgrade(settings.database_url, revision)
    console.print(f"Database at revision [bold]{revision}[/bold].")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1 or base.")],
) -> None:
    """Revert the database schema to an earlier revision."""
    from bot.db import migrations

    settings = _settings()
    migrations.downgrade(settings.database_url, revision)
    console.print(f"Database downgraded to [bold]{revision}[/bold].")


# --- ateliers ---------------------------------------------------------------------------------


async def _with_session(settings: Settings, work: Any) -> Any:
    from bot.db import create_engine, create_session_factory

    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine)() as session:
            return await work(session)
    finally:
        await engine.dispose()


@ateliers_app.command("import")
def ateliers_import(
    file: Annotated[
        Path,
        typer.Argument(
            help="Registry CSV (see README for the columns).", exists=True, dir_okay=False
        ),
    ],
) -> None:
    """Import or update ateliers from a CSV file: all rows or none."""
    from bot.services.registry import import_registry

    settings = _settings()
    total_lines = max(1, sum(1 for _ in file.open("rb")) - 1)
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=total_lines < 500,
    ) as progress:
        task = progress.add_task("Checking rows", total=total_lines)

        async def work(session: Any) -> Any:
            with file.open(encoding="utf-8-sig", newline="") as stream:
                return await import_registry(
                    session, stream, on_row=lambda line: progress.update(task, completed=line - 1)
                )

        try:
            report = _run(_with_session(settings, work))
        except UnicodeDecodeError:
            err.print(f"[red]{file} is not UTF-8 text. Save it as UTF-8 CSV and try again.[/red]")
            raise typer.Exit(1) from None
    if report.errors:
        err.print(f"[red]{file}: {len(report.errors)} problem(s); nothing was imported.[/red]")
        for error in report.errors:
            err.print(f"  {error}")
        raise typer.Exit(1)
    console.print(
        f"Imported {file.name}: {report.created} new, {report.updated} updated, {report.unchanged} unchanged."
    )


@ateliers_app.command("export")
def ateliers_export(
    file: Annotated[
        Path | None, typer.Argument(help="Output CSV; standard output when omitted.")
    ] = None,
) -> None:
    """Export the registry in the import format."""
    from bot.services.registry import export_registry

    settings = _settings()

    async def work(session: Any) -> int:
        if file is None:
            return await export_registry(session, sys.stdout)
        with file.open("w", encoding="utf-8", newline="") as stream:
            return await export_registry(session, stream)

    count = _run(_with_session(settings, work))
    if file is not None:
        console.print(f"Exported {count} ateliers to {file}.")


@ateliers_app.command("verify")
def ateliers_verify(ref: Annotated[str, typer.Argument(help="The atelier's ref.")]) -> None:
    """Mark an atelier as verified so it can be matched."""
    from bot.services import ateliers as atelier_service

    settings = _settings()

    async def work(session: Any) -> Any:
        return await atelier_service.verify_by_ref(session, ref)

    atelier = _run(_with_session(settings, work))
    if atelier is None:
        err.print(f"[red]No atelier with ref {ref!r}.[/red]")
        raise typer.Exit(1)
    console.print(f"{atelier.name} ({atelier.ref}) is verified.")


# --- match ------------------------------------------------------------------------------------


@app.command("match")
def match(
    briefs: Annotated[
        Path, typer.Argument(help="Briefs as JSON Lines.", exists=True, dir_okay=False)
    ],
    top: Annotated[int, typer.Option("--top", min=1, max=100, help="Matches per brief.")] = 5,
    output: Annotated[str, typer.Option("--format", help="json (JSON Lines) or table.")] = "json",
    lang: Annotated[str, typer.Option("--lang", help="Language of the reasons: en or it.")] = "en",
    include_unverified: Annotated[
        bool, typer.Option(help="Also rank unverified ateliers.")
    ] = False,
) -> None:
    """Rank the registry's ateliers for each brief."""
    import matching
    from bot.services.ateliers import load_profiles

    if output not in {"json", "table"}:
        err.print("[red]--format must be json or table.[/red]")
        raise typer.Exit(2)
    if lang not in {"en", "it"}:
        err.print("[red]--lang must be en or it.[/red]")
        raise typer.Exit(2)
    settings = _settings()
    profiles = _run(_with_session(settings, load_profiles))
    index = matching.AtelierIndex.build(profiles, include_unverified=include_unverified)
    failures = 0
    with briefs.open(encoding="utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                query = matching.BriefQuery.from_json(json.loads(line))
            except (ValueError, TypeError) as exc:
                failures += 1
                err.print(f"[red]{briefs.name} line {number}: {exc}[/red]")
                continue
            result = index.match(query, top=top, lang=lang)
            if output == "json":
                sys.stdout.write(json.dumps(_result_json(result), ensure_ascii=False) + "\n")
            else:
                _print_table(result)
    if failures:
        raise typer.Exit(1)


def _result_json(result: Any) -> dict[str, Any]:
    return {
        "brief_id": result.brief_id,
        "matches": [
            {"ref": m.ref, "name": m.name, "score": m.score, "reasons": list(m.reasons)}
            for m in result.matches
        ],
        "near_misses": [
            {"ref": n.ref, "name": n.name, "score": n.score, "failures": list(n.failures)}
            for n in result.near_misses
        ],
    }


def _print_table(result: Any) -> None:
    table = Table(title=f"Brief {result.brief_id}", show_lines=False)
    table.add_column("#", justify="right")
    table.add_column("Atelier")
    table.add_column("Score", justify="right")
    table.add_column("Why")
    for rank, m in enumerate(result.matches, start=1):
        table.add_row(str(rank), f"{m.name} ({m.ref})", f"{m.score:.1f}", " · ".join(m.reasons))
    for n in result.near_misses:
        table.add_row(
            "–",
            f"[dim]{n.name} ({n.ref})[/dim]",
            f"[dim]{n.score:.1f}[/dim]",
            "[yellow]" + " · ".join(n.failures) + "[/yellow]",
        )
    if not result.matches:
        table.add_row("", "[dim]no atelier meets every requirement[/dim]", "", "")
    console.print(table)


# --- the bot ----------------------------------------------------------------------------------


@app.command("run")
def run() -> None:
    """Run the Telegram bot (long polling)."""
    settings = _settings()
    if settings.token is None:
        err.print(
            "[yellow]TELEGRAM_BOT_TOKEN is not set.[/yellow] Create a bot with @BotFather, then\n"
            "  export TELEGRAM_BOT_TOKEN=123456:ABC...   (or put it in .env)\n"
            "and run [bold]bottega run[/bold] again. To try Bottega without Telegram: [bold]bottega chat[/bold]."
        )
        raise typer.Exit(2)
    from bot.app import run_polling

    run_polling(settings)


@app.command("chat")
def chat(
    lang: Annotated[str, typer.Option("--lang", help="Your language: en or it.")] = "en",
    user_id: Annotated[int, typer.Option("--user-id", help="The Telegram id you play.")] = 1,
    name: Annotated[str, typer.Option("--name", help="Your first name.")] = "Designer",
    admin: Annotated[bool, typer.Option("--admin", help="Play an administrator.")] = False,
) -> None:
    """Talk to the bot in this terminal, without Telegram (same handlers, local API server)."""
    import logging

    from bot.chat import run_chat

    settings = _settings()
    if admin:
        settings = settings.model_copy(
            update={"admin_user_ids": settings.admin_user_ids | {user_id}}
        )
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    _run(run_chat(settings, user_id=user_id, first_name=name, language=lang))


# --- stats ------------------------------------------------------------------------------------


@app.command("stats")
def stats(
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Also write the chart as a PNG file here.")
    ] = None,
) -> None:
    """People, briefs and introductions by state, acceptance rate and time to answer."""
    from bot.services import stats as stats_service

    settings = _settings()
    numbers = _run(_with_session(settings, stats_service.collect))
    table = Table(title="Bottega", show_header=True)
    table.add_column("What")
    table.add_column("Count", justify="right")
    table.add_row("Designers", str(numbers.designers))
    table.add_row("Ateliers live", str(numbers.ateliers_live))
    table.add_row("Ateliers waiting for verification", str(numbers.ateliers_pending))
    table.add_row("Ateliers paused", str(numbers.ateliers_paused))
    for state, count in numbers.briefs_by_state.items():
        table.add_row(f"Briefs {state}", str(count))
    for state, count in numbers.intros_by_state.items():
        table.add_row(f"Introductions {state}", str(count))
    rate = numbers.acceptance_rate
    table.add_row("Acceptance rate", "–" if rate is None else f"{rate * 100:.0f} %")
    median = numbers.median_answer_time
    table.add_row(
        "Median time to answer", "–" if median is None else f"{median.total_seconds() / 3600:.1f} h"
    )
    console.print(table)
    if chart is not None:
        chart.write_bytes(stats_service.render_chart(numbers))
        console.print(f"Chart written to {chart}.")


# --- digest -----------------------------------------------------------------------------------

digest_app = typer.Typer(
    help="The weekly digest: preview it, or send it now.", no_args_is_help=True
)
app.add_typer(digest_app, name="digest")


async def _digest_index(settings: Settings) -> Any:
    import matching
    from bot.services.ateliers import load_profiles

    return matching.AtelierIndex.build(await _with_session(settings, load_profiles))


@digest_app.command("preview")
def digest_preview(
    user_id: Annotated[int, typer.Argument(help="The user's id in the database (users.id).")],
) -> None:
    """Show what this user's digest would say now (nothing is sent or recorded)."""
    from bot.db.models import User
    from bot.scheduling.messages import digest_message
    from bot.services import digest

    settings = _settings()

    async def work() -> tuple[Any, Any]:
        index = await _digest_index(settings)

        async def compose(session: Any) -> tuple[Any, Any]:
            user = await session.get(User, user_id)
            if user is None:
                return None, None
            return user, await digest.preview(session, index, user)

        result: tuple[Any, Any] = await _with_session(settings, compose)
        return result

    user, content = _run(work())
    if user is None:
        err.print(f"[red]No user with id {user_id}.[/red]")
        raise typer.Exit(1)
    from bot.db.base import utcnow

    message = (
        digest_message(content.payload("preview", utcnow()), user.language) if content else None
    )
    if message is None:
        console.print(f"Nothing new for user {user_id}: no digest would be sent.")
        return
    console.print(message.text, markup=False, highlight=False)
    for row in message.buttons:
        console.print("  ".join(f"[{label}]" for label, _ in row), markup=False, highlight=False)


@digest_app.command("send-now")
def digest_send_now(
    deliver: Annotated[
        bool,
        typer.Option(
            "--deliver/--queue-only",
            help="Also send from this process (needs TELEGRAM_BOT_TOKEN); otherwise the running "
            "bot sends them within seconds.",
        ),
    ] = False,
) -> None:
    """Compose this week's digest for everyone not yet served, due immediately."""
    from bot.db import create_engine, create_session_factory
    from bot.services import digest

    settings = _settings()
    if deliver and settings.token is None:
        err.print("[red]--deliver needs TELEGRAM_BOT_TOKEN.[/red]")
        raise typer.Exit(2)

    async def work() -> tuple[Any, Any]:
        index = await _digest_index(settings)
        engine = create_engine(settings.database_url)
        try:
            factory = create_session_factory(engine)
            plan = await digest.plan_digests(
                factory, index, default_timezone=settings.default_timezone, send_now=True
            )
            report = await _deliver_now(settings, factory) if deliver else None
            return plan, report
        finally:
            await engine.dispose()

    plan, report = _run(work())
    console.print(
        f"Digests queued: {plan.planned} (considered {plan.considered}, nothing new for {plan.empty})."
    )
    if report is not None:
        console.print(
            f"Sent {report.sent}, dropped {report.dropped}, retried {report.retried}, failed {report.failed}."
        )


async def _deliver_now(settings: Settings, factory: Any) -> Any:
    from telegram.ext import AIORateLimiter, ExtBot

    from bot.scheduling import messages  # noqa: F401  (registers the renderers)
    from bot.scheduling.outbox import sweep
    from bot.scheduling.pacing import ChatPacer

    bot: ExtBot[None] = ExtBot(
        settings.token or "",
        base_url=settings.telegram_api_base_url,
        rate_limiter=AIORateLimiter(  # type: ignore[arg-type]
            overall_max_rate=settings.send_rate_per_second, max_retries=3
        ),
    )
    async with bot:
        return await sweep(
            bot,
            factory,
            concurrency=4,
            pacer=ChatPacer(settings.send_rate_per_chat_per_second),
        )


def main() -> None:
    app()


if __name__ == "__main__":
    main()
