"""Transaction builders, one module per transaction type xpay supports."""

from xpay.client.transactions.account_set import AccountSet, AccountSetAsfFlag, AccountSetFlag
from xpay.client.transactions.offer_cancel import OfferCancel
from xpay.client.transactions.offer_create import OfferCreate, OfferCreateFlag
from xpay.client.transactions.payment import Payment, PaymentFlag
from xpay.client.transactions.set_regular_key import SetRegularKey
from xpay.client.transactions.transaction import Memo, Transaction, UniversalFlag
from xpay.client.transactions.trust_set import TrustSet, TrustSetFlag

__all__ = [
    "AccountSet",
    "AccountSetAsfFlag",
    "AccountSetFlag",
    "Memo",
    "OfferCancel",
    "OfferCreate",
    "OfferCreateFlag",
    "Payment",
    "PaymentFlag",
    "SetRegularKey",
    "Transaction",
    "TrustSet",
    "TrustSetFlag",
    "UniversalFlag",
]
