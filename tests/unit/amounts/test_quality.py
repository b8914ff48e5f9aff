"""Quality: rippled's Quality_test restated, plus ordering, rounding and failure modes."""

from __future__ import annotations

import copy

import pytest

from xpay.amounts import (
    NO_ISSUE,
    AmountError,
    Issue,
    Quality,
    STAmount,
    composed_quality,
)
from xpay.protocol.ids import AccountID, Currency

RAW_ISSUE = Issue(Currency(bytes(19) + b"\x03"), AccountID(bytes(19) + b"\x03"))


def drops(count: int) -> STAmount:
    return STAmount.from_drops(count)


def n(count: int) -> STAmount:
    return STAmount(count, 0, NO_ISSUE)


def offer_quality(in_: int, out: int) -> Quality:
    """rippled's Quality(Amounts(amount(in), amount(out))) with native amounts."""
    return Quality.from_amounts(drops(out), drops(in_))


@pytest.mark.parametrize(
    ("quality", "offer", "limit", "expected"),
    [
        # 1 in, 1 out
        ((1, 1), (1, 1), 1, (1, 1)),
        ((1, 1), (10, 10), 5, (5, 5)),
        ((1, 1), (5, 5), 10, (5, 5)),
        # 1 in, 2 out
        ((1, 2), (40, 80), 40, (40, 80)),
        ((1, 2), (40, 80), 20, (20, 40)),
        ((1, 2), (40, 80), 60, (40, 80)),
        # 2 in, 1 out
        ((2, 1), (40, 20), 20, (20, 10)),
        ((2, 1), (40, 20), 40, (40, 20)),
        ((2, 1), (40, 20), 50, (40, 20)),
    ],
)
def test_ceil_in(
    quality: tuple[int, int], offer: tuple[int, int], limit: int, expected: tuple[int, int]
) -> None:
    q = offer_quality(*quality)
    result = q.ceil_in(drops(offer[0]), drops(offer[1]), drops(limit))
    assert result == (drops(expected[0]), drops(expected[1]))
    assert q.ceil_in_strict(drops(offer[0]), drops(offer[1]), drops(limit), True) == result


@pytest.mark.parametrize(
    ("quality", "offer", "limit", "expected"),
    [
        ((1, 1), (1, 1), 1, (1, 1)),
        ((1, 1), (10, 10), 5, (5, 5)),
        ((1, 1), (10, 10), 20, (10, 10)),
        ((1, 2), (40, 80), 40, (20, 40)),
        ((1, 2), (40, 80), 80, (40, 80)),
        ((1, 2), (40, 80), 100, (40, 80)),
        ((2, 1), (40, 20), 20, (40, 20)),
        ((2, 1), (40, 20), 40, (40, 20)),
        ((2, 1), (40, 20), 10, (20, 10)),
    ],
)
def test_ceil_out(
    quality: tuple[int, int], offer: tuple[int, int], limit: int, expected: tuple[int, int]
) -> None:
    q = offer_quality(*quality)
    result = q.ceil_out(drops(offer[0]), drops(offer[1]), drops(limit))
    assert result == (drops(expected[0]), drops(expected[1]))
    assert q.ceil_out_strict(drops(offer[0]), drops(offer[1]), drops(limit), True) == result


def test_ceil_out_raw_does_not_round_the_input_away() -> None:
    # Quality_test test_raw: a 349.469768 XRP / 2.75528 offer limited to 0.4131113916555555.
    q = Quality(0x5D048191FB9130DA)  # 126836389.7680090
    in_, out = q.ceil_out(
        drops(349469768),
        STAmount(2755280000000000, -15, RAW_ISSUE),
        STAmount(4131113916555555, -16, RAW_ISSUE),
    )
    assert not in_.is_zero
    assert out == STAmount(4131113916555555, -16, RAW_ISSUE)


def test_ceil_out_clamps_the_input_to_the_offer() -> None:
    # A quality better than the offer's own would ask for more than the offer takes: clamped.
    q = offer_quality(1, 1)
    assert q.ceil_out(drops(10), drops(40), drops(20)) == (drops(10), drops(20))
    assert q.ceil_in(drops(40), drops(10), drops(20)) == (drops(20), drops(10))


def test_ceil_rounding_direction_is_the_callers() -> None:
    q = offer_quality(1, 3)  # in / out = 1/3
    up = q.ceil_out(drops(100), drops(300), drops(100), round_up=True)
    down = q.ceil_out(drops(100), drops(300), drops(100), round_up=False)
    assert up == (drops(34), drops(100))
    assert down == (drops(33), drops(100))
    assert q.ceil_out_strict(drops(100), drops(300), drops(100), False) == down


@pytest.mark.parametrize(
    ("digits", "text"),
    [
        (3, "57800"),
        (4, "57720"),
        (5, "57720"),
        (6, "57719.7"),
        (7, "57719.64"),
        (8, "57719.636"),
        (9, "57719.6353"),
        (10, "57719.63526"),
        (11, "57719.635251"),
        (12, "57719.6352506"),
        (13, "57719.63525052"),
        (14, "57719.635250517"),
        (15, "57719.6352505169"),
        (16, "57719.63525051682"),
    ],
)
def test_round_rounds_the_rate_up(digits: int, text: str) -> None:
    q = Quality(0x59148191FB913522)  # 57719.63525051682
    assert q.round(digits).rate().value_text() == text
    assert q.round(digits) <= q  # a rounded-up rate is never a better quality


def test_round_failures() -> None:
    with pytest.raises(AmountError, match=r"0\.\.16"):
        Quality(1).round(17)
    with pytest.raises(AmountError):
        Quality(1).round(-1)


def test_comparisons_higher_quality_is_lower_value() -> None:
    a1, a2, a3 = n(231), n(462), n(924)
    q11 = Quality.from_amounts(a1, a1)
    q12 = Quality.from_amounts(a2, a1)  # in 231, out 462: a better deal
    q13 = Quality.from_amounts(a3, a1)
    q21 = Quality.from_amounts(a1, a2)
    q31 = Quality.from_amounts(a1, a3)
    assert q11 == q11
    assert q11 < q12 < q13
    assert q31 < q21 < q11
    assert q11 >= q11 and q12 >= q11 and q13 >= q12 and q21 >= q31 and q11 >= q21
    assert q12 > q11 and q13 > q12 and q21 > q31 and q11 > q21
    assert q11 <= q11 and q11 <= q12 and q31 <= q21
    assert q31 != q21
    # A book sorts ascending by the raw value: best first.
    book = sorted([q11, q31, q13, q21, q12], key=lambda q: q.value)
    assert book == [q13, q12, q11, q21, q31]
    assert sorted([q11, q31, q13, q21, q12], reverse=True) == book


def test_composition() -> None:
    a1, a2, a3 = n(231), n(462), n(924)
    q11 = Quality.from_amounts(a1, a1)
    q12 = Quality.from_amounts(a2, a1)
    q13 = Quality.from_amounts(a3, a1)
    q21 = Quality.from_amounts(a1, a2)
    q31 = Quality.from_amounts(a1, a3)
    assert composed_quality(q12, q21) == q11
    assert composed_quality(q13, q31) == composed_quality(q31, q13) == q11
    with pytest.raises(AmountError, match="non-zero"):
        composed_quality(Quality(0), q11)


def test_increment_and_decrement() -> None:
    # Quality_test test_operations, with values instead of ++ and --.
    q11 = Quality.from_amounts(n(731), n(731))
    qa = q11.increment()
    assert qa != q11 and qa > q11 and qa.value == q11.value - 1
    qb = q11.decrement()
    assert qb != q11 and qb < qa
    assert qb.increment() == q11 < qa
    assert qb.increment().increment() == qa
    assert qa < qa.increment()
    with pytest.raises(AmountError):
        Quality(0).increment()
    with pytest.raises(AmountError):
        Quality(2**64 - 1).decrement()


def test_quality_values_and_failures() -> None:
    assert Quality(0).rate() == STAmount.zero(NO_ISSUE)
    assert Quality.from_amounts(n(0), n(5)) == Quality(0)
    q = Quality(0x5D048191FB9130DA)
    assert q.rate() is q.rate()  # computed once
    assert repr(q) == "Quality(0x5D048191FB9130DA)"
    assert copy.deepcopy(q) is q
    assert len({q, Quality(0x5D048191FB9130DA)}) == 1
    with pytest.raises(AttributeError):
        q.value = 3
    with pytest.raises(AmountError, match="uint64"):
        Quality(-1)
    with pytest.raises(AmountError, match="uint64"):
        Quality(2**64)
    with pytest.raises(TypeError):
        Quality(1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Quality(5) == 5  # noqa: B015
    with pytest.raises(TypeError):
        _ = Quality(5) < 5  # type: ignore[operator]


def test_equal_ratios_can_encode_one_unit_apart() -> None:
    """getRate rounds a 17-digit quotient half up but truncates an 18-digit one.

    2 for 3 and 8 for 12 are the same price; the mantissa quotients are 0.666... (17 digits,
    rounded up) and 6.666... (18 digits, truncated), so the qualities differ in the last place,
    in rippled as here. Books must not assume equal prices give equal qualities.
    """
    two_for_three = Quality.from_amounts(n(3), n(2))
    eight_for_twelve = Quality.from_amounts(n(12), n(8))
    assert two_for_three.rate() == STAmount(6666666666666667, -16, NO_ISSUE)
    assert eight_for_twelve.rate() == STAmount(6666666666666666, -16, NO_ISSUE)
    assert eight_for_twelve > two_for_three
