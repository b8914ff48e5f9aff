"""XRPL ledger entry types (rippled's LedgerEntryType) and their codes.

Generated from definitions.json by `python -m xpay.protocol.generate`: do not edit.
"""

from __future__ import annotations

from enum import IntEnum


class LedgerEntryType(IntEnum):
    """The `LedgerEntryType` field's values."""

    Invalid = -1
    NFTokenOffer = 55
    Check = 67
    DID = 73
    NegativeUNL = 78
    NFTokenPage = 80
    SignerList = 83
    Ticket = 84
    AccountRoot = 97
    DirectoryNode = 100
    Amendments = 102
    LedgerHashes = 104
    Bridge = 105
    Offer = 111
    DepositPreauth = 112
    XChainOwnedClaimID = 113
    RippleState = 114
    FeeSettings = 115
    XChainOwnedCreateAccountClaimID = 116
    Escrow = 117
    PayChannel = 120
    AMM = 121
    MPTokenIssuance = 126
    MPToken = 127
    Oracle = 128
    Credential = 129
    PermissionedDomain = 130
    Delegate = 131
    Vault = 132
    LoanBroker = 136
    Loan = 137
    Sponsorship = 144
