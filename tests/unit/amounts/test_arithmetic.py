"""multiply, divide, mul_round, div_round, get_rate, amount_from_quality (STAmount_test, restated)."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from xpay.amounts import (
    MAX_EXPONENT,
    MAX_MANTISSA,
    MIN_EXPONENT,
    MIN_MANTISSA,
    NO_ISSUE,
    XRP_ISSUE,
    AmountError,
    AmountOverflow,
    Issue,
    STAmount,
    amount_from_quality,
    currency_from_code,
    div_round,
    div_round_strict,
    divide,
    get_rate,
    mul_round,
    mul_round_strict,
    multiply,
)
from xpay.protocol.ids import AccountID

USD = Issue(currency_from_code("USD"), AccountID(bytes(19) + b"\x09"))


def n(text: str) -> STAmount:
    """A NO_ISSUE value, as rippled's tests build STAmount(noIssue(), ...)."""
    return STAmount.from_value_text(text, NO_ISSUE)


def drops(count: int) -> STAmount:
    return STAmount.from_drops(count)


def exact(amount: STAmount) -> Fraction:
    return Fraction(amount.mantissa) * Fraction(10) ** amount.exponent


class TestMultiplyDivide:
    def test_mixed_native_and_iou_operands(self) -> None:
        # STAmount_test testCustomCurrency: 20 * 3 = 60 and 60 / 3 = 20 in every combination
        # of native and noIssue operands and result issue.
        for a in (n("20"), drops(20)):
            for issue in (NO_ISSUE, XRP_ISSUE):
                assert multiply(a, drops(3), issue).value_text() == "60"
        for den in (drops(3), n("3")):
            for issue in (NO_ISSUE, XRP_ISSUE):
                assert divide(n("60"), den, issue).value_text() == "20"

    def test_divide_agrees_with_the_rate_round_trip(self) -> None:
        # STAmount_test: divide(a2, a1) == amountFromQuality(getRate(a1, a2)) both ways.
        a1 = n("60")
        a2 = STAmount(10, -1, NO_ISSUE)
        assert divide(a2, a1, NO_ISSUE) == amount_from_quality(get_rate(a1, a2))
        assert divide(a1, a2, NO_ISSUE) == amount_from_quality(get_rate(a2, a1))

    def test_the_plus_five_and_plus_seven_roundings(self) -> None:
        # 1/3: 10**32 / (3 * 10**15) = 33333333333333333.3; + 5, truncate: ...3333.
        assert divide(n("1"), n("3"), NO_ISSUE) == n("0.3333333333333333")
        # 2/3: ...6666.6 + 5 -> ...6671, truncated: rounds half up to ...667.
        assert divide(n("2"), n("3"), NO_ISSUE) == n("0.6666666666666667")
        # 1.000000000000001 squared = 1.000000000000002000000000000001: + 7 is invisible.
        assert multiply(n("1.000000000000001"), n("1.000000000000001"), NO_ISSUE) == n(
            "1.000000000000002"
        )
        assert multiply(n("-1.5"), n("2"), USD) == STAmount.from_value_text("-3", USD)
        assert divide(n("-3"), n("-2"), NO_ISSUE) == n("1.5")

    @pytest.mark.parametrize(("num", "den", "mul"), [(1, 3, 3), (2, 3, 9), (1, 7, 21), (1, 2, 4), (3, 9, 18), (7, 11, 44)])
    def test_round_trip_through_a_quotient(self, num: int, den: int, mul: int) -> None:
        # STAmount_test roundTest: (n / d) * m equals n * m / d up to the last digit, which
        # rippled's roundSelf nudges when it is ...000000001 or ...999999999.
        quotient = divide(drops(num), drops(den), NO_ISSUE)
        result = multiply(quotient, n(str(mul)), NO_ISSUE)
        mantissa = result.mantissa
        if mantissa % 1_000_000_000 == 1:
            mantissa -= 1
        elif mantissa % 1_000_000_000 == 999_999_999:
            mantissa += 1
        assert STAmount(mantissa, result.exponent, NO_ISSUE) == n(str(num * mul // den))

    def test_products_of_small_integers_are_exact(self) -> None:
        # STAmount_test mulTest, with a fixed seed.
        rng = random.Random(7)
        for _ in range(2000):
            a, b = rng.randrange(10_000_000), rng.randrange(10_000_000)
            assert multiply(n(str(a)), n(str(b)), NO_ISSUE) == n(str(a * b))

    def test_underflow_gives_zero(self) -> None:
        # STAmount_test testUnderflow (with the largest native amount xpay allows).
        middle = (MIN_MANTISSA + MAX_MANTISSA) // 2
        big = STAmount(middle, MAX_EXPONENT - 1, NO_ISSUE)
        small = STAmount(middle, MIN_EXPONENT + 1, NO_ISSUE)
        assert multiply(small, small, NO_ISSUE).is_zero
        assert divide(small, big, NO_ISSUE).is_zero
        assert divide(small, big, XRP_ISSUE).is_zero
        assert divide(small, drops(10**17 // 2), XRP_ISSUE).is_zero
        assert get_rate(small, big) == 0  # a very bad offer: the rate overflows
        assert get_rate(big, small) == 0  # a very good offer: the rate underflows

    def test_zero_operands_give_zero_of_the_result_issue(self) -> None:
        assert multiply(n("0"), n("5"), USD) == STAmount.zero(USD)
        assert divide(drops(0), n("5"), XRP_ISSUE) == drops(0)
        with pytest.raises(ZeroDivisionError):
            divide(n("1"), n("0"), NO_ISSUE)
        with pytest.raises(ZeroDivisionError):
            div_round(n("1"), drops(0), NO_ISSUE, True)

    def test_native_products_are_exact_and_guarded(self) -> None:
        assert multiply(drops(3_000_000), drops(7), XRP_ISSUE) == drops(21_000_000)
        assert multiply(drops(-3), drops(7), XRP_ISSUE) == drops(-21)
        with pytest.raises(AmountOverflow, match="native value overflow"):
            multiply(drops(3_000_000_001), drops(3_000_000_001), XRP_ISSUE)
        with pytest.raises(AmountOverflow, match="native value overflow"):
            multiply(drops(10**9), drops(10**9), XRP_ISSUE)  # 10**18 > 10**17 drops

    def test_results_out_of_range_overflow(self) -> None:
        top = STAmount(MAX_MANTISSA, MAX_EXPONENT, NO_ISSUE)
        with pytest.raises(AmountOverflow):
            multiply(top, n("10"), NO_ISSUE)
        with pytest.raises(AmountOverflow):
            divide(n("1e20"), n("1"), XRP_ISSUE)  # far more than 10**17 drops
        with pytest.raises(AmountOverflow, match="64 bits"):
            multiply(drops(10**17), drops(10**17), NO_ISSUE)  # rippled's muldiv overflow


class TestDirectedRounding:
    def test_one_third_rounds_each_way(self) -> None:
        assert div_round(n("1"), n("3"), NO_ISSUE, False) == n("0.3333333333333333")
        assert div_round(n("1"), n("3"), NO_ISSUE, True) == n("0.3333333333333334")
        assert div_round(n("2"), n("3"), NO_ISSUE, False) == n("0.6666666666666666")
        assert div_round(n("2"), n("3"), NO_ISSUE, True) == n("0.6666666666666667")

    def test_round_up_means_toward_plus_infinity_for_negative_results(self) -> None:
        assert div_round(n("-1"), n("3"), NO_ISSUE, True) == n("-0.3333333333333333")
        assert div_round(n("-1"), n("3"), NO_ISSUE, False) == n("-0.3333333333333334")
        assert mul_round(n("-1"), n("0.3333333333333333333"), NO_ISSUE, True) == n("-0.3333333333333333")

    def test_exact_results_are_not_moved(self) -> None:
        for round_up in (False, True):
            assert mul_round(n("1.5"), n("2"), NO_ISSUE, round_up) == n("3")
            assert div_round(n("3"), n("2"), NO_ISSUE, round_up) == n("1.5")
            assert mul_round(drops(1000), n("1.5"), XRP_ISSUE, round_up) == drops(1500)

    def test_legacy_iou_round_up_can_fall_short_of_the_exact_value(self) -> None:
        """rippled's canonicalizeRound truncates the 18th digit before rounding the 17th up.

        7 / 6.7 = 1.04477611940298507...: the 18-digit intermediate 104477611940298508 loses
        its last digit, and the 17th (0) rounds up to nothing. xpay reproduces this exactly.
        """
        up = div_round(n("7"), n("6.7"), NO_ISSUE, True)
        assert up == n("1.044776119402985")
        assert exact(up) < Fraction(70, 67)
        assert div_round_strict(n("7"), n("6.7"), NO_ISSUE, True) == up
        product = mul_round(n("1.3"), n("86.00000000000008"), NO_ISSUE, True)
        assert product == n("111.8000000000001")
        assert exact(product) < Fraction(13, 10) * Fraction("86.00000000000008")
        assert mul_round_strict(n("1.3"), n("86.00000000000008"), NO_ISSUE, True) == product

    def test_legacy_xrp_round_up_drops_fractions_below_a_tenth(self) -> None:
        # 21 drops * 1.05 = 22.05 drops: the legacy rounding gives 22, the strict one 23.
        assert mul_round(drops(21), n("1.05"), XRP_ISSUE, True) == drops(22)
        assert mul_round_strict(drops(21), n("1.05"), XRP_ISSUE, True) == drops(23)
        assert mul_round(drops(1), n("1.02"), XRP_ISSUE, True) == drops(1)
        assert mul_round_strict(drops(1), n("1.02"), XRP_ISSUE, True) == drops(2)
        # ... and 0.15 of a drop (at least a tenth) does round up in both.
        assert mul_round(drops(1), n("1.15"), XRP_ISSUE, True) == drops(2)

    def test_legacy_xrp_round_up_adds_a_drop_to_an_exact_tenths_result(self) -> None:
        # With exactly one digit below the drop, rippled adds 10 before the last division:
        # 10**16 drops * 1 comes out one drop high. The strict form is exact.
        assert mul_round(drops(10**16), n("1"), XRP_ISSUE, True) == drops(10**16 + 1)
        assert mul_round_strict(drops(10**16), n("1"), XRP_ISSUE, True) == drops(10**16)
        assert multiply(drops(10**16), n("1"), XRP_ISSUE) == drops(10**16)

    def test_rounding_up_never_returns_zero_for_a_positive_result(self) -> None:
        tiny = STAmount(MIN_MANTISSA, MIN_EXPONENT, NO_ISSUE)
        smallest_usd = STAmount(MIN_MANTISSA, MIN_EXPONENT, USD)
        assert mul_round(tiny, tiny, USD, True) == smallest_usd
        assert mul_round(tiny, tiny, USD, False) == STAmount.zero(USD)
        assert div_round(tiny, n("1e50"), USD, True) == smallest_usd
        assert div_round(tiny, n("1e50"), USD, False) == STAmount.zero(USD)
        assert mul_round(drops(1), n("0.1"), XRP_ISSUE, True) == drops(1)
        assert mul_round(drops(1), n("0.1"), XRP_ISSUE, False) == drops(0)
        assert mul_round_strict(drops(1), n("1e-30"), XRP_ISSUE, True) == drops(1)
        assert div_round(drops(1), n("1e30"), XRP_ISSUE, True) == drops(1)
        # A negative result rounded up toward zero may be zero.
        assert mul_round(-tiny, tiny, USD, True) == STAmount.zero(USD)

    def test_zero_operands(self) -> None:
        assert mul_round(n("0"), n("3"), USD, True) == STAmount.zero(USD)
        assert div_round(drops(0), n("3"), XRP_ISSUE, True) == drops(0)


class TestRates:
    @pytest.mark.parametrize(
        ("out", "in_"),
        [
            (drops(1), drops(10)),
            (n("1"), n("10")),
            (n("1"), drops(10)),
            (drops(1), n("10")),
        ],
    )
    def test_get_rate_of_one_for_ten(self, out: STAmount, in_: STAmount) -> None:
        # STAmount_test getRate 1, 3, 5, 7: in / out = 10 = 10**15 * 10**-14.
        assert get_rate(out, in_) == ((100 - 14) << 56) | 10**15
        # ... and 2, 4, 6, 8: in / out = 0.1 = 10**15 * 10**-16.
        assert get_rate(in_, out) == ((100 - 16) << 56) | 10**15

    def test_get_rate_of_nothing_is_zero(self) -> None:
        assert get_rate(n("0"), n("5")) == 0
        assert get_rate(n("5"), n("0")) == 0

    def test_amount_from_quality_decodes_the_rate(self) -> None:
        rate = amount_from_quality(((100 - 14) << 56) | 10**15)
        assert rate == n("10")
        assert rate.issue == NO_ISSUE
        assert amount_from_quality(0) == STAmount.zero(NO_ISSUE)
        # A non-canonical mantissa (after Quality increments) is canonicalised.
        assert amount_from_quality((100 << 56) | (10**15 - 1)) == STAmount(10**15 - 1, 0, NO_ISSUE)
        with pytest.raises(AmountError, match="uint64"):
            amount_from_quality(-1)
        with pytest.raises(AmountError, match="uint64"):
            amount_from_quality(1 << 64)
