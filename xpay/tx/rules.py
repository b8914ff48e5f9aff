"""The rules a ledger is built under (rippled's Rules, plus the node's NETWORK_ID).

rippled reads the network ID from the node's config and the enabled amendments from the ledger.
xpay passes both in one frozen value, so every stage sees the same rules and nothing is global.

* `network_id`: xpay networks use an ID above 1024, and for those rippled (preflight0) requires
  every transaction to carry a matching NetworkID field (telREQUIRES_NETWORK_ID when absent,
  telWRONG_NETWORK when different); at 1024 and below the field is forbidden
  (telNETWORK_ID_MAKES_TX_NON_CANONICAL), as on the XRPL mainnet.
* `features`: switches for behaviour that rippled gates behind an amendment not (yet) part of
  xpay's baseline. Everything xpay implements otherwise behaves as rippled with today's mainnet
  amendments enabled (fixMasterKeyAsRegularKey, DepositAuth, DepositPreauth, DisallowIncoming,
  fixTrustLinesToSelf, fix1578, DeletableAccounts, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

LEGACY_NETWORK_ID_MAX: Final = 1024
"""Networks with an ID up to this one must NOT put NetworkID in transactions (rippled)."""

FEATURE_DEEP_FREEZE: Final = "DeepFreeze"
"""XLS-77 deep freeze: TrustSet's tfSetDeepFreeze / tfClearDeepFreeze. Off by default: the payment
engine does not model deep-frozen lines, so the flags are refused (temINVALID_FLAG) without it."""

KNOWN_FEATURES: Final = frozenset({FEATURE_DEEP_FREEZE})


@dataclass(frozen=True, slots=True)
class Rules:
    """Network ID and feature switches, fixed for a ledger."""

    network_id: int
    features: frozenset[str] = frozenset()
    requires_network_id: bool = field(init=False, repr=False, compare=False)
    """True on xpay networks (ID above 1024): transactions must name the network. Worked out
    once: every transaction's preflight asks."""

    def __post_init__(self) -> None:
        if not 0 <= self.network_id <= 0xFFFFFFFF:
            raise ValueError(f"a network ID is a uint32, not {self.network_id}")
        unknown = self.features - KNOWN_FEATURES
        if unknown:
            raise ValueError(f"unknown features: {', '.join(sorted(unknown))}")
        object.__setattr__(self, "requires_network_id", self.network_id > LEGACY_NETWORK_ID_MAX)

    def enabled(self, feature: str) -> bool:
        return feature in self.features
