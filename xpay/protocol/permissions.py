"""Delegation permission values (rippled's Permissions.h): what the `PermissionValue` field holds.

A permission is either a whole transaction type — encoded as its TransactionType code plus one —
or a granular permission (a part of a transaction type) numbered from 65537. The JSON form is the
name in both cases. xpay does not implement delegation; the codec needs the table so that XRPL
blobs carrying `PermissionValue` decode to the names rippled prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from xpay.protocol.transaction_types import TransactionType

GRANULAR_PERMISSIONS: Final[Mapping[str, int]] = {
    "TrustlineAuthorize": 65537,
    "TrustlineFreeze": 65538,
    "TrustlineUnfreeze": 65539,
    "AccountDomainSet": 65540,
    "AccountEmailHashSet": 65541,
    "AccountMessageKeySet": 65542,
    "AccountTransferRateSet": 65543,
    "AccountTickSizeSet": 65544,
    "PaymentMint": 65545,
    "PaymentBurn": 65546,
    "MPTokenIssuanceLock": 65547,
    "MPTokenIssuanceUnlock": 65548,
}

PERMISSION_VALUES: Final[Mapping[str, int]] = {
    **{tx.name: int(tx) + 1 for tx in TransactionType if tx >= 0},
    **GRANULAR_PERMISSIONS,
}
"""Permission name -> the `PermissionValue` number."""

PERMISSION_NAMES: Final[Mapping[int, str]] = {
    code: name for name, code in PERMISSION_VALUES.items()
}
"""`PermissionValue` number -> permission name."""
