"""Single-signing transactions the XRPL way, and checking their signatures.

The signed data is the `STX\\0` prefix followed by the transaction serialised without its
non-signing fields (`TxnSignature`, `Signers`, …); the signer's public key travels in
`SigningPubKey` and is itself signed. The blob that is submitted includes the signature, and
its SHA-512Half with the `TXN\\0` prefix is the transaction's ID (rippled's STTx::sign and
checkSingleSign). Multi-signing is out of xpay's scope.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xpay.codec.errors import CodecError
from xpay.codec.hashes import transaction_id
from xpay.codec.json_form import from_json
from xpay.codec.native import encode_native
from xpay.crypto.keys import KeyPair, verify
from xpay.protocol.hash_prefix import HashPrefix

_STX = HashPrefix.txSign.value


def signing_data(native_tx: Mapping[str, Any]) -> bytes:
    """What a single signer signs: `STX\\0` + the signing fields of the native transaction."""
    return _STX + encode_native(native_tx, signing=True)


def sign_transaction(tx_json: Mapping[str, Any], keypair: KeyPair) -> tuple[str, str]:
    """Sign a transaction given in rippled's JSON form: sets SigningPubKey to the key pair's
    public key and TxnSignature to its signature, and returns (tx_blob hex, hash hex) — what
    `submit` takes and the ID it will be known by. The caller's dict is left unchanged.

    Raises CodecError for a transaction that cannot be serialised.
    """
    native = from_json(tx_json)
    native["SigningPubKey"] = keypair.public_key
    native.pop("TxnSignature", None)
    native["TxnSignature"] = keypair.sign(signing_data(native))
    blob = encode_native(native)
    return blob.hex().upper(), transaction_id(blob).hex().upper()


def verify_transaction(native_tx: Mapping[str, Any]) -> bool:
    """True when the transaction's TxnSignature is SigningPubKey's signature over its signing
    data. False for a missing, malformed or wrong signature or key, and for a transaction that
    cannot be serialised — never an exception. Serialises the transaction once."""
    public_key = native_tx.get("SigningPubKey")
    signature = native_tx.get("TxnSignature")
    if type(public_key) is not bytes or type(signature) is not bytes:
        return False
    try:
        data = signing_data(native_tx)
    except CodecError:
        return False
    return verify(public_key, data, signature)
