"""The checks every transaction passes, whatever its type (rippled's Transactor.cpp), and the
registry record each transactor module ends with.

preflight (stateless):
  preflight1 — TicketSequence and Delegate (features xpay lacks), NetworkID (preflight0), the
  type's flags mask, Account non-zero, Fee a legal XRP amount, SigningPubKey of a known type,
  no inner-batch flag; plus the local checks (Memos, account fields) that rippled's
  checkValidity runs, refused with temINVALID;
  preflight2 — the signature, through the node's signature cache, unless tapNO_CHECK_SIGN.
preclaim (read-only, before the transactor's own preclaim):
  Sequence (tefPAST_SEQ / terPRE_SEQ), AccountTxnID (tefWRONG_PRIOR), LastLedgerSequence
  (tefMAX_LEDGER), already in this ledger (tefALREADY), Fee (telINSUF_FEE_P in the open ledger,
  terINSUF_FEE_B / tecINSUFF_FEE when the balance cannot pay it), the signing key
  (tefBAD_AUTH, tefMASTER_DISABLED, tefNOT_MULTI_SIGNING).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from xpay.amounts import MAX_NATIVE_DROPS, STAmount
from xpay.crypto import account_id_from_public_key
from xpay.ledger import keylet
from xpay.ledger.entries import AccountRoot
from xpay.ledger.views import OpenView, ReadView
from xpay.protocol.flags import lsfDisableMaster, tfInnerBatchTxn
from xpay.protocol.ids import ACCOUNT_ZERO, AccountID
from xpay.protocol.ter import TER, NotTEC, Tec, Tef, Tel, Tem, Ter, Tes
from xpay.protocol.transaction_types import TransactionType
from xpay.tx.context import ApplyContext, ApplyFlags, Outcome, PreclaimContext, PreflightContext
from xpay.tx.signature import Validity, check_validity
from xpay.tx.transaction import Transaction

SUCCESS: Final = Tes.tesSUCCESS
_NO_CHECK_SIGN: Final = int(ApplyFlags.tapNO_CHECK_SIGN)


@dataclass(frozen=True, slots=True)
class Transactor:
    """One transaction type's three stages: the record a transactor module ends with.

    `preflight` runs after the common preflight1 checks (which apply `flags_mask`) and before
    the signature check; `preclaim` after the common preclaim checks; `do_apply` after the
    sequence is consumed and the fee taken.
    """

    name: str
    tx_type: TransactionType
    flags_mask: int
    preflight: Callable[[PreflightContext], NotTEC]
    preclaim: Callable[[PreclaimContext], TER]
    do_apply: Callable[[ApplyContext], TER | Outcome]
    base_fee: Callable[[ReadView, Transaction], int] | None = None
    """The minimum fee in drops when it is not the usual one (rippled's calculateBaseFee)."""


# --- preflight ---------------------------------------------------------------------------------


_KEY_TYPES: Final = frozenset((0xED, 0x02, 0x03))


def is_public_key(key: bytes) -> bool:
    """rippled's publicKeyType: a 33-byte Ed25519 (0xED) or compressed secp256k1 key."""
    return len(key) == 33 and key[0] in _KEY_TYPES


def is_legal_fee(fee: STAmount) -> bool:
    """Fee is XRP, not negative, not more than all the XRP there is (rippled's isLegalAmount)."""
    return fee.native and 0 <= fee.mantissa <= MAX_NATIVE_DROPS


def preflight1(ctx: PreflightContext, flags_mask: int) -> NotTEC:
    """rippled's preflight0 + preflight1, and the local checks."""
    tx = ctx.tx
    fields = tx.fields
    if "TicketSequence" in fields:
        return Tem.temMALFORMED  # Tickets (TicketBatch) are not part of xpay.
    if "Delegate" in fields:
        return Tem.temDISABLED  # Neither is PermissionDelegation.
    network_id = fields.get("NetworkID")
    if ctx.rules.requires_network_id:
        if network_id is None:
            return Tel.telREQUIRES_NETWORK_ID
        if network_id != ctx.rules.network_id:
            return Tel.telWRONG_NETWORK
    elif network_id is not None:
        return Tel.telNETWORK_ID_MAKES_TX_NON_CANONICAL
    flags = tx.flags
    if flags & flags_mask:
        return Tem.temINVALID_FLAG
    if tx.account == ACCOUNT_ZERO:
        return Tem.temBAD_SRC_ACCOUNT
    fee = tx.fee
    if not (fee.native and 0 <= fee.mantissa <= MAX_NATIVE_DROPS):  # is_legal_fee, inlined
        return Tem.temBAD_FEE
    spk = tx.signing_pub_key
    if spk and not (len(spk) == 33 and spk[0] in _KEY_TYPES):  # is_public_key, inlined
        return Tem.temBAD_SIGNATURE
    if flags & tfInnerBatchTxn:
        return Tem.temINVALID_FLAG  # Batch is not part of xpay.
    if tx.local_failure is not None:
        return Tem.temINVALID
    return SUCCESS


def preflight2(ctx: PreflightContext) -> NotTEC:
    """rippled's preflight2: a bad signature is temINVALID (the API refuses it earlier)."""
    if int(ctx.flags) & _NO_CHECK_SIGN:  # as an int: IntFlag's own `&` costs ten times more
        return SUCCESS
    validity, _reason = check_validity(ctx.tx, ctx.signatures)
    if validity == Validity.SigBad:
        return Tem.temINVALID
    return SUCCESS


# --- preclaim ----------------------------------------------------------------------------------


def check_seq_proxy(sle: AccountRoot, ctx: PreclaimContext) -> NotTEC:
    """rippled's checkSeqProxy: the transaction's Sequence must be the account's next one."""
    sequence = ctx.tx.sequence
    if sequence != sle.sequence:
        return Ter.terPRE_SEQ if sequence > sle.sequence else Tef.tefPAST_SEQ
    return SUCCESS


def check_prior_tx_and_last_ledger(view: ReadView, sle: AccountRoot, ctx: PreclaimContext) -> NotTEC:
    """rippled's checkPriorTxAndLastLedger."""
    tx = ctx.tx
    fields = tx.fields
    prior = fields.get("AccountTxnID")
    if prior is not None and sle.account_txn_id != prior:
        return Tef.tefWRONG_PRIOR
    last = fields.get("LastLedgerSequence")
    if last is not None and view.seq > last:
        return Tef.tefMAX_LEDGER
    if isinstance(view, OpenView) and tx.id in view.txs:
        return Tef.tefALREADY
    return SUCCESS


def base_fee(view: ReadView, tx: Transaction) -> int:
    """rippled's calculateBaseFee: the base fee, plus one per multi-signer."""
    signers = tx.fields.get("Signers")
    return view.fees.base.drops * (1 + (len(signers) if signers else 0))


def check_fee(view: ReadView, sle: AccountRoot, ctx: PreclaimContext, minimum: int) -> TER:
    """rippled's checkFee. The open ledger enforces the base fee (xpay has no load scaling); a
    balance that cannot pay is retried (terINSUF_FEE_B), except that a closed ledger takes what
    there is (tecINSUFF_FEE)."""
    fee = ctx.tx.fee
    if not is_legal_fee(fee):
        return Tem.temBAD_FEE
    paid = fee.mantissa
    if view.open and paid < minimum and not ctx.flags & ApplyFlags.tapUNLIMITED:
        return Tel.telINSUF_FEE_P
    balance = sle.balance.drops
    if balance < paid:
        if balance > 0 and not view.open:
            return Tec.tecINSUFF_FEE
        return Ter.terINSUF_FEE_B
    return SUCCESS


def check_sign(sle: AccountRoot, ctx: PreclaimContext) -> NotTEC:
    """rippled's checkSign / checkSingleSign (with fixMasterKeyAsRegularKey): the signing key
    must be the account's regular key, or its master key while that is enabled."""
    tx = ctx.tx
    if "Signers" in tx.fields:
        # Multi-signing needs a SignerList, and xpay has no SignerListSet: never one to match.
        return Tef.tefNOT_MULTI_SIGNING
    spk = tx.signing_pub_key
    if not is_public_key(spk):
        return Tef.tefBAD_AUTH
    signer = signing_account(spk)
    if sle.regular_key == signer:
        return SUCCESS
    if signer == tx.account:
        return Tef.tefMASTER_DISABLED if sle.flags & lsfDisableMaster else SUCCESS
    return Tef.tefBAD_AUTH


@lru_cache(maxsize=65_536)
def signing_account(public_key: bytes) -> AccountID:
    """The account ID of a signing key, memoised (bounded): the same keys sign again and again,
    and RIPEMD-160(SHA-256) is on the hot path."""
    return account_id_from_public_key(public_key)


def preclaim_common(ctx: PreclaimContext, transactor: Transactor) -> TER:
    """rippled's invoke_preclaim, before the transactor's own preclaim: the account must exist
    (terNO_ACCOUNT), then sequence, prior transaction and last ledger, fee, signing key.

    The checks above, in that order; the common case (the next sequence, no AccountTxnID or
    LastLedgerSequence, a single signature by the master key) answered inline: every
    transaction comes through here."""
    view = ctx.view
    tx = ctx.tx
    sle = view.read(keylet.account(tx.account))
    if sle is None:
        return Ter.terNO_ACCOUNT
    if tx.sequence != sle.sequence:
        return check_seq_proxy(sle, ctx)
    fields = tx.fields
    if "AccountTxnID" in fields or "LastLedgerSequence" in fields:
        result: TER = check_prior_tx_and_last_ledger(view, sle, ctx)
        if result is not SUCCESS:
            return result
    elif isinstance(view, OpenView) and tx.id in view.txs:
        return Tef.tefALREADY
    minimum = (transactor.base_fee or base_fee)(view, tx)
    result = check_fee(view, sle, ctx, minimum)
    if result is not SUCCESS:
        return result
    spk = tx.signing_pub_key
    if (  # check_sign for a master-key signature on an account without a regular key
        "Signers" not in fields
        and sle.regular_key is None
        and is_public_key(spk)
        and signing_account(spk) == tx.account
        and not sle.flags & lsfDisableMaster
    ):
        return SUCCESS
    return check_sign(sle, ctx)
