"""STNumber text and wire forms agree with xrpl-py's Number (rippled's Number semantics)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from xrpl.core.binarycodec.types.number import Number

from xpay.codec import CodecError, STNumber


@st.composite
def number_texts(draw: st.DrawFn) -> str:
    mantissa = draw(st.integers(min_value=-(10**25), max_value=10**25))
    if draw(st.booleans()):
        return f"{mantissa}e{draw(st.integers(min_value=-60, max_value=60))}"
    digits = str(abs(mantissa))
    point = draw(st.integers(min_value=0, max_value=len(digits)))
    text = digits[:point] + ("." + digits[point:] if point < len(digits) else "")
    text = text.lstrip("0") or "0"
    if text.startswith("."):
        text = "0" + text
    return ("-" if mantissa < 0 else "") + text


@given(number_texts())
def test_number_serialises_and_prints_as_xrpl_py(text: str) -> None:
    ours = STNumber.from_text(text)
    theirs = bytes(Number.from_value(text))
    assert ours.to_wire() == theirs
    assert ours.to_text() == Number(theirs).to_json()
    assert STNumber.from_wire(theirs) == ours
    assert STNumber.from_text(ours.to_text()).to_wire() == theirs


@given(st.binary(min_size=12, max_size=12))
def test_any_twelve_bytes_round_trip(blob: bytes) -> None:
    assert STNumber.from_wire(blob).to_wire() == blob


@given(st.text(max_size=30))
def test_junk_text_is_a_codec_error_or_a_number(text: str) -> None:
    try:
        STNumber.from_text(text)
    except CodecError as exc:
        assert "Number" in exc.message
