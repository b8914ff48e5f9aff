"""Family seeds, Ed25519 keys (PyNaCl), signing and verification, node keys."""

from xpay.crypto.keys import KeyPair, account_id_from_public_key, verify
from xpay.crypto.node_key import NodeKey
from xpay.crypto.transaction import sign_transaction, signing_data, verify_transaction

__all__ = [
    "KeyPair",
    "NodeKey",
    "account_id_from_public_key",
    "sign_transaction",
    "signing_data",
    "verify",
    "verify_transaction",
]
