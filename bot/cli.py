"""The `bottega` command line: database, registry, matching, the bot and the terminal chat."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
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
    # Click's plain help: Typer's rich panels label every flag "<bool>" (even --help).
    rich_markup_mode=None,
)
db_app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)
ateliers_app = typer.Typer(
    help="The atelier registry: import, export, verify.", no_args_is_help=True
)
app.add_typer(db_app, name="db")
app.add_typer(ateliers_app, name="ateliers")
orders_app = typer.Typer(help="Orders: export them for the operator.", no_args_is_help=True)
app.add_typer(orders_app, name="orders")

console = Console()
err = Console(stderr=True)


def _say(message: str) -> None:
    """A line for the operator on standard output, printed as is (no markup, no wrapping)."""
    console.print(message, markup=False, highlight=False, soft_wrap=True)


def _warn(message: str, style: str = "yellow") -> None:
    """A diagnostic on standard error, printed as is: values from files may contain [brackets]."""
    err.print(message, style=style, markup=False, highlight=False, soft_wrap=True)


def _fail(message: str, code: int = 1) -> NoReturn:
    _warn(message, style="red")
    raise typer.Exit(code)


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        _fail(str(exc), 2)


def _run(coro: Awaitable[T]) -> T:
    async def _main() -> T:
        return await coro

    return asyncio.run(_main())


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "DATABASE_URL"


def _database_failure(settings: Settings, exc: BaseException) -> NoReturn:
    """Explain a database that cannot be reached or is not migrated, without a traceback."""
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    reason = detail[0] if detail else type(exc).__name__
    where = _safe_url(settings.database_url)
    lowered = reason.lower()
    if (
        "no such table" in lowered
        or "no such column" in lowered
        or ("does not exist" in lowered and ("relation" in lowered or "column" in lowered))
    ):
        _fail(
            f"The database at {where} is not set up for this version of Bottega ({reason}). "
            "Run `bottega db upgrade` first."
        )
    _fail(f"Cannot use the database at {where}: {reason}")


def _database_errors() -> tuple[type[BaseException], ...]:
    from sqlalchemy.exc import SQLAlchemyError

    errors: list[type[BaseException]] = [SQLAlchemyError, OSError]
    try:
        import asyncpg  # type: ignore[import-untyped]

        errors += [asyncpg.PostgresError, asyncpg.InterfaceError]
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        pass
    return tuple(errors)


def _run_db(settings: Settings, coro: Awaitable[T]) -> T:
    """Run database work; an unreachable or unmigrated database is a message, not a traceback."""
    try:
        return _run(coro)
    except _database_errors() as exc:
        _database_failure(settings, exc)


def _stdout_closed() -> NoReturn:
    """The reader went away (`| head`): stop quietly, without a traceback at exit."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    raise typer.Exit(1)


def _utf8_stdout() -> None:
    """CSV and JSON Lines on standard output are UTF-8 whatever the terminal's locale."""
    stream = sys.stdout
    if isinstance(stream, io.TextIOWrapper) and stream.encoding.lower().replace("-", "") != "utf8":
        stream.reconfigure(encoding="utf-8")


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
    _migrate(settings, migrations.upgrade, revision)
    _say(f"Database at revision {revision}.")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1 or base.")],
) -> None:
    """Revert the database schema to an earlier revision."""
    from bot.db import migrations

    settings = _settings()
    _migrate(settings, migrations.downgrade, revision)
    _say(f"Database downgraded to {revision}.")


@db_app.command("copy")
def db_copy(
    target: Annotated[
        str,
        typer.Argument(
            help="The database to copy into, migrated and empty, e.g. "
            "postgresql://user:password@host:5432/bottega."
        ),
    ],
) -> None:
    """Copy every row of the database (DATABASE_URL) into another: ateliers, users, briefs,
    introductions, deliveries, quotes, orders, conversations, everything in the schema."""
    from bot.ops.copy import CopyRefused, copy_database

    settings = _settings()
    try:
        target_url = load_settings(_env_file=None, database_url=target).database_url
    except SettingsError as exc:
        _fail(str(exc).replace("DATABASE_URL", "TARGET"), 2)
    if target_url == settings.database_url:
        _fail("The target is the database being copied (DATABASE_URL).", 2)
    try:
        report = _run(copy_database(settings.database_url, target_url))
    except CopyRefused as exc:
        _fail(str(exc))
    except _database_errors() as exc:
        _fail(f"Copy failed, nothing was written to {_safe_url(target_url)}: {exc}")
    for table, rows in report.rows.items():
        _say(f"{table}: {rows}")
    _say(
        f"Copied {report.total} rows from {_safe_url(settings.database_url)} "
        f"to {_safe_url(target_url)}."
    )


def _migrate(settings: Settings, step: Any, revision: str) -> None:
    from alembic.util.exc import CommandError

    try:
        step(settings.database_url, revision)
    except CommandError as exc:
        _fail(f"Cannot migrate to {revision!r}: {exc}")
    except _database_errors() as exc:
        _database_failure(settings, exc)


# --- ateliers ---------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def _sessions(settings: Settings) -> AsyncIterator[Any]:
    """A session factory on the configured database for one command; its engine is disposed
    when the command's work is done."""
    from bot.db import create_engine, create_session_factory

    engine = create_engine(settings.database_url)
    try:
        yield create_session_factory(engine)
    finally:
        await engine.dispose()


async def _with_session(settings: Settings, work: Any) -> Any:
    """Run `work` in one unit of work: committed when it returns, rolled back when it raises."""
    from bot.core.unit_of_work import UnitOfWork

    async with _sessions(settings) as factory, UnitOfWork(factory) as uow:
        return await work(uow.session)


async def _match_index(settings: Settings, include_unverified: bool) -> Any:
    """The registry's match index: its stored snapshot and the changes made since when there is
    one, else built from the ateliers (and stored, so that the next run reads it)."""
    from bot.registry.index_cache import MatchIndexCache

    async with _sessions(settings) as factory:
        cache = MatchIndexCache(factory, include_unverified=include_unverified)
        index = await cache.get()
        await cache.saved()
        return index


async def _store_match_index(settings: Settings) -> int | None:
    """Build and store the match index if the stored one would not serve the next start (none,
    or too many changes behind); the ateliers it holds, or None when there was no need."""
    from bot.registry.index_cache import store_if_stale

    async with _sessions(settings) as factory:
        return await store_if_stale(factory)


@ateliers_app.command("import")
def ateliers_import(
    file: Annotated[
        Path,
        typer.Argument(
            help="Registry CSV, UTF-8 with a header row (columns in the README).",
            exists=True,
            dir_okay=False,
        ),
    ],
    index: Annotated[
        bool,
        typer.Option(
            help="After an import that changed many ateliers, build the match index and store "
            "it, so that the next start reads it instead of building it.",
        ),
    ] = True,
) -> None:
    """Import or update ateliers from a CSV file, by ref: all rows or none."""
    from bot.registry.importing import decode_registry, import_registry, scan_registry_file

    settings = _settings()
    try:
        total_lines, utf8 = scan_registry_file(file)
        if not utf8:
            _, problems = decode_registry(file.read_bytes())
    except OSError as exc:
        _fail(f"Cannot read {file}: {exc.strerror or exc}")
    if not utf8:
        _warn(
            f"{file}: not UTF-8 text; nothing was imported. Save it as UTF-8 CSV "
            '(in Excel: "CSV UTF-8") and import it again.',
            style="red",
        )
        for problem in problems:
            _warn(f"  {problem}", style="")
        raise typer.Exit(1)
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=total_lines < 500 or not err.is_terminal,
    ) as progress:
        task = progress.add_task("Checking rows", total=total_lines)

        def on_row(line: int) -> None:
            # Every 100th line: the bar moves as smoothly, for a hundredth of its cost.
            if line % 100 == 0:
                progress.update(task, completed=line - 1)

        async def work(session: Any) -> Any:
            # Read as it is imported, never whole: memory stays flat however long the file.
            with file.open(encoding="utf-8-sig", newline="") as stream:
                return await import_registry(
                    session,
                    stream,
                    on_row=on_row,
                    max_portfolio=settings.files_max_portfolio,
                )

        try:
            report = _run_db(settings, _with_session(settings, work))
        except OSError as exc:
            _fail(f"Cannot read {file}: {exc.strerror or exc}")
    if report.errors:
        _warn(f"{file}: {len(report.errors)} problem(s); nothing was imported.", style="red")
        for error in report.errors:
            _warn(f"  {error}", style="")
        raise typer.Exit(1)
    total = report.created + report.updated + report.unchanged
    _say(
        f"Imported {file.name}: {report.created} new, {report.updated} updated, "
        f"{report.unchanged} unchanged." + ("" if total else " The file has no atelier rows.")
    )
    if index and (report.created or report.updated):
        building = err.status("Building the match index") if err.is_terminal else None
        with building or contextlib.nullcontext():
            size = _run_db(settings, _store_match_index(settings))
        if size is not None:
            _say(f"Match index stored for the next start: {size} ateliers.")


# Where an export goes: the file is replaced only once the whole export has succeeded.
_ExportFile = Annotated[
    Path | None,
    typer.Argument(
        help="Output CSV (replaced only when the export succeeds); standard output when omitted."
    ),
]


def _export_csv(
    file: Path | None, noun: str, export: Callable[[Any, io.StringIO], Awaitable[int]]
) -> None:
    """Write what `export` produces to `file` (replaced only when everything was read and
    written) or to standard output; `noun` names one row ("atelier", "order")."""
    settings = _settings()
    if file is not None:
        if file.is_dir():
            _fail(f"{file} is a folder; give a file name, e.g. {file / f'{noun}s.csv'}")
        if not file.parent.is_dir():
            _fail(f"Cannot write {file}: the folder {file.parent} does not exist.")

    # Read everything first: a database problem then leaves an existing file untouched.
    buffer = io.StringIO(newline="")

    async def work(session: Any) -> int:
        return await export(session, buffer)

    count = _run_db(settings, _with_session(settings, work))
    if file is None:
        _utf8_stdout()
        try:
            sys.stdout.write(buffer.getvalue())
            sys.stdout.flush()
        except BrokenPipeError:
            _stdout_closed()
        return
    partial = file.with_name(f".{file.name}.{os.getpid()}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as stream:
            stream.write(buffer.getvalue())
        partial.replace(file)
    except OSError as exc:
        _fail(f"Cannot write {file}: {exc.strerror or exc}")
    finally:
        partial.unlink(missing_ok=True)
    _say(f"Exported {count} {noun}{'' if count == 1 else 's'} to {file}.")


@ateliers_app.command("export")
def ateliers_export(
    file: _ExportFile = None,
) -> None:
    """Export the listed ateliers in the import format, plus `verified` and `portfolio`."""
    from bot.registry.importing import export_registry

    _export_csv(file, "atelier", export_registry)


@ateliers_app.command("verify")
def ateliers_verify(ref: Annotated[str, typer.Argument(help="The atelier's ref.")]) -> None:
    """Verify an atelier so it can be matched (a rejected registration is listed again)."""
    from bot.admin import verification

    settings = _settings()

    async def work(session: Any) -> Any:
        return await verification.verify_by_operator(session, ref)

    outcome = _run_db(settings, _with_session(settings, work))
    atelier = outcome.atelier
    if atelier is None:
        _fail(f"No atelier with ref {ref!r}.")
    if outcome.withdrawn:
        _fail(
            f"{atelier.name} ({atelier.ref}) is not listed: its owner erased their data, so it "
            "stays out of matching. Import it again from your registry CSV to list it."
        )
    if outcome.was_verified:
        _say(f"{atelier.name} ({atelier.ref}) was already verified and listed.")
    elif outcome.listed_again:
        _say(
            f"{atelier.name} ({atelier.ref}) had been rejected; it is now verified and listed "
            "again, and its owner will be told."
        )
    else:
        _say(f"{atelier.name} ({atelier.ref}) is verified and listed.")


# --- match ------------------------------------------------------------------------------------


@app.command("match")
def match(
    briefs: Annotated[
        Path,
        typer.Argument(help="Briefs as JSON Lines, UTF-8; - reads standard input."),
    ],
    top: Annotated[int, typer.Option("--top", min=1, max=100, help="Matches per brief.")] = 5,
    output: Annotated[
        str, typer.Option("--format", help="json (JSON Lines on standard output) or table.")
    ] = "json",
    lang: Annotated[str, typer.Option("--lang", help="Language of the reasons: en or it.")] = "en",
    include_unverified: Annotated[
        bool, typer.Option(help="Also rank unverified ateliers.")
    ] = False,
) -> None:
    """Rank the registry's ateliers for each brief, best first.

    A bad line is named on standard error, the others still run, and the exit code is 1.
    """
    import matching

    if output not in {"json", "table"}:
        _fail("--format must be json or table.", 2)
    if lang not in {"en", "it"}:
        _fail("--lang must be en or it.", 2)
    from_stdin = str(briefs) == "-"
    if not from_stdin and not briefs.is_file():
        problem = "is a folder" if briefs.is_dir() else "does not exist"
        _fail(f"Briefs file {briefs} {problem}.", 2)
    settings = _settings()
    index = _run_db(settings, _match_index(settings, include_unverified))
    if not index.matchable():
        if not len(index):
            _warn(
                f"The registry at {_safe_url(settings.database_url)} is empty, so no brief can "
                "match: import ateliers first with `bottega ateliers import FILE.csv`."
            )
        else:
            _warn(
                f"None of the {len(index)} ateliers in the registry can be matched (unverified "
                "or paused): verify them with `bottega ateliers verify REF` or pass "
                "--include-unverified."
            )
    name = "<stdin>" if from_stdin else briefs.name
    failures = 0
    seen = 0
    if output == "json":
        _utf8_stdout()
    try:
        with _open_briefs(briefs) as stream:
            for number, line in _brief_lines(stream):
                if isinstance(line, UnicodeDecodeError):
                    seen += 1
                    failures += 1
                    _warn(f"{name} line {number}: not UTF-8 text; save the file as UTF-8", "red")
                    continue
                if not line.strip():
                    continue
                seen += 1
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    failures += 1
                    _warn(
                        f"{name} line {number}, column {exc.colno}: not valid JSON ({exc.msg})",
                        "red",
                    )
                    continue
                try:
                    query = matching.BriefQuery.from_json(data)
                except (ValueError, TypeError) as exc:
                    failures += 1
                    _warn(f"{name} line {number}: {exc}", "red")
                    continue
                result = index.match(query, top=top, lang=lang)
                if output == "json":
                    sys.stdout.write(json.dumps(_result_json(result), ensure_ascii=False) + "\n")
                else:
                    _print_table(result)
    except BrokenPipeError:
        _stdout_closed()
    except OSError as exc:
        _fail(f"Cannot read {briefs}: {exc.strerror or exc}")
    if not seen:
        _warn(f"{name} has no briefs (one JSON object per line).")
    if failures:
        raise typer.Exit(1)


def _open_briefs(path: Path) -> Any:
    if str(path) == "-":
        return contextlib.nullcontext(sys.stdin.buffer)
    return path.open("rb")


def _brief_lines(stream: Iterable[bytes]) -> Iterable[tuple[int, str | UnicodeDecodeError]]:
    """Numbered lines as text; a line that is not UTF-8 is yielded as its decoding error."""
    for number, raw in enumerate(stream, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield number, exc


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
        # What the matcher did not understand, and how it ranked instead; only when it says so.
        **({"notes": list(result.notes)} if result.notes else {}),
    }


def _print_table(result: Any) -> None:
    """The ranking, then the near misses in a table of their own: they are not ranked, and
    what they fail matters more than their score."""
    table = Table(title=f"Brief {escape(result.brief_id)}", show_lines=False)
    table.add_column("#", justify="right")
    table.add_column("Atelier")
    table.add_column("Score", justify="right")
    table.add_column("Why")
    for rank, m in enumerate(result.matches, start=1):
        table.add_row(
            str(rank),
            escape(f"{m.name} ({m.ref})"),
            f"{m.score:.1f}",
            escape(" · ".join(m.reasons)),
        )
    if not result.matches:
        table.add_row("", "[dim]no atelier meets every requirement[/dim]", "", "")
    for note in result.notes:
        table.add_row("", "", "", f"[yellow]{escape(note)}[/yellow]")
    console.print(table)
    if not result.near_misses:
        return
    misses = Table(title=f"Near misses for brief {escape(result.brief_id)}", show_lines=False)
    misses.add_column("Atelier")
    misses.add_column("Score", justify="right")
    misses.add_column("What does not fit")
    for n in result.near_misses:
        misses.add_row(
            escape(f"{n.name} ({n.ref})"),
            f"{n.score:.1f}",
            "[yellow]" + escape(" · ".join(n.failures)) + "[/yellow]",
        )
    console.print(misses)


# --- the bot ----------------------------------------------------------------------------------


@app.command("run")
def run(
    webhook: Annotated[
        bool,
        typer.Option(
            "--webhook",
            help="Take updates on a webhook (WEBHOOK_URL, WEBHOOK_SECRET, WEBHOOK_LISTEN, "
            "WEBHOOK_PORT) instead of long polling.",
        ),
    ] = False,
) -> None:
    """Run the Telegram bot (long polling, or --webhook); on PostgreSQL a second process stands
    by and takes over when the active one stops."""
    settings = _settings()
    if settings.token is None:
        err.print(
            "[yellow]TELEGRAM_BOT_TOKEN is not set.[/yellow] Create a bot with @BotFather, then\n"
            "  export TELEGRAM_BOT_TOKEN=123456:ABC...   (or put it in .env)\n"
            "and run [bold]bottega run[/bold] again. To try Bottega without Telegram: [bold]bottega chat[/bold]."
        )
        raise typer.Exit(2)
    from bot.app import run as run_bot
    from bot.ops.lock import AnotherProcessError
    from bot.ops.service import ServiceError

    try:
        code = run_bot(settings, webhook=webhook)
    except (AnotherProcessError, ServiceError) as exc:
        _fail(str(exc), 2)
    except _database_errors() as exc:
        _database_failure(settings, exc)
    raise typer.Exit(code)


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
    """People, briefs, introductions, quotes and orders by state, acceptance rate and times,
    packs and portfolios."""
    from bot.admin import stats as stats_service
    from bot.orders import stats as order_stats

    settings = _settings()
    numbers = _run_db(settings, _with_session(settings, stats_service.collect))
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
    table.add_row("Acceptance rate", stats_service.percent(numbers.acceptance_rate))
    table.add_row(
        "Median time to answer", stats_service.duration_text(numbers.median_answer_time, "en")
    )
    table.add_row("Briefs with a pack", str(numbers.briefs_with_pack))
    table.add_row("Ateliers with a portfolio", str(numbers.ateliers_with_portfolio))
    for label, side in (
        ("Acceptance with a pack", numbers.with_pack),
        ("Acceptance without a pack", numbers.without_pack),
    ):
        table.add_row(
            label,
            f"{stats_service.percent(side.rate)} of {side.decided} answered"
            if numbers.pack_comparable
            else f"not enough data yet ({side.decided}/{stats_service.PACK_COMPARISON_MIN})",
        )
    order_numbers = _run_db(settings, _with_session(settings, order_stats.collect))
    for state, count in order_numbers.quotes_by_state.items():
        table.add_row(f"Quotes {state}", str(count))
    for state, count in order_numbers.orders_by_state.items():
        table.add_row(f"Orders {state}", str(count))
    for label, value in (
        ("Median accepted introduction → first quote", order_numbers.intro_to_quote),
        ("Median first quote → order", order_numbers.quote_to_order),
    ):
        table.add_row(label, "–" if value is None else f"{value.total_seconds() / 3600:.1f} h")
    console.print(table)
    if chart is not None:
        try:
            chart.write_bytes(
                stats_service.render_chart(
                    numbers, orders=("Orders", order_numbers.orders_by_state)
                )
            )
        except OSError as exc:
            _fail(f"Cannot write the chart to {chart}: {exc.strerror or exc}")
        _say(f"Chart written to {chart}.")


# --- orders -----------------------------------------------------------------------------------


@orders_app.command("export")
def orders_export(
    file: _ExportFile = None,
) -> None:
    """Every order as a CSV row: atelier, state, prices, sample rounds, dates (no contacts)."""
    from bot.orders.export import export_orders

    _export_csv(file, "order", export_orders)


# --- digest -----------------------------------------------------------------------------------

digest_app = typer.Typer(
    help="The weekly digest: preview it, or send it now.", no_args_is_help=True
)
app.add_typer(digest_app, name="digest")


async def _digest_index(settings: Settings) -> Any:
    import matching
    from bot.registry.profiles import load_profiles

    return matching.AtelierIndex.build(await _with_session(settings, load_profiles))


@digest_app.command("preview")
def digest_preview(
    user_id: Annotated[int, typer.Argument(help="The user's id in the database (users.id).")],
) -> None:
    """Show what this user's digest would say now (nothing is sent or recorded)."""
    from bot.db.models import User
    from bot.digest import service as digest
    from bot.digest.rendering import digest_message

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
    yes: Annotated[
        bool,
        typer.Option("--yes", "-y", help="Do not ask before a paid broadcast."),
    ] = False,
) -> None:
    """Compose this week's digest for everyone not yet served, due immediately. With
    PAID_BROADCAST on, first shows what the digest costs and asks."""
    from bot.digest import service as digest
    from bot.outbox.pacing import STARS_PER_PAID_MESSAGE, paid_cost

    settings = _settings()
    if deliver and settings.token is None:
        err.print("[red]--deliver needs TELEGRAM_BOT_TOKEN.[/red]")
        raise typer.Exit(2)
    if settings.paid_broadcast:
        audience = _run_db(settings, _with_session(settings, _digest_audience))
        _say(
            f"Paid broadcast is on: each digest message costs {STARS_PER_PAID_MESSAGE} Telegram "
            f"Stars and goes out at up to {settings.paid_broadcast_rate_per_second:g} messages/s. "
            f"At most {audience} people get a digest now: at most {paid_cost(audience)} Stars."
        )
        if not yes and not typer.confirm("Send this week's digest as a paid broadcast?"):
            _say("Nothing queued.")
            raise typer.Exit(1)

    async def work() -> tuple[Any, Any]:
        index = await _digest_index(settings)
        async with _sessions(settings) as factory:
            plan = await digest.plan_digests(
                factory, index, default_timezone=settings.default_timezone, send_now=True
            )
            report = await _deliver_now(settings, factory) if deliver else None
            return plan, report

    plan, report = _run(work())
    console.print(
        f"Digests queued: {plan.planned} (considered {plan.considered}, nothing new for {plan.empty})."
    )
    if settings.paid_broadcast:
        _say(f"Paid broadcast: {plan.planned} digests, {paid_cost(plan.planned)} Stars.")
    if report is not None:
        console.print(
            f"Sent {report.sent}, dropped {report.dropped}, retried {report.retried}, failed {report.failed}."
        )


async def _digest_audience(session: Any) -> int:
    """People a digest could go to now (reachable, opted in, not deleted): an upper bound."""
    from sqlalchemy import func, select

    from bot.db.models import User

    count = await session.scalar(
        select(func.count())
        .select_from(User)
        .where(
            User.deleted.is_(False),
            User.reachable.is_(True),
            User.digest_opt_in.is_(True),
            User.telegram_id.is_not(None),
        )
    )
    return int(count or 0)


async def _deliver_now(settings: Settings, factory: Any) -> Any:
    from bot.app import install_renderers
    from bot.outbox.standalone import deliver

    install_renderers()
    return await deliver(settings, factory)


outbox_app = typer.Typer(help="The outbox: messages waiting to be sent.", no_args_is_help=True)
app.add_typer(outbox_app, name="outbox")


@outbox_app.command("deliver")
def outbox_deliver(
    watch: Annotated[
        bool,
        typer.Option(
            "--watch/--once",
            help="Keep sweeping every SWEEP_INTERVAL_SECONDS until SIGTERM or Ctrl-C, or sweep "
            "once and exit.",
        ),
    ] = False,
) -> None:
    """Send the due deliveries from this process (needs TELEGRAM_BOT_TOKEN). Safe beside
    running bots: rows are claimed, never sent twice in normal operation."""
    from bot.app import install_renderers
    from bot.outbox.standalone import deliver

    settings = _settings()
    if settings.token is None:
        err.print("[red]outbox deliver needs TELEGRAM_BOT_TOKEN.[/red]")
        raise typer.Exit(2)
    install_renderers()
    import logging

    from bot.outbox.sweeper import WORKER_ID

    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    def ready() -> None:
        _say(f"Delivering as {WORKER_ID}" + (" until stopped." if watch else " once."))

    def report(sweep: Any) -> None:
        if sweep.claimed:
            _say(
                f"Sent {sweep.sent}, dropped {sweep.dropped}, retried {sweep.retried}, "
                f"failed {sweep.failed}."
            )

    async def work() -> Any:
        async with _sessions(settings) as factory:
            return await deliver(settings, factory, watch=watch, on_sweep=report, on_ready=ready)

    total = _run_db(settings, work())
    if not watch and not total.claimed:
        _say("Nothing due.")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
