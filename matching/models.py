"""Plain frozen data the matching library takes and returns."""

from __future__ import annotations

from dataclasses import dataclass

from matching.quantities import DEFAULT_UNIT, UNITS, OrderShape, Unit

_COUNTRY_NAMES = {
    "italy": "IT",
    "italia": "IT",
    "france": "FR",
    "francia": "FR",
    "spain": "ES",
    "spagna": "ES",
    "espana": "ES",
    "portugal": "PT",
    "portogallo": "PT",
    "romania": "RO",
    "turkey": "TR",
    "turkiye": "TR",
    "turchia": "TR",
    "germany": "DE",
    "germania": "DE",
    "greece": "GR",
    "grecia": "GR",
    "poland": "PL",
    "polonia": "PL",
    "bulgaria": "BG",
    "tunisia": "TN",
    "morocco": "MA",
    "marocco": "MA",
    "united kingdom": "GB",
    "uk": "GB",
    "belgium": "BE",
    "belgio": "BE",
    "netherlands": "NL",
    "austria": "AT",
    "switzerland": "CH",
    "svizzera": "CH",
    "albania": "AL",
    "serbia": "RS",
}


@dataclass(frozen=True, slots=True)
class AtelierProfile:
    """An atelier as the matcher sees it; free text fields are kept as the atelier wrote them."""

    ref: str
    name: str
    country: str  # ISO 3166-1 alpha-2, upper case
    region: str = ""
    city: str = ""
    specialties: tuple[str, ...] = ()  # first = main specialty
    materials: tuple[str, ...] = ()
    techniques: tuple[str, ...] = ()
    moq: int = 1
    max_batch: int = 1_000_000  # the most pieces of one style it takes on
    monthly_capacity: int = 0
    lead_time_weeks: int = 1
    handwork_share: int = 0
    certifications: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    description: str = ""
    verified: bool = True
    paused: bool = False
    available_capacity: int | None = None  # free pieces this month, if the atelier said
    rating: float | None = None  # 1-5 average from feedback, if any
    moq_per: Unit = DEFAULT_UNIT  # what `moq` counts: pieces per style, per colour or per size
    # Measured from what happened (introductions answered, samples and deliveries on time), if
    # the atelier has a record: a 0-1 score, the median hours to answer, promises kept of made.
    reliability: float | None = None
    answer_hours: float | None = None
    on_time: tuple[int, int] = (0, 0)
    quoted_unit_price: float | None = None  # its usual price a piece in past quotes, in EUR

    def __post_init__(self) -> None:
        if self.moq_per not in UNITS:
            raise ValueError(f"moq_per must be one of {', '.join(UNITS)}, got {self.moq_per!r}")


def _field_error(name: str, expected: str, value: object) -> ValueError:
    return ValueError(f"brief field {name!r} must be {expected}, got {value!r}")


def _optional_int(
    obj: dict[str, object], name: str, low: int, high: int | None = None
) -> int | None:
    value = obj.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise _field_error(name, "a whole number", value)
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise _field_error(name, bounds, value)
    return value


def _optional_amount(obj: dict[str, object], name: str) -> float | None:
    value = obj.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise _field_error(name, "an amount above 0", value)
    if value != value or value == float("inf"):
        raise _field_error(name, "an amount above 0", value)
    return float(value)


def _strings(obj: dict[str, object], name: str) -> tuple[str, ...]:
    value = obj.get(name)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _field_error(name, "a list of strings", value)
    return tuple(v.strip() for v in value if v.strip())


def _country(value: object) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _field_error("country", "an ISO 3166-1 alpha-2 code such as 'IT'", value)
    text = value.strip()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    code = _COUNTRY_NAMES.get(" ".join(text.lower().split()))
    if code is None:
        raise _field_error("country", "an ISO 3166-1 alpha-2 code such as 'IT'", value)
    return code


@dataclass(frozen=True, slots=True)
class BriefQuery:
    """What a designer asked for: the interview answers plus the description they typed."""

    id: str
    description: str
    quantity: int  # total pieces of the order (the low end of a range)
    deadline_weeks: int | None = None
    country: str | None = None
    region: str | None = None
    certifications: tuple[str, ...] = ()
    min_handwork_share: int | None = None
    materials: tuple[str, ...] = ()
    category: str | None = None  # taxonomy id confirmed by the designer; overrides the description
    quantity_high: int | None = None  # total pieces at the high end of a range ("150-250")
    styles: int = 1
    colourways: int = 1  # per style
    sizes: int = 1  # per colourway; 1 is "one size"
    budget_per_piece: float | None = None  # EUR; a soft signal against ateliers' past quotes

    def __post_init__(self) -> None:
        if self.budget_per_piece is not None and not self.budget_per_piece > 0:
            raise ValueError("budget_per_piece must be above 0")
        if self.quantity_high is not None and self.quantity_high < self.quantity:
            raise ValueError("quantity_high must not be below quantity")
        OrderShape(self.styles, self.colourways, self.sizes)  # raises on a count below 1

    @property
    def shape(self) -> OrderShape:
        return OrderShape(self.styles, self.colourways, self.sizes)

    @property
    def high(self) -> int:
        """Total pieces at the high end (the quantity itself when it is not a range)."""
        return self.quantity if self.quantity_high is None else self.quantity_high

    @classmethod
    def from_json(cls, obj: object) -> BriefQuery:
        """A brief from one line of briefs.jsonl (already parsed); ValueError says what is wrong."""
        if not isinstance(obj, dict):
            raise ValueError(f"a brief must be a JSON object, got {type(obj).__name__}")
        for required in ("id", "description", "quantity"):
            if required not in obj:
                raise ValueError(f"brief is missing the required field {required!r}")
        brief_id = obj["id"]
        if (
            isinstance(brief_id, bool)
            or not isinstance(brief_id, str | int)
            or str(brief_id).strip() == ""
        ):
            raise _field_error("id", "a non-empty string", brief_id)
        description = obj["description"]
        if not isinstance(description, str):
            raise _field_error("description", "a string", description)
        quantity = _optional_int(obj, "quantity", 1)
        if quantity is None:
            raise _field_error("quantity", "a whole number of pieces", None)
        region = obj.get("region")
        if region is not None and not isinstance(region, str):
            raise _field_error("region", "a string", region)
        quantity_high = _optional_int(obj, "quantity_high", 1)
        if quantity_high is not None and quantity_high < quantity:
            raise _field_error("quantity_high", f"at least quantity ({quantity})", quantity_high)
        sizes = obj.get("sizes")
        if isinstance(sizes, list):
            labels = _strings(obj, "sizes")
            size_count: int | None = max(1, len(labels))
        else:
            size_count = _optional_int(obj, "sizes", 1)
        category = obj.get("category")
        if category is not None:
            from matching.taxonomy import taxonomy_ids

            if not isinstance(category, str) or category not in taxonomy_ids("category"):
                raise _field_error("category", "a category id of the taxonomy", category)
        return cls(
            id=str(brief_id).strip(),
            description=description,
            quantity=quantity,
            deadline_weeks=_optional_int(obj, "deadline_weeks", 1),
            country=_country(obj.get("country")),
            region=region.strip() or None if isinstance(region, str) else None,
            certifications=_strings(obj, "certifications"),
            min_handwork_share=_optional_int(obj, "min_handwork_share", 0, 100),
            materials=_strings(obj, "materials"),
            category=category if isinstance(category, str) else None,
            quantity_high=None if quantity_high == quantity else quantity_high,
            styles=_optional_int(obj, "styles", 1) or 1,
            colourways=_optional_int(obj, "colourways", 1) or 1,
            sizes=size_count or 1,
            budget_per_piece=_optional_amount(obj, "budget_per_piece"),
        )


@dataclass(frozen=True, slots=True)
class Concept:
    """A taxonomy entry recognised in text."""

    id: str
    kind: str  # "category" | "material" | "technique" | "certification"
    confidence: float  # 0-100
    matched: str  # the text span it was recognised from
    via: str | None = None  # the narrower product it was named by ("mittens" for gloves)


@dataclass(frozen=True, slots=True)
class Match:
    """An atelier that meets every hard constraint, with why it ranks where it does."""

    ref: str
    name: str
    score: float  # 0-100, one decimal
    reasons: tuple[str, ...]
    atelier: AtelierProfile
    # Meets every requirement but fits loosely: it does not make the product asked for (a
    # related or another trade), or it scores below `scoring.WEAK_SCORE`. Show it as such.
    weak: bool = False


@dataclass(frozen=True, slots=True)
class NearMiss:
    """An atelier that makes the product but breaks a hard constraint, with what breaks."""

    ref: str
    name: str
    score: float
    failures: tuple[str, ...]
    atelier: AtelierProfile


@dataclass(frozen=True, slots=True)
class MatchResult:
    brief_id: str
    matches: tuple[Match, ...]
    near_misses: tuple[NearMiss, ...]
    categories: tuple[Concept, ...]  # what the engine understood the product to be
    # What the engine could not place and how it ranked instead, worded for the user
    # ("product not understood: manopole — ranked by materials and description").
    notes: tuple[str, ...] = ()
