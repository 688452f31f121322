"""Contacts people type: an e-mail address and/or a phone number, validated and normalised
(email-validator's form, E.164)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from parsing.core import ParseError
from parsing.text import prepare

# phonenumbers and email-validator are imported by the functions that read a contact, not
# here: a starting bot would otherwise pay for them before its first match.
if TYPE_CHECKING:
    import phonenumbers

# Addresses are picked out of a sentence by splitting on what cannot be part
# of one (splitting, not searching, keeps this linear on long input); the real
# validation is email-validator's.
_EMAIL_SPLIT_RE: Final = re.compile(r"[\s,;<>()\[\]\"']+")
_MAX_EMAIL_CHARS: Final = 254  # RFC 5321 path limit
_PHONE_ONLY_RE: Final = re.compile(r"[0-9+()./\s-]+")


def _email_candidates(text: str) -> list[str]:
    return [token for token in _EMAIL_SPLIT_RE.split(text) if "@" in token]


def _validate_email(candidate: str) -> str | None:
    from email_validator import EmailNotValidError, validate_email

    candidate = candidate.removeprefix("mailto:").strip(".,;:!?")
    if not candidate or len(candidate) > _MAX_EMAIL_CHARS:
        return None
    try:
        return validate_email(candidate, check_deliverability=False).normalized
    except (EmailNotValidError, UnicodeError, ValueError):
        return None


def parse_email(text: str) -> str | ParseError:
    """An e-mail address, also inside a sentence ("my email is a@b.it").

    Returns email-validator's normalised form (domain lower-cased, Unicode
    normalised). With several addresses the first valid one is taken.
    """
    prepared = prepare(text)
    if isinstance(prepared, ParseError):
        return prepared
    candidates = _email_candidates(prepared)
    for candidate in candidates:
        email = _validate_email(candidate)
        if email is not None:
            return email
    return ParseError("bad_email", candidates[0] if candidates else "")


def _e164(number: phonenumbers.PhoneNumber) -> str:
    import phonenumbers

    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _find_phone(text: str, default_region: str) -> str | None:
    """The first valid phone number in ``text``, as E.164."""
    import phonenumbers

    if _PHONE_ONLY_RE.fullmatch(text):
        # Only phone characters: parse directly, which is more forgiving of
        # formatting than searching inside prose.
        try:
            number = phonenumbers.parse(text, default_region)
        except phonenumbers.NumberParseException:
            return None
        return _e164(number) if phonenumbers.is_valid_number(number) else None
    # With letters around, parse() would read them as keypad letters
    # ("call me" -> digits), so search for real numbers instead.
    matcher = phonenumbers.PhoneNumberMatcher(
        text, default_region, leniency=phonenumbers.Leniency.VALID
    )
    for match in matcher:
        return _e164(match.number)
    return None


def parse_phone(text: str, default_region: str = "IT") -> str | ParseError:
    """A phone number, national ("333 123 4567") or international ("+44 20 …"), as E.164."""
    prepared = prepare(text)
    if isinstance(prepared, ParseError):
        return prepared
    phone = _find_phone(prepared, default_region) if any(ch.isdigit() for ch in prepared) else None
    return phone if phone is not None else ParseError("bad_phone")


def parse_contact(
    text: str, default_region: str = "IT"
) -> tuple[str | None, str | None] | ParseError:
    """An e-mail and/or a phone number in one line; returns ``(email, phone)``.

    At least one must be present. Something that looks like an address or a
    number but is not valid is reported (``bad_email`` / ``bad_phone``) rather
    than dropped, so the user gets to fix it.
    """
    prepared = prepare(text)
    if isinstance(prepared, ParseError):
        return prepared
    email: str | None = None
    candidates = _email_candidates(prepared)
    for candidate in candidates:
        email = _validate_email(candidate)
        if email is not None:
            break
    if candidates and email is None:
        return ParseError("bad_email", candidates[0])
    rest = " ".join(t for t in _EMAIL_SPLIT_RE.split(prepared) if "@" not in t)
    phone = _find_phone(rest, default_region) if any(ch.isdigit() for ch in rest) else None
    if phone is None and sum(ch.isdigit() for ch in rest) >= 6:
        return ParseError("bad_phone")
    if email is None and phone is None:
        return ParseError("bad_contact")
    return email, phone


# What gives a way to reach someone away in a caption or a file name: a link (a scheme, "www.",
# a Telegram or WhatsApp short link, or a bare domain under a common top-level domain) and a
# Telegram @handle. File extensions (".pdf", ".jpg") are no domains.
_LINK_RE: Final = re.compile(
    r"(?i)(?:\b[a-z][a-z0-9+.-]*://|\bwww\.|\b(?:t|wa|telegram)\.me/|"
    r"\b[a-z0-9][a-z0-9-]*\.(?:com|it|net|org|io|me|eu|co|info|biz|shop|store|studio|design|"
    r"fashion|fr|de|es|pt|uk|ch|at|nl|be|us)\b)"
)
_HANDLE_RE: Final = re.compile(r"(?<![\w.@])@[A-Za-z][A-Za-z0-9_]{3,31}\b")
_NAME_SEPARATORS_RE: Final = re.compile(r"[_]+")
_MAX_CONTACT_SCAN: Final = 2000


def find_contact(text: str, default_region: str = "IT") -> str | None:
    """What kind of contact a caption or a file name carries — ``"email"``, ``"phone"``,
    ``"handle"`` or ``"link"`` — or None when it carries none.

    Meant for text passed on to someone before they may see a contact: it errs on the side of
    finding one. Underscores count as spaces, as in file names ("call_me_333_1234567.pdf").
    """
    text = _NAME_SEPARATORS_RE.sub(" ", text[:_MAX_CONTACT_SCAN])
    if any(_validate_email(candidate) for candidate in _email_candidates(text)):
        return "email"
    if _HANDLE_RE.search(text):
        return "handle"
    if _LINK_RE.search(text):
        return "link"
    if sum(ch.isdigit() for ch in text) >= 6:
        import phonenumbers

        matcher = phonenumbers.PhoneNumberMatcher(
            text, default_region, leniency=phonenumbers.Leniency.POSSIBLE
        )
        for match in matcher:
            if phonenumbers.is_valid_number(match.number):
                return "phone"
    return None
