"""Standing path_find requests through the engine facade (rippled's PathRequest / PathRequests):
create, status, close, an answer pushed on every closed ledger, the search level moving."""

from __future__ import annotations

from typing import Any

import pytest

from bench.worlds import WorldBuilder, iou, xrp
from pathfinding.engine import PathfindingConfig, PathfindingEngine
from pathfinding.request import PathRequestError, SearchLevels
from xpay.codec import encode_account_id
from xpay.ledger import keylet
from xpay.ledger.ledger import Ledger
from xpay.protocol.ids import AccountID

CLIENT = "ws-1"


def _world() -> tuple[Ledger, dict[str, AccountID]]:
    b = WorldBuilder()
    who = {name: b.account(name, default_ripple=name.startswith("gw")) for name in ("gw1", "gw2", "src", "dst", "mm")}
    b.trust(who["src"], who["gw1"], "USD", "1000", "100")
    b.trust(who["dst"], who["gw2"], "EUR", "1000")
    return b.close(), who


def _create(who: dict[str, AccountID], **extra: Any) -> dict[str, Any]:
    return {
        "subcommand": "create",
        "source_account": encode_account_id(who["src"]),
        "destination_account": encode_account_id(who["dst"]),
        "destination_amount": {"currency": "EUR", "issuer": encode_account_id(who["dst"]), "value": "10"},
        **extra,
    }


def _add_book(ledger: Ledger, who: dict[str, AccountID]) -> Ledger:
    """A market maker starts selling gw2's EUR for gw1's USD: src -> gw1 -> book -> gw2 -> dst
    (the shape "safad", search level 3)."""
    b = WorldBuilder(base=ledger)
    b.trust(who["mm"], who["gw1"], "USD", "1000")
    b.trust(who["mm"], who["gw2"], "EUR", "1000", "500")
    b.offer(who["mm"], iou("USD", who["gw1"], 120), iou("EUR", who["gw2"], 100))
    return b.close()


def _next(ledger: Ledger) -> Ledger:
    """The next ledger, with nothing the request cares about changed."""
    return WorldBuilder(base=ledger).close()


def test_create_answers_fast_then_each_ledger_pushes_a_full_answer() -> None:
    ledger, who = _world()
    ledger = _add_book(ledger, who)
    engine = PathfindingEngine(ledger, PathfindingConfig(levels=SearchLevels(fast=3, normal=3, max=5)))
    first = engine.path_find(CLIENT, _create(who, id=7))
    assert first["full_reply"] is False and first["id"] == 7
    assert len(first["alternatives"]) == 1
    assert "destination_currencies" not in first  # only ripple_path_find lists them
    assert engine.standing_requests == 1

    # The full answer on the same ledger, as rippled pushes it right after the quick one...
    _done, pushes = engine.update(ledger)
    assert [(client, message["type"], message["full_reply"]) for client, message in pushes] == [(CLIENT, "path_find", True)]
    # ...and not again until the next ledger.
    assert engine.update(ledger)[1] == []
    update, pushes = engine.update(_next(ledger))
    assert update.ledger_seq == ledger.seq + 1
    ((client, message),) = pushes
    assert client == CLIENT and message["alternatives"] == first["alternatives"] and message["id"] == 7

    status = engine.path_find(CLIENT, {"subcommand": "status"})
    assert status["status"] == "success" and status["alternatives"] == first["alternatives"]
    closed = engine.path_find(CLIENT, {"subcommand": "close"})
    assert closed["closed"] is True
    assert engine.standing_requests == 0
    for subcommand in ("status", "close"):
        with pytest.raises(PathRequestError) as caught:
            engine.path_find(CLIENT, {"subcommand": subcommand})
        assert caught.value.token == "noPathRequest"
    assert engine.update(_next(ledger))[1] == []


def test_a_request_that_finds_nothing_searches_deeper_each_ledger() -> None:
    """Levels 3 / 4 / 6: the only route bridges through XRP (src -> gw1 -> book to XRP -> book
    to EUR -> gw2 -> dst, the shape "saxfd", level 5), reached on the second full answer; once
    found it is kept (as an extra candidate) when the level comes back down to 4."""
    ledger, who = _world()
    b = WorldBuilder(base=ledger)
    b.trust(who["mm"], who["gw1"], "USD", "1000")
    b.trust(who["mm"], who["gw2"], "EUR", "1000", "500")
    b.offer(who["mm"], iou("USD", who["gw1"], 100), xrp(200))
    b.offer(who["mm"], xrp(200), iou("EUR", who["gw2"], 100))
    ledger = b.close()
    engine = PathfindingEngine(ledger, PathfindingConfig(levels=SearchLevels(fast=3, normal=4, max=6)))
    # From USD only (from XRP, one book would do at level 1).
    assert engine.path_find(CLIENT, _create(who, source_currencies=[{"currency": "USD"}]))["alternatives"] == []
    found = []
    for _ in range(4):
        ledger = _next(ledger)
        ((_client, message),) = engine.update(ledger)[1]
        found.append(len(message["alternatives"]))
    assert found == [0, 1, 1, 1]


def test_search_level_sets_a_requests_normal_depth() -> None:
    """xpay's search_level on a path_find: the first full answer already searches at level 5."""
    ledger, who = _world()
    b = WorldBuilder(base=ledger)
    b.trust(who["mm"], who["gw1"], "USD", "1000")
    b.trust(who["mm"], who["gw2"], "EUR", "1000", "500")
    b.offer(who["mm"], iou("USD", who["gw1"], 100), xrp(200))
    b.offer(who["mm"], xrp(200), iou("EUR", who["gw2"], 100))
    ledger = b.close()
    engine = PathfindingEngine(ledger, PathfindingConfig(levels=SearchLevels(fast=3, normal=4, max=6)))
    create = _create(who, source_currencies=[{"currency": "USD"}], search_level=5)
    assert engine.path_find(CLIENT, create)["alternatives"] == []  # the quick answer stays shallow
    ((_client, message),) = engine.update(_next(ledger))[1]
    assert len(message["alternatives"]) == 1


def test_a_path_that_appears_is_pushed_on_the_next_ledger() -> None:
    ledger, who = _world()
    engine = PathfindingEngine(ledger, PathfindingConfig(levels=SearchLevels(fast=3, normal=3, max=5)))
    assert engine.path_find(CLIENT, _create(who))["alternatives"] == []
    ((_client, message),) = engine.update(_add_book(ledger, who))[1]
    assert len(message["alternatives"]) == 1
    assert message["alternatives"][0]["source_amount"]["value"] == "12"


def test_bad_create_leaves_no_request_and_replaces_nothing() -> None:
    ledger, who = _world()
    engine = PathfindingEngine(ledger)
    with pytest.raises(PathRequestError) as caught:
        engine.path_find(CLIENT, _create(who, destination_amount="0"))
    assert caught.value.token == "dstAmtMalformed"
    assert engine.standing_requests == 0
    engine.path_find(CLIENT, _create(who))
    engine.path_find(CLIENT, _create(who, id="second"))
    assert engine.standing_requests == 1  # one per client: the new one replaced the old
    assert engine.path_find(CLIENT, {"subcommand": "status"})["id"] == "second"


def test_a_client_that_goes_away_gets_nothing_more() -> None:
    ledger, who = _world()
    engine = PathfindingEngine(ledger)
    engine.path_find(CLIENT, _create(who))
    engine.path_find("ws-2", _create(who))
    engine.forget(CLIENT)
    assert [client for client, _ in engine.update(_next(ledger))[1]] == ["ws-2"]


def test_a_request_whose_sender_disappears_gets_rippleds_error() -> None:
    ledger, who = _world()
    engine = PathfindingEngine(ledger)
    engine.path_find(CLIENT, _create(who, id=1))
    b = WorldBuilder(base=ledger)
    root = b.sb.read(keylet.account(who["src"]))
    assert root is not None
    b.sb.erase(root)
    ((_client, message),) = engine.update(b.close())[1]
    assert message == {"error": "srcActNotFound", "id": 1, "type": "path_find"}


def test_ripple_path_find_on_a_named_older_ledger() -> None:
    """A request naming a ledger other than the latest is answered on that ledger."""
    ledger, who = _world()
    newer = _add_book(ledger, who)
    engine = PathfindingEngine(newer, PathfindingConfig(levels=SearchLevels(3, 3, 5)))
    params = {k: v for k, v in _create(who).items() if k != "subcommand"}
    assert len(engine.ripple_path_find(params)["alternatives"]) == 1
    assert engine.ripple_path_find(params, ledger=ledger)["alternatives"] == []
    assert engine.index.ledger is newer
