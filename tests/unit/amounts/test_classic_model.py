"""Differential tests: xpay's shortcut arithmetic against the step-by-step classic model."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st

from tests.unit.amounts import classic_model as model
from xpay.amounts import (
    NO_ISSUE,
    XRP_ISSUE,
    AmountOverflow,
    IOUAmount,
    Issue,
    STAmount,
    div_round,
    divide,
    get_rate,
    mul_round,
    mul_round_strict,
    multiply,
)

EXPONENTS = st.one_of(st.integers(-96, 80), st.integers(-20, 5))
IOU_AMOUNTS = st.one_of(
    st.just(STAmount.zero(NO_ISSUE)),
    st.builds(
        lambda m, e, neg: STAmount(-m if neg else m, e, NO_ISSUE),
        st.integers(10**15, 10**16 - 1),
        EXPONENTS,
        st.booleans(),
    ),
    # Round-looking values exercise the exact (no remainder) paths.
    st.builds(
        lambda m, e, neg: STAmount(-m if neg else m, e, NO_ISSUE),
        st.integers(1, 999),
        st.integers(-6, 6),
        st.booleans(),
    ),
)
XRP_AMOUNTS = st.builds(
    lambda d, neg: STAmount.from_drops(-d if neg else d),
    st.one_of(st.integers(0, 10**17), st.integers(0, 10_000), st.integers(0, 10**9)),
    st.booleans(),
)
AMOUNTS = st.one_of(IOU_AMOUNTS, XRP_AMOUNTS)
RESULT_ISSUES = st.sampled_from([NO_ISSUE, XRP_ISSUE])


def as_model(amount: STAmount) -> model.Value:
    return (abs(amount.mantissa), amount.exponent, amount.mantissa < 0, amount.native)


def from_model(value: model.Value) -> tuple[int, int, bool]:
    magnitude, offset, negative, native = value
    return (-magnitude if negative else magnitude, offset, native)


def outcome(compute: Callable[[], STAmount]) -> tuple[int, int, bool] | str:
    try:
        result = compute()
    except AmountOverflow:
        return "overflow"
    return (result.mantissa, result.exponent, result.native)


def model_outcome(compute: Callable[[], model.Value]) -> tuple[int, int, bool] | str:
    try:
        return from_model(compute())
    except model.ModelOverflow:
        return "overflow"


@given(st.integers(-(10**25), 10**25), st.integers(-130, 100))
def test_iou_normalisation_matches(mantissa: int, exponent: int) -> None:
    def ours() -> STAmount:
        iou = IOUAmount(mantissa, exponent)
        return STAmount.from_iou(iou, NO_ISSUE)

    expected = model_outcome(lambda: model.canonicalize(abs(mantissa), exponent, mantissa < 0, False))
    assert outcome(ours) == expected


@given(st.integers(-(10**20), 10**20), st.integers(-25, 20))
def test_native_canonicalisation_matches(mantissa: int, exponent: int) -> None:
    expected = model_outcome(lambda: model.canonicalize(abs(mantissa), exponent, mantissa < 0, True))
    assert outcome(lambda: STAmount(mantissa, exponent, XRP_ISSUE)) == expected


@given(st.data())
def test_addition_matches(data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from([IOU_AMOUNTS, XRP_AMOUNTS]))
    a, b = data.draw(kind), data.draw(kind)
    for operand, ours in ((b, lambda: a + b), (-b, lambda: a - b)):
        expected = model_outcome(lambda: model.add(as_model(a), as_model(operand)))  # noqa: B023
        if a.native and abs(a.mantissa + operand.mantissa) > 10**17:
            expected = "overflow"  # rippled leaves native sums unchecked; xpay keeps 10**17
        assert outcome(ours) == expected


@given(AMOUNTS, AMOUNTS, RESULT_ISSUES)
def test_multiply_matches(a: STAmount, b: STAmount, issue: Issue) -> None:
    expected = model_outcome(lambda: model.multiply(as_model(a), as_model(b), issue.is_xrp))
    assert outcome(lambda: multiply(a, b, issue)) == expected


@given(AMOUNTS, AMOUNTS, RESULT_ISSUES)
def test_divide_matches(a: STAmount, b: STAmount, issue: Issue) -> None:
    if b.is_zero:
        return
    expected = model_outcome(lambda: model.divide(as_model(a), as_model(b), issue.is_xrp))
    assert outcome(lambda: divide(a, b, issue)) == expected


@given(AMOUNTS, AMOUNTS, RESULT_ISSUES, st.booleans(), st.booleans())
def test_mul_round_matches(a: STAmount, b: STAmount, issue: Issue, round_up: bool, strict: bool) -> None:
    ours = mul_round_strict if strict else mul_round
    expected = model_outcome(
        lambda: model.mul_round(as_model(a), as_model(b), issue.is_xrp, round_up, strict)
    )
    assert outcome(lambda: ours(a, b, issue, round_up)) == expected


@given(AMOUNTS, AMOUNTS, RESULT_ISSUES, st.booleans())
def test_div_round_matches(a: STAmount, b: STAmount, issue: Issue, round_up: bool) -> None:
    if b.is_zero:
        return
    expected = model_outcome(lambda: model.div_round(as_model(a), as_model(b), issue.is_xrp, round_up))
    assert outcome(lambda: div_round(a, b, issue, round_up)) == expected


@given(AMOUNTS, AMOUNTS)
def test_get_rate_matches(out: STAmount, in_: STAmount) -> None:
    assert get_rate(out, in_) == model.get_rate(as_model(out), as_model(in_))


@given(
    st.integers(10**15, 10**16 - 1),
    st.integers(-96, 80),
    st.booleans(),
    st.integers(0, 2**32 - 1),
    st.integers(1, 2**32 - 1),
    st.booleans(),
)
def test_iou_mul_ratio_matches(
    mantissa: int, exponent: int, negative: bool, num: int, den: int, round_up: bool
) -> None:
    signed = -mantissa if negative else mantissa
    try:
        expected: tuple[int, int] | str = model.mul_ratio_iou(signed, exponent, num, den, round_up)
    except model.ModelOverflow:
        expected = "overflow"
    try:
        result = IOUAmount(signed, exponent).mul_ratio(num, den, round_up)
        got: tuple[int, int] | str = (result.mantissa, result.exponent)
    except AmountOverflow:
        got = "overflow"
    assert got == expected
