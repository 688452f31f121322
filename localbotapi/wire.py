"""The Bot API's wire format: form, multipart and JSON requests decoded, answers encoded."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from localbotapi.records import JSONDict, Upload

__all__ = ["HTTP_PHRASES", "error_response", "ok_response", "read_params"]

# Parameters whose form values are JSON documents (PTB json-dumps every non-str value).
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
        "menu_button",
        "link_preview_options",
        "reply_parameters",
        "media",
        "results",
        "rights",
    }
)
_INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "cache_time",
        "reply_to_message_id",
        "user_id",
        "from_chat_id",
        "message_thread_id",
        "max_connections",
    }
)
_FLOAT_FIELDS = frozenset({"timeout"})
_BOOL_FIELDS = frozenset(
    {
        "show_alert",
        "drop_pending_updates",
        "disable_notification",
        "protect_content",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "has_spoiler",
        "disable_content_type_detection",
        "show_caption_above_media",
    }
)


HTTP_PHRASES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def ok_response(result: Any) -> web.Response:
    body = json.dumps({"ok": True, "result": result}, ensure_ascii=False).encode()
    return web.Response(body=body, content_type="application/json")


def error_response(
    status: int, description: str, parameters: JSONDict | None = None
) -> web.Response:
    body: JSONDict = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.Response(
        status=status, body=json.dumps(body).encode(), content_type="application/json"
    )


async def read_params(request: web.Request) -> JSONDict:
    params: JSONDict = {}
    raw: Mapping[str, Any]
    if request.content_type == "application/json":
        body = await request.json() if request.can_read_body else {}
        if not isinstance(body, dict):
            raise ValueError("JSON body must be an object")
        params.update(body)
        raw = request.query
    else:
        form = await request.post() if request.can_read_body else {}
        raw = {**request.query, **form}
    for key, value in raw.items():
        if isinstance(value, web.FileField):
            params[key] = Upload(value.filename, value.content_type, value.file.read())
        elif isinstance(value, (bytes, bytearray)):
            params[key] = Upload(None, None, bytes(value))
        else:
            params[key] = _decode_value(key, str(value))
    return params


def _decode_value(key: str, value: str) -> Any:
    if key in _JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            raise ValueError(f"can't parse {key} JSON object") from None
    if key in _INT_FIELDS:
        try:
            return int(value)
        except ValueError:
            return value
    if key in _FLOAT_FIELDS:
        try:
            return float(value)
        except ValueError:
            return 0.0
    if key in _BOOL_FIELDS:
        return value.lower() in {"true", "1"}
    return value
