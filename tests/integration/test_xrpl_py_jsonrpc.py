"""xrpl-py, an XRPL client library, drives a real `xpay standalone` node over JSON-RPC with its
own autofill, signing and submit: funding accounts, trust lines, issuing and rippling IOUs, and
reading everything back through its own request models and helpers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from xrpl.account import does_account_exist, get_balance, get_next_valid_seq_number
from xrpl.clients import JsonRpcClient
from xrpl.ledger import (
    get_fee,
    get_latest_open_ledger_sequence,
    get_latest_validated_ledger_sequence,
)
from xrpl.models.amounts import IssuedCurrencyAmount
from xrpl.models.requests import (
    AccountInfo,
    AccountLines,
    AccountObjects,
    AccountTx,
    GatewayBalances,
    GenericRequest,
    Ledger,
    LedgerEntry,
    ServerInfo,
    Tx,
)
from xrpl.models.transactions import AccountSet, AccountSetAsfFlag, Payment, TrustSet
from xrpl.models.transactions.transaction import Transaction
from xrpl.transaction import autofill_and_sign, submit, submit_and_wait
from xrpl.wallet import Wallet

from tests.support.node_process import GENESIS, NodeProcess, keypair

pytestmark = pytest.mark.integration


def _wallet(name: str) -> Wallet:
    """An xrpl-py wallet for one of the deterministic test accounts (same seed, same key)."""
    return Wallet.from_seed(keypair(name).seed)


@pytest.fixture
def node(tmp_path: Path) -> Iterator[NodeProcess]:
    process = NodeProcess(tmp_path / "node")
    process.start()
    yield process
    process.kill()


def _close(client: JsonRpcClient) -> None:
    assert client.request(GenericRequest(method="ledger_accept")).is_successful()


def _send(client: JsonRpcClient, tx: Transaction, wallet: Wallet) -> str:
    signed = autofill_and_sign(tx, client, wallet)
    result = submit(signed, client).result
    assert result["engine_result"] == "tesSUCCESS", result
    return signed.get_hash()


def _usd(gw: Wallet, value: str) -> IssuedCurrencyAmount:
    return IssuedCurrencyAmount(currency="USD", issuer=gw.classic_address, value=value)


def test_xrpl_py_funds_trusts_issues_ripples_and_reads_back(node: NodeProcess) -> None:
    client = JsonRpcClient(node.url)
    genesis = Wallet.from_seed(GENESIS.seed)
    alice, bob, gw = _wallet("alice"), _wallet("bob"), _wallet("gw")

    info = client.request(ServerInfo()).result["info"]
    assert info["network_id"] == 21337
    assert get_fee(client) == "10"
    assert get_latest_validated_ledger_sequence(client) == 1 and get_latest_open_ledger_sequence(client) == 2

    for wallet in (alice, bob, gw):
        _send(client, Payment(account=genesis.address, destination=wallet.address, amount="100000000"), genesis)
    _close(client)
    assert all(does_account_exist(w.address, client, ledger_index="validated") for w in (alice, bob, gw))
    assert get_balance(alice.address, client) == 100_000_000
    assert get_next_valid_seq_number(alice.address, client) == 2

    _send(client, AccountSet(account=gw.address, set_flag=AccountSetAsfFlag.ASF_DEFAULT_RIPPLE), gw)
    _close(client)
    _send(client, TrustSet(account=alice.address, limit_amount=_usd(gw, "1000")), alice)
    _send(client, TrustSet(account=bob.address, limit_amount=_usd(gw, "1000")), bob)
    _close(client)
    issue = _send(client, Payment(account=gw.address, destination=alice.address, amount=_usd(gw, "100")), gw)
    _close(client)
    ripple = _send(client, Payment(account=alice.address, destination=bob.address, amount=_usd(gw, "25")), alice)
    _close(client)

    lines = client.request(AccountLines(account=bob.address, ledger_index="validated")).result["lines"]
    assert [(line["account"], line["balance"], line["currency"]) for line in lines] == [(gw.address, "25", "USD")]
    gateway = client.request(GatewayBalances(account=gw.address, ledger_index="validated")).result
    assert gateway["obligations"] == {"USD": "100"}

    for tx_hash, delivered in ((issue, "100"), (ripple, "25")):
        found = client.request(Tx(transaction=tx_hash)).result
        assert found["validated"] is True and found["meta"]["TransactionResult"] == "tesSUCCESS"
        assert found["meta"]["delivered_amount"]["value"] == delivered

    history = client.request(AccountTx(account=alice.address)).result["transactions"]
    assert [t["hash"] for t in history[:2]] == [ripple, issue]

    root = client.request(AccountInfo(account=gw.address, ledger_index="validated")).result
    assert root["account_flags"]["defaultRipple"] is True
    objects = client.request(AccountObjects(account=gw.address)).result["account_objects"]
    assert len(objects) == 2 and {o["LedgerEntryType"] for o in objects} == {"RippleState"}
    entry = client.request(LedgerEntry(account_root=alice.address, ledger_index="validated")).result
    assert entry["node"]["Balance"] == str(100_000_000 - 2 * 10)
    ledger = client.request(Ledger(ledger_index="validated", transactions=True, expand=True)).result
    assert [t["hash"] for t in ledger["ledger"]["transactions"]] == [ripple]


def test_xrpl_py_submit_and_wait_on_a_node_that_closes_by_itself(tmp_path: Path) -> None:
    node = NodeProcess(tmp_path / "node", close_interval=0.2)
    node.start()
    try:
        client = JsonRpcClient(node.url)
        genesis = Wallet.from_seed(GENESIS.seed)
        alice = _wallet("alice")
        response = submit_and_wait(
            Payment(account=genesis.address, destination=alice.address, amount="50000000"), client, genesis
        )
        assert response.result["validated"] is True
        assert response.result["meta"]["TransactionResult"] == "tesSUCCESS"
        assert get_balance(alice.address, client) == 50_000_000
    finally:
        node.kill()
