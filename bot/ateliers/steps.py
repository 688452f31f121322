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

# What one "Edit" button changes: the questions asked, in order.
EDIT_GROUPS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "location": ("country", "place"),
    "specialties": ("specialties",),
    "materials": ("materials",),
    "techniques": ("techniques",),
    "quantities": ("moq", "max_batch"),
    "monthly_capacity": ("monthly_capacity",),
    "lead_time_weeks": ("lead_time_weeks",),
    "handwork_share": ("handwork_share",),
    "certifications": ("certifications",),
    "languages": ("languages",),
    "contact": ("contact",),
    "description": ("description",),
    "portfolio": ("portfolio",),
}
# The draft keys each question fills.
FILLS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "country": ("country",),
    "place": ("region", "city"),
    "specialties": ("specialties", "category_ids"),
    "materials": ("materials",),
    "techniques": ("techniques",),
    "moq": ("moq", "moq_per"),
    "max_batch": ("max_batch",),
    "monthly_capacity": ("monthly_capacity",),
    "lead_time_weeks": ("lead_time_weeks",),
    "handwork_share": ("handwork_share",),
    "certifications": ("certifications",),
    "languages": ("languages",),
    "contact": ("contact",),
    "description": ("description",),
    "portfolio": ("portfolio",),
}
SKIPPABLE = frozenset({"techniques", "certifications", "description"})
LANGUAGE_CHOICES: tuple[str, ...] = ("it", "en", "fr", "de", "es", "pt")
