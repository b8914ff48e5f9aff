"""OfferCreate / OfferCancel metadata has the shape of the XRP Ledger's: the same node kinds and
the same fields in NewFields / FinalFields / PreviousFields as the real examples in
../shared/xrpl-data/tx-metadata/offer_*.json (offer placed, offer cancelled, offers crossed
fully and partially by an immediate-or-cancel sell)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.env import XRP, Env
from tests.unit.flow.jtx import offer_cancel
from xpay.protocol.flags import tfImmediateOrCancel, tfSell

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "xrpl-data" / "tx-metadata"

Shape = tuple[str, str, frozenset[str], frozenset[str], bool]
"""(node kind, entry type, NewFields/FinalFields names, PreviousFields names, threaded)."""


def _shape(node: dict[str, Any]) -> Shape:
    ((kind, body),) = node.items()
    fields = body.get("NewFields", body.get("FinalFields", {}))
    return (
        kind,
        body["LedgerEntryType"],
        frozenset(fields),
        frozenset(body.get("PreviousFields", {})),
        "PreviousTxnID" in body,
    )


def _fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return data


def _shapes(meta: dict[str, Any], entry_type: str) -> set[Shape]:
    return {s for s in map(_shape, meta["AffectedNodes"]) if s[1] == entry_type}


def _meta_of_next(env: Env, submit: Any) -> dict[str, Any]:
    env.close()
    submit()
    env.close()
    assert env.last_report is not None and len(env.last_report.applied) == 1
    return env.meta(env.last_report.applied[0])


def _market(env: Env) -> tuple[Any, Any, Any, Any]:
    gw, alice, bob = env.account("gw"), env.account("alice"), env.account("bob")
    USD = env.iou(gw, "USD")
    env.fund(XRP(100000), gw, alice, bob)
    env.close()
    env.trust(alice, USD(1000))
    env.trust(bob, USD(1000))
    env.close()
    env.pay(gw, alice, USD(500))
    env.close()
    return gw, alice, bob, USD


def test_placed_offer_metadata_matches_the_xrpl_example() -> None:
    """offer_created.json: an offer placed without crossing, into an existing book directory.
    The Offer is a CreatedNode with Account, BookDirectory, Expiration, Flags, Sequence,
    TakerGets, TakerPays (BookNode / OwnerNode are 0, so absent); the book directory and the
    owner directory are ModifiedNodes; the AccountRoot shows Balance, OwnerCount, Sequence."""
    env = Env(check_signatures=False)
    _gw, _alice, bob, USD = _market(env)
    # bob's offer creates the book directory at this quality, and both owner directories exist.
    env.offer(bob, USD(10), XRP(30))
    meta = _meta_of_next(env, lambda: env.offer(bob, USD(20), XRP(60), Expiration=env.ledger.close_time + 10000, flags=tfSell))
    fixture = _fixture("offer_created.json")["meta"]
    for entry_type in ("Offer", "AccountRoot", "DirectoryNode"):
        assert _shapes(meta, entry_type) == _shapes(fixture, entry_type), entry_type
    created = next(n["CreatedNode"] for n in meta["AffectedNodes"] if "CreatedNode" in n)
    assert created["NewFields"]["Flags"] == 0x00020000  # lsfSell, as in the example


def test_cancelled_offer_metadata_matches_the_xrpl_example() -> None:
    """offer_cancelled.json: the Offer is a DeletedNode with its FinalFields (threading fields
    included, no PreviousFields); its book directory, left empty, is a DeletedNode; the owner
    directory a ModifiedNode; the AccountRoot loses one OwnerCount."""
    env = Env(check_signatures=False)
    _gw, alice, _bob, USD = _market(env)
    seq = env.seq(alice)
    env.offer(alice, XRP(100), USD(10))
    meta = _meta_of_next(env, lambda: offer_cancel(env, alice, seq))
    fixture = _fixture("offer_cancelled.json")["meta"]
    for entry_type in ("Offer", "AccountRoot", "DirectoryNode"):
        assert _shapes(meta, entry_type) == _shapes(fixture, entry_type), entry_type


def test_crossed_offers_metadata_matches_the_xrpl_example() -> None:
    """offer_partially_filled_and_filled.json: an immediate-or-cancel sell crosses one offer
    fully (a DeletedNode whose FinalFields show TakerGets / TakerPays at zero, PreviousFields
    the amounts before) and another partly (a ModifiedNode); the emptied book directory is a
    DeletedNode with the book's fields."""
    env = Env(check_signatures=False)
    _gw, alice, bob, USD = _market(env)
    carol = env.account("carol")
    env.fund(XRP(100000), carol)
    env.close()
    env.offer(bob, USD(10), XRP(100))  # best: 10 XRP per USD
    env.offer(carol, USD(10), XRP(90))  # worse: 9 XRP per USD
    env.close()
    # alice sells 15 USD: all of bob's offer, half of carol's.
    meta = _meta_of_next(env, lambda: env.offer(alice, XRP(100), USD(15), flags=tfSell | tfImmediateOrCancel))
    fixture = _fixture("offer_partially_filled_and_filled.json")["meta"]
    assert _shapes(meta, "Offer") == _shapes(fixture, "Offer")
    deleted_dirs = {s for s in _shapes(meta, "DirectoryNode") if s[0] == "DeletedNode"}
    assert deleted_dirs == {s for s in _shapes(fixture, "DirectoryNode") if s[0] == "DeletedNode"}
    deleted = next(n["DeletedNode"] for n in meta["AffectedNodes"] if n.get("DeletedNode", {}).get("LedgerEntryType") == "Offer")
    assert deleted["FinalFields"]["TakerGets"] == "0"
    assert deleted["FinalFields"]["TakerPays"]["value"] == "0"
    assert deleted["PreviousFields"]["TakerGets"] == "100000000"
    assert env.balance(carol, USD) == USD(5)
    assert env.balance(bob, USD) == USD(10)
