"""The in-memory atelier index: vectorised hard-constraint filters and ranking."""

from __future__ import annotations

import dataclasses
import gc
import json
import marshal
import operator
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from matching.fingerprint import code_fingerprint
from matching.models import AtelierProfile, BriefQuery, Concept, Match, MatchResult, NearMiss
from matching.quantities import UNITS, Unit, meets_minimum, per_style, within_batch
from matching.scoring import WEAK_SCORE, Weights, check_language, say
from matching.taxonomy import label, related_categories, taxonomy
from matching.text import fold
from matching.understanding import (
    ACCEPT,
    STOPWORDS,
    analyse,
    certification_key,
    concept_label,
    fold_region,
    nobody_makes_note,
    rank_categories,
    understand,
    unplaced_notes,
)

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Text similarity is only computed for candidates that could still reach the top after it;
# this caps the work when thousands of ateliers tie on everything else.
_TEXT_CANDIDATES_CAP = 1500
_REGION_ALIASES = {
    "lombardy": "lombardia",
    "tuscany": "toscana",
    "piedmont": "piemonte",
    "apulia": "puglia",
    "sicily": "sicilia",
    "sardinia": "sardegna",
    "aosta valley": "valle d aosta",
    "catalonia": "cataluna",
    "catalunya": "cataluna",
    "andalusia": "andalucia",
    "valencia": "comunidad valenciana",
    "north": "norte",
    "norte region": "norte",
    "brittany": "bretagne",
    "normandy": "normandie",
}


_UNIT_CODE: dict[str, int] = {unit: code for code, unit in enumerate(UNITS)}

# A snapshot stores each profile as the tuple of its fields, in the dataclass's order.
_PROFILE_FIELDS = tuple(f.name for f in dataclasses.fields(AtelierProfile))
_profile_fields = operator.attrgetter(*_PROFILE_FIELDS)
_SNAPSHOT_MAGIC = b"bottega atelier index\n"
_SNAPSHOT_FORMAT = 1
# A snapshot is made and stored part by part; drivers copy a value out whole, so small parts.
SNAPSHOT_PART_BYTES = 1024 * 1024


class SnapshotError(ValueError):
    """Bytes that are not a snapshot this code can read (another format, code or data)."""


@dataclass(frozen=True, slots=True)
class LoadedSnapshot:
    index: AtelierIndex
    version: int  # what the snapshot was taken at, as its writer numbered it
    ids: dict[int, str]  # the caller's ids of the ateliers, as given to snapshot()


def snapshot_fingerprint() -> str:
    """What a snapshot's contents depend on: its format and the code that derived them. A
    snapshot taken under any other is not read."""
    return f"{_SNAPSHOT_FORMAT}-{code_fingerprint()[:48]}"


def _packed(derived: _Derived) -> bytes:
    return marshal.dumps(
        (
            _profile_fields(derived.atelier),
            derived.main,
            derived.secondary,
            derived.materials,
            derived.techniques,
            derived.certifications,
        )
    )


@dataclass(frozen=True, slots=True)
class _Stored:
    """Rows read from a snapshot and not yet needed: each profile is unpacked on first use."""

    records: memoryview
    record_at: IntArray  # row -> offset, one more than the rows
    texts: memoryview
    text_at: IntArray

    def record(self, row: int) -> Any:
        return marshal.loads(self.records[self.record_at[row] : self.record_at[row + 1]])

    def text(self, row: int) -> str:
        return str(self.texts[self.text_at[row] : self.text_at[row + 1]], "utf-8")


def unit_word(unit: Unit, lang: str) -> str:
    """ "colour" / "colore": the unit of a minimum, in the reasons' language."""
    return say(f"unit_{unit}", lang)


def _amount(value: float, lang: str) -> str:
    """ "32" or "32.50" ("32,50" in Italian): a price a piece as people write it."""
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"
    return text.replace(".", ",") if lang == "it" else text


def per_unit(brief: BriefQuery, unit: Unit) -> str:
    """The designer's pieces per `unit`: "60", or "40–100" for a range."""
    shape = brief.shape
    low, high = shape.per(brief.quantity, unit), shape.per(brief.high, unit)
    return f"{low}" if low == high else f"{low}\u2013{high}"


@lru_cache(maxsize=65_536)
def _field_ids(value: str, kind: str) -> tuple[str, ...]:
    """Taxonomy ids one free-text field value stands for, confident ones only."""
    ids: list[str] = []
    for span in analyse(value):
        if (
            span.kind == kind
            and not span.negated
            and span.confidence >= ACCEPT
            and span.id not in ids
        ):
            ids.append(span.id)
    return tuple(ids)


@lru_cache(maxsize=4096)
def _region_key(region: str) -> str:
    folded = fold_region(region)
    return _REGION_ALIASES.get(folded, folded)


def _similarity_text(text: str) -> str:
    """Folded words without the filler every description shares ("workshop", "pieces")."""
    return " ".join([w for w in default_process(fold(text)).split() if w not in STOPWORDS])


@lru_cache(maxsize=65_536)
def _lists_text(
    specialties: tuple[str, ...], materials: tuple[str, ...], techniques: tuple[str, ...]
) -> str:
    return _similarity_text(" ".join((*specialties, *materials, *techniques)))


@dataclass(frozen=True, slots=True)
class _Derived:
    """What the index reads from an atelier's free text, once, at insertion."""

    atelier: AtelierProfile
    main: tuple[str, ...]
    secondary: tuple[str, ...]
    materials: tuple[str, ...]
    techniques: tuple[str, ...]
    certifications: tuple[str, ...]  # certification keys (taxonomy id or slug)
    text: str


# Registries repeat the same lists ("cotone;lino") thousands of times: read each list once.
@lru_cache(maxsize=65_536)
def _specialty_ids(specialties: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not specialties:
        return (), ()
    main = _field_ids(specialties[0], "category")
    secondary: dict[str, None] = {}
    for specialty in specialties[1:]:
        secondary.update(dict.fromkeys(_field_ids(specialty, "category")))
    return main, tuple(c for c in secondary if c not in main)


@lru_cache(maxsize=65_536)
def _list_ids(values: tuple[str, ...], kind: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for value in values for i in _field_ids(value, kind)))


@lru_cache(maxsize=4096)
def _certification_keys(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(certification_key(c) for c in values if c.strip()))


def _derive(atelier: AtelierProfile) -> _Derived:
    main, secondary = _specialty_ids(atelier.specialties)
    if not atelier.specialties and atelier.description:
        # No specialties given: what the description says it makes counts as secondary only.
        secondary = tuple(c.id for c in rank_categories(analyse(atelier.description)))
    materials = _list_ids(atelier.materials, "material")
    if not atelier.materials and atelier.description:
        # Reading descriptions is the slow part of a build, so only when the field is empty.
        spans = [
            s for s in analyse(atelier.description) if not s.negated and s.confidence >= ACCEPT
        ]
        materials = tuple(dict.fromkeys(s.id for s in spans if s.kind == "material"))
    # The lists' words, then the description's: as if folded together, the lists once each.
    text = " ".join(
        part
        for part in (
            _lists_text(atelier.specialties, atelier.materials, atelier.techniques),
            _similarity_text(atelier.description),
        )
        if part
    )
    return _Derived(
        atelier,
        main,
        secondary,
        materials,
        _list_ids(atelier.techniques, "technique"),
        _certification_keys(atelier.certifications),
        text,
    )


_Scalar = TypeVar("_Scalar", bound=np.generic)


def _widened(old: npt.NDArray[_Scalar], capacity: int, fill: float) -> npt.NDArray[_Scalar]:
    new: npt.NDArray[_Scalar] = np.full(capacity, fill, dtype=old.dtype)
    new[: len(old)] = old
    return new


# _Derived attributes feeding, in order, the main/secondary/material/technique/certification bitmaps.
_DERIVED_KEYS = ("main", "secondary", "materials", "techniques", "certifications")
# The per-row columns a snapshot stores as they are (eligibility follows from the options).
_SNAPSHOT_ARRAYS = (
    "_verified",
    "_paused",
    "_moq",
    "_moq_unit",
    "_max_batch",
    "_lead",
    "_handwork",
    "_country",
    "_region",
    "_free_capacity",
    "_capacity_said",
    "_rating",
    "_reliability",
    "_price",
)


class _Columns:
    """Boolean bitmaps id -> rows: the inverted index, in a form numpy can combine quickly."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._columns: dict[str, BoolArray] = {}

    def grow(self, capacity: int) -> None:
        for key, column in self._columns.items():
            wider = np.zeros(capacity, dtype=np.bool_)
            wider[: self._capacity] = column
            self._columns[key] = wider
        self._capacity = capacity

    def set(self, key: str, row: int, value: bool) -> None:
        column = self._columns.get(key)
        if column is None:
            if not value:
                return
            column = self._columns[key] = np.zeros(self._capacity, dtype=np.bool_)
        column[row] = value

    def set_many(self, key: str, rows: list[int] | npt.NDArray[np.int32]) -> None:
        column = self._columns.get(key)
        if column is None:
            column = self._columns[key] = np.zeros(self._capacity, dtype=np.bool_)
        column[rows] = True

    def items(self) -> Iterable[tuple[str, BoolArray]]:
        return self._columns.items()

    def rows(self, key: str, rows: IntArray) -> BoolArray:
        column = self._columns.get(key)
        if column is None:
            return np.zeros(len(rows), dtype=np.bool_)
        return column[rows]

    def any_of(self, keys: Iterable[str], size: int) -> BoolArray:
        out = np.zeros(size, dtype=np.bool_)
        for key in keys:
            column = self._columns.get(key)
            if column is not None:
                out |= column[:size]
        return out


@dataclass(frozen=True, slots=True)
class _Cut:
    """An index as it was when a snapshot of it was asked for (AtelierIndex.snapshot_parts):
    what the index changes in place is copied, the rest (understood rows, a snapshot's bytes)
    never changes and is shared."""

    version: int
    derived: list[_Derived | None]
    stored: _Stored | None
    in_store: BoolArray
    refs: list[str]
    ids: IntArray
    arrays: list[tuple[str, npt.NDArray[Any]]]
    bitmaps: list[tuple[str, list[tuple[str, npt.NDArray[np.int32]]]]]
    free: list[int]
    countries: dict[str, int]
    regions: dict[str, int]

    def pieces(self) -> Iterator[bytes | memoryview]:
        """The snapshot's bytes in order, in pieces of any size: the sections, then the
        header that names where each starts, then the header's length."""
        n = len(self.refs)
        sections: dict[str, tuple[int, int, str]] = {}
        offset = len(_SNAPSHOT_MAGIC)
        yield _SNAPSHOT_MAGIC

        def section(name: str, blob: bytes | memoryview, dtype: str = "") -> bytes | memoryview:
            nonlocal offset
            sections[name] = (offset, len(blob), dtype)
            offset += len(blob)
            return blob

        stored = self.stored
        for name in ("records", "texts"):
            start = offset
            at = np.zeros(n + 1, dtype=np.int64)
            for row in range(n):
                derived = self.derived[row]
                piece: bytes | memoryview = b""
                if derived is not None:
                    piece = _packed(derived) if name == "records" else derived.text.encode()
                elif stored is not None and self.in_store[row]:
                    blob, offsets = (
                        (stored.records, stored.record_at)
                        if name == "records"
                        else (stored.texts, stored.text_at)
                    )
                    piece = blob[offsets[row] : offsets[row + 1]]
                offset += len(piece)
                at[row + 1] = offset - start
                yield piece
            sections[name] = (start, offset - start, "")
            yield section(f"{name}_at", at.tobytes(), at.dtype.str)
        yield section("refs", "\0".join(self.refs).encode())
        yield section("ids", self.ids.tobytes(), self.ids.dtype.str)
        for name, array in self.arrays:
            yield section(name, array.tobytes(), array.dtype.str)
        columns: dict[str, list[tuple[str, int]]] = {}
        for attribute, keyed in self.bitmaps:
            columns[attribute] = [(key, len(rows)) for key, rows in keyed]
            every = (
                np.concatenate([rows for _, rows in keyed])
                if keyed
                else np.zeros(0, dtype=np.int32)
            )
            yield section(f"rows_{attribute}", every.tobytes(), every.dtype.str)
        header = json.dumps(
            {
                "fingerprint": snapshot_fingerprint(),
                "version": self.version,
                "size": n,
                "free": self.free,
                "countries": self.countries,
                "regions": self.regions,
                "columns": columns,
                "sections": sections,
            }
        ).encode()
        # The header goes last, with its length: it names where every section starts.
        yield header
        yield len(header).to_bytes(8, "little")


def _in_parts(pieces: Iterable[bytes | memoryview], size: int) -> Iterator[bytes]:
    """The concatenation of `pieces` cut into parts of `size` bytes, the last one shorter."""
    buffer = bytearray()
    for piece in pieces:
        buffer += piece
        if len(buffer) >= size:
            whole = len(buffer) - len(buffer) % size
            with memoryview(buffer) as view:
                for start in range(0, whole, size):
                    yield bytes(view[start : start + size])
            del buffer[:whole]
    if buffer:
        yield bytes(buffer)


@dataclass(frozen=True, slots=True)
class _Understood:
    categories: tuple[Concept, ...]
    materials: tuple[str, ...]
    techniques: tuple[str, ...]
    certifications: tuple[str, ...]  # keys
    certification_labels: dict[str, str]
    unwanted: frozenset[str] = frozenset()  # categories the brief rules out ("not shoes")

    def related(self) -> tuple[str, ...]:
        """Trades related to the main product, except any the brief rules out."""
        if not self.categories:
            return ()
        return tuple(c for c in related_categories(self.categories[0].id) if c not in self.unwanted)


def understand_brief(brief: BriefQuery) -> _Understood:
    """Categories, materials and techniques of a brief, from its answers and its description."""
    every = [s for s in analyse(brief.description) if s.confidence >= ACCEPT]
    spans = [s for s in every if not s.negated]
    unwanted = frozenset(s.id for s in every if s.negated and s.kind == "category")
    # A word that names a product and a material ("denim", "jersey", "montone") is the product
    # where the brief names its product and a material anywhere else: "jeans in denim",
    # "borse in montone" ask for denim and shearling, not for a second product.
    material_at = {(s.start, s.end) for s in spans if s.kind == "material"}
    product = [s for s in spans if s.kind == "category"]
    if brief.category:
        product_at = {(s.start, s.end) for s in product if s.id == brief.category}
    elif product:
        first = min(product, key=lambda s: (s.confidence < 90.0, s.start))
        product_at = {(first.start, first.end)}
    else:
        product_at = set()
    as_material = {(s.start, s.end) for s in product if (s.start, s.end) in material_at}
    as_material -= product_at
    spans = [s for s in spans if not (s.kind == "category" and (s.start, s.end) in as_material)]
    if brief.category:
        categories: tuple[Concept, ...] = (
            Concept(brief.category, "category", 100.0, brief.category),
        )
    else:
        categories = tuple(rank_categories(spans))
    # "denim" or "jersey" naming the product is not also a material request.
    product_spans = {(s.start, s.end) for s in spans if s.kind == "category"}

    def from_text(kind: str) -> list[str]:
        return [s.id for s in spans if s.kind == kind and (s.start, s.end) not in product_spans]

    materials: list[str] = []
    for value in brief.materials:
        found = understand(value, "material", limit=1)
        if found and found[0].confidence >= ACCEPT:
            materials.append(found[0].id)
    materials.extend(from_text("material"))
    if not materials:
        # Nothing asked for but a product that names one: "borse in pelle", "leather jackets".
        for span in spans:
            if span.kind == "category" and span.end - span.start > 1 and not span.negated:
                materials.extend(
                    s.id
                    for s in analyse(span.matched, frozenset({"material"}))
                    if s.confidence >= ACCEPT and not s.negated
                )
    labels = {certification_key(c): c for c in brief.certifications if c.strip()}
    return _Understood(
        categories=categories,
        materials=tuple(dict.fromkeys(materials)),
        techniques=tuple(dict.fromkeys(from_text("technique"))),
        certifications=tuple(labels),
        certification_labels=labels,
        unwanted=unwanted - {c.id for c in categories},
    )


class AtelierIndex:
    """Ateliers indexed for matching briefs; build once, then upsert/remove as the registry changes.

    A query never scans the registry with fuzzy matching: the brief's categories select
    candidate rows through bitmaps, hard constraints are numpy comparisons on those rows, and
    rapidfuzz compares descriptions only for the few candidates that can still reach the top.
    """

    def __init__(
        self,
        *,
        include_unverified: bool = False,
        include_paused: bool = False,
        weights: Weights | None = None,
        capacity: int = 64,
    ) -> None:
        self.include_unverified = include_unverified
        self.include_paused = include_paused
        self.weights = weights or Weights()
        self._capacity = max(capacity, 1)
        self._size = 0  # rows in use, including freed ones
        self._row_of: dict[str, int] = {}
        self._refs: list[str] = []  # row -> ref, "" for a free row
        self._derived: list[_Derived | None] = []
        self._stored: _Stored | None = None  # rows from a snapshot, unpacked as needed
        self._free: list[int] = []
        self._countries: dict[str, int] = {}
        self._regions: dict[str, int] = {}
        self._allocate(self._capacity)
        self._main = _Columns(self._capacity)
        self._secondary = _Columns(self._capacity)
        self._materials = _Columns(self._capacity)
        self._techniques = _Columns(self._capacity)
        self._certifications = _Columns(self._capacity)

    def _allocate(self, capacity: int) -> None:
        """(Re)size the per-row columns, keeping what they hold."""
        if not hasattr(self, "_eligible"):
            self._eligible: BoolArray = np.zeros(0, dtype=np.bool_)
            self._verified: BoolArray = np.zeros(0, dtype=np.bool_)
            self._paused: BoolArray = np.zeros(0, dtype=np.bool_)
            self._in_store: BoolArray = np.zeros(0, dtype=np.bool_)  # still packed in _stored
            self._moq: IntArray = np.zeros(0, dtype=np.int64)
            self._moq_unit: IntArray = np.zeros(0, dtype=np.int64)  # index into UNITS
            self._max_batch: IntArray = np.zeros(0, dtype=np.int64)
            self._lead: IntArray = np.zeros(0, dtype=np.int64)
            self._handwork: IntArray = np.zeros(0, dtype=np.int64)
            self._country: IntArray = np.zeros(0, dtype=np.int64)
            self._region: IntArray = np.zeros(0, dtype=np.int64)
            self._free_capacity: FloatArray = np.zeros(0, dtype=np.float64)
            self._capacity_said: BoolArray = np.zeros(0, dtype=np.bool_)
            self._rating: FloatArray = np.zeros(0, dtype=np.float64)
            self._reliability: FloatArray = np.zeros(0, dtype=np.float64)
            self._price: FloatArray = np.zeros(0, dtype=np.float64)
        self._eligible = _widened(self._eligible, capacity, False)
        self._verified = _widened(self._verified, capacity, False)
        self._paused = _widened(self._paused, capacity, False)
        self._in_store = _widened(self._in_store, capacity, False)
        self._moq = _widened(self._moq, capacity, 0)
        self._moq_unit = _widened(self._moq_unit, capacity, 0)
        self._max_batch = _widened(self._max_batch, capacity, 0)
        self._lead = _widened(self._lead, capacity, 0)
        self._handwork = _widened(self._handwork, capacity, 0)
        self._country = _widened(self._country, capacity, -1)
        self._region = _widened(self._region, capacity, -1)
        self._free_capacity = _widened(self._free_capacity, capacity, np.nan)
        self._capacity_said = _widened(self._capacity_said, capacity, False)
        self._rating = _widened(self._rating, capacity, np.nan)
        self._reliability = _widened(self._reliability, capacity, np.nan)
        self._price = _widened(self._price, capacity, np.nan)

    def _grow(self) -> None:
        capacity = self._capacity * 2
        self._allocate(capacity)
        for columns in self._columns():
            columns.grow(capacity)
        self._capacity = capacity

    @classmethod
    def build(
        cls,
        ateliers: Iterable[AtelierProfile],
        *,
        include_unverified: bool = False,
        include_paused: bool = False,
        weights: Weights | None = None,
    ) -> AtelierIndex:
        """Index a whole registry; a later profile with the same ref replaces an earlier one."""
        profiles = list(ateliers)
        index = cls(
            include_unverified=include_unverified,
            include_paused=include_paused,
            weights=weights,
            capacity=len(profiles),
        )
        latest = {atelier.ref: atelier for atelier in profiles}
        # Building creates a few objects per atelier and frees none; the cyclic collector
        # would only rescan them over and over (a quarter of the build time at 100 000).
        collecting = gc.isenabled()
        gc.disable()
        try:
            index._load([_derive(atelier) for atelier in latest.values()])
        finally:
            if collecting:
                gc.enable()
        return index

    def _load(self, derived: list[_Derived]) -> None:
        """Fill an empty index column by column: what upsert does, without per-row numpy calls."""
        n = len(derived)
        if self._capacity < n:
            self._capacity = n
            self._allocate(n)
            for columns in self._columns():
                columns.grow(n)
        ateliers = [d.atelier for d in derived]
        self._derived = list(derived)
        self._refs = [a.ref for a in ateliers]
        self._row_of = {ref: row for row, ref in enumerate(self._refs)}
        self._size = n
        self._verified[:n] = [a.verified for a in ateliers]
        self._paused[:n] = [a.paused for a in ateliers]
        self._eligible[:n] = self._eligibility(self._verified[:n], self._paused[:n])
        self._moq[:n] = [a.moq for a in ateliers]
        self._moq_unit[:n] = [_UNIT_CODE[a.moq_per] for a in ateliers]
        self._max_batch[:n] = [a.max_batch for a in ateliers]
        self._lead[:n] = [a.lead_time_weeks for a in ateliers]
        self._handwork[:n] = [a.handwork_share for a in ateliers]
        self._country[:n] = [self._country_code(a.country) for a in ateliers]
        self._region[:n] = [self._region_code(a.region) for a in ateliers]
        self._free_capacity[:n] = [self._free_pieces(a) for a in ateliers]
        self._capacity_said[:n] = [a.available_capacity is not None for a in ateliers]
        self._rating[:n] = [np.nan if a.rating is None else a.rating for a in ateliers]
        self._reliability[:n] = [
            np.nan if a.reliability is None else a.reliability for a in ateliers
        ]
        self._price[:n] = [
            np.nan if a.quoted_unit_price is None else a.quoted_unit_price for a in ateliers
        ]
        for columns, attribute in zip(self._columns(), _DERIVED_KEYS, strict=True):
            rows_of: dict[str, list[int]] = {}
            for row, d in enumerate(derived):
                for key in getattr(d, attribute):
                    rows_of.setdefault(key, []).append(row)
            for key, rows in rows_of.items():
                columns.set_many(key, rows)

    def _eligibility(self, verified: BoolArray, paused: BoolArray) -> BoolArray:
        live: BoolArray = (verified | self.include_unverified) & (~paused | self.include_paused)
        return live

    # ------------------------------------------------------------------ snapshots

    def snapshot(self, *, version: int, ids: Mapping[str, int] | None = None) -> bytes:
        """The index as bytes that `from_snapshot` reads back (the same matches, without
        understanding a word): numbers and bitmaps as arrays, each profile packed on its own
        so that loading unpacks none of them. `version` and `ids` (ref -> the caller's id)
        come back with it. The whole of what `snapshot_parts` gives."""
        return b"".join(self.snapshot_parts(version=version, ids=ids))

    def snapshot_parts(
        self,
        *,
        version: int,
        ids: Mapping[str, int] | None = None,
        part_bytes: int = SNAPSHOT_PART_BYTES,
    ) -> Iterator[bytes]:
        """`snapshot()`'s bytes in parts of `part_bytes` (the last one shorter), each made as
        it is asked for, so that storing a snapshot holds one part in memory and not all.

        The index is read at this call, not as the parts are made: its rows (immutable once
        understood) and its columns as they are now, so the parts describe this moment even
        if the index is changed (upsert, remove) while they are being made. Call it where
        nothing changes the index; consume the parts anywhere."""
        n = self._size
        arrays = [(name, getattr(self, name)[:n].copy()) for name in _SNAPSHOT_ARRAYS]
        bitmaps = [
            (
                attribute,
                [
                    (key, rows)
                    for key, column in columns.items()
                    if len(rows := np.flatnonzero(column[:n]).astype(np.int32))
                ],
            )
            for columns, attribute in zip(self._columns(), _DERIVED_KEYS, strict=True)
        ]
        cut = _Cut(
            version=version,
            derived=self._derived[:n],
            stored=self._stored,
            in_store=self._in_store[:n].copy(),
            refs=self._refs[:n],
            ids=np.array(
                [-1 if ids is None else ids.get(ref, -1) for ref in self._refs[:n]],
                dtype=np.int64,
            ),
            arrays=arrays,
            bitmaps=bitmaps,
            free=list(self._free),
            countries=dict(self._countries),
            regions=dict(self._regions),
        )
        return _in_parts(cut.pieces(), part_bytes)

    @classmethod
    def from_snapshot(
        cls,
        data: bytes | bytearray | memoryview,
        *,
        include_unverified: bool = False,
        include_paused: bool = False,
        weights: Weights | None = None,
    ) -> LoadedSnapshot:
        """An index from `snapshot()`'s bytes, which it keeps (profiles are unpacked from them
        as matches need them); SnapshotError if they are not such a snapshot or were taken by
        other matching code or data."""
        view = memoryview(data)
        magic = len(_SNAPSHOT_MAGIC)
        if len(view) < magic + 8 or bytes(view[:magic]) != _SNAPSHOT_MAGIC:
            raise SnapshotError("not an atelier index snapshot")
        length = int.from_bytes(view[-8:], "little")
        if length > len(view) - magic - 8:
            raise SnapshotError("the snapshot is truncated")
        try:
            header = json.loads(bytes(view[-8 - length : -8]))
        except ValueError as exc:
            raise SnapshotError("the snapshot is truncated or damaged") from exc
        if not isinstance(header, dict) or header.get("fingerprint") != snapshot_fingerprint():
            raise SnapshotError("the snapshot was taken by other matching code or data")
        sections: dict[str, list[Any]] = header["sections"]
        if any(offset + size > len(view) - 8 - length for offset, size, _ in sections.values()):
            raise SnapshotError("the snapshot is truncated")

        def blob(name: str) -> memoryview:
            offset, size, _ = sections[name]
            return view[offset : offset + size]

        def array(name: str) -> npt.NDArray[Any]:
            return np.frombuffer(blob(name), dtype=np.dtype(sections[name][2]))

        n = int(header["size"])
        index = cls(
            include_unverified=include_unverified,
            include_paused=include_paused,
            weights=weights,
            capacity=n,
        )
        index._size = n
        index._refs = str(blob("refs"), "utf-8").split("\0") if n else []
        index._row_of = {ref: row for row, ref in enumerate(index._refs) if ref}
        index._free = [int(row) for row in header["free"]]
        index._countries = dict(header["countries"])
        index._regions = dict(header["regions"])
        index._derived = [None] * n
        for name in _SNAPSHOT_ARRAYS:
            getattr(index, name)[:n] = array(name)
        index._eligible[:n] = index._eligibility(index._verified[:n], index._paused[:n])
        record_at = array("records_at")
        index._in_store[:n] = record_at[1:] > record_at[:-1]
        index._stored = _Stored(blob("records"), record_at, blob("texts"), array("texts_at"))
        for columns, attribute in zip(index._columns(), _DERIVED_KEYS, strict=True):
            rows = array(f"rows_{attribute}")
            at = 0
            for key, count in header["columns"][attribute]:
                columns.set_many(key, rows[at : at + count])
                at += count
        # As Python ints first: numpy's own scalars are slow to compare and hash one by one.
        ids = {i: ref for i, ref in zip(array("ids").tolist(), index._refs, strict=True) if i >= 0}
        return LoadedSnapshot(index, int(header["version"]), ids)

    def _row(self, row: int) -> _Derived:
        """What the index holds for a row in use, unpacked from the snapshot on first use."""
        derived = self._derived[row]
        if derived is None:
            assert self._stored is not None and self._in_store[row], row
            fields, main, secondary, materials, techniques, certifications = self._stored.record(
                row
            )
            derived = _Derived(
                AtelierProfile(*fields),
                main,
                secondary,
                materials,
                techniques,
                certifications,
                self._stored.text(row),
            )
            self._derived[row] = derived
            self._in_store[row] = False
        return derived

    def _columns(self) -> tuple[_Columns, ...]:
        return (
            self._main,
            self._secondary,
            self._materials,
            self._techniques,
            self._certifications,
        )

    def _country_code(self, country: str) -> int:
        return self._countries.setdefault(country.strip().upper(), len(self._countries))

    def _region_code(self, region: str) -> int:
        key = _region_key(region)
        return self._regions.setdefault(key, len(self._regions)) if key else -1

    @staticmethod
    def _free_pieces(atelier: AtelierProfile) -> float:
        """Pieces the atelier can take this month; NaN when unknown."""
        if atelier.available_capacity is not None:
            return float(atelier.available_capacity)
        return float(atelier.monthly_capacity) if atelier.monthly_capacity > 0 else np.nan

    def __len__(self) -> int:
        return len(self._row_of)

    def matchable(self) -> int:
        """How many of the indexed ateliers a brief can be matched with."""
        return int(self._eligible[: self._size].sum())

    def __contains__(self, ref: object) -> bool:
        return ref in self._row_of

    def profile(self, ref: str) -> AtelierProfile | None:
        """The atelier as indexed, or None when the index does not hold it."""
        row = self._row_of.get(ref)
        return self._row(row).atelier if row is not None else None

    def upsert(self, atelier: AtelierProfile) -> None:
        """Add an atelier or replace the one with the same ref."""
        derived = _derive(atelier)
        row = self._row_of.get(atelier.ref)
        if row is not None:
            self._clear(row)
        elif self._free:
            row = self._free.pop()
        else:
            if self._size == self._capacity:
                self._grow()
            row = self._size
            self._size += 1
            self._derived.append(None)
            self._refs.append("")
        self._row_of[atelier.ref] = row
        self._refs[row] = atelier.ref
        self._derived[row] = derived
        self._in_store[row] = False
        self._verified[row] = atelier.verified
        self._paused[row] = atelier.paused
        self._eligible[row] = (atelier.verified or self.include_unverified) and (
            not atelier.paused or self.include_paused
        )
        self._moq[row] = atelier.moq
        self._moq_unit[row] = _UNIT_CODE[atelier.moq_per]
        self._max_batch[row] = atelier.max_batch
        self._lead[row] = atelier.lead_time_weeks
        self._handwork[row] = atelier.handwork_share
        self._country[row] = self._country_code(atelier.country)
        self._region[row] = self._region_code(atelier.region)
        self._free_capacity[row] = self._free_pieces(atelier)
        self._capacity_said[row] = atelier.available_capacity is not None
        self._rating[row] = atelier.rating if atelier.rating is not None else np.nan
        self._reliability[row] = atelier.reliability if atelier.reliability is not None else np.nan
        self._price[row] = (
            atelier.quoted_unit_price if atelier.quoted_unit_price is not None else np.nan
        )
        self._mark(row, derived, True)

    def remove(self, ref: str) -> None:
        """Forget an atelier; unknown refs are ignored."""
        row = self._row_of.pop(ref, None)
        if row is None:
            return
        self._clear(row)
        self._derived[row] = None
        self._refs[row] = ""
        self._free.append(row)

    def _clear(self, row: int) -> None:
        self._mark(row, self._row(row), False)
        self._eligible[row] = False

    def _mark(self, row: int, derived: _Derived, value: bool) -> None:
        for columns, attribute in zip(self._columns(), _DERIVED_KEYS, strict=True):
            for key in getattr(derived, attribute):
                columns.set(key, row, value)

    # ------------------------------------------------------------------ matching

    def match(
        self,
        brief: BriefQuery,
        *,
        top: int = 5,
        lang: str = "en",
        near_misses: int = 3,
        exclude: Collection[str] = (),
    ) -> MatchResult:
        """Rank ateliers that meet every hard constraint; near misses come back separately."""
        check_language(lang)
        wanted = understand_brief(brief)
        result_categories = wanted.categories
        category_ids = [c.id for c in wanted.categories]
        if category_ids:
            rows, failing, ok = self._candidates(category_ids, (), brief, wanted, exclude)
            related = wanted.related()
            # Related trades only fill in when too few ateliers make the product itself.
            if related and int(ok.sum()) < top:
                rows, failing, ok = self._candidates(category_ids, related, brief, wanted, exclude)
        else:
            rows, failing, ok = self._candidates((), (), brief, wanted, exclude)
        notes = unplaced_notes(brief.description, wanted.categories, lang)
        matches, misses = self._ranked(rows, failing, ok, brief, wanted, top, near_misses, lang)
        if not matches and not misses:
            # Nothing that makes the product (or nothing was understood): never an empty answer
            # while the registry lists ateliers; every one is ranked by materials and text.
            product = wanted.categories[0] if wanted.categories else None
            wanted = replace(wanted, categories=())
            for every in (False, True):  # ateliers working the materials first, then everyone
                if every or product is not None:
                    rows, failing, ok = self._candidates(
                        (), (), brief, wanted, exclude, every=every
                    )
                    matches, misses = self._ranked(
                        rows, failing, ok, brief, wanted, top, near_misses, lang
                    )
                    if matches or misses:
                        break
            if product is not None and (matches or misses):
                notes = (*notes, nobody_makes_note(product, lang))
        return MatchResult(brief.id, matches, misses, result_categories, notes)

    def _ranked(
        self,
        rows: IntArray,
        failing: BoolArray,
        ok: BoolArray,
        brief: BriefQuery,
        wanted: _Understood,
        top: int,
        near_misses: int,
        lang: str,
    ) -> tuple[tuple[Match, ...], tuple[NearMiss, ...]]:
        partial, fits, makes_it = self._partial_scores(rows, brief, wanted)
        matches = self._top_matches(rows[ok], partial[ok], makes_it[ok], brief, wanted, top, lang)
        missed = ~ok & fits
        misses = self._near_misses(
            rows[missed], partial[missed], failing[:, missed], brief, wanted, near_misses, lang
        )
        return matches, misses

    def _candidates(
        self,
        categories: Collection[str],
        related: Collection[str],
        brief: BriefQuery,
        wanted: _Understood,
        exclude: Collection[str],
        *,
        every: bool = False,
    ) -> tuple[IntArray, BoolArray, BoolArray]:
        """Rows worth scoring, which hard constraints each breaks, and which break none;
        `every` takes every listed atelier."""
        size = self._size
        if every:
            relevant = np.ones(size, dtype=np.bool_)
        elif categories:
            keys = [*categories, *related]
            relevant = self._main.any_of(keys, size) | self._secondary.any_of(keys, size)
        else:
            relevant = self._materials.any_of(wanted.materials, size) | self._techniques.any_of(
                wanted.techniques, size
            )
        relevant &= self._eligible[:size]
        for ref in exclude:
            row = self._row_of.get(ref)
            if row is not None:
                relevant[row] = False
        rows: IntArray = np.flatnonzero(relevant).astype(np.int64)
        failing = self._failures(rows, brief, wanted)
        ok: BoolArray = (
            np.asarray(~failing.any(axis=0), dtype=np.bool_)
            if len(failing)
            else np.ones(len(rows), dtype=np.bool_)
        )
        return rows, failing, ok

    def _failures(self, rows: IntArray, brief: BriefQuery, wanted: _Understood) -> BoolArray:
        """One row per hard constraint, True where the atelier breaks it."""
        # Like with like: the minimum in the atelier's unit (per style, colour or size) is met
        # by some order in the designer's range whose styles stay within the atelier's largest
        # batch (pieces per style).
        shape = brief.shape
        units = np.array([per_style(unit, shape) for unit in UNITS], dtype=np.int64)
        needed = self._moq[rows] * units[self._moq_unit[rows]]  # pieces of each style
        max_batch = self._max_batch[rows]
        checks: list[BoolArray] = [
            (needed * shape.styles > brief.high) | (needed > max_batch),
            max_batch < shape.per(brief.quantity, "style"),
        ]
        if brief.deadline_weeks is not None:
            checks.append(self._lead[rows] > brief.deadline_weeks)
        if brief.country:
            code = self._countries.get(brief.country.strip().upper(), -2)
            checks.append(self._country[rows] != code)
        for key in wanted.certifications:
            checks.append(~self._certifications.rows(key, rows))
        if brief.min_handwork_share is not None:
            checks.append(self._handwork[rows] < brief.min_handwork_share)
        return np.vstack(checks) if checks else np.zeros((0, len(rows)), dtype=np.bool_)

    def _partial_scores(
        self, rows: IntArray, brief: BriefQuery, wanted: _Understood
    ) -> tuple[FloatArray, BoolArray, BoolArray]:
        """Raw points of every signal but text similarity, whether the atelier makes any product
        the brief names, and whether it makes the main one."""
        w = self.weights
        n = len(rows)
        category = np.zeros(n)
        fits = np.zeros(n, dtype=np.bool_)
        makes_it = np.ones(n, dtype=np.bool_)
        for position, concept in enumerate(wanted.categories):
            main = self._main.rows(concept.id, rows)
            secondary = self._secondary.rows(concept.id, rows)
            points = np.where(
                main, w.main_specialty, np.where(secondary, w.secondary_specialty, 0.0)
            )
            category = np.maximum(
                category, points if position == 0 else points * w.further_category_factor
            )
            fits |= main | secondary
            if position == 0:
                makes_it = main | secondary
        if wanted.categories:
            for related in wanted.related():
                near = self._main.rows(related, rows) | self._secondary.rows(related, rows)
                category = np.maximum(category, np.where(near, w.related_category, 0.0))
        else:
            fits[:] = True

        total = category + w.materials * self._material_credit(rows, wanted.materials)
        if wanted.techniques:
            credit = sum(
                (self._techniques.rows(t, rows).astype(np.float64) for t in wanted.techniques),
                np.zeros(n),
            )
            total += w.techniques * credit / len(wanted.techniques)
        else:
            total += w.techniques
        if brief.region:
            code = self._regions.get(_region_key(brief.region), -2)
            total += w.region * (self._region[rows] == code)
        else:
            total += w.region
        free = self._free_capacity[rows]
        headroom = np.where(np.isnan(free), 0.5, np.clip(free / (2.0 * brief.quantity), 0.0, 1.0))
        headroom = np.where(self._capacity_said[rows] & (free < brief.quantity), 0.0, headroom)
        total += w.capacity * headroom
        lead = self._lead[rows].astype(np.float64)
        if brief.deadline_weeks is not None:
            slack = np.clip((brief.deadline_weeks - lead) / brief.deadline_weeks, 0.0, 1.0)
        else:
            slack = np.clip(1.0 - lead / 26.0, 0.0, 1.0)
        total += w.lead_time * slack
        handwork = self._handwork[rows].astype(np.float64)
        if brief.min_handwork_share is not None:
            spare = max(1.0, 100.0 - brief.min_handwork_share)
            total += w.handwork * (
                0.5 + 0.5 * np.clip((handwork - brief.min_handwork_share) / spare, 0.0, 1.0)
            )
        else:
            total += w.handwork * np.clip(handwork / 100.0, 0.0, 1.0)
        rating = self._rating[rows]
        total += w.rating * np.where(np.isnan(rating), 0.5, np.clip((rating - 1.0) / 4.0, 0.0, 1.0))
        # Measured reliability moves a score around neutral: no record leaves it as it was.
        reliability = self._reliability[rows]
        total += w.reliability * np.where(
            np.isnan(reliability), 0.0, np.clip(reliability, 0.0, 1.0) - 0.5
        )
        budget = brief.budget_per_piece
        if budget is not None:
            # +half the weight at or under budget, -half at half as much again, 0 when unknown.
            price = self._price[rows]
            within = np.clip((1.5 * budget - price) / (0.5 * budget), 0.0, 1.0)
            total += w.budget * np.where(np.isnan(price), 0.0, within - 0.5)
        return total, fits, makes_it

    def _material_credit(self, rows: IntArray, materials: tuple[str, ...]) -> FloatArray:
        if not materials:
            return np.ones(len(rows))
        tax = taxonomy()
        w = self.weights
        credit = np.zeros(len(rows))
        for material in materials:
            best = self._materials.rows(material, rows).astype(np.float64)
            for child in tax.children.get(material, ()):
                best = np.maximum(best, w.child_material_credit * self._materials.rows(child, rows))
            entry = tax.get("material", material)
            if entry is not None and entry.parent:
                best = np.maximum(
                    best, w.parent_material_credit * self._materials.rows(entry.parent, rows)
                )
            credit += best
        return credit / len(materials)

    def _with_text(
        self, rows: IntArray, partial: FloatArray, brief: BriefQuery
    ) -> list[tuple[float, str, int]]:
        """Final 0-100 scores (rounded) with refs, text similarity added."""
        w = self.weights
        query = _similarity_text(brief.description)
        texts = [self._text(int(r)) for r in rows]
        if query and texts and w.text:
            similarity = process.cdist(
                [query], texts, scorer=fuzz.token_set_ratio, dtype=np.float32
            )[0]
        else:
            similarity = np.zeros(len(rows), dtype=np.float32)
        scores = np.clip(100.0 * (partial + w.text * similarity / 100.0) / w.total, 0.0, 100.0)
        return [
            (round(float(s), 1), self._ref(int(r)), int(r))
            for s, r in zip(scores, rows, strict=True)
        ]

    def _text(self, row: int) -> str:
        derived = self._derived[row]
        if derived is not None:
            return derived.text
        return self._stored.text(row) if self._stored is not None and self._in_store[row] else ""

    def _ref(self, row: int) -> str:
        return self._refs[row]

    def _top_matches(
        self,
        rows: IntArray,
        partial: FloatArray,
        fits: BoolArray,
        brief: BriefQuery,
        wanted: _Understood,
        top: int,
        lang: str,
    ) -> tuple[Match, ...]:
        """The best `top` of the rows; `fits` marks ateliers that make the brief's main product."""
        if top <= 0 or not len(rows):
            return ()
        w = self.weights
        # Ateliers that make the main product come first, whatever the material; other
        # products the brief names and related trades only fill in after them.
        key = partial + np.where(fits, w.total + w.text + w.budget, 0.0)
        order = np.argsort(-key, kind="stable")
        if len(rows) > top:
            # Text similarity adds at most `weights.text`: nothing below this bar can reach the top.
            bar = key[order[top - 1]] - w.text
            order = order[key[order] >= bar][:_TEXT_CANDIDATES_CAP]
        scored = sorted(
            zip(self._with_text(rows[order], partial[order], brief), fits[order], strict=True),
            key=lambda pair: (not pair[1], -pair[0][0], pair[0][1]),
        )
        out: list[Match] = []
        ceiling = 100.0
        for (score, ref, row), fit in scored[:top]:
            derived = self._row(row)
            if fit:
                ceiling = score
            shown = score if fit else min(score, ceiling)
            out.append(
                Match(
                    ref,
                    derived.atelier.name,
                    shown,
                    self._reasons(derived, brief, wanted, lang),
                    derived.atelier,
                    weak=not fit or shown < WEAK_SCORE,
                )
            )
        return tuple(out)

    def _near_misses(
        self,
        rows: IntArray,
        partial: FloatArray,
        failing: BoolArray,
        brief: BriefQuery,
        wanted: _Understood,
        limit: int,
        lang: str,
    ) -> tuple[NearMiss, ...]:
        if limit <= 0 or not len(rows):
            return ()
        broken = failing.sum(axis=0)
        # Fewest broken constraints first, then the best fit: what the designer could most easily bend.
        # partial is at most weights.total (plus half the budget weight), so this key orders
        # by broken count, then fit.
        key = broken * (self.weights.total + self.weights.budget + 1.0) - partial
        keep = min(limit * 4, len(key))
        order = np.argpartition(key, keep - 1)[:keep] if keep < len(key) else np.arange(len(key))
        scored = self._with_text(rows[order], partial[order], brief)
        ranked = sorted(
            zip(scored, broken[order], strict=True),
            key=lambda pair: (int(pair[1]), -pair[0][0], pair[0][1]),
        )
        out: list[NearMiss] = []
        for (score, ref, row), _ in ranked[:limit]:
            derived = self._row(row)
            out.append(
                NearMiss(
                    ref,
                    derived.atelier.name,
                    score,
                    self._failure_reasons(derived, brief, wanted, lang),
                    derived.atelier,
                )
            )
        return tuple(out)

    # ------------------------------------------------------------------ explanations

    def _reasons(
        self, derived: _Derived, brief: BriefQuery, wanted: _Understood, lang: str
    ) -> tuple[str, ...]:
        atelier = derived.atelier
        reasons: list[str] = []
        category = self._category_reason(derived, wanted, lang)
        if category:
            reasons.append(category)
        tax = taxonomy()
        worked: list[str] = []
        for material in wanted.materials:
            if material in derived.materials:
                worked.append(material)
                continue
            entry = tax.get("material", material)
            near = [c for c in tax.children.get(material, ()) if c in derived.materials]
            if entry is not None and entry.parent and entry.parent in derived.materials:
                near.append(entry.parent)
            worked.extend(near[:1])
        if worked:
            reasons.append(
                say(
                    "materials",
                    lang,
                    items=", ".join(label(m, lang) for m in dict.fromkeys(worked)),
                )
            )
        elif wanted.materials:
            # Said out loud: a silk brief matched to cotton and viscose makers must not read
            # as if the material were no concern.
            reasons.append(
                say("no_material", lang, items=", ".join(label(m, lang) for m in wanted.materials))
            )
        techniques = [t for t in wanted.techniques if t in derived.techniques]
        if techniques:
            reasons.append(
                say("techniques", lang, items=", ".join(label(t, lang) for t in techniques))
            )
        unit = atelier.moq_per
        reasons.append(
            say(
                "moq_ok",
                lang,
                moq=atelier.moq,
                unit=unit_word(unit, lang),
                quantity=per_unit(brief, unit),
            )
        )
        if brief.deadline_weeks is not None:
            reasons.append(
                say("lead_ok", lang, lead=atelier.lead_time_weeks, deadline=brief.deadline_weeks)
            )
        else:
            reasons.append(say("lead", lang, lead=atelier.lead_time_weeks))
        for key in wanted.certifications:
            reasons.append(say("certified", lang, label=self._certification_label(key, wanted)))
        if (
            brief.region
            and atelier.region
            and _region_key(atelier.region) == _region_key(brief.region)
        ):
            reasons.append(say("region", lang, region=atelier.region))
        elif brief.country:
            reasons.append(say("country", lang, country=atelier.country))
        reasons.append(say("handwork", lang, share=atelier.handwork_share))
        if atelier.available_capacity is not None:
            reasons.append(say("capacity_free", lang, free=atelier.available_capacity))
        if atelier.rating is not None:
            reasons.append(say("rating", lang, rating=f"{atelier.rating:.1f}"))
        if atelier.answer_hours is not None:
            if atelier.answer_hours < 48:  # "36 h" rather than "1 days"
                reasons.append(
                    say("answers_hours", lang, hours=max(1, round(atelier.answer_hours)))
                )
            else:
                reasons.append(say("answers_days", lang, days=round(atelier.answer_hours / 24)))
        kept, made = atelier.on_time
        if made:
            reasons.append(say("on_time", lang, kept=kept, made=made))
        if brief.budget_per_piece is not None and atelier.quoted_unit_price is not None:
            key = (
                "price_within"
                if atelier.quoted_unit_price <= brief.budget_per_piece
                else "price_above"
            )
            reasons.append(
                say(
                    key,
                    lang,
                    price=_amount(atelier.quoted_unit_price, lang),
                    budget=_amount(brief.budget_per_piece, lang),
                )
            )
        return tuple(reasons)

    def _category_reason(self, derived: _Derived, wanted: _Understood, lang: str) -> str | None:
        for concept in wanted.categories:
            if concept.id in derived.main:
                return say("main", lang, label=concept_label(concept, lang))
            if concept.id in derived.secondary:
                return say("secondary", lang, label=concept_label(concept, lang))
        if wanted.categories:
            for related in wanted.related():
                if related in derived.main or related in derived.secondary:
                    return say("related", lang, label=label(related, lang))
        return None

    @staticmethod
    def _certification_label(key: str, wanted: _Understood) -> str:
        entry = taxonomy().get("certification", key)
        return entry.en if entry else wanted.certification_labels.get(key, key)

    def _failure_reasons(
        self, derived: _Derived, brief: BriefQuery, wanted: _Understood, lang: str
    ) -> tuple[str, ...]:
        atelier = derived.atelier
        out: list[str] = []
        unit = atelier.moq_per
        shape = brief.shape
        if atelier.moq > shape.per(brief.high, unit):
            out.append(
                say(
                    "moq_fail",
                    lang,
                    moq=atelier.moq,
                    unit=unit_word(unit, lang),
                    quantity=per_unit(brief, unit),
                )
            )
        elif not meets_minimum(atelier.moq, unit, shape, brief.high, atelier.max_batch):
            out.append(
                say(
                    "moq_over_batch",
                    lang,
                    moq=atelier.moq,
                    unit=unit_word(unit, lang),
                    needed=atelier.moq * per_style(unit, shape),
                    max_batch=atelier.max_batch,
                )
            )
        if not within_batch(atelier.max_batch, shape, brief.quantity):
            out.append(
                say(
                    "batch_fail",
                    lang,
                    max_batch=atelier.max_batch,
                    quantity=per_unit(brief, "style"),
                )
            )
        if brief.deadline_weeks is not None and atelier.lead_time_weeks > brief.deadline_weeks:
            out.append(
                say("lead_fail", lang, lead=atelier.lead_time_weeks, deadline=brief.deadline_weeks)
            )
        if brief.country and atelier.country.strip().upper() != brief.country.strip().upper():
            out.append(
                say("country_fail", lang, country=atelier.country, wanted=brief.country.upper())
            )
        for key in wanted.certifications:
            if key not in derived.certifications:
                out.append(say("cert_fail", lang, label=self._certification_label(key, wanted)))
        if (
            brief.min_handwork_share is not None
            and atelier.handwork_share < brief.min_handwork_share
        ):
            out.append(
                say(
                    "handwork_fail",
                    lang,
                    share=atelier.handwork_share,
                    minimum=brief.min_handwork_share,
                )
            )
        return tuple(out)
