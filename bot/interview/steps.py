"""The designer interview as data: its questions in order, what follows each, the fields one
"Edit" button re-asks, the offered choices and the limits. No Telegram here.

Every question is also a state of the conversation; `following()` is the one table of moves.
"""

from __future__ import annotations

from typing import Final

CONVERSATION: Final = "designer_interview"

PRODUCT: Final = "product"
CATEGORY: Final = "category"
MATERIALS: Final = "materials"
QUANTITY: Final = "quantity"
STYLES: Final = "styles"
COLOURWAYS: Final = "colourways"
SIZES: Final = "sizes"
DEADLINE: Final = "deadline"
BUDGET: Final = "budget"
PLACE: Final = "place"
REGION: Final = "region"
COUNTRY: Final = "country"
HANDWORK: Final = "handwork"
CERTIFICATIONS: Final = "certifications"
PACK: Final = "pack"  # optional: tech pack, sketches, reference photos (bot/files)
SUMMARY: Final = "summary"

# Questions in the order a new brief asks them.
ORDER: Final[tuple[str, ...]] = (
    PRODUCT,
    CATEGORY,
    MATERIALS,
    QUANTITY,
    STYLES,
    COLOURWAYS,
    SIZES,
    DEADLINE,
    BUDGET,
    PLACE,
    HANDWORK,
    CERTIFICATIONS,
    PACK,
    SUMMARY,
)
# Every state of the conversation: the questions plus the two that refine "Where?".
QUESTIONS: Final = frozenset(ORDER) | {REGION, COUNTRY}

# What comes after an answered question in a new brief.
FOLLOWING: Final[dict[str, str]] = {
    PRODUCT: CATEGORY,
    CATEGORY: MATERIALS,
    MATERIALS: QUANTITY,
    QUANTITY: STYLES,
    STYLES: COLOURWAYS,
    COLOURWAYS: SIZES,
    SIZES: DEADLINE,
    DEADLINE: BUDGET,
    BUDGET: PLACE,
    PLACE: HANDWORK,
    REGION: HANDWORK,
    COUNTRY: HANDWORK,
    HANDWORK: CERTIFICATIONS,
    CERTIFICATIONS: PACK,
    PACK: SUMMARY,
}
# While one field of the summary is edited, these questions still go one step on: a new product
# has its category confirmed, and the must-haves are the handwork and the certifications.
EDIT_CONTINUES: Final = frozenset({PRODUCT, HANDWORK})

# What each "Edit" button of the summary asks again (the button's field -> the question).
EDIT_TARGETS: Final[dict[str, str]] = {
    "product": PRODUCT,
    "materials": MATERIALS,
    "quantity": QUANTITY,
    "styles": STYLES,
    "colourways": COLOURWAYS,
    "sizes": SIZES,
    "deadline": DEADLINE,
    "budget": BUDGET,
    "place": PLACE,
    "musts": HANDWORK,
    "pack": PACK,
}

# The keys of `context.user_data` the interview keeps between updates.
ANSWERS: Final = "brief"
STATE: Final = "brief_state"
BRIEF_ID: Final = "brief_id"
EDITING: Final = "brief_editing"
GUESS: Final = "brief_guess"
# The questions the first message already answered ("60 silk blouses, by March"): not asked.
STATED: Final = "brief_stated"
# The questions asked before the current one, for /back.
HISTORY: Final = "brief_history"
KEYS: Final = (ANSWERS, BRIEF_ID, STATE, EDITING, GUESS, STATED, HISTORY)
# Deadline answers without a date, by the word answer that gives them.
DEADLINE_FLEXIBLE: Final = "flexible"
DEADLINE_DONT_KNOW: Final = "dont_know"
DEADLINE_ASAP: Final = "asap"

# Special values of the choice buttons next to the taxonomy ids: "none of these – keep my
# words", "something else", "done".
NONE_OF_THESE: Final = "-"
SOMETHING_ELSE: Final = "?"
DONE: Final = "."

# Offered choices.
STYLE_CHOICES: Final = (1, 2, 3, 4, 5, 6)
COLOURWAY_CHOICES: Final = (1, 2, 3, 4, 5, 6)
# Size ranges offered as buttons (the button's word -> the range as typed).
SIZE_CHOICES: Final[dict[str, str]] = {"xs_xl": "XS-XL", "s_l": "S-L", "38_46": "38-46"}
ONE_SIZE: Final = "one"
HANDWORK_CHOICES: Final = (30, 50, 80)
CERTIFICATION_CHOICES: Final = ("gots", "oeko_tex", "grs", "lwg", "bluesign", "sa8000")
FALLBACK_MATERIALS: Final = ("cotton", "wool", "silk", "linen", "leather", "cashmere")
PLACE_CHOICES: Final = ("IT", "any", "region", "other")
MATERIAL_BUTTONS: Final = 10

# Limits, each said in the question or the re-ask. A small brand's collection is a few dozen
# styles at most; a larger one is several briefs.
MAX_STYLES: Final = 50
MAX_PIECES: Final = 100_000
MAX_COLOURWAYS: Final = 20
MAX_MATERIALS: Final = 8
MAX_PRODUCT_TEXT: Final = 500
MAX_MATERIALS_TEXT: Final = 300
MAX_CERTIFICATIONS_TEXT: Final = 200
# Answers like a quantity or a date are short; a wall of text is refused before parsing.
MAX_SHORT_ANSWER: Final = 200


def following(after: str, *, editing: bool, stated: frozenset[str] = frozenset()) -> str:
    """The question after `after`: the next one of a new brief that is not answered yet
    (`stated`), or the summary once an edited field is answered."""
    if editing and after not in EDIT_CONTINUES:
        return SUMMARY
    nxt = FOLLOWING[after]
    while nxt in stated and nxt != SUMMARY and not editing:
        nxt = FOLLOWING[nxt]
    return nxt
