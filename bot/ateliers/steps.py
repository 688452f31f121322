"""The atelier registration as data: its questions in order, the draft keys each fills, the
groups one "Edit" button re-asks, which questions may be skipped. No Telegram here."""

from __future__ import annotations

DRAFT = "atelier"
CONVERSATION = "atelier_registration"
CAPACITY_CONVERSATION = "atelier_capacity"

# Questions in the order a new atelier answers them; each is also a conversation state.
ORDER: tuple[str, ...] = (
    "name",
    "country",
    "place",
    "specialties",
    "materials",
    "techniques",
    "moq",
    "max_batch",
    "monthly_capacity",
    "lead_time_weeks",
    "handwork_share",
    "certifications",
    "languages",
    "contact",
    "description",
    "portfolio",
)
# The portfolio step takes photos, not text: they are kept as they come (bot/files), and the
# step counts as answered once Done or Skip is tapped.
PORTFOLIO = "portfolio"
SPECIALTIES_CONFIRM = "specialties_confirm"
DUPLICATE = "duplicate"
SUMMARY = "summary"
EDIT_PICK = "edit_pick"
CAPACITY_NUMBER = "capacity_number"

# Questions one "Edit" button asks together; every other question is an edit group of its own.
_ASKED_TOGETHER: dict[str, tuple[str, ...]] = {
    "location": ("country", "place"),
    "quantities": ("moq", "max_batch"),
}
# A question fills the draft key of its own name, except these.
_FILLS_OTHER_KEYS: dict[str, tuple[str, ...]] = {
    "place": ("region", "city"),
    "specialties": ("specialties", "category_ids"),
    "moq": ("moq", "moq_per"),
}


def _edit_groups() -> dict[str, tuple[str, ...]]:
    groups: dict[str, tuple[str, ...]] = {}
    for step in ORDER:
        group = next((g for g, asked in _ASKED_TOGETHER.items() if step in asked), step)
        groups[group] = (*groups.get(group, ()), step)
    return groups


# What one "Edit" button changes: the questions asked, in order (the edit menu's order too).
EDIT_GROUPS: dict[str, tuple[str, ...]] = _edit_groups()
# The draft keys each question fills.
FILLS: dict[str, tuple[str, ...]] = {step: _FILLS_OTHER_KEYS.get(step, (step,)) for step in ORDER}
SKIPPABLE = frozenset({"techniques", "certifications", "description"})
LANGUAGE_CHOICES: tuple[str, ...] = ("it", "en", "fr", "de", "es", "pt")
