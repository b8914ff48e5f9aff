"""TOffer: a standing offer as the payment engine sees it (rippled's Offer.h).

The offer's quality is its book directory's, fixed when it was placed: partial fills do not change
it, so a reduced offer keeps its place. Amounts are bare step amounts; the entry is rewritten
(TakerPays / TakerGets reduced) each time it is consumed.
"""

from __future__ import annotations

from xpay.amounts import Issue, Quality
from xpay.flow.amount_spec import (
    StepAmount,
    ceil_in_strict,
    ceil_out_strict,
    to_st_amount,
    to_step_amount,
)
from xpay.ledger.entries import Offer
from xpay.ledger.views import LogicError, Sandbox
from xpay.protocol.ids import AccountID, Hash256


class TOffer:
    """An offer being crossed: it takes `amount_in` (TakerPays) and gives `amount_out` (TakerGets)."""

    __slots__ = ("amount_in", "amount_out", "entry", "issue_in", "issue_out", "owner", "quality")

    def __init__(self, entry: Offer, quality: Quality) -> None:
        self.entry = entry
        self.quality = quality
        self.owner: AccountID = entry.account
        self.issue_in: Issue = entry.taker_pays.issue
        self.issue_out: Issue = entry.taker_gets.issue
        self.amount_in: StepAmount = to_step_amount(entry.taker_pays)
        self.amount_out: StepAmount = to_step_amount(entry.taker_gets)

    @property
    def key(self) -> Hash256:
        return self.entry.key

    def fully_consumed(self) -> bool:
        """No more value can flow through the offer."""
        return self.amount_in.signum() <= 0 or self.amount_out.signum() <= 0

    def is_funded(self) -> bool:
        """The owner issues what the offer gives: its funds are unlimited."""
        return self.owner == self.issue_out.account

    def limit_out(
        self, in_: StepAmount, out: StepAmount, limit: StepAmount, round_up: bool
    ) -> tuple[StepAmount, StepAmount]:
        """(in, out) scaled so that out <= limit, at the offer's quality (ceil_out_strict)."""
        return ceil_out_strict(self.quality, in_, out, limit, round_up)

    def limit_in(
        self, in_: StepAmount, out: StepAmount, limit: StepAmount, round_up: bool
    ) -> tuple[StepAmount, StepAmount]:
        """(in, out) scaled so that in <= limit, at the offer's quality (ceil_in_strict)."""
        return ceil_in_strict(self.quality, in_, out, limit, round_up)

    def consume(self, view: Sandbox, consumed_in: StepAmount, consumed_out: StepAmount) -> None:
        """Reduce the offer by what was taken, and write it back."""
        if consumed_in > self.amount_in:  # type: ignore[operator]
            raise LogicError("can't consume more than is available")
        if consumed_out > self.amount_out:  # type: ignore[operator]
            raise LogicError("can't produce more than is available")
        self.amount_in = self.amount_in - consumed_in  # type: ignore[operator]
        self.amount_out = self.amount_out - consumed_out  # type: ignore[operator]
        entry = self.entry._replace(
            taker_pays=to_st_amount(self.amount_in, self.issue_in),
            taker_gets=to_st_amount(self.amount_out, self.issue_out),
        )
        self.entry = entry
        view.update(entry)
