"""The HTTP client the bot talks to the Bot API with: aiohttp instead of httpx.

python-telegram-bot's default client spends much of a busy bot's CPU looking after its
connection pool (every request scans every pooled connection, with a system call each).
aiohttp keeps a cheap pool, which matters when thousands of conversations and a digest share
one process. This plugs into PTB's `BaseRequest`, so everything above it is unchanged.
"""

from __future__ import annotations

from http import HTTPStatus

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.outbox.metrics import TOO_MANY_REQUESTS


class AiohttpRequest(BaseRequest):
    __slots__ = (
        "_connect_timeout",
        "_connection_limit",
        "_media_write_timeout",
        "_read_timeout",
        "_session",
        "_write_timeout",
    )

    def __init__(
        self,
        *,
        connection_limit: int = 64,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._connection_limit = connection_limit
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connection_limit, keepalive_timeout=30),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        fields = request_data.json_parameters if request_data else None
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = (
            self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        )
        write_default = self._media_write_timeout if files else self._write_timeout
        write = write_default if isinstance(write_timeout, DefaultValue) else write_timeout
        # aiohttp has no separate write timeout; a request may take as long as its parts allow.
        timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=connect, sock_read=(read or 0) + (write or 0) or None
        )

        body: aiohttp.FormData | dict[str, str] | None = fields
        if files:
            form = aiohttp.FormData(quote_fields=False)
            for name, value in (fields or {}).items():
                form.add_field(name, value)
            for name, (filename, content, mime_type) in files.items():
                form.add_field(name, content, filename=filename, content_type=mime_type)
            body = form
        try:
            async with self._session.request(method, url, data=body, timeout=timeout) as response:
                if response.status == HTTPStatus.TOO_MANY_REQUESTS:
                    TOO_MANY_REQUESTS.inc()  # also the ones the rate limiter retries itself
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{error.__class__.__name__}: {error}") from error
