"""Load shedding over the API: beyond the open ledger's cap a submission is answered terQUEUED
(accepted, queued, not applied), beyond the queue telCAN_NOT_QUEUE_FULL (not accepted), in
rippled's submit envelope."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.support.node_process import GENESIS, in_process_node, keypair, payment
from xpay.api.server import ApiConfig

pytestmark = pytest.mark.integration


async def _submit(http: aiohttp.ClientSession, url: str, blob: str) -> dict[str, Any]:
    body = {"method": "submit", "params": [{"tx_blob": blob}]}
    async with http.post(url, data=json.dumps(body)) as response:
        assert response.status == 200
        result: dict[str, Any] = json.loads(await response.read())["result"]
        return result


async def test_submit_answers_queued_then_queue_full_by_name(tmp_path: Path) -> None:
    names = ("alice", "bob", "carol")
    blobs = [payment(GENESIS, keypair(name).address, "50000000", seq)[0] for seq, name in enumerate(names, 1)]
    async with (
        in_process_node(
            tmp_path, api=ApiConfig(port=0), max_ledger_transactions=1, max_queued_transactions=1
        ) as node,
        aiohttp.ClientSession() as http,
    ):
        url = node.endpoints().json_rpc
        applied, queued, refused = [await _submit(http, url, blob) for blob in blobs]
        assert applied["engine_result"] == "tesSUCCESS" and applied["applied"] is True
        assert queued["status"] == "success"
        assert queued["engine_result"] == "terQUEUED" and queued["engine_result_code"] == -89
        assert queued["accepted"] is True and queued["queued"] is True and queued["applied"] is False
        assert refused["status"] == "success"
        assert refused["engine_result"] == "telCAN_NOT_QUEUE_FULL"
        assert refused["engine_result_message"] == "Can not queue at this time: queue is full."
        assert refused["accepted"] is False and refused["applied"] is False and refused["queued"] is False
        # Nothing changed: the open ledger holds the first payment only (the queued one waits).
        body = {"method": "account_info", "params": [{"account": GENESIS.address, "ledger_index": "current"}]}
        async with http.post(url, data=json.dumps(body)) as response:
            info = json.loads(await response.read())["result"]
        assert info["account_data"]["Sequence"] == 2
        # Later the same blob is taken: the queued one moved into the next open ledger.
        await node.service.ledger_accept()
        await node.service.ledger_accept()
        again = await _submit(http, url, blobs[2])
        assert again["engine_result"] == "tesSUCCESS"
