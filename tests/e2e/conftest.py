"""Fixtures for end-to-end tests: a running bot on a migrated database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.e2e.harness import RunningBot, running_bot


@pytest.fixture(scope="session", autouse=True)
def vocabulary_loaded() -> None:
    """The first reading of a word in a process loads the vocabulary and its lemmas (seconds on
    a busy machine, longer than a reply may take); that start-up cost is not what the end-to-end
    tests measure."""
    import matching

    matching.categories_in("knitwear")


@pytest.fixture
async def bottega(database_url: str) -> AsyncIterator[RunningBot]:
    async with running_bot(database_url) as running:
        yield running
