"""Talking to the nodes for the settlement benchmark: connections, the world's set-up, open-loop
submission of the signed mix, and what each payment became.

Every node is a bank's connection: one WebSocket per node that subscribes to the `accounts`
stream of the customers submitting through it (node 0 also to `ledger` and `consensus`). A
payment's latency is from the moment its submit is sent to the moment its validated transaction
arrives on the stream of the node it was submitted to — what that bank sees. Submission is open
loop: payment i is due at start + i / rate, whether or not earlier ones are done, over that
WebSocket (`--api ws`, pipelined) or JSON-RPC POSTs (`--api http`, a bounded connection pool:
a POST's time sent is when it is started, so waiting for a pooled connection counts as latency).
How late each submission left against its schedule is kept too (`submit_lag_ms`): when the
load generator cannot keep up, it shows there.

`PaymentRecord` holds everything measured about one payment; `outcome()` classifies it, ledger
truth first: validated (tesSUCCESS), `validated:<code>`, `submit:<code>` (refused and never
validated), or `not_validated` (accepted, or unanswered, but not in a validated ledger within the
grace period). Each hash is recorded once; a second validated event for it is counted as a
duplicate, never as a second payment.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson

from bench.settlement_world import PlannedPayment
from xpay.crypto import KeyPair, sign_transaction

StreamHandler = Callable[[int, dict[str, Any], float], None]
"""(node index, stream message, monotonic arrival time)."""

ACCEPTED_ANSWERS = frozenset({"tesSUCCESS", "terQUEUED"})


class NodeConnection:
    """One WebSocket to a node: requests matched to answers by id, stream messages to a handler."""

    def __init__(self, index: int, ws: aiohttp.ClientWebSocketResponse, on_stream: StreamHandler) -> None:
        self.index = index
        self.ws = ws
        self.on_stream = on_stream
        self._ids = itertools.count(1)
        self.closed = False
        """The node closed the connection (or it broke) while it was being read."""
        self._waiting: dict[int, asyncio.Future[dict[str, Any]] | Callable[[dict[str, Any], float], None]] = {}

    async def read(self) -> None:
        async for frame in self.ws:
            if frame.type is not aiohttp.WSMsgType.TEXT:
                break
            now = time.monotonic()
            message = orjson.loads(frame.data)
            if isinstance(message, list):  # the answers to a batch, in its order
                for answer in message:
                    self._answered(answer, now)
            elif message.get("type") == "response":
                self._answered(message, now)
            else:
                self.on_stream(self.index, message, now)
        self.closed = True
        for waiter in self._waiting.values():
            if isinstance(waiter, asyncio.Future) and not waiter.done():
                waiter.set_exception(ConnectionError(f"node {self.index}: connection closed"))

    def _answered(self, message: dict[str, Any], now: float) -> None:
        waiter = self._waiting.pop(message.get("id", -1), None)
        if isinstance(waiter, asyncio.Future):
            if not waiter.done():
                waiter.set_result(message)
        elif waiter is not None:
            waiter(message, now)

    async def request(self, command: str, **params: Any) -> dict[str, Any]:
        """The whole response (status, result or error)."""
        return await (await self.request_later(command, **params))

    async def request_later(self, command: str, **params: Any) -> asyncio.Future[dict[str, Any]]:
        """Send now (requests leave in the order they are made); the response comes in the
        returned future."""
        request_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[request_id] = future
        await self.ws.send_str(orjson.dumps({"id": request_id, "command": command, **params}).decode())
        return future

    async def send(self, command: str, on_answer: Callable[[dict[str, Any], float], None], **params: Any) -> None:
        """Send without waiting: `on_answer(response, arrival time)` is called by the reader —
        or at once with the error `connectionClosed` when the node's connection has gone (a
        node that dies mid-run is a result to report, not the end of the run)."""
        await self.send_batch([(command, on_answer, params)], as_array=False)

    async def send_batch(
        self,
        requests: Sequence[tuple[str, Callable[[dict[str, Any], float], None], dict[str, Any]]],
        *,
        as_array: bool = True,
    ) -> None:
        """Send several requests in one WebSocket message (the node's batch form: a JSON array
        of requests, answered by one array of responses in the same order)."""
        if not (self.closed or self.ws.closed):
            ids = []
            for command, on_answer, params in requests:
                request_id = next(self._ids)
                self._waiting[request_id] = on_answer
                ids.append((request_id, command, params))
            bodies = [{"id": request_id, "command": command, **params} for request_id, command, params in ids]
            try:
                await self.ws.send_str(orjson.dumps(bodies if as_array else bodies[0]).decode())
                return
            except (ConnectionError, aiohttp.ClientError):
                for request_id, _command, _params in ids:
                    self._waiting.pop(request_id, None)
        closed = {"status": "error", "error": "connectionClosed"}
        for _command, on_answer, _params in requests:
            on_answer(closed, time.monotonic())


@asynccontextmanager
async def connect_nodes(urls: Sequence[str], on_stream: StreamHandler) -> AsyncIterator[list[NodeConnection]]:
    """A connection per node, each read by a task; closed (and the readers ended) on exit."""
    async with _connections(urls, on_stream, required=True) as connections:
        yield list(connections.values())


@asynccontextmanager
async def connect_reachable(urls: Sequence[str], on_stream: StreamHandler) -> AsyncIterator[dict[int, NodeConnection]]:
    """Connections to the nodes that answer, by node index (a node may have died)."""
    async with _connections(urls, on_stream, required=False) as connections:
        yield connections


@asynccontextmanager
async def _connections(
    urls: Sequence[str], on_stream: StreamHandler, *, required: bool
) -> AsyncIterator[dict[int, NodeConnection]]:
    async with aiohttp.ClientSession() as session, asyncio.TaskGroup() as group:
        connections: dict[int, NodeConnection] = {}
        try:
            for index, url in enumerate(urls):
                try:
                    ws = await session.ws_connect(url, max_msg_size=0, heartbeat=None)
                except (aiohttp.ClientError, OSError):
                    if required:
                        raise
                    continue
                connection = NodeConnection(index, ws, on_stream)
                connections[index] = connection
                group.create_task(connection.read())
            yield connections
        finally:
            for connection in connections.values():
                await connection.ws.close()


def result_of(answer: dict[str, Any]) -> str:
    """A submit answer's engine_result, or the RPC error's name."""
    if answer.get("status") == "success":
        return str(answer.get("result", {}).get("engine_result", "unknown"))
    return str(answer.get("error") or answer.get("result", {}).get("error") or "unknown")


# --- set-up ---------------------------------------------------------------------------------------


async def next_sequences(connection: NodeConnection, accounts: Sequence[KeyPair]) -> dict[str, int]:
    """Each account's next sequence in the validated ledger (pipelined account_info)."""
    answers = await asyncio.gather(
        *(connection.request("account_info", account=a.address, ledger_index="validated") for a in accounts)
    )
    out: dict[str, int] = {}
    for account, answer in zip(accounts, answers):
        if answer.get("status") != "success":
            raise RuntimeError(f"account_info {account.address}: {answer.get('error')}")
        out[account.address] = int(answer["result"]["account_data"]["Sequence"])
    return out


async def run_setup(
    url: str,
    batches: Sequence[Sequence[dict[str, Any]]],
    keys: dict[str, KeyPair],
    network_id: int,
    timeout: float = 180.0,
    log: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Submit each batch at once and wait until every transaction of it is validated with
    tesSUCCESS before the next; returns every account's next sequence afterwards. Transactions
    without a Sequence get their account's next one (read once, after the first batch)."""
    seen: dict[str, str] = {}
    changed = asyncio.Event()

    def on_stream(_index: int, message: dict[str, Any], _at: float) -> None:
        if message.get("type") == "transaction" and message.get("validated"):
            tx_hash = message.get("hash") or message.get("transaction", {}).get("hash")
            seen[str(tx_hash)] = str(message.get("engine_result"))
            changed.set()

    sequences: dict[str, int] = {}
    async with connect_nodes([url], on_stream) as (connection,):
        answer = await connection.request("subscribe", streams=["transactions"])
        if answer.get("status") != "success":
            raise RuntimeError(f"subscribe: {answer}")
        for number, batch in enumerate(batches):
            started = time.monotonic()
            unknown = [keys[tx["Account"]] for tx in batch if "Sequence" not in tx and tx["Account"] not in sequences]
            if unknown:
                sequences.update(await next_sequences(connection, list({k.address: k for k in unknown}.values())))
            hashes: list[str] = []
            answers: list[asyncio.Future[dict[str, Any]]] = []
            for tx in batch:
                signed_tx = {**tx, "NetworkID": network_id}
                if "Sequence" not in signed_tx:
                    signed_tx["Sequence"] = sequences[tx["Account"]]
                    sequences[tx["Account"]] += 1
                blob, tx_hash = sign_transaction(signed_tx, keys[tx["Account"]])
                hashes.append(tx_hash)
                answers.append(await connection.request_later("submit", tx_blob=blob))
            for tx, answer in zip(batch, await asyncio.gather(*answers)):
                result = result_of(answer)
                if result not in ACCEPTED_ANSWERS:
                    raise RuntimeError(f"set-up {tx['TransactionType']} from {tx['Account']} refused: {result}")
            async with asyncio.timeout(timeout):
                while not all(h in seen for h in hashes):
                    changed.clear()
                    await changed.wait()
            failed = {seen[h] for h in hashes if seen[h] != "tesSUCCESS"}
            if failed:
                raise RuntimeError(f"set-up batch {number + 1} failed: {sorted(failed)}")
            if log is not None:
                log(f"set-up {number + 1}/{len(batches)}: {len(batch)} transactions validated in "
                    f"{time.monotonic() - started:.1f} s")
    return sequences


# --- the run --------------------------------------------------------------------------------------


@dataclass(slots=True)
class PaymentRecord:
    """Everything measured about one payment (times in seconds since the load started)."""

    index: int
    hash: str
    kind: str
    pair: str
    node: int
    due: float
    sent: float | None = None
    answer: str | None = None
    answered: float | None = None
    validated_at: float | None = None
    validated_result: str | None = None
    ledger_index: int | None = None

    @property
    def latency(self) -> float | None:
        if self.validated_at is None or self.sent is None:
            return None
        return self.validated_at - self.sent

    def outcome(self) -> str:
        if self.validated_result is not None:
            return "validated" if self.validated_result == "tesSUCCESS" else f"validated:{self.validated_result}"
        if self.answer is not None and self.answer not in ACCEPTED_ANSWERS and not self.answer.startswith("tec"):
            return f"submit:{self.answer}"
        return "not_validated"

    def resolved(self) -> bool:
        """Nothing more will happen to it: validated, or refused for good (not a ter retry)."""
        if self.validated_result is not None:
            return True
        answer = self.answer
        return answer is not None and not answer.startswith(("tes", "tec", "ter"))


@dataclass
class Recorder:
    """Payments by hash, what each node's stream said about them, ledgers and consensus phases."""

    records: list[PaymentRecord]
    origin: float = 0.0
    by_hash: dict[str, PaymentRecord] = field(default_factory=dict)
    duplicate_events: int = 0
    """Validated events for a hash already validated (a second count would be a bug)."""
    ledgers: list[tuple[int, float, int]] = field(default_factory=list)
    """(ledger_index, arrival time, txn_count) of each validated ledger on node 0's stream."""
    phases: list[tuple[str, float]] = field(default_factory=list)
    connections_lost: list[int] = field(default_factory=list)
    """Nodes whose connection closed before the load ended."""

    def __post_init__(self) -> None:
        self.by_hash = {record.hash: record for record in self.records}
        if len(self.by_hash) != len(self.records):
            raise ValueError("the mix holds the same transaction twice")

    def on_stream(self, node: int, message: dict[str, Any], at: float) -> None:
        kind = message.get("type")
        if kind == "transaction":
            if not message.get("validated"):
                return
            tx_hash = message.get("hash") or message.get("transaction", {}).get("hash")
            record = self.by_hash.get(str(tx_hash))
            if record is None or record.node != node:
                return  # another bank's payment (to one of this bank's customers)
            if record.validated_result is not None:
                self.duplicate_events += 1
                return
            record.validated_at = at - self.origin
            record.validated_result = str(message.get("engine_result"))
            record.ledger_index = int(message["ledger_index"])
        elif kind == "ledgerClosed":
            self.ledgers.append((int(message["ledger_index"]), at - self.origin, int(message.get("txn_count", 0))))
        elif kind == "consensusPhase":
            self.phases.append((str(message.get("consensus")), at - self.origin))

    def ledger_intervals(self) -> list[float]:
        return [b[1] - a[1] for a, b in itertools.pairwise(self.ledgers)]

    def consensus_times(self) -> list[float]:
        out: list[float] = []
        start: float | None = None
        for phase, at in self.phases:
            if phase == "establish":
                start = at
            elif phase == "accepted" and start is not None:
                out.append(at - start)
                start = None
        return out


@dataclass
class LoadOptions:
    rate: float
    grace: float
    api: str = "ws"
    http_pool: int = 16
    progress: bool = True
    batch_ms: float = 0.0
    """Over WebSocket, gather the payments due within each window of this many milliseconds
    into one batch message per node (0: one message per payment)."""


def plan_records(mix: Sequence[PlannedPayment], signed: Sequence[tuple[str, str]], rate: float) -> list[PaymentRecord]:
    return [
        PaymentRecord(p.index, tx_hash, p.kind, p.pair, p.node, p.index / rate)
        for p, (_blob, tx_hash) in zip(mix, signed)
    ]


async def run_load(
    ws_urls: Sequence[str],
    http_urls: Sequence[str],
    watched: Sequence[Sequence[str]],
    signed: Sequence[tuple[str, str]],
    recorder: Recorder,
    options: LoadOptions,
    on_start: Callable[[float], None] | None = None,
) -> tuple[float, float]:
    """Submit every payment on schedule, then wait up to `options.grace` seconds for the
    unresolved ones. Returns (seconds of the submission phase, seconds until the end of the
    wait), both from the load's start. `watched[i]` are the addresses node i's bank follows."""
    records = recorder.records
    async with connect_nodes(ws_urls, recorder.on_stream) as connections:
        for index, connection in enumerate(connections):
            streams = ["ledger", "consensus"] if index == 0 else []
            params: dict[str, Any] = {"streams": streams}
            if watched[index]:
                params["accounts"] = list(watched[index])
            answer = await connection.request("subscribe", **params)
            if answer.get("status") != "success":
                raise RuntimeError(f"subscribe on node {index}: {answer}")
        origin = time.monotonic()
        recorder.origin = origin
        if on_start is not None:
            on_start(origin)
        async with aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit_per_host=options.http_pool)
        ) as http, asyncio.TaskGroup() as group:
            progress = group.create_task(_progress(recorder, len(records), options.rate)) if options.progress else None
            await _submit_all(connections, http, http_urls, signed, recorder, options, group)
            submitted_in = time.monotonic() - origin
            deadline = time.monotonic() + options.grace
            while time.monotonic() < deadline and not all(r.resolved() for r in records if r.sent is not None):
                await asyncio.sleep(0.1)
            if progress is not None:
                progress.cancel()
        # A node that drops a slow subscriber ends its stream: what it validated afterwards is
        # never seen, and the report must say so.
        recorder.connections_lost = [c.index for c in connections if c.closed]
    return submitted_in, time.monotonic() - origin


async def _submit_all(
    connections: Sequence[NodeConnection],
    http: aiohttp.ClientSession,
    http_urls: Sequence[str],
    signed: Sequence[tuple[str, str]],
    recorder: Recorder,
    options: LoadOptions,
    group: asyncio.TaskGroup,
) -> None:
    origin = recorder.origin
    window = options.batch_ms / 1000 if options.api == "ws" else 0.0
    pairs = list(zip(recorder.records, signed))
    position = 0
    while position < len(pairs):
        first = pairs[position][0]
        delay = origin + first.due + window - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        # Everything due by now leaves now: one payment, or a window's worth when batching.
        now = time.monotonic() - origin
        end = position + 1
        while window and end < len(pairs) and pairs[end][0].due <= now:
            end += 1
        per_node: dict[int, list[tuple[str, Callable[[dict[str, Any], float], None], dict[str, Any]]]] = {}
        for record, (blob, _tx_hash) in pairs[position:end]:
            on_answer = _answer_into(record, origin)
            record.sent = time.monotonic() - origin
            if options.api == "http":
                group.create_task(_post_submit(http, http_urls[record.node], blob, on_answer))
            else:
                per_node.setdefault(record.node, []).append(("submit", on_answer, {"tx_blob": blob}))
        for node, requests in per_node.items():
            await connections[node].send_batch(requests, as_array=bool(window))
        position = end


def _answer_into(record: PaymentRecord, origin: float) -> Callable[[dict[str, Any], float], None]:
    def on_answer(answer: dict[str, Any], at: float) -> None:
        record.answer = result_of(answer)
        record.answered = at - origin

    return on_answer


async def _post_submit(
    http: aiohttp.ClientSession, url: str, blob: str, on_answer: Callable[[dict[str, Any], float], None]
) -> None:
    body = orjson.dumps({"method": "submit", "params": [{"tx_blob": blob}]})
    try:
        async with http.post(url, data=body, headers={"Content-Type": "application/json"}) as response:
            payload = orjson.loads(await response.read())
    except (aiohttp.ClientError, OSError, ValueError) as error:
        on_answer({"status": "error", "error": type(error).__name__}, time.monotonic())
        return
    result = payload.get("result", {})
    answer = {"status": result.get("status", "error"), "result": result, "error": result.get("error")}
    on_answer(answer, time.monotonic())


async def _progress(recorder: Recorder, total: int, rate: float) -> None:
    """One line a second on stderr: elapsed, offered, submitted, validated, in flight, rolling
    p50 (payments validated in the last 5 s), last validated ledger."""
    records = recorder.records
    while True:
        await asyncio.sleep(1.0)
        now = time.monotonic() - recorder.origin
        offered = min(total, int(now * rate) + 1)
        sent = sum(1 for r in records if r.sent is not None)
        validated = sum(1 for r in records if r.validated_result is not None)
        refused = sum(1 for r in records if r.validated_result is None and r.resolved())
        recent = sorted(
            lat for r in records
            if r.validated_at is not None and r.validated_at > now - 5 and (lat := r.latency) is not None
        )
        p50 = recent[len(recent) // 2] * 1000 if recent else 0.0
        ledger = recorder.ledgers[-1][0] if recorder.ledgers else 0
        print(
            f"[{now:6.1f} s] offered {offered:6d}  submitted {sent:6d}  validated {validated:6d}  "
            f"in flight {sent - validated - refused:5d}  p50 {p50:7.1f} ms  ledger {ledger}",
            file=sys.stderr,
            flush=True,
        )
