"""A validator's API: server_info reports consensus (server_state, validation_quorum,
last_close), the `validations`, `consensus` and `server` streams publish, and ledger_accept is
refused on a node that agrees with a network. One validator alone (a UNL of one: quorum one)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp

from tests.support.devnet import GENESIS, LedgerWatch, payment
from xpay.api.server import ApiConfig
from xpay.consensus import ConsensusParms
from xpay.crypto import KeyPair, NodeKey
from xpay.node.validator import ValidatorConfig, ValidatorNode
from xpay.overlay import Hub

KEY = NodeKey.from_entropy(b"v" * 16)


def _config(tmp_path: Path) -> ValidatorConfig:
    return ValidatorConfig(
        data_dir=tmp_path / "v",
        node_seed=KEY.seed,
        unl=(KEY.node_public,),
        genesis_account=GENESIS.address,
        api=ApiConfig(port=0),
        parms=ConsensusParms(
            close_interval_ms=100,
            idle_interval_ms=100,
            ledger_min_consensus_ms=50,
            ledger_max_consensus_ms=200,
            ledger_max_pause_ms=400,
        ),
        listen=0.0,
    )


async def _rpc(session: aiohttp.ClientSession, url: str, method: str, **params: Any) -> dict[str, Any]:
    async with session.post(url, json={"method": method, "params": [params]}) as response:
        body: dict[str, Any] = await response.json()
    return body["result"]


async def test_streams_and_server_info_of_a_lone_validator(tmp_path: Path) -> None:
    async with ValidatorNode(_config(tmp_path), hub=Hub()) as node, aiohttp.ClientSession() as session:
        port = node.endpoints().port
        url = f"http://127.0.0.1:{port}/"
        async with session.ws_connect(url) as ws:
            await ws.send_str(json.dumps({"id": 1, "command": "subscribe", "streams": ["validations", "consensus", "server"]}))
            seen: dict[str, list[dict[str, Any]]] = {}
            async for frame in ws:
                message = json.loads(frame.data)
                seen.setdefault(message["type"], []).append(message)
                if len(seen.get("validationReceived", [])) >= 2 and len(seen.get("consensusPhase", [])) >= 3:
                    break
        validation = seen["validationReceived"][-1]
        assert validation["validation_public_key"] == KEY.node_public
        assert validation["full"] is True and validation["flags"] == 1
        assert int(validation["ledger_index"]) >= 2 and len(validation["ledger_hash"]) == 64
        assert validation["network_id"] == node.config.network_id
        phases = [m["consensus"] for m in seen["consensusPhase"]]
        assert set(phases) <= {"open", "establish", "accepted"} and len(set(phases)) >= 2
        assert seen["response"][0]["status"] == "success"

        info = (await _rpc(session, url, "server_info"))["info"]
        assert info["validation_quorum"] == 1
        assert info["server_state"] in ("proposing", "full")
        assert info["pubkey_node"] == KEY.node_public
        assert info["peers"] == 0 and "standalone" not in info
        assert info["last_close"]["proposers"] == 0 and info["last_close"]["converge_time_s"] > 0

        refused = await _rpc(session, url, "ledger_accept")
        assert refused["error"] == "notStandAlone"


async def test_a_payment_submitted_over_the_api_is_relayed_and_validated(tmp_path: Path) -> None:
    dave = KeyPair.from_entropy(b"dave-dave-dave-d")
    async with ValidatorNode(_config(tmp_path), hub=Hub()) as node, aiohttp.ClientSession() as session:
        watch = LedgerWatch()
        watch.watch(0, node)
        url = f"http://127.0.0.1:{node.endpoints().port}/"
        blob, tx_hash = payment(GENESIS, dave.address, 40_000_000, 1)
        answer = await _rpc(session, url, "submit", tx_blob=blob.hex())
        assert answer["engine_result"] == "tesSUCCESS"
        await watch.until(lambda: bytes.fromhex(tx_hash) in watch.validated_txs[0])
        assert node.relay.stats.relayed == 1  # handed to peers once (there are none to hear it)
        tx = await _rpc(session, url, "tx", transaction=tx_hash)
        assert tx["validated"] is True
        watch.close()
