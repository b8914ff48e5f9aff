"""XRPAmount: int64 drops, rippled's XRPAmount and its mulRatio."""

from __future__ import annotations

import copy
import pickle

import pytest

from xpay.amounts import (
    DROPS_PER_XRP,
    INITIAL_XRP,
    AmountOverflow,
    IOUAmount,
    STAmount,
    XRPAmount,
)

INT64_MAX = 2**63 - 1
UINT32_MAX = 2**32 - 1


def test_initial_xrp_is_one_hundred_billion_xrp_and_the_max() -> None:
    assert INITIAL_XRP.drops == 100_000_000_000 * DROPS_PER_XRP == 10**17
    assert XRPAmount.MAX == INITIAL_XRP
    assert XRPAmount(0) == XRPAmount.ZERO


def test_arithmetic_on_drops() -> None:
    a, b = XRPAmount(1_500_000), XRPAmount(250)
    assert (a + b).drops == 1_500_250
    assert (a - b).drops == 1_499_750
    assert (b - a).drops == -1_499_750
    assert (-a).drops == -1_500_000
    assert abs(XRPAmount(-7)) == XRPAmount(7)
    assert abs(a) is a


def test_signum_and_truthiness() -> None:
    assert XRPAmount(-3).signum() == -1
    assert XRPAmount(0).signum() == 0
    assert XRPAmount(9).signum() == 1
    assert not XRPAmount(0)
    assert XRPAmount(-1)


def test_ordering_and_hash() -> None:
    values = [XRPAmount(5), XRPAmount(-2), XRPAmount(0), XRPAmount(5)]
    assert sorted(values) == [XRPAmount(-2), XRPAmount(0), XRPAmount(5), XRPAmount(5)]
    assert XRPAmount(1) < XRPAmount(2) <= XRPAmount(2) < XRPAmount(3)
    assert XRPAmount(3) > XRPAmount(2) >= XRPAmount(2)
    assert len({XRPAmount(5), XRPAmount(5), XRPAmount(6)}) == 2


def test_overflow_beyond_int64_raises() -> None:
    top = XRPAmount(INT64_MAX)
    with pytest.raises(AmountOverflow, match="int64"):
        top + XRPAmount(1)
    with pytest.raises(AmountOverflow, match="int64"):
        XRPAmount(-INT64_MAX - 1) - XRPAmount(1)
    with pytest.raises(AmountOverflow, match="int64"):
        -XRPAmount(-INT64_MAX - 1)
    with pytest.raises(AmountOverflow, match="int64"):
        XRPAmount(INT64_MAX + 1)


def test_only_int_drops_are_accepted() -> None:
    with pytest.raises(TypeError):
        XRPAmount(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        XRPAmount("10")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        XRPAmount(True)


def test_mixing_with_iou_or_int_is_a_type_error() -> None:
    drops = XRPAmount(10)
    iou = IOUAmount(10, 0)
    with pytest.raises(TypeError):
        drops + iou  # type: ignore[operator]
    with pytest.raises(TypeError):
        drops + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = drops < iou  # type: ignore[operator]
    with pytest.raises(TypeError):
        drops == iou  # noqa: B015
    with pytest.raises(TypeError):
        drops == 10  # noqa: B015
    with pytest.raises(TypeError):
        drops == STAmount.from_drops(10)  # noqa: B015
    # Non-numbers are merely unequal.
    assert drops != "10"
    assert drops is not None and drops != None  # noqa: E711


def test_immutable_and_copy_share_the_value() -> None:
    drops = XRPAmount(10)
    with pytest.raises(AttributeError):
        drops.drops = 11
    with pytest.raises(AttributeError):
        del drops.drops
    assert copy.copy(drops) is drops
    assert copy.deepcopy(drops) is drops
    assert pickle.loads(pickle.dumps(drops)) == drops
    assert repr(drops) == "XRPAmount(10)"
    assert drops.to_string() == str(drops) == "10"


@pytest.mark.parametrize(
    ("drops", "num", "den", "round_up", "expected"),
    [
        (100, 1, 3, False, 33),
        (100, 1, 3, True, 34),
        (-100, 1, 3, False, -34),  # negative: rounding down moves away from zero
        (-100, 1, 3, True, -33),
        (99, 1, 3, True, 33),  # exact: no rounding either way
        (99, 1, 3, False, 33),
        (1, UINT32_MAX - 1, UINT32_MAX, True, 1),
        (1, UINT32_MAX - 1, UINT32_MAX, False, 0),
        (1_000_000, 1_002_000_000, 1_000_000_000, True, 1_002_000),
    ],
)
def test_mul_ratio_rounds_as_asked(
    drops: int, num: int, den: int, round_up: bool, expected: int
) -> None:
    assert XRPAmount(drops).mul_ratio(num, den, round_up) == XRPAmount(expected)


def test_mul_ratio_failures() -> None:
    with pytest.raises(ZeroDivisionError):
        XRPAmount(1).mul_ratio(1, 0, True)
    with pytest.raises(AmountOverflow, match="int64"):
        XRPAmount(INT64_MAX).mul_ratio(2, 1, True)
    with pytest.raises(AmountOverflow, match="uint32"):
        XRPAmount(1).mul_ratio(UINT32_MAX + 1, 1, True)
