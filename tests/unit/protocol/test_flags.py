"""Flags and hash prefixes: the XRPL's values, checked against definitions.json and rippled."""

from __future__ import annotations

import hashlib

from xpay.protocol import flags
from xpay.protocol.definitions import DEFINITIONS
from xpay.protocol.hash_prefix import HashPrefix, sha512_half
from xpay.protocol.permissions import PERMISSION_NAMES, PERMISSION_VALUES
from xpay.protocol.transaction_types import TransactionType


def test_transaction_flags_agree_with_definitions() -> None:
    defined = DEFINITIONS["TRANSACTION_FLAGS"]
    for tx_type, ours in flags.TRANSACTION_FLAGS.items():
        for name, value in ours.items():
            assert defined[tx_type][name] == value, name
            assert getattr(flags, name) == value


def test_flag_groups_cover_definitions_for_the_types_xpay_implements() -> None:
    defined = DEFINITIONS["TRANSACTION_FLAGS"]
    for tx_type in ("universal", "AccountSet", "OfferCreate", "TrustSet"):
        assert dict(flags.TRANSACTION_FLAGS[tx_type]) == defined[tx_type]
    # definitions.json also carries a sponsorship flag rippled's released masks do not know.
    assert set(defined["Payment"]) - set(flags.TRANSACTION_FLAGS["Payment"]) == {
        "tfSponsorCreatedAccount"
    }


def test_account_set_flags_agree_with_definitions() -> None:
    assert dict(flags.ACCOUNT_SET_FLAGS) == DEFINITIONS["ACCOUNT_SET_FLAGS"]


def test_ledger_entry_flags_agree_with_definitions() -> None:
    defined = DEFINITIONS["LEDGER_ENTRY_FLAGS"]
    for entry_type, ours in flags.LEDGER_ENTRY_FLAGS.items():
        assert dict(ours) == defined[entry_type], entry_type
        for name, value in ours.items():
            assert getattr(flags, name) == value


def test_named_flags_have_rippleds_values() -> None:
    assert flags.tfFullyCanonicalSig == 0x80000000
    assert flags.tfPartialPayment == 0x00020000
    assert flags.tfLimitQuality == 0x00040000
    assert flags.tfNoRippleDirect == 0x00010000
    assert flags.tfSell == 0x00080000
    assert flags.tfSetNoRipple == 0x00020000
    assert flags.tfRequireDestTag == 0x00010000
    assert flags.lsfLowReserve == 0x00010000
    assert flags.lsfHighNoRipple == 0x00200000
    assert flags.lsfDefaultRipple == 0x00800000
    assert flags.asfDefaultRipple == 8


def test_masks_accept_the_types_own_flags_and_reject_others() -> None:
    payment = flags.flags_mask(TransactionType.Payment)
    assert (
        flags.tfPartialPayment | flags.tfLimitQuality | flags.tfFullyCanonicalSig
    ) & payment == 0
    assert flags.tfSell & payment != 0
    offer = flags.flags_mask(TransactionType.OfferCreate)
    assert (flags.tfSell | flags.tfPassive | flags.tfImmediateOrCancel) & offer == 0
    assert 0x01000000 & offer != 0
    trust = flags.flags_mask(TransactionType.TrustSet)
    assert (flags.tfSetNoRipple | flags.tfClearFreeze) & trust == 0
    assert flags.tfPartialPayment & trust == 0  # same bit as tfSetNoRipple
    assert 0x00000001 & trust != 0
    # A type with no flags of its own takes only the universal ones.
    cancel = flags.flags_mask(TransactionType.OfferCancel)
    assert cancel == flags.tfUniversalMask
    assert flags.tfFullyCanonicalSig & cancel == 0
    assert flags.tfPassive & cancel != 0


def test_hash_prefixes_are_rippleds() -> None:
    assert HashPrefix.transactionID == b"TXN\x00"
    assert HashPrefix.txNode == b"SND\x00"
    assert HashPrefix.leafNode == b"MLN\x00"
    assert HashPrefix.innerNode == b"MIN\x00"
    assert HashPrefix.ledgerMaster == b"LWR\x00"
    assert HashPrefix.txSign == b"STX\x00"
    assert HashPrefix.txMultiSign == b"SMT\x00"
    assert HashPrefix.validation == b"VAL\x00"
    assert HashPrefix.proposal == b"PRP\x00"
    assert int.from_bytes(HashPrefix.transactionID, "big") == 0x54584E00


def test_sha512_half() -> None:
    assert sha512_half(b"").hex() == hashlib.sha512(b"").hexdigest()[:64]
    assert len(sha512_half(b"xpay")) == 32
    assert sha512_half(b"a") != sha512_half(b"b")


def test_permission_values() -> None:
    assert PERMISSION_VALUES["Payment"] == 1
    assert PERMISSION_VALUES["TrustSet"] == 21
    assert PERMISSION_NAMES[65537] == "TrustlineAuthorize"
    assert "Invalid" not in PERMISSION_VALUES
