"""The payment engine: strands of steps (trust-line steps, book steps, XRP ends), as rippled's Flow.

`flow()` is the one entry point (Payment and OfferCreate call it); the rest of the package is the
machinery: `strand` builds strands from paths, `strand_flow` runs them, the step modules move value
one hop, `offer_stream` / `book_tip` walk an order book best-first.
"""

from xpay.flow.flow import FlowResult, flow

__all__ = ["FlowResult", "flow"]
