"""Fixtures for end-to-end tests: a running bot on a migrated database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.e2e.harness import RunningBot, running_bot


@pytest.fixture
async def bottega(database_url: str) -> AsyncIterator[RunningBot]:
    async with running_bot(database_url) as running:
        yield running
