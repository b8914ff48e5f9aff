"""ripple_path_find and path_find over the API, on a real in-process node: two gateways (USD and
EUR), a market maker selling EUR for USD, and customers on both sides (rippled's
RipplePathFind / PathFind handlers, PathRequests pushing after every ledger).

Requests go through the API's dispatcher with the node's real PathfindingService; WebSocket
connections are the API's own Subscriber objects, whose send queue the test reads.
"""

from __future__ import annotations

import asyncio
import gc
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from tests.support.node_process import GENESIS, in_process_node, keypair, sign
from xpay.amounts import Issue, STAmount, currency_from_code
from xpay.api.dispatch import execute
from xpay.api.pathfinding_service import PathfindingService, PathfindingServiceConfig
from xpay.api.subscriptions import Subscriber, Subscriptions
from xpay.crypto import KeyPair
from xpay.ledger import keylet
from xpay.node.standalone import StandaloneNode
from xpay.protocol.flags import asfDefaultRipple
from xpay.protocol.ter import ter_from_code

GW_USD = keypair("gw-usd")
GW_EUR = keypair("gw-eur")
MAKER = keypair("maker")
ALICE = keypair("alice")  # holds USD at GW_USD
BOB = keypair("bob")  # takes EUR at GW_EUR
CAROL = keypair("carol")  # never funded
XRP = {"currency": "XRP"}
WAIT = 10.0
"""Seconds a test waits for a push before it fails (the push comes within milliseconds)."""
FAST = PathfindingServiceConfig(first_full_answer_delay=0, freeze_gc_min_entries=None)
"""The service as tests run it: a new request's full answer is not held back."""


def usd(value: str, issuer: KeyPair = GW_USD) -> dict[str, str]:
    return {"currency": "USD", "issuer": issuer.address, "value": value}


def eur(value: str, issuer: KeyPair = GW_EUR) -> dict[str, str]:
    return {"currency": "EUR", "issuer": issuer.address, "value": value}


def to_bob(value: str = "10", **extra: Any) -> dict[str, Any]:
    """Alice asks to deliver EUR to Bob (issuer Bob: any gateway Bob trusts, as rippled reads it)."""
    return {
        "source_account": ALICE.address,
        "destination_account": BOB.address,
        "destination_amount": eur(value, BOB),
        **extra,
    }


class BrokenConnection:
    """A connection whose every push fails (a socket torn down under the writer)."""

    overflowed = False
    api_version = 1

    def push(self, message: str) -> None:
        raise ConnectionResetError("the peer is gone")


@dataclass
class PathWorld:
    node: StandaloneNode
    service: PathfindingService
    subscriptions: Subscriptions

    async def call(self, method: str, *, subscriber: Any = None, admin: bool = False, **params: Any) -> tuple[bool, dict[str, Any]]:
        return await execute(self.node.service, self.subscriptions, method, params, admin=admin, subscriber=subscriber)

    async def ok(self, method: str, **params: Any) -> dict[str, Any]:
        ok, result = await self.call(method, **params)
        assert ok, result
        return result

    async def error(self, method: str, **params: Any) -> dict[str, Any]:
        ok, result = await self.call(method, **params)
        assert not ok, result
        return result

    async def submit(self, tx: dict[str, Any], who: KeyPair, *, expect: str = "tesSUCCESS") -> None:
        root = self.node.service.current_view().read(keylet.account(who.account_id))
        assert root is not None, who.address
        blob, _ = sign({**tx, "Account": who.address, "Fee": "10", "Sequence": root.sequence}, who)
        outcome = await self.node.service.submit(bytes.fromhex(blob))
        assert ter_from_code(outcome.engine_result).name == expect, (tx, ter_from_code(outcome.engine_result))

    async def close(self) -> int:
        return (await self.node.service.ledger_accept()).seq

    def balance(self, who: KeyPair, currency: str, issuer: KeyPair) -> STAmount:
        line = self.node.service.validated_ledger().read(
            keylet.line(who.account_id, issuer.account_id, currency_from_code(currency))
        )
        assert line is not None
        balance = line.balance if who.account_id == line.low_limit.issue.account else -line.balance
        return balance.with_issue(Issue(currency_from_code(currency), issuer.account_id))


async def build_world(world: PathWorld) -> None:
    """Ledgers 2-6: accounts, DefaultRipple on the gateways, trust lines, balances, the offer."""
    for who in (GW_USD, GW_EUR, MAKER, ALICE, BOB):
        await world.submit({"TransactionType": "Payment", "Destination": who.address, "Amount": "1000000000"}, GENESIS)
    await world.close()
    for gateway in (GW_USD, GW_EUR):
        await world.submit({"TransactionType": "AccountSet", "SetFlag": asfDefaultRipple}, gateway)
    await world.close()
    await world.submit({"TransactionType": "TrustSet", "LimitAmount": usd("1000")}, ALICE)
    await world.submit({"TransactionType": "TrustSet", "LimitAmount": usd("1000")}, MAKER)
    await world.submit({"TransactionType": "TrustSet", "LimitAmount": eur("1000")}, MAKER)
    await world.submit({"TransactionType": "TrustSet", "LimitAmount": eur("1000")}, BOB)
    await world.close()
    await world.submit({"TransactionType": "Payment", "Destination": ALICE.address, "Amount": usd("200")}, GW_USD)
    await world.submit({"TransactionType": "Payment", "Destination": MAKER.address, "Amount": eur("500")}, GW_EUR)
    await world.close()
    # The maker sells 100 EUR at 1.1 USD each.
    await world.submit({"TransactionType": "OfferCreate", "TakerGets": eur("100"), "TakerPays": usd("110")}, MAKER)
    await world.close()


@asynccontextmanager
async def path_world(data_dir: Path, config: PathfindingServiceConfig | None = None, *, build: bool = True) -> AsyncIterator[PathWorld]:
    async with in_process_node(data_dir) as node:
        service = PathfindingService(node.service, config or FAST)
        subscriptions = Subscriptions(lambda: node.service.info, service)
        unlisten = node.service.add_listener(subscriptions.on_event)
        world = PathWorld(node, service, subscriptions)
        if build:
            await build_world(world)
        await service.start()
        try:
            yield world
        finally:
            await service.stop()
            unlisten()


async def next_push(subscriber: Subscriber) -> dict[str, Any]:
    async with asyncio.timeout(WAIT):
        message = await subscriber.queue.get()
    assert message is not None, "the connection was closed"
    decoded: dict[str, Any] = orjson.loads(message)
    return decoded


def only_path(result: dict[str, Any]) -> dict[str, Any]:
    alternatives = result["alternatives"]
    assert len(alternatives) == 1, alternatives
    alternative: dict[str, Any] = alternatives[0]
    return alternative


# ripple_path_find ----------------------------------------------------------------------------


async def test_the_path_through_the_makers_book_is_found_and_delivers(tmp_path: Path) -> None:
    async with path_world(tmp_path) as world:
        result = await world.ok("ripple_path_find", **to_bob("10"))
        assert result["source_account"] == ALICE.address and result["destination_account"] == BOB.address
        assert result["destination_amount"] == eur("10", BOB) and result["full_reply"] is True
        assert set(result["destination_currencies"]) == {"XRP", "EUR"}
        assert not any(name in result for name in ("ledger_index", "ledger_hash", "ledger_current_index"))
        found = only_path(result)
        # 10 EUR at the maker's 1.1 USD: 11 USD of Alice's (the source amount names the sender).
        assert found["source_amount"] == usd("11", ALICE)
        assert found["paths_canonical"] == []
        (path,) = found["paths_computed"]
        assert {"currency": "EUR", "issuer": GW_EUR.address, "type": 48} in path, path

        # The answer is a payment that goes through: Bob gets his 10 EUR, Alice pays 11 USD.
        await world.submit(
            {
                "TransactionType": "Payment",
                "Destination": BOB.address,
                "Amount": eur("10", BOB),
                "SendMax": found["source_amount"],
                "Paths": found["paths_computed"],
            },
            ALICE,
        )
        await world.close()
        assert world.balance(BOB, "EUR", GW_EUR).value_text() == "10"
        assert world.balance(ALICE, "USD", GW_USD).value_text() == "189"


async def test_as_much_as_possible_reports_what_arrives_for_the_send_max(tmp_path: Path) -> None:
    async with path_world(tmp_path) as world:
        result = await world.ok("ripple_path_find", **to_bob("-1", send_max=usd("22", ALICE)))
        found = only_path(result)
        assert found["destination_amount"] == eur("20", BOB)
        assert found["source_amount"] == usd("22", ALICE)
        # More than the book holds: the answer is the whole book, 100 EUR for 110 USD.
        result = await world.ok("ripple_path_find", **to_bob("-1", send_max=usd("150", ALICE)))
        assert only_path(result)["destination_amount"] == eur("100", BOB)


async def test_source_currencies_limit_what_the_sender_may_spend(tmp_path: Path) -> None:
    async with path_world(tmp_path) as world:
        # No book sells EUR for XRP: nothing can be found in XRP, and that is an empty answer.
        assert (await world.ok("ripple_path_find", **to_bob(source_currencies=[XRP])))["alternatives"] == []
        asked = await world.ok("ripple_path_find", **to_bob(source_currencies=[{"currency": "USD"}]))
        assert only_path(asked)["source_amount"] == usd("11", ALICE)
        # Once the maker also sells EUR for XRP, the XRP alternative appears.
        await world.submit({"TransactionType": "OfferCreate", "TakerGets": eur("50"), "TakerPays": "100000000"}, MAKER)
        await world.close()
        found = only_path(await world.ok("ripple_path_find", **to_bob(source_currencies=[XRP])))
        assert found["source_amount"] == "20000000"  # 10 EUR at 2 XRP each, in drops


async def test_search_level_asks_for_a_shallower_or_deeper_search(tmp_path: Path) -> None:
    """xpay's search_level: level 0 searches nothing; deeper than the node allows is capped."""
    async with path_world(tmp_path) as world:
        assert (await world.ok("ripple_path_find", **to_bob(search_level=0)))["alternatives"] == []
        for level in (1, 10):
            found = only_path(await world.ok("ripple_path_find", **to_bob(search_level=level)))
            assert found["source_amount"] == usd("11", ALICE), level


async def test_each_answer_is_on_the_latest_validated_ledger(tmp_path: Path) -> None:
    async with path_world(tmp_path) as world:
        assert only_path(await world.ok("ripple_path_find", **to_bob()))
        maker = world.node.service.validated_ledger().read(keylet.account(MAKER.account_id))
        assert maker is not None
        # The offer took the sequence before the maker's next one.
        await world.submit({"TransactionType": "OfferCancel", "OfferSequence": maker.sequence - 1}, MAKER)
        closed = await world.close()
        assert (await world.ok("ripple_path_find", **to_bob()))["alternatives"] == []
        assert world.service.ledger_seq == closed


async def test_a_named_ledger_is_searched_as_it_was(tmp_path: Path) -> None:
    async with path_world(tmp_path) as world:
        validated = world.node.service.validated_ledger()
        before_offer = validated.seq - 1
        older = await world.ok("ripple_path_find", **to_bob(ledger_index=before_offer))
        assert older["alternatives"] == [] and older["ledger_index"] == before_offer and older["validated"] is True
        parent_hash = validated.header.parent_hash.hex().upper()
        assert (await world.ok("ripple_path_find", **to_bob(ledger_hash=parent_hash)))["ledger_index"] == before_offer
        latest = await world.ok("ripple_path_find", **to_bob(ledger_index="validated"))
        assert latest["ledger_index"] == validated.seq and latest["ledger_hash"] == validated.hash.hex().upper()
        assert only_path(latest)["source_amount"] == usd("11", ALICE)


async def test_other_ledgers_are_searched_a_few_at_a_time_unless_admin(tmp_path: Path) -> None:
    async with path_world(tmp_path, PathfindingServiceConfig(legacy_in_progress=0, first_full_answer_delay=0)) as world:
        before_offer = world.node.service.validated_ledger().seq - 1
        assert (await world.error("ripple_path_find", **to_bob(ledger_index=before_offer)))["error"] == "tooBusy"
        # The latest validated ledger is the index's own: no extra index, no limit.
        assert only_path(await world.ok("ripple_path_find", **to_bob(ledger_index="validated")))
        assert (await world.ok("ripple_path_find", admin=True, **to_bob(ledger_index=before_offer)))["alternatives"] == []


async def test_bad_requests_get_rippleds_named_errors(tmp_path: Path) -> None:
    async with path_world(tmp_path) as world:
        base = to_bob()
        cases: list[tuple[dict[str, Any], str]] = [
            ({k: v for k, v in base.items() if k != "source_account"}, "srcActMissing"),
            ({**base, "source_account": "rNotAnAccount"}, "srcActMalformed"),
            ({k: v for k, v in base.items() if k != "destination_account"}, "dstActMissing"),
            ({**base, "destination_account": 42}, "dstActMalformed"),
            ({k: v for k, v in base.items() if k != "destination_amount"}, "dstAmtMissing"),
            ({**base, "destination_amount": {"currency": "EUR", "value": "10"}}, "dstAmtMalformed"),
            ({**base, "destination_amount": eur("0", BOB)}, "dstAmtMalformed"),
            ({**base, "send_max": usd("5", ALICE)}, "dstAmtMalformed"),  # SendMax only with -1
            (to_bob("-1", send_max={"currency": "USD"}), "sendMaxMalformed"),
            ({**base, "source_currencies": []}, "srcCurMalformed"),
            ({**base, "source_currencies": [{"currency": "NOT A CURRENCY"}]}, "srcCurMalformed"),
            ({**base, "source_currencies": [{"currency": "USD", "issuer": "bad"}]}, "srcIsrMalformed"),
            ({**base, "source_currencies": [{"currency": "USD"}] * 19}, "srcCurMalformed"),
            ({**base, "source_account": CAROL.address}, "srcActNotFound"),
            ({**base, "destination_account": CAROL.address}, "actNotFound"),  # only XRP can create it
            ({**base, "search_level": 99}, "invalidParams"),
            ({**base, "search_level": "deep"}, "invalidParams"),
            ({**base, "ledger_index": "current"}, "notSupported"),
            ({**base, "ledger_index": 999}, "lgrNotFound"),
            ({**base, "ledger_index": "latest"}, "invalidParams"),
            ({**base, "ledger_hash": "00" * 31}, "invalidParams"),
            ({**base, "ledger_hash": "AB" * 32}, "lgrNotFound"),
        ]
        for params, token in cases:
            error = await world.error("ripple_path_find", **params)
            assert error["error"] == token, (params, error)
            assert isinstance(error["error_code"], int) and error["error_message"], error
        missing = await world.error("ripple_path_find", **{k: v for k, v in base.items() if k != "source_account"})
        assert missing["error_code"] == 66 and missing["error_message"] == "Source account not provided."
        # An account that does not exist yet can be sent XRP (at least the reserve).
        to_carol = {**base, "destination_account": CAROL.address, "destination_amount": "50000000"}
        assert (await world.ok("ripple_path_find", **to_carol))["destination_account"] == CAROL.address


async def test_a_node_without_pathfinding_says_it_is_not_supported(tmp_path: Path) -> None:
    async with in_process_node(tmp_path) as node:
        subscriptions = Subscriptions(lambda: node.service.info)
        for method, params in (("ripple_path_find", to_bob()), ("path_find", {"subcommand": "create", **to_bob()})):
            ok, error = await execute(node.service, subscriptions, method, params, admin=True, subscriber=Subscriber())
            assert not ok and error["error"] == "notSupported", error


async def test_a_request_during_the_warm_up_waits_for_the_index(tmp_path: Path) -> None:
    async with path_world(tmp_path) as world:
        # The service was started after the world was built: its first request may well arrive
        # while the index is still being built in its thread, and is answered all the same.
        assert only_path(await world.ok("ripple_path_find", **to_bob()))["source_amount"] == usd("11", ALICE)
        assert world.service.ready
        assert not world.service.froze_gc  # a small world: the heap is left alone


async def test_the_warm_up_leaves_a_small_worlds_heap_unfrozen_by_default(tmp_path: Path) -> None:
    frozen_before = gc.get_freeze_count()
    async with path_world(tmp_path, PathfindingServiceConfig()) as world:
        await world.ok("ripple_path_find", **to_bob())
        assert not world.service.froze_gc and gc.get_freeze_count() == frozen_before


FREEZE_SCRIPT = """
import asyncio, gc, json, sys, tempfile
from pathlib import Path
from tests.support.node_process import GENESIS, in_process_node, keypair
from xpay.api.pathfinding_service import PathfindingService, PathfindingServiceConfig

REQUEST = {"source_account": GENESIS.address, "destination_account": keypair("nobody").address,
           "destination_amount": "50000000"}

async def main():
    with tempfile.TemporaryDirectory() as data_dir:
        async with in_process_node(Path(data_dir)) as node:
            config = PathfindingServiceConfig(freeze_gc_min_entries=1)  # every world is large
            seen = []
            for _ in range(2):
                service = PathfindingService(node.service, config)
                await service.start()
                await service.ripple_path_find(REQUEST)  # waits for the warm-up
                seen.append([service.froze_gc, gc.isenabled(), gc.get_freeze_count()])
                await service.stop()
            print(json.dumps(seen))

asyncio.run(main())
"""


def test_a_large_worlds_warm_up_freezes_the_heap_once_and_collects_again() -> None:
    """In a process of its own: the freeze is process-wide and must not reach the test run."""
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run([sys.executable, "-c", FREEZE_SCRIPT], cwd=root, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    (first_froze, first_enabled, first_count), (second_froze, second_enabled, second_count) = json.loads(done.stdout)
    assert first_froze and first_count > 0 and first_enabled  # the collector runs again after it
    # Once per process: the second warm-up freezes nothing more (frozen objects that reference
    # counting frees leave the frozen set, so it can only shrink).
    assert not second_froze and second_count <= first_count and second_enabled


# path_find -----------------------------------------------------------------------------------


def create(**extra: Any) -> dict[str, Any]:
    return {"subcommand": "create", **to_bob(), **extra}


async def test_create_answers_at_once_then_pushes_after_every_ledger(tmp_path: Path) -> None:
    # The node's own settings: the first full answer is held back a moment (see the config).
    async with path_world(tmp_path, PathfindingServiceConfig()) as world:
        ws = Subscriber()
        first = await world.ok("path_find", subscriber=ws, id=7, **create())
        assert first["full_reply"] is False and first["id"] == 7
        assert "destination_currencies" not in first and "paths_canonical" not in str(first)

        # The full answer on the same ledger follows the quick one, as rippled sends it.
        full = await next_push(ws)
        assert full["type"] == "path_find" and full["full_reply"] is True and full["id"] == 7
        assert only_path(full)["source_amount"] == usd("11", ALICE)

        # The maker improves its price: the next ledger's push says so.
        await world.submit({"TransactionType": "OfferCreate", "TakerGets": eur("100"), "TakerPays": usd("105")}, MAKER)
        await world.close()
        pushed = await next_push(ws)
        assert pushed["type"] == "path_find" and only_path(pushed)["source_amount"] == usd("10.5", ALICE)

        status = await world.ok("path_find", subscriber=ws, subcommand="status")
        assert status["status"] == "success" and only_path(status)["source_amount"] == usd("10.5", ALICE)
        closed = await world.ok("path_find", subscriber=ws, subcommand="close")
        assert closed["closed"] is True and world.service.standing_requests == 0
        assert (await world.error("path_find", subscriber=ws, subcommand="status"))["error"] == "noPathRequest"


async def test_a_closed_request_gets_no_more_pushes(tmp_path: Path) -> None:
    async with path_world(tmp_path) as world:
        early, late = Subscriber(), Subscriber()
        await world.ok("path_find", subscriber=early, id="early", **create())
        await world.ok("path_find", subscriber=late, id="late", **create())
        assert (await next_push(early))["id"] == "early" and (await next_push(late))["id"] == "late"
        await world.ok("path_find", subscriber=early, subcommand="close")
        await world.close()
        # Requests are answered oldest first: had the closed one been answered, it would be
        # queued before the open one's push arrived.
        assert (await next_push(late))["id"] == "late"
        assert early.queue.empty()


async def test_a_new_create_replaces_the_connections_request(tmp_path: Path) -> None:
    async with path_world(tmp_path) as world:
        ws = Subscriber()
        await world.ok("path_find", subscriber=ws, id=1, **create())
        await world.ok("path_find", subscriber=ws, id=2, **create(source_currencies=[XRP]))
        assert world.service.standing_requests == 1
        assert (await world.ok("path_find", subscriber=ws, subcommand="status"))["id"] == 2
        pushed = await next_push(ws)
        assert pushed["id"] == 2 and pushed["alternatives"] == []
        # A create that fails leaves the connection with no request at all (rippled clears first).
        assert (await world.error("path_find", subscriber=ws, **create(source_account=CAROL.address)))["error"] == "srcActNotFound"
        assert world.service.standing_requests == 0


async def test_path_find_misuse_is_named(tmp_path: Path) -> None:
    async with path_world(tmp_path) as world:
        ws = Subscriber()
        assert (await world.error("path_find", **create()))["error"] == "noEvents"  # JSON-RPC
        assert (await world.error("path_find", subscriber=ws, **to_bob()))["error"] == "invalidParams"
        assert (await world.error("path_find", subscriber=ws, subcommand="bogus"))["error"] == "invalidParams"
        assert (await world.error("path_find", subscriber=ws, subcommand=["create"]))["error"] == "invalidParams"
        for subcommand in ("status", "close"):
            error = await world.error("path_find", subscriber=ws, subcommand=subcommand)
            assert error == {
                "error": "noPathRequest",
                "error_code": 33,
                "error_message": "No pathfinding request in progress.",
            }
        bad = await world.error("path_find", subscriber=ws, **create(destination_amount="-5"))
        assert bad["error"] == "dstAmtMalformed" and world.service.standing_requests == 0


async def test_a_closed_connection_forgets_its_request(tmp_path: Path) -> None:
    async with path_world(tmp_path) as world:
        ws = Subscriber()
        await world.ok("path_find", subscriber=ws, **create())
        assert world.service.standing_requests == 1
        world.subscriptions.remove(ws)  # what the server does when the socket closes
        assert world.service.standing_requests == 0


async def test_a_slow_consumer_is_cut_off_and_its_request_dropped(tmp_path: Path) -> None:
    async with path_world(tmp_path) as world:
        slow, witness = Subscriber(max_queue=1), Subscriber()
        await world.ok("path_find", subscriber=slow, **create())
        await world.ok("path_find", subscriber=witness, **create())
        # Requests are answered oldest first: once the witness has its push, so has the slow one.
        await next_push(witness)
        assert slow.queue.full() and not slow.overflowed
        await world.close()
        await next_push(witness)
        # The second push overflowed the slow connection: it is being closed, its request gone.
        assert slow.overflowed and slow.queue.get_nowait() is None
        assert world.service.standing_requests == 1


async def test_a_broken_connection_breaks_nothing_for_the_others(tmp_path: Path) -> None:
    async with path_world(tmp_path) as world:
        listener = Subscriber()
        world.subscriptions.subscribe(listener, ["ledger"], [])
        broken, healthy = BrokenConnection(), Subscriber()
        await world.ok("path_find", subscriber=broken, **create())
        await world.ok("path_find", subscriber=healthy, id="ok", **create())
        assert (await next_push(healthy))["id"] == "ok"
        assert world.service.standing_requests == 1  # the broken one's request was dropped
        seq = await world.close()
        closed = await next_push(listener)
        assert closed["type"] == "ledgerClosed" and closed["ledger_index"] == seq
        assert (await next_push(healthy))["id"] == "ok"
        assert only_path(await world.ok("ripple_path_find", **to_bob()))
