"""The files the server holds, by file_id and by download path, described the way Telegram does.

Every photo, document, sticker, voice note, video or audio file a simulated user sends, and
every file the bot uploads, is kept here with its bytes.  A photo is stored with its smaller
sizes (each a file of its own, as Telegram's ``PhotoSize`` list), so any of its file_ids
can be sent again or downloaded.
"""

from __future__ import annotations

import itertools
import mimetypes
import struct
from dataclasses import dataclass

from localbotapi.records import JSONDict

__all__ = [
    "BOT_DOWNLOAD_LIMIT",
    "UPLOAD_LIMIT",
    "FileStore",
    "StoredFile",
    "image_size",
]

# Telegram's limits for bots: getFile serves files up to 20 MB, uploads go up to 50 MB.
BOT_DOWNLOAD_LIMIT = 20 * 1024 * 1024
UPLOAD_LIMIT = 50 * 1024 * 1024

# Folder and default extension of each kind's file_path, as the Bot API names them.
_FOLDERS = {
    "photo": ("photos", ".jpg"),
    "document": ("documents", ""),
    "sticker": ("stickers", ".webp"),
    "voice": ("voice", ".oga"),
    "video": ("videos", ".mp4"),
    "audio": ("music", ".mp3"),
    "animation": ("animations", ".mp4"),
}
_THUMBNAIL_WIDTHS = (90, 320, 800)


@dataclass(slots=True)
class StoredFile:
    """One file the server holds."""

    file_id: str
    file_unique_id: str
    kind: str
    data: bytes
    file_size: int
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None
    duration: int | None = None

    def as_object(self) -> JSONDict:
        """The Bot API object for this file (Document, Video, Voice, … or one PhotoSize)."""
        data: JSONDict = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
        }
        for key in ("file_name", "mime_type", "width", "height", "duration"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


class FileStore:
    """Files by file_id and by file_path; photos with their list of sizes."""

    def __init__(self) -> None:
        self._numbers = itertools.count(1)
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._photo_sizes: dict[str, list[StoredFile]] = {}

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)

    def new_ids(self, kind: str) -> tuple[str, str]:
        """A fresh (file_id, file_unique_id) pair for a file of ``kind``."""
        number = next(self._numbers)
        return f"local-{kind}-{number}", f"u{kind[:2]}{number}"

    def add(
        self,
        kind: str,
        data: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int | None = None,
        height: int | None = None,
        duration: int | None = None,
        file_size: int | None = None,
    ) -> StoredFile:
        """Store a file; ``file_size`` is the size to report when it differs from the bytes.

        A photo gets smaller sizes too; the returned file is the largest.
        """
        if kind == "photo":
            return self._add_photo(data, width=width, height=height, file_size=file_size)
        if kind in {"video", "animation", "sticker"} and (width is None or height is None):
            found = image_size(data)
            if found is not None:
                width, height = found
        if mime_type is None and file_name:
            mime_type = mimetypes.guess_type(file_name)[0]
        return self._put(
            kind,
            data,
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
            duration=duration,
            file_size=file_size,
        )

    def photo_sizes(self, file_id: str) -> list[StoredFile]:
        """Every size of the photo ``file_id`` belongs to, smallest first."""
        sizes = self._photo_sizes.get(file_id)
        if sizes is not None:
            return sizes
        stored = self._by_id.get(file_id)
        return [] if stored is None else [stored]

    def _add_photo(
        self, data: bytes, *, width: int | None, height: int | None, file_size: int | None
    ) -> StoredFile:
        if width is None or height is None:
            width, height = image_size(data) or (1280, 960)
        sizes: list[StoredFile] = []
        for small in _THUMBNAIL_WIDTHS:
            if small < width:
                # The bytes are not scaled down: a thumbnail downloads as the original.
                scaled = max(1, height * small // max(width, 1))
                sizes.append(self._put("photo", data, width=small, height=scaled))
        sizes.append(self._put("photo", data, width=width, height=height, file_size=file_size))
        for size in sizes:
            self._photo_sizes[size.file_id] = sizes
        return sizes[-1]

    def _put(
        self,
        kind: str,
        data: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int | None = None,
        height: int | None = None,
        duration: int | None = None,
        file_size: int | None = None,
    ) -> StoredFile:
        file_id, unique_id = self.new_ids(kind)
        folder, extension = _FOLDERS.get(kind, ("documents", ""))
        if file_name and "." in file_name:
            extension = "." + file_name.rsplit(".", 1)[1].lower()
        number = file_id.rsplit("-", 1)[1]
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=unique_id,
            kind=kind,
            data=data,
            file_size=len(data) if file_size is None else file_size,
            file_path=f"{folder}/file_{number}{extension}",
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
            duration=duration,
        )
        self._by_id[file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF, JPEG or WebP image from its header; None otherwise."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24 and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in {b"GIF87a", b"GIF89a"} and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    if data.startswith(b"RIFF") and data[8:16] == b"WEBPVP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        length = int.from_bytes(data[index + 2 : index + 4], "big")
        # Start-of-frame markers (not DHT 0xC4, JPG 0xC8, DAC 0xCC) carry the dimensions.
        if 0xC0 <= marker <= 0xCF and marker not in {0xC4, 0xC8, 0xCC}:
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return int(width), int(height)
        index += 2 + length
    return None
