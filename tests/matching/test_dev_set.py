"""The matcher against the graded development set, with the targets DESIGN.md sets."""

from __future__ import annotations

from matching import AtelierIndex

from .conftest import DevSet, evaluate


def test_dev_set_ranking_meets_targets(dev_set: DevSet) -> None:
    index = AtelierIndex.build(dev_set.ateliers)
    ranked = {b.id: [m.ref for m in index.match(b, top=5).matches] for b in dev_set.briefs}
    metrics = evaluate(dev_set.expected, ranked)
    worst = sorted(metrics.per_brief.items(), key=lambda kv: kv[1])[:5]
    print(
        f"\ndev set: nDCG@5={metrics.ndcg:.3f} hit@3={metrics.hit3:.3f} P@5={metrics.precision:.3f} "
        f"violations={metrics.violations} briefs={len(dev_set.briefs)}; worst {worst}"
    )
    assert metrics.violations == 0
    assert metrics.ndcg >= 0.92
    assert metrics.hit3 >= 0.97


def test_every_dev_brief_is_understood_as_one_product(dev_set: DevSet) -> None:
    index = AtelierIndex.build(dev_set.ateliers)
    for brief in dev_set.briefs:
        result = index.match(brief)
        assert result.categories, f"{brief.id}: no category understood in {brief.description!r}"
