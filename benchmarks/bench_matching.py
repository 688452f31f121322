"""Benchmark of the matching index against a naive full-scan fuzzy search.

    .venv/bin/python benchmarks/bench_matching.py [--sizes 1000 10000 100000] [--briefs 200]

Generates synthetic registries whose text comes from the taxonomy's own vocabularies (EN/IT
and other European words, some typos), then measures for each size: index build time, RSS
growth while building, per-brief latency (p50/p95 over the briefs) and the same briefs run
through the naive baseline (rapidfuzz token_set_ratio of the description against every
atelier's concatenated text; fewer briefs at large sizes because it is slow). Prints a
Markdown table; results for the reference machine are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import statistics
import subprocess
import time
from dataclasses import dataclass

import psutil
from rapidfuzz import fuzz, process, utils

from matching import (
    AtelierIndex,
    AtelierProfile,
    BriefQuery,
    Unit,
    likely_materials,
    taxonomy_ids,
)
from matching.taxonomy import taxonomy

COUNTRIES = [("IT", 0.6), ("PT", 0.12), ("ES", 0.1), ("FR", 0.1), ("RO", 0.04), ("TR", 0.04)]
REGIONS = {
    "IT": [
        "Toscana",
        "Lombardia",
        "Veneto",
        "Marche",
        "Campania",
        "Emilia-Romagna",
        "Piemonte",
        "Puglia",
    ],
    "PT": ["Norte", "Centro", "Madeira"],
    "ES": ["Cataluña", "Comunidad Valenciana", "Andalucía"],
    "FR": ["Île-de-France", "Auvergne-Rhône-Alpes", "Occitanie"],
    "RO": ["Timiș"],
    "TR": ["Izmir", "Denizli"],
}
CERTIFICATIONS = [
    "GOTS",
    "OEKO-TEX",
    "Oeko-Tex Standard 100",
    "LWG",
    "SA8000",
    "ISO 9001",
    "bluesign",
    "GRS",
]
ATELIER_TEMPLATES = [
    "Workshop in {city} specialising in {main}, also {other}. We mainly work {m1} and {m2}; {tech}. "
    "About {hand}% of each piece is done by hand.",
    "Laboratorio a {city} specializzato in {main} e {other}. Lavoriamo soprattutto {m1} e {m2}; {tech}. "
    "Circa il {hand}% del lavoro è fatto a mano.",
    "Small family atelier near {city}: {main}, {other}, {tech}, materials {m1}, {m2}.",
]
BRIEF_TEMPLATES = [
    "We are a small label and need {q} {main} in {m1}. Delivery within {weeks} weeks.",
    "Cerco chi produca {main} in {m1}, circa {q} pezzi. Consegna entro {weeks} settimane.",
    "Looking for a workshop that can make {main} ({m1}), about {q} pieces for our first drop.",
    "Siamo un piccolo marchio e cerchiamo un laboratorio per {q} {main} in {m1}. Our {other} is already covered.",
]
CITIES = [
    "Prato",
    "Biella",
    "Carpi",
    "Como",
    "Firenze",
    "Napoli",
    "Porto",
    "Braga",
    "Elche",
    "Lyon",
    "Mataró",
]


def typo(word: str, rng: random.Random) -> str:
    """One edit inside a long word, the way ateliers mistype their own specialties."""
    if len(word) < 6 or " " in word:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i] + word[i:]


class Vocabulary:
    def __init__(self) -> None:
        tax = taxonomy()
        self.categories = [c for c in taxonomy_ids("category") if likely_materials(c)]
        self.terms = {
            e.id: [t for t in e.terms if t not in e.weak] for e in tax.by_kind["category"]
        }
        self.material_terms = {e.id: list(e.terms) for e in tax.by_kind["material"]}
        self.technique_terms = [t for e in tax.by_kind["technique"] for t in e.terms]

    def category_term(self, category: str, rng: random.Random, typos: float = 0.0) -> str:
        term = rng.choice(self.terms[category])
        return typo(term, rng) if rng.random() < typos else term

    def material_term(self, category: str, rng: random.Random) -> str:
        material = rng.choice(likely_materials(category))
        return rng.choice(self.material_terms[material])


def make_registry(size: int, vocabulary: Vocabulary, rng: random.Random) -> list[AtelierProfile]:
    countries, weights = zip(*COUNTRIES, strict=True)
    ateliers = []
    for number in range(size):
        category = rng.choice(vocabulary.categories)
        others = rng.sample(vocabulary.categories, rng.randrange(0, 3))
        specialties = [vocabulary.category_term(c, rng, typos=0.1) for c in (category, *others)]
        materials = [vocabulary.material_term(category, rng) for _ in range(rng.randrange(1, 4))]
        techniques = rng.sample(vocabulary.technique_terms, rng.randrange(0, 3))
        country = rng.choices(countries, weights)[0]
        moq = rng.choice([1, 10, 20, 30, 50, 80, 100, 150, 200, 300])
        hand = rng.randrange(0, 101)
        ateliers.append(
            AtelierProfile(
                ref=f"S{number:06d}",
                name=f"Atelier {number}",
                country=country,
                region=rng.choice(REGIONS[country]),
                city=rng.choice(CITIES),
                specialties=tuple(specialties),
                materials=tuple(materials),
                techniques=tuple(techniques),
                moq=moq,
                max_batch=moq * rng.choice([5, 10, 20, 50]),
                monthly_capacity=rng.randrange(100, 20_000),
                lead_time_weeks=rng.randrange(1, 20),
                handwork_share=hand,
                certifications=tuple(rng.sample(CERTIFICATIONS, rng.randrange(0, 3))),
                description=rng.choice(ATELIER_TEMPLATES).format(
                    city=rng.choice(CITIES),
                    main=specialties[0],
                    other=specialties[-1],
                    m1=materials[0],
                    m2=materials[-1],
                    tech=techniques[0] if techniques else "campionario",
                    hand=hand,
                ),
                available_capacity=rng.choice([None, None, rng.randrange(0, 5000)]),
                rating=rng.choice([None, round(rng.uniform(2.5, 5.0), 1)]),
                moq_per=rng.choice(MOQ_UNITS),
                # A fifth of the registry has quoted before.
                quoted_unit_price=round(rng.uniform(8, 120), 2) if rng.random() < 0.2 else None,
            )
        )
    return ateliers


# What ateliers' minimums count, most of them per style; the shapes of briefs' orders.
MOQ_UNITS: tuple[Unit, ...] = ("style",) * 6 + ("colour",) * 3 + ("size",)
SHAPES = [(1, 1, 1)] * 4 + [(2, 1, 1), (3, 2, 1), (1, 3, 5), (2, 2, 6)]


def make_briefs(count: int, vocabulary: Vocabulary, rng: random.Random) -> list[BriefQuery]:
    briefs = []
    for number in range(count):
        category = rng.choice(vocabulary.categories)
        other = rng.choice([c for c in vocabulary.categories if c != category])
        weeks = rng.randrange(4, 20)
        quantity = rng.choice([30, 50, 80, 120, 200, 400, 800])
        # Half the briefs split into styles, colourways and sizes; a third are a range.
        styles, colourways, sizes = rng.choice(SHAPES)
        total = quantity * styles
        high = total + total // 2 if rng.random() < 0.3 else None
        briefs.append(
            BriefQuery(
                id=f"Q{number:04d}",
                description=rng.choice(BRIEF_TEMPLATES).format(
                    q=quantity,
                    main=vocabulary.category_term(category, rng, typos=0.1),
                    m1=vocabulary.material_term(category, rng),
                    other=vocabulary.category_term(other, rng),
                    weeks=weeks,
                ),
                quantity=total,
                quantity_high=high,
                styles=styles,
                colourways=colourways,
                sizes=sizes,
                budget_per_piece=rng.choice([None, None, 25.0, 60.0]),
                deadline_weeks=weeks if rng.random() < 0.7 else None,
                country=rng.choice([None, None, "IT", "PT"]),
                certifications=tuple(rng.sample(CERTIFICATIONS, rng.choice([0, 0, 0, 1]))),
                min_handwork_share=rng.choice([None, None, 30, 60]),
            )
        )
    return briefs


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@dataclass(frozen=True)
class Row:
    size: int
    build_s: float
    build_cpu_s: float
    rss_mb: float
    p50_ms: float
    p95_ms: float
    p95_cpu_ms: float
    naive_briefs: int
    naive_p50_ms: float
    naive_p95_ms: float

    @property
    def speedup(self) -> float:
        return self.naive_p50_ms / self.p50_ms if self.p50_ms else float("inf")


def naive_texts(ateliers: list[AtelierProfile]) -> list[str]:
    return [
        " ".join((a.name, *a.specialties, *a.materials, *a.techniques, a.description))
        for a in ateliers
    ]


def run(size: int, brief_count: int, seed: int) -> Row:
    rng = random.Random(seed + size)
    vocabulary = Vocabulary()
    ateliers = make_registry(size, vocabulary, rng)
    briefs = make_briefs(brief_count, vocabulary, rng)
    gc.collect()
    rss_before = psutil.Process().memory_info().rss
    started, cpu_started = time.perf_counter(), time.process_time()
    index = AtelierIndex.build(ateliers)
    build_s, build_cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
    gc.collect()
    rss_mb = (psutil.Process().memory_info().rss - rss_before) / 2**20

    latencies, cpu = [], []
    for brief in briefs:
        started, cpu_started = time.perf_counter(), time.thread_time()
        index.match(brief, top=5)
        latencies.append((time.perf_counter() - started) * 1000)
        # CPU time of the query itself: what a loaded machine's waiting does not inflate.
        cpu.append((time.thread_time() - cpu_started) * 1000)

    # The naive scan takes ~1 s a brief at 100 000 ateliers: sample fewer briefs there.
    naive_count = max(5, min(len(briefs), 200_000 // size))
    texts = naive_texts(ateliers)
    naive = []
    for brief in briefs[:naive_count]:
        started = time.perf_counter()
        process.extract(
            brief.description,
            texts,
            scorer=fuzz.token_set_ratio,
            processor=utils.default_process,
            limit=5,
        )
        naive.append((time.perf_counter() - started) * 1000)
    return Row(
        size,
        build_s,
        build_cpu_s,
        rss_mb,
        statistics.median(latencies),
        percentile(latencies, 0.95),
        percentile(cpu, 0.95),
        naive_count,
        statistics.median(naive),
        percentile(naive, 0.95),
    )


def machine() -> str:
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next(
            (
                line.split(":", 1)[1].strip()
                for line in lscpu.splitlines()
                if line.startswith("Model name")
            ),
            platform.processor(),
        )
    except OSError:
        model = platform.processor()
    return f"{model}, {psutil.cpu_count()} cores, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--briefs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Machine: {machine()}; load average before the run: {load}\n")
    print(
        "| ateliers | build (s) | build CPU (s) | index RSS (MB) | p50 (ms) | p95 (ms) | p95 CPU (ms) | naive briefs | naive p50 (ms) "
        "| naive p95 (ms) | speed-up (p50) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        row = run(size, args.briefs, args.seed)
        print(
            f"| {row.size:,} | {row.build_s:.2f} | {row.build_cpu_s:.2f} | {row.rss_mb:.0f} | {row.p50_ms:.2f} | {row.p95_ms:.2f} "
            f"| {row.p95_cpu_ms:.2f} | {row.naive_briefs} | {row.naive_p50_ms:.1f} | {row.naive_p95_ms:.1f} | {row.speedup:.0f}× |",
            flush=True,
        )


if __name__ == "__main__":
    main()
