"""How packs and portfolios read: the pack question with its files, what became of a file or an
album, the pack line of a summary, the readiness checklist and badge, and the files that go with
a message. Plain Python: the handlers and the outbox send what this returns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

import parsing
from bot.core.renderers import Media, Outgoing, Rendering
from bot.db.models import FileKind, FilePurpose, FileRef, User
from bot.files import service as files
from bot.files.buttons import FinishFiles, RemoveFile, SetCover
from bot.i18n import t

Rows = list[list[tuple[str, str]]]
NAME_SHOWN = 30


# --- the mirror of a pack kept with the interview's answers ------------------------------------


def mirror(refs: Sequence[FileRef], limit: int) -> dict[str, Any]:
    """What an interview keeps of its pack between updates (the database holds the files)."""
    return {
        "limit": limit,
        "files": [{"id": r.id, "kind": r.kind, "name": r.file_name or ""} for r in refs],
    }


def _mirrored(pack: object) -> tuple[list[dict[str, Any]], int]:
    if not isinstance(pack, Mapping):
        return [], 10
    items = [f for f in pack.get("files", []) if isinstance(f, Mapping)]
    limit = pack.get("limit")
    return [dict(f) for f in items], limit if isinstance(limit, int) else 10


def _name(item: Mapping[str, Any], lang: str) -> str:
    if item.get("kind") == FileKind.PHOTO or not item.get("name"):
        return t("files.a_photo", lang)
    name = str(item["name"])
    return name if len(name) <= NAME_SHOWN else name[: NAME_SHOWN - 1] + "…"


def pack_question(pack: object, lang: str, where: str = "interview") -> tuple[str, Rows]:
    """ "Send a tech pack, sketches or reference photos…", the files so far (each with its
    remove button) and Done, or Skip while there are none."""
    items, limit = _mirrored(pack)
    text = t("files.ask_pack", lang, limit=limit)
    if items:
        text += "\n\n" + t("files.pack_count", lang, count=len(items), limit=limit)
    rows: Rows = [
        [
            (
                t("files.remove", lang, number=n, name=_name(item, lang)),
                RemoveFile(int(item["id"])).encode(),
            )
        ]
        for n, item in enumerate(items, start=1)
        if isinstance(item.get("id"), int)
    ]
    finish = t("files.done", lang) if items else t("files.skip", lang)
    rows.append([(finish, FinishFiles(where).encode())])
    return text, rows


def portfolio_question(pack: object, lang: str, where: str) -> tuple[str, Rows]:
    """ "Send up to 10 photos of your work and workshop…", the photos so far, each with its
    remove button and, after the first (the cover), a button that makes it the cover; Done, or
    Skip while there are none."""
    items, limit = _mirrored(pack)
    # The registration asks in its own words (it is an optional last question).
    key = "atelier.ask_portfolio" if where == "registration" else "files.ask_portfolio"
    text = t(key, lang, limit=limit)
    if items:
        text += "\n\n" + t("files.portfolio_count", lang, count=len(items), limit=limit)
    rows: Rows = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item.get("id"), int):
            continue
        name = _name(item, lang)
        if n == 1:
            name = t("files.the_cover", lang, name=name)
        row = [(t("files.remove", lang, number=n, name=name), RemoveFile(int(item["id"])).encode())]
        if n > 1:
            row.append((t("files.make_cover", lang, number=n), SetCover(int(item["id"])).encode()))
        rows.append(row)
    finish = t("files.done", lang) if items else t("files.skip", lang)
    rows.append([(finish, FinishFiles(where).encode())])
    return text, rows


def pack_counts(pack: object) -> tuple[int, int]:
    items, _limit = _mirrored(pack)
    photos = sum(1 for i in items if i.get("kind") == FileKind.PHOTO)
    return photos, len(items) - photos


def pack_line(pack: object, lang: str) -> str:
    photos, documents = pack_counts(pack)
    if not photos and not documents:
        return t("files.pack_none", lang)
    return t("files.pack_line", lang, photos=photos, documents=documents)


# --- what became of a file ----------------------------------------------------------------------


def _megabytes(max_bytes: int) -> int:
    return max(1, max_bytes // (1024 * 1024))


def problem(code: str, lang: str, *, purpose: str, limits: files.Limits, name: str = "") -> str:
    if code == files.TOO_MANY and purpose == FilePurpose.PORTFOLIO:
        code = "too_many_portfolio"
    return t(
        f"files.problem.{code}",
        lang,
        limit=limits.max_files,
        megabytes=_megabytes(limits.max_bytes),
        name=parsing.clean_text(name, max_len=80) if name else "",
    )


def outcome(
    added: files.Added, incoming: files.Incoming, lang: str, *, purpose: str, limits: files.Limits
) -> str:
    """One file: kept (and its caption dropped, if it gave a contact away) or why not."""
    if added.problem is not None:
        return problem(
            added.problem, lang, purpose=purpose, limits=limits, name=incoming.file_name or ""
        )
    if incoming.kind == FileKind.PHOTO:
        text = t("files.kept_photo", lang, count=added.count, limit=limits.max_files)
    else:
        name = _name({"kind": incoming.kind, "name": incoming.file_name}, lang)
        text = t("files.kept_document", lang, name=name, count=added.count, limit=limits.max_files)
    if added.caption_dropped:
        text += "\n" + t("files.caption_dropped", lang)
    return text


def album_outcome(answer: files.AlbumReceived, count: int, lang: str) -> str:
    key = "files.album_kept" if answer.kept else "files.album_nothing_kept"
    lines = [t(key, lang, kept=answer.kept, count=count, limit=answer.limit)]
    for code, number in sorted(answer.problems.items()):
        lines.append(
            t(
                f"files.problem.album_{code}",
                lang,
                count=number,
                limit=answer.limit,
                megabytes=_megabytes(answer.max_bytes),
            )
        )
    if answer.dropped:
        lines.append(
            t("files.caption_dropped", lang)
            if answer.dropped == 1
            else t("files.captions_dropped", lang, count=answer.dropped)
        )
    return "\n".join(lines)


# --- readiness -------------------------------------------------------------------------------------

READINESS = ("tech_pack", "sizes", "colourways", "budget", "deadline")


@dataclass(frozen=True, slots=True)
class Readiness:
    """What a brief has of what makes an atelier's yes (and a quote) likely."""

    present: frozenset[str]

    @property
    def score(self) -> int:
        return len(self.present)


def readiness_of(facts: Mapping[str, object]) -> Readiness:
    """From plain facts: `tech_pack` (has a pack), `sizes`, `colourways`, `budget`, `deadline`
    (truthy when given)."""
    return Readiness(frozenset(item for item in READINESS if facts.get(item)))


def readiness_of_brief(brief: object, *, has_pack: bool) -> Readiness:
    """The same for a stored brief (or its facts); sizes and colourways count once the brief
    carries them."""
    return readiness_of(
        {
            "tech_pack": has_pack,
            "sizes": getattr(brief, "size_range", None) or getattr(brief, "sizes", None),
            "colourways": getattr(brief, "colourways", None),
            "budget": getattr(brief, "budget_amount", None),
            "deadline": getattr(brief, "deadline", None),
        }
    )


def checklist(readiness: Readiness, lang: str) -> str:
    lines = [t("files.readiness_title", lang)]
    for item in READINESS:
        key = "files.readiness_yes" if item in readiness.present else "files.readiness_no"
        lines.append(t(key, lang, item=t(f"files.readiness_{item}", lang)))
    return "\n".join(lines)


def badge(readiness: Readiness, lang: str) -> str:
    items = ", ".join(t(f"files.readiness_{i}", lang) for i in READINESS if i in readiness.present)
    return t("files.badge", lang, score=readiness.score, total=len(READINESS), items=items or "–")


# --- files that go with a message ------------------------------------------------------------------


def media_of(refs: Sequence[FileRef]) -> list[Media]:
    """The files as they are sent on, captions checked once more for contacts."""
    return [
        Media(r.kind, r.file_id, files.clean_caption(r.caption)[0])
        for r in refs
        if r.kind in (FileKind.PHOTO, FileKind.DOCUMENT)
    ]


def with_pack(text: str, refs: Sequence[FileRef], lang: str) -> tuple[str, list[Media]]:
    """A message's text saying what files follow it, and those files."""
    media = media_of(refs)
    if not media:
        return text, []
    photos = sum(1 for m in media if m.kind == FileKind.PHOTO)
    follows = t("files.pack_follows", lang, photos=photos, documents=len(media) - photos)
    return text + "\n\n" + follows, media


# --- the album's one answer (the outbox sends it once the album's last part is in) --------------


async def render_album(
    session: AsyncSession, answer: files.AlbumReceived, user: User
) -> Outgoing | None:
    lang = user.language
    refs = await files.files_of(session, answer.home)
    text = album_outcome(answer, len(refs), lang)
    if answer.purpose == FilePurpose.BRIEF:
        question, rows = pack_question(mirror(refs, answer.limit), lang, answer.where)
        return Outgoing(text + "\n\n" + question, rows)
    question, rows = portfolio_question(mirror(refs, answer.limit), lang, answer.where)
    return Outgoing(text + "\n\n" + question, rows)


RENDERERS = [Rendering(files.AlbumReceived, render_album)]
