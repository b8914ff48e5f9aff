"""A bank's gateway on xpay: issuing and operational addresses, an off-ledger book in SQLite,
deposits and withdrawals exactly once, reconciliation, freezes, and a back-office REST API
(modelled on the XRPL's "Become an XRP Ledger Gateway")."""

from gateways.gateway.book import Book, Customer, Deposit, JournalEntry, LedgerException, Withdrawal
from gateways.gateway.config import ApiSettings, GatewayConfig, load_gateway_config
from gateways.gateway.errors import GatewayError
from gateways.gateway.reconciliation import ReconciliationReport
from gateways.gateway.rest import GatewayApi
from gateways.gateway.service import GatewayService

__all__ = [
    "ApiSettings",
    "Book",
    "Customer",
    "Deposit",
    "GatewayApi",
    "GatewayConfig",
    "GatewayError",
    "GatewayService",
    "JournalEntry",
    "LedgerException",
    "ReconciliationReport",
    "Withdrawal",
    "load_gateway_config",
]
