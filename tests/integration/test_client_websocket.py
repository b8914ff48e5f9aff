"""The SDK over one WebSocket against a real `xpay standalone` process: requests by id,
subscriptions (ledger closes, an account's transactions, a book), reliable submission following
the ledger stream, a slow consumer cut off, and reconnection when the node restarts.

Nothing sleeps: every wait is on a stream message or an answer (the node closes a ledger every
0.1 s).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest

import tests.support.node_process as node_process
from tests.support.node_process import GENESIS, NodeProcess
from tests.support.ports import free_port
from xpay.client import (
    XRP,
    AccountSet,
    AccountSetAsfFlag,
    Backoff,
    Book,
    BookOffer,
    ClientError,
    ConnectionLost,
    OfferCreate,
    Payment,
    RPCError,
    SubscriptionOverflow,
    TrustSet,
    Wallet,
    WebSocketClient,
    iou,
    issue,
    xrp,
)

pytestmark = pytest.mark.integration

GENESIS_WALLET = Wallet.from_seed(GENESIS.seed)
FAST = Backoff(initial=0.02, maximum=0.2)


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    process = NodeProcess(tmp_path_factory.mktemp("client-ws") / "node", close_interval=0.1)
    process.start()
    yield process
    if process.process is not None:
        assert process.stop() == 0


@pytest.fixture
async def ws(node: NodeProcess) -> AsyncIterator[WebSocketClient]:
    async with WebSocketClient(node.ws_url, backoff=FAST) as client:
        yield client


async def fund(ws: WebSocketClient, *wallets: Wallet) -> None:
    for wallet in wallets:
        await ws.submit_and_wait(
            Payment(account=GENESIS_WALLET.address, destination=wallet.address, amount=xrp(10_000)), GENESIS_WALLET)


async def test_a_ledger_subscription_sees_ledgers_close(ws: WebSocketClient) -> None:
    async with ws.ledger_closes() as ledgers:
        latest = ledgers.initial["ledger_index"]
        seen = []
        async for ledger in ledgers:
            seen.append(ledger)
            if len(seen) == 3:
                break
    assert [ledger.ledger_index for ledger in seen] == [latest + 1, latest + 2, latest + 3]
    assert all(ledger.fee_base == 10 and len(ledger.ledger_hash) == 64 for ledger in seen)
    assert ws.connected and ws.reconnections == 0


async def test_an_account_subscription_sees_that_accounts_transactions_and_no_others(ws: WebSocketClient) -> None:
    alice, bob = Wallet.generate(), Wallet.generate()
    await fund(ws, alice, bob)
    async with ws.account_transactions(alice.address) as alices:
        other = await ws.submit_and_wait(
            Payment(account=bob.address, destination=GENESIS_WALLET.address, amount=xrp(1)), bob)
        mine = await ws.submit_and_wait(
            Payment(account=GENESIS_WALLET.address, destination=alice.address, amount=xrp(5)), GENESIS_WALLET)
        event = await anext(alices)
    assert event.hash == mine.hash != other.hash
    assert event.validated and event.engine_result == "tesSUCCESS" and event.ledger_index == mine.ledger_index
    assert event.delivered_amount == xrp(5)
    assert event.tx_json["Destination"] == alice.address


async def test_a_book_subscription_sees_offers_in_its_book_only(ws: WebSocketClient) -> None:
    maker = Wallet.generate()
    gateway = Wallet.generate()
    await fund(ws, maker, gateway)
    await ws.submit_and_wait(AccountSet(account=gateway.address, set_flag=AccountSetAsfFlag.asfDefaultRipple), gateway)
    for currency in ("USD", "JPY"):
        await ws.submit_and_wait(TrustSet(account=maker.address, limit_amount=iou("1000", currency, gateway.address)),
                                 maker)
        await ws.submit_and_wait(
            Payment(account=gateway.address, destination=maker.address, amount=iou("500", currency, gateway.address)),
            gateway)
    usd_book = Book(issue("USD", gateway.address), XRP)
    async with ws.book_changes(usd_book) as changes, ws.book_changes(Book(XRP, issue("USD", gateway.address),
                                                                          both=True)) as both_ways:
        elsewhere = await ws.submit_and_wait(
            OfferCreate(account=maker.address, taker_gets=iou("10", "JPY", gateway.address), taker_pays=xrp(1)), maker)
        placed = await ws.submit_and_wait(
            OfferCreate(account=maker.address, taker_gets=iou("10", "USD", gateway.address), taker_pays=xrp(20)), maker)
        event = await anext(changes)
        reverse = await anext(both_ways)
    assert event.hash == placed.hash != elsewhere.hash
    assert reverse.hash == placed.hash, "`both` follows the reverse book too"
    assert event.transaction_type == "OfferCreate"
    snapshot = Book(issue("USD", gateway.address), XRP, snapshot=True)
    async with ws.book_changes(snapshot) as with_offers:
        offers = [BookOffer.from_json(offer) for offer in with_offers.initial["offers"]]
    assert [(offer.account, offer.sequence) for offer in offers] == [(maker.address, placed.tx_json["Sequence"])]


async def test_submit_and_wait_follows_the_ledger_stream(ws: WebSocketClient) -> None:
    alice = Wallet.generate()
    record = await ws.submit_and_wait(
        Payment(account=GENESIS_WALLET.address, destination=alice.address, amount=xrp(100)), GENESIS_WALLET)
    assert record.validated and record.succeeded
    assert (await ws.account_info(alice.address, ledger_index="validated")).balance == xrp(100)


async def test_many_requests_in_flight_on_one_socket_get_their_own_answers(ws: WebSocketClient) -> None:
    strangers = [Wallet.generate().address for _ in range(20)]

    async def ask(address: str) -> str:
        try:
            return (await ws.account_info(address)).account
        except RPCError as error:
            return f"{error.name}:{error.result['request']['account']}"

    answers = await asyncio.gather(
        ask(GENESIS_WALLET.address), *(ask(address) for address in strangers), ws.fee(), ws.server_info()
    )
    assert answers[0] == GENESIS_WALLET.address
    assert answers[1:21] == [f"actNotFound:{address}" for address in strangers]
    assert answers[21].base_fee == 10  # type: ignore[attr-defined]


async def test_a_consumer_that_falls_behind_is_cut_off_with_subscription_overflow(node: NodeProcess) -> None:
    async with WebSocketClient(node.ws_url, subscription_queue=2) as ws:
        async with ws.ledger_closes() as slow, ws.ledger_closes() as fast:
            for _ in range(4):
                await anext(fast)
            with pytest.raises(SubscriptionOverflow):
                await anext(slow)
            with pytest.raises(SubscriptionOverflow):
                await anext(slow)
            await anext(fast)  # the other subscription carries on
        with pytest.raises(ClientError, match="entered once"):
            async with slow:
                pass


async def test_after_the_node_restarts_the_client_reconnects_and_resubscribes(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    restarting = NodeProcess(tmp_path_factory.mktemp("client-ws-restart") / "node", close_interval=0.1)
    restarting.start()
    try:
        async with WebSocketClient(restarting.ws_url, backoff=FAST) as ws:
            alice = Wallet.generate()
            async with ws.ledger_closes() as ledgers, ws.account_transactions(alice.address) as alices:
                before = await anext(ledgers)
                assert restarting.stop() == 0
                # Same port, same data directory: the node resumes its chain where it stopped.
                monkeypatch.setattr(node_process, "free_port", lambda: restarting.port)
                restarting.start()
                after = await anext(ledgers)
                assert after.ledger_index > before.ledger_index
                assert ws.reconnections == 1 and ledgers.reconnections == 1
                record = await ws.submit_and_wait(
                    Payment(account=GENESIS_WALLET.address, destination=alice.address, amount=xrp(50)),
                    GENESIS_WALLET)
                assert (await anext(alices)).hash == record.hash, "the account stream was resubscribed"
            assert (await ws.server_info()).validated_ledger_index >= record.ledger_index  # type: ignore[operator]
    finally:
        if restarting.process is not None:
            restarting.stop()


async def test_a_node_that_is_not_there_is_connection_lost() -> None:
    with pytest.raises(ConnectionLost):
        async with WebSocketClient(f"ws://127.0.0.1:{free_port()}/"):
            pass
    with pytest.raises(ClientError, match="async with"):
        await WebSocketClient("ws://127.0.0.1:1/").fee()


async def test_rpc_errors_over_websocket_carry_rippleds_names(ws: WebSocketClient) -> None:
    with pytest.raises(RPCError) as unknown:
        await ws.request("no_such_method")
    assert unknown.value.name == "unknownCmd" and unknown.value.code == 32
    with pytest.raises(RPCError) as missing:
        await ws.tx("00" * 32)
    assert missing.value.name == "txnNotFound"


async def test_closing_the_client_ends_its_subscriptions_and_it_can_be_opened_again(node: NodeProcess) -> None:
    ws = WebSocketClient(node.ws_url)
    async with ws:
        subscription = ws.ledger_closes()
        await subscription.__aenter__()
        await anext(subscription)
    with pytest.raises(StopAsyncIteration):
        await anext(subscription)
    await subscription.__aexit__(None, None, None)
    with pytest.raises(ClientError):
        await ws.fee()
    async with ws:
        assert (await ws.fee()).base_fee == 10
        async with ws.ledger_closes() as ledgers:
            assert (await anext(ledgers)).ledger_index > 0
