"""`bottega run` as a real operating-system process against the local Bot API server: started,
killed with SIGKILL or stopped with SIGTERM, its log kept in a file for the failure message."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from localbotapi import LocalBotAPI
from tests.e2e.harness import ADMIN_ID, TOKEN

REPO_ROOT = Path(__file__).resolve().parents[2]
# Waits are generous (a loaded two-core machine starts Python slowly); nothing asserts on them.
START_TIMEOUT = 60.0


async def get(port: int, path: str) -> tuple[int, str]:
    """GET a path of a process's health port: the status and the body."""
    import aiohttp

    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}{path}") as response,
    ):
        return response.status, await response.text()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class BotProcess:
    """One `bottega run` process; `log` is what it wrote."""

    def __init__(
        self,
        api: LocalBotAPI,
        database_url: str,
        workdir: Path,
        name: str = "bot",
        *,
        args: tuple[str, ...] = (),
        **env: str,
    ) -> None:
        self.api = api
        self.database_url = database_url
        self.workdir = workdir
        self.name = name
        self.args = args
        self.env = env
        self.process: asyncio.subprocess.Process | None = None
        self.runs = 0

    @property
    def log_path(self) -> Path:
        return self.workdir / f"{self.name}.log"

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    async def start(self) -> None:
        assert self.process is None or self.process.returncode is not None
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", str(self.workdir)),
            "PYTHONPATH": str(REPO_ROOT),
            "DATABASE_URL": self.database_url,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": self.api.base_url,
            "ADMIN_USER_IDS": str(ADMIN_ID),
            "SWEEP_INTERVAL_SECONDS": "0.5",
            "SEND_RATE_PER_SECOND": "1000",
            "STANDBY_POLL_SECONDS": "0.5",
            "LOG_LEVEL": "INFO",
            **self.env,
        }
        self.runs += 1
        with self.log_path.open("a") as log:
            log.write(f"--- run {self.runs}\n")
            log.flush()
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                *self.args,
                cwd=self.workdir,
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )

    async def wait_log(self, text: str, timeout: float = START_TIMEOUT) -> None:  # noqa: ASYNC109
        """Wait until the process has logged `text` in its current run."""
        async with asyncio.timeout(timeout):
            while text not in self.log.rsplit(f"--- run {self.runs}\n", 1)[-1]:
                if self.process is not None and self.process.returncode is not None:
                    raise AssertionError(f"{self.name} exited early:\n{self.log}")
                await asyncio.sleep(0.05)

    async def kill(self) -> None:
        """SIGKILL: nothing is flushed, nothing is released by the process itself."""
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()

    async def terminate(self, timeout: float = 30.0) -> int:  # noqa: ASYNC109
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(timeout):
            return await self.process.wait()

    async def wait(self, timeout: float = 30.0) -> int:  # noqa: ASYNC109
        assert self.process is not None
        async with asyncio.timeout(timeout):
            return await self.process.wait()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None


@asynccontextmanager
async def bot_processes(*processes: BotProcess) -> AsyncIterator[None]:
    """Make sure no process outlives the test."""
    try:
        yield
    finally:
        for process in processes:
            await process.kill()
