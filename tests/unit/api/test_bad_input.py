"""Bad input gets rippled's error — never "internal", never a changed ledger.

Every request below is wrong in its own way; each must answer the named error, and after all of
them the closed, validated and open ledgers must be exactly as before. Transport-level bad input
(bodies that are not JSON, oversized requests) is covered over real sockets in
tests/integration/test_standalone_api.py.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tests.support.node_process import GENESIS, NETWORK_ID, in_process_node, payment, sign
from tests.unit.api.scenario import ALICE, BOB, GW, Scenario, scenario
from xpay.api.dispatch import execute
from xpay.api.subscriptions import Subscriptions
from xpay.crypto import sign_transaction
from xpay.ledger.entries import Entry

A, B, G = ALICE.address, BOB.address, GW.address
PAY = {"TransactionType": "Payment", "Account": A, "Destination": B, "Amount": "1000"}

# (method, params, admin, expected error token)
BAD_REQUESTS: list[tuple[Any, dict[str, Any], bool, str]] = [
    ("no_such_method", {}, False, "unknownCmd"),
    (5, {}, False, "unknownCmd"),
    ("account_info", {}, False, "invalidParams"),
    ("account_info", {"account": 42}, False, "invalidParams"),
    ("account_info", {"account": "rNotAnAddress"}, False, "actMalformed"),
    ("account_info", {"account": A, "ledger_index": "bogus"}, False, "invalidParams"),
    ("account_info", {"account": A, "ledger_index": -5}, False, "invalidParams"),
    ("account_info", {"account": A, "ledger_index": "²"}, False, "invalidParams"),
    ("account_info", {"account": A, "ledger_index": 10**30}, False, "invalidParams"),
    ("account_info", {"account": A, "ledger_index": "9" * 40}, False, "invalidParams"),
    ("account_info", {"account": A, "ledger_index": 4_000_000_000}, False, "lgrNotFound"),
    ("account_tx", {"account": A, "marker": {"ledger": 10**30, "seq": 0}}, False, "invalidParams"),
    ("account_tx", {"account": A, "ledger_index_min": 10**30}, False, "lgrIdxsInvalid"),
    ("account_info", {"account": A, "ledger_hash": 123}, False, "invalidParams"),
    ("account_info", {"account": A, "ledger_hash": "ZZ" * 32}, False, "invalidParams"),
    ("account_info", {"account": A, "ledger_hash": "00" * 32}, False, "lgrNotFound"),
    ("account_info", {"account": A, "ledger_index": 1}, False, "actNotFound"),
    ("account_info", {"account": A, "api_version": 7}, False, "invalid_API_version"),
    ("account_info", {"account": A, "api_version": "2"}, False, "invalid_API_version"),
    ("account_info", {"account": A, "signer_lists": "yes"}, False, "invalidParams"),
    ("account_lines", {"account": A, "limit": -1}, False, "invalidParams"),
    ("account_lines", {"account": A, "limit": "ten"}, False, "invalidParams"),
    ("account_lines", {"account": A, "limit": True}, False, "invalidParams"),
    ("account_lines", {"account": A, "limit": 1.5}, False, "invalidParams"),
    ("account_lines", {"account": A, "marker": 5}, False, "invalidParams"),
    ("account_lines", {"account": A, "marker": "garbage"}, False, "invalidParams"),
    ("account_lines", {"account": A, "marker": "00" * 32 + ",0"}, False, "invalidParams"),
    ("account_lines", {"account": A, "peer": "xyz"}, False, "actMalformed"),
    ("account_objects", {"account": A, "type": 3}, False, "invalidParams"),
    ("account_objects", {"account": A, "type": "bogus"}, False, "invalidParams"),
    ("account_tx", {"account": A, "marker": {"ledger": "x", "seq": 0}}, False, "invalidParams"),
    ("account_tx", {"account": A, "marker": "abc"}, False, "invalidParams"),
    ("account_tx", {"account": A, "ledger_index_min": 5, "ledger_index_max": 2}, False, "lgrIdxsInvalid"),
    ("account_tx", {"account": A, "ledger_index_min": 5, "ledger_index_max": 2, "api_version": 2}, False, "invalidLgrRange"),
    ("account_tx", {"account": A, "ledger_index_max": 999, "api_version": 2}, False, "lgrIdxMalformed"),
    ("account_tx", {"account": A, "ledger_index_min": "1"}, False, "invalidParams"),
    ("account_tx", {"account": A, "forward": "yes"}, False, "invalidParams"),
    ("account_tx", {"account": A, "ledger_index": "current"}, False, "lgrNotValidated"),
    ("account_tx", {"account": "nobody"}, False, "actMalformed"),
    ("ledger", {"ledger_index": {}}, False, "invalidParams"),
    ("ledger", {"transactions": "yes"}, False, "invalidParams"),
    ("ledger", {"accounts": True}, False, "noPermission"),
    ("ledger_entry", {}, False, "invalidParams"),
    ("ledger_entry", {"index": "12"}, False, "invalidParams"),
    ("ledger_entry", {"index": "GG" * 32}, False, "invalidParams"),
    ("ledger_entry", {"account_root": "nope"}, False, "invalidParams"),
    ("ledger_entry", {"ripple_state": "x"}, False, "invalidParams"),
    ("ledger_entry", {"ripple_state": {"accounts": [A, A], "currency": "USD"}}, False, "invalidParams"),
    ("ledger_entry", {"ripple_state": {"accounts": [A, G], "currency": "US"}}, False, "invalidParams"),
    ("ledger_entry", {"ripple_state": {"accounts": [A], "currency": "USD"}}, False, "invalidParams"),
    ("ledger_entry", {"offer": {"account": A, "seq": -1}}, False, "invalidParams"),
    ("ledger_entry", {"directory": {"sub_index": 1}}, False, "invalidParams"),
    ("ledger_entry", {"offer": {"account": A, "seq": 1}}, False, "entryNotFound"),
    ("tx", {}, False, "invalidParams"),
    ("tx", {"transaction": 5}, False, "notImpl"),
    ("tx", {"transaction": "00" * 32, "ctid": "C000000100000001"}, False, "invalidParams"),
    ("tx", {"ctid": "nope"}, False, "invalidParams"),
    ("tx", {"ctid": "C000000100005359"}, False, "txnNotFound"),
    ("tx", {"ctid": "C000000100000001"}, False, "wrongNetwork"),
    ("tx", {"transaction": "00" * 32, "min_ledger": 5, "max_ledger": 1}, False, "invalidLgrRange"),
    ("tx", {"transaction": "00" * 32, "min_ledger": 1, "max_ledger": 5000}, False, "excessiveLgrRange"),
    ("submit", {}, False, "noPermission"),
    ("submit", {"tx_blob": 5}, False, "invalidParams"),
    ("submit", {"tx_blob": "zz"}, False, "invalidParams"),
    ("submit", {"tx_blob": ""}, False, "invalidParams"),
    ("submit", {"tx_blob": "DEADBEEF"}, False, "invalidTransaction"),
    ("submit", {"tx_blob": "12000022800000002400000001"}, False, "invalidTransaction"),
    ("submit", {"tx_json": "x", "secret": ALICE.seed}, True, "invalidParams"),
    ("submit", {"tx_json": PAY}, True, "invalidParams"),
    ("sign", {"tx_json": PAY, "secret": ALICE.seed}, False, "noPermission"),
    ("sign", {"secret": ALICE.seed}, True, "invalidParams"),
    ("sign", {"tx_json": {"TransactionType": "Payment"}, "secret": ALICE.seed}, True, "srcActMissing"),
    ("sign", {"tx_json": {**PAY, "Account": "bad"}, "secret": ALICE.seed}, True, "srcActMalformed"),
    ("sign", {"tx_json": {**PAY, "Amount": {"value": "1"}}, "secret": ALICE.seed}, True, "invalidParams"),
    ("sign", {"tx_json": {**PAY, "TransactionType": "NoSuchType"}, "secret": ALICE.seed}, True, "invalidParams"),
    ("sign", {"tx_json": PAY, "secret": ALICE.seed, "key_type": "secp256k1"}, True, "badKeyType"),
    ("sign", {"tx_json": PAY, "secret": 5}, True, "invalidParams"),
    ("sign", {"tx_json": PAY, "secret": ALICE.seed, "seed": ALICE.seed}, True, "invalidParams"),
    ("wallet_propose", {"seed": 5}, True, "invalidParams"),
    ("wallet_propose", {"seed_hex": "zz"}, True, "badSeed"),
    ("wallet_propose", {"seed": "sNotASeed"}, True, "badSeed"),
    ("gateway_balances", {"account": G, "hotwallet": [5]}, False, "invalidHotWallet"),
    ("noripple_check", {"account": A, "role": "king"}, False, "invalidParams"),
    ("noripple_check", {"account": A, "role": "user", "limit": "x"}, False, "invalidParams"),
    ("subscribe", {"streams": ["ledger"]}, False, "noEvents"),
    ("stop", {}, False, "noPermission"),
    ("ledger_accept", {}, False, "noPermission"),
]


def _snapshot(s: Scenario) -> tuple[bytes, bytes, dict[bytes, Entry | None], list[bytes]]:
    master = s.node.master
    return (
        master.closed_ledger.hash,
        master.validated_ledger.hash,
        dict(master.open.view.items),
        [tx.id for tx in master.open.transactions()],
    )


async def test_every_bad_request_gets_its_error_and_changes_nothing(tmp_path: Path) -> None:
    async with scenario(tmp_path) as s:
        before = _snapshot(s)
        seen: list[tuple[Any, str]] = []
        for method, params, admin, expected in BAD_REQUESTS:
            ok, result = await s.call(method, admin=admin, **params)
            assert not ok, (method, params, result)
            seen.append((method, result["error"]))
            assert result["error"] == expected, (method, params, result)
            assert "error_message" in result or result["error"] == "invalidTransaction"
            if result["error"] == "invalidTransaction":
                assert result["error_exception"]
        assert _snapshot(s) == before
        assert all(token != "internal" for _, token in seen)


async def test_transactions_the_engine_refuses_leave_the_ledger_alone(tmp_path: Path) -> None:
    async with scenario(tmp_path) as s:
        before = _snapshot(s)
        wrong_network, _ = sign({**PAY, "Fee": "10", "Sequence": 4, "NetworkID": NETWORK_ID + 1}, ALICE)
        missing_id, _ = sign_transaction({**PAY, "Fee": "10", "Sequence": 4}, ALICE)
        past, _ = payment(ALICE, B, "1000", 1)
        low_fee, _ = payment(ALICE, B, "1000", 4, fee=1)
        too_much, _ = payment(ALICE, B, str(10**17), 4)
        expected = {
            wrong_network: "telWRONG_NETWORK",
            missing_id: "telREQUIRES_NETWORK_ID",
            past: "tefPAST_SEQ",
            low_fee: "telINSUF_FEE_P",
            too_much: "tecUNFUNDED_PAYMENT",
        }
        for blob, token in expected.items():
            result = await s.ok("submit", tx_blob=blob)
            assert result["engine_result"] == token, result
            assert result["applied"] is (token.startswith("tec"))
        after = _snapshot(s)
        assert after[:2] == before[:2]
        # Only the tec claimed its fee in the open ledger; everything else left no trace.
        assert len(after[3]) == len(before[3]) + 1


async def test_a_full_command_queue_answers_too_busy(tmp_path: Path) -> None:
    async with in_process_node(tmp_path, command_queue_size=1) as node:
        subscriptions = Subscriptions(lambda: node.service.info)
        first, second = (payment(GENESIS, who.address, "30000000", seq)[0] for seq, who in ((1, ALICE), (2, BOB)))
        answers = await asyncio.gather(
            execute(node.service, subscriptions, "submit", {"tx_blob": first}, admin=False),
            execute(node.service, subscriptions, "submit", {"tx_blob": second}, admin=False),
        )
        assert answers[0][0] and answers[0][1]["engine_result"] == "tesSUCCESS"
        assert answers[1] == (False, {"error": "tooBusy", "error_code": 9, "error_message": "The server is too busy to help you now."})
        assert len(node.master.open.transactions()) == 1
