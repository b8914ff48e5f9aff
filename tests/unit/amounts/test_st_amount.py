"""STAmount: construction, text, +/-, comparisons, conversions (STAmount_test, restated)."""

from __future__ import annotations

import copy
import itertools
import pickle

import pytest

from xpay.amounts import (
    MAX_NATIVE_DROPS,
    NO_ISSUE,
    XRP_ISSUE,
    AmountError,
    AmountOverflow,
    IOUAmount,
    Issue,
    STAmount,
    XRPAmount,
    currency_from_code,
)
from xpay.protocol.ids import AccountID

GATEWAY = AccountID(bytes(16) + (0x4985601).to_bytes(4, "big"))
USD = Issue(currency_from_code("USD"), GATEWAY)
EUR = Issue(currency_from_code("EUR"), GATEWAY)
USD_OTHER = Issue(currency_from_code("USD"), AccountID(bytes(19) + b"\x07"))


def usd(text: str) -> STAmount:
    return STAmount.from_value_text(text, USD)


def drops(n: int) -> STAmount:
    return STAmount.from_drops(n)


@pytest.mark.parametrize(
    "text",
    ["1", "22", "333", "4444", "55555", "666666"]
    + [str(10**k) for k in range(6, 18)],  # 1 XRP up to 100 billion XRP, in drops
)
def test_set_value_native_round_trips_text(text: str) -> None:
    # STAmount_test testSetValue (native)
    assert STAmount.from_value_text(text, XRP_ISSUE).value_text() == text


@pytest.mark.parametrize("text", ["1.1", "100000000000000001", "1000000000000000000", "1e18", "10e-1"])
def test_set_value_native_rejects_fractions_and_too_much(text: str) -> None:
    with pytest.raises(AmountError):
        STAmount.from_value_text(text, XRP_ISSUE)


def test_native_text_accepts_integral_scientific_and_sign() -> None:
    assert STAmount.from_value_text("3.14e2", XRP_ISSUE) == drops(314)
    assert STAmount.from_value_text("-3.14e2", XRP_ISSUE) == drops(-314)
    assert STAmount.from_value_text("-0", XRP_ISSUE) == drops(0)
    assert STAmount.from_value_text("1e17", XRP_ISSUE) == drops(MAX_NATIVE_DROPS)
    with pytest.raises(AmountError, match="integral"):
        STAmount.from_value_text("0.0", XRP_ISSUE)
    with pytest.raises(AmountError, match="integral"):
        STAmount.from_value_text("1000e-2", XRP_ISSUE)


@pytest.mark.parametrize(
    "text",
    [str(10**k) for k in range(11)]
    + ["1234567." + "123456789"[:k] for k in range(1, 10)],
)
def test_set_value_iou_round_trips_text(text: str) -> None:
    # STAmount_test testSetValue (iou)
    assert usd(text).value_text() == text


def test_native_comparisons_and_text() -> None:
    # STAmount_test testNativeCurrency: zero, one and a hundred drops.
    zero, one, hundred = drops(0), drops(1), drops(100)
    values = [zero, one, hundred]
    for (i, a), (j, b) in itertools.product(enumerate(values), repeat=2):
        assert (a < b) == (i < j)
        assert (a > b) == (i > j)
        assert (a <= b) == (i <= j)
        assert (a >= b) == (i >= j)
        assert (a == b) == (i == j)
        assert (a != b) == (i != j)
    assert zero.native and hundred.native
    assert zero.is_zero and not one.is_zero
    assert zero.value_text() == "0"
    assert drops(31).value_text() == "31"
    assert drops(310).value_text() == "310"


def test_custom_currency_comparisons_and_text() -> None:
    # STAmount_test testCustomCurrency, with noIssue() amounts.
    def value(mantissa: int, exponent: int = 0) -> STAmount:
        return STAmount(mantissa, exponent, NO_ISSUE)

    zero, one, hundred = value(0), value(1), value(100)
    values = [zero, one, hundred]
    for (i, a), (j, b) in itertools.product(enumerate(values), repeat=2):
        assert (a < b) == (i < j)
        assert (a >= b) == (i >= j)
        assert (a == b) == (i == j)
    assert not zero.native and not hundred.native
    assert value(0).value_text() == "0"
    assert value(31).value_text() == "31"
    assert value(31, 1).value_text() == "310"
    assert value(31, -1).value_text() == "3.1"
    assert value(31, -2).value_text() == "0.31"


def test_constructor_canonicalises_per_issue() -> None:
    assert STAmount(5, -1, XRP_ISSUE) == drops(0)  # truncated to whole drops
    assert STAmount(-19, -1, XRP_ISSUE) == drops(-1)
    assert STAmount(12, 3, XRP_ISSUE) == drops(12000)
    assert STAmount(1, -25, XRP_ISSUE) == drops(0)
    with pytest.raises(AmountOverflow):
        STAmount(1, 18, XRP_ISSUE)
    with pytest.raises(AmountOverflow):
        STAmount(MAX_NATIVE_DROPS + 1, 0, XRP_ISSUE)
    amount = STAmount(25, -1, USD)
    assert (amount.mantissa, amount.exponent) == (2500000000000000, -15)
    zero = STAmount(0, 7, USD)
    assert (zero.mantissa, zero.exponent) == (0, -100)
    with pytest.raises(AmountOverflow, match=r"IOU exponent 81 out of range \[-96, 80\]"):
        STAmount(10**16, 80, USD)
    with pytest.raises(TypeError):
        STAmount(1, 0, "USD")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        STAmount(1.0, 0, USD)  # type: ignore[arg-type]


def test_native_range_is_enforced() -> None:
    assert drops(MAX_NATIVE_DROPS).mantissa == 10**17
    assert drops(-MAX_NATIVE_DROPS).mantissa == -(10**17)
    with pytest.raises(AmountOverflow, match="out of range"):
        drops(MAX_NATIVE_DROPS + 1)
    with pytest.raises(AmountOverflow):
        drops(MAX_NATIVE_DROPS) + drops(1)
    with pytest.raises(AmountOverflow):
        drops(-MAX_NATIVE_DROPS) - drops(1)
    with pytest.raises(AmountOverflow):
        STAmount.from_xrp(XRPAmount(MAX_NATIVE_DROPS + 1))
    with pytest.raises(TypeError):
        drops(1.5)  # type: ignore[arg-type]


def test_conversions_to_and_from_xrp_amount() -> None:
    # STAmount_test testConvertXRP
    d = 100000000000000000
    while d != 1:
        amount = STAmount.from_value_text(str(d), XRP_ISSUE)
        assert amount.xrp() == XRPAmount(d)
        assert amount == STAmount.from_xrp(XRPAmount(d))
        d //= 10
    with pytest.raises(TypeError):
        usd("136500").xrp()
    with pytest.raises(TypeError):
        STAmount.from_xrp(IOUAmount(1, 0))  # type: ignore[arg-type]


def test_conversions_to_and_from_iou_amount() -> None:
    # STAmount_test testConvertIOU
    dollars = 10000000000
    while dollars != 1:
        amount = usd(str(dollars))
        value = amount.iou()
        assert STAmount.from_iou(value, USD) == amount
        assert (value.mantissa, value.exponent) == (amount.mantissa, amount.exponent)
        dollars //= 10
    with pytest.raises(TypeError):
        drops(136500).iou()
    with pytest.raises(TypeError):
        STAmount.from_iou(IOUAmount(1, 0), XRP_ISSUE)
    with pytest.raises(TypeError):
        STAmount.from_iou(XRPAmount(1), USD)  # type: ignore[arg-type]


def test_zero_of_each_kind() -> None:
    assert STAmount.zero(XRP_ISSUE) == drops(0)
    z = STAmount.zero(USD)
    assert (z.mantissa, z.exponent, z.issue) == (0, -100, USD)
    assert not z and z.signum() == 0 and z.is_zero


def test_addition_and_subtraction() -> None:
    assert usd("1.5") + usd("2.25") == usd("3.75")
    assert usd("1.5") - usd("2.25") == usd("-0.75")
    assert drops(10) + drops(-3) == drops(7)
    assert drops(10) - drops(30) == drops(-20)
    assert drops(0) - drops(5) == drops(-5)
    assert STAmount.zero(USD) - usd("5") == usd("-5")
    a = usd("7")
    assert a + STAmount.zero(USD) is a
    assert a - STAmount.zero(USD) is a
    assert -usd("2") == usd("-2")
    assert abs(usd("-2")) == usd("2")
    assert abs(drops(-2)) == drops(2)
    assert -STAmount.zero(USD) == STAmount.zero(USD)
    # The classic guard: a difference within ten units of the last place is zero.
    assert usd("1.00000000000001") - usd("1") == STAmount.zero(USD)


def test_mixing_issues_or_kinds_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="different issues"):
        usd("1") + STAmount.from_value_text("1", EUR)
    with pytest.raises(TypeError, match="different issues"):
        usd("1") - STAmount.from_value_text("1", USD_OTHER)
    with pytest.raises(TypeError, match="different issues"):
        _ = usd("1") < drops(1)
    with pytest.raises(TypeError):
        usd("1") + IOUAmount(1, 0)  # type: ignore[operator]
    with pytest.raises(TypeError):
        drops(1) + XRPAmount(1)  # type: ignore[operator]
    with pytest.raises(TypeError):
        drops(1) == XRPAmount(1)  # noqa: B015
    with pytest.raises(TypeError):
        drops(1) == 1  # noqa: B015
    # Equality across issues is defined, and false.
    assert usd("1") != STAmount.from_value_text("1", USD_OTHER)
    assert usd("0") != drops(0)


def test_comparisons_across_exponents_and_signs() -> None:
    ordered = [usd(t) for t in ["-1000", "-1", "-0.001", "0", "0.001", "1", "1000"]]
    for (i, a), (j, b) in itertools.product(enumerate(ordered), repeat=2):
        assert (a < b) == (i < j)
        assert (a == b) == (i == j)
    assert sorted(reversed(ordered)) == ordered


def test_with_issue_moves_an_iou_value() -> None:
    assert usd("3").with_issue(EUR) == STAmount.from_value_text("3", EUR)
    with pytest.raises(TypeError):
        drops(3).with_issue(EUR)
    with pytest.raises(TypeError):
        usd("3").with_issue(XRP_ISSUE)


def test_immutable_hashable_copyable() -> None:
    a = usd("1.5")
    with pytest.raises(AttributeError):
        a.mantissa = 3
    with pytest.raises(AttributeError):
        a.issue = EUR
    assert copy.deepcopy(a) is a
    assert pickle.loads(pickle.dumps(a)) == a
    assert len({usd("1.5"), usd("1.50"), STAmount.from_value_text("1.5", EUR)}) == 2
    assert repr(drops(5)) == "STAmount.from_drops(5)"
    assert repr(a).startswith("STAmount.from_value_text('1.5', Issue(USD/")
    assert str(drops(5)) == "5 drops"
    assert a.negative is False and usd("-1").negative is True
