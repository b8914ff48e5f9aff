"""The node's pathfinding as the API serves it: the index kept in step with validated ledgers, and
the standing WebSocket `path_find` requests (rippled's PathRequests, and LedgerMaster's
updatePaths job that re-answers them after every ledger).

The search itself is the core's (pathfinding.engine / request / path_find); this module owns
the asynchronous side of it:

* **warm-up**: the index over the node's validated ledger is built once, when the API starts, in
  a worker thread (`asyncio.to_thread`): it is one pass over the whole state and cannot be
  sliced, and the ledger is immutable, so nothing else touches what the thread reads. Requests
  that arrive meanwhile wait for it. On a large world the cyclic collector is paused during the
  build and the heap frozen after it (`gc.freeze()`), once per process: full collections over
  the ledger and the index stall the loop for ~1 s each (see
  `PathfindingServiceConfig.freeze_gc_min_entries`).
* **keeping up**: each validated ledger (the node's LedgerClosedEvent) moves the index forward
  with `PathIndex.update`, which is bounded by what the ledger changed. The node's listener only
  records the ledger and wakes the worker, so a pathfinding failure never reaches the node or
  the other subscribers of its events. A request that arrives before the worker has run moves
  the index itself, so every answer is on the latest validated ledger.
* **standing requests**: one per WebSocket connection (`create` replaces it, `close` ends it, a
  closed connection forgets it). `create` answers at once with the quick search; the first
  full answer follows a moment later (`first_full_answer_delay`), then after every ledger each
  request is answered again and its answer pushed, rippled's `{"type": "path_find", ...}`, one
  request per slice of the event loop; each slice is bounded by the search budget
  (pathfinding.budget). When ledgers close faster than a pass finishes, the next pass searches
  shallower, as rippled does under load.
* **ripple_path_find**: on the index (the latest validated ledger), on the event loop, bounded
  by the budget; on another ledger a request names, an index of that ledger is built for the
  request alone, in a worker thread, at most `legacy_in_progress` at a time for a non-admin
  (rippled's LegacyPathFind, tooBusy beyond).

Bad requests raise RpcError with rippled's tokens (the core's PathRequestError, translated).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Callable, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

import orjson

from pathfinding.budget import SearchBudget
from pathfinding.engine import PathfindingConfig, PathfindingEngine
from pathfinding.index import PathIndex
from pathfinding.path_find import PathFindRequest
from pathfinding.request import PathRequestError, parse_request, ripple_path_find, validate
from xpay.api.errors import ERROR_INFO, RpcError
from xpay.api.facade import LedgerClosedEvent, NodeEvent, NodeFacade
from xpay.ledger.ledger import Ledger

_log = logging.getLogger(__name__)

LEGACY_IN_PROGRESS: Final = 2
"""ripple_path_find searches on a named ledger that may run at once for non-admin clients
(rippled's Tuning::MAX_PATHFINDS_IN_PROGRESS)."""
FREEZE_GC_MIN_ENTRIES: Final = 50_000
"""Ledger entries from which the warm-up freezes the collector's view of the heap (see the
config): about the bench's 3,000-account world (the 10,000-account one holds ~170,000)."""
FIRST_FULL_ANSWER_DELAY: Final = 0.25
"""Seconds between a create's quick answer and its first full push (see the config)."""


@dataclass(frozen=True, slots=True)
class PathfindingServiceConfig:
    """How the API runs pathfinding."""

    engine: PathfindingConfig = field(default_factory=PathfindingConfig)
    """Search levels and the step budget of each answer."""
    legacy_in_progress: int = LEGACY_IN_PROGRESS
    first_full_answer_delay: float = FIRST_FULL_ANSWER_DELAY
    """How long a new path_find request waits for its first full answer. rippled computes it
    in a later job; pushed right on the heels of the create's response, with the same id, it
    can reach a client before the client has matched that response to its request, and
    xrpl-py's WebSocket client then dies resolving the request twice. The wait also spares a
    full search for a request its client replaces at once."""
    freeze_gc_min_entries: int | None = FREEZE_GC_MIN_ENTRIES
    """On a ledger of at least this many state entries, and when nothing in the process froze
    the heap before: the cyclic collector is paused while the index is built and the heap is
    frozen (gc.freeze) once it is; None: never.

    Why: every full collection walks every tracked object, and on the 10,000-account world
    (~1.7 million objects: the ledger and the index) one takes ~1.2 s, on the event loop of
    whichever thread triggers it. The index build allocates enough to trigger several, which
    stalled the loop for ~1 s at a time even with the build in its own thread (measured);
    after the freeze a full collection takes ~4 ms.

    Why it is safe for a node: it happens once per process, at start-up. Frozen objects that
    reference counting frees (ledger entries and state-map nodes replaced by later ledgers,
    index entries replaced by updates: none of them form cycles) are still freed; only frozen
    objects that later die inside a reference cycle are never reclaimed, a bounded, one-time
    amount (what was cyclic garbage, or alive in a cycle, at start-up). No full collection
    runs first, as it would stall the loop the way the freeze avoids. Small worlds (tests,
    devnets) gain nothing and are left alone."""


class PathFindClient(Protocol):
    """A WebSocket connection as a standing request needs it (xpay.api.subscriptions.Subscriber):
    a non-blocking push that disconnects a slow consumer, which then reports `overflowed`."""

    overflowed: bool

    def push(self, message: str) -> None: ...

    def __hash__(self) -> int: ...


def rpc_error(exc: PathRequestError) -> RpcError:
    """The core's error as the API's (a token the API does not know is a bug: internal)."""
    if exc.token in ERROR_INFO:
        return RpcError(exc.token, exc.message)
    _log.error("pathfinding raised an unknown error token %r", exc.token)
    return RpcError("internal")


def _push_message(status: Mapping[str, Any]) -> dict[str, Any]:
    """A path_find push: the request's status, tagged, with rippled's full error fields."""
    message = dict(status)
    token = message.get("error")
    if isinstance(token, str) and token in ERROR_INFO:
        message.update(RpcError(token, message.get("error_message")).fields())
    message["type"] = "path_find"
    return message


class PathfindingService:
    """The index, its worker and the standing requests of one API server.

    `start()` registers for the node's events and starts the worker (warm-up first);
    `stop()` ends both. The methods the handlers call are `ripple_path_find`, `path_find`
    and `forget`.
    """

    def __init__(self, node: NodeFacade, config: PathfindingServiceConfig | None = None) -> None:
        self._node = node
        self._config = config or PathfindingServiceConfig()
        self._engine: PathfindingEngine | None = None
        self._latest: Ledger | None = None
        """The newest validated ledger announced by the node (the index moves to it)."""
        self._requests: dict[PathFindClient, PathFindRequest] = {}
        self._ready = asyncio.Event()
        """Set once the first warm-up has ended, well or not."""
        self._wake = asyncio.Event()
        self._held: dict[PathFindClient, float] = {}
        """New requests and the loop time before which they get no full answer."""
        self._timer: asyncio.TimerHandle | None = None
        self._loaded = False
        self._legacy_running = 0
        self._froze_gc = False
        self._stack: AsyncExitStack | None = None
        self._worker: asyncio.Task[None] | None = None
        self._unlisten: Callable[[], None] | None = None

    # Lifecycle ---------------------------------------------------------------------------------

    async def start(self) -> None:
        stack = AsyncExitStack()
        group = await stack.enter_async_context(asyncio.TaskGroup())
        self._stack = stack
        self._unlisten = self._node.add_listener(self.on_event)
        self._worker = group.create_task(self._run(), name="pathfinding")

    async def stop(self) -> None:
        if self._unlisten is not None:
            self._unlisten()
            self._unlisten = None
        if self._worker is not None:
            self._worker.cancel()
        if self._timer is not None:
            self._timer.cancel()
        if self._stack is not None:
            # A warm-up thread still running is left to finish: a thread cannot be interrupted,
            # and nothing will read what it builds.
            await self._stack.aclose()
            self._stack = None
        self._requests.clear()
        self._held.clear()

    @property
    def ready(self) -> bool:
        """The index is built and serving."""
        return self._engine is not None

    @property
    def ledger_seq(self) -> int | None:
        """The ledger the index reflects (None before the warm-up)."""
        return None if self._engine is None else self._engine.index.ledger.seq

    @property
    def standing_requests(self) -> int:
        return len(self._requests)

    @property
    def froze_gc(self) -> bool:
        """Whether this service's warm-up froze the heap."""
        return self._froze_gc

    # The node's events ------------------------------------------------------------------------

    def on_event(self, event: NodeEvent) -> None:
        """The node's listener: note a newly validated ledger and wake the worker. Nothing
        else, so it can neither block the node nor fail for the other listeners."""
        if isinstance(event, LedgerClosedEvent):
            latest = self._latest
            if latest is None or event.ledger.seq > latest.seq:
                self._latest = event.ledger
                self._wake.set()

    async def _run(self) -> None:
        """The worker: warm up, then after every wake-up move the index and re-answer the
        standing requests. It never raises: a failure is logged and the index rebuilt."""
        while True:
            try:
                if self._engine is None:
                    await self._build()
                if self._engine is not None:
                    self._advance()
                    await self._answer_standing_requests()
            except asyncio.CancelledError:
                raise
            except Exception:
                _log.exception("pathfinding failed; the index is rebuilt on the next ledger")
                self._engine = None
            await self._wake.wait()
            self._wake.clear()

    async def _build(self) -> None:
        """Build the index over the newest validated ledger in a worker thread (the warm-up)."""
        ledger = self._latest or self._node.validated_ledger()
        threshold = self._config.freeze_gc_min_entries
        freeze = threshold is not None and len(ledger.state) >= threshold and gc.get_freeze_count() == 0
        collecting = gc.isenabled()
        started = time.perf_counter()
        if freeze:
            gc.disable()
        try:
            engine = await asyncio.to_thread(PathfindingEngine, ledger, self._config.engine)
            if freeze:
                gc.freeze()
                self._froze_gc = True
        except Exception:
            _log.exception("pathfinding index over ledger %d failed to build", ledger.seq)
            self._ready.set()  # requests waiting for it answer notReady
            return
        finally:
            if freeze and collecting:
                gc.enable()
        self._engine = engine
        self._ready.set()
        _log.info(
            "pathfinding index over ledger %d (%d entries, %d trust lines) built in %.0f ms%s",
            ledger.seq,
            len(ledger.state),
            engine.index.line_count(),
            (time.perf_counter() - started) * 1000,
            f"; gc frozen: {gc.get_freeze_count()} objects" if self._froze_gc else "",
        )

    def _advance(self) -> PathfindingEngine:
        """Move the index to the newest validated ledger (bounded by what changed since)."""
        engine = self._engine
        if engine is None:
            raise RpcError("notReady")
        latest = self._latest
        if latest is not None and latest.seq > engine.index.ledger.seq:
            try:
                engine.index.update(latest)
            except Exception:
                # A half-updated index would answer wrongly: drop it, the worker rebuilds it.
                self._engine = None
                self._wake.set()
                raise
        return engine

    async def _answer_standing_requests(self) -> None:
        """Answer every standing request not yet answered on the index's ledger, one per slice
        of the event loop, and push the answers (rippled's PathRequests::updateAll)."""
        loaded = self._loaded
        announced = self._latest.seq if self._latest is not None else 0
        for client, request in list(self._requests.items()):
            engine = self._engine
            if engine is None:
                return
            if self._requests.get(client) is not request:
                continue  # closed, replaced or gone while an earlier slice ran
            index = engine.index
            if request.last_seq >= index.ledger.seq or client in self._held:
                continue
            try:
                status = request.update(index, fast=False, loaded=loaded)
            except Exception:
                _log.exception("path_find update failed for %r", request.request)
                request.last_seq = index.ledger.seq
                status = RpcError("internal").fields()
            try:
                client.push(orjson.dumps(_push_message(status)).decode())
            except Exception:
                # One broken connection costs its own request, not the others' answers.
                _log.exception("path_find push failed; the request is dropped")
                self.forget(client)
            if client.overflowed:
                self.forget(client)
            # One request per slice: the loop serves everything else in between.
            await asyncio.sleep(0)
        # A ledger that closed while this pass ran makes the next one search shallower.
        latest = self._latest
        self._loaded = latest is not None and latest.seq > announced

    def _hold(self, client: PathFindClient) -> None:
        """Hold a new request's first full answer back; a timer releases it when due."""
        delay = self._config.first_full_answer_delay
        if delay <= 0:
            self._held.pop(client, None)
            self._wake.set()
            return
        loop = asyncio.get_running_loop()
        due = self._held[client] = loop.time() + delay
        if self._timer is None:
            self._timer = loop.call_at(due, self._release, due)

    def _release(self, due: float) -> None:
        """The hold timer: release the requests due by `due`, wake the worker, and wait again
        for the requests still held."""
        self._timer = None
        for client, until in list(self._held.items()):
            if until <= due:
                del self._held[client]
        self._wake.set()
        if self._held:
            later = min(self._held.values())
            self._timer = asyncio.get_running_loop().call_at(later, self._release, later)

    # What the handlers call --------------------------------------------------------------------

    async def _serving(self) -> PathfindingEngine:
        await self._ready.wait()
        return self._advance()

    async def ripple_path_find(self, params: Mapping[str, Any], *, ledger: Ledger | None = None, admin: bool = False) -> dict[str, Any]:
        """The ripple_path_find method on the latest validated ledger, or on `ledger`."""
        engine = await self._serving()
        try:
            if ledger is None or ledger is engine.index.ledger:
                return engine.ripple_path_find(params)
            if not admin and self._legacy_running >= self._config.legacy_in_progress:
                raise RpcError("tooBusy")
            self._legacy_running += 1
            try:
                config = self._config.engine
                return await asyncio.to_thread(_search_other_ledger, ledger, params, config)
            finally:
                self._legacy_running -= 1
        except PathRequestError as exc:
            raise rpc_error(exc) from None

    async def path_find(self, client: PathFindClient, params: Mapping[str, Any]) -> dict[str, Any]:
        """The path_find method's subcommands (rippled's doPathFind)."""
        subcommand = params.get("subcommand")
        if subcommand == "create":
            return await self._create(client, params)
        if subcommand in ("status", "close"):
            request = self._requests.get(client)
            if request is None:
                raise RpcError("noPathRequest")
            if subcommand == "close":
                self.forget(client)
                return {**request.status, "closed": True}
            return {**request.status, "status": "success"}
        raise RpcError("invalidParams")

    async def _create(self, client: PathFindClient, params: Mapping[str, Any]) -> dict[str, Any]:
        """A new standing request (any earlier one of the client's is closed), answered at
        once at the fast search level; its first full answer is pushed once the hold is over
        (`first_full_answer_delay`), on the latest validated ledger then."""
        self.forget(client)
        engine = await self._serving()
        levels, steps = engine.config.levels, engine.config.steps
        try:
            request = PathFindRequest(parse_request(params), levels, steps)
            validate(engine.index, request.request)
            answer = request.update(engine.index, fast=True)
        except PathRequestError as exc:
            raise rpc_error(exc) from None
        self._requests[client] = request
        self._hold(client)
        return answer

    def forget(self, client: PathFindClient) -> None:
        """The connection closed: drop its standing request."""
        self._requests.pop(client, None)
        self._held.pop(client, None)


def _search_other_ledger(ledger: Ledger, params: Mapping[str, Any], config: PathfindingConfig) -> dict[str, Any]:
    """ripple_path_find on a ledger other than the index's (run in a worker thread: the index
    built here is this request's alone, and the ledger is immutable)."""
    index = PathIndex(ledger)
    return ripple_path_find(index, params, levels=config.levels, budget=SearchBudget(config.steps))
