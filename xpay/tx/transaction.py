"""A decoded transaction (rippled's STTx): built once from its blob, then read by every stage.

rippled decodes a transaction once (`STTx(SerialIter)`), checks it against its type's format
(`TxFormats`: which fields are required, which optional) and keeps its ID. `Transaction` is that:
the blob, the native field dict (xpay.codec.native), the ID = SHA-512Half("TXN\\0" + blob), and
the common fields every stage reads (type, account, sequence, fee, flags, signing key) pulled
out once. A blob that does not decode, or that breaks its type's format, raises
`MalformedTransaction` — what rippled reports as "invalidTransaction" at the API.

The field dict is shared, never copied: treat it as read-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from xpay.amounts import STAmount
from xpay.codec.errors import CodecError
from xpay.codec.native import decode_native, encode_native
from xpay.protocol.hash_prefix import HashPrefix, sha512_half
from xpay.protocol.ids import AccountID, Hash256
from xpay.protocol.transaction_types import TransactionType
from xpay.tx.local_checks import local_check_failure

_UNCHECKED: Final = object()


class MalformedTransaction(ValueError):
    """A blob that is not a well-formed transaction (rippled's STTx constructor throwing)."""


# rippled's TxFormats: the fields common to every transaction (commonFields), and per type the
# fields it adds. Each set maps a field name to True when it is required.
COMMON_FIELDS: Final[Mapping[str, bool]] = {
    "TransactionType": True,
    "Flags": False,
    "SourceTag": False,
    "Account": True,
    "Sequence": True,
    "PreviousTxnID": False,
    "LastLedgerSequence": False,
    "AccountTxnID": False,
    "Fee": True,
    "OperationLimit": False,
    "Memos": False,
    "SigningPubKey": True,
    "TicketSequence": False,
    "TxnSignature": False,
    "Signers": False,
    "NetworkID": False,
    "Delegate": False,
}

TX_FORMATS: Final[Mapping[TransactionType, Mapping[str, bool]]] = {
    TransactionType.AccountSet: {
        "EmailHash": False,
        "WalletLocator": False,
        "WalletSize": False,
        "MessageKey": False,
        "Domain": False,
        "TransferRate": False,
        "SetFlag": False,
        "ClearFlag": False,
        "TickSize": False,
        "NFTokenMinter": False,
    },
    TransactionType.SetRegularKey: {"RegularKey": False},
    TransactionType.TrustSet: {"LimitAmount": True, "QualityIn": False, "QualityOut": False},
    TransactionType.Payment: {
        "Destination": True,
        "Amount": True,
        "SendMax": False,
        "Paths": False,
        "InvoiceID": False,
        "DestinationTag": False,
        "DeliverMin": False,
        "CredentialIDs": False,
        "DomainID": False,
    },
    TransactionType.OfferCreate: {
        "TakerPays": True,
        "TakerGets": True,
        "Expiration": False,
        "OfferSequence": False,
        "DomainID": False,
    },
    TransactionType.OfferCancel: {"OfferSequence": True},
}
"""The formats of the transaction types xpay implements. A blob of another known type decodes
(and is refused by the pipeline with temUNKNOWN, as rippled refuses a type it has no transactor
for); a blob of one of these types must match its format exactly."""

_ALLOWED: Final[dict[TransactionType, frozenset[str]]] = {
    t: frozenset(COMMON_FIELDS) | frozenset(fmt) for t, fmt in TX_FORMATS.items()
}
_REQUIRED: Final[dict[TransactionType, frozenset[str]]] = {
    t: frozenset(n for n, req in {**COMMON_FIELDS, **fmt}.items() if req)
    for t, fmt in TX_FORMATS.items()
}
_COMMON_REQUIRED: Final = frozenset(n for n, req in COMMON_FIELDS.items() if req)
_TYPES_BY_CODE: Final[dict[int, TransactionType]] = {int(t): t for t in TransactionType}
_TXN_PREFIX: Final = HashPrefix.transactionID.value
_SIGN_PREFIX: Final = HashPrefix.txSign.value
_MULTI_SIGN_PREFIX: Final = HashPrefix.txMultiSign.value


class Transaction:
    """A transaction decoded once: blob, ID, native fields and the common fields pulled out."""

    __slots__ = (
        "_local_failure",
        "account",
        "blob",
        "fee",
        "fields",
        "flags",
        "id",
        "sequence",
        "signing_pub_key",
        "tx_type",
    )

    id: Hash256
    blob: bytes
    fields: Mapping[str, Any]
    tx_type: TransactionType
    account: AccountID
    sequence: int
    fee: STAmount
    flags: int
    signing_pub_key: bytes

    def __init__(self, blob: bytes, fields: Mapping[str, Any]) -> None:
        """Use `from_blob` or `from_fields`: they check the format."""
        self.blob = blob
        self.fields = fields
        self.id = Hash256(sha512_half(_TXN_PREFIX + blob))
        self.tx_type = _TYPES_BY_CODE[fields["TransactionType"]]
        self.account = AccountID(fields["Account"])
        self.sequence = fields["Sequence"]
        self.fee = fields["Fee"]
        self.flags = fields.get("Flags", 0)
        self.signing_pub_key = fields["SigningPubKey"]
        self._local_failure: str | object | None = _UNCHECKED

    @classmethod
    def from_blob(cls, blob: bytes) -> Transaction:
        """Decode and check a serialised transaction; MalformedTransaction if it is not one."""
        if not isinstance(blob, (bytes, bytearray, memoryview)):
            raise MalformedTransaction(f"a transaction blob is bytes, not {type(blob).__name__}")
        blob = bytes(blob)
        try:
            fields = decode_native(blob)
        except CodecError as exc:
            raise MalformedTransaction(f"undecodable transaction: {exc}") from None
        _check_format(fields)
        return cls(blob, fields)

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Transaction:
        """Serialise and check a native field dict (already signed, or to be checked unsigned)."""
        try:
            blob = encode_native(fields)
            decoded = decode_native(blob)
        except CodecError as exc:
            raise MalformedTransaction(f"unserialisable transaction: {exc}") from None
        _check_format(decoded)
        return cls(blob, decoded)

    def __repr__(self) -> str:
        return f"Transaction({self.tx_type.name}, id={self.id.hex().upper()[:16]}…, seq={self.sequence})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Transaction) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    @property
    def local_failure(self) -> str | None:
        """Why the transaction fails the local checks (xpay.tx.local_checks), or None. Worked
        out once per transaction, as rippled's HashRouter remembers SF_LOCALGOOD / SF_LOCALBAD:
        the fields never change, and every application (open ledger, then the build) asks."""
        found = self._local_failure
        if found is _UNCHECKED:
            found = self._local_failure = local_check_failure(self.fields)
        return found  # type: ignore[return-value]

    def signing_data(self) -> bytes:
        """What a single signature covers: "STX\\0" + the signing fields (rippled's
        STTx::getSigningData)."""
        return _SIGN_PREFIX + encode_native(self.fields, signing=True)

    def multi_signing_data(self, signer: AccountID) -> bytes:
        """What one multi-signer's signature covers: "SMT\\0" + the signing fields + the
        signer's account ID (rippled's buildMultiSigningData)."""
        return _MULTI_SIGN_PREFIX + encode_native(self.fields, signing=True) + signer


def signing_data(fields: Mapping[str, Any]) -> bytes:
    """The single-signature signing data of an unsigned native field dict."""
    return _SIGN_PREFIX + encode_native(fields, signing=True)


def _check_format(fields: Mapping[str, Any]) -> None:
    """rippled's STTx constructor: a known type, and the fields its format allows."""
    code = fields.get("TransactionType")
    tx_type = _TYPES_BY_CODE.get(code) if isinstance(code, int) else None
    if tx_type is None or tx_type is TransactionType.Invalid:
        raise MalformedTransaction(f"unknown TransactionType {code!r}")
    allowed = _ALLOWED.get(tx_type)
    if allowed is None:
        missing = _COMMON_REQUIRED.difference(fields)
    else:
        extra = [name for name in fields if name not in allowed]
        if extra:
            raise MalformedTransaction(f"{tx_type.name} may not contain {', '.join(sorted(extra))}")
        missing = _REQUIRED[tx_type].difference(fields)
    if missing:
        raise MalformedTransaction(f"{tx_type.name} is missing {', '.join(sorted(missing))}")
    if not isinstance(fields["Fee"], STAmount):
        raise MalformedTransaction("Fee is not an amount")
