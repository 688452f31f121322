"""The cutting ticket as people type it: one line per colourway, its sizes and quantities
("navy: S 10, M 20, L 10" or "blu: 42 5, 44 10"); nothing here knows the chat or the database."""

from __future__ import annotations

import re
from typing import Final

from bot.orders.lifecycle import MAX_TICKET_LINES, TicketLine

_LINE: Final = re.compile(r"^\s*([^:=]{1,40}?)\s*[:=]\s*(.+?)\s*$")
_SIZE: Final = re.compile(
    r"^\s*([^\s=:]{1,10})\s*[=: ]\s*(\d{1,6})\s*(?:pz|pcs|pieces|pezzi)?\s*$", re.I
)
MAX_CHARS: Final = 3000


def parse_ticket_lines(text: str) -> tuple[TicketLine, ...] | str:
    """The lines of a ticket, or a problem code: `format` (a line not "colourway: size qty,
    …"), `too_long`."""
    if len(text) > MAX_CHARS:
        return "too_long"
    lines: list[TicketLine] = []
    for raw in (part for part in re.split(r"[\n;]+", text) if part.strip()):
        match = _LINE.match(raw)
        if match is None:
            return "format"
        colourway = " ".join(match.group(1).split())
        for segment in match.group(2).split(","):
            if not segment.strip():
                continue
            size = _SIZE.match(segment)
            if size is None:
                return "format"
            lines.append(TicketLine(colourway, size.group(1).upper(), int(size.group(2))))
    if not lines:
        return "format"
    if len(lines) > MAX_TICKET_LINES:
        return "too_long"
    return tuple(lines)
