"""The apply pipeline: one transaction into an open view (rippled's apply.cpp, applySteps.cpp and
Transactor::operator()).

    preflight  — common checks (preflight1), the transactor's, the signature (preflight2);
    preclaim   — common checks (sequence, LastLedgerSequence, fee, signing key), the transactor's;
    apply      — in a Sandbox over the view: consume the sequence, take the fee, do_apply; then

* tesSUCCESS: the sandbox is kept;
* tec: the sandbox is dropped and only the fee and the sequence are taken again, plus what the
  transactor's Outcome says must survive (unfunded offers to delete) — unless this is a retry
  pass (tapRETRY: not applied, tried again later) or tapFAIL_HARD (not applied);
* tem / tef / tel / ter: nothing changes;
* an exception escaping any stage is tefEXCEPTION, nothing changes (the core's one catch-all);

then the invariants are checked over the sandbox's diff (a violation leaves only the fee:
tecINVARIANT_FAILED), the fee is burned, and the sandbox commits into the view. (rippled burns
the fee only when building a closed ledger; burning it in the open ledger too changes nothing,
since an open view is never closed into a ledger — build_ledger re-applies the set — and it keeps
"XRP plus burned fees" checkable in the open ledger as well.) When the view is
being built into a closed ledger (`OpenView.build`), the metadata is derived from the diff
(xpay.ledger.metadata), entries are threaded, and the transaction is recorded with it; in the
open ledger the transaction is recorded without metadata, as rippled's ApplyStateTable does.
"""

from __future__ import annotations

import logging
from typing import Any, Final, NamedTuple

from xpay.amounts import STAmount
from xpay.amounts.xrp_amount import xrp_of
from xpay.codec.native import decode_native
from xpay.ledger import keylet
from xpay.ledger.entries import Offer
from xpay.ledger.metadata import build_metadata_blob
from xpay.ledger.transfers import offer_delete
from xpay.ledger.views import ERASE, INSERT, OpenView, Sandbox
from xpay.protocol.ter import TER, NotTEC, Tec, Tef, Tem, Tes
from xpay.tx.context import ApplyContext, ApplyFlags, Outcome, PreclaimContext, PreflightContext
from xpay.tx.invariants import check_invariants
from xpay.tx.registry import TRANSACTORS
from xpay.tx.rules import Rules
from xpay.tx.signature import SignatureCache
from xpay.tx.transaction import Transaction
from xpay.tx.transactor import Transactor, preclaim_common, preflight1, preflight2

_log = logging.getLogger(__name__)

SUCCESS: Final = Tes.tesSUCCESS
OVERSIZE_METADATA_CAP: Final = 5200
"""rippled's oversizeMetaDataCap: a transaction touching more entries claims only its fee."""
ALWAYS_CLAIMED: Final = frozenset(
    {Tec.tecOVERSIZE, Tec.tecKILLED, Tec.tecINCOMPLETE, Tec.tecEXPIRED}
)
"""tec results that claim the fee even in a retry pass (rippled's Transactor::operator())."""
UNFUNDED_OFFER_REMOVE_LIMIT: Final = 1000
"""rippled's unfundedOfferRemoveLimit: at most this many offers removed after a tec."""


class ApplyResult(NamedTuple):
    """What applying a transaction did: its result, whether it is in the view now (tes or a
    claimed tec), and, when the view is being built, its metadata as recorded (the serialised
    blob; `metadata` decodes it). A NamedTuple: one is built for every transaction."""

    result: TER
    applied: bool
    meta_blob: bytes | None = None

    @property
    def metadata(self) -> dict[str, Any] | None:
        """The metadata in native form (decoded from the blob), or None outside a build."""
        return None if self.meta_blob is None else decode_native(self.meta_blob)


def _is_tec(result: TER) -> bool:
    return result >= _TEC_MIN


def transactor_for(tx: Transaction) -> Transactor | None:
    return TRANSACTORS.get(tx.tx_type)


def preflight(
    tx: Transaction,
    rules: Rules,
    flags: ApplyFlags = ApplyFlags.tapNONE,
    signatures: SignatureCache | None = None,
) -> NotTEC:
    """Stateless checks: common, the transactor's, then the signature (rippled's preflight)."""
    transactor = TRANSACTORS.get(tx.tx_type)
    if transactor is None:
        return Tem.temUNKNOWN
    try:
        return _preflight(transactor, PreflightContext(tx, rules, flags, signatures))
    except Exception:
        _log.exception("preflight of %s raised", tx)
        return Tef.tefEXCEPTION


def _preflight(transactor: Transactor, ctx: PreflightContext) -> NotTEC:
    result = preflight1(ctx, transactor.flags_mask)
    if result is SUCCESS:
        result = transactor.preflight(ctx)
        if result is SUCCESS:
            result = preflight2(ctx)
    return result


def _preclaim(transactor: Transactor, ctx: PreclaimContext) -> TER:
    result = preclaim_common(ctx, transactor)
    if result is SUCCESS:
        result = transactor.preclaim(ctx)
    return result


def apply_transaction(
    view: OpenView,
    tx: Transaction,
    rules: Rules,
    flags: ApplyFlags = ApplyFlags.tapNONE,
    signatures: SignatureCache | None = None,
) -> ApplyResult:
    """Apply one transaction to `view` (rippled's apply()): see the module docstring."""
    transactor = TRANSACTORS.get(tx.tx_type)
    if transactor is None:
        return ApplyResult(Tem.temUNKNOWN, False)
    return run_transactor(view, tx, rules, transactor, flags, signatures)


def run_transactor(
    view: OpenView,
    tx: Transaction,
    rules: Rules,
    transactor: Transactor,
    flags: ApplyFlags = ApplyFlags.tapNONE,
    signatures: SignatureCache | None = None,
) -> ApplyResult:
    """Apply `tx` with the given transactor's stages (what apply_transaction does once it has
    looked the type up)."""
    try:
        result: TER = _preflight(transactor, PreflightContext(tx, rules, flags, signatures))
        if result is not SUCCESS:
            return ApplyResult(result, False)
        result = _preclaim(transactor, PreclaimContext(view, tx, rules, flags))
        if result is not SUCCESS and result < _TEC_MIN:
            return ApplyResult(result, False)
        return _apply(view, tx, rules, flags, transactor, result)
    except Exception:
        # The one catch-all of the core, as rippled's applySteps: a transactor that raises has a
        # bug; the transaction changes nothing and the node carries on.
        _log.exception("applying %s raised", tx)
        return ApplyResult(Tef.tefEXCEPTION, False)


_TEC_MIN: Final = 100
"""tec results are 100 and up (rippled's isTecClaim)."""
_FAIL_HARD: Final = int(ApplyFlags.tapFAIL_HARD)
_RETRY: Final = int(ApplyFlags.tapRETRY)


def _apply(
    view: OpenView,
    tx: Transaction,
    rules: Rules,
    flags: ApplyFlags,
    transactor: Transactor,
    result: TER,
) -> ApplyResult:
    """rippled's Transactor::operator(): `result` is the preclaim result (tes or tec)."""
    sandbox = Sandbox(view)
    fee = tx.fee.mantissa
    outcome: Outcome | None = None
    if result is SUCCESS:
        result, outcome = _do_apply(sandbox, tx, rules, flags, transactor, fee)

    if len(sandbox.items) > OVERSIZE_METADATA_CAP:
        result = Tec.tecOVERSIZE
    if result >= _TEC_MIN:
        if int(flags) & _FAIL_HARD or (int(flags) & _RETRY and result not in ALWAYS_CLAIMED):
            # A hard-fail submission does nothing; a retry pass tries a tec again later.
            return ApplyResult(result, False)
        result, fee = _reset(sandbox, tx, fee, result)
        if outcome is not None and outcome.removable_offers and _is_tec(result):
            _remove_offers(sandbox, outcome.removable_offers)
        applied = _is_tec(result)
    else:
        applied = result is SUCCESS

    if applied:
        result = check_invariants(tx, result, fee, view, sandbox.items)
        if result is Tec.tecINVARIANT_FAILED:
            reset_result, fee = _reset(sandbox, tx, fee, result)
            if reset_result is not result:
                result = reset_result
            if result is SUCCESS or _is_tec(result):
                result = check_invariants(tx, result, fee, view, sandbox.items)
        applied = result is SUCCESS or _is_tec(result)
    if not applied:
        return ApplyResult(result, False)

    sandbox.destroy_xrp(fee)
    if not view.build:
        # The open ledger: the changes and the transaction, without metadata.
        sandbox.apply()
        view.add_tx(tx.id, tx.blob, None)
        return ApplyResult(result, True)
    delivered = outcome.delivered if outcome is not None and result is SUCCESS else None
    return ApplyResult(result, True, _commit(view, sandbox, tx, result, delivered))


def _do_apply(
    sandbox: Sandbox,
    tx: Transaction,
    rules: Rules,
    flags: ApplyFlags,
    transactor: Transactor,
    fee: int,
) -> tuple[TER, Outcome | None]:
    """rippled's Transactor::apply: consume the sequence, take the fee, then the transactor."""
    account = sandbox.read(keylet.account(tx.account))
    if account is None:
        return Tef.tefINTERNAL, None
    prior = account.balance
    source = xrp_of(prior.drops - fee)
    if account.account_txn_id is not None:
        account = account._replace(sequence=tx.sequence + 1, balance=source, account_txn_id=tx.id)
    else:
        account = account._replace(sequence=tx.sequence + 1, balance=source)
    sandbox.update(account)
    returned = transactor.do_apply(ApplyContext(sandbox, tx, rules, flags, prior, source))
    if type(returned) is Outcome:
        return returned.result, returned
    return returned, None  # type: ignore[return-value]


def _reset(sandbox: Sandbox, tx: Transaction, fee: int, result: TER) -> tuple[TER, int]:
    """rippled's Transactor::reset: drop every change, then take only the fee (at most the
    balance) and consume the sequence."""
    sandbox.discard()
    account = sandbox.read(keylet.account(tx.account))
    if account is None:
        return Tef.tefINTERNAL, 0
    balance = account.balance.drops
    if fee > balance:
        fee = balance
    sandbox.update(account._replace(balance=xrp_of(balance - fee), sequence=tx.sequence + 1))
    return result, fee


def _remove_offers(sandbox: Sandbox, keys: frozenset[bytes]) -> None:
    """Delete the offers the transactor found unfunded (rippled's removeUnfundedOffers), in key
    order so every node deletes the same ones."""
    removed = 0
    for key in sorted(keys):
        offer = sandbox.read(keylet.Keylet(Offer, key))
        if offer is not None:
            offer_delete(sandbox, offer)
            removed += 1
            if removed == UNFUNDED_OFFER_REMOVE_LIMIT:
                return


def _commit(
    view: OpenView,
    sandbox: Sandbox,
    tx: Transaction,
    result: TER,
    delivered: STAmount | None,
) -> bytes:
    """Write the sandbox into a view being built into a closed ledger and record the
    transaction with its metadata, entries threaded (rippled's ApplyStateTable::apply, for a
    view that is not open). Returns the metadata blob."""
    changes = list(sandbox.changes())
    blob, writes = build_metadata_blob(
        view, changes, tx.id, view.seq, int(result), view.tx_count(), delivered
    )
    inserted = set()
    for key, action, entry in changes:
        if action == ERASE:
            view.raw_erase(entry)
        elif action == INSERT:
            inserted.add(key)
    for entry in writes:
        if entry.key in inserted:
            view.raw_insert(entry)
        else:
            view.raw_replace(entry)
    view.raw_destroy_xrp(sandbox.destroyed_drops)
    view.add_tx(tx.id, tx.blob, blob)
    return blob
