"""Fixtures for the matching tests: the development set read straight from its files."""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from pathlib import Path

import pytest

from matching import AtelierProfile, BriefQuery

DEV_DATA = Path(__file__).resolve().parents[2].parent / "shared/data/dev"


def _multi(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(";") if v.strip())


def read_ateliers(path: Path) -> list[AtelierProfile]:
    """The registry import format: `;` separates the values of multi-valued columns."""
    with path.open(encoding="utf-8", newline="") as stream:
        return [
            AtelierProfile(
                ref=row["ref"],
                name=row["name"],
                country=row["country"].strip().upper(),
                region=row["region"],
                city=row["city"],
                specialties=_multi(row["specialties"]),
                materials=_multi(row["materials"]),
                techniques=_multi(row["techniques"]),
                moq=int(row["moq"]),
                max_batch=int(row["max_batch"]),
                monthly_capacity=int(row["monthly_capacity"]),
                lead_time_weeks=int(row["lead_time_weeks"]),
                handwork_share=int(row["handwork_share"]),
                certifications=_multi(row["certifications"]),
                languages=_multi(row["languages"]),
                description=row["description"],
                verified=True,
            )
            for row in csv.DictReader(stream)
        ]


def read_jsonl(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


@dataclass(frozen=True)
class DevSet:
    ateliers: list[AtelierProfile]
    briefs: list[BriefQuery]
    expected: dict[str, dict[str, object]]


@pytest.fixture(scope="session")
def dev_set() -> DevSet:
    if not (DEV_DATA / "ateliers.csv").exists():
        pytest.skip(f"development set not found at {DEV_DATA} (it lives next to the repository)")
    return DevSet(
        ateliers=read_ateliers(DEV_DATA / "ateliers.csv"),
        briefs=[BriefQuery.from_json(obj) for obj in read_jsonl(DEV_DATA / "briefs.jsonl")],
        expected={str(obj["id"]): obj for obj in read_jsonl(DEV_DATA / "expected.jsonl")},
    )


@dataclass(frozen=True)
class Metrics:
    ndcg: float
    hit3: float
    precision: float
    violations: int
    per_brief: dict[str, float]


def evaluate(
    expected: dict[str, dict[str, object]], ranked: dict[str, list[str]], k: int = 5
) -> Metrics:
    """The metrics of shared/tools/eval_match.py, computed the same way."""
    ndcgs: dict[str, float] = {}
    hits: list[float] = []
    precisions: list[float] = []
    violations = 0
    for brief_id, judgement in expected.items():
        relevant_raw = judgement["relevant"]
        assert isinstance(relevant_raw, dict)
        relevant = {str(r): int(g) for r, g in relevant_raw.items()}
        forbidden_raw = judgement.get("forbidden", [])
        assert isinstance(forbidden_raw, list)
        forbidden = set(map(str, forbidden_raw))
        top = ranked.get(brief_id, [])[:k]
        dcg = sum((2 ** relevant.get(r, 0) - 1) / math.log2(i + 2) for i, r in enumerate(top))
        ideal = sorted(relevant.values(), reverse=True)[:k]
        idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
        ndcgs[brief_id] = dcg / idcg if idcg else 0.0
        best = max(relevant.values()) if relevant else 0
        hits.append(1.0 if best and any(relevant.get(r, 0) == best for r in top[:3]) else 0.0)
        precisions.append(
            sum(1 for r in top if relevant.get(r, 0) > 0) / min(k, len(relevant))
            if relevant
            else 0.0
        )
        violations += sum(1 for r in top if r in forbidden)
    n = len(expected) or 1
    return Metrics(sum(ndcgs.values()) / n, sum(hits) / n, sum(precisions) / n, violations, ndcgs)


def assert_meets_targets(name: str, graded: DevSet) -> None:
    """Rank every brief of a graded set and hold the result to DESIGN.md's targets:
    nDCG@5 ≥ 0.92, hit@3 ≥ 0.97, no hard-constraint violation in any first five."""
    from matching import AtelierIndex

    index = AtelierIndex.build(graded.ateliers)
    ranked = {b.id: [m.ref for m in index.match(b, top=5).matches] for b in graded.briefs}
    metrics = evaluate(graded.expected, ranked)
    worst = sorted(metrics.per_brief.items(), key=lambda kv: kv[1])[:5]
    print(
        f"\n{name}: nDCG@5={metrics.ndcg:.3f} hit@3={metrics.hit3:.3f} P@5={metrics.precision:.3f} "
        f"violations={metrics.violations} briefs={len(graded.briefs)}; worst {worst}"
    )
    assert metrics.violations == 0
    assert metrics.ndcg >= 0.92
    assert metrics.hit3 >= 0.97
