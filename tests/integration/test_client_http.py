"""The SDK over HTTP JSON-RPC against a real `xpay standalone` process: funding, trust lines,
IOUs, offers, cross-currency payments, reliable submission and its failures, paging, typed errors.

The node closes a ledger every 0.1 s, so submit_and_wait has validated ledgers to follow; each
test makes its own accounts from the genesis account, so tests share the node but not state.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from tests.support.node_process import GENESIS, NETWORK_ID, NodeProcess
from tests.support.ports import free_port
from xpay.client import (
    XRP,
    AccountSet,
    AccountSetAsfFlag,
    Client,
    ClientError,
    ConnectionLost,
    InvalidInput,
    MalformedTransaction,
    OfferCancel,
    OfferCreate,
    OfferCreateFlag,
    Payment,
    PaymentFlag,
    RPCError,
    SetRegularKey,
    Transaction,
    TransactionExpired,
    TransactionFailed,
    TrustSet,
    Wallet,
    drops,
    iou,
    issue,
    xrp,
)
from xpay.protocol import flags as tf

pytestmark = pytest.mark.integration

GENESIS_WALLET = Wallet.from_seed(GENESIS.seed)


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    process = NodeProcess(tmp_path_factory.mktemp("client-http") / "node", close_interval=0.1)
    process.start()
    yield process
    assert process.stop() == 0


@pytest.fixture
async def client(node: NodeProcess) -> AsyncIterator[Client]:
    async with Client(node.url, poll_interval=0.02) as opened:
        yield opened


async def fund(client: Client, *wallets: Wallet, amount: str = "10000") -> None:
    """Pay each wallet from genesis, signed with consecutive sequences and waited for together."""
    template = await client.autofill(Payment(account=GENESIS_WALLET.address, destination=wallets[0].address,
                                             amount=xrp(amount)))
    assert template.sequence is not None
    signed = [
        GENESIS_WALLET.sign(template.with_fields(destination=wallet.address, sequence=template.sequence + i))
        for i, wallet in enumerate(wallets)
    ]
    async with asyncio.TaskGroup() as group:
        for transaction in signed:
            group.create_task(client.submit_and_wait(transaction))


async def gateway_with_holders(client: Client, currency: str, *holders: Wallet) -> Wallet:
    """A funded gateway with DefaultRipple, trusted for `currency` by every holder (funded)."""
    gateway = Wallet.generate()
    await fund(client, gateway, *holders)
    await client.submit_and_wait(AccountSet(account=gateway.address, set_flag=AccountSetAsfFlag.asfDefaultRipple),
                                 gateway)
    async with asyncio.TaskGroup() as group:
        for holder in holders:
            group.create_task(client.submit_and_wait(
                TrustSet(account=holder.address, limit_amount=iou("1000000", currency, gateway.address)), holder))
    return gateway


async def test_accounts_funded_from_genesis_trust_a_gateway_and_pay_each_other_its_iou(client: Client) -> None:
    alice, bob = Wallet.generate(), Wallet.generate()
    gateway = await gateway_with_holders(client, "USD", alice, bob)
    issued = await client.submit_and_wait(
        Payment(account=gateway.address, destination=alice.address, amount=iou("100", "USD", gateway.address)), gateway)
    assert issued.validated and issued.succeeded
    assert issued.delivered_amount == iou("100", "USD", gateway.address)

    paid = await client.submit_and_wait(
        Payment(account=alice.address, destination=bob.address, amount=iou("25.5", "USD", gateway.address)), alice)
    assert paid.validated and paid.engine_result == "tesSUCCESS"
    assert paid.ledger_index is not None and paid.ledger_index > issued.ledger_index  # type: ignore[operator]

    (alice_line,) = [line async for line in client.account_lines(alice.address, ledger_index="validated")]
    assert (alice_line.peer, alice_line.currency, alice_line.balance) == (gateway.address, "USD", Decimal("74.5"))
    assert alice_line.limit == Decimal("1000000")
    balances = await client.gateway_balances(gateway.address, ledger_index="validated")
    assert balances.obligations == {"USD": Decimal("100")}
    bob_info = await client.account_info(bob.address, ledger_index="validated")
    assert bob_info.owner_count == 1 and bob_info.balance == xrp("10000") - drops(12)


async def test_autofill_asks_the_node_for_fee_sequence_last_ledger_and_network(client: Client) -> None:
    alice = Wallet.generate()
    await fund(client, alice)
    before = await client.ledger_current()
    filled = await client.autofill(Payment(account=alice.address, destination=GENESIS_WALLET.address, amount=xrp(1)))
    after = await client.ledger_current()
    assert filled.fee == drops(12), "the 10-drop base fee with the 20 % cushion"
    assert filled.sequence == (await client.account_info(alice.address, ledger_index="current")).sequence
    assert filled.last_ledger_sequence is not None and before + 20 <= filled.last_ledger_sequence <= after + 20
    assert filled.network_id == NETWORK_ID
    given = Payment(account=alice.address, destination=GENESIS_WALLET.address, amount=xrp(1), fee=drops(50),
                    sequence=99, last_ledger_sequence=7, network_id=NETWORK_ID)
    assert await client.autofill(given) == given, "autofill only fills what is missing"
    with pytest.raises(MalformedTransaction) as wrong:
        await client.autofill(given.with_fields(network_id=1))
    assert wrong.value.result == "telWRONG_NETWORK"


async def test_an_unknown_account_is_rippleds_actNotFound(client: Client) -> None:
    stranger = Wallet.generate()
    with pytest.raises(RPCError) as caught:
        await client.account_info(stranger.address)
    assert (caught.value.name, caught.value.code) == ("actNotFound", 19)
    assert caught.value.message == "Account not found."
    with pytest.raises(RPCError) as autofilled:
        await client.submit_and_wait(Payment(account=stranger.address, destination=GENESIS_WALLET.address,
                                             amount=xrp(1)), stranger)
    assert autofilled.value.name == "actNotFound"


async def test_a_last_ledger_sequence_already_validated_expires_with_tefMAX_LEDGER(client: Client) -> None:
    alice = Wallet.generate()
    await fund(client, alice)
    validated = await client.validated_ledger_index()
    late = await client.autofill(Payment(account=alice.address, destination=GENESIS_WALLET.address, amount=xrp(1),
                                         last_ledger_sequence=validated))
    with pytest.raises(TransactionExpired) as caught:
        await client.submit_and_wait(late, alice)
    assert caught.value.preliminary_result == "tefMAX_LEDGER"
    assert caught.value.last_ledger_sequence == validated
    assert caught.value.validated_ledger_index >= validated
    with pytest.raises(RPCError) as missing:
        await client.tx(caught.value.tx_hash)
    assert missing.value.name == "txnNotFound"


async def test_a_transaction_held_for_an_earlier_sequence_expires_once_its_last_ledger_is_validated(
    client: Client,
) -> None:
    alice = Wallet.generate()
    await fund(client, alice)
    filled = await client.autofill(Payment(account=alice.address, destination=GENESIS_WALLET.address, amount=xrp(1)))
    assert filled.sequence is not None and filled.last_ledger_sequence is not None
    gap = filled.with_fields(sequence=filled.sequence + 1, last_ledger_sequence=filled.last_ledger_sequence - 17)
    with pytest.raises(TransactionExpired) as caught:
        await client.submit_and_wait(gap, alice)
    assert caught.value.preliminary_result == "terPRE_SEQ"
    assert caught.value.validated_ledger_index >= gap.last_ledger_sequence  # type: ignore[operator]
    assert (await client.account_info(alice.address, ledger_index="validated")).sequence == filled.sequence


async def test_issuing_to_an_account_without_a_trust_line_fails_validated_with_tecPATH_DRY(client: Client) -> None:
    gateway, stranger = Wallet.generate(), Wallet.generate()
    await fund(client, gateway, stranger)
    payment = Payment(account=gateway.address, destination=stranger.address, amount=iou("5", "USD", gateway.address))
    with pytest.raises(TransactionFailed) as caught:
        await client.submit_and_wait(payment, gateway)
    assert caught.value.engine_result == "tecPATH_DRY"
    assert caught.value.validated and caught.value.ledger_index is not None
    assert caught.value.meta is not None and caught.value.meta["TransactionResult"] == "tecPATH_DRY"
    record = await client.submit_and_wait(payment, gateway, check=False)
    assert record.validated and record.engine_result == "tecPATH_DRY" and not record.succeeded


def _forced(transaction: Transaction, **fields: object) -> dict[str, object]:
    """A complete transaction's tx_json with fields the builder would refuse."""
    tx_json = transaction.to_tx_json()
    tx_json.update(fields)
    return tx_json


async def test_the_node_answers_what_the_builder_refuses_with_the_same_result(client: Client) -> None:
    """The local checks mirror preflight: sign what the builder refuses anyway, and the node
    answers the result the builder named."""
    alice, gateway = Wallet.generate(), Wallet.generate()
    await fund(client, alice, gateway)
    base = await client.autofill(AccountSet(account=alice.address))
    common = {"fee": base.fee, "sequence": base.sequence, "last_ledger_sequence": base.last_ledger_sequence,
              "network_id": base.network_id}
    usd = iou("10", "USD", gateway.address)
    valid_payment = Payment(account=alice.address, destination=gateway.address, amount=xrp(1), **common)  # type: ignore[arg-type]
    valid_offer = OfferCreate(account=alice.address, taker_gets=usd, taker_pays=xrp(1), **common)  # type: ignore[arg-type]
    cases = [
        (lambda: valid_payment.with_fields(flags=PaymentFlag.tfPartialPayment),
         _forced(valid_payment, Flags=tf.tfPartialPayment)),
        (lambda: valid_payment.with_fields(amount=drops(0)), _forced(valid_payment, Amount="0")),
        (lambda: valid_payment.with_fields(flags=PaymentFlag(1)), _forced(valid_payment, Flags=1)),
        (lambda: valid_payment.with_fields(destination=alice.address),
         _forced(valid_payment, Destination=alice.address)),
        (lambda: valid_offer.with_fields(taker_gets=xrp(2)), _forced(valid_offer, TakerGets="2000000")),
        (lambda: valid_offer.with_fields(flags=OfferCreateFlag.tfFillOrKill | OfferCreateFlag.tfImmediateOrCancel),
         _forced(valid_offer, Flags=tf.tfFillOrKill | tf.tfImmediateOrCancel)),
        (lambda: TrustSet(account=alice.address, limit_amount=iou("-1", "USD", gateway.address)),
         _forced(TrustSet(account=alice.address, limit_amount=usd, **common),  # type: ignore[arg-type]
                 LimitAmount={"currency": "USD", "issuer": gateway.address, "value": "-1"})),
        (lambda: AccountSet(account=alice.address, transfer_rate=999_999_999),
         _forced(base, TransferRate=999_999_999)),
        (lambda: AccountSet(account=alice.address, set_flag=AccountSetAsfFlag.asfDepositAuth,
                            clear_flag=AccountSetAsfFlag.asfDepositAuth),
         _forced(base, SetFlag=9, ClearFlag=9)),
        (lambda: SetRegularKey(account=alice.address, regular_key=alice.address),
         _forced(base, TransactionType="SetRegularKey", RegularKey=alice.address)),
    ]
    for build, forced in cases:
        with pytest.raises(MalformedTransaction) as refused:
            build()
        answer = await client.submit(alice.sign(forced))
        assert answer.engine_result == refused.value.result, forced
        assert answer.engine_result.startswith("tem")
    with pytest.raises(TransactionFailed) as caught:
        await client.submit_and_wait(alice.sign(cases[0][1]))
    assert caught.value.engine_result == "temBAD_SEND_XRP_PARTIAL" and not caught.value.validated
    assert (await client.account_info(alice.address)).sequence == base.sequence, "nothing was applied"


async def test_a_market_makers_offers_page_fill_a_cross_currency_payment_and_cancel(client: Client) -> None:
    maker, alice, bob = Wallet.generate(), Wallet.generate(), Wallet.generate()
    gateway = await gateway_with_holders(client, "EUR", maker, alice, bob)
    await client.submit_and_wait(
        Payment(account=gateway.address, destination=maker.address, amount=iou("1000", "EUR", gateway.address)), gateway)
    eur = issue("EUR", gateway.address)
    placed = []
    for price in ("2", "3", "4"):
        record = await client.submit_and_wait(
            OfferCreate(account=maker.address, taker_gets=iou("100", "EUR", gateway.address),
                        taker_pays=xrp(Decimal(price) * 100)), maker)
        placed.append(record.tx_json["Sequence"])
    offers = [offer async for offer in client.account_offers(maker.address, ledger_index="validated", page_size=1)]
    assert sorted(offer.seq for offer in offers) == sorted(placed)
    book = await client.book_offers(eur, XRP, ledger_index="validated")
    assert [offer.taker_pays for offer in book] == [xrp(200), xrp(300), xrp(400)], "best rate first"
    objects = [entry async for entry in client.account_objects(maker.address, type="offer", page_size=2)]
    assert len(objects) == 3 and all(entry["LedgerEntryType"] == "Offer" for entry in objects)

    paid = await client.submit_and_wait(
        Payment(account=alice.address, destination=bob.address, amount=iou("50", "EUR", gateway.address),
                send_max=xrp(150)), alice)
    assert paid.delivered_amount == iou("50", "EUR", gateway.address)
    (bob_line,) = [line async for line in client.account_lines(bob.address, ledger_index="validated")]
    assert bob_line.balance == Decimal("50")

    await client.submit_and_wait(OfferCancel(account=maker.address, offer_sequence=placed[2]), maker)
    left = [offer async for offer in client.account_offers(maker.address, ledger_index="validated")]
    assert sorted(offer.seq for offer in left) == placed[:2]
    assert left[0].taker_gets.issue == eur


async def test_account_tx_pages_through_every_transaction_once(client: Client) -> None:
    alice = Wallet.generate()
    await fund(client, alice)
    hashes = [(await client.submit_and_wait(
        Payment(account=alice.address, destination=GENESIS_WALLET.address, amount=drops(n)), alice)).hash
        for n in range(1, 5)]
    newest_first = [record async for record in client.account_tx(alice.address, page_size=2)]
    assert [record.hash for record in newest_first][:4] == hashes[::-1]
    assert len(newest_first) == 5 and newest_first[-1].transaction_type == "Payment"  # the funding payment
    oldest_first = [record async for record in client.account_tx(alice.address, forward=True, page_size=1)]
    assert [record.hash for record in oldest_first] == [record.hash for record in newest_first[::-1]]
    assert all(record.validated and record.meta is not None for record in oldest_first)
    looked_up = await client.tx(hashes[0])
    assert looked_up == oldest_first[1] and looked_up.engine_result == "tesSUCCESS"


async def test_account_settings_and_a_regular_key_that_signs(client: Client) -> None:
    alice, key = Wallet.generate(), Wallet.generate()
    await fund(client, alice)
    await client.submit_and_wait(
        AccountSet(account=alice.address, set_flag=AccountSetAsfFlag.asfRequireDest, domain="bank.example",
                   transfer_rate=1_005_000_000), alice)
    info = await client.account_info(alice.address, ledger_index="validated")
    assert info.flags & tf.lsfRequireDestTag
    assert bytes.fromhex(info.raw["account_data"]["Domain"]) == b"bank.example"
    assert info.raw["account_data"]["TransferRate"] == 1_005_000_000

    await client.submit_and_wait(SetRegularKey(account=alice.address, regular_key=key.address), alice)
    assert (await client.account_info(alice.address, ledger_index="validated")).regular_key == key.address
    signed_by_key = await client.submit_and_wait(
        Payment(account=alice.address, destination=GENESIS_WALLET.address, amount=xrp(1), destination_tag=1), key)
    assert signed_by_key.succeeded


async def test_ledger_and_server_queries_are_typed(client: Client, node: NodeProcess) -> None:
    info = await client.server_info()
    assert info.network_id == NETWORK_ID and info.standalone and info.validated_ledger_index
    fee = await client.fee()
    assert fee.base_fee == 10 and fee.ledger_current_index > info.validated_ledger_index
    alice = Wallet.generate()
    await fund(client, alice)
    record = await client.submit_and_wait(
        Payment(account=alice.address, destination=GENESIS_WALLET.address, amount=xrp(1)), alice)
    assert record.ledger_index is not None
    ledger = await client.ledger(record.ledger_index, transactions=True, expand=True)
    assert ledger.validated and ledger.closed and ledger.ledger_index == record.ledger_index
    assert record.hash in {entry["hash"] for entry in ledger.transactions}
    async with Client(node.url, api_version=1) as version_one:
        assert await version_one.tx(record.hash) == record, "API v1's shape reads the same"
        history = [r.hash async for r in version_one.account_tx(alice.address)]
        assert history[0] == record.hash


async def test_ripple_path_find_asks_in_rippleds_shape(client: Client) -> None:
    maker, alice, bob = Wallet.generate(), Wallet.generate(), Wallet.generate()
    gateway = await gateway_with_holders(client, "GBP", maker, bob)
    await fund(client, alice)
    await client.submit_and_wait(
        Payment(account=gateway.address, destination=maker.address, amount=iou("100", "GBP", gateway.address)), gateway)
    await client.submit_and_wait(
        OfferCreate(account=maker.address, taker_gets=iou("100", "GBP", gateway.address), taker_pays=xrp(100)), maker)
    found = await client.ripple_path_find(alice.address, bob.address, iou("10", "GBP", gateway.address),
                                          source_currencies=[XRP])
    assert found.alternatives and found.alternatives[0].source_amount.native


async def test_transport_failures_and_misuse_are_named(client: Client, tmp_path: Path) -> None:
    async with Client(f"http://127.0.0.1:{free_port()}/", timeout=5) as nobody:
        with pytest.raises(ConnectionLost):
            await nobody.server_info()
    with pytest.raises(ClientError, match="async with"):
        await Client("http://127.0.0.1:1/").fee()
    with pytest.raises(RPCError) as unknown:
        await client.request("no_such_method")
    assert unknown.value.name == "unknownCmd"
    with pytest.raises(InvalidInput) as bad:
        await client.account_info("rNotAnAddress")
    assert bad.value.field == "account"
    with pytest.raises(InvalidInput):
        Client("http://x/", api_version=3)
