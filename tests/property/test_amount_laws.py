"""Amount laws, with exact `fractions.Fraction` arithmetic as the reference.

The laws are stated as rippled's classic arithmetic actually behaves. Two of them are weaker
than the ideal, on purpose, because rippled's results are part of the ledger:

* Addition aligns exponents by truncating the smaller operand, so a sum is within one unit of
  the last place of the *larger operand* (or of the result, whichever is coarser), not of the
  exact result: under cancellation the truncated digits of the small operand dominate.
  Same-sign sums are exactly the exact sum truncated to 16 digits.
* Rounding toward zero is exact: it never creates value. Rounding away from zero
  (round_up=True for positive results) uses rippled's canonicalizeRound, which can fall short
  of the exact value by less than a tenth of the last place for IOU results, and by less than a
  tenth of a drop for XRP results of mul_round / div_round (mul_round_strict is exact for XRP).
  test_arithmetic.py pins concrete cases of both shortfalls.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import assume, given
from hypothesis import strategies as st
from xrpl.core.addresscodec import encode_classic_address
from xrpl.core.binarycodec.types.amount import Amount as XrplAmount

from xpay.amounts import (
    MAX_EXPONENT,
    MIN_EXPONENT,
    XRP_ISSUE,
    AmountError,
    IOUAmount,
    Issue,
    Quality,
    STAmount,
    XRPAmount,
    currency_from_code,
    currency_to_code,
    div_round,
    mul_round,
    mul_round_strict,
)
from xpay.protocol.ids import AccountID

USD = Issue(currency_from_code("USD"), AccountID(bytes(19) + b"\x2a"))
EUR = Issue(currency_from_code("EUR"), AccountID(bytes(18) + b"\x01\x07"))

MANTISSAS = st.integers(10**15, 10**16 - 1)


def exact(amount: STAmount | IOUAmount) -> Fraction:
    return Fraction(amount.mantissa) * Fraction(10) ** amount.exponent


def ulp(amount: STAmount) -> Fraction:
    """One unit in the last place: a drop for XRP, 10**exponent for a canonical IOU value."""
    return Fraction(1) if amount.native else Fraction(10) ** amount.exponent


def iou_values(min_exponent: int = MIN_EXPONENT, max_exponent: int = MAX_EXPONENT) -> st.SearchStrategy[IOUAmount]:
    signed = st.builds(
        lambda m, e, negative: IOUAmount(-m if negative else m, e),
        MANTISSAS,
        st.integers(min_exponent, max_exponent),
        st.booleans(),
    )
    # Short mantissas (1.5, 250, ...) collide in exponent and digits far more often.
    short = st.builds(
        lambda m, e: IOUAmount(m, e),
        st.integers(-999, 999),
        st.integers(max(min_exponent, -6), min(max_exponent, 6)),
    )
    return st.one_of(signed, short, st.just(IOUAmount.ZERO))


def positive_iou(issue: Issue, min_exponent: int = -30, max_exponent: int = 30) -> st.SearchStrategy[STAmount]:
    return st.one_of(
        st.builds(lambda m, e: STAmount(m, e, issue), MANTISSAS, st.integers(min_exponent, max_exponent)),
        st.builds(lambda m, e: STAmount(m, e, issue), st.integers(1, 999), st.integers(-4, 4)),
    )


POSITIVE_DROPS = st.one_of(st.integers(1, 10**17), st.integers(1, 1000)).map(STAmount.from_drops)
SIGNED_DROPS = st.integers(-(10**17), 10**17).map(STAmount.from_drops)


def st_amounts(issue: Issue) -> st.SearchStrategy[STAmount]:
    return iou_values().map(lambda v: STAmount.from_iou(v, issue))


# -- ordering ---------------------------------------------------------------------------------


@given(iou_values(), iou_values())
def test_iou_ordering_agrees_with_exact_comparison(a: IOUAmount, b: IOUAmount) -> None:
    assert (a < b) == (exact(a) < exact(b))
    assert (a <= b) == (exact(a) <= exact(b))
    assert (a == b) == (exact(a) == exact(b))
    assert (a > b) == (exact(a) > exact(b))


@given(st.lists(st_amounts(USD), max_size=12))
def test_sorting_amounts_sorts_their_exact_values(amounts: list[STAmount]) -> None:
    assert [exact(a) for a in sorted(amounts)] == sorted(exact(a) for a in amounts)


@given(SIGNED_DROPS, SIGNED_DROPS)
def test_xrp_ordering_is_drop_ordering(a: STAmount, b: STAmount) -> None:
    assert (a < b) == (a.mantissa < b.mantissa)
    assert (a.xrp() < b.xrp()) == (a < b)


# -- addition ---------------------------------------------------------------------------------


@given(iou_values(-60, 60), iou_values(-60, 60))
def test_addition_is_commutative(a: IOUAmount, b: IOUAmount) -> None:
    assert a + b == b + a
    assert a - b == -(b - a)


@given(iou_values(-60, 60), iou_values(-60, 60))
def test_addition_is_within_one_unit_of_the_coarser_last_place(a: IOUAmount, b: IOUAmount) -> None:
    result = a + b
    true_sum = exact(a) + exact(b)
    if not a or not b:
        assert exact(result) == true_sum
        return
    scale = Fraction(10) ** max(a.exponent, b.exponent)
    if not result:
        # rippled zeroes an aligned sum within ten units; the truncation adds under one more.
        assert abs(true_sum) < 11 * scale
        return
    coarser = max(scale, Fraction(10) ** result.exponent)
    assert abs(exact(result) - true_sum) < coarser


@given(iou_values(-60, 60), iou_values(-60, 60))
def test_same_sign_sums_are_the_exact_sum_truncated(a: IOUAmount, b: IOUAmount) -> None:
    assume(a.signum() == b.signum() != 0)
    result = a + b
    true_sum = exact(a) + exact(b)
    # Truncation toward zero: never larger in magnitude, short by less than one unit.
    assert abs(exact(result)) <= abs(true_sum) < abs(exact(result)) + Fraction(10) ** result.exponent


@given(SIGNED_DROPS, SIGNED_DROPS)
def test_xrp_addition_is_exact(a: STAmount, b: STAmount) -> None:
    assume(abs(a.mantissa + b.mantissa) <= 10**17 and abs(a.mantissa - b.mantissa) <= 10**17)
    assert (a + b).mantissa == a.mantissa + b.mantissa == (b + a).mantissa
    assert (a - b).mantissa == a.mantissa - b.mantissa
    assert (a.xrp() + b.xrp()).drops == a.mantissa + b.mantissa


# -- directed rounding ------------------------------------------------------------------------

OPERANDS = st.one_of(positive_iou(USD), POSITIVE_DROPS)
RESULT_ISSUES = st.sampled_from([EUR, XRP_ISSUE])


def _in_native_range(value: Fraction, issue: Issue) -> bool:
    return not issue.is_xrp or value <= 10**17


def _assume_product_fits(a: STAmount, b: STAmount) -> None:
    """Skip drops * drops beyond rippled's 64-bit intermediate: an AmountOverflow by design."""
    assume(not (a.native and b.native and abs(a.mantissa * b.mantissa) >= 10**14 * 2**64))


@given(OPERANDS, OPERANDS, RESULT_ISSUES)
def test_rounding_down_never_exceeds_the_exact_result(a: STAmount, b: STAmount, issue: Issue) -> None:
    _assume_product_fits(a, b)
    product = exact(a) * exact(b)
    quotient = exact(a) / exact(b)
    if _in_native_range(product, issue):
        for rounded in (mul_round(a, b, issue, False), mul_round_strict(a, b, issue, False)):
            assert exact(rounded) <= product < exact(rounded) + ulp(rounded)
    if _in_native_range(quotient, issue):
        rounded = div_round(a, b, issue, False)
        assert exact(rounded) <= quotient < exact(rounded) + ulp(rounded)


@given(OPERANDS, OPERANDS, RESULT_ISSUES)
def test_rounding_up_never_falls_below_the_exact_result_by_a_tenth_of_a_unit(
    a: STAmount, b: STAmount, issue: Issue
) -> None:
    _assume_product_fits(a, b)
    product = exact(a) * exact(b)
    quotient = exact(a) / exact(b)
    if _in_native_range(product + 2, issue):
        up = mul_round(a, b, issue, True)
        assert exact(up) > product - ulp(up) / 10
        assert exact(up) < product + 2 * ulp(up)
        assert up >= mul_round(a, b, issue, False)
        strict = mul_round_strict(a, b, issue, True)
        if issue.is_xrp:
            # The strict form sees every discarded digit of a drop: a true ceiling.
            assert exact(strict) >= product > exact(strict) - 1
        else:
            assert strict == up
    if _in_native_range(quotient + 2, issue):
        up = div_round(a, b, issue, True)
        assert exact(up) > quotient - ulp(up) / 10
        assert exact(up) < quotient + 2 * ulp(up)


@given(OPERANDS, OPERANDS, RESULT_ISSUES)
def test_rounding_is_symmetric_under_negation(a: STAmount, b: STAmount, issue: Issue) -> None:
    _assume_product_fits(a, b)
    assume(_in_native_range(exact(a) * exact(b) + 2, issue))
    assume(_in_native_range(exact(a) / exact(b) + 2, issue))
    # round_up means toward +infinity: a negative result rounded up is truncated toward zero.
    assert mul_round(-a, b, issue, True) == -mul_round(a, b, issue, False)
    assert div_round(a, -b, issue, True) == -div_round(a, b, issue, False)
    assert exact(mul_round_strict(-a, b, issue, True)) >= -exact(a) * exact(b)
    # Rounding a negative result down mirrors rounding its magnitude up, except where a
    # positive result that rounded to nothing is lifted to the smallest positive amount.
    up = mul_round(a, b, issue, True)
    smallest = STAmount.from_drops(1) if issue.is_xrp else STAmount(10**15, MIN_EXPONENT, issue)
    if up != smallest:
        assert mul_round(-a, b, issue, False) == -up


# -- round trips ------------------------------------------------------------------------------


@given(iou_values())
def test_iou_text_round_trips(value: IOUAmount) -> None:
    assert IOUAmount.from_string(value.to_string()) == value


@given(st.one_of(st_amounts(USD), SIGNED_DROPS))
def test_wire_round_trips(amount: STAmount) -> None:
    blob = amount.to_wire()
    assert len(blob) == (8 if amount.native else 48)
    assert STAmount.from_wire(blob) == (amount, len(blob))
    assert STAmount.from_value_text(amount.value_text(), amount.issue) == amount


@given(st.one_of(st_amounts(USD), st.integers(0, 10**17).map(STAmount.from_drops)))
def test_wire_bytes_match_xrpl_py(amount: STAmount) -> None:
    if amount.native:
        as_json: str | dict[str, str] = amount.value_text()
    else:
        as_json = {
            "currency": currency_to_code(amount.issue.currency),
            "issuer": encode_classic_address(amount.issue.account),
            "value": amount.value_text(),
        }
    assert amount.to_wire().hex().upper() == XrplAmount.from_value(as_json).to_hex()


@given(st.binary(max_size=60), st.integers(0, 12))
def test_decoding_arbitrary_bytes_is_canonical_or_an_amount_error(data: bytes, pos: int) -> None:
    """Whatever the bytes, from_wire decodes them to an amount that encodes back to exactly
    the same bytes, or raises AmountError: never IndexError, struct.error or a silent fix-up."""
    try:
        amount, end = STAmount.from_wire(data, pos)
    except AmountError:
        return
    assert amount.to_wire() == data[pos:end]


NUMBER_LIKE = st.from_regex(r"[-+]?[0-9]{1,25}(\.[0-9]{1,25})?([eE][-+]?[0-9]{1,4})?", fullmatch=True)


@given(st.one_of(st.text(max_size=30), NUMBER_LIKE))
def test_parsing_arbitrary_text_gives_an_amount_or_an_amount_error(text: str) -> None:
    for issue in (USD, XRP_ISSUE):
        try:
            amount = STAmount.from_value_text(text, issue)
        except AmountError:
            continue
        assert STAmount.from_value_text(amount.value_text(), issue) == amount


# -- quality ----------------------------------------------------------------------------------

OFFER_SIDES = st.one_of(positive_iou(USD, -20, 20), POSITIVE_DROPS)


@given(OFFER_SIDES, OFFER_SIDES)
def test_quality_rate_is_within_one_unit_of_the_exact_ratio(out: STAmount, in_: STAmount) -> None:
    rate = Quality.from_amounts(out, in_).rate()
    # divide's "+5" rounds a 17-digit intermediate; a 17-digit drop count as the divisor leaves
    # a 16-digit one, and the +5 then lands in the last place (rippled does the same).
    tolerance = 6 if out.native and out.mantissa >= 10**16 else 1
    assert abs(exact(rate) - exact(in_) / exact(out)) < tolerance * ulp(rate)


@given(OFFER_SIDES, OFFER_SIDES, OFFER_SIDES, OFFER_SIDES)
def test_quality_order_agrees_with_exact_ratios(
    out1: STAmount, in1: STAmount, out2: STAmount, in2: STAmount
) -> None:
    ratio1 = exact(in1) / exact(out1)
    ratio2 = exact(in2) / exact(out2)
    q1 = Quality.from_amounts(out1, in1)
    q2 = Quality.from_amounts(out2, in2)
    # The encoded rates carry 16 digits, so ratios closer than that may tie or swap by one.
    if ratio1 * (1 + Fraction(1, 10**14)) < ratio2:
        assert q1 > q2 and q1.value < q2.value
    elif ratio2 * (1 + Fraction(1, 10**14)) < ratio1:
        assert q2 > q1
    if ratio1 == ratio2 and out1.issue == out2.issue and in1.issue == in2.issue:
        assert abs(exact(q1.rate()) - exact(q2.rate())) <= max(ulp(q1.rate()), ulp(q2.rate()))


@given(st.integers(1, 2**64 - 1), st.integers(0, 16))
def test_rounding_a_quality_never_improves_it(value: int, digits: int) -> None:
    assume(value & ((1 << 56) - 1) < 10**16)
    assert Quality(value).round(digits) <= Quality(value)


@st.composite
def offers_and_limits(draw: st.DrawFn) -> tuple[STAmount, STAmount, STAmount]:
    in_ = draw(OFFER_SIDES)
    out = draw(OFFER_SIDES)
    fraction = draw(st.fractions(Fraction(1, 10**6), Fraction(999, 1000)))
    limit_value = exact(out) * fraction
    if out.native:
        limit = STAmount.from_drops(max(1, int(limit_value)))
    else:
        limit = STAmount.from_iou(
            IOUAmount(limit_value.numerator * 10**20 // limit_value.denominator, -20), out.issue
        )
    assume(limit < out and not limit.is_zero)
    return in_, out, limit


@given(offers_and_limits(), st.booleans())
def test_ceil_out_never_exceeds_the_limit_nor_beats_the_quality(
    offer: tuple[STAmount, STAmount, STAmount], strict: bool
) -> None:
    in_, out, limit = offer
    quality = Quality.from_amounts(out, in_)
    ceil = quality.ceil_out_strict if strict else quality.ceil_out
    got_in, got_out = ceil(in_, out, limit, True)
    assert got_out == limit
    assert got_in <= in_
    needed = exact(limit) * exact(quality.rate())
    # The taker pays at least the quality's price (to rippled's rounding: a tenth of a drop
    # for the legacy XRP rounding, 16 digits of the rate and of the result otherwise).
    slack = Fraction(1, 10) if in_.native and not strict else Fraction(0)
    assert exact(got_in) >= needed * (1 - Fraction(1, 10**15)) - slack


@given(offers_and_limits())
def test_ceil_in_caps_the_input_and_never_pays_out_more_than_the_offer(
    offer: tuple[STAmount, STAmount, STAmount],
) -> None:
    out, in_, limit = offer  # the same generator, with the limit on the input side
    quality = Quality.from_amounts(out, in_)
    got_in, got_out = quality.ceil_in(in_, out, limit)
    assert got_in == limit
    assert got_out <= out
    if got_out != out:
        owed = exact(limit) / exact(quality.rate())
        assert owed - ulp(got_out) / 10 < exact(got_out) < owed + 2 * ulp(got_out)


# -- mul_ratio --------------------------------------------------------------------------------


@given(
    iou_values(-60, 60).filter(lambda v: v.signum() > 0),
    st.integers(0, 2**32 - 1),
    st.integers(1, 2**32 - 1),
)
def test_iou_mul_ratio_rounding_directions(value: IOUAmount, num: int, den: int) -> None:
    true_value = exact(value) * num / den
    down = value.mul_ratio(num, den, False)
    up = value.mul_ratio(num, den, True)
    assert exact(down) <= true_value
    assert up >= down
    if up:
        assert exact(up) > true_value - Fraction(10) ** up.exponent


@given(st.integers(-(10**17), 10**17), st.integers(0, 2**32 - 1), st.integers(1, 2**32 - 1))
def test_xrp_mul_ratio_is_an_exact_floor_or_ceiling(drops: int, num: int, den: int) -> None:
    true_value = Fraction(drops * num, den)
    assume(abs(true_value) < 2**63 - 1)
    assert XRPAmount(drops).mul_ratio(num, den, False).drops == true_value.__floor__()
    assert XRPAmount(drops).mul_ratio(num, den, True).drops == true_value.__ceil__()
