"""Transaction builders: rippled's tx_json (checked byte for byte against xrpl-py's models), and
every malformed input refused locally with the field and the result a node would answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import xrpl.models.amounts as xa
import xrpl.models.path as xpath
import xrpl.models.transactions as xt
from xrpl.core.binarycodec import encode as xrpl_encode

from xpay.client import (
    AccountSet,
    AccountSetAsfFlag,
    AccountSetFlag,
    InvalidInput,
    MalformedTransaction,
    Memo,
    OfferCancel,
    OfferCreate,
    OfferCreateFlag,
    PathStep,
    Payment,
    PaymentFlag,
    SetRegularKey,
    Transaction,
    TrustSet,
    TrustSetFlag,
    Wallet,
    drops,
    iou,
    xrp,
)
from xpay.codec import encode

ALICE = Wallet.from_seed("sEdTM1uX8pu2do5XvTnutH6HsouMaM2").address
BOB = Wallet.from_seed("sEdSKaCy2JT7JaM7v95H9SxkhP9wS2r").address
GATEWAY = Wallet.from_seed("sEd7rBGm5kxzauRTAV2hbsNz7N45X91").address
COMMON: dict[str, Any] = {"fee": drops(12), "sequence": 7, "last_ledger_sequence": 99}
XRPL_COMMON: dict[str, Any] = {"fee": "12", "sequence": 7, "last_ledger_sequence": 99}


def usd(value: str, issuer: str = GATEWAY) -> Any:
    return iou(value, "USD", issuer)


def x_usd(value: str, issuer: str = GATEWAY) -> xa.IssuedCurrencyAmount:
    return xa.IssuedCurrencyAmount(currency="USD", issuer=issuer, value=value)


def _same_bytes(ours: Transaction, theirs: xt.Transaction) -> None:
    expected = theirs.to_xrpl()
    # xrpl-py writes an empty SigningPubKey and Flags 0 before signing; xpay leaves both out.
    assert expected.pop("SigningPubKey", "") == ""
    if expected.get("Flags") == 0:
        del expected["Flags"]
    assert encode(ours.to_tx_json()) == xrpl_encode(expected)


def test_xrp_payment_with_every_common_field_matches_xrpl_py() -> None:
    ours = Payment(
        account=ALICE, destination=BOB, amount=xrp("25"), destination_tag=42, source_tag=3,
        invoice_id="AB" * 32, network_id=21337, memos=(Memo(data=b"hello", memo_type="text/plain"),), **COMMON,
    )
    theirs = xt.Payment(
        account=ALICE, destination=BOB, amount="25000000", destination_tag=42, source_tag=3,
        invoice_id="AB" * 32, network_id=21337,
        memos=[xt.Memo(memo_data=b"hello".hex().upper(), memo_type=b"text/plain".hex().upper())], **XRPL_COMMON,
    )
    _same_bytes(ours, theirs)
    assert ours.to_tx_json()["Amount"] == "25000000"


def test_cross_currency_payment_with_sendmax_paths_and_deliver_min_matches_xrpl_py() -> None:
    flags = PaymentFlag.tfPartialPayment | PaymentFlag.tfNoRippleDirect
    ours = Payment(
        account=ALICE, destination=BOB, amount=iou("10", "EUR", GATEWAY), send_max=xrp("20"),
        deliver_min=iou("9", "EUR", GATEWAY), flags=flags,
        paths=[[PathStep(currency="EUR", issuer=GATEWAY)], [PathStep(account=GATEWAY)]], **COMMON,
    )
    theirs = xt.Payment(
        account=ALICE, destination=BOB, amount=xa.IssuedCurrencyAmount(currency="EUR", issuer=GATEWAY, value="10"),
        send_max="20000000", deliver_min=xa.IssuedCurrencyAmount(currency="EUR", issuer=GATEWAY, value="9"),
        flags=int(flags), paths=[[xpath.PathStep(currency="EUR", issuer=GATEWAY)], [xpath.PathStep(account=GATEWAY)]],
        **XRPL_COMMON,
    )
    _same_bytes(ours, theirs)
    assert ours.paths == ((PathStep(currency="EUR", issuer=GATEWAY),), (PathStep(account=GATEWAY),))


def test_trust_set_matches_xrpl_py() -> None:
    ours = TrustSet(account=ALICE, limit_amount=usd("1000"), quality_in=950_000_000,
                    flags=TrustSetFlag.tfSetNoRipple, **COMMON)
    theirs = xt.TrustSet(account=ALICE, limit_amount=x_usd("1000"), quality_in=950_000_000,
                         flags=int(TrustSetFlag.tfSetNoRipple), **XRPL_COMMON)
    _same_bytes(ours, theirs)


def test_account_set_matches_xrpl_py() -> None:
    ours = AccountSet(account=GATEWAY, set_flag=AccountSetAsfFlag.asfDefaultRipple, transfer_rate=1_002_000_000,
                      domain="example.com", tick_size=5, **COMMON)
    theirs = xt.AccountSet(account=GATEWAY, set_flag=xt.AccountSetAsfFlag.ASF_DEFAULT_RIPPLE,
                           transfer_rate=1_002_000_000, domain=b"example.com".hex(), tick_size=5, **XRPL_COMMON)
    _same_bytes(ours, theirs)


def test_set_regular_key_sets_and_removes_matching_xrpl_py() -> None:
    _same_bytes(SetRegularKey(account=ALICE, regular_key=BOB, **COMMON),
                xt.SetRegularKey(account=ALICE, regular_key=BOB, **XRPL_COMMON))
    _same_bytes(SetRegularKey(account=ALICE, **COMMON), xt.SetRegularKey(account=ALICE, **XRPL_COMMON))


def test_offer_create_and_cancel_match_xrpl_py() -> None:
    ours = OfferCreate(account=ALICE, taker_gets=xrp("100"), taker_pays=usd("50"), expiration=800_000_000,
                       offer_sequence=3, flags=OfferCreateFlag.tfSell | OfferCreateFlag.tfPassive, **COMMON)
    theirs = xt.OfferCreate(account=ALICE, taker_gets="100000000", taker_pays=x_usd("50"), expiration=800_000_000,
                            offer_sequence=3, flags=int(OfferCreateFlag.tfSell | OfferCreateFlag.tfPassive),
                            **XRPL_COMMON)
    _same_bytes(ours, theirs)
    _same_bytes(OfferCancel(account=ALICE, offer_sequence=3, **COMMON),
                xt.OfferCancel(account=ALICE, offer_sequence=3, **XRPL_COMMON))


def test_an_incomplete_transaction_says_so_and_still_has_a_tx_json() -> None:
    payment = Payment(account=ALICE, destination=BOB, amount=xrp(1))
    assert not payment.is_complete
    assert "Fee" not in payment.to_tx_json() and "Sequence" not in payment.to_tx_json()
    assert payment.with_fields(fee=drops(10), sequence=1).is_complete


def test_with_fields_checks_again() -> None:
    payment = Payment(account=ALICE, destination=BOB, amount=xrp(1))
    with pytest.raises(MalformedTransaction, match="temBAD_AMOUNT"):
        payment.with_fields(amount=drops(0))


Build = Callable[[], object]

MALFORMED: list[tuple[str, Build, str, str | None]] = [
    # Payment (rippled's Payment::preflight)
    ("zero amount", lambda: Payment(account=ALICE, destination=BOB, amount=drops(0)), "Amount", "temBAD_AMOUNT"),
    ("negative IOU", lambda: Payment(account=ALICE, destination=BOB, amount=usd("-1")), "Amount", "temBAD_AMOUNT"),
    ("zero SendMax", lambda: Payment(account=ALICE, destination=BOB, amount=usd("1"), send_max=usd("0")),
     "SendMax", "temBAD_AMOUNT"),
    ("pay oneself", lambda: Payment(account=ALICE, destination=ALICE, amount=xrp(1)), "Destination", "temREDUNDANT"),
    ("XRP with SendMax", lambda: Payment(account=ALICE, destination=BOB, amount=xrp(1), send_max=xrp(2)),
     "SendMax", "temBAD_SEND_XRP_MAX"),
    ("XRP with paths", lambda: Payment(account=ALICE, destination=BOB, amount=xrp(1),
                                       paths=[[PathStep(account=GATEWAY)]]), "Paths", "temBAD_SEND_XRP_PATHS"),
    ("XRP partial", lambda: Payment(account=ALICE, destination=BOB, amount=xrp(1),
                                    flags=PaymentFlag.tfPartialPayment), "Flags", "temBAD_SEND_XRP_PARTIAL"),
    ("XRP limit quality", lambda: Payment(account=ALICE, destination=BOB, amount=xrp(1),
                                          flags=PaymentFlag.tfLimitQuality), "Flags", "temBAD_SEND_XRP_LIMIT"),
    ("XRP no direct", lambda: Payment(account=ALICE, destination=BOB, amount=xrp(1),
                                      flags=PaymentFlag.tfNoRippleDirect), "Flags", "temBAD_SEND_XRP_NO_DIRECT"),
    ("DeliverMin without partial", lambda: Payment(account=ALICE, destination=BOB, amount=usd("2"),
                                                   deliver_min=usd("1")), "DeliverMin", "temBAD_AMOUNT"),
    ("DeliverMin above Amount", lambda: Payment(account=ALICE, destination=BOB, amount=usd("2"), deliver_min=usd("3"),
                                                flags=PaymentFlag.tfPartialPayment), "DeliverMin", "temBAD_AMOUNT"),
    ("DeliverMin other issue", lambda: Payment(account=ALICE, destination=BOB, amount=usd("2"),
                                               deliver_min=usd("1", BOB), flags=PaymentFlag.tfPartialPayment),
     "DeliverMin", "temBAD_AMOUNT"),
    ("unknown flag bit", lambda: Payment(account=ALICE, destination=BOB, amount=xrp(1), flags=PaymentFlag(1)),
     "Flags", "temINVALID_FLAG"),
    ("offer flag on a payment", lambda: Payment(account=ALICE, destination=BOB, amount=usd("1"),
                                                flags=PaymentFlag(int(OfferCreateFlag.tfSell))), "Flags",
     "temINVALID_FLAG"),
    ("seven paths", lambda: Payment(account=ALICE, destination=BOB, amount=usd("1"),
                                    paths=[[PathStep(account=GATEWAY)]] * 7), "Paths", "telBAD_PATH_COUNT"),
    ("nine steps", lambda: Payment(account=ALICE, destination=BOB, amount=usd("1"),
                                   paths=[[PathStep(account=GATEWAY)] * 9]), "Paths", "telBAD_PATH_COUNT"),
    ("account and currency in a step", lambda: PathStep(account=GATEWAY, currency="USD"), "Paths", "temBAD_PATH"),
    ("XRP step with issuer", lambda: PathStep(currency="XRP", issuer=GATEWAY), "Paths", "temBAD_PATH"),
    ("empty path", lambda: Payment(account=ALICE, destination=BOB, amount=usd("1"), paths=[[]]), "Paths", None),
    # common fields (rippled's preflight1)
    ("negative fee", lambda: Payment(account=ALICE, destination=BOB, amount=xrp(1), fee=-drops(1)), "Fee",
     "temBAD_FEE"),
    ("IOU fee", lambda: Payment(account=ALICE, destination=BOB, amount=xrp(1), fee=usd("1")), "Fee", "temBAD_FEE"),
    ("batch flag", lambda: OfferCancel(account=ALICE, offer_sequence=1, flags=0x40000000), "Flags",  # type: ignore[arg-type]
     "temINVALID_FLAG"),
    ("memo type not URL text", lambda: Memo(memo_type="a b"), "Memos", "temINVALID"),
    ("memos too big", lambda: Payment(account=ALICE, destination=BOB, amount=xrp(1),
                                      memos=(Memo(data=bytes(1100)),)), "Memos", "temINVALID"),
    # TrustSet (rippled's SetTrust::preflight / preclaim)
    ("XRP limit", lambda: TrustSet(account=ALICE, limit_amount=xrp(1)), "LimitAmount", "temBAD_LIMIT"),
    ("negative limit", lambda: TrustSet(account=ALICE, limit_amount=usd("-1")), "LimitAmount", "temBAD_LIMIT"),
    ("trust oneself", lambda: TrustSet(account=GATEWAY, limit_amount=usd("1")), "LimitAmount", "temDST_IS_SRC"),
    ("freeze and unfreeze", lambda: TrustSet(account=ALICE, limit_amount=usd("1"),
                                             flags=TrustSetFlag.tfSetFreeze | TrustSetFlag.tfClearFreeze), "Flags",
     "temINVALID_FLAG"),
    # AccountSet (rippled's SetAccount::preflight)
    ("set and clear one flag", lambda: AccountSet(account=ALICE, set_flag=AccountSetAsfFlag.asfDepositAuth,
                                                  clear_flag=AccountSetAsfFlag.asfDepositAuth), "ClearFlag",
     "temINVALID_FLAG"),
    ("asf and tf contradict", lambda: AccountSet(account=ALICE, set_flag=AccountSetAsfFlag.asfRequireDest,
                                                 flags=AccountSetFlag.tfOptionalDestTag), "Flags", "temINVALID_FLAG"),
    ("transfer rate below one", lambda: AccountSet(account=ALICE, transfer_rate=999_999_999), "TransferRate",
     "temBAD_TRANSFER_RATE"),
    ("transfer rate above two", lambda: AccountSet(account=ALICE, transfer_rate=2_000_000_001), "TransferRate",
     "temBAD_TRANSFER_RATE"),
    ("tick size 2", lambda: AccountSet(account=ALICE, tick_size=2), "TickSize", "temBAD_TICK_SIZE"),
    ("domain of 257 bytes", lambda: AccountSet(account=ALICE, domain="a" * 257), "Domain", "telBAD_DOMAIN"),
    ("unknown asf", lambda: AccountSet(account=ALICE, set_flag=10), "SetFlag", None),  # type: ignore[arg-type]
    # SetRegularKey
    ("own key as regular key", lambda: SetRegularKey(account=ALICE, regular_key=ALICE), "RegularKey",
     "temBAD_REGKEY"),
    # OfferCreate (rippled's CreateOffer::preflight)
    ("XRP for XRP", lambda: OfferCreate(account=ALICE, taker_gets=xrp(1), taker_pays=xrp(2)), "TakerPays",
     "temBAD_OFFER"),
    ("zero taker gets", lambda: OfferCreate(account=ALICE, taker_gets=usd("0"), taker_pays=xrp(2)), "TakerGets",
     "temBAD_OFFER"),
    ("USD for USD", lambda: OfferCreate(account=ALICE, taker_gets=usd("1"), taker_pays=usd("2")), "TakerPays",
     "temREDUNDANT"),
    ("IoC and FoK", lambda: OfferCreate(account=ALICE, taker_gets=usd("1"), taker_pays=xrp(2),
                                        flags=OfferCreateFlag.tfImmediateOrCancel | OfferCreateFlag.tfFillOrKill),
     "Flags", "temINVALID_FLAG"),
    ("hybrid", lambda: OfferCreate(account=ALICE, taker_gets=usd("1"), taker_pays=xrp(2),
                                   flags=OfferCreateFlag(0x00100000)), "Flags", "temINVALID_FLAG"),
    ("expiration 0", lambda: OfferCreate(account=ALICE, taker_gets=usd("1"), taker_pays=xrp(2), expiration=0),
     "Expiration", "temBAD_EXPIRATION"),
    ("offer sequence 0", lambda: OfferCreate(account=ALICE, taker_gets=usd("1"), taker_pays=xrp(2),
                                             offer_sequence=0), "OfferSequence", "temBAD_SEQUENCE"),
    ("cancel sequence 0", lambda: OfferCancel(account=ALICE, offer_sequence=0), "OfferSequence", "temBAD_SEQUENCE"),
]


@pytest.mark.parametrize(("build", "field", "result"), [case[1:] for case in MALFORMED],
                         ids=[case[0] for case in MALFORMED])
def test_malformed_transactions_are_refused_locally_with_the_nodes_result(
    build: Build, field: str, result: str | None
) -> None:
    with pytest.raises(MalformedTransaction) as caught:
        build()
    assert caught.value.field == field
    assert caught.value.result == result
    if result is not None:
        assert result in str(caught.value)


BAD_INPUT: list[tuple[str, Build, str]] = [
    ("bad account checksum", lambda: Payment(account=ALICE[:-1] + "x", destination=BOB, amount=xrp(1)), "Account"),
    ("destination not an address", lambda: Payment(account=ALICE, destination="bob", amount=xrp(1)), "Destination"),
    ("amount as a string", lambda: Payment(account=ALICE, destination=BOB, amount="1000"), "Amount"),  # type: ignore[arg-type]
    ("amount as a float", lambda: Payment(account=ALICE, destination=BOB, amount=1.5), "Amount"),  # type: ignore[arg-type]
    ("sequence too big", lambda: Payment(account=ALICE, destination=BOB, amount=xrp(1), sequence=2**32), "Sequence"),
    ("negative LastLedgerSequence", lambda: Payment(account=ALICE, destination=BOB, amount=xrp(1),
                                                    last_ledger_sequence=-1), "LastLedgerSequence"),
    ("destination tag as text", lambda: Payment(account=ALICE, destination=BOB, amount=xrp(1),
                                                destination_tag="1"), "DestinationTag"),  # type: ignore[arg-type]
    ("invoice id too short", lambda: Payment(account=ALICE, destination=BOB, amount=xrp(1), invoice_id="AB"),
     "InvoiceID"),
    ("flags as a bool", lambda: Payment(account=ALICE, destination=BOB, amount=xrp(1), flags=True), "Flags"),  # type: ignore[arg-type]
    ("regular key not an address", lambda: SetRegularKey(account=ALICE, regular_key="rBad"), "RegularKey"),
    ("memo data as text", lambda: Memo(data="hello"), "Memos"),  # type: ignore[arg-type]
    ("path step with a bad issuer", lambda: PathStep(currency="USD", issuer="rBad"), "Paths"),
    ("path step with the zero account", lambda: PathStep(account="rrrrrrrrrrrrrrrrrrrrrhoLvTp"), "Paths"),
]


@pytest.mark.parametrize(("build", "field"), [case[1:] for case in BAD_INPUT], ids=[case[0] for case in BAD_INPUT])
def test_bad_input_names_its_field(build: Build, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        build()
    assert caught.value.field == field


def test_builders_are_frozen_values() -> None:
    payment = Payment(account=ALICE, destination=BOB, amount=xrp(1))
    with pytest.raises(AttributeError):
        payment.amount = xrp(2)  # type: ignore[misc]
    assert payment == Payment(account=ALICE, destination=BOB, amount=xrp(1))
    assert hash(payment) == hash(Payment(account=ALICE, destination=BOB, amount=xrp(1)))
