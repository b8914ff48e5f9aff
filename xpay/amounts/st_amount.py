"""STAmount: an amount together with its issue, as rippled's STAmount (classic arithmetic).

For XRP, `mantissa` is the signed number of drops and `exponent` is 0; |drops| <= 10**17, the
most XRP that can exist and the largest native value the wire format admits. For an issued
currency, (mantissa, exponent) is a canonical IOU value (see iou_amount.py) and `issue` names
the currency and issuer.

Construction canonicalises exactly as rippled's STAmount::canonicalize: native values with a
negative exponent are truncated to whole drops, issued values are normalised. Addition and
subtraction need the same issue (a TypeError otherwise, where rippled would throw at run time);
equality across issues is simply False.

The wire format is the XRPL's Amount field: 8 bytes for XRP (bit 63 clear, bit 62 set for
non-negative, 62 bits of drops) and 48 bytes for an issued currency (bit 63 set, bit 62 the
sign, 8 bits of exponent + 97, 54 bits of mantissa; zero is exactly 0x8000000000000000), then
the 20-byte currency and the 20-byte issuer. Decoding rejects what rippled rejects: negative
zero XRP, the XRP currency or the zero account inside an IOU amount, a mantissa or exponent
outside the canonical range, a zero with stray bits. It also rejects MPT amounts (not supported
by xpay) and native values above 10**17.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, NoReturn

from xpay.amounts.errors import AmountError, AmountOverflow
from xpay.amounts.iou_amount import (
    MAX_EXPONENT,
    MAX_MANTISSA,
    MIN_EXPONENT,
    MIN_MANTISSA,
    ZERO_EXPONENT,
    IOUAmount,
    _iou,
    add_iou,
    canonical_iou,
    iou_less,
    normalize_iou,
    pow10,
)
from xpay.amounts.issue import _WIRE_CACHE, XRP_ISSUE, Issue, issue_from_key
from xpay.amounts.text import format_amount_text, parse_amount_text
from xpay.amounts.xrp_amount import XRPAmount, _mixed_equality, _xrp

MAX_NATIVE_DROPS = 10**17
"""rippled's cMaxNativeN: the largest native amount, INITIAL_XRP in drops."""

_ISSUED_BIT = 0x8000000000000000
_POSITIVE_BIT = 0x4000000000000000
_MPT_BIT = 0x2000000000000000
_NATIVE_VALUE_MASK = 0x1FFFFFFFFFFFFFFF
_IOU_MANTISSA_MASK = (1 << 54) - 1
_IOU_ZERO_WIRE = _ISSUED_BIT.to_bytes(8, "big")
_cached_issue = _WIRE_CACHE.get  # issues already validated on an earlier decode
_ZERO20 = bytes(20)


class STAmount:
    """An XRPL amount: drops of XRP, or an IOU value with its currency and issuer."""

    __slots__ = ("exponent", "issue", "mantissa", "native")

    mantissa: int
    """Signed: drops for XRP, the canonical IOU mantissa otherwise."""
    exponent: int
    """0 for XRP; the canonical IOU exponent otherwise (-100 for zero)."""
    issue: Issue
    native: bool
    """True for XRP (the issue is XRP_ISSUE)."""
    _amount_kind: ClassVar[str] = "STAmount"

    def __init__(self, mantissa: int, exponent: int, issue: Issue) -> None:
        """mantissa * 10**exponent of `issue`, canonicalised as rippled's STAmount constructor."""
        if type(mantissa) is not int or type(exponent) is not int:
            raise TypeError("STAmount takes an int mantissa and an int exponent")
        if type(issue) is not Issue:
            raise TypeError(f"STAmount takes an Issue, not {type(issue).__name__}")
        if issue.is_xrp:
            drops = canonical_drops(-mantissa if mantissa < 0 else mantissa, exponent)
            _init(self, -drops if mantissa < 0 else drops, 0, issue, True)
        else:
            m, e = normalize_iou(mantissa, exponent)
            _init(self, m, e, issue, False)

    # -- constructors -------------------------------------------------------------------------

    @classmethod
    def from_drops(cls, drops: int) -> STAmount:
        """A native amount of `drops` (|drops| <= 10**17)."""
        if type(drops) is not int:
            raise TypeError(f"drops must be an int, not {type(drops).__name__}")
        if not -MAX_NATIVE_DROPS <= drops <= MAX_NATIVE_DROPS:
            raise AmountOverflow(
                f"native amount {drops} drops out of range [-{MAX_NATIVE_DROPS}, {MAX_NATIVE_DROPS}]"
            )
        return _st(drops, 0, XRP_ISSUE, True)

    @classmethod
    def from_xrp(cls, amount: XRPAmount) -> STAmount:
        """The STAmount of an XRPAmount (range-checked, as rippled's canonicalize does)."""
        if type(amount) is not XRPAmount:
            raise TypeError(f"from_xrp takes an XRPAmount, not {type(amount).__name__}")
        return cls.from_drops(amount.drops)

    @classmethod
    def from_iou(cls, amount: IOUAmount, issue: Issue) -> STAmount:
        """The STAmount of an IOUAmount in a (non-XRP) issue."""
        if type(amount) is not IOUAmount:
            raise TypeError(f"from_iou takes an IOUAmount, not {type(amount).__name__}")
        if type(issue) is not Issue:
            raise TypeError(f"from_iou takes an Issue, not {type(issue).__name__}")
        if issue.is_xrp:
            raise TypeError("an IOUAmount cannot be an XRP amount: use from_xrp or from_drops")
        return _st(amount.mantissa, amount.exponent, issue, False)

    @classmethod
    def from_value_text(cls, text: str, issue: Issue) -> STAmount:
        """Parse value text for `issue` as rippled's amountFromString.

        XRP takes whole drops ("1000000", or "1e6"; a fraction or negative exponent is an
        error); an issued currency takes any decimal or scientific value, canonicalised
        (digits past the sixteenth are truncated).
        """
        if type(issue) is not Issue:
            raise TypeError(f"from_value_text takes an Issue, not {type(issue).__name__}")
        magnitude, exponent, negative = parse_amount_text(text)
        if issue.is_xrp:
            if exponent < 0:
                raise AmountError(f"{text!r}: XRP must be specified as an integral number of drops")
            drops = canonical_drops(magnitude, exponent)
            return _st(-drops if negative else drops, 0, issue, True)
        m, e = normalize_iou(-magnitude if negative else magnitude, exponent)
        return _st(m, e, issue, False)

    @classmethod
    def zero(cls, issue: Issue) -> STAmount:
        """Zero of `issue`."""
        if issue.is_xrp:
            return _st(0, 0, issue, True)
        return _st(0, ZERO_EXPONENT, issue, False)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"STAmount is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"STAmount is immutable (cannot delete {name!r})")

    def __reduce__(self) -> tuple[type[STAmount], tuple[int, int, Issue]]:
        return (STAmount, (self.mantissa, self.exponent, self.issue))

    def __copy__(self) -> STAmount:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> STAmount:
        return self

    # -- accessors ----------------------------------------------------------------------------

    @property
    def is_zero(self) -> bool:
        return self.mantissa == 0

    @property
    def negative(self) -> bool:
        return self.mantissa < 0

    def __bool__(self) -> bool:
        return self.mantissa != 0

    def signum(self) -> int:
        """-1, 0 or 1 as the amount is negative, zero or positive."""
        m = self.mantissa
        return (m > 0) - (m < 0)

    def xrp(self) -> XRPAmount:
        """The drops of a native amount; TypeError for an issued currency."""
        if not self.native:
            raise TypeError(f"{self!r} is not an XRP amount")
        return _xrp(self.mantissa)

    def iou(self) -> IOUAmount:
        """The value of an issued-currency amount; TypeError for XRP."""
        if self.native:
            raise TypeError(f"{self!r} is an XRP amount, not an IOU")
        return _iou(self.mantissa, self.exponent)

    def value_text(self) -> str:
        """Drops as an integer for XRP; rippled's getText for an issued currency."""
        if self.native:
            return str(self.mantissa)
        return format_amount_text(self.mantissa, self.exponent)

    def with_issue(self, issue: Issue) -> STAmount:
        """The same IOU value in another issued currency (rippled's setIssue)."""
        if self.native or issue.is_xrp:
            raise TypeError("with_issue only moves a value between issued currencies")
        return _st(self.mantissa, self.exponent, issue, False)

    # -- arithmetic ---------------------------------------------------------------------------

    def __add__(self, other: STAmount) -> STAmount:
        if type(other) is not STAmount:
            return NotImplemented
        issue = self.issue
        if issue is not other.issue and issue.key != other.issue.key:
            _incomparable(self, other, "add")
        m2 = other.mantissa
        if m2 == 0:
            return self
        m1 = self.mantissa
        if m1 == 0:
            return other
        if self.native:
            return _native_sum(m1 + m2, issue)
        m, e = add_iou(m1, self.exponent, m2, other.exponent)
        return _st(m, e, issue, False)

    def __sub__(self, other: STAmount) -> STAmount:
        if type(other) is not STAmount:
            return NotImplemented
        issue = self.issue
        if issue is not other.issue and issue.key != other.issue.key:
            _incomparable(self, other, "subtract")
        m2 = other.mantissa
        if m2 == 0:
            return self
        m1 = self.mantissa
        if self.native:
            return _native_sum(m1 - m2, issue)
        if m1 == 0:
            return _st(-m2, other.exponent, issue, False)
        m, e = add_iou(m1, self.exponent, -m2, other.exponent)
        return _st(m, e, issue, False)

    def __neg__(self) -> STAmount:
        if self.mantissa == 0:
            return self
        return _st(-self.mantissa, self.exponent, self.issue, self.native)

    def __pos__(self) -> STAmount:
        return self

    def __abs__(self) -> STAmount:
        if self.mantissa >= 0:
            return self
        return _st(-self.mantissa, self.exponent, self.issue, self.native)

    # -- comparisons --------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if type(other) is STAmount:
            return (
                self.mantissa == other.mantissa
                and self.exponent == other.exponent
                and (self.issue is other.issue or self.issue.key == other.issue.key)
            )
        return _mixed_equality(self, other)

    def __hash__(self) -> int:
        return hash((self.mantissa, self.exponent, self.issue.key))

    def __lt__(self, other: STAmount) -> bool:
        if type(other) is not STAmount:
            return NotImplemented
        if self.issue is not other.issue and self.issue.key != other.issue.key:
            _incomparable(self, other, "compare")
        if self.native:
            return self.mantissa < other.mantissa
        return iou_less(self.mantissa, self.exponent, other.mantissa, other.exponent)

    def __le__(self, other: STAmount) -> bool:
        if type(other) is not STAmount:
            return NotImplemented
        if self.issue is not other.issue and self.issue.key != other.issue.key:
            _incomparable(self, other, "compare")
        if self.native:
            return self.mantissa <= other.mantissa
        return not iou_less(other.mantissa, other.exponent, self.mantissa, self.exponent)

    def __gt__(self, other: STAmount) -> bool:
        if type(other) is not STAmount:
            return NotImplemented
        if self.issue is not other.issue and self.issue.key != other.issue.key:
            _incomparable(self, other, "compare")
        if self.native:
            return self.mantissa > other.mantissa
        return iou_less(other.mantissa, other.exponent, self.mantissa, self.exponent)

    def __ge__(self, other: STAmount) -> bool:
        if type(other) is not STAmount:
            return NotImplemented
        if self.issue is not other.issue and self.issue.key != other.issue.key:
            _incomparable(self, other, "compare")
        if self.native:
            return self.mantissa >= other.mantissa
        return not iou_less(self.mantissa, self.exponent, other.mantissa, other.exponent)

    # -- wire format --------------------------------------------------------------------------

    def to_wire(self) -> bytes:
        """The XRPL binary Amount: 8 bytes for XRP, 48 bytes for an issued currency."""
        m = self.mantissa
        if self.native:
            if m >= 0:
                return (m | _POSITIVE_BIT).to_bytes(8, "big")
            return (-m).to_bytes(8, "big")
        if m == 0:
            return _IOU_ZERO_WIRE + self.issue.key
        if m > 0:
            head = m | ((self.exponent + 512 + 256 + 97) << 54)
        else:
            head = -m | ((self.exponent + 512 + 97) << 54)
        return head.to_bytes(8, "big") + self.issue.key

    @classmethod
    def from_wire(
        cls, data: bytes | bytearray | memoryview, pos: int = 0
    ) -> tuple[STAmount, int]:
        """Decode an Amount at data[pos:]; returns the amount and the position after it."""
        if pos < 0:
            raise AmountError(f"Amount at offset {pos}: negative offset")
        end = pos + 8
        if len(data) < end:
            raise AmountError(
                f"Amount at offset {pos}: truncated, need 8 bytes, have {max(len(data) - pos, 0)}"
            )
        value = int.from_bytes(data[pos:end], "big")
        if not value & _ISSUED_BIT:
            if value & _MPT_BIT:
                raise AmountError(f"Amount at offset {pos}: MPT amounts are not supported")
            drops = value & _NATIVE_VALUE_MASK
            if drops > MAX_NATIVE_DROPS:
                raise AmountOverflow(
                    f"Amount at offset {pos}: native amount {drops} drops exceeds {MAX_NATIVE_DROPS}"
                )
            if value & _POSITIVE_BIT:
                return _st(drops, 0, XRP_ISSUE, True), end
            if drops == 0:
                raise AmountError(f"Amount at offset {pos}: negative zero XRP is not canonical")
            return _st(-drops, 0, XRP_ISSUE, True), end
        tail_end = end + 40
        if len(data) < tail_end:
            raise AmountError(
                f"Amount at offset {pos}: truncated, an issued amount needs 48 bytes, "
                f"have {max(len(data) - pos, 0)}"
            )
        key = data[end:tail_end]
        if type(key) is not bytes:
            key = bytes(key)
        issue = _cached_issue(key)
        if issue is None:
            if key[:20] == _ZERO20:
                raise AmountError(f"Amount at offset {pos}: the XRP currency in an issued amount")
            if key[20:] == _ZERO20:
                raise AmountError(f"Amount at offset {pos}: the zero account as an issuer")
            issue = issue_from_key(key)
        top = value >> 54
        mantissa = value & _IOU_MANTISSA_MASK
        if mantissa == 0:
            if top != 512:
                raise AmountError(
                    f"Amount at offset {pos}: non-canonical zero 0x{value:016X} "
                    "(an issued zero is exactly 0x8000000000000000)"
                )
            return _st(0, ZERO_EXPONENT, issue, False), tail_end
        exponent = (top & 255) - 97
        if not MIN_MANTISSA <= mantissa <= MAX_MANTISSA:
            raise AmountError(
                f"Amount at offset {pos}: mantissa {mantissa} out of range "
                f"[{MIN_MANTISSA}, {MAX_MANTISSA}]"
            )
        if not MIN_EXPONENT <= exponent <= MAX_EXPONENT:
            raise AmountError(
                f"Amount at offset {pos}: IOU exponent {exponent} out of range "
                f"[{MIN_EXPONENT}, {MAX_EXPONENT}]"
            )
        if not top & 256:
            mantissa = -mantissa
        return _st(mantissa, exponent, issue, False), tail_end

    # -- text ---------------------------------------------------------------------------------

    def __str__(self) -> str:
        if self.native:
            return f"{self.mantissa} drops"
        return f"{self.value_text()}/{self.issue!r}"

    def __repr__(self) -> str:
        if self.native:
            return f"STAmount.from_drops({self.mantissa})"
        return f"STAmount.from_value_text({self.value_text()!r}, {self.issue!r})"


_setters: dict[str, Callable[[STAmount, object], None]] = {
    name: STAmount.__dict__[name].__set__ for name in STAmount.__slots__
}
_set_mantissa = _setters["mantissa"]
_set_exponent = _setters["exponent"]
_set_issue = _setters["issue"]
_set_native = _setters["native"]


def _init(amount: STAmount, mantissa: int, exponent: int, issue: Issue, native: bool) -> None:
    _set_mantissa(amount, mantissa)
    _set_exponent(amount, exponent)
    _set_issue(amount, issue)
    _set_native(amount, native)


class _STBlank:
    """STAmount's slot layout without its write guard (see iou_amount._iou for why)."""

    __slots__ = STAmount.__slots__
    mantissa: int
    exponent: int
    issue: Issue
    native: bool


def _st(mantissa: int, exponent: int, issue: Issue, native: bool) -> STAmount:
    """Build an STAmount from canonical parts (the hot path: no checks)."""
    amount = _STBlank()
    amount.mantissa = mantissa
    amount.exponent = exponent
    amount.issue = issue
    amount.native = native
    amount.__class__ = STAmount  # type: ignore[assignment]
    return amount  # type: ignore[return-value]


def native_wire(drops: int) -> bytes:
    """The 8-byte wire form of a native amount of `drops`: STAmount.from_drops(drops).to_wire(),
    range check included, without building the STAmount (ledger entries keep XRP as drops)."""
    if drops >= 0:
        if drops > MAX_NATIVE_DROPS:
            raise AmountOverflow(f"native amount {drops} drops out of range (at most {MAX_NATIVE_DROPS})")
        return (drops | _POSITIVE_BIT).to_bytes(8, "big")
    if drops < -MAX_NATIVE_DROPS:
        raise AmountOverflow(f"native amount {drops} drops out of range (at most {MAX_NATIVE_DROPS})")
    return (-drops).to_bytes(8, "big")


def canonical_drops(magnitude: int, exponent: int) -> int:
    """Whole drops for magnitude * 10**exponent, as canonicalize() does for XRP.

    A negative exponent truncates; a result above 10**17 drops raises AmountOverflow.
    """
    if magnitude == 0 or exponent <= -20:
        return 0
    if exponent > 17:
        raise AmountOverflow(f"native amount {magnitude}e{exponent} drops out of range")
    if exponent < 0:
        magnitude //= pow10(-exponent)
    elif exponent > 0:
        magnitude *= pow10(exponent)
    if magnitude > MAX_NATIVE_DROPS:
        raise AmountOverflow(
            f"native amount {magnitude} drops out of range (at most {MAX_NATIVE_DROPS})"
        )
    return magnitude


def canonical(magnitude: int, exponent: int, negative: bool, issue: Issue) -> STAmount:
    """rippled's STAmount(asset, mantissa, exponent, negative): canonicalise for `issue`."""
    if issue.is_xrp:
        drops = canonical_drops(magnitude, exponent)
        return _st(-drops if negative else drops, 0, issue, True)
    m, e = canonical_iou(magnitude, exponent, negative)
    return _st(m, e, issue, False)


def _native_sum(drops: int, issue: Issue) -> STAmount:
    if -MAX_NATIVE_DROPS <= drops <= MAX_NATIVE_DROPS:
        return _st(drops, 0, issue, True)
    raise AmountOverflow(f"native amount {drops} drops out of range (at most {MAX_NATIVE_DROPS})")


def _incomparable(a: STAmount, b: STAmount, verb: str) -> NoReturn:
    raise TypeError(f"cannot {verb} amounts of different issues: {a.issue!r} and {b.issue!r}")
