"""Telegram's limits on text and its formatting: HTML, MarkdownV2 and Markdown checked as Telegram parses them."""

from __future__ import annotations

import html
import re

__all__ = [
    "COMMAND_RE",
    "MAX_CALLBACK_DATA",
    "MAX_CAPTION",
    "MAX_TEXT",
    "markup_problem",
    "plain_text",
    "utf16_len",
]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)
_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_HTML_STRIP_RE = re.compile(r"<[^>]*>")
_MDV2_LINK_RE = re.compile(r"\[([^\]]*)\]\((?:[^)\\]|\\.)*\)")
_MDV2_ESCAPE_RE = re.compile(r"\\(.)")
_MDV2_MARKER_RE = re.compile(r"(?<!\\)(\|\||__|[*_~`])")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode())


def markup_problem(text: str, parse_mode: str | None) -> str | None:
    """Return a Telegram-style description of a formatting error, or None."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _html_problem(text)
    if mode == "markdownv2":
        return _markdown_v2_problem(text)
    if mode == "markdown":
        return _markdown_problem(text)
    return None


def _html_problem(text: str) -> str | None:
    stack: list[tuple[str, int]] = []
    index = text.find("<")
    while index != -1:
        end = text.find(">", index)
        if end == -1:
            return f"Unclosed start tag at byte offset {_byte_offset(text, index)}"
        tag = text[index + 1 : end].strip()
        if tag.startswith("/"):
            name = tag[1:].strip().lower()
            if not stack:
                return f"Unexpected end tag at byte offset {_byte_offset(text, index)}"
            if stack[-1][0] != name:
                return (
                    f"Unmatched end tag at byte offset {_byte_offset(text, index)}, "
                    f'expected "</{stack[-1][0]}>", found "</{name}>"'
                )
            stack.pop()
        else:
            name = tag.split(None, 1)[0].lower() if tag else ""
            if name not in _HTML_TAGS:
                return f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, index)}'
            stack.append((name, index))
        index = text.find("<", end)
    if stack:
        name, _ = stack[-1]
        return f'Can\'t find end tag corresponding to start tag "{name}"'
    return None


def _markdown_v2_problem(text: str) -> str | None:
    stack: list[tuple[str, int]] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        code = "```" if text.startswith("```", index) else "`" if char == "`" else None
        if code is not None:
            close = index + len(code)
            while close < length and not text.startswith(code, close):
                close += 2 if text[close] == "\\" else 1
            if close >= length:
                offset = _byte_offset(text, index)
                return f"Can't find end of Pre entity at byte offset {offset}"
            index = close + len(code)
            continue
        marker = _mdv2_marker(text, index)
        if marker is not None:
            if stack and stack[-1][0] == marker:
                stack.pop()
            else:
                stack.append((marker, index))
            index += len(marker)
            continue
        if char == "[":
            stack.append(("[", index))
        elif char == "]":
            if not stack or stack[-1][0] != "[":
                return "Character ']' is reserved and must be escaped with the preceding '\\'"
            stack.pop()
            if text.startswith("(", index + 1):
                close = index + 2
                while close < length and text[close] != ")":
                    close += 2 if text[close] == "\\" else 1
                if close >= length:
                    offset = _byte_offset(text, index + 1)
                    return f"Can't find end of a url at byte offset {offset}"
                index = close
        elif char == ">" and (index == 0 or text[index - 1] == "\n"):
            pass
        elif char in _MDV2_RESERVED:
            return f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
        index += 1
    if stack:
        marker, where = stack[-1]
        return f"Can't find end of the entity starting at byte offset {_byte_offset(text, where)}"
    return None


def _mdv2_marker(text: str, index: int) -> str | None:
    for marker in ("||", "__"):
        if text.startswith(marker, index):
            return marker
    return text[index] if text[index] in "*_~" else None


def _markdown_problem(text: str) -> str | None:
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char in "*_`[":
            closer = "]" if char == "[" else char
            close = text.find(closer, index + 1)
            if close == -1:
                offset = _byte_offset(text, index)
                return f"Can't find end of the entity starting at byte offset {offset}"
            index = close + 1
            continue
        index += 1
    return None


def plain_text(text: str, parse_mode: str | None) -> str:
    mode = (parse_mode or "").lower()
    if mode == "html":
        return html.unescape(_HTML_STRIP_RE.sub("", text))
    if mode == "markdownv2":
        text = _MDV2_LINK_RE.sub(r"\1", text)
        return _MDV2_ESCAPE_RE.sub(r"\1", _MDV2_MARKER_RE.sub("", text))
    if mode == "markdown":
        text = _MDV2_LINK_RE.sub(r"\1", text)
        return re.sub(r"(?<!\\)[*_`]", "", text).replace("\\", "")
    return text
