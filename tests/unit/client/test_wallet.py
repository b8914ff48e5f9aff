"""Wallets: the XRPL's key derivation and signatures (xrpl-py as the oracle), and a secret that
never shows up where it should not."""

from __future__ import annotations

import copy
import logging
import pickle

import pytest
import xrpl.models.transactions as xt
from xrpl.core.keypairs import is_valid_message
from xrpl.transaction import sign as xrpl_sign
from xrpl.wallet import Wallet as XrplWallet

from xpay.client import (
    InvalidInput,
    MalformedTransaction,
    Payment,
    SignedTransaction,
    Wallet,
    drops,
    xrp,
)
from xpay.codec import decode, encode_for_signing

SEED = "sEdTM1uX8pu2do5XvTnutH6HsouMaM2"
BOB = Wallet.from_seed("sEdSKaCy2JT7JaM7v95H9SxkhP9wS2r").address


def test_from_seed_derives_xrpl_pys_address_and_key() -> None:
    ours = Wallet.from_seed(SEED)
    theirs = XrplWallet.from_seed(SEED)
    assert ours.address == theirs.address
    assert ours.public_key == theirs.public_key.upper()
    assert ours.seed == SEED


def test_generated_wallets_differ_and_restore_from_their_seed() -> None:
    first, second = Wallet.generate(), Wallet.generate()
    assert first.address != second.address
    assert Wallet.from_seed(first.seed).address == first.address


def test_signing_gives_xrpl_pys_blob_and_hash() -> None:
    wallet = Wallet.from_seed(SEED)
    payment = Payment(account=wallet.address, destination=BOB, amount=xrp(5), fee=drops(12), sequence=4,
                      last_ledger_sequence=30, network_id=21337)
    signed = wallet.sign(payment)
    theirs = xrpl_sign(
        xt.Payment(account=wallet.address, destination=BOB, amount="5000000", fee="12", sequence=4,
                   last_ledger_sequence=30, network_id=21337),
        XrplWallet.from_seed(SEED),
    )
    assert signed.tx_blob == theirs.blob().upper()
    assert signed.hash == theirs.get_hash().upper()
    assert signed.last_ledger_sequence == 30 and signed.sequence == 4 and signed.account == wallet.address
    unsigned = {k: v for k, v in signed.tx_json.items() if k != "TxnSignature"}
    assert is_valid_message(bytes.fromhex(encode_for_signing(unsigned)),
                            bytes.fromhex(signed.tx_json["TxnSignature"]), wallet.public_key)


def test_a_signed_blob_made_elsewhere_reads_back() -> None:
    wallet = Wallet.from_seed(SEED)
    signed = wallet.sign({"TransactionType": "AccountSet", "Account": wallet.address, "Fee": "10", "Sequence": 1})
    again = SignedTransaction.from_blob(signed.tx_blob.lower())
    assert again == signed
    assert decode(again.tx_blob)["TransactionType"] == "AccountSet"
    with pytest.raises(InvalidInput, match="not signed"):
        SignedTransaction.from_blob("12000322000000002400000001")
    with pytest.raises(InvalidInput, match="not a transaction blob"):
        SignedTransaction.from_blob("zz")


def test_signing_an_incomplete_transaction_asks_for_autofill() -> None:
    wallet = Wallet.from_seed(SEED)
    with pytest.raises(MalformedTransaction, match="autofill"):
        wallet.sign(Payment(account=wallet.address, destination=BOB, amount=xrp(1)))
    with pytest.raises(MalformedTransaction, match="Sequence"):
        wallet.sign({"TransactionType": "AccountSet", "Account": wallet.address, "Fee": "10"})
    with pytest.raises(InvalidInput, match="Amount"):
        wallet.sign({"TransactionType": "Payment", "Account": wallet.address, "Fee": "10", "Sequence": 1,
                     "Destination": BOB, "Amount": "-5"})


def test_the_seed_never_appears_in_repr_str_format_logs_or_pickles(caplog: pytest.LogCaptureFixture) -> None:
    wallet = Wallet.from_seed(SEED)
    texts = [repr(wallet), str(wallet), f"{wallet}", f"{wallet!r}", repr([wallet]), repr(wallet.keypair)]
    with caplog.at_level(logging.INFO):
        logging.getLogger("test").info("wallet %s %r", wallet, wallet)
    texts.append(caplog.text)
    entropy_hex = wallet.keypair.seed_entropy.hex()
    for text in texts:
        assert SEED not in text
        assert entropy_hex not in text.lower()
        assert wallet.address in text
    with pytest.raises(TypeError, match="not picklable"):
        pickle.dumps(wallet)
    with pytest.raises(TypeError):
        copy.copy(wallet)


def test_a_bad_seed_is_refused_without_echoing_it() -> None:
    bad = SEED[:-1] + ("a" if SEED[-1] != "a" else "b")
    with pytest.raises(InvalidInput) as caught:
        Wallet.from_seed(bad)
    assert bad not in str(caught.value)
    with pytest.raises(InvalidInput, match="Ed25519"):
        Wallet.from_seed("snoPBrXtMeMyMHUVTgbuqAfg1SUTb")  # a secp256k1 family seed
