"""The settlement benchmark's world and payment mix: seeded and deterministic, the shares asked
for, each kind shaped as the engine needs it, sequences consecutive per sender."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from bench.settlement_world import World, payment_mix, sign_mix
from xpay.codec import decode


def _world(seed: int = 7) -> World:
    return World.build(seed, gateways=4, makers=2, customers=40, nodes=3)


def test_the_same_seed_builds_the_same_world_and_mix() -> None:
    a, b = _world(), _world()
    assert [c.key.address for c in a.customers] == [c.key.address for c in b.customers]
    assert payment_mix(a, 500, 3, 0.5, 0.1) == payment_mix(b, 500, 3, 0.5, 0.1)


def test_another_seed_gives_other_accounts_and_another_mix() -> None:
    assert _world(1).customers[0].key.address != _world(2).customers[0].key.address
    world = _world()
    first = [(p.kind, p.tx_json["Destination"]) for p in payment_mix(world, 200, 1, 0.5)]
    second = [(p.kind, p.tx_json["Destination"]) for p in payment_mix(world, 200, 2, 0.5)]
    assert first != second


def test_the_mix_holds_the_shares_asked_for() -> None:
    kinds = Counter(p.kind for p in payment_mix(_world(), 4000, 5, 0.3, 0.1))
    assert 0.08 < kinds["bad"] / 4000 < 0.12
    assert 0.24 < kinds["cross"] / 4000 < 0.30  # 30 % of the 90 % that are not bad
    assert kinds["same"] + kinds["cross"] + kinds["bad"] == 4000
    assert Counter(p.kind for p in payment_mix(_world(), 300, 5, 0.0))["cross"] == 0
    assert Counter(p.kind for p in payment_mix(_world(), 300, 5, 1.0))["same"] == 0


def test_each_kind_is_shaped_for_its_route() -> None:
    world = _world()
    by_address = {c.key.address: c for c in world.customers}
    for planned in payment_mix(world, 600, 9, 0.5, 0.1):
        sender = world.customers[planned.sender]
        receiver = by_address[planned.tx_json["Destination"]]
        assert receiver is not sender and planned.node == sender.node
        amount = planned.tx_json["Amount"]
        if planned.kind == "cross":
            assert receiver.gateway != sender.gateway
            assert planned.tx_json["Paths"] == [[{"currency": "XRP"}]]
            assert planned.tx_json["SendMax"]["issuer"] == world.gateways[sender.gateway].key.address
            assert amount["issuer"] == world.gateways[receiver.gateway].key.address
        else:
            assert receiver.gateway == sender.gateway and "SendMax" not in planned.tx_json
        if planned.kind == "bad":
            assert Decimal(amount["value"]) > world.customer_balance(sender)
        src, dst = planned.pair.split("->")
        assert src == world.gateways[sender.gateway].currency and dst == amount["currency"]


def test_signed_payments_take_consecutive_sequences_per_sender() -> None:
    world = _world()
    mix = payment_mix(world, 120, 4, 0.5)
    start = [100 + i for i in range(len(world.customers))]
    signed = sign_mix(world, mix, start, network_id=21337)
    assert len({tx_hash for _blob, tx_hash in signed}) == len(signed)
    seen: dict[str, list[int]] = {}
    for blob, _hash in signed:
        tx = decode(blob)
        assert tx["NetworkID"] == 21337
        seen.setdefault(tx["Account"], []).append(tx["Sequence"])
    for index, customer in enumerate(world.customers):
        sequences = seen[customer.key.address]
        assert sequences == list(range(start[index], start[index] + len(sequences)))


def test_setup_sets_default_ripple_before_any_line_exists() -> None:
    world = _world()
    batches = world.setup_batches(world.makers[0])
    kinds = [sorted({tx["TransactionType"] for tx in batch}) for batch in batches]
    assert kinds == [["Payment"], ["AccountSet"], ["TrustSet"], ["Payment"], ["OfferCreate"]]
    assert len(batches[0]) == len(world.accounts())
