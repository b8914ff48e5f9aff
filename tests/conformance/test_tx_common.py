"""The checks every transaction passes (rippled's Transactor.cpp), scenario by scenario.

Each failing case asserts what the failure left behind: nothing at all (tem / tef / tel / ter),
or only the fee and the sequence (tec).
"""

from __future__ import annotations

import pytest

from tests.support.env import XRP, Env, passphrase_keypair
from xpay.amounts import Issue, STAmount, currency_from_code
from xpay.crypto import KeyPair
from xpay.ledger import keylet
from xpay.protocol.flags import asfAccountTxnID, asfDisableMaster, tfPartialPayment
from xpay.protocol.ter import Tec, Tef, Tel, Tem, Ter, Tes
from xpay.protocol.transaction_types import TransactionType
from xpay.tx.apply import apply_transaction
from xpay.tx.signature import Validity, check_validity
from xpay.tx.transaction import Transaction


@pytest.fixture
def env() -> Env:
    env = Env()
    env.fund(XRP(1000), "alice", "bob")
    env.close()
    return env


def _payment(env: Env, **fields: object) -> dict[str, object]:
    return {"TransactionType": TransactionType.Payment, "Account": "alice", "Destination": "bob", "Amount": XRP(1), **fields}


def test_past_sequence_is_tef_past_seq(env: Env) -> None:
    """rippled Seq_test / checkSeqProxy: an already used Sequence can never apply."""
    used = env.seq("alice") - 1
    with env.expect_no_change():
        env(_payment(env, Sequence=used), expect="tefPAST_SEQ")


def test_future_sequence_is_ter_pre_seq_then_applies_once_the_gap_is_filled(env: Env) -> None:
    """checkSeqProxy: a Sequence from the future is retried (terPRE_SEQ); once the missing one
    arrives, the ledger built at close applies both, in sequence order (the retry pass)."""
    seq = env.seq("alice")
    with env.expect_no_change():
        env(_payment(env, Sequence=seq + 1), expect="terPRE_SEQ")
    env(_payment(env, Sequence=seq))
    env.close()
    assert env.last_report is not None
    assert sorted(env.last_report.results.values()) == [Tes.tesSUCCESS, Tes.tesSUCCESS]
    assert env.seq("alice") == seq + 2
    assert env.balance("bob") == XRP(1002)


def test_last_ledger_sequence_passed_is_tef_max_ledger(env: Env) -> None:
    """checkPriorTxAndLastLedger: LastLedgerSequence below the ledger being built."""
    current = env.open.seq
    with env.expect_no_change():
        env(_payment(env, LastLedgerSequence=current - 1), expect="tefMAX_LEDGER")
    env(_payment(env, LastLedgerSequence=current))


def test_account_txn_id_must_name_the_accounts_last_transaction(env: Env) -> None:
    """checkPriorTxAndLastLedger: AccountTxnID must match the account's (tefWRONG_PRIOR)."""
    env({"TransactionType": TransactionType.AccountSet, "Account": "alice", "SetFlag": asfAccountTxnID})
    last = env(_payment(env))
    root = env.root("alice")
    assert root is not None and root.account_txn_id is not None
    with env.expect_no_change():
        env(_payment(env, AccountTxnID=bytes(32)), expect="tefWRONG_PRIOR")
    env(_payment(env, AccountTxnID=root.account_txn_id))
    assert last.applied


@pytest.mark.parametrize(
    ("network_id", "field", "expected"),
    [
        (21_337, None, "telREQUIRES_NETWORK_ID"),
        (21_337, 21_338, "telWRONG_NETWORK"),
        (21_337, 21_337, "tesSUCCESS"),
        (1, 1, "telNETWORK_ID_MAKES_TX_NON_CANONICAL"),
        (1, None, "tesSUCCESS"),
    ],
)
def test_network_id_rules(network_id: int, field: int | None, expected: str) -> None:
    """rippled NetworkID_test: above 1024 the field is required and must match; at or below
    1024 it is forbidden."""
    env = Env(network_id=network_id)
    env.fund(XRP(1000), "alice", "bob")
    if expected == "tesSUCCESS":
        env(_payment(env, NetworkID=field))
    else:
        with env.expect_no_change():
            env(_payment(env, NetworkID=field), expect=expected)


def test_signed_by_a_stranger_is_tef_bad_auth(env: Env) -> None:
    """checkSingleSign: a key that is neither the master nor the regular key."""
    with env.expect_no_change():
        env(_payment(env), signer=passphrase_keypair("mallory"), expect="tefBAD_AUTH")


def test_regular_key_signs_and_disabled_master_is_tef_master_disabled(env: Env) -> None:
    """checkSingleSign with fixMasterKeyAsRegularKey."""
    regular = passphrase_keypair("alice-regular")
    env({"TransactionType": TransactionType.SetRegularKey, "Account": "alice", "RegularKey": regular.account_id})
    env(_payment(env), signer=regular)
    env({"TransactionType": TransactionType.AccountSet, "Account": "alice", "SetFlag": asfDisableMaster})
    with env.expect_no_change():
        env(_payment(env), expect="tefMASTER_DISABLED")
    env(_payment(env), signer=regular)


def test_bad_signature_is_refused_as_rippled_does(env: Env) -> None:
    """preflight2 / checkValidity: a signature that does not verify is temINVALID in the
    engine and "Invalid signature." for the API; nothing changes."""
    good = env.tx(_payment(env))
    fields = dict(good.fields)
    fields["TxnSignature"] = bytes(64)
    bad = Transaction.from_fields(fields)
    assert check_validity(bad) == (Validity.SigBad, "Invalid signature.")
    with env.expect_no_change():
        assert env.submit(bad).result is Tem.temINVALID
    assert check_validity(good) == (Validity.Valid, "")


def test_tampered_amount_fails_the_signature(env: Env) -> None:
    """The signature covers every signing field: changing Amount breaks it."""
    fields = dict(env.tx(_payment(env)).fields)
    fields["Amount"] = XRP(2)
    with env.expect_no_change():
        assert env.submit(Transaction.from_fields(fields)).result is Tem.temINVALID


def test_unknown_account_is_ter_no_account(env: Env) -> None:
    """checkSeqProxy: the source account does not exist (yet): retry."""
    env.account("nobody")
    with env.expect_no_change():
        env(_payment(env, Account="nobody"), expect="terNO_ACCOUNT")


@pytest.mark.parametrize(
    ("fee", "expected"),
    [
        (STAmount.from_drops(-1), "temBAD_FEE"),
        (STAmount.from_value_text("10", Issue(currency_from_code("USD"), passphrase_keypair("gw").account_id)), "temBAD_FEE"),
        (STAmount.from_drops(9), "telINSUF_FEE_P"),
        (XRP(5000), "terINSUF_FEE_B"),
    ],
)
def test_fee_checks(env: Env, fee: STAmount, expected: str) -> None:
    """preflight1 / checkFee: a legal XRP fee, at least the base fee in the open ledger, that
    the balance can pay."""
    with env.expect_no_change():
        env(_payment(env, Fee=fee), expect=expected)


def test_closed_ledger_takes_what_the_balance_has_as_tec_insuff_fee(env: Env) -> None:
    """checkFee + reset: building a closed ledger, a fee above a non-zero balance claims the
    whole balance (tecINSUFF_FEE); the open ledger would have retried (terINSUF_FEE_B)."""
    balance = env.balance("alice").mantissa
    tx = env.tx(_payment(env, Fee=STAmount.from_drops(balance + 1)))
    view = env.ledger.open_view(build=True)
    outcome = apply_transaction(view, tx, env.rules)
    assert outcome.result is Tec.tecINSUFF_FEE and outcome.applied
    root = view.read(keylet.account(env.account("alice").account_id))
    assert root is not None and root.balance.drops == 0 and root.sequence == tx.sequence + 1
    assert view.destroyed_drops == balance


def test_invalid_flag_is_tem_invalid_flag(env: Env) -> None:
    """preflight0: a flag outside the type's mask."""
    with env.expect_no_change():
        env(_payment(env, Flags=0x00000001), expect="temINVALID_FLAG")


def test_ticket_sequence_is_tem_malformed(env: Env) -> None:
    """preflight1: Tickets (TicketBatch) are not part of xpay."""
    with env.expect_no_change():
        env(_payment(env, TicketSequence=5), expect="temMALFORMED")


@pytest.mark.parametrize(
    ("memos", "reason"),
    [
        ([{"Memo": {"MemoData": bytes(1100)}}], "The memo exceeds the maximum allowed size."),
        ([{"Memo": {"MemoType": b"a b"}}], "The MemoType and MemoFormat fields may only contain characters that are allowed in URLs under RFC 3986."),
        ([{"Memo": {"MemoType": b"text/plain", "Amount": XRP(1)}}], "A memo may contain only MemoType, MemoData or MemoFormat fields."),
        ([{"Signer": {"MemoData": b"x"}}], "A memo array may contain only Memo objects."),
    ],
)
def test_bad_memos_are_tem_invalid(env: Env, memos: list[dict[str, object]], reason: str) -> None:
    """passesLocalChecks / isMemoOkay: refused, with rippled's reason for the API."""
    tx = env.tx(_payment(env, Memos=memos))
    assert check_validity(tx) == (Validity.SigGoodOnly, reason)
    with env.expect_no_change():
        assert env.submit(tx).result is Tem.temINVALID


def test_good_memos_pass(env: Env) -> None:
    memos = [{"Memo": {"MemoType": b"text/plain", "MemoData": b"\x00\xffinvoice 42", "MemoFormat": b"text/plain"}}]
    env(_payment(env, Memos=memos))


def test_multi_signed_transaction_is_tef_not_multi_signing(env: Env) -> None:
    """checkMultiSign: without a SignerList (xpay has no SignerListSet) a correctly
    multi-signed transaction still cannot apply."""
    bob = env.account("bob")
    alice = env.account("alice")
    native = {
        "TransactionType": TransactionType.Payment,
        "Account": alice.account_id,
        "Destination": bob.account_id,
        "Amount": XRP(1),
        "Fee": STAmount.from_drops(20),
        "Sequence": env.seq("alice"),
        "NetworkID": env.rules.network_id,
        "SigningPubKey": b"",
    }
    unsigned = Transaction.from_fields({**native, "Signers": [{"Signer": {"Account": bob.account_id, "SigningPubKey": bob.public_key, "TxnSignature": bytes(64)}}]})
    signature = bob.sign(unsigned.multi_signing_data(bob.account_id))
    tx = Transaction.from_fields({**native, "Signers": [{"Signer": {"Account": bob.account_id, "SigningPubKey": bob.public_key, "TxnSignature": signature}}]})
    assert check_validity(tx)[0] == Validity.Valid
    with env.expect_no_change():
        assert env.submit(tx).result is Tef.tefNOT_MULTI_SIGNING
    assert check_validity(unsigned)[0] == Validity.SigBad


def test_unimplemented_type_is_tem_unknown(env: Env) -> None:
    """A known XRPL type xpay has no transactor for."""
    alice: KeyPair = env.account("alice")
    tx = Transaction.from_fields(
        {
            "TransactionType": TransactionType.TicketCreate,
            "Account": alice.account_id,
            "Fee": STAmount.from_drops(10),
            "Sequence": env.seq("alice"),
            "SigningPubKey": alice.public_key,
        }
    )
    with env.expect_no_change():
        assert env.submit(tx).result is Tem.temUNKNOWN


def test_tec_charges_fee_and_sequence_only(env: Env) -> None:
    """Transactor::reset: a tec drops the transactor's changes but claims the fee and uses
    the sequence, in the open ledger and in the ledger built at close."""
    seq = env.seq("alice")
    with env.expect_fee_only("alice"):
        env(_payment(env, Amount=XRP(5000)), expect="tecUNFUNDED_PAYMENT")
    env.close()
    assert env.seq("alice") == seq + 1
    assert env.balance("alice") == XRP(1000) - STAmount.from_drops(10)
    assert env.last_report is not None
    assert list(env.last_report.results.values()) == [Tec.tecUNFUNDED_PAYMENT]


def test_ter_results_are_held_and_retried_next_ledger(env: Env) -> None:
    """A transaction still waiting for its sequence after the last pass stays retriable."""
    seq = env.seq("alice")
    env(_payment(env, Sequence=seq + 1), expect="terPRE_SEQ")
    env.close()
    assert env.last_report is not None
    assert [tx.sequence for tx in env.last_report.retriable] == [seq + 1]
    assert env.last_report.results[env.last_report.retriable[0].id] is Ter.terPRE_SEQ
    env(_payment(env, Sequence=seq))
    env.close()
    assert env.seq("alice") == seq + 2


def test_partial_payment_cannot_fund_an_account_in_the_open_ledger(env: Env) -> None:
    """Payment preclaim: telNO_DST_PARTIAL (open ledger only)."""
    gw = env.account("gw")
    usd = Issue(currency_from_code("USD"), gw.account_id)
    env.account("carol")
    with env.expect_no_change():
        env(
            _payment(env, Destination="carol", Amount=XRP(100), SendMax=STAmount.from_value_text("1", usd), Flags=tfPartialPayment),
            expect=Tel.telNO_DST_PARTIAL,
        )
