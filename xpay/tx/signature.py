"""Signature verification and the local checks, done once per transaction (rippled's
checkValidity, STTx::checkSign and passesLocalChecks, with the HashRouter's SF_SIGGOOD /
SF_SIGBAD / SF_LOCALGOOD / SF_LOCALBAD flags as a bounded cache).

A node verifies each transaction the first time it sees it and remembers the outcome by ID, so
applying it again — to the next open ledger, or when building the closed ledger from the agreed
set — never verifies twice. The pipeline's preflight asks this module (through the cache it is
given) unless told to skip the check (`ApplyFlags.tapNO_CHECK_SIGN`), and turns a bad signature
into temINVALID as rippled's preflight2 does; the API reports it as rippled does:
"invalidTransaction", "fails local checks: Invalid signature.".

Single signatures cover "STX\\0" + the signing fields; each multi-signer's covers "SMT\\0" + the
signing fields + the signer's account ID. Keys are Ed25519 (xpay.crypto); a secp256k1 key never
verifies.
"""

from __future__ import annotations

from collections import OrderedDict
from enum import IntEnum
from typing import Any, Final

from xpay.crypto import verify
from xpay.protocol.ids import Hash256
from xpay.tx.transaction import Transaction

INVALID_SIGNATURE: Final = "Invalid signature."
"""rippled's reason for a bad single signature (STTx::checkSingleSign)."""

MAX_MULTI_SIGNERS: Final = 32
"""rippled's STTx::maxMultiSigners (with ExpandedSignerList)."""


class Validity(IntEnum):
    """rippled's Validity: how far a transaction got through checkValidity."""

    SigBad = 0
    """The signature is bad: the transaction can never be valid."""
    SigGoodOnly = 1
    """The signature is good, but the local checks (memos, accounts) failed."""
    Valid = 2


def signature_failure(tx: Transaction) -> str | None:
    """Why the transaction's signature(s) do not verify, or None when they do (rippled's
    STTx::checkSign)."""
    fields = tx.fields
    spk = tx.signing_pub_key
    if spk:
        signature = fields.get("TxnSignature")
        if not signature or not verify(spk, tx.signing_data(), signature):
            return INVALID_SIGNATURE
        return None
    signers = fields.get("Signers")
    if not signers:
        # An empty SigningPubKey means multi-signing: without signers nothing is signed.
        return "Empty SigningPubKey."
    return _multi_sign_failure(tx, signers)


def _multi_sign_failure(tx: Transaction, signers: list[dict[str, Any]]) -> str | None:
    if len(signers) > MAX_MULTI_SIGNERS:
        return "Invalid Signers array size."
    previous = b""
    for item in signers:
        signer = item.get("Signer")
        if signer is None:
            return "Invalid Signers array."
        account = signer.get("Account")
        if not isinstance(account, bytes) or len(account) != 20:
            return "Invalid Signers array."
        if account == tx.account:
            return "Invalid multisigner."
        if account <= previous:
            return "Unsorted Signers array."
        previous = account
        spk = signer.get("SigningPubKey", b"")
        sig = signer.get("TxnSignature", b"")
        if not spk or not verify(spk, tx.multi_signing_data(account), sig):  # type: ignore[arg-type]
            return "Invalid signature on account " + account.hex().upper() + "."
    return None


class SignatureCache:
    """The outcome of each transaction's signature and local checks, by ID, bounded (oldest
    forgotten first), as rippled's HashRouter keeps SF_SIGGOOD / SF_SIGBAD per transaction."""

    __slots__ = ("_capacity", "_entries")

    def __init__(self, capacity: int = 65_536) -> None:
        if capacity < 1:
            raise ValueError("a signature cache holds at least one entry")
        self._capacity = capacity
        self._entries: OrderedDict[Hash256, tuple[Validity, str]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, tx_id: Hash256) -> tuple[Validity, str] | None:
        return self._entries.get(tx_id)

    def put(self, tx_id: Hash256, outcome: tuple[Validity, str]) -> None:
        entries = self._entries
        entries[tx_id] = outcome
        entries.move_to_end(tx_id)
        if len(entries) > self._capacity:
            entries.popitem(last=False)


def check_validity(tx: Transaction, cache: SignatureCache | None = None) -> tuple[Validity, str]:
    """rippled's checkValidity: the signature first, then the local checks; (Valid, "") when
    both pass, else the Validity reached and the reason. Remembered in `cache` when given."""
    if cache is not None:
        known = cache.get(tx.id)
        if known is not None:
            return known
    reason = signature_failure(tx)
    if reason is not None:
        outcome = (Validity.SigBad, reason)
    else:
        local = tx.local_failure
        outcome = (Validity.SigGoodOnly, local) if local is not None else (Validity.Valid, "")
    if cache is not None:
        cache.put(tx.id, outcome)
    return outcome
