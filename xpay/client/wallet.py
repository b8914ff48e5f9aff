"""Wallets: an account's key pair, and signing transactions locally with it.

A Wallet wraps xpay.crypto's Ed25519 KeyPair (derived from a family seed as the XRPL derives it).
The secret never leaves the process: transactions are signed here and only the signed blob is
sent (rippled's sign method would need the secret on the node). The seed appears in no repr,
str, format or pickle of a Wallet; `wallet.seed` gives it to code that asks for it by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

from xpay.client.errors import InvalidInput, MalformedTransaction
from xpay.client.transactions.transaction import Transaction
from xpay.codec import CodecError, decode, transaction_id
from xpay.crypto import KeyPair, sign_transaction


@dataclass(frozen=True, slots=True)
class SignedTransaction:
    """A signed transaction: the blob `submit` takes, the hash it will be known by, and its JSON
    form (with SigningPubKey and TxnSignature)."""

    tx_blob: str
    hash: str
    tx_json: Mapping[str, Any] = field(compare=False)

    @property
    def account(self) -> str:
        return str(self.tx_json["Account"])

    @property
    def sequence(self) -> int | None:
        value = self.tx_json.get("Sequence")
        return value if isinstance(value, int) else None

    @property
    def last_ledger_sequence(self) -> int | None:
        value = self.tx_json.get("LastLedgerSequence")
        return value if isinstance(value, int) else None

    @classmethod
    def from_blob(cls, tx_blob: str) -> SignedTransaction:
        """A signed blob made elsewhere (its hash is computed here)."""
        try:
            raw = bytes.fromhex(tx_blob)
            tx_json = decode(tx_blob)
        except (ValueError, CodecError) as error:
            raise InvalidInput(f"not a transaction blob: {error}", field="tx_blob") from None
        if "TxnSignature" not in tx_json:
            raise InvalidInput("the transaction is not signed", field="tx_blob")
        return cls(tx_blob.upper(), transaction_id(raw).hex().upper(), tx_json)


@dataclass(frozen=True, slots=True, repr=False)
class Wallet:
    """An account's keys. `Wallet.generate()` makes a new one; `Wallet.from_seed("sEd…")` restores
    one."""

    keypair: KeyPair

    @classmethod
    def generate(cls) -> Wallet:
        """A new wallet from the operating system's secure randomness."""
        return cls(KeyPair.generate())

    @classmethod
    def from_seed(cls, seed: str) -> Wallet:
        """The wallet of an Ed25519 family seed (`sEd…`). InvalidInput for anything else, without
        echoing the seed."""
        if not isinstance(seed, str):
            raise InvalidInput(f"a seed is a string, not {type(seed).__name__}", field="seed")
        try:
            return cls(KeyPair.from_seed(seed))
        except (CodecError, ValueError):
            raise InvalidInput("not an Ed25519 family seed (sEd…)", field="seed") from None

    @property
    def address(self) -> str:
        """The classic address (`r…`)."""
        return self.keypair.address

    @property
    def public_key(self) -> str:
        """The public key as rippled's SigningPubKey: 66 upper-case hex digits, `ED…`."""
        return self.keypair.public_key.hex().upper()

    @property
    def seed(self) -> str:
        """The family seed: the secret. Read it only to store it somewhere safe."""
        return self.keypair.seed

    def sign(self, transaction: Transaction | Mapping[str, Any]) -> SignedTransaction:
        """Sign a complete transaction (Fee and Sequence set: autofill first). A builder is
        checked once more by serialising it; a tx_json mapping is signed as given."""
        if isinstance(transaction, Transaction):
            if not transaction.is_complete:
                raise MalformedTransaction(
                    "Fee and Sequence must be set before signing (autofill the transaction first)",
                    field="Fee" if transaction.fee is None else "Sequence",
                )
            tx_json = transaction.to_tx_json()
        elif isinstance(transaction, Mapping):
            tx_json = dict(transaction)
            for name in ("Fee", "Sequence"):
                if name not in tx_json:
                    raise MalformedTransaction(f"{name} must be set before signing", field=name)
        else:
            raise InvalidInput(f"cannot sign a {type(transaction).__name__}")
        try:
            blob, tx_hash = sign_transaction(tx_json, self.keypair)
            signed_json = decode(blob)
        except CodecError as error:
            raise InvalidInput(error.message, field=error.field) from None
        return SignedTransaction(blob, tx_hash, signed_json)

    def __repr__(self) -> str:
        return f"Wallet(address={self.address!r})"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        # Pickling would write the seed wherever the pickle goes (a cache, a log, a queue).
        raise TypeError("a Wallet is not picklable: store its seed deliberately instead")
