"""`/file PATH [caption]` in the terminal chat: which file, sent as what, and what is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.chat import UnsendableFileError, read_local_file, split_file_command


def test_the_path_may_have_spaces_quoted_or_not_and_the_rest_is_the_caption(
    tmp_path: Path,
) -> None:
    pack = tmp_path / "tech pack v2.pdf"
    pack.write_bytes(b"%PDF-1.4\n")
    assert split_file_command(f"{pack}") == (str(pack), None)
    assert split_file_command(f"{pack} first draft") == (str(pack), "first draft")
    assert split_file_command(f'"{pack}"   it\'s the one ') == (str(pack), "it's the one")
    missing = tmp_path / "nope.pdf"
    assert split_file_command(f"{missing} a caption") == (str(missing), "a caption")


def test_pictures_go_as_photos_and_everything_else_as_documents_with_their_type(
    tmp_path: Path,
) -> None:
    for name, kind, mime in (
        ("front.JPG", "photo", "image/jpeg"),
        ("back.webp", "photo", "image/webp"),
        ("flat.png", "photo", "image/png"),
        ("spec.pdf", "document", "application/pdf"),
        ("sketch.tiff", "document", "image/tiff"),
        ("measurements", "document", "application/octet-stream"),
    ):
        path = tmp_path / name
        path.write_bytes(b"0123456789")
        file = read_local_file(str(path))
        assert (file.kind, file.mime_type, file.size, file.data) == (kind, mime, 10, b"0123456789")


def test_a_file_too_big_for_a_bot_to_download_is_announced_without_being_read(
    tmp_path: Path,
) -> None:
    big = tmp_path / "lookbook.pdf"
    with big.open("wb") as stream:
        stream.truncate(25 * 1024 * 1024)  # sparse: nothing is written
    file = read_local_file(str(big))
    assert (file.kind, file.size, file.data) == ("document", 25 * 1024 * 1024, b"")


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda d: d / "missing.pdf", "There is no file at"),
        (lambda d: d, "is a folder, not a file"),
        (lambda d: (d / "empty.pdf", (d / "empty.pdf").write_bytes(b""))[0], "is empty"),
        (lambda d: (d / "f.pdf", (d / "f.pdf").write_bytes(b"x"))[0] / "inside", "no file at"),
    ],
)
def test_what_cannot_be_sent_says_why_and_nothing_goes(
    tmp_path: Path, make: object, says: str
) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(UnsendableFileError) as refused:
        read_local_file(str(path))
    assert says in str(refused.value) and "nothing was sent" in str(refused.value)
