"""IOUAmount: normalisation, classic addition, comparisons, text, mulRatio (IOUAmount_test)."""

from __future__ import annotations

import copy
import pickle

import pytest

from xpay.amounts import (
    MAX_EXPONENT,
    MAX_MANTISSA,
    MIN_EXPONENT,
    MIN_MANTISSA,
    AmountError,
    AmountOverflow,
    IOUAmount,
    XRPAmount,
)

UINT32_MAX = 2**32 - 1


def iou(text: str) -> IOUAmount:
    return IOUAmount.from_string(text)


def test_zero_is_mantissa_zero_exponent_minus_100() -> None:
    # IOUAmount_test testZero
    z = IOUAmount(0, 0)
    assert (z.mantissa, z.exponent) == (0, -100)
    assert not z
    assert z.signum() == 0
    assert z == IOUAmount.ZERO
    assert z + z == z
    assert z - z == z
    assert z == -z


def test_signum() -> None:
    assert IOUAmount(-1, 0).signum() < 0
    assert IOUAmount(0, 0).signum() == 0
    assert IOUAmount(1, 0).signum() > 0


@pytest.mark.parametrize(
    ("mantissa", "exponent", "canonical"),
    [
        (1, 0, (1000000000000000, -15)),
        (-25, -3, (-2500000000000000, -17)),
        (12345678901234567, 0, (1234567890123456, 1)),  # the 17th digit is truncated
        (-12345678901234567, 0, (-1234567890123456, 1)),  # toward zero for negatives too
        (MAX_MANTISSA + 1, 0, (MIN_MANTISSA, 1)),
        (1, -81, (MIN_MANTISSA, -96)),  # the smallest positive value
        (1, -82, (0, -100)),  # too small: zero, as rippled
        (5, -100, (0, -100)),
        (999999999999999, -96, (0, -100)),  # cannot scale up below exponent -96
        (MAX_MANTISSA, MAX_EXPONENT, (MAX_MANTISSA, MAX_EXPONENT)),  # the largest value
        (MIN_MANTISSA * 10, MAX_EXPONENT - 1, (MIN_MANTISSA, MAX_EXPONENT)),
        (10**40, 0, (MIN_MANTISSA, 25)),
        (7 * 10**200, -250, (7000000000000000, -65)),  # absurd inputs still normalise
    ],
)
def test_constructor_normalises(mantissa: int, exponent: int, canonical: tuple[int, int]) -> None:
    amount = IOUAmount(mantissa, exponent)
    assert (amount.mantissa, amount.exponent) == canonical
    assert IOUAmount.normalize(mantissa, exponent) == amount


@pytest.mark.parametrize(
    ("mantissa", "exponent"),
    [(MAX_MANTISSA + 1, MAX_EXPONENT), (1, 96), (MIN_MANTISSA, MAX_EXPONENT + 1), (-1, 200)],
)
def test_too_large_raises_overflow_naming_the_exponent(mantissa: int, exponent: int) -> None:
    with pytest.raises(AmountOverflow, match=r"IOU exponent \d+ out of range \[-96, 80\]"):
        IOUAmount(mantissa, exponent)


def test_comparisons() -> None:
    # IOUAmount_test testComparisons
    n, z, p = IOUAmount(-2, 0), IOUAmount(0, 0), IOUAmount(2, 0)
    assert z == z and z >= z and z <= z and z == -z
    assert not (z > z or z < z or z != z)
    assert n < z and n <= z and n != z
    assert p > z and p >= z and p != z
    assert n < p and n <= p and p > n and p >= n
    assert p > -p and n < -n
    # Magnitudes across exponents, both signs.
    assert iou("0.001") < iou("1") < iou("1000")
    assert iou("-1000") < iou("-1") < iou("-0.001")
    assert iou("9.999999999999999") < iou("10")
    assert iou("-10") < iou("-9.999999999999999")
    assert IOUAmount.min_positive() > IOUAmount.ZERO


def test_addition_truncates_the_smaller_operand_toward_zero() -> None:
    # 1 + 1e-16: the small operand vanishes when aligned to exponent -15.
    assert iou("1") + iou("0.0000000000000001") == iou("1")
    # 1 + 1.9e-15 truncates to 1 + 1e-15.
    assert iou("1") + iou("0.0000000000000019") == iou("1.000000000000001")
    # Negative operand: truncation toward zero makes the subtraction smaller.
    assert iou("1") - iou("0.0000000000000019") == iou("0.999999999999999")
    # A carry past 16 digits truncates the result's last digit.
    assert iou("9.999999999999999") + iou("0.000000000000009") == iou("10.00000000000000")
    assert iou("-9.999999999999999") - iou("0.000000000000009") == iou("-10")


def test_sum_within_ten_units_of_the_scale_is_zero() -> None:
    # rippled's classic operator+: |aligned sum| <= 10 is zero.
    a = iou("1.000000000000010")
    assert a - iou("1") == IOUAmount.ZERO  # 10 units at exponent -15
    assert iou("1.000000000000011") - iou("1") == iou("0.000000000000011")
    assert iou("1") - iou("1.000000000000010") == IOUAmount.ZERO


def test_add_identity_and_negation() -> None:
    a = iou("123.456")
    assert a + IOUAmount.ZERO is a
    assert IOUAmount.ZERO + a is a
    assert a - IOUAmount.ZERO is a
    assert IOUAmount.ZERO - a == iou("-123.456")
    assert a - a == IOUAmount.ZERO
    assert abs(iou("-5")) == iou("5")
    assert +a is a


def test_addition_overflow_raises() -> None:
    top = IOUAmount(MAX_MANTISSA, MAX_EXPONENT)
    with pytest.raises(AmountOverflow):
        top + top


@pytest.mark.parametrize(
    ("mantissa", "exponent", "text"),
    [
        (-2, 0, "-2"),
        (0, 0, "0"),
        (2, 0, "2"),
        (25, -3, "0.025"),
        (-25, -3, "-0.025"),
        (25, 1, "250"),
        (-25, 1, "-250"),
        (2, 20, "2000000000000000e5"),
        (-2, -20, "-2000000000000000e-35"),
    ],
)
def test_to_string(mantissa: int, exponent: int, text: str) -> None:
    # IOUAmount_test testToString
    amount = IOUAmount(mantissa, exponent)
    assert amount.to_string() == text
    assert str(amount) == text
    assert IOUAmount.from_string(text) == amount


def test_from_string_canonicalises_extra_digits_by_truncation() -> None:
    assert iou("1111111111111111.1") == iou("1111111111111111")
    assert iou("12345678901234567890") == IOUAmount(1234567890123456, 4)
    assert iou("-0") == IOUAmount.ZERO
    assert iou("0.0000") == IOUAmount.ZERO
    assert iou("1e-82") == IOUAmount.ZERO
    assert iou("1e-81") == IOUAmount.min_positive()


def test_from_string_failures_name_the_text() -> None:
    with pytest.raises(AmountError, match=r"'1\.2\.3'"):
        iou("1.2.3")
    with pytest.raises(AmountOverflow, match="out of range"):
        iou("9999999999999999e81")
    with pytest.raises(AmountOverflow):
        iou("1e97")


def test_mixing_with_drops_or_int_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        iou("1") + XRPAmount(1)  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = iou("1") < 2  # type: ignore[operator]
    with pytest.raises(TypeError):
        iou("1") == XRPAmount(1)  # noqa: B015
    with pytest.raises(TypeError):
        iou("1") == 1  # noqa: B015
    with pytest.raises(TypeError):
        IOUAmount(1.5, 0)  # type: ignore[arg-type]


def test_immutable_hashable_copyable() -> None:
    a = iou("1.5")
    with pytest.raises(AttributeError):
        a.mantissa = 1
    assert copy.deepcopy(a) is a
    assert pickle.loads(pickle.dumps(a)) == a
    assert len({iou("1.5"), iou("1.50"), iou("15e-1")}) == 1
    assert repr(a) == "IOUAmount(1500000000000000, -15)"


class TestMulRatio:
    """IOUAmount_test testMulRatio, restated."""

    def test_multiply_and_divide_by_the_same_large_number_is_exact(self) -> None:
        for big in (IOUAmount(MAX_MANTISSA, 0), IOUAmount(-MAX_MANTISSA, 0)):
            assert big.mul_ratio(UINT32_MAX, UINT32_MAX, True) == big
            assert big.mul_ratio(UINT32_MAX, UINT32_MAX, False) == big

    def test_tiny_values_round_to_the_smallest_amount_or_zero(self) -> None:
        tiny = IOUAmount(MIN_MANTISSA, MIN_EXPONENT)
        assert tiny.mul_ratio(1, UINT32_MAX, True) == tiny
        assert tiny.mul_ratio(UINT32_MAX - 1, UINT32_MAX, True) == tiny
        assert tiny.mul_ratio(1, UINT32_MAX, False) == IOUAmount.ZERO
        assert tiny.mul_ratio(UINT32_MAX - 1, UINT32_MAX, False) == IOUAmount.ZERO
        tiny_negative = -tiny
        assert tiny_negative.mul_ratio(1, UINT32_MAX, True) == IOUAmount.ZERO
        assert tiny_negative.mul_ratio(UINT32_MAX - 1, UINT32_MAX, True) == IOUAmount.ZERO
        assert tiny_negative.mul_ratio(1, UINT32_MAX, False) == tiny_negative
        assert tiny_negative.mul_ratio(UINT32_MAX - 1, UINT32_MAX, False) == tiny_negative

    @pytest.mark.parametrize(
        "amount",
        [IOUAmount(1, 0), IOUAmount(MAX_MANTISSA, MAX_EXPONENT), IOUAmount(-1, 0)],
    )
    def test_rounding_directions_differ_by_one_unit(self, amount: IOUAmount) -> None:
        up = amount.mul_ratio(UINT32_MAX - 1, UINT32_MAX, True)
        down = amount.mul_ratio(UINT32_MAX - 1, UINT32_MAX, False)
        assert up.exponent == down.exponent
        assert up.mantissa - down.mantissa == 1

    def test_failures(self) -> None:
        with pytest.raises(ZeroDivisionError):
            IOUAmount(1, 0).mul_ratio(1, 0, True)
        with pytest.raises(AmountOverflow):
            IOUAmount(MAX_MANTISSA, MAX_EXPONENT).mul_ratio(2, 1, True)
        with pytest.raises(AmountOverflow, match="uint32"):
            IOUAmount(1, 0).mul_ratio(-1, 1, True)

    def test_transfer_fee_worked_by_hand(self) -> None:
        # 100 * 1.002 = 100.2 exactly; 1/3 of 1 rounds at the 16th digit.
        assert iou("100").mul_ratio(1_002_000_000, 1_000_000_000, True) == iou("100.2")
        assert iou("1").mul_ratio(1, 3, False) == iou("0.3333333333333333")
        assert iou("1").mul_ratio(1, 3, True) == iou("0.3333333333333334")
        assert iou("-1").mul_ratio(1, 3, False) == iou("-0.3333333333333334")
        assert iou("-1").mul_ratio(1, 3, True) == iou("-0.3333333333333333")
