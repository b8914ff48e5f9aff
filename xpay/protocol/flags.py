"""XRPL flags: transaction flags (`tf…`) with rippled's valid-flag masks, AccountSet flags
(`asf…`) and ledger entry flags (`lsf…`).

Names and values are rippled's (TxFlags.h, LedgerFormats.h); a unit test checks them against
`definitions.json`. A transactor rejects a transaction with `temINVALID_FLAG` when
`Flags & mask != 0`, where the mask is the complement of the flags its type allows — the
`tf…Mask` constants below, collected per transaction type in `TX_FLAGS_MASK`.
"""

# The XRPL's own names (tfPartialPayment, lsfLowReserve) are kept on purpose: a reader searching
# for a flag by its XRPL name finds it here.

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from xpay.protocol.transaction_types import TransactionType

_U32: Final = 0xFFFFFFFF


def _mask(allowed: int) -> int:
    """rippled's `~(allowed)` on a uint32."""
    return ~allowed & _U32


# --- Universal transaction flags (any transaction type) -------------------------------------------
tfFullyCanonicalSig: Final = 0x80000000
tfInnerBatchTxn: Final = 0x40000000
tfUniversal: Final = tfFullyCanonicalSig | tfInnerBatchTxn
tfUniversalMask: Final = _mask(tfUniversal)

# --- AccountSet -----------------------------------------------------------------------------------
tfRequireDestTag: Final = 0x00010000
tfOptionalDestTag: Final = 0x00020000
tfRequireAuth: Final = 0x00040000
tfOptionalAuth: Final = 0x00080000
tfDisallowXRP: Final = 0x00100000
tfAllowXRP: Final = 0x00200000
tfAccountSetMask: Final = _mask(
    tfUniversal
    | tfRequireDestTag
    | tfOptionalDestTag
    | tfRequireAuth
    | tfOptionalAuth
    | tfDisallowXRP
    | tfAllowXRP
)

# AccountSet's SetFlag / ClearFlag values (not bits: one flag number per transaction).
asfRequireDest: Final = 1
asfRequireAuth: Final = 2
asfDisallowXRP: Final = 3
asfDisableMaster: Final = 4
asfAccountTxnID: Final = 5
asfNoFreeze: Final = 6
asfGlobalFreeze: Final = 7
asfDefaultRipple: Final = 8
asfDepositAuth: Final = 9
asfAuthorizedNFTokenMinter: Final = 10
asfDisallowIncomingNFTokenOffer: Final = 12
asfDisallowIncomingCheck: Final = 13
asfDisallowIncomingPayChan: Final = 14
asfDisallowIncomingTrustline: Final = 15
asfAllowTrustLineClawback: Final = 16
asfAllowTrustLineLocking: Final = 17

# --- OfferCreate ----------------------------------------------------------------------------------
tfPassive: Final = 0x00010000
tfImmediateOrCancel: Final = 0x00020000
tfFillOrKill: Final = 0x00040000
tfSell: Final = 0x00080000
tfHybrid: Final = 0x00100000
tfOfferCreateMask: Final = _mask(
    tfUniversal | tfPassive | tfImmediateOrCancel | tfFillOrKill | tfSell | tfHybrid
)

# --- Payment --------------------------------------------------------------------------------------
tfNoRippleDirect: Final = 0x00010000
tfPartialPayment: Final = 0x00020000
tfLimitQuality: Final = 0x00040000
tfPaymentMask: Final = _mask(tfUniversal | tfPartialPayment | tfLimitQuality | tfNoRippleDirect)

# --- TrustSet -------------------------------------------------------------------------------------
tfSetfAuth: Final = 0x00010000
tfSetNoRipple: Final = 0x00020000
tfClearNoRipple: Final = 0x00040000
tfSetFreeze: Final = 0x00100000
tfClearFreeze: Final = 0x00200000
tfSetDeepFreeze: Final = 0x00400000
tfClearDeepFreeze: Final = 0x00800000
tfTrustSetMask: Final = _mask(
    tfUniversal
    | tfSetfAuth
    | tfSetNoRipple
    | tfClearNoRipple
    | tfSetFreeze
    | tfClearFreeze
    | tfSetDeepFreeze
    | tfClearDeepFreeze
)

# --- EnableAmendment (pseudo-transaction) ---------------------------------------------------------
tfGotMajority: Final = 0x00010000
tfLostMajority: Final = 0x00020000

# --- PaymentChannelClaim --------------------------------------------------------------------------
tfRenew: Final = 0x00010000
tfClose: Final = 0x00020000
tfPayChanClaimMask: Final = _mask(tfUniversal | tfRenew | tfClose)

TRANSACTION_FLAGS: Final[Mapping[str, Mapping[str, int]]] = {
    "universal": {
        "tfFullyCanonicalSig": tfFullyCanonicalSig,
        "tfInnerBatchTxn": tfInnerBatchTxn,
    },
    "AccountSet": {
        "tfRequireDestTag": tfRequireDestTag,
        "tfOptionalDestTag": tfOptionalDestTag,
        "tfRequireAuth": tfRequireAuth,
        "tfOptionalAuth": tfOptionalAuth,
        "tfDisallowXRP": tfDisallowXRP,
        "tfAllowXRP": tfAllowXRP,
    },
    "OfferCreate": {
        "tfPassive": tfPassive,
        "tfImmediateOrCancel": tfImmediateOrCancel,
        "tfFillOrKill": tfFillOrKill,
        "tfSell": tfSell,
        "tfHybrid": tfHybrid,
    },
    "Payment": {
        "tfNoRippleDirect": tfNoRippleDirect,
        "tfPartialPayment": tfPartialPayment,
        "tfLimitQuality": tfLimitQuality,
    },
    "TrustSet": {
        "tfSetfAuth": tfSetfAuth,
        "tfSetNoRipple": tfSetNoRipple,
        "tfClearNoRipple": tfClearNoRipple,
        "tfSetFreeze": tfSetFreeze,
        "tfClearFreeze": tfClearFreeze,
        "tfSetDeepFreeze": tfSetDeepFreeze,
        "tfClearDeepFreeze": tfClearDeepFreeze,
    },
    "EnableAmendment": {
        "tfGotMajority": tfGotMajority,
        "tfLostMajority": tfLostMajority,
    },
    "PaymentChannelClaim": {
        "tfRenew": tfRenew,
        "tfClose": tfClose,
    },
}
"""Transaction type -> its flags by name, in the shape of definitions.json's TRANSACTION_FLAGS."""

ACCOUNT_SET_FLAGS: Final[Mapping[str, int]] = {
    "asfRequireDest": asfRequireDest,
    "asfRequireAuth": asfRequireAuth,
    "asfDisallowXRP": asfDisallowXRP,
    "asfDisableMaster": asfDisableMaster,
    "asfAccountTxnID": asfAccountTxnID,
    "asfNoFreeze": asfNoFreeze,
    "asfGlobalFreeze": asfGlobalFreeze,
    "asfDefaultRipple": asfDefaultRipple,
    "asfDepositAuth": asfDepositAuth,
    "asfAuthorizedNFTokenMinter": asfAuthorizedNFTokenMinter,
    "asfDisallowIncomingNFTokenOffer": asfDisallowIncomingNFTokenOffer,
    "asfDisallowIncomingCheck": asfDisallowIncomingCheck,
    "asfDisallowIncomingPayChan": asfDisallowIncomingPayChan,
    "asfDisallowIncomingTrustline": asfDisallowIncomingTrustline,
    "asfAllowTrustLineClawback": asfAllowTrustLineClawback,
    "asfAllowTrustLineLocking": asfAllowTrustLineLocking,
}

TX_FLAGS_MASK: Final[Mapping[TransactionType, int]] = {
    TransactionType.AccountSet: tfAccountSetMask,
    TransactionType.OfferCreate: tfOfferCreateMask,
    TransactionType.Payment: tfPaymentMask,
    TransactionType.TrustSet: tfTrustSetMask,
    TransactionType.PaymentChannelClaim: tfPayChanClaimMask,
}
"""Per transaction type, the bits that must be clear in `Flags` (rippled's `tf…Mask`)."""


def flags_mask(tx_type: TransactionType) -> int:
    """The invalid-flag mask for a transaction type; types without flags of their own accept only
    the universal flags (rippled checks `tfUniversalMask` for them)."""
    return TX_FLAGS_MASK.get(tx_type, tfUniversalMask)


# --- Ledger entry flags (the `Flags` field of ledger entries) -------------------------------------
# AccountRoot
lsfPasswordSpent: Final = 0x00010000
lsfRequireDestTag: Final = 0x00020000
lsfRequireAuth: Final = 0x00040000
lsfDisallowXRP: Final = 0x00080000
lsfDisableMaster: Final = 0x00100000
lsfNoFreeze: Final = 0x00200000
lsfGlobalFreeze: Final = 0x00400000
lsfDefaultRipple: Final = 0x00800000
lsfDepositAuth: Final = 0x01000000
lsfDisallowIncomingNFTokenOffer: Final = 0x04000000
lsfDisallowIncomingCheck: Final = 0x08000000
lsfDisallowIncomingPayChan: Final = 0x10000000
lsfDisallowIncomingTrustline: Final = 0x20000000
lsfAllowTrustLineLocking: Final = 0x40000000
lsfAllowTrustLineClawback: Final = 0x80000000

# Offer
lsfPassive: Final = 0x00010000
lsfSell: Final = 0x00020000
lsfHybrid: Final = 0x00040000

# RippleState (trust line): each side has its own reserve, auth, no-ripple and freeze bits.
lsfLowReserve: Final = 0x00010000
lsfHighReserve: Final = 0x00020000
lsfLowAuth: Final = 0x00040000
lsfHighAuth: Final = 0x00080000
lsfLowNoRipple: Final = 0x00100000
lsfHighNoRipple: Final = 0x00200000
lsfLowFreeze: Final = 0x00400000
lsfHighFreeze: Final = 0x00800000
lsfAMMNode: Final = 0x01000000
lsfLowDeepFreeze: Final = 0x02000000
lsfHighDeepFreeze: Final = 0x04000000

# SignerList
lsfOneOwnerCount: Final = 0x00010000

LEDGER_ENTRY_FLAGS: Final[Mapping[str, Mapping[str, int]]] = {
    "AccountRoot": {
        "lsfPasswordSpent": lsfPasswordSpent,
        "lsfRequireDestTag": lsfRequireDestTag,
        "lsfRequireAuth": lsfRequireAuth,
        "lsfDisallowXRP": lsfDisallowXRP,
        "lsfDisableMaster": lsfDisableMaster,
        "lsfNoFreeze": lsfNoFreeze,
        "lsfGlobalFreeze": lsfGlobalFreeze,
        "lsfDefaultRipple": lsfDefaultRipple,
        "lsfDepositAuth": lsfDepositAuth,
        "lsfDisallowIncomingNFTokenOffer": lsfDisallowIncomingNFTokenOffer,
        "lsfDisallowIncomingCheck": lsfDisallowIncomingCheck,
        "lsfDisallowIncomingPayChan": lsfDisallowIncomingPayChan,
        "lsfDisallowIncomingTrustline": lsfDisallowIncomingTrustline,
        "lsfAllowTrustLineLocking": lsfAllowTrustLineLocking,
        "lsfAllowTrustLineClawback": lsfAllowTrustLineClawback,
    },
    "Offer": {
        "lsfPassive": lsfPassive,
        "lsfSell": lsfSell,
        "lsfHybrid": lsfHybrid,
    },
    "RippleState": {
        "lsfLowReserve": lsfLowReserve,
        "lsfHighReserve": lsfHighReserve,
        "lsfLowAuth": lsfLowAuth,
        "lsfHighAuth": lsfHighAuth,
        "lsfLowNoRipple": lsfLowNoRipple,
        "lsfHighNoRipple": lsfHighNoRipple,
        "lsfLowFreeze": lsfLowFreeze,
        "lsfHighFreeze": lsfHighFreeze,
        "lsfAMMNode": lsfAMMNode,
        "lsfLowDeepFreeze": lsfLowDeepFreeze,
        "lsfHighDeepFreeze": lsfHighDeepFreeze,
    },
    "SignerList": {
        "lsfOneOwnerCount": lsfOneOwnerCount,
    },
}
"""Ledger entry type -> its flags by name, in the shape of definitions.json's LEDGER_ENTRY_FLAGS."""
