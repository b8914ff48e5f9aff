"""Async SDK for banks and market makers: rippled's HTTP JSON-RPC and WebSocket APIs, typed.

    import asyncio
    from xpay.client import Client, Payment, Wallet, xrp

    async def main() -> None:
        wallet = Wallet.from_seed("sEd…")
        async with Client("http://127.0.0.1:5005") as client:
            payment = Payment(account=wallet.address, destination="r…", amount=xrp("10"))
            record = await client.submit_and_wait(payment, wallet)
            print(record.engine_result, record.ledger_index)

    asyncio.run(main())
"""

from xpay.client.amount import (
    XRP,
    account_id,
    amount_from_json,
    amount_to_json,
    drops,
    iou,
    issue,
    xrp,
)
from xpay.client.autofill import AutofillPolicy
from xpay.client.errors import (
    ClientError,
    ConnectionLost,
    FeeTooHigh,
    InvalidInput,
    MalformedTransaction,
    RPCError,
    SubscriptionOverflow,
    TransactionExpired,
    TransactionFailed,
    UnexpectedResponse,
)
from xpay.client.http import Client
from xpay.client.methods import APIMethods, LedgerSpec
from xpay.client.path import Path, PathStep
from xpay.client.results import (
    AccountInfo,
    AccountOffer,
    BookOffer,
    CurrencyBalance,
    FeeInfo,
    GatewayBalances,
    LedgerClosed,
    LedgerInfo,
    PathAlternative,
    PathFindResult,
    ServerInfo,
    SubmitResult,
    TransactionRecord,
    TrustLine,
)
from xpay.client.subscriptions import Book, Subscription
from xpay.client.transactions import (
    AccountSet,
    AccountSetAsfFlag,
    AccountSetFlag,
    Memo,
    OfferCancel,
    OfferCreate,
    OfferCreateFlag,
    Payment,
    PaymentFlag,
    SetRegularKey,
    Transaction,
    TrustSet,
    TrustSetFlag,
    UniversalFlag,
)
from xpay.client.wallet import SignedTransaction, Wallet
from xpay.client.websocket import Backoff, WebSocketClient

__all__ = [
    "XRP",
    "APIMethods",
    "AccountInfo",
    "AccountOffer",
    "AccountSet",
    "AccountSetAsfFlag",
    "AccountSetFlag",
    "AutofillPolicy",
    "Backoff",
    "Book",
    "BookOffer",
    "Client",
    "ClientError",
    "ConnectionLost",
    "CurrencyBalance",
    "FeeInfo",
    "FeeTooHigh",
    "GatewayBalances",
    "InvalidInput",
    "LedgerClosed",
    "LedgerInfo",
    "LedgerSpec",
    "MalformedTransaction",
    "Memo",
    "OfferCancel",
    "OfferCreate",
    "OfferCreateFlag",
    "Path",
    "PathAlternative",
    "PathFindResult",
    "PathStep",
    "Payment",
    "PaymentFlag",
    "RPCError",
    "ServerInfo",
    "SetRegularKey",
    "SignedTransaction",
    "SubmitResult",
    "Subscription",
    "SubscriptionOverflow",
    "Transaction",
    "TransactionExpired",
    "TransactionFailed",
    "TransactionRecord",
    "TrustLine",
    "TrustSet",
    "TrustSetFlag",
    "UnexpectedResponse",
    "UniversalFlag",
    "Wallet",
    "WebSocketClient",
    "account_id",
    "amount_from_json",
    "amount_to_json",
    "drops",
    "iou",
    "issue",
    "xrp",
]
