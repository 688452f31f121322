"""Turn what people type to the bot into typed values, or say why not.

Designers and ateliers answer the interview in free text, in English or
Italian, with typos. Every ``parse_*`` function here takes the raw text of one
message and returns either the typed value or a :class:`ParseError` whose
``code`` selects the localized re-ask message (with an example) that the
interview sends next. They never raise on any input string: an exception out
of this package is a bug, not a user error. ``format_*`` functions go the other
way, to echo values back in the user's language.

The package is pure: it knows nothing of Telegram, the database or the
scheduler, so every parser can be tested (and reused by the CSV import) on
plain strings. One module per concern:

* :mod:`parsing.numbers` — quantities, counts, percentages;
* :mod:`parsing.money` — budgets and amounts in an expected currency;
* :mod:`parsing.dates` — deadlines and lead times;
* :mod:`parsing.contacts` — e-mail addresses and phone numbers;
* :mod:`parsing.places` — countries, regions, provinces and addresses, with the
  gazetteer of :mod:`parsing.gazetteer`;
* :mod:`parsing.sizes` — size ranges ("XS-XL", "38-46", "one size");
* :mod:`parsing.text` — clean-up, accent folding, free text;
* :mod:`parsing.details` — the quantity, styles, deadline, place and handwork a longer
  sentence states ("60 silk blouses, delivery in 10 weeks, made in Tuscany");
* :mod:`parsing.answers` — word answers (yes, no, skip, none, done, anywhere, flexible,
  don't know, as soon as possible) in English, Italian, French, Spanish and Portuguese.

Error codes (``ParseError.code``):

* any parser: ``empty`` (nothing but whitespace), ``too_long`` (over
  :data:`MAX_INPUT_CHARS`, or over a parser's own smaller limit);
* numbers: ``not_a_number``, ``negative``, ``zero``, ``too_large``,
  ``ambiguous`` (several numbers that do not form a range, or a range where one
  number is required), ``out_of_range`` (percentages);
* dates: ``not_a_date``, ``no_such_day`` (a day the month does not have, such as
  31/02/2027), ``in_the_past``, ``too_far``, ``asap`` ("as soon as
  possible": the bot should ask for a concrete date), ``too_vague`` (a bare
  number or year, "next year");
* money: :class:`MoneyProblem` (``other_currency`` among them);
* ``bad_currency``, ``bad_email``, ``bad_phone``, ``bad_contact`` (neither an
  e-mail nor a phone number), ``bad_country``, ``bad_region``.

``range_inverted`` is never produced: "100-50" is read as 50..100, because the
order carries no information and re-asking would only cost the user a turn.
"""

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from parsing.answers import DEADLINE_WORDS, SKIP_WORDS, AnswerWord, answer_word, answer_words
    from parsing.contacts import find_contact, parse_contact, parse_email, parse_phone
    from parsing.core import MAX_INPUT_CHARS, ParseError
    from parsing.dates import (
        DEADLINE_HORIZON_WEEKS,
        MAX_LEAD_TIME_WEEKS,
        parse_deadline,
        parse_lead_time,
        weeks_until,
    )
    from parsing.details import Details, find_details
    from parsing.money import (
        MAX_BUDGET,
        Money,
        MoneyProblem,
        format_money,
        parse_budget,
        parse_money,
    )
    from parsing.numbers import (
        Quantity,
        format_quantity,
        parse_count,
        parse_percentage,
        parse_quantity,
    )
    from parsing.places import (
        Correction,
        Place,
        country_name,
        parse_address,
        parse_country,
        parse_place,
        parse_region,
        region_label,
    )
    from parsing.sizes import MAX_SIZES, Sizes, parse_sizes
    from parsing.text import clean_text, fold, fold_words

__all__ = [
    "DEADLINE_HORIZON_WEEKS",
    "DEADLINE_WORDS",
    "MAX_BUDGET",
    "MAX_INPUT_CHARS",
    "MAX_LEAD_TIME_WEEKS",
    "MAX_SIZES",
    "SKIP_WORDS",
    "AnswerWord",
    "Correction",
    "Details",
    "Money",
    "MoneyProblem",
    "ParseError",
    "Place",
    "Quantity",
    "Sizes",
    "answer_word",
    "answer_words",
    "clean_text",
    "country_name",
    "find_contact",
    "find_details",
    "fold",
    "fold_words",
    "format_money",
    "format_quantity",
    "parse_address",
    "parse_budget",
    "parse_contact",
    "parse_count",
    "parse_country",
    "parse_deadline",
    "parse_email",
    "parse_lead_time",
    "parse_money",
    "parse_percentage",
    "parse_phone",
    "parse_place",
    "parse_quantity",
    "parse_region",
    "parse_sizes",
    "region_label",
    "weeks_until",
]

# The parsers are imported with the first of their names used (PEP 562), not with the package:
# the matcher folds text with parsing.text and needs none of them, and they bring dateparser,
# Babel, pycountry and the phone and e-mail validators into every process that only matches.
_PARSERS = (
    "answers",
    "contacts",
    "core",
    "dates",
    "details",
    "money",
    "numbers",
    "places",
    "sizes",
    "text",
)


def __getattr__(name: str) -> object:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    exported = set(__all__)
    for parser in _PARSERS:
        module = importlib.import_module(f"{__name__}.{parser}")
        globals().update((key, value) for key, value in vars(module).items() if key in exported)
    return globals()[name]
