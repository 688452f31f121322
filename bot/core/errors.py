"""What a use case raises when it cannot do what was asked: the request changes nothing, and its
`code` picks the polite message the person is shown."""

from __future__ import annotations


class RefusedError(Exception):
    """A request that cannot be honoured; `code` selects the message shown to the person."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code
