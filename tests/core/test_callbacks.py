"""The button-data codec: compact strings within 64 bytes, ASCII digits within bounds, and
nothing else decodes."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.callbacks import (
    MAX_BYTES,
    MAX_ID,
    ButtonData,
    OnRecord,
    choice,
    number,
    registered_kinds,
    text,
)
from bot.intros.buttons import DeclineReason, RequestIntro


class _Sample(ButtonData, prefix="test:sample"):
    item_id: int = number(1)
    mood: str = choice("up", "down")
    ref: str = text()


def test_a_button_round_trips_through_its_compact_string() -> None:
    button = _Sample(42, "up", "D0092:b")
    assert button.encode() == "test:sample:42:up:D0092:b"
    assert _Sample.decode(button.encode()) == button


@pytest.mark.parametrize(
    "data",
    [
        "test:sample:²:up:x",  # a digit to str.isdigit(), not to int()
        "test:sample:٣:up:x",
        "test:sample:" + "9" * 20 + ":up:x",
        f"test:sample:{MAX_ID + 1}:up:x",
        "test:sample:0:up:x",  # ids start at 1
        "test:sample:-1:up:x",
        "test:sample: 1:up:x",
        "test:sample:1:sideways:x",
        "test:sample:1:up",
        "test:sample:1:up:",
        "test:sample:1:up:" + "x" * 60,  # over 64 bytes
        "test:sampler:1:up:x",
        "test:sample",
        "",
        None,
        b"test:sample:1:up:x",
    ],
)
def test_anything_a_real_button_never_carries_does_not_decode(data: object) -> None:
    assert _Sample.decode(data) is None
    assert not _Sample.matches(data)


def test_a_ref_that_would_not_fit_is_reported_before_it_reaches_telegram() -> None:
    assert RequestIntro(1, "x" * 40).fits()
    assert not RequestIntro(1, "x" * 60).fits()


def test_every_kind_has_a_prefix_and_arity_of_its_own() -> None:
    with pytest.raises(TypeError, match="share the prefix"):

        class _Again(ButtonData, prefix="test:sample"):
            a: int = number()
            b: str = choice("up")
            c: str = text()


def test_a_kind_names_its_prefix_as_a_class_keyword() -> None:
    with pytest.raises(TypeError, match="prefix="):

        class _Old(ButtonData):
            PREFIX = "test:old"
            a: int = number()


def test_a_field_without_a_reader_must_be_an_integer() -> None:
    with pytest.raises(TypeError, match="needs number"):

        class _Loose(ButtonData, prefix="test:loose"):
            word: str


def test_kinds_share_a_shape_and_keep_prefixes_of_their_own() -> None:
    class _Open(OnRecord, prefix="test:open"): ...

    class _Close(OnRecord, prefix="test:close"): ...

    assert _Open(7).encode() == "test:open:7"
    assert _Open.decode("test:open:7") == _Open(7)
    assert _Close.decode("test:open:7") is None
    assert _Open.decode("test:open:0") is None
    # The shape itself is no kind: nothing decodes to it and it builds no button.
    assert OnRecord not in registered_kinds()
    assert OnRecord.decode("7") is None and not OnRecord.claims("7")
    with pytest.raises(TypeError, match="shape"):
        OnRecord(7).encode()


def test_button_data_cannot_be_changed_once_built() -> None:
    button = _Sample(1, "up", "x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        button.item_id = 2  # type: ignore[misc]


def test_kinds_are_listed_for_the_handlers_that_register_them() -> None:
    assert DeclineReason in registered_kinds()


@given(st.integers(min_value=1, max_value=MAX_ID), st.sampled_from(["too_few", "other"]))
def test_every_in_bounds_id_round_trips_within_telegrams_limit(intro_id: int, reason: str) -> None:
    button = DeclineReason(intro_id, reason)
    assert len(button.encode().encode()) <= MAX_BYTES
    assert DeclineReason.decode(button.encode()) == button


@given(st.text(max_size=80))
def test_decoding_never_raises_and_what_decodes_encodes_back(data: str) -> None:
    for kind in registered_kinds():
        decoded = kind.decode(kind.PREFIX + ":" + data)
        assert decoded is None or kind.decode(decoded.encode()) == decoded
