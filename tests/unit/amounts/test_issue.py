"""Issue: currency + issuer, XRP_ISSUE and NO_ISSUE (rippled's Issue)."""

from __future__ import annotations

import copy
import pickle

import pytest

from xpay.amounts import NO_ISSUE, XRP_ISSUE, AmountError, Issue, currency_from_code
from xpay.protocol.ids import ACCOUNT_ONE, ACCOUNT_ZERO, XRP_CURRENCY, AccountID

ALICE = AccountID(bytes(19) + b"\x0a")
BOB = AccountID(bytes(19) + b"\x0b")
USD = currency_from_code("USD")
EUR = currency_from_code("EUR")


def test_xrp_issue_is_zero_currency_and_zero_account() -> None:
    assert XRP_ISSUE.currency == XRP_CURRENCY
    assert XRP_ISSUE.account == ACCOUNT_ZERO
    assert XRP_ISSUE.is_xrp
    assert Issue(XRP_CURRENCY, ACCOUNT_ZERO) == XRP_ISSUE


def test_no_issue_is_currency_one_account_one() -> None:
    assert NO_ISSUE.currency == bytes(19) + b"\x01"
    assert NO_ISSUE.account == ACCOUNT_ONE
    assert not NO_ISSUE.is_xrp
    assert repr(NO_ISSUE) == "NO_ISSUE"


def test_issue_must_be_consistent() -> None:
    with pytest.raises(AmountError, match="XRP has no issuer"):
        Issue(XRP_CURRENCY, ALICE)
    with pytest.raises(AmountError, match="needs a non-zero issuer"):
        Issue(USD, ACCOUNT_ZERO)


@pytest.mark.parametrize(
    ("currency", "account"),
    [(b"USD", ALICE), (USD, b"\x01" * 19), (bytearray(USD), ALICE), ("USD", ALICE)],
)
def test_issue_fields_must_be_20_bytes(currency: object, account: object) -> None:
    with pytest.raises(AmountError, match="20 bytes"):
        Issue(currency, account)  # type: ignore[arg-type]


def test_equality_hash_and_byte_order() -> None:
    usd_alice = Issue(USD, ALICE)
    assert usd_alice == Issue(USD, ALICE)
    assert usd_alice != Issue(USD, BOB)
    assert usd_alice != Issue(EUR, ALICE)
    assert len({usd_alice, Issue(USD, ALICE), Issue(USD, BOB)}) == 2
    # Ordered by currency bytes, then account bytes; XRP's all-zero currency sorts first.
    issues = [Issue(USD, BOB), Issue(EUR, BOB), Issue(USD, ALICE), XRP_ISSUE]
    assert sorted(issues) == [XRP_ISSUE, Issue(EUR, BOB), Issue(USD, ALICE), Issue(USD, BOB)]
    assert Issue(USD, ALICE) < Issue(USD, BOB) <= Issue(USD, BOB)
    assert Issue(USD, BOB) > Issue(EUR, BOB) >= Issue(EUR, BOB)
    assert usd_alice.key == USD + ALICE
    assert usd_alice != "USD"


def test_immutable_and_copyable() -> None:
    issue = Issue(USD, ALICE)
    with pytest.raises(AttributeError):
        issue.account = BOB
    assert copy.copy(issue) is issue
    assert pickle.loads(pickle.dumps(issue)) == issue
    assert repr(issue) == "Issue(USD/000000000000000000000000000000000000000A)"
    assert repr(XRP_ISSUE) == "XRP_ISSUE"
