"""The node as the API sees it: NodeFacade over the ledger master and the store.

A thin adapter, so that neither the ledger master nor the API knows the other: the master keeps
ledgers, the store keeps history, and this object answers the API's questions from both.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from xpay.api.facade import EventListener, NodeInfo, NodeStatus, NotStandalone, SubmitOutcome
from xpay.crypto import NodeKey
from xpay.ledger.ledger import Ledger
from xpay.ledger.views import ReadView
from xpay.node.config import BUILD_VERSION, NodeConfig
from xpay.node.ledger_master import LedgerMaster
from xpay.protocol.ids import AccountID, Hash256
from xpay.store.ledger_store import LedgerStore
from xpay.store.records import AccountTxMarker, AccountTxPage, StoredLedger, TxRecord


class NodeService:
    """Implements xpay.api.facade.NodeFacade."""

    def __init__(
        self, config: NodeConfig, master: LedgerMaster, store: LedgerStore, stop: asyncio.Event, node_key: NodeKey
    ) -> None:
        self._config = config
        self._master = master
        self._store = store
        self._stop = stop
        self._started = time.monotonic()
        self._info = NodeInfo(
            network_id=config.network_id,
            standalone=config.standalone,
            build_version=BUILD_VERSION,
            fees=master.closed_ledger.fees,
            node_public_key=node_key.node_public,
        )

    @property
    def info(self) -> NodeInfo:
        return self._info

    def status(self) -> NodeStatus:
        return NodeStatus(
            server_state="full",
            load_factor=1,
            peers=0,
            uptime=int(time.monotonic() - self._started),
            queued_commands=self._master.queued_commands,
        )

    def validated_ledger(self) -> Ledger:
        return self._master.validated_ledger

    def closed_ledger(self) -> Ledger:
        return self._master.closed_ledger

    def current_view(self) -> ReadView:
        return self._master.open.view

    def open_ledger_transactions(self) -> list[tuple[Hash256, bytes]]:
        return [(tx.id, tx.blob) for tx in self._master.open_ledger_transactions()]

    def ledger_in_memory(self, seq: int) -> Ledger | None:
        return self._master.ledger_by_seq(seq)

    def ledger_in_memory_by_hash(self, ledger_hash: bytes) -> Ledger | None:
        return self._master.ledger_by_hash(ledger_hash)

    def is_validated(self, ledger: Ledger) -> bool:
        return self._master.is_validated(ledger)

    def complete_ledgers(self) -> tuple[int, int] | None:
        return self._master.complete_ledgers()

    def stored_ledger(self, seq: int) -> StoredLedger | None:
        return self._store.ledger(seq)

    def stored_ledger_by_hash(self, ledger_hash: bytes) -> StoredLedger | None:
        return self._store.ledger_by_hash(ledger_hash)

    def ledger_transactions(self, seq: int) -> tuple[TxRecord, ...]:
        return self._store.ledger_transactions(seq)

    def transaction(self, tx_id: bytes) -> TxRecord | None:
        return self._store.transaction(tx_id)

    def account_transactions(
        self,
        account: AccountID,
        min_seq: int,
        max_seq: int,
        *,
        forward: bool,
        limit: int,
        marker: AccountTxMarker | None,
    ) -> AccountTxPage:
        return self._store.account_transactions(
            account, min_seq, max_seq, forward=forward, limit=limit, marker=marker
        )

    async def submit(self, tx_blob: bytes) -> SubmitOutcome:
        return await self._master.submit(tx_blob)

    async def ledger_accept(self) -> Ledger:
        if not self._config.standalone:
            raise NotStandalone
        return await self._master.close()

    def request_stop(self) -> None:
        self._stop.set()

    def add_listener(self, listener: EventListener) -> Callable[[], None]:
        return self._master.add_listener(listener)
