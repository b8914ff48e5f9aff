"""The node: the ledger master (single writer of ledger state), the consensus adaptor, serve()."""

from xpay.node.config import NodeConfig
from xpay.node.ledger_master import LedgerMaster
from xpay.node.open_ledger import OpenLedger
from xpay.node.service import NodeService
from xpay.node.standalone import Endpoints, StandaloneNode, add_standalone_command, serve_standalone

__all__ = [
    "Endpoints",
    "LedgerMaster",
    "NodeConfig",
    "NodeService",
    "OpenLedger",
    "StandaloneNode",
    "add_standalone_command",
    "serve_standalone",
]
