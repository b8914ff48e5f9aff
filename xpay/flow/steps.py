"""The step interface of the payment engine, as rippled's Steps.h.

A strand is a list of steps; each step moves value one hop: along a trust line (DirectStepI), through
an order book (BookStep), or in or out of an account's XRP balance (XRPEndpointStep). Every step
answers two questions with its own liquidity and at one quality:

* `rev(out)`: how much must come in for `out` to come out (the reverse pass), and
* `fwd(in)`: how much comes out for `in` (the forward pass),

each returning (actual in, actual out), and both writing their effect into the strand's payment
sandbox. The engine (strand_flow) knows nothing of trust lines or books; it only chains these calls.
"""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple

from xpay.amounts import QUALITY_ONE, Issue, Quality
from xpay.flow.amount_spec import StepAmount
from xpay.ledger.payment_sandbox import PaymentSandbox
from xpay.ledger.views import ReadView
from xpay.protocol.ids import AccountID, Hash256
from xpay.protocol.ter import TER


class DebtDirection(IntEnum):
    """Whether a step's source issues new IOUs to its destination or redeems IOUs it holds."""

    ISSUES = 0
    REDEEMS = 1


class StrandDirection(IntEnum):
    FORWARD = 0
    REVERSE = 1


class QualityDirection(IntEnum):
    IN = 0
    OUT = 1


class OfferCrossing(IntEnum):
    """A payment (NO), or an OfferCreate crossing the books (YES; SELL with tfSell)."""

    NO = 0
    YES = 1
    SELL = 2


class Book(NamedTuple):
    """An order book: offers that take `in_` (TakerPays) and give `out` (TakerGets)."""

    in_: Issue
    out: Issue


class FlowException(Exception):
    """An unexpected failure inside a step; the strand is abandoned (rippled's FlowException)."""

    def __init__(self, ter: TER, message: str = "") -> None:
        super().__init__(message or ter.name)
        self.ter = ter


class Step:
    """One hop of a strand (rippled's Step). Subclasses implement the liquidity methods."""

    __slots__ = ()

    def rev(
        self, sb: PaymentSandbox, af_view: PaymentSandbox, ofrs_to_rm: set[Hash256], out: StepAmount
    ) -> tuple[StepAmount, StepAmount]:
        """(in, out) needed for the requested `out`, within this step's liquidity."""
        raise NotImplementedError

    def fwd(
        self, sb: PaymentSandbox, af_view: PaymentSandbox, ofrs_to_rm: set[Hash256], in_: StepAmount
    ) -> tuple[StepAmount, StepAmount]:
        """(in, out) produced from the offered `in_`, within this step's liquidity."""
        raise NotImplementedError

    def cached_in(self) -> StepAmount | None:
        """What came into the step the last time it ran."""
        raise NotImplementedError

    def cached_out(self) -> StepAmount | None:
        """What came out of the step the last time it ran."""
        raise NotImplementedError

    def direct_step_src_acct(self) -> AccountID | None:
        """The source account of a trust-line step (for the NoRipple checks), else None."""
        return None

    def direct_step_accts(self) -> tuple[AccountID, AccountID] | None:
        """(src, dst) of a trust-line step; an XRP endpoint pairs its account with the XRP account."""
        return None

    def debt_direction(self, sb: ReadView, direction: StrandDirection) -> DebtDirection:
        raise NotImplementedError

    def line_quality_in(self, view: ReadView) -> int:
        """The QualityIn of the destination's line, for a trust-line step; QUALITY_ONE otherwise."""
        return QUALITY_ONE

    def quality_upper_bound(
        self, view: ReadView, prev_step_dir: DebtDirection
    ) -> tuple[Quality | None, DebtDirection]:
        """The best quality this step could give (None when dry) and its debt direction."""
        raise NotImplementedError

    def offers_used(self) -> int:
        """Offers consumed (or found unfunded, expired ...) the last time the step ran."""
        return 0

    def book_step_book(self) -> Book | None:
        return None

    def inactive(self) -> bool:
        """True when the step consumed too many offers: its strand is not used again."""
        return False

    def same_as(self, other: Step) -> bool:
        """The same step (rippled's operator==, used to drop duplicate strands)."""
        raise NotImplementedError


Strand = list[Step]


def offers_used(strand: Strand) -> int:
    return sum(step.offers_used() for step in strand)


def strands_equal(lhs: Strand, rhs: Strand) -> bool:
    return len(lhs) == len(rhs) and all(a.same_as(b) for a, b in zip(lhs, rhs))


class StrandContext:
    """What a step needs to know about its strand while it is built and checked (rippled's
    StrandContext). The seen-sets (of issue keys: currency + account) are shared by every step of
    one strand, for loop detection."""

    __slots__ = (
        "is_default_path",
        "is_first",
        "is_last",
        "limit_quality",
        "offer_crossing",
        "owner_pays_transfer_fee",
        "prev_step",
        "seen_book_outs",
        "seen_direct_issues",
        "strand_deliver",
        "strand_dst",
        "strand_size",
        "strand_src",
        "view",
    )

    def __init__(
        self,
        view: ReadView,
        strand: Strand,
        strand_src: AccountID,
        strand_dst: AccountID,
        strand_deliver: Issue,
        limit_quality: Quality | None,
        is_last: bool,
        owner_pays_transfer_fee: bool,
        offer_crossing: OfferCrossing,
        is_default_path: bool,
        seen_direct_issues: tuple[set[bytes], set[bytes]],
        seen_book_outs: set[bytes],
    ) -> None:
        self.view = view
        self.strand_src = strand_src
        self.strand_dst = strand_dst
        self.strand_deliver = strand_deliver
        self.limit_quality = limit_quality
        self.is_first = not strand
        self.is_last = is_last
        self.owner_pays_transfer_fee = owner_pays_transfer_fee
        self.offer_crossing = offer_crossing
        self.is_default_path = is_default_path
        self.strand_size = len(strand)
        self.prev_step: Step | None = strand[-1] if strand else None
        self.seen_direct_issues = seen_direct_issues
        self.seen_book_outs = seen_book_outs
