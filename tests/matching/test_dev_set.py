"""The matcher against the graded development set, with the targets DESIGN.md sets."""

from __future__ import annotations

from matching import AtelierIndex

from .conftest import DevSet, assert_meets_targets


def test_dev_set_ranking_meets_targets(dev_set: DevSet) -> None:
    assert_meets_targets("dev set", dev_set)


def test_every_dev_brief_is_understood_as_one_product(dev_set: DevSet) -> None:
    index = AtelierIndex.build(dev_set.ateliers)
    for brief in dev_set.briefs:
        result = index.match(brief)
        assert result.categories, f"{brief.id}: no category understood in {brief.description!r}"
