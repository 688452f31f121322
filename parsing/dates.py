"""Deadlines people type: dates, durations ("tra 10 settimane"), months, seasons and
"end of the year", read into a calendar day; and whole weeks until a day."""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Callable
from datetime import MAXYEAR, MINYEAR, date, datetime, time, timedelta
from functools import lru_cache
from typing import Final

from babel import Locale

from parsing.core import LANGS, ParseError, lang_code, other_lang
from parsing.numbers import parse_quantity, words_to_digits
from parsing.text import DASHES, closest, fold, has_alnum, prepare

#: The furthest deadline a designer can give, in weeks from today (two years).
DEADLINE_HORIZON_WEEKS: Final = 104
#: The longest lead time an atelier can state, typed in the bot or imported from CSV. No
#: deadline lies further away, so an atelier needing longer could never be matched.
MAX_LEAD_TIME_WEEKS: Final = DEADLINE_HORIZON_WEEKS

# A deadline is a few words; sentences longer than this are not worth handing
# to dateparser, whose cost grows quickly with length.
_DATE_MAX_CHARS: Final = 120


@lru_cache(maxsize=1)
def _month_names() -> dict[str, int]:
    """Month names and abbreviations in English and Italian, from CLDR via Babel."""
    names: dict[str, int] = {"sept": 9}  # common English abbreviation CLDR lacks
    for code in LANGS:
        months = Locale.parse(code).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in months[context][width].items():
                    names[fold(str(name)).rstrip(".")] = int(number)
    return names


# Season starts, astronomical and rounded to the usual calendar day; a bare
# season means its first day, like the start of a fashion delivery window.
_SEASONS: Final = {
    "spring": (3, 21), "primavera": (3, 21),
    "summer": (6, 21), "estate": (6, 21),
    "autumn": (9, 23), "fall": (9, 23), "autunno": (9, 23),
    "winter": (12, 21), "inverno": (12, 21),
}  # fmt: skip
_SEASON_ORDER: Final = ((3, 21), (6, 21), (9, 23), (12, 21))

# Words worth correcting when misspelt ("Mrach", "setimane"). Short words and
# "fall" are left out: too many ordinary words sit one edit away from them.
_DATE_UNITS: Final = (
    "weeks", "settimana", "settimane", "months", "month", "mesi", "giorni", "giorno",
    "years", "prossimo", "prossima", "next",
)  # fmt: skip
# Correctly spelt words of date phrases that sit one edit away from a
# correction target ("mese" / "mesi", "anno" / "anni") and must stay as typed.
_DATE_WORDS: Final = frozenset(
    {
        "week", "mese", "anno", "anni", "year", "day", "days", "giorno", "fine", "inizio", "early",
        "late", "metà", "meta", "middle", "start", "beginning", "this", "questo", "questa", "entro",
        "from", "today", "oggi", "domani", "tomorrow", "dopodomani", "within", "before", "prima",
        "della", "dell", "deadline", "scadenza", "latest", "massimo", "tardi", "partire",
    }
)  # fmt: skip


@lru_cache(maxsize=1)
def _date_vocabulary() -> tuple[frozenset[str], tuple[str, ...]]:
    """(words known as they are, words a typo may be corrected to)."""
    targets = [name for name in _month_names() if len(name) >= 4]
    targets += [season for season in _SEASONS if season != "fall"]
    targets += _DATE_UNITS
    known = frozenset(targets) | frozenset(_month_names()) | frozenset(_SEASONS) | _DATE_WORDS
    return known, tuple(targets)


_END: Final = r"(?:(?:the\s+)?end\s+of(?:\s+the)?|late|(?:alla\s+|a\s+|la\s+)?fine(?:\s+(?:di|del|della|dell))?)"
_START: Final = (
    r"(?:(?:the\s+)?(?:beginning|start)\s+of(?:\s+the)?|early"
    r"|(?:all\s+|ad\s+|a\s+|l\s+)?inizio(?:\s+(?:di|del|della|dell))?)"
)
_MID: Final = r"(?:mid\s*-?|(?:the\s+)?middle\s+of(?:\s+the)?|(?:a\s+|la\s+)?met[aà](?:\s+(?:di|del|della|dell))?)"
_BEFORE: Final = r"before"  # "prima di" is rewritten to "before" beforehand
_MODIFIER: Final = rf"(?:(?P<end>{_END})|(?P<start>{_START})|(?P<mid>{_MID})|(?P<before>{_BEFORE}))"


@lru_cache(maxsize=1)
def _date_patterns() -> tuple[
    re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]
]:
    months = "|".join(sorted(map(re.escape, _month_names()), key=len, reverse=True))
    seasons = "|".join(_SEASONS)
    month = re.compile(
        rf"^{_MODIFIER}?\s*(?:(?:of|di|in|a|ad|the)\s+)?(?P<month>{months})\.?(?:\s+(?:of\s+|del\s+)?(?P<year>\d{{4}}))?$"
    )
    season = re.compile(
        rf"^{_MODIFIER}?\s*(?:(?:the|la|l|in|a|this|questa|quest|next|prossima)\s+)*(?P<season>{seasons})"
        rf"(?:\s+(?:prossima|prossimo|next))?(?:\s+(?P<year>\d{{4}}))?$"
    )
    relative_month = re.compile(
        rf"^{_MODIFIER}?\s*(?:this\s+month|questo\s+mese|(?P<bare>(?:the\s+)?month|(?:del\s+|il\s+)?mese)"
        rf"|(?P<next>next\s+month|(?:il\s+|del\s+)?(?:prossimo\s+mese|mese\s+prossimo)))$"
    )
    year_end = re.compile(
        rf"^(?:(?P<end>{_END})|(?P<start>{_START}))\s*(?:(?P<this>(?:the|this)\s+year|(?:dell\s+|l\s+)?anno|quest\s+anno)"
        rf"|(?P<next>next\s+year|(?:dell\s+|del\s+|l\s+)?(?:anno\s+prossimo|prossimo\s+anno)))$"
    )
    # The one holiday people name as a deadline; its date does not move.
    christmas = re.compile(rf"^(?P<before>{_BEFORE})?\s*(?:christmas|xmas|natale)$")
    return month, season, relative_month, year_end, christmas


_ASAP_RE: Final = re.compile(
    r"\b(?:asap|a\s*s\s*a\s*p|as\s+soon\s+as\s+possible|urgent|urgente|urgently|subito|immediately|right\s+away"
    r"|(?:il\s+)?prima\s+possibile|quanto\s+prima|al\s+pi[uù]\s+presto|appena\s+possibile|prestissimo)\b"
)
_VAGUE_RE: Final = re.compile(
    r"^(?:\d+|next\s+year|(?:l\s+)?anno\s+prossimo|(?:il\s+)?prossimo\s+anno|this\s+year|quest\s+anno"
    r"|soon|presto|a\s+breve|later|dopo|flexible|flessibile|whenever|quando\s+vuoi|no\s+rush)$"
)
# Words in front of a date that add nothing: "by 15 March", "entro il 15 marzo".
_DATE_PREFIX_RE: Final = re.compile(
    r"^(?:deadline|scadenza|by|on|for|within|around|before(?=\s+(?:the\s+)?\d)|entro|per|verso|intorno\s+a"
    r"|the|il|lo|la|l|le|al|allo|alla)\s+"
)
_DATE_SUFFIX_RE: Final = re.compile(
    r"\s+(?:at\s+the\s+latest|al\s+massimo|al\s+pi[uù]\s+tardi|da\s+oggi|a\s+partire\s+da\s+oggi|from\s+today|max)$"
)


def _last_day(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def _pick(match: re.Match[str], first: date, last: date) -> date:
    """The day of a period that the modifier in ``match`` points at."""
    if match.group("start"):
        return first
    if match.group("mid"):
        return first + timedelta(days=((last - first).days + 1) // 2 - 1)
    if match.group("before"):
        return first - timedelta(days=1)
    return last


def _next_occurrence(make: Callable[[int], date], today: date, year: str | None) -> date:
    """``make(year)`` for the given year, or for the first year (from last year on) not in the past."""
    if year is not None:
        return make(int(year))
    candidates = [make(y) for y in (today.year - 1, today.year, today.year + 1)]
    return next((d for d in candidates if d >= today), candidates[-1])


def _season_period(year: int, start: tuple[int, int]) -> tuple[date, date]:
    index = _SEASON_ORDER.index(start)
    begin = date(year, *start)
    end_year = year + 1 if index == len(_SEASON_ORDER) - 1 else year
    end = date(end_year, *_SEASON_ORDER[(index + 1) % len(_SEASON_ORDER)]) - timedelta(days=1)
    return begin, end


def _has_modifier(match: re.Match[str]) -> bool:
    return any(match.group(name) for name in ("end", "start", "mid", "before"))


def _month_date(match: re.Match[str], today: date) -> date:
    month = _month_names()[match.group("month")]
    return _next_occurrence(
        lambda y: _pick(match, date(y, month, 1), _last_day(y, month)), today, match.group("year")
    )


def _season_date(match: re.Match[str], today: date) -> date:
    start = _SEASONS[match.group("season")]
    if _has_modifier(match) and not match.group("start"):
        return _next_occurrence(
            lambda y: _pick(match, *_season_period(y, start)), today, match.group("year")
        )
    return _next_occurrence(lambda y: date(y, *start), today, match.group("year"))


def _relative_month_date(match: re.Match[str], today: date) -> date | None:
    if match.group("bare") and not _has_modifier(match):
        return None  # "month" or "mese" on its own is no date
    index = today.month - 1 + (1 if match.group("next") else 0)
    year, month = today.year + index // 12, index % 12 + 1
    return _pick(match, date(year, month, 1), _last_day(year, month))


# "in 10 weeks", "tra 3 mesi", "20 giorni": the commonest answers, computed directly
# (dateparser would get there too, at a hundred times the cost).
_DURATION_RE: Final = re.compile(
    r"^(?:in|tra|fra)?\s*(?P<count>\d{1,3})\s*"
    r"(?P<unit>days?|giorni|giorno|weeks?|settimane|settimana|months?|mesi|mese)$"
)


def _after_duration(count: int, unit: str, today: date) -> date:
    if unit.startswith(("day", "giorn")):
        return today + timedelta(days=count)
    if unit.startswith(("week", "settiman")):
        return today + timedelta(weeks=count)
    month_index = today.month - 1 + count
    year, month = today.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(today.day, monthrange(year, month)[1]))


def _special_date(text: str, today: date) -> date | None:
    """Month, season and "end of the month/year" phrases, which dateparser does not know.

    A bare month is the end of its next occurrence ("marzo" in November 2026
    is 31 March 2027): the designer has given the whole month, so its last day
    is the latest that still satisfies them. "Christmas"/"Natale" is 25 December. "early"/"inizio" gives the 1st,
    "mid"/"metà" the middle, "before"/"prima di" the day before the month.
    A season means its first day (21 Mar, 21 Jun, 23 Sep, 21 Dec), the next
    one on or after today; "end of"/"fine" a season means its last day.
    """
    if match := _DURATION_RE.match(text):
        return _after_duration(int(match.group("count")), match.group("unit"), today)
    month_re, season_re, relative_month_re, year_re, christmas_re = _date_patterns()
    builders: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], date], date]], ...] = (
        (month_re, _month_date),
        (season_re, _season_date),
    )
    for pattern, build in builders:
        if match := pattern.match(text):
            year = match.group("year")
            if year is not None and not MINYEAR < int(year) < MAXYEAR:
                return None  # "marzo 0000": the period around it is not representable
            return build(match, today)
    if match := relative_month_re.match(text):
        return _relative_month_date(match, today)
    if match := christmas_re.match(text):
        christmas = _next_occurrence(lambda y: date(y, 12, 25), today, None)
        return christmas - timedelta(days=1) if match.group("before") else christmas
    if match := year_re.match(text):
        year = today.year + (1 if match.group("next") else 0)
        return date(year, 1, 1) if match.group("start") else date(year, 12, 31)
    return None


def _fix_typos(text: str) -> str:
    known, targets = _date_vocabulary()

    def fix(match: re.Match[str]) -> str:
        word = match.group()
        if word in known:
            return word
        return closest(word, targets) or word

    return re.sub(r"[^\W\d_]{4,}", fix, text)


def _normalise_date_text(text: str, lang: str) -> str:
    lowered = text.casefold().translate(DASHES)
    # Elisions ("l'estate", "dell'anno", "quest'anno") become separate words.
    lowered = re.sub(r"\s*['’`]\s*", " ", lowered)
    lowered = " ".join(lowered.split()).strip(" .,;:!?")
    # "asap" next to a real date ("asap, by 15 March") must not hide the date;
    # parse_deadline notices it on the raw text. It also has to go before
    # text2num, which reads "prima" in "il prima possibile" as "1st" and
    # "primi"/"prima di" likewise, so those phrases are rewritten first.
    lowered = " ".join(_ASAP_RE.sub(" ", lowered).split()).strip(" .,;:!?")
    lowered = re.sub(r"\bprima\s+(?:di|del|della|dell)\b", "before", lowered)
    lowered = re.sub(r"\b(?:ai\s+|i\s+)?primi\s+(?:di|del|dell)\b", "inizio di", lowered)
    lowered = words_to_digits(lowered, lang)
    # text2num writes Italian ordinals as "1º"; dateparser wants "1 marzo".
    lowered = re.sub(r"(?<=\d)[ºª°]", "", lowered)
    # dateparser knows "tra 3 mesi" but not its synonym "fra 3 mesi".
    lowered = re.sub(r"\bfra\b", "tra", lowered)
    lowered = _fix_typos(lowered)
    previous = None
    while previous != lowered:
        previous = lowered
        lowered = _DATE_PREFIX_RE.sub("", lowered)
        lowered = _DATE_SUFFIX_RE.sub("", lowered)
    return lowered


def _dateparser(text: str, lang: str, today: date) -> date | None:
    # Imported when a deadline first needs it (many are read without it), not with the module:
    # a starting bot would otherwise pay for it before its first match.
    import dateparser

    try:
        parsed = dateparser.parse(
            text,
            languages=[lang, other_lang(lang)],
            settings={
                "PREFER_DATES_FROM": "future",
                "DATE_ORDER": "DMY",
                "RELATIVE_BASE": datetime.combine(today, time()),
                "RETURN_AS_TIMEZONE_AWARE": False,
                # The timestamp parser would turn "1700000000" into a date, and
                # "no-spaces-time" reads odd digit strings as far-off years.
                "PARSERS": ["relative-time", "custom-formats", "absolute-time"],
            },
        )
    except Exception:  # third-party parser: any failure on odd input just means "not a date"
        return None
    return parsed.date() if parsed is not None else None


# A numeric day/month/year whose fields are each plausible: "31/02/2027", "31.04.27".
_NUMERIC_DATE_RE: Final = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$")


def _impossible_day(text: str) -> bool:
    """Whether ``text`` is a day/month date of a day the month does not have (31 February)."""
    match = _NUMERIC_DATE_RE.match(text)
    if match is None:
        return False
    day, month = int(match.group(1)), int(match.group(2))
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return False
    year = match.group(3)
    # Without a year, 29 February exists (in leap years), so only the year decides.
    full_year = None if year is None else int(year) + (2000 if len(year) == 2 else 0)
    last = monthrange(full_year if full_year is not None else 2000, month)[1]
    return day > last


def parse_deadline(
    text: str, lang: str = "en", *, today: date, max_weeks: int = DEADLINE_HORIZON_WEEKS
) -> date | ParseError:
    """When the finished pieces are needed.

    Accepts dates ("15/03/2027" day first in both languages, "2027-03-15",
    "15 marzo 2027"), durations ("in 10 weeks", "tra 10 settimane", "fra 3
    mesi", "10 weeks"), months ("March", "fine maggio"), seasons ("next spring",
    "la prossima primavera") and "end of the month/year". See
    :func:`_special_date` for how months and seasons become a day. Dates
    without a year are the next occurrence. Today is allowed; earlier is
    ``in_the_past``, later than ``max_weeks`` weeks is ``too_far``.
    """
    if isinstance(today, datetime):
        today = today.date()  # a datetime would not compare with the dates below
    prepared = prepare(text)
    if isinstance(prepared, ParseError):
        return prepared
    if len(prepared) > _DATE_MAX_CHARS:
        return ParseError("too_long", str(len(prepared)))
    if not has_alnum(prepared):
        return ParseError("not_a_date")
    code = lang_code(lang)
    normalised = _normalise_date_text(prepared, code)
    if _VAGUE_RE.match(normalised):
        return ParseError("too_vague", normalised)
    deadline = _special_date(normalised, today)
    if deadline is None and normalised:
        deadline = _dateparser(normalised, code, today)
    if deadline is None:
        if _ASAP_RE.search(prepared.casefold()):
            return ParseError("asap")
        if _impossible_day(normalised):
            return ParseError("no_such_day", normalised)
        return ParseError("not_a_date")
    if deadline < today:
        return ParseError("in_the_past", deadline.isoformat())
    if deadline > today + timedelta(weeks=max_weeks):
        return ParseError("too_far", deadline.isoformat())
    return deadline


def weeks_until(deadline: date, today: date) -> int:
    """Whole weeks from ``today`` to ``deadline``, rounded down, never negative."""
    if isinstance(deadline, datetime):
        deadline = deadline.date()
    if isinstance(today, datetime):
        today = today.date()
    return max(0, (deadline - today).days // 7)


# --------------------------------------------------------------------------
# Lead times

_LEAD_MONTHS: Final = re.compile(r"\b(months?|mes[ei])\b", re.IGNORECASE)
_LEAD_YEARS: Final = re.compile(r"\b(years?|ann[oi])\b", re.IGNORECASE)
_LEAD_DAYS: Final = re.compile(r"\b(days?|giorn[oi]|gg)\b", re.IGNORECASE)
# "a month", "an year", "a week": the article is the number (text2num already reads "un mese").
_LEAD_ARTICLE: Final = re.compile(
    r"^\s*(?:a|an)\s+(?=(?:weeks?|months?|years?|days?)\b)", re.IGNORECASE
)
# Weeks are counted with a generous bound first, so "300 weeks" is reported as too long (with
# the real limit), not as an unreadable number.
_LEAD_SCAN_LIMIT: Final = 10_000


def parse_lead_time(text: str, lang: str = "en") -> int | ParseError:
    """Whole weeks from order to delivery: "6", "6 weeks", "4-6 settimane" (the longer end),
    "2 mesi", "a month", "10 days" (rounded up to whole weeks).

    Months are 13/3 weeks and years 52, rounded up. Over :data:`MAX_LEAD_TIME_WEEKS` is
    ``too_large`` with that limit as the detail; other errors are :func:`parse_quantity`'s.
    """
    quantity = parse_quantity(_LEAD_ARTICLE.sub("1 ", text), lang, maximum=_LEAD_SCAN_LIMIT)
    if isinstance(quantity, ParseError):
        if quantity.code == "too_large":
            return ParseError("too_large", str(MAX_LEAD_TIME_WEEKS))
        return quantity
    weeks = quantity.high
    if _LEAD_YEARS.search(text):
        weeks *= 52
    elif _LEAD_MONTHS.search(text):
        weeks = -(-weeks * 13 // 3)  # months to weeks, rounded up (52 / 12 = 13 / 3)
    elif _LEAD_DAYS.search(text):
        weeks = -(-weeks // 7)
    if weeks > MAX_LEAD_TIME_WEEKS:
        return ParseError("too_large", str(MAX_LEAD_TIME_WEEKS))
    return weeks
