"""Recognising taxonomy concepts in free text: synonyms, plurals, typos and negation."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from matching.lemmas import is_word
from matching.models import Concept
from matching.scoring import say
from matching.taxonomy import KINDS, TermRef, label, lemma_in, taxonomy
from matching.text import BOUNDARY, Token, fold, slug, tokenise, words

# A recognised concept below this confidence is only a suggestion ("did you mean ...?").
ACCEPT = 75.0
# Ambiguous words ("abiti", "jacket") never reach certainty on their own.
WEAK_CAP = 80.0
PLURAL_CONFIDENCE = 97.0
SHORT_WORD_CONFIDENCE = 85.0
SOUND_ALIKE_CONFIDENCE = 90.0
LEMMA_CONFIDENCE = 98.0
SWAP_CONFIDENCE = 80.0
ALTERED_CONFIDENCE = 90.0

# Italian diminutives ("sandaletti", "collanine", "gonnelline"): the dictionaries list few of
# them, and the trade uses them all the time. Stripped once or twice, the ending put back.
_ALTERATIONS = (
    "ini",
    "ine",
    "ino",
    "ina",
    "etti",
    "ette",
    "etto",
    "etta",
    "elli",
    "elle",
    "ello",
    "ella",
)
# A slip on the first letter ("ahirt", "hsirt") is rarer and riskier than one inside the word:
# enough to be understood, not enough to outrank a product named plainly.
FIRST_LETTER_CONFIDENCE = 78.0
# A real word of this length or less is never taken for a typo of a taxonomy word: short
# words are where one edit turns one word into another ("salta" is not "sarta").
REAL_WORD_MAX_LENGTH = 6
# A technique standing in for the product it implies ("hand embroidered, 200 pieces").
IMPLIED_CONFIDENCE = 80.0
SUGGESTION_FACTOR = 0.6

# Answers that skip a question, in the languages of the catalogs and the registry: never a
# product, whatever one edit away from them means ("salta" ~ "sarta", "skip" ~ "slip").
SKIP_WORDS = frozenset(
    """
    skip skipped pass none nothing nope nah salta saltare salto passa passo passare nessuno
    nessuna niente nulla basta aucun aucune rien passer sauter ninguno ninguna nada saltar
    omitir pasar nenhum nenhuma pular passar
    """.split()  # noqa: SIM905 - a word list reads better as prose
)

# Everyday words in the languages of the registry that sit one edit away from a taxonomy
# word ("pezzi" ~ "pizzi", "lines" ~ "linen", "costs" ~ "coats"): never corrected.
STOPWORDS = (
    frozenset(
        """
    about above after again against also although always among another anything around asked
    because been before being below between both brand brands cannot certain could covered
    deliver delivery design designer designers does doing done down during each either else
    enough every first from further have having here however into itself just label labels
    last least like line lines made make maker makers making many mostly much must need
    needed needs never next none nothing only other others ours over please pieces piece
    price prices quality quite rather really same should shows since small some such than
    that their them then there these they thing things this those though through time times
    under until upon very want wants well were what when where which while will with within
    without work works worked workshop workshops would year years your yours costs cost
    simple sample order orders drop drops collection collections season seasons size sizes
    units unit team start spring summer autumn winter fall week weeks month months days
    early later quick fast slow hello thanks thank best kind regards large medium minimum
    maximum total budget looking find found search partner partners supplier suppliers
    factory factories studio local near based country italy italian france french spain
    spanish portugal portuguese books boats story stories cases case point points place
    places sells sell sold show mode model models style styles range ranges part parts main
    alone siamo sono cerco cerchiamo cerca piccolo piccola piccoli marchio marchi
    laboratorio laboratori produca produrre produzione prodotti prodotto pezzi pezzo circa
    entro consegna settimane settimana mese mesi almeno lavorazione lavorazioni mano fatto
    fatta fatti parte grande gran deve devono essere nostro nostra nostri nostre questo
    questa questi queste quello quella anche molto tutto tutti tutta sempre ancora dove come
    quando perche fornitore fornitori abbiamo avere serve servono prima dopo collezione
    stagione taglie taglia misure prezzo prezzi qualita italia italiana italiano francia
    spagna portogallo grazie buongiorno salve ciao altro altra altri altre nous sommes
    cherchons recherche petite petit marque atelier ateliers semaines livraison environ
    fabrication fabriquer moins avec pour dans notre votre merci somos buscamos busco
    pequena pequeno marca taller talleres piezas semanas entrega fabricar nuestra nuestro
    para unos unas gracias estamos procuramos oficina oficinas pecas prazo nossa nosso
    obrigado tight loose
    """.split()  # noqa: SIM905 - a word list reads better as prose
    )
    | SKIP_WORDS
)

# "X is already covered", "abbiamo già un fornitore per X": the whole sub-clause is not wanted.
_CLAUSE_CUES: tuple[tuple[str, ...], ...] = (
    ("already",),
    ("gia",),
    ("deja",),
    ("ya", "tenemos"),
    ("ya", "tengo"),
    ("ja", "temos"),
    ("ja", "tenho"),
    ("is", "covered"),
    ("are", "covered"),
    ("covered", "by"),
    ("taken", "care", "of"),
    ("handled", "by"),
    ("elsewhere",),
    ("altrove",),
    ("ailleurs",),
    ("got", "covered"),
    ("have", "covered"),
    ("is", "sorted"),
    ("are", "sorted"),
    ("got", "sorted"),
    ("not", "needed"),
    ("not", "required"),
    ("not", "wanted"),
    ("no", "need"),
    ("non", "serve"),
    ("non", "servono"),
    ("non", "ci", "serve"),
    ("non", "ci", "servono"),
    ("non", "ci", "interessa"),
    ("non", "ci", "interessano"),
    ("non", "cerchiamo"),
    ("non", "necessario"),
    ("non", "necessaria"),
    ("pas", "besoin"),
    ("no", "necesitamos"),
    ("nao", "precisamos"),
)
# "not knitwear", "senza ricamo", "sauf maille": what follows in the clause is not wanted.
_FORWARD_CUES: tuple[tuple[str, ...], ...] = (
    ("not",),
    ("no",),
    ("non",),
    ("nor",),
    ("neither",),
    ("without",),
    ("except",),
    ("excluding",),
    ("apart", "from"),
    ("other", "than"),
    ("rather", "than"),
    ("instead", "of"),
    ("senza",),
    ("niente",),
    ("nessun",),
    ("nessuna",),
    ("nessuno",),
    ("neanche",),
    ("nemmeno",),
    ("neppure",),
    ("aucun",),
    ("aucune",),
    ("ningun",),
    ("ninguna",),
    ("nenhum",),
    ("nenhuma",),
    ("tranne",),
    ("eccetto",),
    ("escluso",),
    ("esclusa",),
    ("esclusi",),
    ("escluse",),
    ("salvo",),
    ("sans",),
    ("sauf",),
    ("pas",),
    ("ni",),
    ("sin",),
    ("excepto",),
    ("sem",),
    ("exceto",),
    ("nao",),
    ("nunca",),
    ("mai",),
)
_NOT_A_NEGATION_AFTER = frozenset(
    {"only", "just", "solo", "soltanto", "seulement", "solamente", "apenas"}
)
_CLAUSE_BREAKERS = frozenset(
    {
        "but",
        "ma",
        "pero",
        "mais",
        "mas",
        "however",
        "though",
        "although",
        "while",
        "whereas",
        "mentre",
        "invece",
        "tuttavia",
        "cependant",
        "sin embargo",
        "porem",
        "also",
        "anche",
        "plus",
    }
)
_AND = frozenset({"and", "e", "ed", "et", "y"})
_SUBJECTS = frozenset(
    {
        "our",
        "we",
        "i",
        "the",
        "nostra",
        "nostro",
        "nostri",
        "nostre",
        "noi",
        "abbiamo",
        "la",
        "il",
        "le",
        "gli",
        "lo",
        "per",
        "notre",
        "nos",
        "nous",
        "nuestra",
        "nuestro",
        "nuestros",
        "tenemos",
        "nossa",
        "nosso",
        "nossos",
        "temos",
        "para",
        "for",
        "pour",
    }
)


@dataclass(frozen=True, slots=True)
class Span:
    """A concept recognised at word positions [start, end) of a text."""

    kind: str
    id: str
    confidence: float
    start: int
    end: int
    matched: str
    negated: bool = False
    attribute: bool = False  # describes how the product is made ("ricamato a mano")
    via: str | None = None  # the narrower product named ("mittens" for gloves)


# QWERTY neighbours: of two corrections one edit away, the one a slipped finger explains wins
# ("stome" is "stone", not "stole").
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_AT = {ch: (r, c) for r, row in enumerate(_KEYBOARD_ROWS) for c, ch in enumerate(row)}


def _keys_apart(typed: str, candidate: str) -> int:
    """0 when the words differ by one substituted letter whose keys touch, else 1."""
    if len(typed) != len(candidate):
        return 1
    diff = [(a, b) for a, b in zip(typed, candidate, strict=True) if a != b]
    if len(diff) != 1 or diff[0][0] not in _KEY_AT or diff[0][1] not in _KEY_AT:
        return 1
    (r1, c1), (r2, c2) = _KEY_AT[diff[0][0]], _KEY_AT[diff[0][1]]
    return 0 if abs(r1 - r2) <= 1 and abs(c1 - c2) <= 1 else 1


def _lemma_of(word: str) -> str | None:
    """The technique, material or attribute word an inflected form stands for, if any."""
    return lemma_in(word, taxonomy().lemma_targets)


def _unaltered(word: str, depth: int = 2) -> str | None:
    """The listed word an Italian diminutive is made from: "sandaletti" -> "sandali"."""
    if depth == 0 or len(word) < 7:
        return None
    tax = taxonomy()
    for suffix in _ALTERATIONS:
        if not word.endswith(suffix):
            continue
        stem = word[: -len(suffix)]
        for ending in "ieao":
            if len(stem) >= 3 and stem + ending in tax.vocabulary:
                return stem + ending
        deeper = _unaltered(stem + suffix[-1], depth - 1)  # "gonnelline" -> "gonnelle"
        if deeper is not None:
            return deeper
    return None


def _first_letter_slip(word: str) -> str | None:
    """The one taxonomy word that a slip on the first letter explains, or None if none or several."""
    tax = taxonomy()
    found: set[str] = set()
    swapped = word[1] + word[0] + word[2:]
    for candidate in (word[1:], swapped):
        if len(candidate) >= 5 and candidate in tax.vocabulary:
            found.add(candidate)
    found.update(tax.tails.get(word[1:], ()))  # "ahirt": the first letter replaced
    found.update(tax.tails.get(word, ()))  # "hirts": the first letter lost
    return found.pop() if len(found) == 1 else None


@lru_cache(maxsize=200_000)
def correct(word: str, original: str = "") -> tuple[str, float] | None:
    """The taxonomy word a typed word stands for, with confidence, or None if it is unknown.

    Exact words first, then plural/singular, then the lemma of an inflected technique,
    material or attribute word ("ricamati" -> "ricamare", "dyed" -> "dye"; `original` is the
    word before accents were folded, which the dictionaries read better), then one edit
    (transpositions count once) for words of five letters or more, two for ten or more;
    four-letter words may only have lost a letter ("shos", "lien"). A correction keeps the
    first letter unless exactly one taxonomy word explains a slip on it, and a short real
    word of any of the registry's languages is never corrected.
    """
    tax = taxonomy()
    if word in STOPWORDS and word not in tax.declared_words:
        return None  # "tight" is not "tights", whatever the plural rule says
    if word in tax.vocabulary:
        return word, 100.0
    if word in STOPWORDS or not word.isalpha() or len(word) < 3:
        return None
    for other in (
        word[:-1] if word.endswith("s") else "",
        word[:-2] if word.endswith("es") else "",
        word + "s",
    ):
        if len(other) >= 3 and other in tax.vocabulary:
            return other, PLURAL_CONFIDENCE
    lemma = _lemma_of(original or word) or (_lemma_of(word) if original else None)
    if lemma is not None:
        return lemma, LEMMA_CONFIDENCE
    base = _unaltered(word)
    if base is not None:
        return base, ALTERED_CONFIDENCE
    # "knitware", "footware", "swimwares": "-wear" spelled like "hardware" is a common slip.
    stem = word[:-1] if word.endswith("wares") else word
    if stem.endswith("ware") and len(stem) > 6 and stem[:-4] + "wear" in tax.vocabulary:
        return stem[:-4] + "wear", SOUND_ALIKE_CONFIDENCE
    if len(word) < 4:
        return None
    if len(word) <= REAL_WORD_MAX_LENGTH and is_word(word):
        # Only two swapped letters are still read as a slip ("blets" is "belts"): a real word
        # one letter away is another word ("beans" is not "beads").
        swaps = (word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1))
        swapped = [w for w in swaps if w in tax.vocabulary]
        return (swapped[0], SWAP_CONFIDENCE) if len(swapped) == 1 else None
    pool = tax.fuzzy_pool.get(word[0], ())
    if len(word) == 4:
        for candidate in pool:
            if len(candidate) == 5 and OSA.distance(word, candidate) == 1:
                return candidate, SHORT_WORD_CONFIDENCE
        return None
    allowed = 2 if len(word) >= 10 else 1
    found = process.extract(word, pool, scorer=OSA.distance, score_cutoff=allowed, limit=None)
    if not found:
        slip = _first_letter_slip(word)
        return (slip, FIRST_LETTER_CONFIDENCE) if slip else None
    best = min(
        found,
        key=lambda hit: (hit[1], -fuzz.ratio(word, hit[0]), _keys_apart(word, hit[0]), hit[0]),
    )
    confidence = fuzz.ratio(word, best[0])
    if best[1] == 2:
        confidence = min(confidence, 80.0)
    return best[0], float(confidence)


def _clauses(tokens: list[Token]) -> list[list[int]]:
    """Word indices grouped by clause (punctuation and "but"-like words end a clause)."""
    clauses: list[list[int]] = [[]]
    for index, token in enumerate(tokens):
        if token.text == BOUNDARY:
            clauses.append([])
        else:
            clauses[-1].append(index)
    return [c for c in clauses if c]


def _cue_table(cues: tuple[tuple[str, ...], ...]) -> dict[str, tuple[tuple[str, ...], ...]]:
    table: dict[str, list[tuple[str, ...]]] = {}
    for cue in cues:
        table.setdefault(cue[0], []).append(cue)
    return {first: tuple(found) for first, found in table.items()}


_CLAUSE_TABLE = _cue_table(_CLAUSE_CUES)
_FORWARD_TABLE = _cue_table(_FORWARD_CUES)


def _cues_at(
    part: list[str], table: dict[str, tuple[tuple[str, ...], ...]]
) -> list[tuple[int, int]]:
    """(position, length) of every cue of the table found in the words."""
    found: list[tuple[int, int]] = []
    for i, word in enumerate(part):
        for cue in table.get(word, ()):
            if tuple(part[i : i + len(cue)]) == cue:
                found.append((i, len(cue)))
    return found


def _negated_positions(texts: list[str]) -> set[int]:
    """Positions (within one clause) that a negation cue puts out of scope."""
    out: set[int] = set()
    # Sub-clauses: "we need shirts and our knitwear is covered" must keep the shirts.
    starts = [0]
    for i, word in enumerate(texts):
        if word in _CLAUSE_BREAKERS or (
            word in _AND and i + 1 < len(texts) and texts[i + 1] in _SUBJECTS
        ):
            starts.append(i)
    starts.append(len(texts))
    for a, b in itertools.pairwise(starts):
        part = texts[a:b]
        if _cues_at(part, _CLAUSE_TABLE):
            out.update(range(a, b))
            continue
        for at, length in _cues_at(part, _FORWARD_TABLE):
            after = a + at + length
            if after < b and texts[after] in _NOT_A_NEGATION_AFTER:
                continue
            out.update(range(a + at, b))
    return out


def analyse(text: str, kinds: frozenset[str] | None = None) -> list[Span]:
    """Every concept in the text, longest phrase first, with negation marked."""
    tax = taxonomy()
    wanted = kinds or frozenset(KINDS)
    prepared, tokens = tokenise(text)
    spans: list[Span] = []
    for clause in _clauses(tokens):
        texts = [tokens[i].text for i in clause]
        fixed = [
            correct(w, _original(prepared, tokens[i])) for w, i in zip(texts, clause, strict=True)
        ]
        # A listed word may still be an inflection of a longer phrase's word: "ricamate" is an
        # attribute of its own, and "ricamate a macchina" is "ricamare a macchina".
        lemmatised = [
            _lemma_reading(w, _original(prepared, tokens[i]), f)
            for w, i, f in zip(texts, clause, fixed, strict=True)
        ]
        negated = _negated_positions(texts)
        i = 0
        while i < len(clause):
            hit: tuple[int, tuple[TermRef, ...], float] | None = None
            for n in range(min(tax.longest_phrase, len(clause) - i), 0, -1):
                refs: tuple[TermRef, ...] = ()
                confidence = 100.0
                for parts in (fixed[i : i + n], lemmatised[i : i + n]):
                    if refs or not all(p is not None for p in parts):
                        continue
                    key = tuple(p[0] for p in parts if p is not None)
                    refs = tuple(r for r in tax.phrases.get(key, ()) if r.kind in wanted)
                    confidence = min(p[1] for p in parts if p is not None)
                if not refs and n == 2:  # "knit wear", "foot wear" typed as two words
                    joined = texts[i] + texts[i + 1]
                    refs = tuple(r for r in tax.phrases.get((joined,), ()) if r.kind in wanted)
                if refs:
                    hit = (n, refs, confidence)
                    break
            if hit is None:
                i += 1
                continue
            n, refs, confidence = hit
            first, last = tokens[clause[i]], tokens[clause[i + n - 1]]
            is_negated = any(k in negated for k in range(i, i + n))
            for ref in refs:
                spans.append(
                    Span(
                        kind=ref.kind,
                        id=ref.id,
                        confidence=min(confidence, WEAK_CAP) if ref.weak else confidence,
                        start=clause[i],
                        end=clause[i + n - 1] + 1,
                        matched=prepared[first.start : last.end],
                        negated=is_negated,
                        attribute=ref.attribute,
                        via=ref.via,
                    )
                )
            i += n
    return spans


def _lemma_reading(
    word: str, original: str, fixed: tuple[str, float] | None
) -> tuple[str, float] | None:
    """The word read through its lemma when it has one among the lemma targets, else as fixed."""
    if (fixed is not None and fixed[1] < 100.0) or word in STOPWORDS:
        return fixed
    lemma = _lemma_of(original or word)
    return (lemma, LEMMA_CONFIDENCE) if lemma and lemma != word else fixed


def _original(prepared: str, token: Token) -> str:
    """The token as typed, lower case, when folding changed it ("teñido"); else ""."""
    typed = prepared[token.start : token.end].lower()
    return "" if typed == token.text else typed


def _concepts(spans: list[Span]) -> list[Concept]:
    best: dict[tuple[str, str], tuple[Span, int]] = {}
    for order, span in enumerate(spans):
        key = (span.kind, span.id)
        if key not in best or span.confidence > best[key][0].confidence:
            best[key] = (span, best[key][1] if key in best else order)
    ranked = sorted(best.values(), key=lambda pair: (-pair[0].confidence, pair[1]))
    return [Concept(s.id, s.kind, round(s.confidence, 1), s.matched, s.via) for s, _ in ranked]


@lru_cache(maxsize=16)
def _suggestion_vocabulary(
    kinds: tuple[str, ...],
) -> tuple[tuple[tuple[str, str, str], ...], tuple[str, ...]]:
    """Every taxonomy term of these kinds as folded words, with its concept: prepared once per
    process, not on every suggestion (an import asks for thousands)."""
    tax = taxonomy()
    choices = tuple(
        (" ".join(words(term)), entry.kind, entry.id)
        for k in kinds
        for entry in tax.by_kind[k]
        for term in entry.terms
    )
    return choices, tuple(c[0] for c in choices)


def _suggest(text: str, kind: str | None, limit: int) -> list[Concept]:
    """Low-confidence guesses for a short unknown answer, so the bot can ask "did you mean ...?"."""
    folded = " ".join(words(text))
    if not folded or len(folded.split()) > 3 or any(ch.isdigit() for ch in folded):
        return []
    choices, terms = _suggestion_vocabulary((kind,) if kind else KINDS)
    hits = process.extract(folded, terms, scorer=fuzz.WRatio, score_cutoff=70, limit=limit * 4)
    out: list[Concept] = []
    seen: set[tuple[str, str]] = set()
    for _, score, index in hits:
        _, concept_kind, concept_id = choices[index]
        if (concept_kind, concept_id) in seen:
            continue
        seen.add((concept_kind, concept_id))
        out.append(
            Concept(concept_id, concept_kind, round(score * SUGGESTION_FACTOR, 1), text.strip())
        )
    return out[:limit]


def understand(text: str, kind: str | None = None, *, limit: int = 5) -> list[Concept]:
    """Taxonomy concepts in free text, best first; negated mentions are left out.

    Confidence is 100 for an exact synonym, a little less for plurals and typos, at most 80
    for ambiguous words and below 60 for mere suggestions.
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    spans = [s for s in analyse(text) if not s.negated and (kind is None or s.kind == kind)]
    found = _concepts(spans)
    if not found:
        return _suggest(text, kind, limit)
    return found[:limit]


def categories_in(text: str) -> list[Concept]:
    """Product categories the text is about, negated mentions removed.

    Confident mentions come first and, among those, the first one named: a brief names the
    product before the details ("shirts with embroidered collars").
    """
    return rank_categories(analyse(text))


def rank_categories(spans: list[Span]) -> list[Concept]:
    """categories_in() for spans already found.

    A product named outright comes before one only implied by how it is made ("shirts with
    hand embroidered collars" asks for shirts); with no product at all, a technique that is a
    trade of its own stands for it ("ricamato a mano, 200 pezzi" asks for embroidery).
    """
    first: dict[str, tuple[Span, float]] = {}
    for span in spans:
        if span.kind != "category" or span.negated or span.confidence < ACCEPT:
            continue
        if span.id not in first:
            first[span.id] = (span, span.confidence)
        elif span.confidence > first[span.id][1]:
            # A plain mention after an attribute one ("ricamato ... ricamificio") counts as plain.
            earlier = first[span.id][0]
            first[span.id] = (span if earlier.attribute else earlier, span.confidence)
    if not first:
        tax = taxonomy()
        ruled_out = {s.id for s in spans if s.kind == "category" and s.negated}
        for span in spans:
            if span.kind != "technique" or span.negated or span.confidence < ACCEPT:
                continue
            entry = tax.get("technique", span.id)
            implied = entry.category if entry else None
            if implied and implied not in first and implied not in ruled_out:
                confidence = min(span.confidence, IMPLIED_CONFIDENCE)
                first[implied] = (
                    Span("category", implied, confidence, span.start, span.end, span.matched),
                    confidence,
                )
    ranked = sorted(
        first.values(), key=lambda pair: (pair[0].attribute, pair[1] < 90.0, pair[0].start)
    )
    return [Concept(s.id, s.kind, round(conf, 1), s.matched, s.via) for s, conf in ranked]


def concept_label(concept: Concept, lang: str = "en") -> str:
    """How to name a recognised concept to the user: "mittens → gloves" for a narrower product."""
    if concept.via:
        return f"{label(concept.via, lang)} → {label(concept.id, lang)}"
    return label(concept.id, lang)


@lru_cache(maxsize=4096)
def normalise_certification(text: str) -> str | None:
    """The certification id for free text ("Oeko-Tex Standard 100" -> "oeko_tex"), or None."""
    for span in analyse(text, frozenset({"certification"})):
        if span.confidence >= ACCEPT and not span.negated:
            return span.id
    return None


@lru_cache(maxsize=4096)
def certification_key(text: str) -> str:
    """Key two certification spellings share: the taxonomy id, else a slug of the text."""
    return normalise_certification(text) or slug(text)


def fold_region(text: str) -> str:
    return " ".join(fold(text).replace("-", " ").split())


# Words of a description that say nothing about the product ("need", "pcs", numbers).
_FILLER = frozenset(
    """
    the and for our with from per una uno del della delle dei degli con che pcs pezzi paia
    pairs pair units unit pieces piece des les pour avec una los las para com uma das dos
    """.split()  # noqa: SIM905 - a word list reads better as prose
)


def unplaced_words(text: str, limit: int = 4) -> list[str]:
    """Words of the text that no concept covers: what the engine did not understand."""
    _, tokens = tokenise(text)
    covered: set[int] = set()
    for span in analyse(text):
        covered.update(range(span.start, span.end))
    out: list[str] = []
    cues = {word for cue in (*_CLAUSE_CUES, *_FORWARD_CUES) for word in cue}
    for index, token in enumerate(tokens):
        word = token.text
        if (
            index in covered
            or word == BOUNDARY
            or len(word) < 3
            or not word.isalpha()
            or word in STOPWORDS
            or word in _FILLER
            or word in cues
            or word in out
        ):
            continue
        out.append(word)
    return out[:limit]


def unplaced_notes(text: str, categories: tuple[Concept, ...], lang: str) -> tuple[str, ...]:
    """What to tell the user when the product was not understood: the words that were not."""
    if categories:
        return ()
    unplaced = unplaced_words(text)
    if unplaced:
        return (say("not_understood", lang, words=", ".join(unplaced)),)
    return (say("no_product", lang),)


def nobody_makes_note(concept: Concept, lang: str) -> str:
    """What to tell the user when no listed atelier makes the product understood."""
    return say("nobody_makes", lang, label=concept_label(concept, lang))
