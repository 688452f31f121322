"""The bot's files: sendPhoto, sendDocument and friends, sendMediaGroup, getFile, as Telegram answers them.

A file reaches a method three ways, as in the Bot API: uploaded in the multipart body
(directly or as ``attach://name`` from a media group's JSON), or as the ``file_id`` of a file
the server already holds (sent again without uploading).  URLs are refused: this server
never fetches anything from the network.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from localbotapi.files import BOT_DOWNLOAD_LIMIT, UPLOAD_LIMIT, StoredFile
from localbotapi.methods import BotMethods
from localbotapi.records import ApiError, JSONDict, SentMessage, Upload, bad_request
from localbotapi.state import BotMethod

__all__ = ["ALBUM_KINDS", "FILE_METHODS", "MediaMethods"]

# Methods that send one file, and the parameter (and kind) of that file.
FILE_METHODS = {
    "sendphoto": "photo",
    "senddocument": "document",
    "sendvideo": "video",
    "sendaudio": "audio",
    "sendvoice": "voice",
    "sendanimation": "animation",
}
ALBUM_KINDS = frozenset({"photo", "video", "document", "audio"})
_ALBUM_SIZE = range(2, 11)
_WRONG_FILE = "wrong file identifier/HTTP URL specified"


class MediaMethods(BotMethods):
    """Sending files and albums, and handing them back through getFile."""

    def _method_table(self) -> dict[str, BotMethod]:
        table = super()._method_table()
        for method, kind in FILE_METHODS.items():
            table[method] = self._file_sender(kind)
        table["sendmediagroup"] = self._send_media_group
        table["getfile"] = self._get_file
        return table

    # ----------------------------------------------------------------- Bot API methods

    def _file_sender(self, kind: str) -> BotMethod:
        async def send(params: JSONDict) -> JSONDict:
            caption = params.get("caption")
            message = self._new_sent(params, kind, None if caption is None else str(caption))
            self._attach(message, self._resolve_file(params, params.get(kind), kind))
            return await self._deliver(message)

        return send

    async def _send_media_group(self, params: JSONDict) -> list[JSONDict]:
        media = params.get("media")
        if not isinstance(media, list) or not all(isinstance(item, dict) for item in media):
            raise bad_request("media must be an array of InputMedia")
        if len(media) > _ALBUM_SIZE[-1]:
            raise bad_request("too much messages to send as an album")
        if len(media) < _ALBUM_SIZE[0]:
            raise bad_request("too few messages to send as an album: 2 to 10 are needed")
        kinds = [str(item.get("type", "")) for item in media]
        for kind in kinds:
            if kind not in ALBUM_KINDS:
                raise bad_request(f"unsupported media type {kind!r} in an album")
        for alone in ("document", "audio"):
            if alone in kinds and set(kinds) != {alone}:
                raise bad_request(f"{alone} can't be mixed with other media types")
        # Every item is checked before any is sent: an album goes out whole or not at all.
        messages: list[SentMessage] = []
        for kind, item in zip(kinds, media, strict=True):
            caption = item.get("caption")
            item_params: JSONDict = {
                "chat_id": params["chat_id"],
                "parse_mode": item.get("parse_mode"),
                "reply_parameters": params.get("reply_parameters"),
            }
            message = self._new_sent(item_params, kind, None if caption is None else str(caption))
            self._attach(message, self._resolve_file(params, item.get("media"), kind))
            messages.append(message)
        group_id = str(next(self._media_group_ids))
        results = []
        for message in messages:
            message.media_group_id = group_id
            results.append(await self._deliver(message))
        return results

    async def _get_file(self, params: JSONDict) -> JSONDict:
        file_id = str(params.get("file_id", ""))
        stored = self.files.get(file_id)
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.file_size > BOT_DOWNLOAD_LIMIT:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "file_path": stored.file_path,
        }

    # ----------------------------------------------------------------- helpers

    def _resolve_file(self, params: JSONDict, source: Any, kind: str) -> StoredFile:
        """The file a method was given: an upload (stored now) or a known file_id."""
        if isinstance(source, str) and source.startswith("attach://"):
            name = source.removeprefix("attach://")
            source = params.get(name)
            if not isinstance(source, Upload):
                raise bad_request(f'can\'t find the attached file "{name}"')
        if isinstance(source, Upload):
            return self._store_upload(source, kind)
        if not isinstance(source, str) or not source:
            raise bad_request(f"there is no {kind} in the request")
        stored = self.files.get(source)
        if stored is None:
            # URLs too: the local server never downloads anything from the network.
            raise bad_request(_WRONG_FILE)
        if stored.kind != kind:
            raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
        return stored

    def _store_upload(self, upload: Upload, kind: str) -> StoredFile:
        if len(upload.data) > UPLOAD_LIMIT:
            raise ApiError(413, "Request Entity Too Large")
        if not upload.data:
            raise bad_request("file must be non-empty")
        if kind == "photo":
            return self.files.add("photo", upload.data)
        mime_type = upload.content_type
        if not mime_type or mime_type == "application/octet-stream":
            mime_type = mimetypes.guess_type(upload.filename or "")[0] or mime_type
        return self.files.add(kind, upload.data, file_name=upload.filename, mime_type=mime_type)

    def _attach(self, message: SentMessage, stored: StoredFile) -> None:
        message.file_id = stored.file_id
        message.file_unique_id = stored.file_unique_id
        message.file_size = stored.file_size
        message.file_name = stored.file_name if message.kind != "photo" else None
        message.mime_type = stored.mime_type
        if self.keep_files:
            message.file_data = stored.data
