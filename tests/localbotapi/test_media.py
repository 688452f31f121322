"""Photos, documents, albums and files through the local Bot API server, with python-telegram-bot's Bot."""

from __future__ import annotations

import struct
import zlib
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from telegram import Bot, InputMediaDocument, InputMediaPhoto, Message, Update
from telegram.error import BadRequest, RetryAfter

from localbotapi import Attachment, LocalBotAPI
from localbotapi.files import image_size

TOKEN = "123:TEST"
DESIGNER = 42
ATELIER = 77


def png(width: int, height: int) -> bytes:
    """A real PNG image of the given size."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + b"\x10\x20\x30" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
async def api() -> AsyncIterator[LocalBotAPI]:
    async with LocalBotAPI() as server:
        server.set_user(DESIGNER, first_name="Giulia")
        server.set_user(ATELIER, first_name="Sartoria")
        yield server


@pytest.fixture
async def bot(api: LocalBotAPI) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url) as client:
        yield client


async def messages(bot: Bot) -> list[Message]:
    updates: tuple[Update, ...] = await bot.get_updates(timeout=0)
    if updates:
        await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    return [update.message for update in updates if update.message is not None]


# --------------------------------------------------------------------------- from users


async def test_a_users_photo_comes_in_sizes_and_downloads(api: LocalBotAPI, bot: Bot) -> None:
    picture = png(1600, 1200)
    await api.user_sends_photo(DESIGNER, picture, caption="front view", width=1600, height=1200)
    (message,) = await messages(bot)

    assert message.caption == "front view"
    sizes = message.photo
    assert [size.width for size in sizes] == [90, 320, 800, 1600]
    assert sizes[-1].height == 1200 and sizes[0].height == 67
    assert len({size.file_id for size in sizes}) == 4
    assert len({size.file_unique_id for size in sizes}) == 4
    assert sizes[-1].file_size == len(picture)

    file = await sizes[-1].get_file()
    assert file.file_path is not None and file.file_path.startswith(f"{api.base_file_url}")
    assert file.file_path.endswith(".jpg")
    assert bytes(await file.download_as_bytearray()) == picture


async def test_a_users_document_has_name_type_and_size(api: LocalBotAPI, bot: Bot) -> None:
    await api.user_sends_document(DESIGNER, b"%PDF-1.7 tech pack", file_name="tech pack.pdf")
    (message,) = await messages(bot)
    document = message.document
    assert document is not None
    assert document.file_name == "tech pack.pdf"
    assert document.mime_type == "application/pdf"
    assert document.file_size == len(b"%PDF-1.7 tech pack")
    file = await document.get_file()
    assert bytes(await file.download_as_bytearray()) == b"%PDF-1.7 tech pack"


async def test_an_album_arrives_as_separate_updates_sharing_a_media_group(
    api: LocalBotAPI, bot: Bot
) -> None:
    ids = await api.user_sends_media_group(
        DESIGNER,
        [
            Attachment.photo(png(40, 30), caption="sketch"),
            Attachment.photo(png(30, 40)),
            Attachment.photo(png(50, 50)),
            Attachment.document(b"%PDF-1.4 bom", "bom.pdf"),
        ],
    )
    received = await messages(bot)
    assert [m.message_id for m in received] == ids
    photos, document = received[:3], received[3]
    group = {m.media_group_id for m in photos}
    assert len(group) == 1 and None not in group
    assert [m.caption for m in photos] == ["sketch", None, None]
    assert [(m.photo[-1].width, m.photo[-1].height) for m in photos] == [
        (40, 30),
        (30, 40),
        (50, 50),
    ]
    # A document cannot join photos in an album: a client sends it on its own.
    assert document.document is not None and document.media_group_id is None


async def test_thirty_photos_go_out_as_three_albums_of_ten(api: LocalBotAPI, bot: Bot) -> None:
    await api.user_sends_media_group(DESIGNER, [Attachment.photo(png(8, 8)) for _ in range(30)])
    received = await messages(bot)
    assert len(received) == 30
    groups = [m.media_group_id for m in received]
    assert len(set(groups)) == 3
    assert all(groups.count(group) == 10 for group in set(groups))


async def test_stickers_voice_notes_and_videos(api: LocalBotAPI, bot: Bot) -> None:
    await api.user_sends_sticker(DESIGNER)
    await api.user_sends_voice(DESIGNER, duration=4)
    await api.user_sends_video(DESIGNER, file_size=60 * 1024 * 1024, caption="runway")
    sticker, voice, video = await messages(bot)
    assert sticker.sticker is not None and sticker.sticker.emoji
    assert voice.voice is not None and voice.voice.duration in (4, timedelta(seconds=4))
    assert voice.voice.mime_type == "audio/ogg"
    assert video.video is not None and video.caption == "runway"
    assert video.video.file_size == 60 * 1024 * 1024
    with pytest.raises(BadRequest, match=r"(?i)file is too big"):
        await video.video.get_file()


async def test_files_over_twenty_megabytes_cannot_be_fetched(api: LocalBotAPI, bot: Bot) -> None:
    await api.user_sends_document(DESIGNER, b"%PDF", file_name="huge.pdf", file_size=21_000_000)
    await api.user_sends_document(DESIGNER, b"%PDF", file_name="fine.pdf", file_size=20_000_000)
    huge, fine = await messages(bot)
    assert huge.document is not None and fine.document is not None
    with pytest.raises(BadRequest, match=r"(?i)file is too big"):
        await huge.document.get_file()
    assert (await fine.document.get_file()).file_size == 20_000_000


# --------------------------------------------------------------------------- from the bot


async def test_send_photo_uploads_then_reuses_the_file_id(api: LocalBotAPI, bot: Bot) -> None:
    picture = png(640, 480)
    first = await bot.send_photo(DESIGNER, picture, caption="Your chart")
    assert (first.photo[-1].width, first.photo[-1].height) == (640, 480)
    file_id = first.photo[-1].file_id

    again = await bot.send_photo(ATELIER, file_id, caption="Portfolio")
    assert again.photo[-1].file_id == file_id
    assert again.photo[-1].file_unique_id == first.photo[-1].file_unique_id

    [(kind, sent_id, caption)] = [(m.kind, m.file_id, m.caption) for m in api.files_sent(ATELIER)]
    assert (kind, sent_id, caption) == ("photo", file_id, "Portfolio")
    file = await bot.get_file(file_id)
    assert bytes(await file.download_as_bytearray()) == picture


async def test_send_document_keeps_its_name_and_refuses_a_photo_id(
    api: LocalBotAPI, bot: Bot
) -> None:
    sent = await bot.send_document(DESIGNER, b"%PDF-1.4 quote", filename="quote.pdf")
    assert sent.document is not None
    assert sent.document.file_name == "quote.pdf"
    assert sent.document.mime_type == "application/pdf"
    reused = await bot.send_document(ATELIER, sent.document.file_id)
    assert reused.document is not None and reused.document.file_id == sent.document.file_id

    photo = await bot.send_photo(DESIGNER, png(10, 10))
    with pytest.raises(BadRequest, match=r"(?i)can't use file of type photo as document"):
        await bot.send_document(ATELIER, photo.photo[-1].file_id)


async def test_unknown_file_ids_and_urls_are_refused(api: LocalBotAPI, bot: Bot) -> None:
    for source in ["AgACAgQAAxkBAAIBZ2Zz", "https://example.com/picture.jpg"]:
        with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
            await bot.send_photo(DESIGNER, source)
    assert api.sent(DESIGNER) == []


async def test_send_media_group_with_uploads_and_file_ids(api: LocalBotAPI, bot: Bot) -> None:
    known = await bot.send_photo(ATELIER, png(100, 80))
    album = await bot.send_media_group(
        DESIGNER,
        [
            InputMediaPhoto(png(200, 100), caption="front"),
            InputMediaPhoto(png(100, 200), caption="back"),
            InputMediaPhoto(known.photo[-1].file_id),
        ],
    )
    assert len(album) == 3
    assert len({m.media_group_id for m in album}) == 1 and album[0].media_group_id
    assert [m.caption for m in album] == ["front", "back", None]
    assert album[2].photo[-1].file_id == known.photo[-1].file_id

    # On the wire: `media` is a JSON string in the form body, uploads are attach:// parts.
    [params] = api.calls_to("sendMediaGroup")
    media = params["media"]
    assert isinstance(media, list)
    assert [item["media"].startswith("attach://") for item in media] == [True, True, False]

    [received] = api.albums_sent(DESIGNER)
    assert [(m.kind, m.caption) for m in received] == [
        ("photo", "front"),
        ("photo", "back"),
        ("photo", None),
    ]
    assert received[2].file_id == known.photo[-1].file_id
    assert api.delivered[DESIGNER] == 3


async def test_an_album_of_documents(api: LocalBotAPI, bot: Bot) -> None:
    album = await bot.send_media_group(
        DESIGNER,
        [
            InputMediaDocument(b"%PDF a", filename="a.pdf"),
            InputMediaDocument(b"%PDF b", filename="b.pdf", caption="sizes"),
        ],
    )
    assert [m.document.file_name for m in album if m.document] == ["a.pdf", "b.pdf"]
    assert [m.kind for m in api.files_sent(DESIGNER)] == ["document", "document"]


async def test_an_album_needs_two_to_ten_items_of_kinds_that_go_together(
    api: LocalBotAPI, bot: Bot
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)too few"):
        await bot.send_media_group(DESIGNER, [InputMediaPhoto(png(5, 5))])
    with pytest.raises(BadRequest, match=r"(?i)too much messages"):
        await bot.send_media_group(DESIGNER, [InputMediaPhoto(png(5, 5)) for _ in range(11)])
    with pytest.raises(BadRequest, match=r"(?i)can't be mixed"):
        await bot.send_media_group(
            DESIGNER,
            [InputMediaPhoto(png(5, 5)), InputMediaDocument(b"%PDF", filename="x.pdf")],
        )
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_media_group(
            DESIGNER, [InputMediaPhoto(png(5, 5)), InputMediaPhoto("no-such-file")]
        )
    assert api.sent(DESIGNER) == []  # an album goes out whole or not at all


async def test_an_album_counts_as_that_many_messages_for_flood_control() -> None:
    async with (
        LocalBotAPI(per_chat_limit_per_s=1.0) as api,
        Bot(TOKEN, base_url=api.base_url) as limited,
    ):
        await limited.send_media_group(DESIGNER, [InputMediaPhoto(png(5, 5))] * 3)
        with pytest.raises(RetryAfter) as after_album:
            await limited.send_message(DESIGNER, "next")
        await limited.send_message(ATELIER, "one")
        with pytest.raises(RetryAfter) as after_message:
            await limited.send_message(ATELIER, "two")
    assert after_album.value.retry_after == 3
    assert after_message.value.retry_after == 1


async def test_downloads_of_unknown_paths_are_not_found(api: LocalBotAPI) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{api.base_file_url}{TOKEN}/photos/file_999.jpg")
    assert response.status_code == 404


def test_image_size_reads_png_gif_and_jpeg_headers() -> None:
    assert image_size(png(37, 21)) == (37, 21)
    assert image_size(b"GIF89a" + struct.pack("<HH", 12, 34)) == (12, 34)
    jpeg = (
        b"\xff\xd8"
        + b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + b"\xff\xc0\x00\x11\x08"
        + struct.pack(">HH", 480, 640)
        + b"\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    )
    assert image_size(jpeg) == (640, 480)
    assert image_size(b"not an image") is None
