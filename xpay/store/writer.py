"""The store's writer: closed ledgers persisted off the event loop, in order, one at a time.

rippled writes closed ledgers to its databases from a job queue, not from the thread that
closed them; a ledger counts as validated to clients only once it is saved. Here a dedicated
thread runs the SQLite work while the ledger master keeps applying transactions on the loop. The
queue in front of it is bounded: when the disk falls behind, `write()` waits, and that wait is
the back pressure that slows closes down instead of growing memory.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Final

from xpay.ledger.ledger import Ledger
from xpay.protocol.ids import Hash256
from xpay.store.affected import DecodedTx
from xpay.store.ledger_store import LedgerStore

DEFAULT_MAX_PENDING: Final = 16


@dataclass(slots=True)
class _Job:
    run: Callable[[], Any]
    done: asyncio.Future[Any] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


_STOP: Final = object()


class LedgerWriter:
    """An async context manager around a LedgerStore's write side.

    `write()` and `mark_validated()` queue a job and return a future that resolves once the job
    is committed (or fails with the store's exception). Jobs run in submission order. Leaving the
    context writes every job already queued, then stops the thread.
    """

    def __init__(self, store: LedgerStore, *, max_pending: int = DEFAULT_MAX_PENDING) -> None:
        self.store = store
        self._queue: asyncio.Queue[_Job | object] = asyncio.Queue(max_pending)
        self._executor: ThreadPoolExecutor | None = None
        self._group: asyncio.TaskGroup | None = None
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> LedgerWriter:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xpay-store-writer")
        self._group = asyncio.TaskGroup()
        await self._group.__aenter__()
        self._task = self._group.create_task(self._run(), name="store-writer")
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._group is not None and self._executor is not None
        try:
            if exc_type is None:
                await self._queue.put(_STOP)
            elif self._task is not None:
                # Leaving on an error: queued ledgers are dropped, and as they never became
                # durable they were never reported validated. The error itself propagates as is.
                self._task.cancel()
            await self._group.__aexit__(None, None, None)
        finally:
            self._executor.shutdown(wait=True)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            job = await self._queue.get()
            if job is _STOP:
                return
            assert isinstance(job, _Job)
            try:
                result = await loop.run_in_executor(self._executor, job.run)
            except Exception as error:  # the store's failure belongs to whoever waits on the job
                if not job.done.cancelled():
                    job.done.set_exception(error)
            else:
                if not job.done.cancelled():
                    job.done.set_result(result)

    async def _submit(self, run: Callable[[], Any]) -> asyncio.Future[Any]:
        if self._group is None:
            raise RuntimeError("LedgerWriter used outside its context")
        job = _Job(run)
        await self._queue.put(job)
        return job.done

    async def write(
        self,
        ledger: Ledger,
        parent: Ledger | None,
        *,
        validated: bool,
        decoded: Sequence[DecodedTx] | None = None,
    ) -> asyncio.Future[None]:
        """Queue a closed ledger (waiting for room); the future resolves once it is durable.
        `decoded`: its transactions already decoded (see LedgerStore.write_ledger)."""
        store = self.store
        return await self._submit(
            lambda: store.write_ledger(ledger, parent, validated=validated, decoded=decoded)
        )

    async def mark_validated(self, seq: int, ledger_hash: Hash256) -> asyncio.Future[bool]:
        store = self.store
        return await self._submit(lambda: store.mark_validated(seq, ledger_hash))

    @property
    def pending(self) -> int:
        return self._queue.qsize()
