"""Ranking quality of the matcher and of the naive keyword baseline on the graded sets.

  .venv/bin/python benchmarks/eval_matching.py [SET_DIR ...]

Each SET_DIR holds ateliers.csv, briefs.jsonl and expected.jsonl in the shape of
shared/data/dev (the default: the development set and every probe set under
tests/matching/data). Both matchers are run in the same process on the same files and
scored with the metrics of shared/tools/eval_match.py: nDCG@5, hit@3, P@5 and hard-constraint
violations in any first five. The baseline is shared/tools/baseline_match.py's method:
rapidfuzz token_set_ratio of the description against each atelier's text, full scan, no
taxonomy, no constraints.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rapidfuzz import fuzz, process, utils

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching import AtelierIndex  # noqa: E402
from matching.models import BriefQuery  # noqa: E402
from tests.matching.conftest import (  # noqa: E402
    DEV_DATA,
    DevSet,
    evaluate,
    read_ateliers,
    read_jsonl,
)

PROBES = ROOT / "tests/matching/data"


def load(folder: Path) -> DevSet:
    return DevSet(
        ateliers=read_ateliers(folder / "ateliers.csv"),
        briefs=[BriefQuery.from_json(obj) for obj in read_jsonl(folder / "briefs.jsonl")],
        expected={str(obj["id"]): obj for obj in read_jsonl(folder / "expected.jsonl")},
    )


def baseline(graded: DevSet) -> dict[str, list[str]]:
    texts = [
        " ".join((a.name, *a.specialties, *a.materials, *a.techniques, a.description))
        for a in graded.ateliers
    ]
    ranked: dict[str, list[str]] = {}
    for brief in graded.briefs:
        hits = process.extract(
            brief.description,
            texts,
            scorer=fuzz.token_set_ratio,
            processor=utils.default_process,
            limit=5,
        )
        ranked[brief.id] = [graded.ateliers[i].ref for _, _, i in hits]
    return ranked


def matcher(graded: DevSet) -> dict[str, list[str]]:
    index = AtelierIndex.build(graded.ateliers)
    return {b.id: [m.ref for m in index.match(b, top=5).matches] for b in graded.briefs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path)
    args = parser.parse_args()
    folders = args.sets or [DEV_DATA, *sorted(p for p in PROBES.iterdir() if p.is_dir())]
    print("| set | briefs | matcher | nDCG@5 | hit@3 | P@5 | violations |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for folder in folders:
        graded = load(folder)
        for name, run in (("Bottega", matcher), ("baseline", baseline)):
            started = time.perf_counter()
            metrics = evaluate(graded.expected, run(graded))
            elapsed = time.perf_counter() - started
            print(
                f"| {folder.name} | {len(graded.briefs)} | {name} | {metrics.ndcg:.3f} "
                f"| {metrics.hit3:.3f} | {metrics.precision:.3f} | {metrics.violations} |",
                file=sys.stdout,
            )
            if name == "Bottega":
                worst = sorted(metrics.per_brief.items(), key=lambda kv: kv[1])[:4]
                print(f"  worst {worst} ({elapsed:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
