"""The node: the ledger master (single writer of ledger state), the consensus adaptor, serve()."""

from xpay.node.config import NodeConfig
from xpay.node.consensus_adaptor import RCLConsensusAdaptor
from xpay.node.devnet import Devnet, DevnetConfig, ValidatorProcess, devnet_validator_configs
from xpay.node.ledger_master import LedgerMaster
from xpay.node.open_ledger import OpenLedger
from xpay.node.service import NodeService
from xpay.node.standalone import Endpoints, StandaloneNode, add_standalone_command, serve_standalone
from xpay.node.validator import ValidatorConfig, ValidatorNode, network_parms, serve_validator

__all__ = [
    "Devnet",
    "DevnetConfig",
    "Endpoints",
    "LedgerMaster",
    "NodeConfig",
    "NodeService",
    "OpenLedger",
    "RCLConsensusAdaptor",
    "StandaloneNode",
    "ValidatorConfig",
    "ValidatorNode",
    "ValidatorProcess",
    "add_standalone_command",
    "devnet_validator_configs",
    "network_parms",
    "serve_standalone",
    "serve_validator",
]
