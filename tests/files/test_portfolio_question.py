"""The portfolio question as it reads: the photos so far, each with its remove button and, after
the cover, a button that makes it the cover; Skip while there are none, Done after."""

from __future__ import annotations

from bot.core.callbacks import ButtonData
from bot.files.buttons import FinishFiles, RemoveFile, SetCover
from bot.files.rendering import portfolio_question


def _mirror(*ids: int) -> dict[str, object]:
    return {"limit": 10, "files": [{"id": i, "kind": "photo", "name": ""} for i in ids]}


def test_an_empty_portfolio_offers_skip_only() -> None:
    text, rows = portfolio_question(_mirror(), "en", "registration")
    assert "Photos of your work and your workshop" in text
    assert rows == [[("Skip", FinishFiles("registration").encode())]]


def test_each_photo_can_be_removed_and_any_but_the_cover_made_the_cover() -> None:
    text, rows = portfolio_question(_mirror(7, 8, 9), "en", "portfolio")
    assert "In your portfolio: 3 of 10." in text
    assert "Send up to 10 photos" in text
    assert rows[0] == [("✕ 1. photo, the cover", RemoveFile(7).encode())]
    assert rows[1] == [
        ("✕ 2. photo", RemoveFile(8).encode()),
        ("★ 2 as cover", SetCover(8).encode()),
    ]
    assert rows[-1] == [("Done", FinishFiles("portfolio").encode())]
    for row in rows:
        for _label, data in row:
            assert len(data.encode()) <= 64


def test_the_italian_question_and_buttons() -> None:
    text, rows = portfolio_question(_mirror(3, 4), "it", "portfolio")
    assert "Nel tuo portfolio: 2 di 10." in text
    assert rows[1][1][0] == "★ 2 come copertina"
    assert rows[-1][0][0] == "Fatto"


def test_a_forged_cover_button_does_not_decode() -> None:
    for data in ("f:cover:0", "f:cover:-1", "f:cover:x", "f:cover:99999999999"):
        assert SetCover.decode(data) is None
    assert SetCover.decode("f:cover:12") == SetCover(12)
    assert isinstance(SetCover(1), ButtonData)
