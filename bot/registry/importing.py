"""The atelier registry's CSV contract: parse and validate rows, upsert by `ref`, export.

Imports are all-or-nothing: every bad line is reported with its line number, column and reason,
and nothing is written unless the whole file is valid.

The optional `portfolio` column holds an atelier's pictures, cover first, separated by spaces
(or line breaks): each a Telegram file id of a photo or an `https://` address. Neither can hold
whitespace, so the separator never splits one. An empty cell leaves the portfolio as it is (as
an empty `verified` leaves the verification); `-` says the atelier has none.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import functools
import itertools
import json
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TextIO, TypeVar
from urllib.parse import urlsplit

import pycountry
from sqlalchemy import JSON, Table, Text, bindparam, cast, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

import matching
from bot.db.base import utcnow
from bot.db.models import Atelier, AtelierSource, FileKind, FilePurpose, FileRef, QuantityUnit
from bot.registry.fields import AtelierFields
from matching import parse_unit
from parsing import MAX_LEAD_TIME_WEEKS

# The atelier's `ref`, then a column for each field of its profile, in the profile's order; what
# the minimum counts (`moq_per`) may be left out, and means per style then.
CSV_COLUMNS: tuple[str, ...] = (
    "ref",
    *(column.name for column in fields(AtelierFields) if column.name != "moq_per"),
)
OPTIONAL_COLUMNS: tuple[str, ...] = ("moq_per", "verified", "portfolio")
LIST_COLUMNS = frozenset({"specialties", "materials", "techniques", "certifications", "languages"})
TEXT_LIMITS = {
    "ref": 64,
    "name": 200,
    "region": 100,
    "city": 100,
    "contact": 256,
    "description": 4000,
}
MAX_ITEMS = 30
MAX_ITEM_LEN = 120
MAX_QUANTITY = 10_000_000
_TRUE = {"1", "true", "yes", "y", "si", "sì", "verified"}
_FALSE = {"0", "false", "no", "n", "pending", "unverified"}
# The portfolio column: as many pictures as one album holds (FILES_MAX_PORTFOLIO may say fewer).
MAX_PORTFOLIO = 10
NO_PORTFOLIO = "-"
# Telegram's file ids are URL-safe base64; the shortest real ones are far longer than this.
_FILE_ID = re.compile(r"[A-Za-z0-9_-]{12,512}")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# An https address as registries write them (a host, then a path, query or fragment): checked
# without urlsplit, which the other addresses still go through for the reason they are refused.
_PLAIN_HTTPS = re.compile(r"[Hh][Tt][Tt][Pp][Ss]://[A-Za-z0-9][A-Za-z0-9.:-]*(?:[/?#]\S*)?")
MAX_PICTURE_LEN = 512  # what file_refs.file_id holds


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True, kw_only=True)
class AtelierRecord(AtelierFields):
    """One validated registry row."""

    ref: str
    # None when the file does not say: a new atelier counts as verified (the operator's own
    # registry), an existing one keeps its state, so a re-import never verifies a pending
    # registration behind the administrator's back.
    verified: bool | None = None
    # None when the file does not say (no column, or an empty cell): the portfolio stays as it
    # is. Otherwise the pictures it is to hold, cover first; () for `-`, none at all.
    portfolio: tuple[str, ...] | None = None


@dataclass(slots=True)
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class RegistryImportError(ValueError):
    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__(f"{len(errors)} invalid line(s); nothing was imported")
        self.errors = list(errors)


# The same lists ("cotone;lino", "it;en") come back on thousands of rows: read each once.
@functools.lru_cache(maxsize=65_536)
def _read_list(value: str) -> tuple[tuple[str, ...], bool, bool]:
    """The list's values, and whether it has too many of them or one too long."""
    items = (" ".join(part.split()) for part in value.split(";"))
    values = tuple(dict.fromkeys(item for item in items if item))
    return values, len(values) > MAX_ITEMS, any(len(item) > MAX_ITEM_LEN for item in values)


# What _check_row does with each column, in the order its problems are reported.
_COLUMN_CHECKS: tuple[tuple[str, str, int], ...] = tuple(
    (column, "list" if column in LIST_COLUMNS else "text", TEXT_LIMITS.get(column, 0))
    for column in CSV_COLUMNS
    if column in LIST_COLUMNS or column in TEXT_LIMITS
)


def _parse_int(
    raw: str, column: str, line: int, errors: list[RowError], *, low: int, high: int
) -> int:
    try:
        value = int(raw)  # the common case: digits, maybe spaces around them
    except ValueError:
        try:
            value = int(raw.strip().replace("_", ""))
        except ValueError:
            errors.append(RowError(line, column, f"{raw.strip()[:40]!r} is not a whole number"))
            return low
    if not low <= value <= high:
        errors.append(RowError(line, column, f"{value} is outside {low}–{high}"))
    return value


# A registry names a few dozen countries and languages over and over: look each up once.
@functools.lru_cache(maxsize=1024)
def _check_country(raw: str) -> str | None:
    code = raw.strip().upper()
    if len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None:
        return code
    return None


@functools.lru_cache(maxsize=1024)
def _is_language(code: str) -> bool:
    return len(code) == 2 and pycountry.languages.get(alpha_2=code) is not None


_BOUNDS = (
    ("moq", 1, MAX_QUANTITY),
    ("max_batch", 1, MAX_QUANTITY),
    ("monthly_capacity", 0, MAX_QUANTITY),
    ("lead_time_weeks", 1, MAX_LEAD_TIME_WEEKS),
    ("handwork_share", 0, 100),
)


@functools.lru_cache(maxsize=4096)
def _read_languages(codes: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Language codes in lower case, and those that are not ISO 639-1 as written."""
    return tuple(c.lower() for c in codes), tuple(c for c in codes if not _is_language(c.lower()))


def _picture_problem(entry: str) -> str | None:
    """Why one portfolio entry cannot be imported (None: it is a file id or an https address)."""
    shown = repr(entry[:60] + ("…" if len(entry) > 60 else ""))
    if len(entry) > MAX_PICTURE_LEN:
        return f"{shown} is longer than {MAX_PICTURE_LEN} characters"
    if _FILE_ID.fullmatch(entry) or (_PLAIN_HTTPS.fullmatch(entry) and entry.isprintable()):
        return None
    if not entry.isprintable():
        return f"{shown} has characters that cannot be part of an address"
    if not _SCHEME.match(entry):
        return f"{shown} is neither a Telegram file id nor an https:// address"
    try:
        parts = urlsplit(entry)
        hostname = parts.hostname
    except ValueError:
        return f"{shown} is not a valid address"
    if parts.scheme.lower() != "https":
        return f"{shown} is not an https:// address; only https links can be imported"
    if parts.username is not None or parts.password is not None:
        return f"{shown} carries a user name or password; write the address without them"
    if not hostname:
        return f"{shown} has no host to fetch the picture from"
    return None


def _read_portfolio(
    raw: str, line: int, errors: list[RowError], limit: int
) -> tuple[str, ...] | None:
    """The portfolio a cell asks for (see the module's docstring), or None when it is empty."""
    entries = tuple(dict.fromkeys(raw.split()))
    if not entries:
        return None
    if entries == (NO_PORTFOLIO,):
        return ()
    if len(entries) > limit:
        errors.append(
            RowError(
                line, "portfolio", f"{len(entries)} pictures; a portfolio holds at most {limit}"
            )
        )
    for entry in entries:
        problem = _picture_problem(entry)
        if problem is not None:
            errors.append(RowError(line, "portfolio", problem))
    return entries


def _check_row(
    line: int, row: dict[str, str], errors: list[RowError], *, max_portfolio: int = MAX_PORTFOLIO
) -> AtelierRecord | None:
    before = len(errors)
    values: dict[str, Any] = {}
    for column, kind, limit in _COLUMN_CHECKS:
        raw = (row.get(column) or "").strip()
        if kind == "list":
            items, too_many, too_long = _read_list(raw)
            if too_many:
                errors.append(RowError(line, column, f"more than {MAX_ITEMS} values"))
            if too_long:
                errors.append(
                    RowError(line, column, f"a value is longer than {MAX_ITEM_LEN} characters")
                )
            values[column] = items
        else:
            text = " ".join(raw.split()) if column != "description" else raw
            if len(text) > limit:
                errors.append(RowError(line, column, f"longer than {limit} characters"))
            values[column] = text

    if not values["ref"]:
        errors.append(RowError(line, "ref", "empty; every atelier needs a unique ref"))
    if not values["name"]:
        errors.append(RowError(line, "name", "empty; every atelier needs a name"))
    country = _check_country(row.get("country") or "")
    if country is None:
        errors.append(
            RowError(
                line,
                "country",
                f"{(row.get('country') or '').strip()[:20]!r} is not an ISO 3166 country code such as IT",
            )
        )
    values["country"] = country or ""
    if not values["specialties"]:
        errors.append(RowError(line, "specialties", "empty; list at least one specialty"))

    for column, low, high in _BOUNDS:
        values[column] = _parse_int(row.get(column) or "", column, line, errors, low=low, high=high)
    if values["max_batch"] < values["moq"] and len(errors) == before:
        errors.append(
            RowError(
                line, "max_batch", f"max_batch {values['max_batch']} is below moq {values['moq']}"
            )
        )

    languages, unknown = _read_languages(values["languages"])
    for code in unknown:
        errors.append(
            RowError(
                line, "languages", f"{code[:20]!r} is not an ISO 639-1 language code such as it"
            )
        )
    values["languages"] = languages

    moq_per_raw = (row.get("moq_per") or "").strip()
    unit = parse_unit(moq_per_raw)
    if unit is None:
        errors.append(
            RowError(
                line,
                "moq_per",
                f"{moq_per_raw[:20]!r} is not what a minimum counts: style, colour or size",
            )
        )
    values["moq_per"] = unit or QuantityUnit.STYLE.value

    verified_raw = (row.get("verified") or "").strip().lower()
    if not verified_raw:
        values["verified"] = None
    elif verified_raw in _TRUE:
        values["verified"] = True
    elif verified_raw in _FALSE:
        values["verified"] = False
    else:
        errors.append(RowError(line, "verified", f"{verified_raw[:20]!r} is not true or false"))
        values["verified"] = True

    portfolio_raw = row.get("portfolio")
    values["portfolio"] = (
        None if not portfolio_raw else _read_portfolio(portfolio_raw, line, errors, max_portfolio)
    )

    if len(errors) > before:
        return None
    return AtelierRecord(**values)


_UNCLOSED_QUOTE = (
    'a quoted value starts here and is never closed (a " is missing), '
    "so the rest of the file would be read as one value"
)


_Row = TypeVar("_Row")


class _LineTracker:
    """Feeds a CSV reader line by line and remembers where the current record started."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.line = 0
        self.record_start: int | None = None

    def __iter__(self) -> _LineTracker:
        return self

    def __next__(self) -> str:
        text = next(self._lines)
        self.line += 1
        # The csv module skips empty lines between records; a record starts on a non-empty one.
        if self.record_start is None and text.strip("\r\n"):
            self.record_start = self.line
        return text

    def next_record(self, reader: Iterator[_Row]) -> _Row | None:
        """The reader's next record, noting the line it starts on; None at the end of the file
        (a badly quoted one raises the reader's csv.Error)."""
        self.record_start = None
        return next(reader, None)


def _delimiter(header_line: str) -> str:
    """`,` as the contract says, or `;` for a file saved by a spreadsheet in a `;` locale."""
    return ";" if ";" in header_line and "," not in header_line else ","


def decode_registry(data: bytes) -> tuple[str, list[RowError]]:
    """The file's text when it is UTF-8 (a byte order mark is dropped).

    Otherwise every line and column holding bytes that are not UTF-8, with the value as a
    Windows-1252 reader (Excel's plain "CSV") would show it, so the operator can find it.
    """
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8-sig", errors="surrogateescape")
    lines = text.splitlines(keepends=True)
    tracker = _LineTracker(lines)
    reader = csv.reader(tracker, strict=False, delimiter=_delimiter(lines[0] if lines else ""))
    errors: list[RowError] = []
    header: list[str] = []
    try:
        while (row := tracker.next_record(reader)) is not None:
            is_header = not header
            if is_header:
                header = [h.strip().lower() for h in row]
            for index, value in enumerate(row):
                if not any("\udc80" <= ch <= "\udcff" for ch in value):
                    continue
                shown = value.encode("utf-8", "surrogateescape").decode("cp1252", "replace")
                column = "" if is_header or index >= len(header) else header[index]
                errors.append(
                    RowError(
                        tracker.record_start or reader.line_num,
                        column,
                        f"{shown.strip()[:40]!r} is not UTF-8 text",
                    )
                )
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, "", f"unreadable CSV: {exc}"))
    if not errors:  # pragma: no cover - a decoding error is always in some value
        errors.append(RowError(1, "", "the file is not UTF-8 text"))
    return "", errors


def scan_registry_file(path: Path) -> tuple[int, bool]:
    """How many lines a file has and whether it is all UTF-8, reading it in blocks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 0
    utf8 = True
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            lines += block.count(b"\n")
            if utf8:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return max(1, lines), utf8


def parse_registry_csv(
    stream: TextIO,
    *,
    on_row: Callable[[int], None] | None = None,
    max_portfolio: int = MAX_PORTFOLIO,
) -> tuple[list[AtelierRecord], list[RowError]]:
    """Read and validate a whole registry file; returns the good rows and every problem found.

    Errors name the line a record starts on, even when a quoted value spans several lines.
    """
    errors: list[RowError] = []
    records = list(iter_registry_csv(stream, errors, on_row=on_row, max_portfolio=max_portfolio))
    return records, errors


# A row's required columns, None where the line had fewer values than the header.
_required = operator.itemgetter(*CSV_COLUMNS)


def iter_registry_csv(
    stream: TextIO,
    errors: list[RowError],
    *,
    on_row: Callable[[int], None] | None = None,
    max_portfolio: int = MAX_PORTFOLIO,
) -> Iterator[AtelierRecord]:
    """The good rows of a registry file as they are read; every problem goes to `errors`.

    Reading goes on after a bad line, so one pass reports them all; a caller that writes
    as it reads stops writing at the first one. A portfolio holds at most `max_portfolio`
    pictures (FILES_MAX_PORTFOLIO).
    """
    try:
        first = stream.readline()
    except UnicodeDecodeError as exc:
        errors.append(RowError(1, "", f"cannot read the file as UTF-8 text: {exc.reason}"))
        return
    tracker = _LineTracker(itertools.chain([first], stream))
    reader = csv.DictReader(tracker, restkey="__extra__", strict=True, delimiter=_delimiter(first))
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except (csv.Error, UnicodeDecodeError) as exc:
        errors.append(RowError(1, "", f"cannot read the file as UTF-8 CSV: {exc}"))
        return
    if not header:
        errors.append(RowError(1, "", "the file is empty; expected a header row"))
        return
    reader.fieldnames = header
    missing = [c for c in CSV_COLUMNS if c not in header]
    known = (*CSV_COLUMNS, *OPTIONAL_COLUMNS)
    for column in missing:
        errors.append(RowError(1, column, "missing from the header"))
    seen: set[str] = set()
    for column in header:
        if column in seen:
            if column:
                errors.append(RowError(1, column, "appears more than once in the header"))
            continue
        seen.add(column)
        if column in known:
            continue
        if not column:
            reason = "a column without a name in the header (remove the empty column)"
        else:
            close = difflib.get_close_matches(column, [c for c in known if c in missing], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else "; remove it or rename it"
            reason = f"unknown column in the header{hint}"
        errors.append(RowError(1, column or "(blank)", reason))
    if errors:
        return

    first_line_of: dict[str, int] = {}
    try:
        while True:
            try:
                row = tracker.next_record(reader)
            except csv.Error as exc:
                start = tracker.record_start or reader.line_num
                if "end of data" in str(exc):
                    errors.append(RowError(start, "", _UNCLOSED_QUOTE))
                    break
                errors.append(RowError(start, "", f"badly quoted value ({exc})"))
                continue
            if row is None:
                break
            line = tracker.record_start or reader.line_num
            if on_row is not None:
                on_row(reader.line_num)
            if "__extra__" in row:
                count = len(header) + len(row["__extra__"])
                errors.append(
                    RowError(line, "", f"has {count} of {len(header)} columns (check quoting)")
                )
                continue
            if all(not (v or "").strip() for v in row.values()):
                continue  # blank line
            if None in _required(row):
                # Fewer values than the header (the rest are None), short of a required column;
                # trailing optional columns may be left out.
                count = sum(value is not None for value in row.values())
                errors.append(
                    RowError(line, "", f"has {count} of {len(header)} columns (a value is missing)")
                )
                continue
            record = _check_row(line, row, errors, max_portfolio=max_portfolio)
            if record is None:
                continue
            if record.ref in first_line_of:
                errors.append(
                    RowError(
                        line,
                        "ref",
                        f"duplicate ref {record.ref!r} (first on line {first_line_of[record.ref]})",
                    )
                )
                continue
            first_line_of[record.ref] = line
            yield record
    except (csv.Error, UnicodeDecodeError) as exc:
        errors.append(
            RowError(tracker.record_start or reader.line_num, "", f"unreadable CSV: {exc}")
        )


class CategoryReader:
    """Taxonomy ids for specialties, each distinct specialty understood once.

    A registry repeats the same few thousand specialty strings over 100 000 rows, and
    understanding one (fuzzy matching against the whole vocabulary) is the slow part of an
    import: one reader lives for one import run, so the memo never outlives the vocabulary.
    """

    def __init__(self) -> None:
        self._of: dict[str, tuple[str, ...]] = {}

    def ids(self, specialties: Iterable[str]) -> tuple[str, ...]:
        """Taxonomy ids for an atelier's specialties, main specialty first."""
        ids: list[str] = []
        for specialty in specialties:
            found = self._of.get(specialty)
            if found is None:
                found = self._of[specialty] = tuple(
                    c.id for c in matching.understand(specialty, "category", limit=1)
                )
            for concept_id in found:
                if concept_id not in ids:
                    ids.append(concept_id)
        return tuple(ids)


def category_ids_for(specialties: Iterable[str]) -> list[str]:
    """Taxonomy ids for an atelier's specialties, main specialty first."""
    return list(CategoryReader().ids(specialties))


# The columns an import writes, in the record's order; `verified` only when the file says.
_RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(AtelierRecord))
_WRITTEN = tuple(name for name in _RECORD_FIELDS if name not in ("verified", "portfolio"))
_TABLE: Table = Atelier.__table__  # type: ignore[assignment]
# Rows are looked up and written in chunks: bounded statements and bounded memory.
_CHUNK = 1000
_COMPARED = (*_WRITTEN, "category_ids")
_LIST_FIELDS = frozenset(name for name in _COMPARED if isinstance(_TABLE.c[name].type, JSON))
_INSERTED = (*_COMPARED, "verified", "source", "paused", "listed", "created_at", "updated_at")
# A new row's values in _INSERTED order, as one tuple.
_inserted_of = operator.itemgetter(*_INSERTED)


@functools.lru_cache(maxsize=65_536)
def _json_list(values: tuple[str, ...]) -> str:
    """A list column as JSON text; registries repeat the same lists, so each is encoded once."""
    return json.dumps(list(values))


_written_of = operator.attrgetter(*_WRITTEN)


def _values_of(record: AtelierRecord) -> dict[str, Any]:
    """The columns an import writes but `category_ids`; list columns as JSON text, as they
    are stored."""
    return {
        name: _json_list(value) if isinstance(value, tuple) else value
        for name, value in zip(_WRITTEN, _written_of(record), strict=True)
    }


class _InvalidFileError(Exception):
    """Raised inside the import transaction so that it rolls back."""


async def upsert_ateliers(session: AsyncSession, records: Sequence[AtelierRecord]) -> ImportReport:
    """Insert or update by ref within the caller's transaction."""
    report = ImportReport()
    reader = CategoryReader()
    for start in range(0, len(records), _CHUNK):
        await _upsert_chunk(session, records[start : start + _CHUNK], reader, report)
    return report


async def _upsert_chunk(
    session: AsyncSession,
    chunk: Sequence[AtelierRecord],
    reader: CategoryReader,
    report: ImportReport,
) -> None:
    """Core statements, not ORM objects: the chunk's existing rows are read column by column,
    compared in Python, and only new or changed rows are written, each kind with one
    executemany."""
    # List columns are compared as the JSON text they are stored as: no decoding.
    compared = [
        cast(_TABLE.c[n], Text).label(n) if n in _LIST_FIELDS else _TABLE.c[n] for n in _COMPARED
    ]
    rows = await session.execute(
        select(_TABLE.c.id, _TABLE.c.ref, _TABLE.c.verified, _TABLE.c.owner_id, *compared).where(
            _TABLE.c.ref.in_([r.ref for r in chunk])
        )
    )
    existing = {row.ref: row for row in rows}
    portfolios = _Portfolios()
    if any(record.portfolio is not None for record in chunk):
        await portfolios.load(
            session,
            [
                row.id
                for record in chunk
                if record.portfolio is not None and (row := existing.get(record.ref)) is not None
            ],
        )
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    verifications: list[dict[str, Any]] = []
    for record in chunk:
        row = existing.get(record.ref)
        values = _values_of(record)
        if row is not None and row.specialties == values["specialties"]:
            # Specialties as they were: what was understood of them still stands, and an
            # unchanged file is compared without understanding anything (or loading the
            # vocabulary at all).
            values["category_ids"] = row.category_ids
        else:
            values["category_ids"] = _json_list(reader.ids(record.specialties))
        if row is None:
            values["verified"] = True if record.verified is None else record.verified
            values.update(source=AtelierSource.IMPORT, paused=False, listed=True)
            inserts.append(values)
            report.created += 1
            continue
        current = row._mapping
        changed = any(current[name] != values[name] for name in _COMPARED)
        if changed:
            updates.append({**_decoded(values), "_id": row.id})
        if record.verified is not None and record.verified != row.verified:
            verifications.append({"_id": row.id, "verified": record.verified})
            changed = True
        if record.portfolio is not None and portfolios.replace(
            row.id, row.owner_id, record.portfolio
        ):
            changed = True
        if changed:
            report.updated += 1
        else:
            report.unchanged += 1
    if inserts:
        await _insert(session, inserts)
        new_portfolios = {
            r.ref: r.portfolio for r in chunk if r.portfolio and r.ref not in existing
        }
        if new_portfolios:
            for atelier_id, ref in await session.execute(
                select(_TABLE.c.id, _TABLE.c.ref).where(_TABLE.c.ref.in_(list(new_portfolios)))
            ):
                portfolios.replace(atelier_id, None, new_portfolios[ref])
    await portfolios.write(session)
    if updates:
        await session.execute(
            update(_TABLE)
            .where(_TABLE.c.id == bindparam("_id"))
            .values({name: bindparam(name) for name in _COMPARED}),
            updates,
        )
    if verifications:
        await session.execute(
            update(_TABLE)
            .where(_TABLE.c.id == bindparam("_id"))
            .values(verified=bindparam("verified")),
            verifications,
        )


_FILES: Table = FileRef.__table__  # type: ignore[assignment]
# Rows of the ids of one statement (SQLite's bound-parameter limit was 999 before 3.32).
_ID_BATCH = 900


class _Portfolios:
    """The portfolios one chunk of an import replaces, read and written a chunk at a time.

    A picture the new portfolio keeps keeps its row (so a photo its atelier sent in the bot
    keeps its caption and Telegram's unique id) and takes its new position; the others go, and
    new ones are added as photos.
    """

    def __init__(self) -> None:
        # Per atelier its pictures, cover first: (row id, file id, position).
        self._current: dict[int, list[tuple[int, str, int]]] = {}
        self._deleted: list[int] = []
        self._moved: list[dict[str, Any]] = []
        self._added: list[tuple[int, int | None, str, int]] = []  # atelier, owner, file, position

    async def load(self, session: AsyncSession, atelier_ids: Sequence[int]) -> None:
        for start in range(0, len(atelier_ids), _ID_BATCH):
            rows = await session.execute(
                select(_FILES.c.atelier_id, _FILES.c.id, _FILES.c.file_id, _FILES.c.position)
                .where(
                    _FILES.c.atelier_id.in_(atelier_ids[start : start + _ID_BATCH]),
                    _FILES.c.purpose == FilePurpose.PORTFOLIO,
                )
                .order_by(_FILES.c.atelier_id, _FILES.c.position, _FILES.c.id)
            )
            for atelier_id, file_ref_id, file_id, position in rows:
                self._current.setdefault(atelier_id, []).append((file_ref_id, file_id, position))

    def replace(self, atelier_id: int, owner_id: int | None, pictures: Sequence[str]) -> bool:
        """Plan the atelier's portfolio as `pictures`; False when it already is just that."""
        current = self._current.get(atelier_id, [])
        if len(current) == len(pictures) and all(
            file_id == wanted for (_, file_id, _), wanted in zip(current, pictures, strict=True)
        ):
            return False
        kept: dict[str, tuple[int, int]] = {}
        for file_ref_id, file_id, position in current:
            if file_id in pictures and file_id not in kept:
                kept[file_id] = (file_ref_id, position)
            else:
                self._deleted.append(file_ref_id)
        for position, file_id in enumerate(pictures):
            found = kept.get(file_id)
            if found is None:
                self._added.append((atelier_id, owner_id, file_id, position))
            elif found[1] != position:
                self._moved.append({"_id": found[0], "position": position})
        return True

    async def write(self, session: AsyncSession) -> None:
        for start in range(0, len(self._deleted), _ID_BATCH):
            await session.execute(
                delete(_FILES).where(_FILES.c.id.in_(self._deleted[start : start + _ID_BATCH]))
            )
        if self._moved:
            await session.execute(
                update(_FILES)
                .where(_FILES.c.id == bindparam("_id"))
                .values(position=bindparam("position")),
                self._moved,
            )
        if self._added:
            await _insert_pictures(session, self._added)


_PICTURE_COLUMNS = (
    "purpose",
    "kind",
    "atelier_id",
    "owner_id",
    "file_id",
    "position",
    "created_at",
)
_SQLITE_INSERT_PICTURES = (
    f"INSERT INTO {_FILES.name} ({', '.join(_PICTURE_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _PICTURE_COLUMNS)})"
)


async def _insert_pictures(
    session: AsyncSession, pictures: Sequence[tuple[int, int | None, str, int]]
) -> None:
    """New portfolio photos as the atelier rows go in: COPY on PostgreSQL, one executemany of
    plain tuples on SQLite (values already as stored, the timestamp converted once)."""
    now = utcnow()
    connection = await session.connection()
    dialect = connection.dialect
    stamp: Any = now
    if dialect.name != "postgresql":
        processor = _FILES.c.created_at.type.dialect_impl(dialect).bind_processor(dialect)
        stamp = processor(now) if processor is not None else now
    records = [
        (
            FilePurpose.PORTFOLIO.value,
            FileKind.PHOTO.value,
            atelier,
            owner,
            file_id,
            position,
            stamp,
        )
        for atelier, owner, file_id, position in pictures
    ]
    if dialect.name == "postgresql":
        raw = await connection.get_raw_connection()
        await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
            _FILES.name, records=records, columns=list(_PICTURE_COLUMNS)
        )
        return
    await connection.exec_driver_sql(_SQLITE_INSERT_PICTURES, records)


def _decoded(values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: json.loads(value) if name in _LIST_FIELDS else value for name, value in values.items()
    }


async def _insert(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """New ateliers: COPY on PostgreSQL, one executemany of plain tuples on SQLite."""
    now = utcnow()
    connection = await session.connection()
    dialect = connection.dialect
    if dialect.name == "postgresql":
        for values in rows:
            values["created_at"] = values["updated_at"] = now
        raw = await connection.get_raw_connection()
        await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
            _TABLE.name,
            records=[_inserted_of(values) for values in rows],
            columns=list(_INSERTED),
        )
        return
    # Every value is already what the driver stores (JSON text, str, int, bool) but the
    # timestamps, converted once: SQLAlchemy's per-row parameter processing would cost more
    # than the database's own work.
    stamp = _TABLE.c.created_at.type.dialect_impl(dialect).bind_processor(dialect)
    stored_now = stamp(now) if stamp is not None else now
    for values in rows:
        values["created_at"] = values["updated_at"] = stored_now
        values["source"] = str(values["source"])
    await connection.exec_driver_sql(_SQLITE_INSERT, [_inserted_of(values) for values in rows])


_SQLITE_INSERT = (
    f"INSERT INTO {_TABLE.name} ({', '.join(_INSERTED)}) "
    f"VALUES ({', '.join('?' for _ in _INSERTED)})"
)


async def import_registry(
    session: AsyncSession,
    stream: TextIO,
    *,
    on_row: Callable[[int], None] | None = None,
    max_portfolio: int = MAX_PORTFOLIO,
) -> ImportReport:
    """Validate the whole file and upsert it in one transaction, or write nothing.

    Rows are written a chunk at a time as they are validated, so memory stays flat however
    long the file is. The first bad line stops the writing; the rest of the file is still
    read, so the report names every problem, and the transaction is rolled back.
    """
    report = ImportReport()
    reader = CategoryReader()
    errors: list[RowError] = []
    try:
        async with session.begin():
            chunk: list[AtelierRecord] = []
            for record in iter_registry_csv(
                stream, errors, on_row=on_row, max_portfolio=max_portfolio
            ):
                if errors:
                    chunk.clear()
                    continue
                chunk.append(record)
                if len(chunk) == _CHUNK:
                    await _upsert_chunk(session, chunk, reader, report)
                    chunk = []
            if errors:
                raise _InvalidFileError
            if chunk:
                await _upsert_chunk(session, chunk, reader, report)
    except _InvalidFileError:
        return ImportReport(errors=errors)
    return report


def _row_for_export(atelier: Atelier, portfolio: Sequence[str]) -> list[str]:
    out: list[str] = []
    for column in CSV_COLUMNS:
        value = getattr(atelier, column)
        out.append(";".join(value) if column in LIST_COLUMNS else str(value))
    out.append(atelier.moq_per)
    out.append("true" if atelier.verified else "false")
    out.append(" ".join(portfolio))
    return out


async def export_registry(session: AsyncSession, stream: TextIO) -> int:
    """Write every listed atelier in the import format (plus `verified` and `portfolio`);
    returns the count.

    One streamed query: each atelier comes with its portfolio's rows (cover first), so the
    export reads nothing per atelier and holds one atelier at a time.
    """
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([*CSV_COLUMNS, *OPTIONAL_COLUMNS])
    count = 0
    result = await session.stream(
        select(Atelier, FileRef.file_id)
        .outerjoin(
            FileRef,
            (FileRef.atelier_id == Atelier.id) & (FileRef.purpose == FilePurpose.PORTFOLIO),
        )
        .where(Atelier.listed.is_(True))
        .order_by(Atelier.ref, FileRef.position, FileRef.id)
    )
    current: Atelier | None = None
    pictures: list[str] = []
    async for atelier, file_id in result:
        if current is not None and atelier.id != current.id:
            writer.writerow(_row_for_export(current, pictures))
            count += 1
            pictures = []
        current = atelier
        if file_id is not None:
            pictures.append(file_id)
    if current is not None:
        writer.writerow(_row_for_export(current, pictures))
        count += 1
    return count
