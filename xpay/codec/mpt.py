"""Multi-purpose token (MPT) amounts and issues, as wire values only.

xpay implements no MPT transactions, but XRPL objects may carry MPT amounts (`Amount` fields
whose first byte has the MPT bit 0x20) and MPT issues (`Issue` fields naming an issuance), so the
codec reads and writes them to keep such blobs round-tripping byte for byte. No arithmetic is
done on them here.

Wire forms (rippled's STAmount / STIssue):
- amount: a flag byte (0x40 positive | 0x20 MPT), the value as a uint64, the 24-byte issuance ID;
- issue: the issuer's account ID, rippled's noAccount() (0…01), and the issuance's sequence
  number — the first four bytes of the issuance ID — which rippled copies into a native
  integer and writes big-endian, so on the wire those four bytes appear reversed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from xpay.codec.errors import CodecError
from xpay.protocol.ids import ACCOUNT_ONE

MPT_AMOUNT_LENGTH: Final = 33
MPT_ISSUE_LENGTH: Final = 44
ISSUANCE_ID_LENGTH: Final = 24
MAX_MPT_VALUE: Final = 2**63 - 1
_POSITIVE: Final = 0x40
_MPT: Final = 0x20
_HEX: Final = frozenset("0123456789abcdefABCDEF")


@dataclass(frozen=True, slots=True)
class MPTAmount:
    """An amount of an MPT: a signed whole number of units of one issuance."""

    value: int
    issuance_id: bytes

    def to_wire(self) -> bytes:
        magnitude = abs(self.value)
        if magnitude > MAX_MPT_VALUE:
            raise CodecError("MPT amount out of range")
        if len(self.issuance_id) != ISSUANCE_ID_LENGTH:
            raise CodecError("an MPT issuance ID is 24 bytes")
        flags = _MPT | (_POSITIVE if self.value >= 0 else 0)
        return bytes((flags,)) + magnitude.to_bytes(8, "big") + self.issuance_id

    @classmethod
    def from_wire(cls, data: bytes) -> MPTAmount:
        if len(data) != MPT_AMOUNT_LENGTH:
            raise CodecError("an MPT amount is 33 bytes")
        flags = data[0]
        if flags & ~(_POSITIVE | _MPT) or not flags & _MPT:
            raise CodecError(f"bad MPT amount flags 0x{flags:02X}")
        magnitude = int.from_bytes(data[1:9], "big")
        if magnitude > MAX_MPT_VALUE:
            raise CodecError("MPT amount out of range")
        if not flags & _POSITIVE and magnitude == 0:
            raise CodecError("negative zero MPT amount")
        return cls(magnitude if flags & _POSITIVE else -magnitude, bytes(data[9:]))

    @classmethod
    def from_value_text(cls, text: str, issuance_id: bytes) -> MPTAmount:
        """Parse an MPT amount's `value`: decimal digits or `0x` and hex digits, non-negative,
        at most 2**63 - 1, never with a decimal point (rippled's amountFromJson for MPTs)."""
        if type(text) is not str:
            raise CodecError(f"an MPT value is a string, not {type(text).__name__}")
        body = text[1:] if text.startswith("-") else text
        if body.startswith("0x"):
            digits = body[2:]
            if not digits or len(digits) > 16 or not set(digits) <= _HEX:
                raise CodecError(f"bad hex MPT value {text!r}")
            value = int(digits, 16)
        elif "." in body:
            raise CodecError(f"an MPT value has no decimal point: {text!r}")
        elif body.isascii() and body.isdigit() and len(body) <= 20:
            value = int(body)
        else:
            raise CodecError(f"bad MPT value {text!r}")
        if text.startswith("-") and value != 0:
            raise CodecError(f"an MPT value may not be negative: {text!r}")
        if value > MAX_MPT_VALUE:
            raise CodecError(f"MPT value too large: {text!r}")
        return cls(value, issuance_id)

    def value_text(self) -> str:
        return str(self.value)


@dataclass(frozen=True, slots=True)
class MPTIssue:
    """An `Issue` field naming an MPT issuance (24 bytes: sequence, then issuer account)."""

    issuance_id: bytes

    def to_wire(self) -> bytes:
        if len(self.issuance_id) != ISSUANCE_ID_LENGTH:
            raise CodecError("an MPT issuance ID is 24 bytes")
        sequence = self.issuance_id[:4]
        return self.issuance_id[4:] + ACCOUNT_ONE + sequence[::-1]

    @classmethod
    def from_wire(cls, data: bytes) -> MPTIssue:
        if len(data) != MPT_ISSUE_LENGTH or data[20:40] != ACCOUNT_ONE:
            raise CodecError("not an MPT issue")
        return cls(bytes(data[40:44][::-1] + data[:20]))
