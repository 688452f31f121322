"""An index read back from its snapshot matches exactly like the index it was taken from, before
and after the same updates, and a snapshot from other code, or damaged, is refused."""

from __future__ import annotations

from dataclasses import replace

import pytest

from matching import AtelierIndex, AtelierProfile, BriefQuery
from matching.index import SnapshotError
from tests.matching.conftest import DevSet


def _answers(index: AtelierIndex, briefs: list[BriefQuery]) -> list[object]:
    return [
        index.match(brief, top=8, near_misses=4, lang=lang)
        for brief in briefs
        for lang in ("en", "it")
    ]


def test_a_snapshot_matches_like_the_index_it_was_taken_from(dev_set: DevSet) -> None:
    built = AtelierIndex.build(dev_set.ateliers)
    ids = {atelier.ref: number for number, atelier in enumerate(dev_set.ateliers, start=100)}
    loaded = AtelierIndex.from_snapshot(bytes(built.snapshot(version=42, ids=ids)))
    assert loaded.version == 42
    assert loaded.ids == {number: ref for ref, number in ids.items()}
    index = loaded.index
    assert len(index) == len(built) and index.matchable() == built.matchable()
    assert _answers(index, dev_set.briefs) == _answers(built, dev_set.briefs)
    first = dev_set.ateliers[0]
    assert index.profile(first.ref) == first

    # The same updates on both: a changed atelier, a removed one, a new one, a paused one.
    changed = replace(dev_set.ateliers[1], specialties=("borse",), moq=5)
    added = replace(first, ref="NEW1", name="Nuovo Laboratorio")
    paused = replace(dev_set.ateliers[2], paused=True)
    for each in (built, index):
        each.upsert(changed)
        each.remove(dev_set.ateliers[3].ref)
        each.upsert(added)
        each.upsert(paused)
        each.remove("no such ref")
    assert _answers(index, dev_set.briefs) == _answers(built, dev_set.briefs)

    # A snapshot of an index read from a snapshot, some of its rows unpacked and some not.
    again = AtelierIndex.from_snapshot(index.snapshot(version=43)).index
    assert _answers(again, dev_set.briefs) == _answers(built, dev_set.briefs)
    assert again.profile(changed.ref) == changed and dev_set.ateliers[3].ref not in again


def test_a_snapshot_in_parts_is_the_whole_cut_to_size(dev_set: DevSet) -> None:
    index = AtelierIndex.build(dev_set.ateliers)
    whole = index.snapshot(version=5)
    parts = list(index.snapshot_parts(version=5, part_bytes=4096))
    assert len(parts) > 10
    assert {len(part) for part in parts[:-1]} == {4096} and 0 < len(parts[-1]) <= 4096
    assert b"".join(parts) == whole


def test_a_snapshot_holds_the_index_as_it_was_when_asked_for(dev_set: DevSet) -> None:
    """Its parts may be made while the index changes: they describe the moment of the call."""
    before = AtelierIndex.build(dev_set.ateliers)
    index = AtelierIndex.build(dev_set.ateliers)
    parts = index.snapshot_parts(version=9, part_bytes=2048)
    first = next(parts)
    # Changes of every kind after the call, some while its parts are being made.
    index.upsert(replace(dev_set.ateliers[1], specialties=("borse",), moq=5, paused=True))
    index.remove(dev_set.ateliers[3].ref)
    middle = [next(parts) for _ in range(5)]
    for number, atelier in enumerate(dev_set.ateliers[4:40]):
        index.upsert(replace(atelier, ref=f"NEW{number}", verified=not atelier.verified))
    index.remove(dev_set.ateliers[0].ref)
    loaded = AtelierIndex.from_snapshot(b"".join([first, *middle, *parts])).index
    assert len(loaded) == len(before)
    assert loaded.profile(dev_set.ateliers[1].ref) == dev_set.ateliers[1]
    assert "NEW0" not in loaded and dev_set.ateliers[0].ref in loaded
    assert _answers(loaded, dev_set.briefs) == _answers(before, dev_set.briefs)
    assert _answers(loaded, dev_set.briefs) != _answers(index, dev_set.briefs)


def test_unverified_ateliers_follow_the_reading_index_options() -> None:
    unverified = AtelierProfile(
        "U1", "Maglificio U1", "IT", specialties=("maglieria",), moq=10, verified=False
    )
    data = AtelierIndex.build([unverified]).snapshot(version=1)
    brief = BriefQuery("B", "maglioni in lana", quantity=50)
    assert not AtelierIndex.from_snapshot(data).index.match(brief).matches
    with_unverified = AtelierIndex.from_snapshot(data, include_unverified=True).index
    assert [m.ref for m in with_unverified.match(brief).matches] == ["U1"]


def test_an_empty_index_round_trips() -> None:
    loaded = AtelierIndex.from_snapshot(AtelierIndex().snapshot(version=0)).index
    assert len(loaded) == 0
    assert not loaded.match(BriefQuery("B", "knitwear", quantity=10)).matches


def test_damaged_or_foreign_snapshots_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    data = bytes(AtelierIndex.build([AtelierProfile("A", "A", "IT")]).snapshot(version=1))
    for damaged in (b"", b"something else entirely", data[:-20], data[: len(data) // 2]):
        with pytest.raises(SnapshotError):
            AtelierIndex.from_snapshot(damaged)
    # Taken by other matching code or data: its fingerprint differs.
    monkeypatch.setattr("matching.index.snapshot_fingerprint", lambda: "other code")
    with pytest.raises(SnapshotError, match="other matching code"):
        AtelierIndex.from_snapshot(data)
