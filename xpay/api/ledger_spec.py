"""Which ledger a request is about: rippled's RPC::lookupLedger.

A request names a ledger by `ledger_hash`, or by `ledger_index` — a sequence number (an integer,
or digits in a string) or one of the shortcuts "current" (the open ledger, the default),
"closed" (the last closed ledger) and "validated". The answer carries the ledger's identification
fields for the response (`ledger_hash` + `ledger_index`, or `ledger_current_index` for the open
ledger) and `validated`.

State lookups need the ledger's state, which the node holds in memory for recent ledgers; older
ledgers are known by header and transactions only (from the store), and a state lookup on them is
lgrNotFound, as on a rippled that no longer holds the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xpay.api.context import RpcContext
from xpay.api.errors import RpcError, invalid_params
from xpay.api.params import is_int
from xpay.ledger.ledger import Ledger, LedgerHeader
from xpay.ledger.views import ReadView
from xpay.protocol.ids import Hash256
from xpay.store.records import StoredLedger

MAX_LEDGER_SEQ = 0xFFFF_FFFF
"""Ledger sequences are uint32."""


@dataclass(frozen=True, slots=True)
class LedgerRef:
    """A ledger a request named: the open ledger, a closed ledger in memory, or a stored one."""

    seq: int
    view: ReadView | None
    """Its state (the open view or an in-memory closed ledger); None when only stored."""
    header: LedgerHeader | None
    """None for the open ledger."""
    hash: Hash256 | None
    validated: bool
    ledger: Ledger | None = None

    @property
    def is_open(self) -> bool:
        return self.header is None

    def result_fields(self) -> dict[str, Any]:
        """The fields rippled adds to a response about this ledger."""
        if self.is_open:
            return {"ledger_current_index": self.seq, "validated": False}
        assert self.hash is not None
        return {"ledger_hash": self.hash.hex().upper(), "ledger_index": self.seq, "validated": self.validated}

    def state(self) -> ReadView:
        """The ledger's state, or lgrNotFound when the node no longer holds it."""
        if self.view is None:
            raise RpcError("lgrNotFound", "ledgerNotFound")
        return self.view


def _closed(ctx: RpcContext, ledger: Ledger) -> LedgerRef:
    return LedgerRef(
        seq=ledger.seq,
        view=ledger,
        header=ledger.header,
        hash=ledger.hash,
        validated=ctx.node.is_validated(ledger),
        ledger=ledger,
    )


def _stored(stored: StoredLedger) -> LedgerRef:
    return LedgerRef(seq=stored.seq, view=None, header=stored.header, hash=stored.hash, validated=stored.validated)


def current(ctx: RpcContext) -> LedgerRef:
    view = ctx.node.current_view()
    return LedgerRef(seq=view.seq, view=view, header=None, hash=None, validated=False)


def _by_seq(ctx: RpcContext, seq: int) -> LedgerRef:
    node = ctx.node
    current_view = node.current_view()
    if seq == current_view.seq:
        return current(ctx)
    ledger = node.ledger_in_memory(seq)
    if ledger is not None:
        return _closed(ctx, ledger)
    stored = node.stored_ledger(seq)
    if stored is not None:
        return _stored(stored)
    raise RpcError("lgrNotFound", "ledgerNotFound")


def _by_hash(ctx: RpcContext, value: Any) -> LedgerRef:
    if not isinstance(value, str):
        raise invalid_params("ledgerHashNotString")
    try:
        ledger_hash = bytes.fromhex(value)
    except ValueError:
        raise invalid_params("ledgerHashMalformed") from None
    if len(ledger_hash) != 32:
        raise invalid_params("ledgerHashMalformed")
    ledger = ctx.node.ledger_in_memory_by_hash(ledger_hash)
    if ledger is not None:
        return _closed(ctx, ledger)
    stored = ctx.node.stored_ledger_by_hash(ledger_hash)
    if stored is not None:
        return _stored(stored)
    raise RpcError("lgrNotFound", "ledgerNotFound")


def select_ledger(ctx: RpcContext, default: str = "current") -> LedgerRef:
    """The ledger the request's `ledger_hash` / `ledger_index` names (rippled's lookupLedger)."""
    params = ctx.params
    if params.get("ledger_hash") is not None:
        return _by_hash(ctx, params["ledger_hash"])
    index = params.get("ledger_index", params.get("ledger", default))
    if is_int(index):
        if not 0 < index <= MAX_LEDGER_SEQ:
            raise invalid_params("ledgerIndexMalformed")
        return _by_seq(ctx, index)
    if not isinstance(index, str):
        raise invalid_params("ledgerIndexMalformed")
    if index in ("current", ""):
        return current(ctx)
    if index == "closed":
        return _closed(ctx, ctx.node.closed_ledger())
    if index == "validated":
        return _closed(ctx, ctx.node.validated_ledger())
    if index.isascii() and index.isdigit() and 0 < int(index) <= MAX_LEDGER_SEQ:
        return _by_seq(ctx, int(index))
    raise invalid_params("ledgerIndexMalformed")
