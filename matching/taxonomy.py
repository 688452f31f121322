"""The taxonomy of categories, materials, techniques and certifications (package data)."""

from __future__ import annotations

import logging
import pickle
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources

from matching.fingerprint import code_fingerprint
from matching.lemmas import cache_dir, lemmas, write_whole
from matching.text import words

log = logging.getLogger(__name__)

KINDS: tuple[str, ...] = ("category", "material", "technique", "certification")


@dataclass(frozen=True, slots=True)
class Entry:
    """One taxonomy entry as declared in taxonomy.toml."""

    id: str
    kind: str
    en: str
    it: str
    terms: tuple[str, ...]
    weak: frozenset[str]
    materials: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    parent: str | None = None
    # Forms that describe how a product is made rather than name it ("hand embroidered",
    # "tinto in capo"): a product named beside them comes first.
    attributes: tuple[str, ...] = ()
    # Narrower products that belong to this category ("mittens" -> gloves), by id.
    narrower: tuple[Narrower, ...] = ()
    # For a technique that is a trade of its own: the category it stands for when a brief
    # names no product ("hand embroidered, 200 pieces" -> embroidery).
    category: str | None = None


@dataclass(frozen=True, slots=True)
class Narrower:
    """A product one level down the hierarchy: recognised as its category, with a reason."""

    id: str
    category: str
    en: str
    it: str
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TermRef:
    """What a folded phrase stands for."""

    kind: str
    id: str
    weak: bool
    attribute: bool = False
    via: str | None = None  # the narrower product the phrase names, if any


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """Entries plus the lookup structures recognition needs, built once per process."""

    entries: dict[tuple[str, str], Entry]
    by_kind: dict[str, tuple[Entry, ...]]
    phrases: dict[tuple[str, ...], tuple[TermRef, ...]]
    vocabulary: frozenset[str]
    declared_words: frozenset[str]  # words of terms as written, without generated plurals
    fuzzy_pool: dict[str, tuple[str, ...]]  # first letter -> words a typo may be corrected to
    longest_phrase: int
    children: dict[str, tuple[str, ...]]  # material -> materials naming it as parent
    # Words an inflected form may be read as through its lemma ("ricamati" -> "ricamare"):
    # words of techniques, materials and attributes, never of product nouns ("belted" is not
    # "belt").
    lemma_targets: frozenset[str]
    narrower: dict[str, Narrower]
    tails: dict[str, tuple[str, ...]]  # a word without its first letter -> words ending so

    def get(self, kind: str, concept_id: str) -> Entry | None:
        return self.entries.get((kind, concept_id))

    def find(self, concept_id: str) -> Entry | Narrower | None:
        """An entry by id alone; categories win when an id exists in several kinds ("denim")."""
        for kind in KINDS:
            entry = self.entries.get((kind, concept_id))
            if entry is not None:
                return entry
        return self.narrower.get(concept_id)


def _strings(raw: dict[str, object], key: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"taxonomy: {key!r} must be a list of strings")
    return tuple(value)


def _variants(phrase: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The phrase and its last word with or without a plural "s" ("leather garment(s)")."""
    last = phrase[-1]
    out = [phrase]
    if len(last) > 3 and not any(ch.isdigit() for ch in last):
        if not last.endswith("s"):
            out.append((*phrase[:-1], last + "s"))
        elif not last.endswith(("ss", "us", "is")):
            out.append((*phrase[:-1], last[:-1]))
    return out


def lemma_in(word: str, targets: frozenset[str]) -> str | None:
    """The first lemma of the word that is one of the targets; short words have none."""
    if len(word) <= 3 or not word.isalpha():
        return None
    return next((lemma for lemma in lemmas(word) if lemma in targets), None)


def _with_lemmas(targets: set[str]) -> frozenset[str]:
    """The target words and their lemmas, which inflected forms are read as."""
    return frozenset(targets).union(*(lemmas(w) for w in targets if len(w) > 3 and w.isalpha()))


def _load_entries(document: dict[str, object]) -> list[Entry]:
    entries: list[Entry] = []
    for kind in KINDS:
        section = document.get(kind, {})
        if not isinstance(section, dict):
            raise ValueError(f"taxonomy: [{kind}] must be a table")
        for concept_id, raw in section.items():
            if not isinstance(raw, dict):
                raise ValueError(f"taxonomy: [{kind}.{concept_id}] must be a table")
            en, it = str(raw.get("en", concept_id)), str(raw.get("it", raw.get("en", concept_id)))
            terms = (*_strings(raw, "terms"), en, it, concept_id.replace("_", " "))
            weak = frozenset(" ".join(words(t)) for t in _strings(raw, "weak"))
            parent = raw.get("parent")
            category = raw.get("category")
            entries.append(
                Entry(
                    id=concept_id,
                    kind=kind,
                    en=en,
                    it=it,
                    terms=(*terms, *_strings(raw, "weak")),
                    weak=weak,
                    materials=_strings(raw, "materials"),
                    related=_strings(raw, "related"),
                    parent=parent if isinstance(parent, str) else None,
                    attributes=_strings(raw, "attributes"),
                    narrower=_load_narrower(concept_id, raw.get("narrower", {})),
                    category=category if isinstance(category, str) else None,
                )
            )
    return entries


def _load_narrower(category: str, section: object) -> tuple[Narrower, ...]:
    if not isinstance(section, dict):
        raise ValueError(f"taxonomy: [category.{category}.narrower] must be a table")
    out: list[Narrower] = []
    for product_id, raw in section.items():
        if not isinstance(raw, dict):
            raise ValueError(
                f"taxonomy: [category.{category}.narrower.{product_id}] must be a table"
            )
        en = str(raw.get("en", product_id.replace("_", " ")))
        it = str(raw.get("it", en))
        terms = (*_strings(raw, "terms"), en, it, product_id.replace("_", " "))
        out.append(Narrower(product_id, category, en, it, terms))
    return tuple(out)


def build_taxonomy(document: dict[str, object]) -> Taxonomy:
    entries = _load_entries(document)
    declared: dict[tuple[tuple[str, ...], str], str] = {}
    generated: dict[tuple[tuple[str, ...], str], TermRef] = {}
    phrases: dict[tuple[str, ...], dict[str, TermRef]] = defaultdict(dict)
    lemma_targets: set[str] = set()
    sources: list[tuple[Entry, str, bool, str | None]] = []
    for entry in entries:
        sources.extend((entry, term, False, None) for term in entry.terms)
        sources.extend((entry, term, True, None) for term in entry.attributes)
        for product in entry.narrower:
            sources.extend((entry, term, False, product.id) for term in product.terms)
        if entry.kind != "category":
            lemma_targets.update(w for term in entry.terms for w in words(term))
        lemma_targets.update(w for term in entry.attributes for w in words(term))
    targets = _with_lemmas(lemma_targets)
    for entry, term, attribute, via in sources:
        folded = tuple(words(term))
        if not folded:
            continue
        weak = " ".join(folded) in entry.weak
        variants = _variants(folded)
        if attribute or entry.kind != "category":
            # Every inflection of a technique or attribute phrase meets its lemmas: "embroidered
            # by hand" is also ("embroider", "by", "hand"), which "embroidering by hand" reads as.
            lemmatised = tuple(lemma_in(word, targets) or word for word in folded)
            if lemmatised != folded:
                variants.append(lemmatised)
        for number, phrase in enumerate(variants):
            key = (phrase, entry.kind)
            ref = TermRef(entry.kind, entry.id, weak, attribute, via)
            if number == 0:
                declared[key] = entry.id
                phrases[phrase][entry.kind] = ref
            elif key not in declared and key not in generated:
                generated[key] = ref
    # A generated plural never overrides a term some entry declared on purpose.
    declared_anywhere = {phrase for phrase, _ in declared}
    for (phrase, kind), ref in generated.items():
        if phrase not in declared_anywhere:
            phrases[phrase].setdefault(kind, ref)
    vocabulary = frozenset(word for phrase in phrases for word in phrase)
    declared_words = frozenset(word for phrase, _ in declared for word in phrase)
    pool: dict[str, list[str]] = defaultdict(list)
    for word in sorted(vocabulary):
        if len(word) >= 4 and word.isalpha():
            pool[word[0]].append(word)
    tails: dict[str, list[str]] = defaultdict(list)
    for word in sorted(vocabulary):
        if len(word) >= 5 and word.isalpha():
            tails[word[1:]].append(word)
    children: dict[str, list[str]] = defaultdict(list)
    for entry in entries:
        if entry.parent:
            children[entry.parent].append(entry.id)
    by_kind: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_kind[entry.kind].append(entry)
    return Taxonomy(
        entries={(e.kind, e.id): e for e in entries},
        by_kind={kind: tuple(by_kind[kind]) for kind in KINDS},
        phrases={phrase: tuple(refs.values()) for phrase, refs in phrases.items()},
        vocabulary=vocabulary,
        declared_words=declared_words,
        fuzzy_pool={letter: tuple(ws) for letter, ws in pool.items()},
        longest_phrase=max(len(p) for p in phrases),
        children={k: tuple(v) for k, v in children.items()},
        lemma_targets=targets,
        narrower={p.id: p for e in entries for p in e.narrower},
        tails={tail: tuple(ws) for tail, ws in tails.items()},
    )


@cache
def taxonomy() -> Taxonomy:
    """The packaged taxonomy, parsed on first use.

    Building it reads every term and lemmatises its words (a quarter of a second); the result
    is kept in the lemmatiser's cache folder, under the fingerprint of the code and data it
    was built from, and read back by later processes in a few milliseconds.
    """
    source = resources.files("matching").joinpath("data/taxonomy.toml").read_text(encoding="utf-8")
    cached = cache_dir() / f"taxonomy-{code_fingerprint()[:32]}.pickle"
    try:
        built = pickle.loads(cached.read_bytes())
        if isinstance(built, Taxonomy):
            return built
    except Exception:  # absent, unreadable or damaged: built again below
        log.debug("no usable taxonomy in %s", cached)
    built = build_taxonomy(tomllib.loads(source))
    try:
        write_whole(cached, pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        log.debug("cannot keep the taxonomy in %s", cached.parent)
    return built


def label(concept_id: str, lang: str = "en") -> str:
    """Display name of a taxonomy id (or a narrower product's id) in English or Italian;
    unknown ids come back unchanged."""
    entry = taxonomy().find(concept_id)
    if entry is None:
        return concept_id
    return entry.it if lang == "it" else entry.en


def taxonomy_ids(kind: str) -> list[str]:
    """All ids of one kind, in taxonomy order (e.g. every category for "pick another")."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    return [entry.id for entry in taxonomy().by_kind[kind]]


def likely_materials(category_id: str) -> list[str]:
    """Material ids typical of a category, most typical first; [] for an unknown category."""
    entry = taxonomy().get("category", category_id)
    return list(entry.materials) if entry else []


def related_categories(category_id: str) -> tuple[str, ...]:
    entry = taxonomy().get("category", category_id)
    return entry.related if entry else ()
