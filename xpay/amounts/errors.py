"""Errors raised by the amount types.

rippled throws `std::runtime_error` / `std::overflow_error` from STAmount's canonicalisation and
from amountFromString; here bad input is an `AmountError` (a ValueError, so an API layer can map
it to `invalidParams`), and a value outside the representable range is its subclass
`AmountOverflow`. Mixing amount kinds (XRP with IOU, two issues) is a bug, not bad input, and
raises TypeError instead.
"""

from __future__ import annotations


class AmountError(ValueError):
    """An amount, currency code, value text or wire encoding that the XRPL would reject."""


class AmountOverflow(AmountError):
    """A value outside the range an XRPL amount can represent (rippled's "value overflow")."""
