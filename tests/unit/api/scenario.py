"""A small ledger history for API tests: three funded accounts, a gateway's USD, a rippling
payment — built through a real in-process node, with really signed transactions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.node_process import GENESIS, in_process_node, keypair, payment, sign
from xpay.api.dispatch import execute
from xpay.api.subscriptions import Subscriptions
from xpay.crypto import KeyPair
from xpay.node.standalone import StandaloneNode
from xpay.protocol.flags import asfDefaultRipple

ALICE = keypair("alice")
BOB = keypair("bob")
GW = keypair("gateway")
CAROL = keypair("carol")  # never funded


def usd(value: str, issuer: KeyPair = GW) -> dict[str, str]:
    return {"currency": "USD", "issuer": issuer.address, "value": value}


@dataclass
class Scenario:
    node: StandaloneNode
    tx_hashes: dict[str, str] = field(default_factory=dict)
    sequences: dict[str, int] = field(default_factory=dict)

    async def call(self, method: str, *, admin: bool = False, **params: Any) -> tuple[bool, dict[str, Any]]:
        subscriptions = Subscriptions(lambda: self.node.service.info)
        return await execute(self.node.service, subscriptions, method, params, admin=admin)

    async def ok(self, method: str, *, admin: bool = False, **params: Any) -> dict[str, Any]:
        ok, result = await self.call(method, admin=admin, **params)
        assert ok, result
        return result

    async def error(self, method: str, *, admin: bool = False, **params: Any) -> dict[str, Any]:
        ok, result = await self.call(method, admin=admin, **params)
        assert not ok, result
        return result

    def next_seq(self, who: KeyPair) -> int:
        seq = self.sequences.get(who.address, 1 if who is GENESIS else 3)
        self.sequences[who.address] = seq + 1
        return seq

    async def submit(self, name: str, tx: dict[str, Any], who: KeyPair) -> str:
        blob, tx_hash = sign({**tx, "Account": who.address, "Fee": "10", "Sequence": self.next_seq(who)}, who)
        outcome = await self.node.service.submit(bytes.fromhex(blob))
        assert outcome.applied, (name, outcome)
        self.tx_hashes[name] = tx_hash
        return tx_hash

    async def close(self) -> None:
        await self.node.service.ledger_accept()


async def build(node: StandaloneNode) -> Scenario:
    s = Scenario(node)
    for who in (ALICE, BOB, GW):
        blob, tx_hash = payment(GENESIS, who.address, "1000000000", s.next_seq(GENESIS))
        assert (await node.service.submit(bytes.fromhex(blob))).applied
        s.tx_hashes[f"fund_{who.address}"] = tx_hash
    await s.close()  # ledger 2; the new accounts' sequences start at 2
    for who in (ALICE, BOB, GW):
        s.sequences[who.address] = 2
    await s.submit("default_ripple", {"TransactionType": "AccountSet", "SetFlag": asfDefaultRipple}, GW)
    await s.close()  # ledger 3: DefaultRipple before the lines exist, so they ripple through gw
    await s.submit("alice_trust", {"TransactionType": "TrustSet", "LimitAmount": usd("1000")}, ALICE)
    await s.submit("bob_trust", {"TransactionType": "TrustSet", "LimitAmount": usd("500")}, BOB)
    await s.close()  # ledger 4
    await s.submit("issue", {"TransactionType": "Payment", "Destination": ALICE.address, "Amount": usd("100")}, GW)
    await s.close()  # ledger 5
    await s.submit(
        "ripple", {"TransactionType": "Payment", "Destination": BOB.address, "Amount": usd("30")}, ALICE
    )
    await s.close()  # ledger 6
    return s


@asynccontextmanager
async def scenario(data_dir: Path, **config: Any) -> AsyncIterator[Scenario]:
    """The scenario's node, built, for the duration of a test (NodeConfig overrides allowed)."""
    async with in_process_node(data_dir, **config) as node:
        yield await build(node)
